"""NumPy keyword aliases (``axis=`` for ``dim=``, ``keepdims=`` for ``keepdim=``) against torch:
each function and Tensor method either accepts them with the same result as torch, or rejects
them with a TypeError where torch does."""

import numpy as np
import pytest
import torch

import numtorch

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4)).astype(np.float32)
IDX = np.array([[0, 1, 2, 0], [2, 0, 1, 1]])
SEL = np.array([0, 2])


def _x(lib):
    return lib.tensor(X)


# name, extra positional args (built per library), keyword arguments using the NumPy spelling
# (the dim given is always 0 or 1 so that a mistaken default would show)
CASES = [
    ("sum", (), {"axis": 1}), ("sum", (), {"axis": 0, "keepdims": True}),
    ("sum", (1,), {"keepdims": True}), ("mean", (), {"axis": 1, "keepdims": True}),
    ("nansum", (), {"axis": 0}), ("nanmean", (), {"axis": 1, "keepdims": True}),
    ("prod", (), {"axis": 1, "keepdims": True}), ("std", (), {"axis": 1, "keepdims": True}),
    ("var", (), {"axis": 0}), ("std_mean", (), {"axis": 1}), ("var_mean", (), {"axis": 0}),
    ("logsumexp", (), {"axis": 1, "keepdims": True}), ("amax", (), {"axis": 0}),
    ("amin", (), {"axis": 1, "keepdims": True}), ("aminmax", (), {"axis": 0}),
    ("all", (), {"axis": 1}), ("any", (), {"axis": 0, "keepdims": True}),
    ("argmax", (), {"axis": 1}), ("argmin", (), {"axis": 0, "keepdims": True}),
    ("max", (), {"axis": 1}), ("min", (), {"axis": 0, "keepdims": True}),
    ("median", (), {"axis": 1}), ("nanmedian", (), {"axis": 0, "keepdims": True}),
    ("mode", (), {"axis": 1}), ("count_nonzero", (), {"axis": 0}),
    ("cumsum", (), {"axis": 1}), ("cumprod", (), {"axis": 0}), ("cummax", (), {"axis": 1}),
    ("cummin", (), {"axis": 0}), ("logcumsumexp", (), {"axis": 1}),
    ("softmax", (), {"axis": 1}), ("log_softmax", (), {"axis": 0}),
    ("argsort", (), {"axis": 0}), ("sort", (), {"axis": 0}), ("topk", (2,), {"axis": 0}),
    ("kthvalue", (2,), {"axis": 0, "keepdims": True}), ("quantile", (0.3,), {"axis": 1}),
    ("nanquantile", (0.3,), {"axis": 0, "keepdims": True}), ("diff", (), {"axis": 0}),
    ("gather", ("IDX",), {"axis": 0}), ("index_select", ("SEL",), {"axis": 1}),
    ("narrow", (1, 2), {"axis": 1}), ("select", (1,), {"axis": 0}),
    ("unsqueeze", (), {"axis": 1}), ("squeeze", (), {"axis": 0}), ("unbind", (), {"axis": 1}),
    ("chunk", (2,), {"axis": 1}), ("tensor_split", (2,), {"axis": 1}),
    ("take_along_dim", ("IDX",), {"axis": 0}), ("renorm", (2, 1.0), {"axis": 0}),
    ("repeat_interleave", (2,), {"axis": 0}), ("index_fill", ("SEL", 1.5), {"axis": 1}),
    ("index_add", ("SEL", "SRC"), {"axis": 0}), ("index_copy", ("SEL", "SRC"), {"axis": 0}),
    ("scatter", ("IDX", "SRC"), {"axis": 0}), ("scatter_add", ("IDX", "SRC"), {"axis": 0}),
    ("split_with_sizes", ([1, 3],), {"axis": 1}), ("unsafe_chunk", (2,), {"axis": 0}),
    ("size", (), {"axis": 1}), ("stride", (), {"axis": 0}),
    ("cumulative_trapezoid", (), {"axis": 0}), ("trapezoid", (), {"axis": 1}),
    ("unflatten", ((2, 2),), {"axis": 1}),
    # torch implements these in Python: the aliases are refused
    ("norm", (), {"axis": 1}), ("norm", (), {"dim": 1, "keepdims": True}),
    ("split", (2,), {"axis": 1}), ("unique", (), {"axis": 0}),
    ("unique_consecutive", (), {"axis": 0}),
    # not a dim parameter: no alias
    ("roll", (1,), {"axis": 0}), ("flip", (), {"axis": (0,)}), ("transpose", (), {"axis0": 0}),
    ("flatten", (), {"start_axis": 0}),
    # both spellings at once
    ("sum", (), {"axis": 0, "dim": 0}),
]


