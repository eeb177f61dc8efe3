"""nn.functional ops under mixed or unsupported dtypes: PyTorch's result dtype or its error."""

import itertools

import numpy as np
import pytest

from tests.nn.test_loss_dtypes import _array, same_outcome
from tests.oracle import check

DTYPES = ("float16", "float32", "float64", "int32", "int64", "bool")


def _f(lib):
    return lib.nn.functional


def test_linear_and_bilinear_dtypes():
    for dx, dw, db in itertools.product(DTYPES, repeat=3):
        same_outcome(lambda L, x, w, b: _f(L).linear(x, w, b),
                     [_array((2, 3), dx, 0), _array((4, 3), dw, 1), _array((4,), db, 2)])
    for dx, dw in itertools.product(DTYPES, repeat=2):
        same_outcome(lambda L, x, w: _f(L).linear(x, w), [_array((2, 3), dx, 0),
                                                          _array((4, 3), dw, 1)])
        same_outcome(lambda L, x, w: _f(L).bilinear(x, x, w), [_array((2, 3), dx, 0),
                                                               _array((4, 3, 3), dw, 1)])
        same_outcome(lambda L, x, w: _f(L).bilinear(x, x, w, L.ones(4)),
                     [_array((2, 3), dx, 0), _array((4, 3, 3), dw, 1)])


CONVS = {
    "conv1d": ((1, 2, 5), (3, 2, 2)),
    "conv2d": ((1, 2, 4, 4), (3, 2, 2, 2)),
    "conv3d": ((1, 2, 3, 3, 3), (3, 2, 2, 2, 2)),
    "conv_transpose1d": ((1, 2, 4), (2, 3, 2)),
    "conv_transpose2d": ((1, 2, 4, 4), (2, 3, 2, 2)),
    "conv_transpose3d": ((1, 2, 3, 3, 3), (2, 3, 2, 2, 2)),
}


@pytest.mark.parametrize("name", sorted(CONVS))
def test_conv_dtypes(name):
    xs, ws = CONVS[name]
    for dx, dw, db in itertools.product(DTYPES, repeat=3):
        same_outcome(lambda L, x, w, b: getattr(_f(L), name)(x, w, b),
                     [_array(xs, dx, 0), _array(ws, dw, 1), _array((3,), db, 2)])
    for dt in ("int16", "uint8", "int8"):
        same_outcome(lambda L, x, w: getattr(_f(L), name)(x, w),
                     [_array(xs, dt, 0), _array(ws, dt, 1)])


@pytest.mark.parametrize("shapes", [((2, 3, 8, 8), (4, 3, 3, 3), {}),
                                    ((1, 3, 8, 8), (4, 3, 3, 3), {"stride": 2}),
                                    ((1, 4, 8, 8), (4, 2, 3, 3), {"groups": 2}),
                                    ((1, 3, 100, 100), (4, 3, 3, 3), {}),
                                    ((1, 3, 8, 8), (4, 3, 5, 5), {})])
def test_conv_weight_dtype_message(shapes):
    """The message of a weight-dtype mismatch follows PyTorch's kernel choice."""
    xs, ws, kw = shapes
    for dx, dw in (("float32", "float64"), ("float32", "float16"), ("float64", "float32")):
        same_outcome(lambda L, x, w: _f(L).conv2d(x, w, **kw), [_array(xs, dx, 0),
                                                                 _array(ws, dw, 1)])


def test_conv_checks_come_in_order():
    same_outcome(lambda L, x, w: _f(L).conv2d(x, w), [np.ones((1, 2, 4, 4), np.float16),
                                                      np.ones((3, 5, 2, 2), np.float32)])
    same_outcome(lambda L, x, w: _f(L).conv2d(x, w, L.ones(3), stride=0),
                 [np.ones((1, 2, 4, 4), np.float16), np.ones((3, 2, 2, 2), np.float16)])
    same_outcome(lambda L, x, w: _f(L).conv_transpose2d(x, w),
                 [np.ones((1, 2, 4, 4), np.int32), np.ones((3, 3, 2, 2), np.int32)])


NORMS = {
    "layer_norm": (lambda L, x, w, b: _f(L).layer_norm(x, (4,), w, b), (2, 4)),
    "group_norm": (lambda L, x, w, b: _f(L).group_norm(x, 2, w, b), (2, 4, 3)),
    "batch_norm_train": (lambda L, x, w, b: _f(L).batch_norm(x, None, None, w, b, training=True),
                         (3, 4)),
    "batch_norm_eval": (lambda L, x, w, b: _f(L).batch_norm(x, L.ones(4), L.ones(4), w, b,
                                                            training=False), (3, 4)),
    "instance_norm": (lambda L, x, w, b: _f(L).instance_norm(x, weight=w, bias=b), (2, 4, 3)),
}


