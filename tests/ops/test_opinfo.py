"""OpInfo-driven differential test: every entry of torch's ``op_db`` against numtorch.

For each entry, torch's own sample inputs (CPU; float32 for values, float64 for gradients) are
turned into NumPy arrays, copied into both libraries, and the op is run on each: outputs are
compared (type, shape, dtype, values) and, where the entry supports autograd, the gradients of
every input under a random upstream gradient. Entries numtorch does not support yet are listed
in ``opinfo_xfail.txt`` with a one-line reason; an entry on the list that passes fails the test
("unexpected pass"), so the list only shrinks.

The default run checks the first ``FAST_SAMPLES`` samples of each entry; ``-m slow`` runs
``test_opinfo_full`` over all samples. Run this file as a script to print the coverage figure
and (with ``--write-xfail``) to regenerate the expected-failure list::

    python tests/ops/test_opinfo.py            # coverage: passing / CPU-runnable entries
    python tests/ops/test_opinfo.py --full --write-xfail
"""

from __future__ import annotations

import functools
import itertools
import math
import os
import sys
import types
import warnings

import numpy as np
import pytest
import torch

import numtorch

FAST_SAMPLES = 2
XFAIL_FILE = os.path.join(os.path.dirname(__file__), "opinfo_xfail.txt")
# per-dtype (rtol, atol); looser than tests/oracle.py because op_db's samples reach larger
# magnitudes and LAPACK-backed ops accumulate in a different order than torch's kernels
TOL = {"float32": (1e-4, 1e-5), "float64": (1e-6, 1e-8), "complex64": (1e-4, 1e-5),
       "complex128": (1e-6, 1e-8), "float16": (1e-2, 1e-2), "bfloat16": (2e-2, 2e-2)}


# uninitialised memory: only type, shape and dtype are comparable
METADATA_ONLY = {"empty", "empty_like", "new_empty", "new_empty_strided", "empty_strided",
                 "empty_permuted"}


class NotComparable(Exception):
    """torch itself cannot run the entry on CPU (not counted in the coverage figure)."""


@functools.lru_cache(maxsize=1)
def _op_db():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from torch.testing._internal.common_methods_invocations import op_db
    return op_db


def entry_id(op) -> str:
    return f"{op.name}.{op.variant_test_name}" if op.variant_test_name else op.name


