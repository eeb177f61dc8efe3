"""``torch.fx._symbolic_trace``: the :class:`Tracer` that runs a module's ``forward`` on
:class:`~numtorch.fx.Proxy` inputs, :func:`symbolic_trace` and :func:`wrap`."""

from __future__ import annotations

import functools
import inspect
import math
import operator
from collections.abc import Callable
from typing import Any

from ..nn.modules.module import Module
from ..nn.parameter import Parameter
from ..overrides import TorchFunctionMode
from .graph import Graph
from .node import Argument, Node, Target
from .proxy import ParameterProxy, Proxy

__all__ = ["Tracer", "symbolic_trace", "wrap", "wrapped_functions", "GraphAppendingTracer",
           "PH"]

# (id of the defining module's globals, function name) -> the globals dict, as registered
_wrapped: dict[tuple[int, str], dict[str, Any]] = {}


class _PH:
    def __repr__(self) -> str:
        return "PH"


#: ``concrete_args`` value meaning "a placeholder all the same"
PH = _PH()


def wrap(fn_or_name: str | Callable) -> str | Callable:
    """Register a module-level function (or its name) to stay a single call_function node when
    traced, as ``torch.fx.wrap``: it must be called at the top level of a module and returns
    its argument unchanged. Non-callable, non-string arguments raise ``RuntimeError``."""
    frame = inspect.currentframe()
    caller = frame.f_back if frame is not None else None
    if caller is None or caller.f_code.co_name != "<module>":
        raise NotImplementedError("wrap must be called at the top level of a module")
    if callable(fn_or_name):
        name = fn_or_name.__code__.co_name if hasattr(fn_or_name, "__code__") else \
            fn_or_name.__name__
    elif isinstance(fn_or_name, str):
        name = fn_or_name
    else:
        raise RuntimeError("Unsupported type for global function! Must be either a callable or "
                           "string name")
    _wrapped[(id(caller.f_globals), name)] = caller.f_globals
    return fn_or_name


def wrapped_functions() -> list[tuple[str, str]]:
    """The registered functions as ``(defining module name, function name)`` pairs."""
    return [(g.get("__name__", "?"), name) for (_, name), g in _wrapped.items()]


def _assert(condition: Any, message: str) -> None:
    """``torch._assert``: raise AssertionError(message) when ``condition`` is false."""
    if not condition:
        raise AssertionError(message)


_assert._torch_name = "torch._assert"  # type: ignore[attr-defined]


def _assert_is_none(value: Any, msg: str) -> None:
    """``torch.fx._symbolic_trace._assert_is_none``: AssertionError(msg) unless None."""
    assert value is None, msg


_assert_is_none._torch_name = "torch.fx._symbolic_trace._assert_is_none"  # type: ignore


def _has_proxy(args: tuple, kwargs: dict) -> Proxy | None:
    found: list = []

    def look(a: Any) -> Any:
        if isinstance(a, Proxy) and not found:
            found.append(a)
        return a

    from .node import map_aggregate

    map_aggregate(args, look)
    map_aggregate(kwargs, look)
    return found[0] if found else None


#: numtorch's factories do not take part in ``__torch_function__`` dispatch; while tracing
#: they record a node when a size or value argument is a proxy (as torch's do)
_FACTORIES = ("zeros", "ones", "empty", "full", "rand", "randn", "randint", "arange", "eye",
              "linspace", "logspace", "tensor", "as_tensor", "scalar_tensor", "randperm",
              "empty_strided", "tril_indices", "triu_indices")


def _wrapper(orig: Callable, mark: bool = True) -> Callable:
    @functools.wraps(orig)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        proxy = _has_proxy(args, kwargs)
        if proxy is not None:
            out = proxy.tracer.create_proxy("call_function", orig, args, kwargs)
            if mark:
                out.node.meta["is_wrapped"] = True
            return out
        return orig(*args, **kwargs)

    return wrapped


class _Patcher:
    """Temporary replacements of class attributes and global names, undone in reverse."""

    def __init__(self) -> None:
        self._undo: list = []

    def set_attr(self, obj: Any, name: str, value: Any) -> None:
        had = name in obj.__dict__
        old = obj.__dict__.get(name)
        setattr(obj, name, value)
        self._undo.append((obj, name, had, old, "attr"))

    def set_global(self, globs: dict, name: str, value: Any) -> None:
        had = name in globs
        old = globs.get(name)
        globs[name] = value
        self._undo.append((globs, name, had, old, "global"))

    def restore(self) -> None:
        for obj, name, had, old, kind in reversed(self._undo):
            if kind == "attr":
                if had:
                    setattr(obj, name, old)
                else:
                    delattr(obj, name)
            elif had:
                obj[name] = old
            else:
                obj.pop(name, None)
        self._undo.clear()


