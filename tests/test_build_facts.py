"""Version and build facts libraries read: ``__version__``, ``torch.version``,
``torch.backends.*`` and the global determinism / matmul-precision switches, against torch."""

from __future__ import annotations

import importlib
import warnings

import pytest
import torch
from torch.torch_version import TorchVersion as TorchsVersion

import numtorch
from numtorch.torch_version import TorchVersion

VERSIONS = ["2.13", "2.13.0", "2.13.1", "2.14.0.dev0", "2.13.0rc1", "2.13.0.post1",
            "2.13.0+cpu", "2.13.0+numtorch.0.1.0", "1.13.1", "parrot", (2, 13), (2, 13, 0),
            (2, 12), (3,)]


@pytest.mark.parametrize("base", ["2.13.0+numtorch.0.1.0", "2.13.0", "2.0.0a0+git1234",
                                  "1.13.1"])
@pytest.mark.parametrize("other", VERSIONS, ids=str)
def test_version_compares_as_torchs(base, other):
    ours, theirs = TorchVersion(base), TorchsVersion(base)
    for op in ("__eq__", "__ne__", "__lt__", "__le__", "__gt__", "__ge__"):
        assert getattr(ours, op)(other) == getattr(theirs, op)(other), (base, op, other)


def test_version_is_torch_2_13_and_parseable():
    packaging = pytest.importorskip("packaging.version", reason="the packaging package")
    v = numtorch.__version__
    assert isinstance(v, str) and v.startswith("2.13.0+numtorch.")
    assert packaging.Version(v) >= packaging.Version("2.13") and v >= "2.0" and v >= (2, 13)
    assert numtorch.version.numtorch_version == v.split("+numtorch.")[1]
    with pytest.raises(TypeError):
        _ = v < 3
    for name in ("cuda", "hip", "rocm", "xpu", "git_version", "debug", "__version__"):
        assert hasattr(numtorch.version, name) and hasattr(torch.version, name)
    assert numtorch.version.cuda is None and numtorch.version.debug is False


@pytest.mark.parametrize("name", ["cudnn", "mkldnn", "mps", "cpu", "cuda", "openmp", "mkl",
                                  "opt_einsum"])
def test_backends_are_importable_modules(name):
    mod = importlib.import_module(f"numtorch.backends.{name}")
    assert getattr(numtorch.backends, name) is mod


def test_backend_switches_match_torchs_defaults_and_are_settable():
    b, tb = numtorch.backends, torch.backends
    for flag in ("enabled", "benchmark", "deterministic", "allow_tf32", "benchmark_limit"):
        assert getattr(b.cudnn, flag) == getattr(tb.cudnn, flag), flag
    assert b.cuda.matmul.allow_tf32 == tb.cuda.matmul.allow_tf32
    assert (b.cuda.matmul.allow_fp16_reduced_precision_reduction
            == tb.cuda.matmul.allow_fp16_reduced_precision_reduction)
    assert b.cuda.flash_sdp_enabled() == tb.cuda.flash_sdp_enabled()
    assert b.cuda.math_sdp_enabled() == tb.cuda.math_sdp_enabled()
    assert b.cuda.is_built() is tb.cuda.is_built() is False
    assert b.mps.is_available() is tb.mps.is_available() is False
    assert not b.cudnn.is_available() and b.cudnn.version() is None
    assert b.cpu.get_cpu_capability() == "DEFAULT"
    seen = []
    for mod in (b, tb):  # torch's test utilities may forbid setting its flags directly
        with mod.cudnn.flags(enabled=False, deterministic=True, benchmark=True):
            seen.append((mod.cudnn.enabled, mod.cudnn.deterministic, mod.cudnn.benchmark))
        seen.append((mod.cudnn.enabled, mod.cudnn.deterministic, mod.cudnn.benchmark))
    assert seen[:2] == seen[2:] == [(False, True, True), (True, False, False)]
    b.cudnn.benchmark = True
    try:
        assert numtorch.backends.cudnn.benchmark is True
    finally:
        b.cudnn.benchmark = False
    b.cuda.matmul.allow_tf32 = True
    assert b.cuda.matmul.allow_tf32 is True
    b.cuda.matmul.allow_tf32 = False


def _outcome(fn):
    try:
        return fn()
    except Exception as e:  # noqa: BLE001 - compared
        return (type(e), str(e))


def test_determinism_switches_as_torchs():
    for lib in (torch, numtorch):
        assert lib.are_deterministic_algorithms_enabled() is False
        assert lib.get_deterministic_debug_mode() == 0
    try:
        for args, kw in [((True,), {"warn_only": True}), ((False,), {}), (("yes",), {})]:
            t = _outcome(lambda a=args, k=kw: torch.use_deterministic_algorithms(*a, **k))
            n = _outcome(lambda a=args, k=kw: numtorch.use_deterministic_algorithms(*a, **k))
            assert n == t
            assert (numtorch.are_deterministic_algorithms_enabled()
                    == torch.are_deterministic_algorithms_enabled())
            assert (numtorch.is_deterministic_algorithms_warn_only_enabled()
                    == torch.is_deterministic_algorithms_warn_only_enabled())
        for mode in ("error", "warn", "default", 2, 1, 0, "bogus", 5):
            t = _outcome(lambda m=mode: torch.set_deterministic_debug_mode(m))
            n = _outcome(lambda m=mode: numtorch.set_deterministic_debug_mode(m))
            assert n == t, mode
            assert numtorch.get_deterministic_debug_mode() == torch.get_deterministic_debug_mode()
    finally:
        torch.use_deterministic_algorithms(False)
        numtorch.use_deterministic_algorithms(False)


def test_float32_matmul_precision_as_torchs():
    try:
        for p in ("high", "medium", "bogus", "highest"):
            with warnings.catch_warnings(record=True) as tw:
                warnings.simplefilter("always")
                torch.set_float32_matmul_precision(p)
            with warnings.catch_warnings(record=True) as nw:
                warnings.simplefilter("always")
                numtorch.set_float32_matmul_precision(p)
            assert [str(w.message).split(" (Triggered")[0] for w in nw] == \
                [str(w.message).split(" (Triggered")[0] for w in tw]
            assert numtorch.get_float32_matmul_precision() == torch.get_float32_matmul_precision()
    finally:
        torch.set_float32_matmul_precision("highest")
        numtorch.set_float32_matmul_precision("highest")