@pytest.mark.parametrize("name", sorted(NORMS))
def test_norm_parameter_dtypes(name):
    """float16 input with float32 parameters is PyTorch's "mixed dtype" case; otherwise the
    parameters must share the input's dtype, and integer inputs are rejected."""
    fn, shape = NORMS[name]
    for dx, dw, db in itertools.product(DTYPES, repeat=3):
        same_outcome(fn, [_array(shape, dx, 0), _array((4,), dw, 1), _array((4,), db, 2)])


def test_norm_statistics_dtypes():
    for dx, dm, dv in itertools.product(DTYPES, repeat=3):
        arrays = [_array((3, 4), dx, 0), _array((4,), dm, 1), _array((4,), dv, 2)]
        for training in (False, True):
            same_outcome(lambda L, x, m, v, t=training: _f(L).batch_norm(x, m, v, training=t),
                         arrays)
        arrays = [_array((2, 4, 3), dx, 0), _array((4,), dm, 1), _array((4,), dv, 2)]
        for use in (False, True):
            same_outcome(lambda L, x, m, v, u=use: _f(L).instance_norm(x, m, v,
                                                                      use_input_stats=u), arrays)


@pytest.mark.parametrize("dt", DTYPES)
def test_norm_argument_errors(dt):
    x = _array((3, 4), dt, 0)
    m = _array((4,), "float32", 1)
    same_outcome(lambda L, x: _f(L).batch_norm(x, None, None, training=False), [x])
    same_outcome(lambda L, x, m: _f(L).batch_norm(x, m, None, training=False), [x, m])
    same_outcome(lambda L, x, m: _f(L).batch_norm(x, None, m, training=False), [x, m])
    same_outcome(lambda L, x: _f(L).layer_norm(x, []), [x])
    same_outcome(lambda L, x: _f(L).layer_norm(x, ()), [x])
    same_outcome(lambda L, x: _f(L).layer_norm(x, (4,)), [x])
    same_outcome(lambda L, x: _f(L).rms_norm(x, (4,)), [x])
    same_outcome(lambda L, x, w: _f(L).rms_norm(x, (4,), w), [x, m])
    x3 = _array((2, 4, 3), dt, 0)
    same_outcome(lambda L, x: _f(L).group_norm(x, 2), [x3])
    same_outcome(lambda L, x: _f(L).instance_norm(x, use_input_stats=False), [x3])
    for shape in ((2, 4, 3), (2, 4, 3, 3), (2, 4, 3, 3, 2)):
        same_outcome(lambda L, x: _f(L).local_response_norm(x, 2), [_array(shape, dt, 0)])


def test_batch_norm_mixed_half_values():
    """float16 input, float32 parameters: a float16 result with PyTorch's values."""
    check(lambda lib, x, w, b: lib.nn.functional.layer_norm(x, (4,), w, b),
          arrays=[np.linspace(-1, 1, 8, dtype=np.float16).reshape(2, 4),
                  np.linspace(0.5, 1.5, 4, dtype=np.float32), np.ones(4, np.float32)],
          grad=False)
    check(lambda lib, x, w, b: lib.nn.functional.batch_norm(x, None, None, w, b, training=True),
          arrays=[np.linspace(-1, 1, 12, dtype=np.float16).reshape(3, 4),
                  np.linspace(0.5, 1.5, 4, dtype=np.float32), np.ones(4, np.float32)],
          grad=False)


POOL_DTYPES = DTYPES + ("uint8", "int8", "int16")


@pytest.mark.parametrize("nd", [1, 2, 3])
@pytest.mark.parametrize("dt", POOL_DTYPES)
def test_pool_dtypes(nd, dt):
    x = _array((1, 2) + (4,) * nd, dt, 0)
    for fn in (lambda L, x: getattr(_f(L), f"max_pool{nd}d")(x, 2),
               lambda L, x: getattr(_f(L), f"max_pool{nd}d")(x, 2, return_indices=True)[0],
               lambda L, x: getattr(_f(L), f"avg_pool{nd}d")(x, 2),
               lambda L, x: getattr(_f(L), f"adaptive_max_pool{nd}d")(x, 2),
               lambda L, x: getattr(_f(L), f"adaptive_avg_pool{nd}d")(x, 2)):
        same_outcome(fn, [x])
        same_outcome(fn, [x[0]])


