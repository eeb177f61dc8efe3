"""Forward-mode AD (``autograd.forward_ad``) against torch: tangents of a table of ops and of
torch's OpInfo entries, the dual-level API and its errors, views and in-place updates, printing,
and composition with reverse mode."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch
import torch.autograd.forward_ad as tfw

import numtorch
import numtorch.autograd.forward_ad as nfw
import numtorch.autograd.profiler
from numtorch._ops import _base, _inplace
from tests.ops.test_opinfo import (
    Converter,
    NotComparable,
    _flat,
    _numpy_of,
    _op_db,
    _samples,
    compare,
    entry_id,
    load_xfail,
    numtorch_callable,
)

FW = {torch: tfw, numtorch: nfw}


def _tangent_array(t):
    return None if t is None else np.asarray(t.detach().numpy())


def run_dual(lib, fn, arrays, tangents, dual=None):
    """``fn(lib, *tensors)`` inside a dual level, the tensors flagged in ``dual`` made dual;
    returns [(primal array, tangent array or None)] per output tensor (other outputs as is)."""
    fw = FW[lib]
    dual = dual if dual is not None else [True] * len(arrays)
    with fw.dual_level():
        ins = []
        for a, t, d in zip(arrays, tangents, dual):
            x = lib.tensor(a)
            ins.append(fw.make_dual(x, lib.tensor(t)) if d else x)
        out = fn(lib, *ins)
        res = []
        for o in _flat(out):
            if isinstance(o, lib.Tensor):
                p, tan = fw.unpack_dual(o)
                res.append((np.asarray(p.detach().numpy()), _tangent_array(tan)))
            else:
                res.append((o, None))
        return res


def check_jvp(fn, shapes, *, dtype="float64", dual=None, seed=0, low=-2.0, high=2.0,
              rtol=1e-6, atol=1e-8):
    """Primal outputs and tangents of ``fn`` equal torch's (None where torch has none)."""
    rng = np.random.default_rng(seed)
    arrays = [rng.uniform(low, high, s).astype(dtype) for s in shapes]
    tangents = [rng.standard_normal(s).astype(dtype) for s in shapes]
    ours = run_dual(numtorch, fn, arrays, tangents, dual)
    theirs = run_dual(torch, fn, arrays, tangents, dual)
    assert len(ours) == len(theirs)
    for k, ((po, to), (pt, tt)) in enumerate(zip(ours, theirs)):
        if isinstance(pt, np.ndarray):
            np.testing.assert_allclose(po, pt, rtol=rtol, atol=atol, err_msg=f"primal {k}")
        else:
            assert po == pt
        if tt is None:
            assert to is None, f"tangent {k}: torch has none"
            continue
        assert to is not None, f"tangent {k} is None, torch has one"
        assert to.dtype == tt.dtype, f"tangent {k}: dtype {to.dtype} != {tt.dtype}"
        np.testing.assert_allclose(to, tt, rtol=rtol, atol=atol, err_msg=f"tangent {k}")


def _F(lib):
    return lib.nn.functional


