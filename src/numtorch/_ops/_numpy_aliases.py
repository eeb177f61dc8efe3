"""NumPy spellings of keyword arguments: ``axis=`` for ``dim=`` and ``keepdims=`` for
``keepdim=``, accepted where PyTorch's argument parser accepts them.

PyTorch's parser gives every natively bound function and Tensor method these aliases; the ones
it implements in Python (``torch.norm``, ``split``, ``unique``, ``unique_consecutive``,
``Tensor.unflatten``...) reject them with a ``TypeError``, and numtorch does the same.
``install_numpy_aliases`` wraps each public function and Tensor method that has a ``dim`` or
``keepdim`` parameter, once, after the namespace is assembled; a call without keywords goes
straight through.
"""

from __future__ import annotations

import functools
import inspect
import types

from .._overrides import FAST_ENVS, FAST_TENSOR, FAST_TYPES
from .._overrides import dispatch as _dispatch

__all__ = ["install_numpy_aliases", "with_numpy_aliases"]

_ALIASES = (("axis", "dim"), ("keepdims", "keepdim"))

#: public functions PyTorch implements in Python: no aliases there
_PYTHON_FUNCTIONS = frozenset({"norm", "split", "unique", "unique_consecutive", "stft", "istft",
                               "chain_matmul", "lu", "tensordot", "einsum", "cdist",
                               "atleast_1d", "atleast_2d", "atleast_3d", "meshgrid",
                               "broadcast_tensors", "block_diag", "cartesian_prod"})
#: Tensor methods PyTorch implements in Python
_PYTHON_METHODS = frozenset({"norm", "split", "unique", "unique_consecutive", "unflatten",
                             "stft", "istft", "lu", "align_to", "refine_names", "rename",
                             "module_load", "dim_order"})
#: methods taking ``**kwargs`` whose PyTorch counterpart has a ``dim`` parameter
_KWARGS_METHODS = frozenset({"index_add_", "index_copy_", "index_fill_", "scatter_",
                             "scatter_add_", "scatter_reduce_"})


def _rename(fn, kwargs: dict) -> dict:
    kwargs = dict(kwargs)
    for alias, name in _ALIASES:
        if alias in kwargs:
            if name in kwargs:
                raise TypeError(f"{fn.__name__}() got an unexpected keyword argument '{alias}'")
            kwargs[name] = kwargs.pop(alias)
    return kwargs


