"""The public names of ``torch.nn.utils`` and its submodules exist in ``numtorch.nn.utils``
with the same kind (module, class, function, other), minus a reasoned exclusion list."""

import importlib
import inspect
import types

import pytest

SUBMODULES = ["", ".rnn", ".parametrize", ".parametrizations", ".prune", ".stateless",
              ".fusion", ".init", ".memory_format", ".weight_norm", ".spectral_norm",
              ".clip_grad", ".convert_parameters"]

# name -> why numtorch does not provide it
EXCLUDED = {
    ".stateless": {
        "NamedMemberAccessor": "torch's private helper from torch.nn.utils._named_member_accessor"
                               ", visible only because stateless imports it; functional_call "
                               "swaps tensors without it",
    },
}


def public_names(lib: str, sub: str) -> dict:
    """Names a user sees in the module: its ``__all__``, and the objects defined in the
    ``nn.utils`` tree (imports of unrelated helpers such as ``torch`` or ``Iterable`` are
    left out)."""
    # a submodule becomes an attribute once anything imports it: import them all on both sides
    # so that which tests ran before does not matter
    for other in SUBMODULES:
        importlib.import_module(f"{lib}.nn.utils{other}")
    mod = importlib.import_module(f"{lib}.nn.utils{sub}")
    out = {}
    for name in dir(mod):
        if name.startswith("_"):
            continue
        obj = getattr(mod, name)
        if isinstance(obj, types.ModuleType):
            if obj.__name__.startswith(f"{lib}.nn.utils."):
                out[name] = "module"
            continue
        origin = getattr(obj, "__module__", None) or ""
        if origin.startswith(f"{lib}.nn.utils") or name in getattr(mod, "__all__", ()):
            out[name] = _kind(obj)
    return out


def _kind(obj) -> str:
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return type(obj).__name__


@pytest.mark.parametrize("sub", SUBMODULES)
def test_public_names_match(sub):
    theirs = public_names("torch", sub)
    ours = public_names("numtorch", sub)
    excluded = EXCLUDED.get(sub, {})
    missing = sorted(n for n in theirs if n not in ours and n not in excluded)
    extra = sorted(n for n in ours if n not in theirs)
    assert not missing, f"numtorch.nn.utils{sub} lacks {missing}"
    assert not extra, f"numtorch.nn.utils{sub} has names torch does not: {extra}"
    kinds = {n: (ours[n], theirs[n]) for n in ours if ours[n] != theirs[n]}
    assert not kinds, f"different kinds (ours, torch): {kinds}"


@pytest.mark.parametrize("sub", SUBMODULES)
def test_all_matches(sub):
    t = importlib.import_module(f"torch.nn.utils{sub}")
    n = importlib.import_module(f"numtorch.nn.utils{sub}")
    t_all = getattr(t, "__all__", None)
    if t_all is not None:
        assert sorted(n.__all__) == sorted(t_all)


def test_exclusions_are_still_needed():
    for sub, names in EXCLUDED.items():
        theirs = public_names("torch", sub)
        ours = public_names("numtorch", sub)
        for name in names:
            assert name in theirs and name not in ours, f"stale exclusion {sub}.{name}"


def test_signatures_of_public_functions():
    """Same parameter names and defaults for the public functions and classes' __init__."""
    diffs = []
    for sub in SUBMODULES:
        t = importlib.import_module(f"torch.nn.utils{sub}")
        n = importlib.import_module(f"numtorch.nn.utils{sub}")
        for name, kind in public_names("torch", sub).items():
            if kind != "function" or not hasattr(n, name):
                continue
            tp = list(inspect.signature(getattr(t, name)).parameters.values())
            np_ = list(inspect.signature(getattr(n, name)).parameters.values())
            if [(p.name, p.kind, repr(p.default)) for p in tp] != \
                    [(p.name, p.kind, repr(p.default)) for p in np_]:
                diffs.append(f"{sub}.{name}")
    assert not diffs, diffs


def test_public_classes_methods_and_signatures():
    """Public classes have torch's public methods, with the same parameters."""
    diffs = []
    for sub in SUBMODULES:
        t = importlib.import_module(f"torch.nn.utils{sub}")
        n = importlib.import_module(f"numtorch.nn.utils{sub}")
        for name, kind in public_names("torch", sub).items():
            if kind != "class" or not hasattr(n, name):
                continue
            tc, nc = getattr(t, name), getattr(n, name)
            for meth in sorted(set(vars(tc)) | {"__init__"}):
                if meth.startswith("_") and meth not in ("__init__", "__new__", "__call__"):
                    continue
                ours = getattr(nc, meth, None)
                if ours is None:
                    diffs.append(f"{sub}.{name}.{meth} missing")
                    continue
                try:
                    ts, ns = inspect.signature(getattr(tc, meth)), inspect.signature(ours)
                except (TypeError, ValueError):
                    continue
                if [(p.name, p.kind, repr(p.default)) for p in ts.parameters.values()] != \
                        [(p.name, p.kind, repr(p.default)) for p in ns.parameters.values()]:
                    diffs.append(f"{sub}.{name}.{meth}: {ns} != torch {ts}")
    assert not diffs, diffs
