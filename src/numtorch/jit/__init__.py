"""``numtorch.jit`` (``torch.jit``): TorchScript's names, running eagerly.

numtorch has no TorchScript compiler or interpreter. ``script`` and ``trace`` return objects
that behave as torch's do where that can be matched (``RecursiveScriptModule`` /
``TopLevelTracedModule`` wrappers with the same parameters, ``original_name``, ``code``,
``graph``, ``save``; ``ScriptFunction`` for functions) and compute exactly what the original
computes. ``jit.save``/``jit.load`` round-trip numtorch's own files; loading a real TorchScript
archive raises an error that says why it cannot work.

Known differences: ``code`` is the Python source of ``forward`` (not TorchScript), ``graph``
lists the ops a trace recorded (scripted objects have no graph to show), and scripting never
rejects Python that TorchScript would refuse.
"""

from __future__ import annotations

import contextlib
import inspect
import os
import re
import textwrap
import typing
import zipfile
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

__all__ = ["Attribute", "Final", "ScriptFunction", "ScriptModule", "RecursiveScriptModule",
           "TopLevelTracedModule", "TracedModule", "TracerWarning", "annotate", "export",
           "fork", "freeze", "ignore", "interface", "is_scripting", "is_tracing", "load",
           "optimize_for_inference", "save", "script", "trace", "trace_module", "unused",
           "wait", "Error"]

Final = typing.Final
_tracing = [0]


class TracerWarning(Warning):
    """``torch.jit.TracerWarning``."""


class Error(RuntimeError):
    """``torch.jit.Error``."""


def is_scripting() -> bool:
    """False: numtorch never runs code as TorchScript."""
    return False


def is_tracing() -> bool:
    """True while ``trace`` runs the traced callable on its example inputs."""
    return _tracing[0] > 0


def annotate(the_type, the_value):
    return the_value


def Attribute(value, type=None):  # noqa: N802, A002 - torch's names
    return value


def interface(obj):
    return obj


