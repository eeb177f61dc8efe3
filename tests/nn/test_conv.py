"""Convolutions (F.conv*, conv_transpose*, Conv*/ConvTranspose* modules) against torch."""


import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check, check_raises, compare_module

FLOATS = ["float32", "float64"]
LAYOUTS = ("contiguous", "transposed")
TOL = dict(rtol=2e-5, atol=2e-5)

CONV = [
    ("conv2d", [(2, 4, 7, 6), (6, 4, 3, 3), (6,)], {}),
    ("conv2d", [(2, 4, 7, 6), (6, 2, 3, 2), (6,)], dict(stride=2, padding=1, dilation=(1, 2),
                                                        groups=2)),
    ("conv2d", [(2, 4, 9, 9), (4, 1, 3, 3)], dict(stride=(2, 3), padding=(2, 0), dilation=2,
                                                  groups=4)),
    ("conv2d", [(2, 3, 6, 5), (4, 3, 4, 2), (4,)], dict(padding="same", dilation=(1, 2))),
    ("conv2d", [(2, 3, 6, 5), (4, 3, 3, 2)], dict(padding="valid")),
    ("conv2d", [(3, 6, 5), (4, 3, 3, 3), (4,)], dict(padding=1)),
    ("conv1d", [(3, 4, 10), (6, 4, 3), (6,)], dict(stride=3, padding=2)),
    ("conv1d", [(4, 10), (6, 4, 3), (6,)], dict(padding=1)),
    ("conv3d", [(2, 2, 5, 4, 6), (3, 2, 2, 3, 2), (3,)], dict(stride=(1, 2, 1), padding=1)),
    ("conv_transpose2d", [(2, 4, 5, 6), (4, 3, 3, 3), (3,)], {}),
    ("conv_transpose2d", [(2, 4, 5, 6), (4, 3, 3, 2), (6,)],
     dict(stride=2, padding=1, output_padding=1, groups=2, dilation=(1, 2))),
    ("conv_transpose2d", [(2, 4, 5, 6), (4, 3, 3, 3)],
     dict(stride=3, padding=2, output_padding=(2, 0), dilation=2)),
    ("conv_transpose1d", [(2, 4, 5), (4, 3, 3), (3,)], dict(stride=2, output_padding=1)),
    ("conv_transpose3d", [(1, 2, 3, 3, 3), (2, 2, 2, 2, 2), (2,)], dict(stride=2)),
]


@pytest.mark.parametrize("name,shapes,kw", CONV)
def test_functional_conv(name, shapes, kw):
    check(lambda lib, *a: getattr(lib.nn.functional, name)(*a, **kw), shapes, dtypes=FLOATS,
          layouts=LAYOUTS, **TOL)


@pytest.mark.parametrize("name,shapes,kw", [(n, s[:2], k) for n, s, k in
                                            (CONV[1], CONV[6], CONV[10])])
def test_conv_double_backward(name, shapes, kw):
    check(lambda lib, *a: getattr(lib.nn.functional, name)(*a, **kw), shapes,
          dtypes=["float64"], second_order=True)


@pytest.mark.parametrize("fn,shapes,kw", [
    ("conv2d", [(2, 4, 8, 8), (6, 3, 3, 3)], {}),
    ("conv2d", [(2, 4, 8, 8), (6, 4, 9, 9)], {}),
    ("conv2d", [(2, 4, 8, 8), (6, 4, 3, 3)], dict(groups=4)),
    ("conv2d", [(2, 4, 8, 8), (6, 4, 3)], {}),
    ("conv2d", [(8, 8), (6, 4, 3, 3)], {}),
    ("conv2d", [(2, 4, 8, 8), (6, 4, 3, 3), (5,)], {}),
    ("conv2d", [(2, 4, 8, 8), (6, 4, 3, 3)], dict(stride=0)),
    ("conv2d", [(2, 4, 8, 8), (6, 4, 3, 3)], dict(padding=-1)),
    ("conv2d", [(2, 4, 8, 8), (6, 4, 3, 3)], dict(padding="same", stride=2)),
    ("conv2d", [(2, 4, 8, 8), (6, 4, 3, 3)], dict(padding="foo")),
    ("conv1d", [(2, 4, 2), (6, 4, 3)], {}),
    ("conv_transpose2d", [(2, 4, 8, 8), (3, 4, 3, 3)], {}),
    ("conv_transpose2d", [(2, 4, 8, 8), (4, 3, 3, 3)], dict(output_padding=1)),
])
def test_conv_errors(fn, shapes, kw):
    check_raises(lambda lib, *a: getattr(lib.nn.functional, fn)(*a, **kw), shapes)