def load_xfail(path: str = XFAIL_FILE, full: bool = False) -> dict[str, str]:
    """Expected failures: '<id> <reason>' lines; 'full:<id> <reason>' lines only apply to the
    full sweep (entries whose first samples pass but later ones do not)."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            name, _, reason = line.partition(" ")
            if name.startswith("full:"):
                if not full:
                    continue
                name = name[len("full:"):]
            out[name] = reason.strip().lstrip("#").strip()
    return out


# -- moving values between the libraries -------------------------------------------------------
def _numpy_of(t: torch.Tensor) -> np.ndarray:
    t = t.detach().resolve_conj().resolve_neg()
    if t.dtype == torch.bfloat16:  # exact in float32; both sides convert back below
        t = t.float()
    return t.cpu().numpy().copy()


def _nt_dtype(dt):
    name = str(dt).replace("torch.", "")
    return getattr(numtorch, name)


def _torch_obj_to_nt(obj):
    """A torch module-level object (function, module) named the same way in numtorch."""
    mod = getattr(obj, "__module__", None) or ""
    name = getattr(obj, "__name__", None)
    if isinstance(obj, types.ModuleType):
        path = obj.__name__.split(".")[1:]
        target = numtorch
        for p in path:
            target = getattr(target, p)
        return target
    if mod.startswith("torch") and name:
        parts = [p for p in mod.split(".")[1:] if not p.startswith("_")]
        target = numtorch
        for p in parts:
            target = getattr(target, p)
        return getattr(target, name)
    return obj


class Converter:
    """Rebuilds a torch sample (nested args) in both libraries from the same NumPy arrays."""

    def __init__(self, requires_grad: bool):
        self.requires_grad = requires_grad
        self.t_leaves: list = []
        self.n_leaves: list = []

    def both(self, x):
        if isinstance(x, torch.Tensor):
            arr = _numpy_of(x)
            rg = self.requires_grad and x.requires_grad and arr.dtype.kind in "fc"
            t = torch.from_numpy(arr.copy())
            if x.dtype != t.dtype:  # e.g. float16 survives; keep torch's dtype
                t = t.to(x.dtype)
            n = numtorch.tensor(arr.copy())
            if x.dtype == torch.bfloat16:
                n = n.to(numtorch.bfloat16)
            if rg:
                t.requires_grad_(True)
                n.requires_grad_(True)
                self.t_leaves.append(t)
                self.n_leaves.append(n)
            return t, n
        if isinstance(x, torch.Size):
            return x, numtorch.Size(tuple(x))
        if isinstance(x, torch.dtype):
            return x, _nt_dtype(x)
        if isinstance(x, torch.device):
            return x, numtorch.device(str(x))
        if isinstance(x, (torch.memory_format, torch.layout)):
            return x, getattr(numtorch, str(x).replace("torch.", ""))
        if isinstance(x, torch.Generator):
            raise NotImplementedError("samples with a torch.Generator are not compared")
        if isinstance(x, (list, tuple)):
            pairs = [self.both(v) for v in x]
            t = type(x)(p[0] for p in pairs) if type(x) in (list, tuple) else x
            n = type(x)(p[1] for p in pairs) if type(x) in (list, tuple) else x
            return t, n
        if isinstance(x, dict):
            pairs = {k: self.both(v) for k, v in x.items()}
            return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
        if callable(x) and (getattr(x, "__module__", "") or "").startswith("torch"):
            return x, _torch_obj_to_nt(x)
        return x, x


# -- finding numtorch's version of the op ------------------------------------------------------
def _nt_wrapper_set_seed(op, *args, **kwargs):
    numtorch.manual_seed(42)
    return op(*args, **kwargs)


class _Rebound(dict):
    pass


def _rebind(fn):
    """A copy of a python function from op_db whose globals name numtorch instead of torch."""
    if isinstance(fn, functools.partial):
        return functools.partial(_rebind(fn.func), *fn.args, **fn.keywords)
    if not isinstance(fn, types.FunctionType):
        return fn
    g = dict(fn.__globals__)
    names = set()

    def collect(code):
        names.update(code.co_names)
        for c in code.co_consts:
            if isinstance(c, types.CodeType):
                collect(c)

    collect(fn.__code__)
    for name in names:
        if name not in g:
            continue
        v = g[name]
        if name == "wrapper_set_seed":
            g[name] = _nt_wrapper_set_seed
        elif isinstance(v, types.ModuleType) and v.__name__.split(".")[0] == "torch":
            g[name] = _LazyModule(v.__name__)
        elif isinstance(v, types.FunctionType) and v.__module__.startswith("torch.testing"):
            g[name] = _rebind(v)
    closure = None
    if fn.__closure__:
        cells = []
        for c in fn.__closure__:
            try:
                v = c.cell_contents
            except ValueError:
                cells.append(c)
                continue
            if isinstance(v, types.ModuleType) and v.__name__.split(".")[0] == "torch":
                v = _LazyModule(v.__name__)
            elif isinstance(v, (types.FunctionType, functools.partial)):
                v = _rebind(v)
            cells.append(types.CellType(v))
        closure = tuple(cells)
    new = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, closure)
    new.__kwdefaults__ = fn.__kwdefaults__
    return new


class _LazyModule:
    """Attribute access on ``torch.x.y`` resolves in ``numtorch.x.y`` (lazily)."""

    def __init__(self, torch_name: str):
        self._path = torch_name.split(".")[1:]

    def __getattr__(self, name):
        target = numtorch
        for p in self._path:
            target = getattr(target, p)
        value = getattr(target, name)
        return value


def numtorch_callable(op):
    """numtorch's counterpart of ``op.op`` (raises AttributeError when numtorch lacks it)."""
    fn = op.op
    if isinstance(fn, (types.FunctionType, functools.partial)):
        mod = getattr(fn, "__module__", "") or ""
        if isinstance(fn, functools.partial) or mod.startswith("torch.testing"):
            return _rebind(fn)
    kind = type(fn).__name__
    if kind in ("method_descriptor", "wrapper_descriptor"):
        name = fn.__name__
        return lambda x, *a, **k: getattr(x, name)(*a, **k)
    if op.name.startswith("__"):
        name = op.name
        return lambda x, *a, **k: getattr(x, name)(*a, **k)
    if kind in ("OpOverload", "OpOverloadPacket", "_JittedFunction") or \
            op.name.startswith(("torch.ops.", "_")):
        raise AttributeError(f"{op.name} is a private ATen/CUDA entry point (torch.ops)")
    target = numtorch
    for p in op.name.split("."):
        target = getattr(target, p)
    return target