def ignore(drop=False, **kwargs):
    """``@torch.jit.ignore``: leave a function to Python (it always is here)."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    return fn


def export(fn):
    fn._torchscript_export = True
    return fn


def fork(func: Callable, *args, **kwargs) -> Future:
    """Run ``func`` now and return a completed future (``torch.jit.fork``)."""
    fut: Future = Future()
    fut.set_result(func(*args, **kwargs))
    return fut


def wait(future: Future):
    return future.result()


# -- what the wrappers show ----------------------------------------------------------------------
class Graph:
    """The ops a trace recorded, printed one per line (``aten::<name>``)."""

    def __init__(self, ops: list[str] | None = None) -> None:
        self._ops = list(ops or [])

    def nodes(self) -> list[str]:
        return list(self._ops)

    def __str__(self) -> str:
        lines = [f"  %{i} : Tensor = {op}()" for i, op in enumerate(self._ops)]
        return "graph():\n" + "\n".join(lines) + ("\n" if lines else "")

    __repr__ = __str__


def _source(fn) -> str:
    try:
        return textwrap.dedent(inspect.getsource(fn))
    except (OSError, TypeError):
        return ""


class _Recorder:
    """Records the op names called while tracing (the hook the ONNX exporter uses)."""

    def __init__(self) -> None:
        self.ops: list[str] = []

    def __call__(self, cls, inputs, params):
        from .._ops import _base

        name = re.sub(r"Backward\d*$", "", cls.grad_fn_name or cls.__name__)
        self.ops.append("aten::" + re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower())
        saved, _base._tracer = _base._tracer, None
        try:
            return cls.apply(*inputs, **params)
        finally:
            _base._tracer = saved


@contextlib.contextmanager
def _recording():
    from .._ops import _base

    recorder = _Recorder()
    outer = _base._tracer
    if outer is None:
        _base._tracer = recorder
    _tracing[0] += 1
    try:
        yield recorder
    finally:
        _tracing[0] -= 1
        if outer is None:
            _base._tracer = None


# -- functions -----------------------------------------------------------------------------------
class ScriptFunction:
    """A scripted or traced function: calls the original."""

    def __init__(self, fn: Callable, graph: Graph | None = None) -> None:
        self._fn = fn
        self.__name__ = getattr(fn, "__name__", "fn")
        self.__qualname__ = getattr(fn, "__qualname__", self.__name__)
        self.__doc__ = getattr(fn, "__doc__", None)
        self.graph = graph or Graph()
        self.code = _source(fn)

    def __call__(self, *args, **kwargs):
        return self._fn(*args, **kwargs)

    def save(self, f, **kwargs) -> None:
        save(self, f, **kwargs)

    def __repr__(self) -> str:
        return f"<torch.jit.ScriptFunction object at {hex(id(self))}>"


# -- modules -------------------------------------------------------------------------------------
def _nn_module():
    from ..nn.modules.module import Module

    return Module


_classes: dict[str, type] = {}


def _class(name: str) -> type:
    """The wrapper classes, made on first use (``nn`` is not imported with ``numtorch``)."""
    if name in _classes:
        return _classes[name]
    Module = _nn_module()

    class ScriptModule(Module):
        """A module that went through ``script`` or ``trace``: it shares the original's
        parameters and buffers (same names), and methods the original's class defines run on
        it."""

        def __getattr__(self, attr: str):
            try:
                return Module.__getattr__(self, attr)
            except AttributeError:
                if attr.startswith("__") or "_original_class" not in self.__dict__:
                    raise
                value = getattr(self.__dict__["_original_class"], attr)
                return value.__get__(self) if hasattr(value, "__get__") else value

        def forward(self, *args, **kwargs):
            return self._original_class.forward(self, *args, **kwargs)

        @property
        def code(self) -> str:
            return _source(self._original_class.forward)

        def save(self, f, **kwargs) -> None:
            save(self, f, **kwargs)

        def __reduce_ex__(self, protocol):
            # pickled as the original module, wrapped again on load
            kind = next(k.__name__ for k in type(self).__mro__ if k.__name__ in _KINDS)
            return (_rewrap, (kind, _unwrap(self), self.graph.nodes()))

        def _extra_repr_line(self) -> str:
            return f"original_name={self.original_name}"

        def __repr__(self) -> str:
            # a traced module prints under its original class name, as torch's does
            name = (self.original_name if isinstance(self, _class("TracedModule"))
                    else type(self).__name__)
            kids = list(self._modules.items())
            if not kids:
                return f"{name}({self._extra_repr_line()})"
            lines = [self._extra_repr_line()]
            for key, mod in kids:
                text = repr(mod).replace("\n", "\n  ")
                lines.append(f"({key}): {text}")
            return f"{name}(\n  " + "\n  ".join(lines) + "\n)"

    class RecursiveScriptModule(ScriptModule):
        pass

    class TracedModule(ScriptModule):
        pass

    class TopLevelTracedModule(TracedModule):
        pass

    for cls in (ScriptModule, RecursiveScriptModule, TracedModule, TopLevelTracedModule):
        cls.__module__ = __name__
        _classes[cls.__name__] = cls
    return _classes[name]


#: container protocol of the original class that the wrapper must answer too (Python looks
#: special methods up on the type, so ``__getattr__`` cannot forward them)
_PROTOCOL = ("__iter__", "__len__", "__getitem__", "__setitem__", "__delitem__", "__contains__",
             "__reversed__")


def _wrapper_class(kind: str, original: type) -> type:
    key = f"{kind}:{original.__module__}.{original.__qualname__}:{id(original)}"
    if key not in _classes:
        base = _class(kind)
        methods = {}
        for name in _PROTOCOL:
            for klass in original.__mro__:
                if klass is _nn_module() or klass is object:
                    break
                if name in klass.__dict__:
                    methods[name] = klass.__dict__[name]
                    break
        cls = type(kind, (base,), {**methods, "__module__": __name__, "__qualname__": kind})
        _classes[key] = cls
    return _classes[key]


def _wrap(module, kind: str, graph: Graph | None = None):
    """A wrapper of class ``kind`` over ``module`` (children wrapped as ``child_kind``)."""
    cls = _wrapper_class(kind, type(module))
    if isinstance(module, _class("ScriptModule")):
        return module
    wrapper = object.__new__(cls)
    wrapper.__dict__.update(module.__dict__)
    wrapper.__dict__["_original_class"] = type(module)
    wrapper.__dict__["original_name"] = type(module).__name__
    child_kind = "TracedModule" if kind == "TopLevelTracedModule" else kind
    wrapper.__dict__["_modules"] = {name: None if child is None else _wrap(child, child_kind)
                                    for name, child in module._modules.items()}
    wrapper.__dict__["graph"] = graph or Graph()
    return wrapper


_KINDS = ("RecursiveScriptModule", "TopLevelTracedModule", "TracedModule", "ScriptModule")


def _unwrap(wrapper):
    """The plain module a wrapper was made from (sharing its parameters)."""
    if not isinstance(wrapper, _class("ScriptModule")):
        return wrapper
    module = object.__new__(wrapper.__dict__["_original_class"])
    module.__dict__.update({k: v for k, v in wrapper.__dict__.items()
                            if k not in ("_original_class", "original_name", "graph")})
    module.__dict__["_modules"] = {n: _unwrap(c) for n, c in wrapper._modules.items()}
    return module


def _rewrap(kind: str, module, ops):
    return _wrap(module, kind, Graph(ops))


def script(obj, optimize=None, _frames_up: int = 0, _rcb=None, example_inputs=None):
    """``torch.jit.script``: a module becomes a ``RecursiveScriptModule`` (children too), a
    function a ``ScriptFunction``; both compute what the original computes."""
    if isinstance(obj, _nn_module()):
        return _wrap(obj, "RecursiveScriptModule")
    if isinstance(obj, type):
        return obj
    if callable(obj):
        return ScriptFunction(obj)
    raise RuntimeError(f"Type '{type(obj)}' cannot be compiled since it inherits from "
                       "nn.Module, pass in an instance instead")


def trace(func, example_inputs=None, optimize=None, check_trace: bool = True,
          check_inputs=None, check_tolerance: float = 1e-5, strict: bool = True,
          _force_outplace: bool = False, _module_class=None, _compilation_unit=None,
          example_kwarg_inputs=None, _store_inputs: bool = True):
    """``torch.jit.trace``: run ``func`` once on the example inputs (recording its ops in
    ``graph``) and return a wrapper that computes what ``func`` computes."""
    if example_inputs is None and example_kwarg_inputs is None:
        raise RuntimeError("example_kwarg_inputs should be a dict")
    args = example_inputs if isinstance(example_inputs, tuple) else (
        () if example_inputs is None else (example_inputs,))
    kwargs = example_kwarg_inputs or {}
    with _recording() as recorder:
        func(*args, **kwargs)
    graph = Graph(recorder.ops)
    if isinstance(func, _nn_module()):
        return _wrap(func, "TopLevelTracedModule", graph)
    return ScriptFunction(func, graph)


def trace_module(mod, inputs: dict, optimize=None, check_trace: bool = True,
                 check_inputs=None, check_tolerance: float = 1e-5, strict: bool = True,
                 _force_outplace: bool = False, _module_class=None, _compilation_unit=None,
                 example_inputs_is_kwarg: bool = False, _store_inputs: bool = True):
    """``torch.jit.trace_module``: trace the methods named in ``inputs`` (method name ->
    example inputs)."""
    ops: list[str] = []
    for method, example in inputs.items():
        args = example if isinstance(example, tuple) else (example,)
        with _recording() as recorder:
            getattr(mod, method)(*args)
        ops.extend(recorder.ops)
    return _wrap(mod, "TopLevelTracedModule", Graph(ops))


def freeze(mod, preserved_attrs=None, optimize_numerics: bool = True):
    """``torch.jit.freeze``: torch's checks; the module itself is returned (nothing to fold)."""
    if not isinstance(mod, _class("ScriptModule")):
        raise RuntimeError("Freezing expects a ScriptModule as input. Please use torch.jit.script "
                           "or torch.jit.trace to script your 'nn.Module'.")
    if mod.training:
        raise RuntimeError("Freezing is currently only implemented for modules in eval mode. "
                           "Please call .eval() on your module before freezing.")
    return mod