def _flat_call(fn: Callable, params: list, values: list) -> tuple[Callable, list, dict]:
    """``fn`` and its call arguments; a ``*args``/``**kwargs`` parameter receives its proxy
    whole (a copy of ``fn`` whose code takes them as plain positional parameters, as
    torch.fx does), concrete values are spread."""
    args: list = []
    kwargs: dict = {}
    var = [p for p, v in zip(params, values) if isinstance(v, Proxy)
           and p.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)]
    code = getattr(fn, "__code__", None)
    if var and code is not None and not code.co_kwonlyargcount:
        n = (code.co_flags & inspect.CO_VARARGS != 0) + (code.co_flags & inspect.CO_VARKEYWORDS
                                                         != 0)
        flat = code.replace(co_argcount=code.co_argcount + n,
                            co_flags=code.co_flags & ~(inspect.CO_VARARGS
                                                       | inspect.CO_VARKEYWORDS))
        new = type(fn)(flat, fn.__globals__, fn.__name__, fn.__defaults__, fn.__closure__)
        new.__kwdefaults__ = fn.__kwdefaults__
        return new, list(values), {}
    for p, v in zip(params, values):
        if p.kind is inspect.Parameter.VAR_POSITIONAL:
            args.extend(v if isinstance(v, (tuple, list)) else (v,))
        elif p.kind is inspect.Parameter.VAR_KEYWORD:
            kwargs.update(v if isinstance(v, dict) else {})
        elif p.kind is inspect.Parameter.KEYWORD_ONLY:
            kwargs[p.name] = v
        else:
            args.append(v)
    return fn, args, kwargs


class _ProxyMode(TorchFunctionMode):
    """Active while tracing: plain Tensors' methods and operators then dispatch too, so that
    ``tensor.mul(proxy)`` or ``buffer * proxy`` reach ``Proxy.__torch_function__``."""

    def __torch_function__(self, func: Any, types: tuple, args: tuple = (),
                           kwargs: dict | None = None) -> Any:
        return NotImplemented