# -- comparing -----------------------------------------------------------------------------------
def _flat(out):
    if isinstance(out, (tuple, list)):
        res = []
        for o in out:
            res.extend(_flat(o))
        return res
    return [out]


def compare(ours, theirs, what: str, values: bool = True) -> None:
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, numtorch.Tensor), f"{what}: expected a Tensor, got {type(ours)}"
        assert tuple(ours.shape) == tuple(theirs.shape), \
            f"{what}: shape {tuple(ours.shape)} != torch {tuple(theirs.shape)}"
        tname = str(theirs.dtype).replace("torch.", "")
        assert str(ours.dtype).replace("torch.", "") == tname, \
            f"{what}: dtype {ours.dtype} != torch {theirs.dtype}"
        if not values:
            return
        theirs = theirs.detach()
        if theirs._is_zerotensor():
            theirs = torch.zeros(theirs.shape, dtype=theirs.dtype)
        if theirs.dtype == torch.bfloat16:
            b = theirs.float().numpy()
            a = ours.detach().float().numpy()
        else:
            b = theirs.resolve_conj().resolve_neg().numpy()
            a = np.asarray(ours.detach().numpy())
        if a.dtype.kind in "fc":
            r, t = TOL.get(tname, (1e-6, 1e-8))
            if tname == "bfloat16" and b.size and np.isfinite(b).any():
                # a sum of rounded terms: its error scales with the largest value, not each one
                t = max(t, 1e-2 * float(np.abs(b[np.isfinite(b)]).max()))
            np.testing.assert_allclose(a, b, rtol=r, atol=t, equal_nan=True, err_msg=what)
        else:
            np.testing.assert_array_equal(a, b, err_msg=what)
    elif isinstance(theirs, (torch.Size, tuple, list)):
        assert len(ours) == len(theirs), f"{what}: {ours!r} != {theirs!r}"
        for k, (o, t) in enumerate(zip(ours, theirs)):
            compare(o, t, f"{what}[{k}]", values)
    elif isinstance(theirs, float):
        assert isinstance(ours, float), f"{what}: {type(ours).__name__} != float"
        assert math.isclose(ours, theirs, rel_tol=1e-6, abs_tol=1e-8) or \
            (math.isnan(ours) and math.isnan(theirs)), f"{what}: {ours} != {theirs}"
    elif isinstance(theirs, torch.dtype):
        assert str(ours).replace("torch.", "") == str(theirs).replace("torch.", ""), what
    else:
        assert type(ours) is type(theirs) and ours == theirs, f"{what}: {ours!r} != {theirs!r}"


def _call(fn, sample, args_kwargs):
    inp, args, kwargs = args_kwargs
    return fn(inp, *args, **kwargs)


