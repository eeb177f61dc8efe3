"""Run PyTorch code on numtorch: ``torch`` and ``torchvision`` (and their submodules) resolve
to numtorch's modules for everything imported after :func:`install`.

``numtorch run script.py`` uses this. A submodule numtorch does not have fails at import with
``ModuleNotFoundError`` naming the missing API; a missing attribute of a module or a Tensor
raises :class:`MissingAPIError` (an ``AttributeError``, so ``hasattr`` and ``getattr(..., d)``
still work, and a ``NotImplementedError``) naming the PyTorch API, e.g. ``torch.compile``.

Processes started with the ``spawn`` or ``forkserver`` method (DataLoader workers,
``torch.multiprocessing.spawn``) get the alias too: :func:`install` puts a folder on
``sys.path`` (which such children inherit) whose ``torch`` and ``torchvision`` packages install
it when imported. ``fork`` children inherit it with the rest of the process.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import types

ALIASES = {"torch": "numtorch", "torchvision": "numtorch.vision"}
# torch submodules that live elsewhere in numtorch
RENAMES = {"torch.utils.data.sampler": "numtorch.utils.data.sampler",
           "torch.utils.data.dataset": "numtorch.utils.data.dataset",
           "torch.utils.data.dataloader": "numtorch.utils.data.dataloader",
           "torch._tensor_str": "numtorch._tensor_str", "torch._tensor": "numtorch._tensor"}
# the folder holding the stand-in ``torch``/``torchvision`` packages for child processes
ALIAS_PATH = os.path.join(os.path.dirname(os.path.abspath(__file__)), "_alias_path")


class MissingAPIError(AttributeError, NotImplementedError):
    """A PyTorch API that numtorch does not implement."""


def target_name(fullname: str) -> str | None:
    """The numtorch module serving the torch/torchvision module ``fullname`` (None: not ours)."""
    if fullname in RENAMES:
        return RENAMES[fullname]
    root, _, rest = fullname.partition(".")
    if root not in ALIASES:
        return None
    return ALIASES[root] + ("." + rest if rest else "")


def torch_name(numtorch_name: str) -> str:
    """PyTorch's name of a numtorch module (``numtorch.vision.io`` -> ``torchvision.io``)."""
    for torch_mod, ours in sorted(ALIASES.items(), key=lambda kv: -len(kv[1])):
        if numtorch_name == ours or numtorch_name.startswith(ours + "."):
            return torch_mod + numtorch_name[len(ours):]
    return numtorch_name


def _missing(module: str, attr: str) -> MissingAPIError:
    return MissingAPIError(f"module '{module}' has no attribute '{attr}': numtorch does not "
                           f"implement {module}.{attr}")


