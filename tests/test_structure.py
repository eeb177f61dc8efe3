"""The layout rules of docs/ARCHITECTURE.md, checked on the source tree.

* Layering: ``_ops/`` and ``autograd/`` (the core) never import the top-level package or a
  public subpackage, at module level or inside functions; higher layers compose lower ones.
* The backend seam: only ``_backend/`` names an array library; the core imports none.
* Size: no source file over 1000 lines, and files over ~800 lines are the named exceptions.
"""

from __future__ import annotations

import ast
import pathlib

import pytest

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "numtorch"
CORE = ("_ops", "autograd")
ARRAY_LIBRARIES = {"numpy", "cupy", "cupyx", "scipy", "ml_dtypes"}
#: subpackages/modules of numtorch that the core may import: private modules and the engine
CORE_MAY_IMPORT = {"autograd"}


def _modules(*parts: str) -> list[pathlib.Path]:
    files = []
    for part in parts:
        files.extend(sorted((SRC / part).rglob("*.py")))
    return files


def _package_of(path: pathlib.Path) -> list[str]:
    """The dotted package a module lives in, as a list (``["numtorch", "_ops", "pointwise"]``)."""
    rel = path.relative_to(SRC.parent).with_suffix("")
    parts = list(rel.parts)
    return parts[:-1] if parts[-1] != "__init__" else parts[:-1]


def _imports(path: pathlib.Path):
    """Every import in a file (module level and inside functions): (line, absolute target,
    imported names)."""
    tree = ast.parse(path.read_text(), filename=str(path))
    pkg = _package_of(path)
    if path.name == "__init__.py":
        pkg = list(path.relative_to(SRC.parent).parts[:-1])
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name, []
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = pkg[:len(pkg) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            yield node.lineno, target, [a.name for a in node.names]


def _is_private_or_core(name: str) -> bool:
    return name.startswith("_") or name in CORE_MAY_IMPORT


def _layering_violations(path: pathlib.Path) -> list[str]:
    bad = []
    for line, target, names in _imports(path):
        parts = target.split(".")
        if parts[0] != "numtorch":
            continue
        where = f"{path.relative_to(SRC)}:{line}"
        if len(parts) == 1:
            # ``from numtorch import X`` / ``from .. import X``: only private modules
            for n in names or ["<numtorch>"]:
                if not _is_private_or_core(n):
                    bad.append(f"{where} imports '{n}' from the top-level package")
        elif not _is_private_or_core(parts[1]):
            bad.append(f"{where} imports the public subpackage '{target}'")
    return bad


def test_core_never_imports_upward():
    bad = [v for f in _modules(*CORE) for v in _layering_violations(f)]
    assert not bad, "upward imports in the core:\n" + "\n".join(bad)


def test_only_the_backend_names_an_array_library():
    bad = []
    for f in _modules(*CORE):
        for line, target, _ in _imports(f):
            if target.split(".")[0] in ARRAY_LIBRARIES:
                bad.append(f"{f.relative_to(SRC)}:{line} imports {target}")
    assert not bad, "array-library imports outside numtorch._backend:\n" + "\n".join(bad)


def test_layering_check_catches_violations(tmp_path):
    """The checker itself: a core module importing upward is reported."""
    fake = SRC / "_ops" / "_layering_probe.py"
    assert not fake.exists()
    src = ("from .. import linalg\nfrom .._dtype import float32\n"
           "def f():\n    from ..nn.functional import relu\n    import numtorch\n")
    fake.write_text(src)
    try:
        bad = _layering_violations(fake)
    finally:
        fake.unlink()
    assert len(bad) == 3, bad


SIZE_LIMIT = 1000
#: files allowed between ~800 and 1000 lines, with the reason
OVER_800: dict[str, str] = {}


@pytest.mark.parametrize("path", _modules(""), ids=lambda p: str(p.relative_to(SRC)))
def test_source_file_size(path):
    n = len(path.read_text().splitlines())
    rel = str(path.relative_to(SRC))
    assert n <= SIZE_LIMIT, f"{rel} has {n} lines (limit {SIZE_LIMIT}): split it by topic"
    if n > 850:
        assert rel in OVER_800, f"{rel} has {n} lines (~800 is the guide): split it or say why"
