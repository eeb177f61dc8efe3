"""Run PyTorch code on numtorch: ``torch`` and ``torchvision`` (and their submodules) resolve
to numtorch's modules for everything imported after :func:`install`.

``numtorch run script.py`` uses this. A submodule numtorch does not have fails at import with
``ModuleNotFoundError`` naming the missing API; a missing attribute raises
:class:`MissingAPIError` (an ``AttributeError`` and a ``NotImplementedError``).
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys

ALIASES = {"torch": "numtorch", "torchvision": "numtorch.vision"}
# torch submodules that live elsewhere in numtorch
RENAMES = {"torch.utils.data.sampler": "numtorch.utils.data.sampler",
           "torch.utils.data.dataset": "numtorch.utils.data.dataset",
           "torch.utils.data.dataloader": "numtorch.utils.data.dataloader",
           "torch._tensor_str": "numtorch._tensor_str", "torch._tensor": "numtorch._tensor"}


class MissingAPIError(AttributeError, NotImplementedError):
    """A PyTorch API that numtorch does not implement."""


def target_name(fullname: str) -> str | None:
    if fullname in RENAMES:
        return RENAMES[fullname]
    root, _, rest = fullname.partition(".")
    if root not in ALIASES:
        return None
    return ALIASES[root] + ("." + rest if rest else "")


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Meta path finder that serves numtorch's modules under torch's names."""

    def find_spec(self, fullname, path=None, target=None):
        name = target_name(fullname)
        if name is None:
            return None
        if importlib.util.find_spec(name) is None:
            raise ModuleNotFoundError(f"numtorch does not implement {fullname} (no module "
                                      f"{name})", name=fullname)
        return importlib.machinery.ModuleSpec(fullname, self, origin=name)

    def create_module(self, spec):
        return importlib.import_module(spec.origin)

    def exec_module(self, module) -> None:
        """The numtorch module is already initialised."""


_finder = _AliasFinder()


def install() -> None:
    """Make ``import torch`` / ``import torchvision`` give numtorch's modules."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    for key in [k for k in sys.modules if k.split(".")[0] in ALIASES]:
        del sys.modules[key]


def uninstall() -> None:
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    for key in [k for k in sys.modules if k.split(".")[0] in ALIASES
                and sys.modules[k].__name__.startswith("numtorch")]:
        del sys.modules[key]


def run_script(path: str, argv: list[str]) -> None:
    """Run a PyTorch script unchanged on numtorch, as ``python script.py argv...`` would."""
    import os
    import runpy

    install()
    sys.argv = [path] + list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(path)))
    runpy.run_path(path, run_name="__main__")