def _guard_module(module: types.ModuleType) -> None:
    """Make a missing attribute of a numtorch module raise MissingAPIError naming torch's API."""
    if module.__dict__.get("__numtorch_guarded__", False):
        return
    name = torch_name(module.__name__)
    inner = module.__dict__.get("__getattr__")

    def __getattr__(attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            if inner is not None:
                return inner(attr)
            raise AttributeError(f"module '{name}' has no attribute '{attr}'")
        if inner is not None:
            try:
                return inner(attr)
            except MissingAPIError:
                pass
            except (AttributeError, ModuleNotFoundError) as e:
                if isinstance(e, ModuleNotFoundError) and e.name not in (
                        None, f"{module.__name__}.{attr}"):
                    raise
        raise _missing(name, attr) from None

    module.__getattr__ = __getattr__
    module.__numtorch_guarded__ = True


def _guard_tensor() -> None:
    """A missing Tensor attribute names ``torch.Tensor.<name>`` (MissingAPIError)."""
    from ._tensor import Tensor

    if "__getattr__" in Tensor.__dict__:
        return

    def __getattr__(self, attr: str):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(f"'Tensor' object has no attribute '{attr}'")
        raise MissingAPIError(f"'Tensor' object has no attribute '{attr}': numtorch does not "
                              f"implement torch.Tensor.{attr}")

    Tensor.__getattr__ = __getattr__


def _guard_loaded() -> None:
    for name, module in list(sys.modules.items()):
        if (name == "numtorch" or name.startswith("numtorch.")) and isinstance(
                module, types.ModuleType) and not name.startswith("numtorch._alias_path"):
            _guard_module(module)


class _AliasFinder(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Meta path finder that serves numtorch's modules under torch's names, and marks each
    numtorch module, when it is loaded, so that missing attributes name torch's API."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.startswith("numtorch."):
            return self._guarded_spec(fullname, path, target)
        name = target_name(fullname)
        if name is None:
            return None
        if importlib.util.find_spec(name) is None:
            raise ModuleNotFoundError(f"numtorch does not implement {fullname} (no module "
                                      f"{name})", name=fullname)
        return importlib.machinery.ModuleSpec(fullname, self, origin=name)

    def _guarded_spec(self, fullname, path, target):
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        loader = spec.loader
        exec_module = getattr(loader, "exec_module", None)
        if exec_module is None or fullname.startswith("numtorch._alias_path"):
            return spec

        def exec_and_guard(module, _exec=exec_module):
            _exec(module)
            _guard_module(module)

        try:
            loader.exec_module = exec_and_guard
        except AttributeError:
            pass
        return spec

    def create_module(self, spec):
        module = importlib.import_module(spec.origin)
        _guard_module(module)
        spec.loader_state = module.__spec__
        return module

    def exec_module(self, module) -> None:
        """The numtorch module is already initialised; keep its own ``__spec__`` (the import
        system set the alias spec on it)."""
        own = module.__spec__.loader_state
        if own is not None:
            module.__spec__ = own


_finder = _AliasFinder()


def install() -> None:
    """Make ``import torch`` / ``import torchvision`` give numtorch's modules (also in child
    processes started from this one)."""
    if _finder not in sys.meta_path:
        sys.meta_path.insert(0, _finder)
    if ALIAS_PATH not in sys.path:
        sys.path.insert(0, ALIAS_PATH)
    for key in [k for k in sys.modules if k.split(".")[0] in ALIASES]:
        del sys.modules[key]
    _guard_loaded()
    _guard_tensor()


def uninstall() -> None:
    """Undo :func:`install` (numtorch modules keep their MissingAPIError messages)."""
    if _finder in sys.meta_path:
        sys.meta_path.remove(_finder)
    while ALIAS_PATH in sys.path:
        sys.path.remove(ALIAS_PATH)
    for key in [k for k in sys.modules if k.split(".")[0] in ALIASES
                and getattr(sys.modules[k], "__name__", "").startswith("numtorch")]:
        del sys.modules[key]


def run_script(path: str, argv: list[str]) -> None:
    """Run a PyTorch script unchanged on numtorch, as ``python script.py argv...`` would:
    ``__name__ == "__main__"``, ``sys.argv``, an absolute ``__file__``, the script's folder
    first on ``sys.path``, and the script's module left as ``sys.modules["__main__"]`` (so
    pickles made at exit and spawned workers find its classes). A folder or zip file with a
    ``__main__.py`` runs through :func:`runpy.run_path`."""
    install()
    sys.argv = [path] + list(argv)
    full = os.path.abspath(path)
    if not os.path.isfile(full) or path.endswith((".zip", ".pyz")):
        import runpy

        sys.path.insert(0, full)
        runpy.run_path(path, run_name="__main__")
        return
    sys.path.insert(0, os.path.dirname(full))
    with open(full, "rb") as f:
        code = compile(f.read(), full, "exec", dont_inherit=True)
    module = types.ModuleType("__main__")
    module.__file__ = full
    module.__loader__ = importlib.machinery.SourceFileLoader("__main__", full)
    module.__builtins__ = __builtins__
    sys.modules["__main__"] = module
    exec(code, module.__dict__)


def run_main(path: str, argv: list[str]) -> int:
    """``numtorch run``: run the script and return the exit status ``python script.py`` gives.

    ``sys.exit(n)`` in the script propagates as ``SystemExit``; an uncaught exception prints
    its traceback from the script's frame on (through ``sys.excepthook``) and gives 1.
    """
    if not os.path.exists(path):
        print(f"numtorch run: can't open file {os.path.abspath(path)!r}: [Errno 2] No such "
              f"file or directory", file=sys.stderr)
        return 2
    try:
        run_script(path, argv)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as e:  # noqa: BLE001 - reported like the interpreter reports it
        tb = e.__traceback__
        script = os.path.abspath(path)
        while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != script:
            tb = tb.tb_next
        tb = tb or e.__traceback__
        sys.excepthook(type(e), e.with_traceback(tb), tb)
        return 1
    return 0