# name -> (fn, input shapes[, options])
CASES = {
    # pointwise
    "add": (lambda L, a, b: a + b, [(3, 4), (3, 4)]),
    "add_broadcast": (lambda L, a, b: a + b, [(3, 4), (4,)]),
    "add_alpha": (lambda L, a, b: L.add(a, b, alpha=2.5), [(3, 4), (3, 4)]),
    "add_scalar": (lambda L, a: a + 1.5, [(3, 4)]),
    "sub": (lambda L, a, b: a - b, [(3, 4), (1, 4)]),
    "rsub": (lambda L, a: 2 - a, [(3,)]),
    "mul": (lambda L, a, b: a * b, [(3, 4), (3, 4)]),
    "mul_one_dual": (lambda L, a, b: a * b, [(3, 4), (3, 4)], {"dual": [False, True]}),
    "div": (lambda L, a, b: a / (b.abs() + 1), [(3, 4), (3, 4)]),
    "div_scalar": (lambda L, a: a / 3, [(5,)]),
    "neg": (lambda L, a: -a, [(2, 3)]),
    "pow_scalar": (lambda L, a: a.abs() ** 1.7, [(4,)]),
    "pow_tensor": (lambda L, a, b: a.abs() ** b, [(4,), (4,)]),
    "exp": (lambda L, a: a.exp(), [(3, 4)]),
    "log": (lambda L, a: a.abs().log(), [(3, 4)]),
    "tanh": (lambda L, a: a.tanh(), [(3, 4)]),
    "sigmoid": (lambda L, a: a.sigmoid(), [(3, 4)]),
    "relu": (lambda L, a: a.relu(), [(3, 4)]),
    "sqrt": (lambda L, a: a.abs().sqrt(), [(3, 4)]),
    "sin_cos": (lambda L, a: a.sin() * a.cos(), [(5,)]),
    "atan2": (lambda L, a, b: L.atan2(a, b), [(5,), (5,)]),
    "erf": (lambda L, a: L.erf(a), [(5,)]),
    "lgamma": (lambda L, a: L.lgamma(a.abs() + 0.5), [(5,)]),
    "clamp": (lambda L, a: a.clamp(-0.5, 0.7), [(6,)]),
    "where": (lambda L, a, b: L.where(a > 0, a, b), [(6,), (6,)]),
    "maximum": (lambda L, a, b: L.maximum(a, b), [(6,), (6,)]),
    "lerp": (lambda L, a, b, c: L.lerp(a, b, c), [(4,), (4,), (4,)]),
    "addcmul": (lambda L, a, b, c: L.addcmul(a, b, c, value=0.5), [(4,), (4,), (4,)]),
    "gelu": (lambda L, a: _F(L).gelu(a), [(6,)]),
    "leaky_relu": (lambda L, a: _F(L).leaky_relu(a, 0.2), [(6,)]),
    "hardsigmoid": (lambda L, a: _F(L).hardsigmoid(a * 3), [(6,)]),
    "softplus": (lambda L, a: _F(L).softplus(a, beta=2.0), [(6,)]),
    "to_float32": (lambda L, a: a.float(), [(3,)]),
    "float32_ops": (lambda L, a, b: (a * b).exp().sum(0), [(3, 4), (3, 4)],
                    {"dtype": "float32", "rtol": 1e-5, "atol": 1e-6}),
    # reductions and scans
    "sum": (lambda L, a: a.sum(), [(3, 4)]),
    "sum_dim": (lambda L, a: a.sum(1, keepdim=True), [(3, 4)]),
    "mean": (lambda L, a: a.mean(0), [(3, 4)]),
    "var": (lambda L, a: a.var(1), [(3, 4)]),
    "norm": (lambda L, a: a.norm(), [(3, 4)]),
    "prod": (lambda L, a: a.prod(1), [(3, 4)]),
    "amax": (lambda L, a: a.amax(1), [(3, 4)]),
    "max_dim": (lambda L, a: a.max(1), [(3, 4)]),
    "logsumexp": (lambda L, a: a.logsumexp(1), [(3, 4)]),
    "cumsum": (lambda L, a: a.cumsum(1), [(3, 4)]),
    "cumprod": (lambda L, a: a.cumprod(0), [(3, 4)]),
    "logcumsumexp": (lambda L, a: a.logcumsumexp(1), [(3, 4)]),
    "sort": (lambda L, a: a.sort(1), [(3, 4)]),
    # products
    "matmul": (lambda L, a, b: a @ b, [(3, 4), (4, 5)]),
    "matmul_batched": (lambda L, a, b: a @ b, [(2, 3, 4), (4, 5)]),
    "mm_one_dual": (lambda L, a, b: L.mm(a, b), [(3, 4), (4, 2)], {"dual": [True, False]}),
    "bmm": (lambda L, a, b: L.bmm(a, b), [(2, 3, 4), (2, 4, 2)]),
    "linear": (lambda L, x, w, b: _F(L).linear(x, w, b), [(5, 4), (3, 4), (3,)]),
    "linear_3d": (lambda L, x, w, b: _F(L).linear(x, w, b), [(2, 5, 4), (3, 4), (3,)]),
    "einsum": (lambda L, a, b: L.einsum("ij,jk->ik", a, b), [(3, 4), (4, 2)]),
    "inverse": (lambda L, a: L.linalg.inv(a + 4 * L.eye(3, dtype=a.dtype)), [(3, 3)]),
    "det": (lambda L, a: L.linalg.det(a), [(3, 3)]),
    # nn
    "conv2d": (lambda L, x, w, b: _F(L).conv2d(x, w, b, padding=1), [(2, 3, 5, 5), (4, 3, 3, 3),
                                                                      (4,)]),
    "conv2d_stride": (lambda L, x, w: _F(L).conv2d(x, w, stride=2), [(1, 2, 6, 6), (3, 2, 3, 3)]),
    "conv1d": (lambda L, x, w: _F(L).conv1d(x, w), [(2, 3, 7), (4, 3, 2)]),
    "max_pool2d": (lambda L, x: _F(L).max_pool2d(x, 2), [(2, 3, 4, 4)]),
    "avg_pool2d": (lambda L, x: _F(L).avg_pool2d(x, 2), [(2, 3, 4, 4)]),
    "softmax": (lambda L, a: a.softmax(-1), [(3, 4)]),
    "log_softmax": (lambda L, a: a.log_softmax(0), [(3, 4)]),
    "layer_norm": (lambda L, a, w, b: _F(L).layer_norm(a, (4,), w, b), [(3, 4), (4,), (4,)]),
    "batch_norm": (lambda L, a: _F(L).batch_norm(a, None, None, training=True), [(4, 3, 2)]),
    "mse_loss": (lambda L, a, b: _F(L).mse_loss(a, b), [(3, 4), (3, 4)]),
    "cross_entropy": (lambda L, a: _F(L).cross_entropy(a, L.tensor([0, 2, 1])), [(3, 4)]),
    "embedding": (lambda L, w: _F(L).embedding(L.tensor([[0, 2], [1, 0]]), w), [(3, 4)]),
    "dropout_eval": (lambda L, a: _F(L).dropout(a, 0.5, training=False), [(3, 4)]),
    # indexing
    "select": (lambda L, a: a[1], [(3, 4)]),
    "slice": (lambda L, a: a[:, 1:3], [(3, 4)]),
    "step_slice": (lambda L, a: a[::2, 1::2], [(5, 4)]),
    "index_tensor": (lambda L, a: a[L.tensor([2, 0, 2])], [(3, 4)]),
    "index_mask": (lambda L, a: a[a > 0], [(3, 4)]),
    "gather": (lambda L, a: a.gather(1, L.tensor([[0, 1], [3, 3], [2, 0]])), [(3, 4)]),
    "index_select": (lambda L, a: a.index_select(0, L.tensor([2, 1])), [(3, 4)]),
    "scatter_add": (lambda L, a, s: a.scatter_add(0, L.tensor([[0, 1, 2, 0]]), s),
                    [(3, 4), (1, 4)]),
    "masked_fill": (lambda L, a: a.masked_fill(a > 0.5, 0.0), [(3, 4)]),
    "take": (lambda L, a: L.take(a, L.tensor([0, 5, 11])), [(3, 4)]),
    # views and joins
    "view": (lambda L, a: a.view(12), [(3, 4)]),
    "reshape_noncontig": (lambda L, a: a.t().reshape(12), [(3, 4)]),
    "permute": (lambda L, a: a.permute(2, 0, 1), [(2, 3, 4)]),
    "transpose": (lambda L, a: a.transpose(0, 1), [(3, 4)]),
    "unsqueeze_expand": (lambda L, a: a.unsqueeze(0).expand(2, 3, 4), [(3, 4)]),
    "squeeze": (lambda L, a: a.squeeze(1), [(3, 1, 4)]),
    "flatten": (lambda L, a: a.flatten(1), [(2, 3, 4)]),
    "split": (lambda L, a: a.split(2, 1), [(3, 5)]),
    "unbind": (lambda L, a: a.unbind(1), [(3, 2)]),
    "chunk": (lambda L, a: a.chunk(3, 0), [(6, 2)]),
    "diagonal": (lambda L, a: a.diagonal(), [(4, 4)]),
    "cat": (lambda L, a, b: L.cat([a, b], 1), [(3, 4), (3, 2)]),
    "cat_one_dual": (lambda L, a, b: L.cat([a, b]), [(3, 4), (2, 4)], {"dual": [False, True]}),
    "stack": (lambda L, a, b: L.stack([a, b], 1), [(3, 4), (3, 4)]),
    "flip": (lambda L, a: a.flip(0), [(3, 4)]),
    "roll": (lambda L, a: a.roll(1, 1), [(3, 4)]),
    "repeat": (lambda L, a: a.repeat(2, 1), [(3, 4)]),
    "tril": (lambda L, a: a.tril(), [(4, 4)]),
    "clone": (lambda L, a: a.clone(), [(3, 4)]),
    "contiguous": (lambda L, a: a.t().contiguous(), [(3, 4)]),
    "pad": (lambda L, a: _F(L).pad(a, (1, 2)), [(3, 4)]),
    "interpolate": (lambda L, a: _F(L).interpolate(a, scale_factor=2, mode="bilinear"),
                    [(1, 2, 3, 3)]),
    # outputs without a tangent, or with a zero one
    "argmax": (lambda L, a: a.argmax(), [(3, 4)]),
    "compare": (lambda L, a: a > 0, [(3, 4)]),
    "zeros_like": (lambda L, a: L.zeros_like(a), [(3, 4)]),
    "round": (lambda L, a: a.round(), [(3, 4)]),
    "sign": (lambda L, a: a.sign(), [(3, 4)]),
    "to_long": (lambda L, a: a.long(), [(3, 4)]),
    "detach": (lambda L, a: a.detach(), [(3, 4)]),
    "no_dual": (lambda L, a: a * 2, [(3,)], {"dual": [False]}),
    # a small network
    "mlp": (lambda L, x, w1, w2: (_F(L).relu(x @ w1.t()) @ w2.t()).log_softmax(1),
            [(4, 3), (5, 3), (2, 5)]),
}


