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


def with_numpy_aliases(fn):
    """``fn`` also accepting ``axis=``/``keepdims=`` for ``dim=``/``keepdim=``.

    The wrapper is generated with ``fn``'s own parameters plus the aliases, so an ordinary call
    costs one plain Python call more; a function taking ``**kwargs`` gets a generic wrapper."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = None
    if params is None or any(p.kind is p.VAR_KEYWORD for p in params):
        wrapper = _generic_wrapper(fn)
    else:
        wrapper = _exact_wrapper(fn, params)
    wrapper = functools.wraps(fn)(wrapper)
    wrapper._numpy_alias_wrapper = True
    return wrapper


def _generic_wrapper(fn):
    def wrapper(*args, **kwargs):
        if kwargs and ("axis" in kwargs or "keepdims" in kwargs):
            kwargs = _rename(fn, kwargs)
        return fn(*args, **kwargs)
    return wrapper


_NOT_GIVEN = object()


def _exact_wrapper(fn, params):
    env = {"__fn": fn, "__ng": _NOT_GIVEN, "__dup": _duplicate, "__given": _call_given}
    names = {p.name: i for i, p in enumerate(params)}
    # a required dim (and every required parameter after it) may now come by its alias: it gets
    # a "not given" default here, and a call still missing one goes to fn as given, so that
    # Python raises fn's own error
    first = min((names[n] for _, n in _ALIASES if n in names
                 and params[names[n]].default is params[names[n]].empty
                 and params[names[n]].kind is params[names[n]].POSITIONAL_OR_KEYWORD),
                default=len(params))
    relaxed = [p.name for p in params[first:]
               if p.kind is p.POSITIONAL_OR_KEYWORD and p.default is p.empty]
    if any(p.kind is p.VAR_POSITIONAL for p in params[first:]):
        relaxed = []
    head, call, body = [], [], []
    star = False
    for i, p in enumerate(params):
        if p.kind is p.KEYWORD_ONLY and not star:
            head.append("*")
            star = True
        if p.kind is p.VAR_POSITIONAL:
            head.append("*" + p.name)
            call.append("*" + p.name)
            star = True
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
    if not star:
        head.append("*")
    for alias, name in _ALIASES:
        if name not in names:
            continue
        head.append(f"{alias}=__ng")
        i = names[name]
        default = f"__d{i}" if f"__d{i}" in env else "__ng"
        body.append(f"    if {alias} is not __ng:\n"
                    f"        if {name} is not {default}:\n"
                    f"            __dup({fn.__name__!r}, {alias!r})\n"
                    f"        {name} = {alias}\n")
    if relaxed:
        before = [p.name for p in params[:first]]
        rest = [p.name for p in params[first:] if p.kind is not p.VAR_POSITIONAL]
        body.append(f"    if {' or '.join(f'{n} is __ng' for n in relaxed)}:\n"
                    f"        return __given(__fn, ({''.join(n + ', ' for n in before)}), "
                    f"{{{', '.join(f'{n!r}: {n}' for n in rest)}}})\n")
    src = (f"def wrapper({', '.join(head)}):\n" + "".join(body)
           + f"    return __fn({', '.join(call)})\n")
    exec(src, env)  # noqa: S102 - a wrapper with fn's own parameters, built from its signature
    return env["wrapper"]


def _call_given(fn, args: tuple, kwargs: dict):
    return fn(*args, **{k: v for k, v in kwargs.items() if v is not _NOT_GIVEN})


def _duplicate(name: str, alias: str):
    raise TypeError(f"{name}() got an unexpected keyword argument '{alias}'")


def _takes_dim(fn) -> bool | None:
    """True: a ``dim``/``keepdim`` parameter; None: ``**kwargs`` (cannot tell); else False."""
    if getattr(fn, "_numpy_alias_wrapper", False) or not callable(fn) or isinstance(fn, type):
        return False
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


def install_numpy_aliases(namespace: dict, tensor_cls=None) -> None:
    """Wrap the functions of ``namespace`` (a public module's globals: ``numtorch``, and as
    well ``numtorch.linalg`` or ``numtorch.special`` whose PyTorch functions are native too)
    and the methods of ``tensor_cls`` that PyTorch gives NumPy keyword aliases; one wrapper per
    function object, so a function shared by ``numtorch.sum`` and ``Tensor.sum`` stays one
    object."""
    wrapped: dict[int, object] = {}

    def wrap(fn):
        w = wrapped.get(id(fn))
        if w is None:
            w = wrapped[id(fn)] = with_numpy_aliases(fn)
        return w

    for name, fn in list(tensor_cls.__dict__.items() if tensor_cls is not None else ()):
        if name.startswith("__") or name in _PYTHON_METHODS:
            continue
        kind = _takes_dim(fn)
        if kind or (kind is None and name in _KWARGS_METHODS):
            setattr(tensor_cls, name, wrap(fn))
    # the torch.linalg and torch.special functions are all native
    python_functions = _PYTHON_FUNCTIONS if tensor_cls is not None else ()
    for name, fn in list(namespace.items()):
        if name.startswith("_") or name in python_functions:
            continue
        if id(fn) in wrapped or _takes_dim(fn):
            namespace[name] = wrap(fn)