def _arg(lib, a):
    if a == "SRC":
        return lib.full((3, 4), 1.5)
    if isinstance(a, str):
        return lib.tensor({"IDX": IDX, "SEL": SEL}[a])
    return a


def _plain(v):
    if isinstance(v, (torch.Tensor, numtorch.Tensor)):
        return ("T", str(v.dtype).split(".")[-1], tuple(v.shape),
                np.round(np.asarray(v.tolist(), dtype=float), 5).tolist())
    if isinstance(v, (tuple, list)):
        return [_plain(e) for e in v]
    return v


def _run(fn):
    try:
        return "ok", _plain(fn())
    except Exception as e:  # noqa: BLE001 - the outcome is compared with torch's
        return "raise", type(e).__name__


def _ids():
    return [f"{n}-{'-'.join(kw)}" for n, _, kw in CASES]


@pytest.mark.parametrize("form", ["function", "method"])
@pytest.mark.parametrize("case", range(len(CASES)), ids=_ids())
def test_alias(case, form):
    name, args, kw = CASES[case]
    outcomes = []
    for lib in (torch, numtorch):
        x = _x(lib)
        full = [_arg(lib, a) for a in args]
        if form == "function":
            fn = getattr(lib, name, None)
            if fn is None:
                outcomes.append(("raise", "AttributeError"))
                continue
            outcomes.append(_run(lambda fn=fn, x=x, full=full: fn(x, *full, **kw)))
        else:
            outcomes.append(_run(lambda x=x, full=full: getattr(x, name)(*full, **kw)))
    if outcomes[0] == ("raise", "AttributeError"):
        return  # torch has no such form (e.g. torch.size)
    assert outcomes[1] == outcomes[0]
    if outcomes[0][0] == "raise":
        assert outcomes[0][1] == "TypeError"


def test_functional_softmax_refuses_axis():
    for lib in (torch, numtorch):
        with pytest.raises(TypeError):
            lib.nn.functional.softmax(_x(lib), axis=0)


@pytest.mark.parametrize("name", ["sum", "cat", "stack", "concat", "concatenate"])
def test_sequence_functions(name):
    outcomes = []
    for lib in (torch, numtorch):
        x = _x(lib)
        fn = getattr(lib, name)
        if name == "sum":
            outcomes.append(_run(lambda fn=fn, x=x: fn(x, axis=(0, 1), keepdims=True)))
        else:
            outcomes.append(_run(lambda fn=fn, x=x: fn([x, x], axis=1)))
    assert outcomes[1] == outcomes[0]


def test_aliases_keep_identity_and_signature():
    import inspect

    # one implementation; the public function adds __torch_function__ dispatch
    assert inspect.unwrap(numtorch.sum) is inspect.unwrap(numtorch.Tensor.sum)
    assert numtorch.Tensor.sum.__qualname__ == "Tensor.sum"
    assert "axis" not in inspect.signature(numtorch.sum).parameters
    x = numtorch.randn(2, 3, requires_grad=True)
    y = x.sum(axis=1, keepdims=True)
    assert y.grad_fn.name() == torch.randn(2, 3, requires_grad=True).sum(
        axis=1, keepdims=True).grad_fn.name()


NAMESPACE_CASES = [
    ("linalg", "norm", {"axis": 1, "keepdims": True}), ("linalg", "vector_norm", {"axis": 0}),
    ("linalg", "matrix_norm", {"axis": (0, 1), "keepdims": True}),
    ("linalg", "vecdot", {"axis": 0}), ("special", "softmax", {"axis": 1}),
    ("special", "log_softmax", {"axis": 0}), ("special", "logsumexp", {"axis": 1}),
]


@pytest.mark.parametrize("case", NAMESPACE_CASES, ids=lambda c: f"{c[0]}.{c[1]}")
def test_linalg_and_special(case):
    space, name, kw = case
    outcomes = []
    for lib in (torch, numtorch):
        fn = getattr(getattr(lib, space), name)
        x = _x(lib)
        args = (x, x) if name == "vecdot" else (x,)
        outcomes.append(_run(lambda fn=fn, args=args: fn(*args, **kw)))
    assert outcomes[1] == outcomes[0]
    assert outcomes[0][0] == "ok"
