"""The differential harness: run one callable (or one module) on numtorch and on torch, compare
everything.

``fn(lib, *tensors)`` is written once against the shared API; ``lib`` is the ``numtorch`` or
``torch`` module. Inputs are made once in NumPy (seeded) and copied into both libraries, in a
chosen layout (contiguous, transposed, strided, expanded, ...). Compared: output types, shapes,
dtypes, requires_grad, values (tolerance per dtype), the grad_fn tree, and the gradients of
every floating input under a random upstream gradient (optionally a second order too).

Device axis: ``check`` runs on every device in ``DEVICES`` (``cpu``, plus ``cuda`` where both
libraries have one), so a GPU backend is tested by the same tests, as parameters.
"""

from __future__ import annotations

import numpy as np
import torch

import numtorch

TOL = {"float16": (1e-3, 1e-3), "float32": (1.3e-6, 1e-5), "float64": (1e-7, 1e-7),
       "complex64": (1.3e-6, 1e-5), "complex128": (1e-7, 1e-7)}
LAYOUTS = ("contiguous", "transposed", "strided")


def available_devices() -> tuple[str, ...]:
    """The devices both libraries can run on here."""
    devs = ["cpu"]
    if torch.cuda.is_available() and numtorch.cuda.is_available():
        devs.append("cuda")
    return tuple(devs)


DEVICES = available_devices()


def make_array(shape, dtype: str, rng, low=-2.0, high=2.0) -> np.ndarray:
    """Random data of a dtype; floats in [low, high), ints in a small range, bools."""
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith(("int", "uint")):
        lo = 0 if dtype.startswith("uint") else -5
        return rng.integers(lo, 6, size=shape).astype(dtype)
    if dtype.startswith("complex"):
        real = rng.uniform(low, high, shape) + 1j * rng.uniform(low, high, shape)
        return real.astype(dtype)
    return rng.uniform(low, high, shape).astype(dtype)


def to_lib(lib, arr: np.ndarray, layout: str = "contiguous", requires_grad: bool = False,
           device: str = "cpu"):
    """Build a tensor of ``lib`` on ``device`` holding ``arr``'s values in the requested memory
    layout."""
    if layout == "transposed" and arr.ndim >= 2:
        base = lib.tensor(np.ascontiguousarray(np.swapaxes(arr, -1, -2)), device=device)
        t = base.transpose(-1, -2)
    elif layout == "strided" and arr.ndim >= 1:
        big = np.zeros(arr.shape[:-1] + (arr.shape[-1] * 2,), arr.dtype)
        big[..., ::2] = arr
        t = lib.tensor(big, device=device)[..., ::2]
    elif layout == "expanded" and arr.ndim >= 1 and arr.shape[0] > 0:
        # all rows equal: a stride-0 view of the first row
        t = lib.tensor(np.ascontiguousarray(arr[:1]), device=device).expand(*arr.shape)
    else:
        t = lib.tensor(arr, device=device)
    if requires_grad:
        t = t.detach().requires_grad_(True)
    return t


def _flatten(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flatten(o))
        return res
    return [out]


def graph_names(fn, depth: int = 6):
    """The tree of grad_fn class names through next_functions (a nested tuple)."""
    if fn is None or depth == 0:
        return None
    return (type(fn).__name__,
            tuple(graph_names(n, depth - 1) for n, _ in fn.next_functions if n is not None))