def test_avg_pool3d_int64_values():
    """int64 average pooling divides toward zero, as PyTorch's kernel."""
    a = np.array([-3, 2, -5, 4, 7, 0, -1, -1], np.int64).reshape(1, 1, 2, 2, 2)
    check(lambda lib, x: lib.nn.functional.avg_pool3d(x, 2), arrays=[a], grad=False)
    check(lambda lib, x: lib.nn.functional.avg_pool3d(x, (1, 1, 2)), arrays=[a], grad=False)


INTERP_MODES = [("nearest", 1), ("nearest", 2), ("nearest", 3), ("linear", 1), ("bilinear", 2),
                ("bicubic", 2), ("trilinear", 3), ("area", 1), ("area", 2), ("area", 3),
                ("nearest-exact", 1), ("nearest-exact", 2), ("nearest-exact", 3)]


@pytest.mark.parametrize("mode,nd", INTERP_MODES)
def test_interpolate_dtypes(mode, nd):
    for dt in DTYPES + ("uint8", "int8"):
        same_outcome(lambda L, x: _f(L).interpolate(x, scale_factor=2, mode=mode),
                     [_array((1, 2) + (3,) * nd, dt, 0)])


BAD_SIZES = [dict(size=0), dict(size=-1), dict(size=(0, 2)), dict(size=(2, 0)),
             dict(size=(2, -1)), dict(scale_factor=0), dict(scale_factor=-1.0),
             dict(scale_factor=0.1), dict(scale_factor=(2, 0)), dict(size=2.5),
             dict(size=(2.0, 3)), dict(scale_factor=float("nan")),
             dict(scale_factor=float("inf")), dict(size=[2]), dict(scale_factor=[2]),
             dict(size=2, scale_factor=2), dict()]


@pytest.mark.parametrize("kw", BAD_SIZES, ids=str)
@pytest.mark.parametrize("mode,nd", INTERP_MODES)
def test_interpolate_bad_sizes(kw, mode, nd):
    if nd != 2 and isinstance(kw.get("size", kw.get("scale_factor")), (tuple, list)):
        return
    same_outcome(lambda L, x: _f(L).interpolate(x, mode=mode, **kw),
                 [_array((1, 2) + (3,) * nd, "float32", 0)])


def test_interpolate_area_3d_values():
    check(lambda lib, x: lib.nn.functional.interpolate(x, size=(2, 3, 2), mode="area"),
          shapes=[(1, 2, 3, 5, 4)])
    check(lambda lib, x: lib.nn.functional.interpolate(x, scale_factor=0.1, mode="area"),
          shapes=[(1, 2, 3, 3)], grad=False)


ACTIVATIONS = ["relu", "relu6", "elu", "selu", "celu", "gelu", "silu", "mish", "hardtanh",
               "hardsigmoid", "hardswish", "leaky_relu", "softplus", "softsign", "logsigmoid",
               "softshrink", "hardshrink", "glu", "prelu", "rrelu", "threshold"]


@pytest.mark.parametrize("name", ACTIVATIONS)
@pytest.mark.parametrize("dt", DTYPES + ("uint8",))
def test_activation_dtypes(name, dt):
    if name == "prelu":
        def fn(L, x):
            return _f(L).prelu(x, L.ones(1))
    elif name == "threshold":
        def fn(L, x):
            return _f(L).threshold(x, 0.5, 2.0)
    elif name == "glu":
        def fn(L, x):
            return _f(L).glu(x, -1)
    else:
        def fn(L, x):
            return getattr(_f(L), name)(x)
    same_outcome(fn, [_array((2, 4), dt, 0)])
    if name == "rrelu":
        same_outcome(lambda L, x: _f(L).rrelu(x, training=True), [_array((2, 4), dt, 0)])


@pytest.mark.parametrize("mode", ["constant", "reflect", "replicate", "circular"])
@pytest.mark.parametrize("dt", DTYPES + ("uint8",))
def test_pad_dtypes(mode, dt):
    for shape, widths in (((1, 2, 3), (1, 1)), ((1, 2, 3, 3), (1, 1, 1, 1)),
                          ((1, 2, 3, 3, 3), (1, 1) * 3), ((1, 2, 3), (5, 5))):
        same_outcome(lambda L, x, w=widths: _f(L).pad(x, w, mode=mode), [_array(shape, dt, 0)])