class Tracer:
    """``torch.fx.Tracer``: :meth:`trace` runs the root's ``forward`` on proxies and returns
    the recorded :class:`Graph`. Modules of ``numtorch.nn`` (but ``Sequential``) are leaves,
    recorded as one call_module node (:meth:`is_leaf_module`); functions registered with
    :func:`wrap`, listed in ``autowrap_functions`` or found in ``autowrap_modules`` (``math``)
    stay single call_function nodes."""

    def __init__(self, autowrap_modules: tuple = (math,), autowrap_functions: tuple = (),
                 param_shapes_constant: bool = False) -> None:
        self._autowrap_function_ids = {id(v) for m in autowrap_modules
                                       for k, v in vars(m).items()
                                       if not k.startswith("_") and callable(v)}
        self._autowrap_function_ids |= {id(f) for f in autowrap_functions}
        self._autowrap_search = list(autowrap_functions)
        self._autowrap_modules = tuple(autowrap_modules)
        self.param_shapes_constant = param_shapes_constant
        self.graph: Graph | None = None
        self.root: Module | None = None
        self.submodule_paths: dict[int, str] | None = None
        self.tensor_attrs: dict[int, str] = {}
        self.scope = ""

    # -- overridable hooks ----------------------------------------------------------------------
    def is_leaf_module(self, m: Module, module_qualified_name: str) -> bool:
        """Whether ``m`` stays one call_module node: modules defined in ``numtorch.nn`` other
        than ``Sequential`` (as torch.fx treats ``torch.nn``)."""
        from ..nn.modules.container import Sequential

        module = type(m).__module__ or ""
        return (module.startswith("numtorch.nn") or module.startswith("torch.nn")) \
            and not isinstance(m, Sequential)

    def path_of_module(self, mod: Module) -> str:
        """The qualified name of ``mod`` in the root (``NameError`` when it is not there)."""
        if self.submodule_paths is not None:
            path = self.submodule_paths.get(id(mod))
            if path is not None:
                return path
        assert self.root is not None
        for name, m in self.root.named_modules():
            if m is mod:
                return name
        raise NameError("module is not installed as a submodule")

    def call_module(self, m: Module, forward: Callable, args: tuple, kwargs: dict) -> Any:
        """A leaf becomes a call_module node; any other module is traced through."""
        module_qualified_name = self.path_of_module(m)
        if not self.is_leaf_module(m, module_qualified_name):
            return forward(*args, **kwargs)
        return self.create_proxy("call_module", module_qualified_name, args, kwargs)

    def getattr(self, attr: str, attr_val: Any, parameter_proxy_cache: dict) -> Any:
        """A module attribute read while tracing: Parameters of the root's tree become get_attr
        proxies (one per parameter), anything else is returned as it is."""
        if isinstance(attr_val, Parameter):
            assert self.root is not None
            for name, p in self.root.named_parameters():
                if attr_val is p:
                    if name not in parameter_proxy_cache:
                        node = self.create_node("get_attr", name, (), {})
                        parameter_proxy_cache[name] = ParameterProxy(self, node, name, p) \
                            if self.param_shapes_constant else Proxy(node, self)
                    return parameter_proxy_cache[name]
        return attr_val

    def create_arg(self, a: Any) -> Argument:
        """Turn a value into a node argument: proxies become their nodes, containers are
        looked into, Parameters and Tensors of the root become get_attr nodes, other Tensors
        are stored on the root as ``_tensor_constant<N>``."""
        from .._tensor import Tensor

        if isinstance(a, Proxy):
            return a.node
        if isinstance(a, Parameter):
            assert self.root is not None
            for name, p in self.root.named_parameters():
                if a is p:
                    return self.create_node("get_attr", name, (), {})
            raise NameError("parameter is not a member of this module")
        if isinstance(a, Tensor):
            path = self.tensor_attrs.get(id(a))
            if path is None and self.root is not None:
                path = self._tensor_attr_path(a)
            if path is None:
                i = 0
                while hasattr(self.root, f"_tensor_constant{i}"):
                    i += 1
                path = f"_tensor_constant{i}"
                setattr(self.root, path, a)
                self.tensor_attrs[id(a)] = path
            return self.create_node("get_attr", path, (), {})
        if isinstance(a, Module):
            return self.create_node("get_attr", self.path_of_module(a), (), {})
        if isinstance(a, tuple) and hasattr(a, "_fields"):
            return type(a)(*(self.create_arg(x) for x in a))
        if isinstance(a, tuple):
            return tuple(self.create_arg(x) for x in a)
        if isinstance(a, list):
            return [self.create_arg(x) for x in a]
        if isinstance(a, dict):
            return {k: self.create_arg(v) for k, v in a.items()}
        if isinstance(a, slice):
            return slice(self.create_arg(a.start), self.create_arg(a.stop),
                         self.create_arg(a.step))
        if isinstance(a, range):
            return range(self.create_arg(a.start), self.create_arg(a.stop),
                         self.create_arg(a.step))
        if a is None or isinstance(a, (str, int, float, bool, complex, Node)) or a is Ellipsis:
            return a
        from .. import device, dtype, layout, memory_format

        if isinstance(a, (dtype, device, layout, memory_format)):
            return a
        if callable(a):
            return a
        raise NotImplementedError(f"argument of type: {type(a)}")

    def _tensor_attr_path(self, a: Any) -> str | None:
        """The qualified name of a buffer or a plain Tensor attribute of the root's tree."""
        from .._tensor import Tensor

        assert self.root is not None
        for name, b in self.root.named_buffers():
            if b is a:
                return name
        for prefix, mod in self.root.named_modules():
            for k, v in vars(mod).items():
                if isinstance(v, Tensor) and v is a:
                    return f"{prefix}.{k}" if prefix else k
        return None

    def create_node(self, kind: str, target: Target, args: tuple, kwargs: dict,
                    name: str | None = None, type_expr: Any = None) -> Node:
        """Add a node to the graph being built."""
        assert self.graph is not None
        return self.graph.create_node(kind, target, args, kwargs, name, type_expr)

    def proxy(self, node: Node) -> Proxy:
        """The proxy wrapping ``node``."""
        return Proxy(node, self)

    def create_proxy(self, kind: str, target: Target, args: tuple, kwargs: dict,
                     name: str | None = None, type_expr: Any = None) -> Proxy:
        """Create a node from unconverted arguments and return its proxy."""
        args_ = self.create_arg(args)
        kwargs_ = self.create_arg(kwargs)
        node = self.create_node(kind, target, args_, kwargs_, name, type_expr)
        return self.proxy(node)

    # -- tracing --------------------------------------------------------------------------------
    def _placeholders(self, fn: Callable, skip_self: bool, concrete_args: dict | None):
        sig = inspect.signature(fn)
        params = list(sig.parameters.values())
        if skip_self:
            params = params[1:]
        concrete_args = dict(concrete_args or {})
        values: list = []
        for p in params:
            if p.name in concrete_args and concrete_args[p.name] is not PH:
                value = concrete_args[p.name]
                self._specialize(p.name, value, p.default)
                values.append(value)
                continue
            if p.kind is inspect.Parameter.VAR_POSITIONAL:
                name = f"*{p.name}"
            elif p.kind is inspect.Parameter.VAR_KEYWORD:
                name = f"**{p.name}"
            else:
                name = p.name
            default = ... if p.default is inspect.Parameter.empty else p.default
            annotation = None if p.annotation is inspect.Parameter.empty else p.annotation
            node = self.graph.placeholder(name, annotation,  # type: ignore[union-attr]
                                          default_value=default)
            values.append(self.proxy(node))
        return params, values

    def _specialize(self, name: str, value: Any, default: Any) -> None:
        """A concrete argument still has a placeholder (``<name>_1``, with the parameter's
        default) and, for None and plain values, a check that a call passes that value (as
        torch.fx)."""
        assert self.graph is not None
        plain = value is None or isinstance(value, (bool, int, float, str))
        empty = inspect.Parameter.empty
        node = self.graph.placeholder(f"{name}_1",
                                      default_value=... if default is empty else default)
        msg = f"{name} has been specialized to have value {value} but got another value"
        if value is None:
            self.create_node("call_function", _assert_is_none, (node, msg), {})
        elif plain:
            eq = self.create_node("call_function", operator.eq, (node, value), {})
            self.create_node("call_function", _assert, (eq, msg), {})

    def trace(self, root: Module | Callable, concrete_args: dict | None = None) -> Graph:
        """Trace ``root`` (a Module's ``forward`` or a function) into a new :class:`Graph`."""
        if isinstance(root, Module):
            self.root = root
            fn = type(root).forward
            skip_self = True
        else:
            self.root = Module()
            fn = root
            skip_self = False
        self.graph = Graph(tracer_cls=type(self))
        self.tensor_attrs = {}
        self.submodule_paths = {id(m): n for n, m in self.root.named_modules()}
        params, values = self._placeholders(fn, skip_self, concrete_args)
        patcher = _Patcher()
        parameter_proxy_cache: dict = {}
        tracer = self
        orig_call = Module.__call__
        orig_getattr = Module.__getattr__

        def module_call(mod: Module, *args: Any, **kwargs: Any) -> Any:
            def forward(*a: Any, **k: Any) -> Any:
                return orig_call(mod, *a, **k)

            return tracer.call_module(mod, forward, args, kwargs)

        def module_getattr(mod: Module, attr: str) -> Any:
            return tracer.getattr(attr, orig_getattr(mod, attr), parameter_proxy_cache)

        mode = _ProxyMode()
        try:
            mode.__enter__()
            patcher.set_attr(Module, "__call__", module_call)
            patcher.set_attr(Module, "__getattr__", module_getattr)
            self._patch_globals(patcher, getattr(fn, "__globals__", {}))
            fn, args, kwargs = _flat_call(fn, params, values)
            result = fn(self.root, *args, **kwargs) if skip_self else fn(*args, **kwargs)
            self.create_node("output", "output", (self.create_arg(result),), {})
        finally:
            patcher.restore()
            mode.__exit__(None, None, None)
        self.submodule_paths = None
        return self.graph

    def _patch_globals(self, patcher: _Patcher, fn_globals: dict) -> None:
        import numtorch

        space = vars(numtorch)
        for name in _FACTORIES:
            if callable(space.get(name)):
                patcher.set_global(space, name, _wrapper(space[name], mark=False))
        for (gid, name), globs in list(_wrapped.items()):
            orig = globs.get(name)
            if orig is not None and callable(orig):
                patcher.set_global(globs, name, _wrapper(orig))
            elif name in dir(__import__("builtins")) and gid == id(fn_globals):
                patcher.set_global(globs, name, _wrapper(getattr(__import__("builtins"), name)))
        spaces = [fn_globals] + [vars(m) for m in self._autowrap_modules]
        for space in spaces:
            for name, value in list(space.items()):
                if callable(value) and id(value) in self._autowrap_function_ids \
                        and not name.startswith("_"):
                    patcher.set_global(space, name, _wrapper(value))


class GraphAppendingTracer(Tracer):
    """A tracer that appends to an existing graph (for proxies made outside a trace)."""

    def __init__(self, graph: Graph) -> None:
        super().__init__()
        self.graph = graph
        self.root = None


def symbolic_trace(root: Module | Callable, concrete_args: dict | None = None) -> Any:
    """``torch.fx.symbolic_trace``: trace ``root`` with a default :class:`Tracer` and return a
    :class:`GraphModule` named after the root's class (or the function)."""
    from .graph_module import GraphModule

    tracer = Tracer()
    graph = tracer.trace(root, concrete_args)
    name = type(root).__name__ if isinstance(root, Module) else root.__name__
    return GraphModule(tracer.root, graph, name)