def assert_same_value(ours, theirs, rtol=None, atol=None, what="output", check_dtype=True):
    """Compare one numtorch result with one torch result (tensor or Python value)."""
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, numtorch.Tensor), f"{what}: expected a Tensor, got {type(ours)}"
        assert tuple(ours.shape) == tuple(theirs.shape), \
            f"{what}: shape {tuple(ours.shape)} != torch {tuple(theirs.shape)}"
        tname = str(theirs.dtype).replace("torch.", "")
        if check_dtype:
            assert str(ours.dtype) == str(theirs.dtype), \
                f"{what}: dtype {ours.dtype} != torch {theirs.dtype}"
        assert ours.device.type == theirs.device.type, \
            f"{what}: device {ours.device} != torch {theirs.device}"
        a = np.asarray(ours.detach().cpu().numpy())
        theirs = theirs.detach().cpu()
        if theirs._is_zerotensor():  # torch's symbolic zeros (e.g. the gradient of sgn)
            theirs = torch.zeros(theirs.shape, dtype=theirs.dtype)
        b = theirs.numpy()
        r, t = TOL.get(tname, (0, 0))
        r = rtol if rtol is not None else r
        t = atol if atol is not None else t
        if a.dtype.kind in "fc":
            np.testing.assert_allclose(a, b, rtol=r, atol=t, equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(a, b, err_msg=what)
    elif isinstance(theirs, float):
        assert isinstance(ours, float), f"{what}: {type(ours)} != float"
        np.testing.assert_allclose(ours, theirs, rtol=rtol or 1e-6, atol=atol or 1e-6,
                                   equal_nan=True)
    elif isinstance(theirs, torch.Size):
        assert tuple(ours) == tuple(theirs), what
    else:
        assert type(ours) is type(theirs) or (ours == theirs), f"{what}: {ours!r} != {theirs!r}"
        assert ours == theirs, f"{what}: {ours!r} != {theirs!r}"


def check(fn, shapes=None, *, arrays=None, dtypes=("float32",), layouts=("contiguous",),
          grad: bool = True, grad_inputs=None, second_order: bool = False, graph: bool = True,
          rtol=None, atol=None, seed: int = 0, low=-2.0, high=2.0, devices=None):
    """Run ``fn(lib, *inputs)`` in both libraries and compare outputs, graph and gradients.

    ``shapes`` makes random inputs of each dtype in ``dtypes``; ``arrays`` gives NumPy inputs
    directly. ``grad_inputs`` selects which inputs require grad (default: all floating ones).
    ``devices`` defaults to every device in ``DEVICES``.
    """
    rng = np.random.default_rng(seed)
    cases = []
    if arrays is not None:
        cases.append([np.asarray(a) for a in arrays])
    else:
        for dt in dtypes:
            dts = dt if isinstance(dt, (tuple, list)) else (dt,) * len(shapes)
            cases.append([make_array(s, d, rng, low, high) for s, d in zip(shapes, dts)])
    for device in devices or DEVICES:
        for arrs in cases:
            for layout in layouts:
                _check_one(fn, arrs, layout, grad, grad_inputs, second_order, graph, rtol, atol,
                           rng, device)


def _check_one(fn, arrs, layout, grad, grad_inputs, second_order, graph, rtol, atol, rng,
               device="cpu"):
    def build(lib):
        ins = []
        for i, a in enumerate(arrs):
            want = grad and a.dtype.kind in "fc" and (grad_inputs is None or i in grad_inputs)
            ins.append(to_lib(lib, a, layout, requires_grad=want, device=device))
        return ins

    t_in, n_in = build(torch), build(numtorch)
    t_exc = n_exc = None
    try:
        t_out = fn(torch, *t_in)
    except Exception as e:  # noqa: BLE001 - torch's behaviour is the spec
        t_exc = e
    try:
        n_out = fn(numtorch, *n_in)
    except Exception as e:  # noqa: BLE001
        n_exc = e
        if t_exc is None:
            raise
    if t_exc is not None:
        assert n_exc is not None, \
            f"torch raised {type(t_exc).__name__}: {t_exc}; numtorch did not"
        assert _same_exc_type(n_exc, t_exc), (f"numtorch raised {type(n_exc).__name__}: {n_exc}; "
                                              f"torch {type(t_exc).__name__}: {t_exc}")
        return
    t_flat, n_flat = _flatten(t_out), _flatten(n_out)
    assert len(t_flat) == len(n_flat), f"{len(n_flat)} outputs, torch {len(t_flat)}"
    for k, (o, r) in enumerate(zip(n_flat, t_flat)):
        assert_same_value(o, r, rtol, atol, what=f"output {k} ({layout})")
        if isinstance(r, torch.Tensor):
            assert o.requires_grad == r.requires_grad, f"output {k}: requires_grad differs"
            if graph:
                assert graph_names(o.grad_fn) == graph_names(r.grad_fn), \
                    f"graph {graph_names(o.grad_fn)} != torch {graph_names(r.grad_fn)}"
    if not grad:
        return
    diff_t = [(o, r) for o, r in zip(n_flat, t_flat)
              if isinstance(r, torch.Tensor) and r.requires_grad]
    xs = [i for i, t in enumerate(t_in) if t.requires_grad]
    if not diff_t or not xs:
        return
    gouts = [make_array(tuple(r.shape), str(r.dtype).replace("torch.", ""), rng)
             for _, r in diff_t]
    tg = torch.autograd.grad([r for _, r in diff_t], [t_in[i] for i in xs],
                             [torch.tensor(g, device=device) for g in gouts], allow_unused=True,
                             create_graph=second_order)
    ng = numtorch.autograd.grad([o for o, _ in diff_t], [n_in[i] for i in xs],
                                [numtorch.tensor(g, device=device) for g in gouts],
                                allow_unused=True,
                                create_graph=second_order)
    for i, a, b in zip(xs, ng, tg):
        if b is None:
            assert a is None or not np.any(a.detach().numpy()), f"grad {i}: torch has none"
            continue
        assert a is not None, f"grad of input {i} is None, torch has one"
        assert_same_value(a, b, rtol, atol, what=f"grad of input {i} ({layout})")
    if second_order:
        pairs = [(a, b) for a, b in zip(ng, tg) if b is not None and b.requires_grad]
        if not pairs:
            return
        gg = [make_array(tuple(b.shape), str(b.dtype).replace("torch.", ""), rng)
              for _, b in pairs]
        tg2 = torch.autograd.grad([b for _, b in pairs], [t_in[i] for i in xs],
                                  [torch.tensor(g, device=device) for g in gg],
                                  allow_unused=True)
        ng2 = numtorch.autograd.grad([a for a, _ in pairs], [n_in[i] for i in xs],
                                     [numtorch.tensor(g, device=device) for g in gg],
                                     allow_unused=True)
        for i, a, b in zip(xs, ng2, tg2):
            if b is None:
                continue
            assert a is not None, f"second-order grad of input {i} is None"
            assert_same_value(a, b, rtol, atol, what=f"2nd-order grad of input {i}")


def _same_exc_type(ours, theirs) -> bool:
    for cls in type(theirs).__mro__:
        if cls.__module__ == "builtins" and issubclass(cls, Exception):
            return isinstance(ours, cls)
    return True


def check_raises(fn, shapes=None, *, arrays=None, dtype="float32", match_message: bool = True,
                 seed: int = 0):
    """Both libraries raise the same exception type (and, by default, the same message)."""
    rng = np.random.default_rng(seed)
    arrs = arrays if arrays is not None else [make_array(s, dtype, rng) for s in shapes]
    t_in = [torch.tensor(np.asarray(a)) for a in arrs]
    n_in = [numtorch.tensor(np.asarray(a)) for a in arrs]
    try:
        fn(torch, *t_in)
    except Exception as e:  # noqa: BLE001
        t_exc = e
    else:
        raise AssertionError("torch did not raise")
    try:
        fn(numtorch, *n_in)
    except Exception as e:  # noqa: BLE001
        n_exc = e
    else:
        raise AssertionError(f"numtorch did not raise; torch raised {type(t_exc).__name__}: "
                             f"{t_exc}")
    assert _same_exc_type(n_exc, t_exc), f"{type(n_exc).__name__}: {n_exc} vs torch " \
                                          f"{type(t_exc).__name__}: {t_exc}"
    if match_message:
        assert _strip(str(n_exc)) == _strip(str(t_exc)), f"message {n_exc!s} != torch {t_exc!s}"


def _strip(msg: str) -> str:
    """Drop torch's C++ location/hint tails that numtorch does not reproduce."""
    msg = msg.split("\nException raised from")[0]
    return msg.split(" (Triggered internally")[0].strip()


# -- modules: the same weights in a torch module and a numtorch module -------------------------
def copy_weights(tm, nm) -> None:
    """Load torch's state_dict into the numtorch module (via NumPy)."""
    sd = {k: numtorch.tensor(v.detach().numpy().copy()) for k, v in tm.state_dict().items()}
    nm.load_state_dict(sd)


def compare_module(make, shapes, *, dtype="float32", train=True, extra=None, rtol=None,
                   atol=None, graph=True, seed=0, low=-2.0, high=2.0, grad_inputs=True):
    """Build ``make(lib)`` in both libraries with torch's weights; compare outputs and grads.

    ``shapes`` are the float inputs (random, requiring grad); ``extra(lib)`` returns further
    non-differentiable inputs appended after them (targets, indices).
    """
    rng = np.random.default_rng(seed)
    tm, nm = make(torch), make(numtorch)
    tdt = getattr(torch, dtype)
    tm = tm.to(tdt)
    nm = nm.to(getattr(numtorch, dtype))
    copy_weights(tm, nm)
    tm.train(train)
    nm.train(train)
    arrs = [make_array(s, dtype, rng, low, high) for s in shapes]
    t_in = [torch.tensor(a, requires_grad=grad_inputs) for a in arrs]
    n_in = [numtorch.tensor(a, requires_grad=grad_inputs) for a in arrs]
    t_extra = extra(torch) if extra else []
    n_extra = extra(numtorch) if extra else []
    t_out = tm(*t_in, *t_extra)
    n_out = nm(*n_in, *n_extra)
    assert_same_value(n_out, t_out, rtol, atol, what="module output")
    if graph:
        assert graph_names(n_out.grad_fn) == graph_names(t_out.grad_fn), \
            f"graph {graph_names(n_out.grad_fn)} != torch {graph_names(t_out.grad_fn)}"
    if not t_out.requires_grad:
        return
    g = make_array(tuple(t_out.shape), dtype, rng)
    t_out.backward(torch.tensor(g))
    n_out.backward(numtorch.tensor(g))
    if grad_inputs:
        for i, (a, b) in enumerate(zip(n_in, t_in)):
            assert_same_value(a.grad, b.grad, rtol, atol, what=f"grad of input {i}")
    t_params = dict(tm.named_parameters())
    n_params = dict(nm.named_parameters())
    assert list(t_params) == list(n_params)
    for name, tp in t_params.items():
        np_ = n_params[name]
        if tp.grad is None:
            assert np_.grad is None, f"{name}: torch has no grad"
        else:
            assert_same_value(np_.grad, tp.grad, rtol, atol, what=f"grad of {name}")