def with_numpy_aliases(fn, *, aliases: bool = True, dispatch: bool = True,
                       native: bool = True, torch_name: str | None = None):
    """``fn`` also accepting ``axis=``/``keepdims=`` for ``dim=``/``keepdim=`` (``aliases``)
    and dispatching to ``__torch_function__`` overrides of its arguments (``dispatch``).

    The wrapper is generated with ``fn``'s own parameters plus the aliases, so an ordinary call
    costs one plain Python call and a type test per positional argument; a function taking
    ``**kwargs`` gets a generic wrapper. ``native``: the error when every override returns
    ``NotImplemented`` is the one of PyTorch's native functions, else of its Python ones."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = None
    if params is None or any(p.kind is p.VAR_KEYWORD for p in params):
        wrapper, env = _generic_wrapper(fn, aliases, dispatch)
    else:
        wrapper, env = _exact_wrapper(fn, params, aliases, dispatch)
    wrapper = functools.wraps(fn)(wrapper)
    env["__pub"] = wrapper
    env["__native"] = native
    wrapper._numpy_alias_wrapper = True
    wrapper._torch_name = torch_name
    return wrapper


def _generic_wrapper(fn, aliases: bool, dispatch: bool):
    env = {"__F": FAST_TYPES, "__disp": _dispatch, "__fn": fn}

    def wrapper(*args, **kwargs):
        if aliases and kwargs and ("axis" in kwargs or "keepdims" in kwargs):
            kwargs = _rename(fn, kwargs)
        if dispatch and (not FAST_TYPES.issuperset(map(type, args)) or kwargs
                         and not FAST_TYPES.issuperset(map(type, kwargs.values()))):
            return _dispatch(env["__pub"], fn, args, kwargs, env["__native"])
        return fn(*args, **kwargs)
    return wrapper, env


_NOT_GIVEN = object()


def _exact_wrapper(fn, params, aliases: bool, dispatch: bool):
    env = {"__fn": fn, "__ng": _NOT_GIVEN, "__dup": _duplicate, "__given": _call_given,
           "__name": fn.__name__,
           "__F": FAST_TYPES, "__slow": _slow, "__SEQ": (list, tuple), "__T": FAST_TENSOR[0]}
    FAST_ENVS.append(env)
    names = {p.name: i for i, p in enumerate(params)}
    alias_names = _ALIASES if aliases else ()
    # a required dim (and every required parameter after it) may now come by its alias: it gets
    # a "not given" default here, and a call still missing one goes to fn as given, so that
    # Python raises fn's own error
    first = min((names[n] for _, n in alias_names if n in names
                 and params[names[n]].default is params[names[n]].empty
                 and params[names[n]].kind is params[names[n]].POSITIONAL_OR_KEYWORD),
                default=len(params))
    relaxed = [p.name for p in params[first:]
               if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
    if any(p.kind is p.VAR_POSITIONAL for p in params[first:]):
        relaxed = []
    head, call, body = [], [], []
    star = False
    var = None
    for i, p in enumerate(params):
        if p.kind is p.KEYWORD_ONLY and not star:
            head.append("*")
            star = True
        if p.kind is p.VAR_POSITIONAL:
            head.append("*" + p.name)
            call.append("*" + p.name)
            star = True
            var = p.name
            continue
        text = p.name
        if p.name in relaxed:
            text += "=__ng"
        elif p.default is not p.empty:
            env[f"__d{i}"] = p.default
            text += f"=__d{i}"
        head.append(text)
        if p.kind is p.POSITIONAL_ONLY and (i + 1 == len(params)
                                            or params[i + 1].kind is not p.POSITIONAL_ONLY):
            head.append("/")
        call.append(p.name if p.kind is not p.KEYWORD_ONLY else f"{p.name}={p.name}")
    if not star and alias_names:
        head.append("*")
    for alias, name in alias_names:
        if name not in names:
            continue
        head.append(f"{alias}=__ng")
        i = names[name]
        default = f"__d{i}" if f"__d{i}" in env else "__ng"
        body.append(f"    if {alias} is not __ng:\n"
                    f"        if {name} is not {default}:\n"
                    f"            __dup(__name, {alias!r})\n"
                    f"        {name} = {alias}\n")
    if relaxed:
        before = [p.name for p in params[:first]]
        rest = [p.name for p in params[first:] if p.kind is not p.VAR_POSITIONAL]
        body.append(f"    if {' or '.join(f'{n} is __ng' for n in relaxed)}:\n"
                    f"        return __given(__fn, ({''.join(n + ', ' for n in before)}), "
                    f"{{{', '.join(f'{n!r}: {n}' for n in rest)}}})\n")
    if dispatch:
        body.append(_dispatch_test(params, var, env))
    positional = _positional_clone(fn, params)
    if positional is not None:  # every argument by position: the cheapest call Python has
        env["__fnp"] = positional
        target = f"__fnp({', '.join(p.name for p in params)})"
    else:
        target = f"__fn({', '.join(call)})"
    src = f"def wrapper({', '.join(head)}):\n" + "".join(body) + f"    return {target}\n"
    code = _COMPILED.get(src)
    if code is None:  # functions with the same parameters share one compiled wrapper
        code = _COMPILED[src] = compile(src, "<numtorch wrapper>", "exec")
    exec(code, env)  # noqa: S102 - a wrapper with fn's own parameters, built from its signature
    return env["wrapper"], env


#: wrapper source -> its compiled code (compiling dominates the install at import)
_COMPILED: dict = {}


def _positional_clone(fn, params):
    """``fn`` with its keyword-only parameters made positional (same code and locals: they
    follow the positional ones in the frame either way), or None where that cannot be done."""
    code = getattr(fn, "__code__", None)
    if (type(fn) is not types.FunctionType or code is None or code.co_flags & 0x0C
            or not code.co_kwonlyargcount):
        return None
    n = code.co_argcount + code.co_kwonlyargcount
    if code.co_varnames[:n] != tuple(p.name for p in params):  # a decorated function
        return None
    flat = code.replace(co_argcount=code.co_argcount + code.co_kwonlyargcount,
                        co_kwonlyargcount=0)
    return types.FunctionType(flat, fn.__globals__, fn.__name__, None, fn.__closure__)


def _dispatch_test(params, var, env) -> str:
    """The wrapper's lines sending a call with an argument of a type outside ``FAST_TYPES`` (a
    Tensor subclass, a sequence...) to ``_slow``: the positional parameters, ``*args`` and
    ``out`` are looked at."""
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    keyword = [p for p in params if p.kind is p.KEYWORD_ONLY]
    # a plain Tensor passes at the first test; a list or tuple of tensors (``cat``) is looked
    # into: only its items' types count
    tests = []
    for p in positional:
        test = (f"type({p.name}) is not __T and type({p.name}) not in __F and "
                f"(type({p.name}) not in __SEQ or not __F.issuperset(map(type, {p.name})))")
        tests.append(f"{p.name} is not None and {test}" if p.default is None else test)
    if any(p.name == "out" for p in keyword):
        tests.append("out is not None and type(out) not in __F")
    if var is not None:
        tests.append(f"not __F.issuperset(map(type, {var}))")
    if not tests:
        return ""
    env["__pdef"] = tuple(_NOT_GIVEN if p.default is p.empty else p.default for p in positional)
    env["__kdef"] = {p.name: p.default for p in keyword if p.default is not p.empty}
    pos = "".join(f"{p.name}, " for p in positional)
    kw = ", ".join(f"{p.name!r}: {p.name}" for p in keyword)
    return (f"    if {' or '.join(f'({t})' for t in tests)}:\n"
            f"        return __slow(__pub, __fn, ({pos}), __pdef, {var or '()'}, {{{kw}}}, "
            f"__kdef, __native)\n")


def _slow(public, fn, pos: tuple, pos_defaults: tuple, var: tuple, kw: dict, kw_defaults: dict,
          native: bool):
    """Dispatch a call as the caller spelt it, as far as can be told: trailing positional
    arguments and keyword-only ones left at their defaults are left out."""
    n = len(pos)
    if not var:
        while n and (pos[n - 1] is _NOT_GIVEN or pos[n - 1] is pos_defaults[n - 1]):
            n -= 1
    args = pos[:n] + tuple(var)
    kwargs = {k: v for k, v in kw.items() if k not in kw_defaults or v is not kw_defaults[k]}
    return _dispatch(public, fn, args, kwargs, native)


def _call_given(fn, args: tuple, kwargs: dict):
    return fn(*args, **{k: v for k, v in kwargs.items() if v is not _NOT_GIVEN})


def _duplicate(name: str, alias: str):
    raise TypeError(f"{name}() got an unexpected keyword argument '{alias}'")


def _takes_dim(fn) -> bool | None:
    """True: a ``dim``/``keepdim`` parameter; None: ``**kwargs`` (cannot tell); else False."""
    if getattr(fn, "_numpy_alias_wrapper", False) or not callable(fn) or isinstance(fn, type):
        return False
    code = getattr(fn, "__code__", None)
    if type(fn) is types.FunctionType and code is not None and not hasattr(fn, "__wrapped__"):
        # the parameter names straight from the code object (inspect.signature is slow)
        names = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
        if "axis" in names or "keepdims" in names:
            return False
        if "dim" in names or "keepdim" in names:
            return True
        return None if code.co_flags & 0x08 else False
    try:
        params = inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
    if "axis" in params or "keepdims" in params:
        return False
    if "dim" in params or "keepdim" in params:
        return True
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return None
    return False


#: public functions PyTorch never dispatches (factories and global state): left unwrapped
_IGNORED = frozenset({
    "arange", "are_deterministic_algorithms_enabled", "as_strided", "as_tensor", "asarray",
    "autocast_decrement_nesting", "autocast_increment_nesting", "broadcast_shapes", "can_cast",
    "clear_autocast_cache", "empty", "empty_permuted", "empty_strided", "eye", "fill", "full",
    "from_numpy", "get_autocast_cpu_dtype", "get_autocast_dtype", "get_autocast_gpu_dtype",
    "get_default_device", "get_default_dtype", "get_deterministic_debug_mode",
    "get_float32_matmul_precision", "get_num_interop_threads", "get_num_threads",
    "get_rng_state", "initial_seed", "is_anomaly_check_nan_enabled", "is_anomaly_enabled",
    "is_autocast_cache_enabled", "is_autocast_cpu_enabled", "is_autocast_enabled",
    "is_deterministic_algorithms_warn_only_enabled", "is_grad_enabled",
    "is_inference_mode_enabled", "is_tensor", "linspace", "logspace", "manual_seed", "ones",
    "promote_types", "rand", "randint", "randn", "randperm", "range", "result_type",
    "scalar_tensor", "seed", "set_autocast_cache_enabled", "set_autocast_cpu_dtype",
    "set_autocast_cpu_enabled", "set_autocast_dtype", "set_autocast_enabled",
    "set_autocast_gpu_dtype", "set_default_device", "set_deterministic_debug_mode",
    "set_float32_matmul_precision", "set_grad_enabled", "set_num_interop_threads",
    "set_num_threads", "set_printoptions", "set_rng_state", "tensor", "tril_indices",
    "triu_indices", "use_deterministic_algorithms", "zeros", "set_default_dtype",
    "is_storage", "compile", "typename", "save", "load", "handle_torch_function",
    "boolean_dispatch", "assert_int_or_pair"})


def _public_function(fn) -> bool:
    """A plain Python function of numtorch's taking arguments."""
    if type(fn) is not types.FunctionType or getattr(fn, "_numpy_alias_wrapper", False):
        return False
    if not (fn.__module__ or "").startswith("numtorch"):
        return False
    code = fn.__code__
    return bool(code.co_argcount or code.co_kwonlyargcount or code.co_flags & 0x04)