def test_conv_dtype_mismatch():
    # torch's text depends on the backend it picks for the shape; the type is what is stable
    check_raises(lambda lib, x, w: lib.nn.functional.conv2d(x, w.double()),
                 [(1, 2, 4, 4), (3, 2, 3, 3)], match_message=False)


@pytest.mark.parametrize("cls,args,kw,shape", [
    ("Conv2d", (3, 6, 3), dict(padding=1, stride=2), (2, 3, 7, 7)),
    ("Conv2d", (4, 6, (3, 2)), dict(groups=2, bias=False, dilation=2), (2, 4, 9, 8)),
    ("Conv2d", (3, 4, 3), dict(padding="same", padding_mode="reflect"), (2, 3, 6, 6)),
    ("Conv2d", (3, 4, 3), dict(padding=2, padding_mode="circular"), (2, 3, 6, 6)),
    ("Conv2d", (3, 4, 4), dict(padding=(1, 2), padding_mode="replicate"), (2, 3, 6, 6)),
    ("Conv1d", (3, 4, 3), dict(padding="same", dilation=2), (2, 3, 9)),
    ("Conv3d", (2, 3, 2), dict(stride=2), (1, 2, 4, 5, 4)),
    ("ConvTranspose2d", (4, 2, 3), dict(stride=2, padding=1, output_padding=1), (2, 4, 4, 5)),
    ("ConvTranspose1d", (4, 2, 3), dict(groups=2), (2, 4, 5)),
])
@pytest.mark.parametrize("dtype", FLOATS)
def test_modules(cls, args, kw, shape, dtype):
    # circular padding: torch's graph is a chain of CopySlices; ours is one gather node
    compare_module(lambda lib: getattr(lib.nn, cls)(*args, **kw), [shape], dtype=dtype,
                   graph=kw.get("padding_mode") != "circular", **TOL)
    assert repr(getattr(numtorch.nn, cls)(*args, **kw)) == repr(getattr(torch.nn, cls)(*args,
                                                                                         **kw))


def test_conv_transpose_output_size():
    compare_module(lambda lib: _OutSize(lib), [(1, 4, 4, 5)])


class _OutSize:
    def __new__(cls, lib):
        m = lib.nn.ConvTranspose2d(4, 2, 3, stride=2)

        class Wrap(type(m)):
            def forward(self, x):
                return super().forward(x, output_size=[10, 12])
        m.__class__ = Wrap
        return m


@pytest.mark.parametrize("cls,args", [("Conv2d", (3, 8, 5)), ("Conv1d", (4, 6, 3)),
                                      ("Conv3d", (2, 3, (2, 3, 1))),
                                      ("ConvTranspose2d", (4, 3, 3)),
                                      ("Conv2d", (4, 8, 3, 1, 0, 1, 2))])
def test_default_init_bit_identical(cls, args):
    torch.manual_seed(7)
    tm = getattr(torch.nn, cls)(*args)
    numtorch.manual_seed(7)
    nm = getattr(numtorch.nn, cls)(*args)
    for (n1, p1), (n2, p2) in zip(tm.named_parameters(), nm.named_parameters()):
        assert n1 == n2
        assert np.array_equal(p1.detach().numpy(), p2.detach().numpy()), n1


@pytest.mark.parametrize("kw,msg", [(dict(groups=3), "in_channels must be divisible by groups"),
                                    (dict(groups=0), "groups must be a positive integer"),
                                    (dict(padding_mode="foo"), None),
                                    (dict(padding="same", stride=2), None),
                                    (dict(padding="bar"), None)])
def test_module_constructor_errors(kw, msg):
    with pytest.raises(ValueError) as t:
        torch.nn.Conv2d(4, 6, 3, **kw)
    with pytest.raises(ValueError) as n:
        numtorch.nn.Conv2d(4, 6, 3, **kw)
    # the messages print a Python set, whose order depends on the process's hash seed
    assert _sorted_sets(str(n.value)) == _sorted_sets(str(t.value))


def _sorted_sets(msg: str) -> str:
    import re

    return re.sub(r"\{([^{}]*)\}", lambda m: "{" + ", ".join(sorted(m.group(1).split(", "))) + "}",
                  msg)


def test_wrong_channels_module():
    t_exc = n_exc = None
    try:
        torch.nn.Conv2d(4, 6, 3)(torch.zeros(2, 3, 8, 8))
    except RuntimeError as e:
        t_exc = e
    try:
        numtorch.nn.Conv2d(4, 6, 3)(numtorch.zeros(2, 3, 8, 8))
    except RuntimeError as e:
        n_exc = e
    assert str(n_exc) == str(t_exc)