def run_sample(op, nt_fn, sample, with_grad: bool, rng, first: bool = False) -> None:
    """Run one sample in both libraries; compare outputs (and gradients when ``with_grad``)."""
    conv = Converter(requires_grad=with_grad)
    t_inp, n_inp = conv.both(sample.input)
    t_args, n_args = conv.both(tuple(sample.args))
    t_kw, n_kw = conv.both(dict(sample.kwargs))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            t_out = op.op(t_inp, *t_args, **t_kw)
    except Exception as e:  # noqa: BLE001 - some samples are meant to raise
        if not with_grad and first:
            raise NotComparable(f"torch raises on CPU: {type(e).__name__}: {e}") from e
        with pytest.raises(Exception) as info:  # noqa: B017
            nt_fn(n_inp, *n_args, **n_kw)
        assert isinstance(info.value, type(e)) or isinstance(e, info.type), \
            f"numtorch raised {info.type.__name__}, torch {type(e).__name__}"
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        n_out = nt_fn(n_inp, *n_args, **n_kw)
    process = sample.output_process_fn_grad
    t_res = process(t_out)
    n_res = _rebind(process)(n_out)
    t_flat, n_flat = _flat(t_res), _flat(n_res)
    assert len(n_flat) == len(t_flat), f"{len(n_flat)} outputs, torch {len(t_flat)}"
    for k, (o, r) in enumerate(zip(n_flat, t_flat)):
        compare(o, r, f"output {k}", values=op.name not in METADATA_ONLY)
    if not with_grad or not conv.t_leaves:
        return
    pairs = [(o, r) for o, r in zip(n_flat, t_flat)
             if isinstance(r, torch.Tensor) and r.requires_grad]
    if not pairs:
        return
    for k, (o, _r) in enumerate(pairs):
        assert isinstance(o, numtorch.Tensor) and o.requires_grad, \
            f"output {k} does not require grad (torch's does)"
    gouts = []
    for _, r in pairs:
        g = rng.standard_normal(tuple(r.shape))
        if r.dtype.is_complex:
            g = g + 1j * rng.standard_normal(tuple(r.shape))
        name = str(r.dtype).replace("torch.", "")
        # bfloat16 upstream gradients travel as float32 (exact) and are rounded on both sides
        gouts.append((np.asarray(g, dtype="float32" if name == "bfloat16" else name), r.dtype))
    tg = torch.autograd.grad([r for _, r in pairs], conv.t_leaves,
                             [torch.from_numpy(g.copy()).to(dt) for g, dt in gouts],
                             allow_unused=True)
    ng = numtorch.autograd.grad([o for o, _ in pairs], conv.n_leaves,
                                [numtorch.tensor(g.copy()).to(_nt_dtype(dt)) for g, dt in gouts],
                                allow_unused=True)
    for i, (a, b) in enumerate(zip(ng, tg)):
        if b is None:
            assert a is None or not a.detach().bool().any(), f"grad {i}: torch has none"
            continue
        assert a is not None, f"grad of input {i} is None, torch has one"
        compare(a, b, f"grad of input {i}")


def _forward_dtype(op):
    dts = op.supported_dtypes("cpu")
    for dt in (torch.float32, torch.int64, torch.int32, torch.bool, torch.complex64,
               torch.float64, torch.complex128):
        if dt in dts:
            return dt
    return None


def _samples(op, dtype, requires_grad, limit):
    with torch.random.fork_rng(), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.manual_seed(0)
        # sample_inputs_func directly: op.sample_inputs wraps it in an iterator that walks the
        # whole call stack with inspect.stack() (a quarter-second per call under pytest)
        samples = op.sample_inputs_func(op, "cpu", dtype, requires_grad)
        return list(itertools.islice(samples, limit))