@pytest.mark.parametrize("name", list(CASES))
def test_jvp_table(name):
    fn, shapes, *opts = CASES[name]
    check_jvp(fn, shapes, **(opts[0] if opts else {}))


@pytest.mark.parametrize("layout", ["transposed", "strided"])
def test_jvp_layouts(layout):
    """Primal and tangent laid out unlike C order (a transposed or strided view)."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((4, 3))
    t = rng.standard_normal((4, 3))

    def run(lib):
        fw = FW[lib]
        with fw.dual_level():
            if layout == "transposed":
                x, tx = lib.tensor(a.T.copy()).t(), lib.tensor(t.T.copy()).t()
            else:
                x = lib.tensor(np.repeat(a, 2, axis=1))[:, ::2]
                tx = lib.tensor(np.repeat(t, 2, axis=1))[:, ::2]
            d = fw.make_dual(x, tx)
            out = (d.exp() @ d.t()).view(-1).cumsum(0)
            return fw.unpack_dual(out).tangent.numpy().copy()

    np.testing.assert_allclose(run(numtorch), run(torch), rtol=1e-6)


# -- torch's OpInfo entries ----------------------------------------------------------------------
# entries whose first sample's tangent differs from torch's, with the reason
FORWARD_XFAIL = {
    "as_strided_scatter": "overlapping strided positions: torch's JVP keeps another element",
    "triangular_solve": "a full (not triangular) tangent: torch's JVP reads one triangle only",
    "linalg.cholesky": "a non-symmetric tangent: torch's JVP and the symmetrised gradient "
                       "differ off the symmetric subspace",
    "linalg.cholesky_ex": "as linalg.cholesky",
    "linalg.eigh": "a non-symmetric tangent (as linalg.cholesky)",
    "linalg.norm.subgradients_at_zero": "the double-backward rule gives NaN at 0 where torch's "
                                        "JVP formula picks the subgradient 0",
}


class _DualConverter(Converter):
    """Rebuilds a sample in both libraries; tensors that require grad become duals with the
    same random tangent."""

    def __init__(self, rng):
        super().__init__(False)
        self.rng = rng

    def both(self, x):
        if isinstance(x, torch.Tensor) and x.requires_grad and x.dtype.is_floating_point:
            arr = _numpy_of(x)
            tan = self.rng.standard_normal(arr.shape).astype(arr.dtype)
            t = tfw.make_dual(torch.from_numpy(arr.copy()), torch.from_numpy(tan.copy()))
            n = nfw.make_dual(numtorch.tensor(arr.copy()), numtorch.tensor(tan.copy()))
            return t, n
        return super().both(x)


def check_entry_forward(op) -> None:
    """The first float64 sample of ``op``: every output's tangent equals torch's."""
    try:
        nt_fn = numtorch_callable(op)
    except AttributeError as e:
        raise NotComparable(f"numtorch has no {op.name}") from e
    samples = _samples(op, torch.float64, True, 1)
    if not samples:
        raise NotComparable("no float64 samples on CPU")
    s = samples[0]
    rng = np.random.default_rng(0)
    with tfw.dual_level(), nfw.dual_level(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        conv = _DualConverter(rng)
        t_inp, n_inp = conv.both(s.input)
        t_args, n_args = conv.both(tuple(s.args))
        t_kw, n_kw = conv.both(dict(s.kwargs))
        try:
            t_out = op.op(t_inp, *t_args, **t_kw)
        except Exception as e:  # noqa: BLE001
            raise NotComparable(f"torch raises: {type(e).__name__}: {e}") from e
        n_out = nt_fn(n_inp, *n_args, **n_kw)
        t_flat, n_flat = _flat(t_out), _flat(n_out)
        assert len(n_flat) == len(t_flat)
        for k, (o, r) in enumerate(zip(n_flat, t_flat)):
            if not isinstance(r, torch.Tensor):
                continue
            tr = tfw.unpack_dual(r).tangent
            to = nfw.unpack_dual(o).tangent
            if tr is None or tr._is_zerotensor():
                assert to is None or not np.any(to.detach().numpy()), f"tangent {k}: torch none"
                continue
            assert to is not None, f"tangent {k} is None, torch has one"
            compare(to, tr, f"tangent {k}")


def _forward_entries():
    xfail = load_xfail()
    return [pytest.param(op, id=entry_id(op)) for op in _op_db()
            if op.supports_forward_ad and entry_id(op) not in xfail
            and torch.float64 in op.supported_backward_dtypes("cpu")]


@pytest.mark.parametrize("op", _forward_entries())
def test_opinfo_forward_ad(op):
    name = entry_id(op)
    try:
        check_entry_forward(op)
    except NotComparable as e:
        pytest.xfail(str(e))
    except Exception:  # noqa: BLE001
        if name in FORWARD_XFAIL:
            pytest.xfail(FORWARD_XFAIL[name])
        raise
    if name in FORWARD_XFAIL:
        pytest.fail(f"{name} passes now: remove it from FORWARD_XFAIL")


# -- the API ---------------------------------------------------------------------------------
def _same_error(fn):
    errs = []
    for lib in (torch, numtorch):
        with pytest.raises(Exception) as info:  # noqa: B017
            fn(lib, FW[lib])
        errs.append(info.value)
    ours, theirs = errs[1], errs[0]
    assert type(ours) is type(theirs), f"{type(ours).__name__}: {ours} vs {theirs!r}"
    assert str(ours) == str(theirs)


def _in_level(fn):
    def run(lib, fw):
        with fw.dual_level():
            fn(lib, fw)
    return run


ERRORS = {
    "no_level": lambda L, fw: fw.make_dual(L.ones(2), L.ones(2)),
    "nested": _in_level(lambda L, fw: fw.enter_dual_level()),
    "size": _in_level(lambda L, fw: fw.make_dual(L.ones(3), L.ones(4))),
    "size_2d": _in_level(lambda L, fw: fw.make_dual(L.ones(3), L.ones(3, 1))),
    "int_primal": _in_level(lambda L, fw: fw.make_dual(L.ones(3).long(), L.ones(3))),
    "int_tangent": _in_level(lambda L, fw: fw.make_dual(L.ones(3), L.ones(3).long())),
    "bad_level": _in_level(lambda L, fw: fw.make_dual(L.ones(3), L.ones(3), level=5)),
    "already_dual": _in_level(lambda L, fw: fw.make_dual(fw.make_dual(L.ones(2), L.ones(2)),
                                                         L.ones(2))),
    "dual_tangent": _in_level(lambda L, fw: fw.make_dual(L.ones(2), fw.make_dual(L.ones(2),
                                                                                L.ones(2)))),
    "expanded_primal": _in_level(lambda L, fw: fw.make_dual(L.ones(1, 3).expand(2, 3),
                                                            L.ones(2, 3))),
    "unpack_non_tensor": _in_level(lambda L, fw: fw.unpack_dual(3)),
    "unpack_bad_level": _in_level(lambda L, fw: fw.unpack_dual(fw.make_dual(L.ones(2), L.ones(2)),
                                                               level=5)),
    "exit_without_level": lambda L, fw: fw.exit_dual_level(),
    "not_differentiable_op": _in_level(lambda L, fw: L.floor_divide(
        fw.make_dual(L.ones(2), L.ones(2)), 2)),
    "exit_wrong_level": _in_level(lambda L, fw: fw.exit_dual_level(level=3)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors(name):
    _same_error(ERRORS[name])


def test_levels_and_unpack():
    for lib, fw in FW.items():
        assert fw.enter_dual_level() == 0
        fw.exit_dual_level()
        assert fw.enter_dual_level() == 0
        fw.exit_dual_level(level=0)
        x = lib.tensor([1.0, 2.0])
        t = lib.tensor([3.0, 4.0])
        with fw.dual_level() as level:
            assert level == 0
            d = fw.make_dual(x, t)
            assert d._base is x and not d.requires_grad
            up = fw.unpack_dual(d)
            assert isinstance(up, fw.UnpackedDualTensor) and isinstance(up, tuple)
            assert up._fields == ("primal", "tangent")
            assert up.tangent is t and up.primal._base is x
            assert fw.unpack_dual(x).tangent is None and fw.unpack_dual(x).primal._base is x
            assert fw.unpack_dual(x, level=5).tangent is None
            assert fw.make_dual(x, t.double()) is not None  # another dtype is accepted
        assert fw.unpack_dual(d).tangent is None  # dropped with the level
        assert fw.unpack_dual(d).primal is d
        assert fw.unpack_dual(d, level=0).tangent is None


def test_unpacked_repr_and_decorator():
    texts = []
    for lib, fw in FW.items():
        @fw.dual_level()
        def f(lib=lib, fw=fw):
            d = fw.make_dual(lib.tensor([1.0, 2.0]), lib.tensor([3.0, 4.0]))
            return repr(fw.unpack_dual(d * 2))
        texts.append(f())
    assert texts[0] == texts[1]


def test_repr_shows_tangent():
    def text(lib):
        fw = FW[lib]
        with fw.dual_level():
            out = [repr(fw.make_dual(lib.tensor([1.5, -2.0]), lib.tensor([0.5, 1.0]))),
                   repr(fw.make_dual(lib.tensor(1.0), lib.tensor(2.0))),
                   repr(fw.make_dual(lib.arange(4.0).view(2, 2), lib.ones(2, 2))),
                   repr(fw.make_dual(lib.tensor([1.5], dtype=lib.float64),
                                     lib.tensor([2.5], dtype=lib.float64))),
                   repr(fw.make_dual(lib.tensor([1.0], requires_grad=True), lib.ones(1)))]
        out.append(repr(lib.tensor([1.0]) * 2))
        return out

    assert text(numtorch) == text(torch)


def test_no_level_leaves_nothing_installed():
    """Outside a dual level no hook is set: ops run exactly as without forward AD."""
    assert _base._tracer is None and _inplace._forward_hook is None
    assert _base._saved_output_hook is None
    with nfw.dual_level():
        assert _base._tracer is not None
    assert _base._tracer is None and _inplace._forward_hook is None
    assert _base._saved_output_hook is None


def test_chains_with_profiler():
    """A profile opened inside a level sees the ops; tangents still flow; both unwind."""
    with nfw.dual_level():
        d = nfw.make_dual(numtorch.ones(3), numtorch.full((3,), 2.0))
        with numtorch.autograd.profiler.profile() as prof:
            y = d.exp() * 3
        names = {e.key for e in prof.key_averages()}
        assert "aten::exp" in names and "aten::mul" in names
        np.testing.assert_allclose(nfw.unpack_dual(y).tangent.numpy(), 6 * np.e, rtol=1e-6)
    assert _base._tracer is None


# -- views and in-place ------------------------------------------------------------------------
def _views_and_inplace(lib):
    fw = FW[lib]
    out = []
    with fw.dual_level():
        base = fw.make_dual(lib.arange(12.0).reshape(4, 3), lib.arange(12.0).reshape(4, 3) / 10)
        v = base[1]
        out.append(fw.unpack_dual(v).tangent._base is fw.unpack_dual(base).tangent)
        v.mul_(2)  # through the view: the base's tangent changes
        out.append(fw.unpack_dual(base).tangent.tolist())
        base.t()[0].add_(fw.make_dual(lib.ones(4), lib.full((4,), 5.0)))
        out.append(fw.unpack_dual(base).tangent.tolist())
        z = lib.zeros(4, 3)  # a plain tensor written with a dual value gets a tangent
        z[0] = fw.make_dual(lib.ones(3), lib.full((3,), 3.0))
        out.append(fw.unpack_dual(z).tangent.tolist())
        z2 = lib.zeros(4, 3)
        z2[:, 1].copy_(fw.make_dual(lib.ones(4), lib.arange(4.0)))
        out.append(fw.unpack_dual(z2).tangent.tolist())
        w = lib.ones(3)
        w.add_(fw.make_dual(lib.ones(3), lib.full((3,), 5.0)))
        out.append(fw.unpack_dual(w).tangent.tolist())
        y = fw.make_dual(lib.tensor([0.5, -1.0]), lib.tensor([1.0, 2.0])).exp()
        y.sin_()
        out.append(np.round(fw.unpack_dual(y).tangent.numpy(), 6).tolist())
        y.zero_()
        out.append(fw.unpack_dual(y).tangent.tolist())
        y.fill_(2.0)
        out.append(fw.unpack_dual(y).tangent.tolist())
    return out


def test_views_and_inplace():
    assert _views_and_inplace(numtorch) == _views_and_inplace(torch)


# -- grad modes and reverse mode --------------------------------------------------------------
def _grad_modes(lib):
    fw = FW[lib]
    out = []
    with fw.dual_level():
        d = fw.make_dual(lib.tensor([0.5, -1.0, 2.0]), lib.tensor([1.0, 0.5, -2.0]))
        with lib.no_grad():
            out.append(fw.unpack_dual((d * d).cumprod(0)).tangent.tolist())
        with lib.inference_mode():  # no tangents in inference mode
            out.append(fw.unpack_dual(d.exp().sum()).tangent)
        with lib.inference_mode(False):
            out.append(fw.unpack_dual(d.exp().sum()).tangent.item())
    return np.round(np.asarray(out[0]), 6).tolist(), out[1], round(out[2], 5)


def test_grad_modes():
    assert _grad_modes(numtorch) == _grad_modes(torch)


def _reverse_over_forward(lib):
    """Gradients of a tangent with respect to the primal and to the tangent."""
    fw = FW[lib]
    with fw.dual_level():
        p = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64, requires_grad=True)
        t = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        d = fw.make_dual(p, t)
        out = (d.sin() * d).cumsum(0).tanh().sum() + (d @ d.flip(0))
        tan = fw.unpack_dual(out).tangent
        gp, gt = lib.autograd.grad(tan, (p, t))
        return [tan.item(), gp.tolist(), gt.tolist()]


def _forward_over_reverse(lib):
    """The tangent of a gradient: a Hessian-vector product."""
    fw = FW[lib]
    x0 = lib.tensor([0.3, -1.2, 2.0], dtype=lib.float64)
    w = lib.tensor([[0.2, 0.1, -0.3], [0.5, -0.4, 0.9]], dtype=lib.float64)
    res = []
    with fw.dual_level():
        for requires_grad in (False, True):
            x = fw.make_dual(x0.clone().requires_grad_(requires_grad),
                             lib.tensor([1.0, 0.5, -2.0], dtype=lib.float64))
            if not requires_grad:
                x.requires_grad_()
            y = (w @ x).tanh().pow(2).sum() + (x.exp() * x).sum() + x.softmax(0)[0]
            (g,) = lib.autograd.grad(y, x, create_graph=True)
            res.append(fw.unpack_dual(g).tangent.tolist())
    return res


def _floats(x):
    if isinstance(x, (list, tuple)):
        return [v for e in x for v in _floats(e)]
    return [float(x)]


@pytest.mark.parametrize("case", [_reverse_over_forward, _forward_over_reverse])
def test_composition_with_reverse_mode(case):
    np.testing.assert_allclose(_floats(case(numtorch)), _floats(case(torch)), rtol=1e-10)


# -- custom Functions ---------------------------------------------------------------------------
def _custom_function(lib):
    fw = FW[lib]
    seen = []

    class Scale(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a, k):
            seen.append(fw.unpack_dual(a).tangent is None)  # no tangents inside forward
            ctx.save_for_forward(a)
            ctx.k = k
            return a * k

        @staticmethod
        def backward(ctx, g):
            return g * ctx.k, None

        @staticmethod
        def jvp(ctx, ta, tk):
            seen.append(tk is None)
            (a,) = ctx.saved_tensors
            return ta * ctx.k * 10 + a

    class NoJvp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    out = []
    with fw.dual_level():
        d = fw.make_dual(lib.ones(2), lib.tensor([1.0, 2.0]))
        o = Scale.apply(d, 3.0)
        out.append(fw.unpack_dual(o).tangent.tolist())
        out.append(fw.unpack_dual(o * 2).tangent.tolist())
        out.append(fw.unpack_dual(Scale.apply(lib.ones(2), 3.0)).tangent)
        p = lib.ones(2, requires_grad=True)
        o = Scale.apply(fw.make_dual(p, lib.tensor([1.0, 2.0])), 2.0)
        out.append((o.grad_fn is not None, fw.unpack_dual(o).tangent.tolist()))
        try:
            NoJvp.apply(d)
        except NotImplementedError as e:
            out.append(str(e))
        out.append(fw.unpack_dual(NoJvp.apply(lib.ones(2))).tangent)
    return out, seen


def test_custom_function():
    assert _custom_function(numtorch) == _custom_function(torch)


def _inplace_with_grad(lib):
    """In-place ops on a dual that requires grad (the recorded path) keep a differentiable
    tangent."""
    fw = FW[lib]
    with fw.dual_level():
        p = lib.tensor([1.0, 2.0, 3.0], requires_grad=True)
        t = lib.tensor([1.0, -1.0, 0.5], requires_grad=True)
        y = fw.make_dual(p, t) * 1
        y.mul_(y.detach() + 1)
        out = [fw.unpack_dual(y).tangent.tolist()]
        y[0] = 5.0
        out.append(fw.unpack_dual(y).tangent.tolist())
        y[1:].add_(fw.make_dual(lib.ones(2), lib.full((2,), 7.0)))
        tangent = fw.unpack_dual(y).tangent
        out.append(tangent.tolist())
        out.append(lib.autograd.grad((tangent * tangent).sum(), t)[0].tolist())
    return out


def test_inplace_with_grad():
    assert _inplace_with_grad(numtorch) == _inplace_with_grad(torch)