def install_numpy_aliases(namespace: dict, tensor_cls=None, *, aliases: bool = True,
                          native: bool = True) -> None:
    """Wrap, once, the public functions of ``namespace`` (a public module's globals:
    ``numtorch``, ``numtorch.linalg``, ``numtorch.special``, ``numtorch.fft``,
    ``numtorch.nn.functional``) and the methods of ``tensor_cls`` that PyTorch gives NumPy
    keyword aliases: the wrapper of a function also dispatches to ``__torch_function__``
    overrides (``numtorch._overrides``). One wrapper per function object, so a function shared by
    ``numtorch.sum`` and ``Tensor.sum`` stays one object; a Tensor method without aliases stays
    unwrapped (Tensor subclasses get their dispatching methods from ``Tensor.__init_subclass__``).
    ``aliases=False``: no NumPy aliases (PyTorch's Python functions); ``native``: which of
    PyTorch's errors a call raises when every override returns ``NotImplemented``."""
    wrapped: dict[int, object] = {}
    prefix = namespace.get("__name__", "numtorch").replace("numtorch", "torch", 1)
    if tensor_cls is not None:
        FAST_TYPES.add(tensor_cls)
        FAST_TENSOR[0] = tensor_cls
        for cls in (namespace.get("dtype"), namespace.get("device"), namespace.get("Size"),
                    namespace.get("layout"), namespace.get("memory_format")):
            if isinstance(cls, type):
                FAST_TYPES.add(cls)

    for name, fn in list(tensor_cls.__dict__.items() if tensor_cls is not None else ()):
        if name.startswith("__") or name in _PYTHON_METHODS or not aliases:
            continue
        kind = _takes_dim(fn)
        if kind or (kind is None and name in _KWARGS_METHODS):
            # a method needs no dispatch (a subclass installs its own dispatching methods)
            w = wrapped.get(id(fn))
            if w is None:
                w = wrapped[id(fn)] = with_numpy_aliases(fn, dispatch=False,
                                                         torch_name=f"torch.Tensor.{name}")
            setattr(tensor_cls, name, w)
    # the torch.linalg and torch.special functions are all native
    python_functions = _PYTHON_FUNCTIONS if tensor_cls is not None else ()
    for name, fn in list(namespace.items()):
        if name.startswith("_") or name in _IGNORED:
            continue
        if id(fn) in wrapped or _public_function(fn):
            # one wrapper per public name (``mul`` and ``multiply`` dispatch as themselves)
            python = name in python_functions
            alias = aliases and not python and (id(fn) in wrapped or bool(_takes_dim(fn)))
            w = namespace[name] = with_numpy_aliases(
                fn, aliases=alias, torch_name=f"{prefix}.{name}", native=native and not python)
            # found again by pickle under its public name (its own module and qualname lead
            # to the unwrapped function)
            w.__module__, w.__qualname__ = namespace["__name__"], name