def optimize_for_inference(mod, other_methods=None):
    """``torch.jit.optimize_for_inference``: freeze (an eval-mode module is returned as is)."""
    if not isinstance(mod, _class("ScriptModule")):
        raise RuntimeError("optimize_for_inference expects a ScriptModule as input. Please use "
                           "torch.jit.script or torch.jit.trace to script your 'nn.Module'.")
    if mod.training:
        mod = mod.eval()
    return freeze(mod)


# -- files ---------------------------------------------------------------------------------------
def save(m, f, _extra_files=None) -> None:
    """Save a scripted or traced object in numtorch's checkpoint format (``jit.load`` reads it
    back; torch cannot, as it expects compiled TorchScript code)."""
    from ..serialization import save as _save

    _save({"__numtorch_jit__": m, "extra_files": dict(_extra_files or {})}, f)


def load(f, map_location=None, _extra_files=None, _restore_shapes: bool = False):
    """Load what :func:`save` wrote. A TorchScript archive written by torch raises
    ``RuntimeError``: its compiled code needs TorchScript's interpreter, which numtorch has
    not."""
    from ..serialization import load as _load

    if _is_torchscript(f):
        name = os.fspath(f) if isinstance(f, (str, os.PathLike)) else "the file"
        raise RuntimeError(f"numtorch.jit.load: {name} is a TorchScript archive written by "
                           "torch; numtorch has no TorchScript interpreter to run its compiled "
                           "code. Save the model's state_dict with torch.save and load it into "
                           "the Python model instead.")
    payload = _load(f, map_location=map_location, weights_only=False)
    if not (isinstance(payload, dict) and "__numtorch_jit__" in payload):
        raise RuntimeError("numtorch.jit.load: the file holds no scripted or traced object "
                           "(it was not written by jit.save)")
    if _extra_files is not None:
        for key in _extra_files:
            _extra_files[key] = payload["extra_files"].get(key, "")
    return payload["__numtorch_jit__"]


def _is_torchscript(f) -> bool:
    try:
        if isinstance(f, (str, os.PathLike)):
            with zipfile.ZipFile(f) as zf:
                names = zf.namelist()
        else:
            pos = f.tell()
            try:
                names = zipfile.ZipFile(f).namelist()
            finally:
                f.seek(pos)
    except (zipfile.BadZipFile, OSError):
        return False
    return any(n.endswith("/constants.pkl") or "/code/" in n for n in names)


def __getattr__(name: str) -> Any:
    if name in ("ScriptModule", "RecursiveScriptModule", "TracedModule", "TopLevelTracedModule"):
        return _class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

