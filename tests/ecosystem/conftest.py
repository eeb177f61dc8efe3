"""Environment for the ecosystem tests: real PyTorch libraries run on numtorch.

A cached wheelhouse (``$NUMTORCH_ECOSYSTEM_CACHE``, default ``~/.cache/numtorch-ecosystem``)
holds the pinned libraries and their non-torch dependencies; it is filled from PyPI the first
time (later runs need no network). A cached "libraries" venv holds them, built once per set of
pins. Each test session makes a fresh venv **without torch** that sees the cached libraries
(through a ``.pth`` file) and gets numtorch installed from this checkout, so its
``numtorch run`` serves ``import torch``. The same scripts also run on real torch with the
test's own interpreter and the cached libraries on ``PYTHONPATH``, for comparison.

Every test here is marked ``ecosystem``; deselect them offline (without a filled cache) with
``-m "not slow and not fuzz_long and not ecosystem"``.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import sysconfig
from dataclasses import dataclass
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SCRIPTS = HERE / "scripts"
DEPS = HERE / "requirements-deps.txt"
LIBS = HERE / "requirements-libs.txt"
TORCHSIDE = HERE / "requirements-torchside.txt"
CACHE = Path(os.environ.get("NUMTORCH_ECOSYSTEM_CACHE",
                            Path.home() / ".cache" / "numtorch-ecosystem"))
WHEELS = CACHE / "wheels"
RESULT_TAG = "RESULT "


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "ecosystem: runs PyTorch libraries on numtorch in a venv (needs PyPI the "
        "first time; deselect offline with -m 'not ecosystem')")


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, cmd))} failed ({proc.returncode}):\n"
                           f"{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}")
    return proc


def _pip(python: Path | str, *args: str) -> None:
    """This interpreter's pip, acting on ``python``'s environment (venvs are made without pip:
    faster, and no ``ensurepip`` needed)."""
    _run([sys.executable, "-m", "pip", "--python", str(python), "--disable-pip-version-check",
          "-q", *args])


def _fill_wheelhouse() -> None:
    """Download the pinned wheels (with the dependencies' own dependencies) if any is
    missing from the wheelhouse."""
    WHEELS.mkdir(parents=True, exist_ok=True)
    for req, extra in ((DEPS, []), (LIBS, ["--no-deps"]), (TORCHSIDE, ["--no-deps"])):
        local = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "download",
                 "--no-index", "--find-links", str(WHEELS), "-d", str(WHEELS), *extra,
                 "--only-binary", ":all:", "-r", str(req)]
        if subprocess.run(local, capture_output=True).returncode != 0:
            _run([sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "download",
                  "-d", str(WHEELS), *extra, "--only-binary", ":all:", "-r", str(req)])


def _site_packages(venv: Path) -> Path:
    rel = Path(sysconfig.get_path("purelib", vars={"base": "", "platbase": ""}).lstrip("/"))
    return venv / rel


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def _libraries_venv() -> tuple[Path, Path]:
    """The cached venv holding the libraries (no torch, no numtorch), made once per pins, and
    the folder with the packages only the torch runs add (torchvision)."""
    key = hashlib.sha256((DEPS.read_text() + LIBS.read_text() + TORCHSIDE.read_text()
                          + sys.version).encode())
    venv = CACHE / f"libs-{key.hexdigest()[:16]}"
    torchside = venv / "torchside"
    if (venv / ".complete").exists():
        return venv, torchside
    _fill_wheelhouse()
    for old in CACHE.glob("libs-*"):  # venvs of earlier pins
        shutil.rmtree(old, ignore_errors=True)
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = _venv_python(venv)
    _pip(python, "install", "--no-index", "--find-links", str(WHEELS), "-r", str(DEPS))
    _pip(python, "install", "--no-index", "--find-links", str(WHEELS), "--no-deps", "-r",
         str(LIBS))
    _pip(python, "install", "--no-index", "--find-links", str(WHEELS), "--no-deps", "--target",
         str(torchside), "-r", str(TORCHSIDE))
    (venv / ".complete").write_text("ok\n")
    return venv, torchside


@dataclass
class Ecosystem:
    """How to run a script on numtorch (the session venv) and on torch."""

    numtorch: Path  # the session venv's ``numtorch`` command
    libs: Path  # the cached libraries' site-packages
    torchside: Path  # packages only the torch runs see

    def env(self, on_torch: bool) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items()
               if k not in ("PYTHONPATH", "PYTHONHOME") and not k.startswith("TQDM_")}
        env.update(HF_HUB_OFFLINE="1", PYTHONHASHSEED="0",
                   OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1",
                   PYTHONWARNINGS="ignore")
        if on_torch:
            env["PYTHONPATH"] = os.pathsep.join([str(self.torchside), str(self.libs)])
        return env

    def run(self, script: str, cwd: Path, *args: str, on_torch: bool,
            timeout: float = 600) -> tuple[dict, subprocess.CompletedProcess]:
        """Run ``scripts/<script>`` with ``numtorch run`` or on torch; return the JSON dict
        it printed after ``RESULT `` and the finished process."""
        path = str(SCRIPTS / script)
        cmd = ([sys.executable, str(HERE / "_on_torch.py"), path] if on_torch
               else [str(self.numtorch), "run", path])
        cwd.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([*cmd, *args], capture_output=True, text=True, cwd=cwd,
                              env=self.env(on_torch), timeout=timeout)
        where = "torch" if on_torch else "numtorch"
        assert proc.returncode == 0, (f"{script} on {where} failed:\n{proc.stdout[-3000:]}\n"
                                      f"{proc.stderr[-6000:]}")
        lines = [ln for ln in proc.stdout.splitlines() if ln.startswith(RESULT_TAG)]
        assert lines, f"{script} on {where} printed no result:\n{proc.stdout[-3000:]}"
        return json.loads(lines[-1][len(RESULT_TAG):]), proc


@pytest.fixture(scope="session")
def ecosystem(tmp_path_factory) -> Ecosystem:
    import fcntl

    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        libs_venv, torchside = _libraries_venv()
    base = tmp_path_factory.mktemp("ecosystem")
    # build numtorch from a clean copy of the checkout (no stale build/ folder in the wheel)
    src = base / "numtorch-src"
    shutil.copytree(ROOT / "src", src / "src",
                    ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, src / name)
    venv = base / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    libs = _site_packages(libs_venv)
    (_site_packages(venv) / "_ecosystem_libs.pth").write_text(
        f"import site; site.addsitedir({str(libs)!r})\n")
    _pip(_venv_python(venv), "install", "--no-index", "--find-links", str(WHEELS), "--no-deps",
         str(src))
    numtorch = venv / ("Scripts/numtorch.exe" if os.name == "nt" else "bin/numtorch")
    check = _run([str(_venv_python(venv)), "-c",
                  "import importlib.util as u; print(u.find_spec('torch'))"])
    assert check.stdout.strip() == "None", "the numtorch venv must not see torch"
    return Ecosystem(numtorch=numtorch, libs=libs, torchside=torchside)