def check_entry(op, limit: int | None = FAST_SAMPLES) -> None:
    """Forward (float32) and, where supported, backward (float64) on ``limit`` samples."""
    dtype = _forward_dtype(op)
    if dtype is None:
        raise NotComparable("no CPU dtype")
    samples = _samples(op, dtype, False, limit)
    if not samples:
        raise NotComparable("no samples on CPU")
    nt_fn = numtorch_callable(op)
    rng = np.random.default_rng(0)
    for k, s in enumerate(samples):
        run_sample(op, nt_fn, s, False, rng, first=k == 0)
    if op.supports_autograd and torch.float64 in op.supported_backward_dtypes("cpu"):
        for s in _samples(op, torch.float64, True, limit):
            run_sample(op, nt_fn, s, True, rng)


# -- pytest ------------------------------------------------------------------------------------
def _entries():
    return [pytest.param(op, id=entry_id(op)) for op in _op_db()]


def _run_expecting(op, limit) -> None:
    xfail = load_xfail(full=limit is None)
    name = entry_id(op)
    try:
        check_entry(op, limit)
    except NotComparable as e:  # torch cannot run the entry on a CPU: nothing to compare
        pytest.xfail(str(e))
    except Exception:  # noqa: BLE001
        if name in xfail:
            pytest.xfail(xfail[name])
        raise
    if name in xfail:
        pytest.fail(f"{name} passes now: remove it from tests/ops/opinfo_xfail.txt")


@pytest.mark.parametrize("op", _entries())
def test_opinfo(op):
    _run_expecting(op, FAST_SAMPLES)


@pytest.mark.slow
@pytest.mark.parametrize("op", _entries())
def test_opinfo_full(op):
    _run_expecting(op, None)


# -- coverage report -------------------------------------------------------------------------
def _reason(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".replace("\n", " ")
    return " ".join(text.split())[:160]


def coverage(limit=FAST_SAMPLES, verbose=False):
    """(passing ids, failing {id: reason}, not-comparable ids) over the whole op_db."""
    passing, failing, skipped = [], {}, []
    for op in _op_db():
        name = entry_id(op)
        try:
            check_entry(op, limit)
        except NotComparable:
            skipped.append(name)
        except Exception as e:  # noqa: BLE001
            failing[name] = _reason(e)
            if verbose:
                print(f"FAIL {name}: {failing[name]}")
        else:
            passing.append(name)
    return passing, failing, skipped


def _report(label, passing, failing, skipped) -> None:
    runnable = len(passing) + len(failing)
    print(f"[{label}] op_db entries: {len(_op_db())}; CPU-runnable: {runnable}; passing: "
          f"{len(passing)} ({100 * len(passing) / runnable:.1f}%); not runnable on CPU: "
          f"{len(skipped)}")


def main(argv) -> None:
    verbose = "-v" in argv
    passing, failing, skipped = coverage(FAST_SAMPLES, verbose)
    _report(f"first {FAST_SAMPLES} samples (default test run)", passing, failing, skipped)
    full_failing: dict = {}
    if "--full" in argv:
        full = coverage(None, verbose)
        _report("all samples (-m slow)", *full)
        full_failing = {k: v for k, v in full[1].items() if k not in failing}
    if "--write-xfail" in argv:
        old = load_xfail(full=True)
        keep = "--fresh" not in argv
        with open(XFAIL_FILE, "w") as f:
            f.write("# op_db entries numtorch does not pass yet: '<entry id> <reason>'.\n"
                    "# 'full:' entries fail only beyond the first samples (the -m slow sweep).\n"
                    "# Regenerate: python tests/ops/test_opinfo.py --full --write-xfail\n")
            for name in sorted(failing):
                f.write(f"{name} {(old.get(name) if keep else None) or failing[name]}\n")
            for name in sorted(full_failing):
                f.write(f"full:{name} {(old.get(name) if keep else None) or full_failing[name]}\n")
        print(f"wrote {XFAIL_FILE}")


if __name__ == "__main__":
    main(sys.argv[1:])
