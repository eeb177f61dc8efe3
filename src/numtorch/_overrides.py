"""The ``__torch_function__`` protocol: the dispatch state and the one dispatch routine.

Every public function of numtorch (``numtorch.add``, ``numtorch.linalg.*``,
``numtorch.nn.functional.*``...) is wrapped once (``_ops._numpy_aliases``) by a generated
function whose first step is a membership test of its arguments' types in ``FAST_TYPES``; only a
call with some other argument (a Tensor subclass, a list, an object defining
``__torch_function__``) reaches ``dispatch`` here. Tensor methods of a plain Tensor are not
wrapped at all: a subclass that keeps ``__torch_function__`` enabled gets dispatching methods
installed on itself by ``Tensor.__init_subclass__`` (``install_subclass_methods``).
"""

from __future__ import annotations

__all__ = ["DisableTorchFunction", "DisableTorchFunctionSubclass", "FAST_TYPES", "dispatch",
           "disabled_torch_function_impl", "overloaded_args", "install_subclass_methods"]


class _State:
    """``level``: 0 enabled, 1 Tensor subclasses disabled, 2 everything disabled; ``modes``: the
    stack of active ``TorchFunctionMode`` objects."""

    __slots__ = ("level", "modes")

    def __init__(self) -> None:
        self.level = 0
        self.modes: list = []


state = _State()

#: argument types that never take part in dispatch: the wrappers' fast path. Emptied while a
#: ``TorchFunctionMode`` is active, so that every call reaches ``dispatch``.
FAST_TYPES: set = {int, float, bool, complex, str, type(None), slice, type(Ellipsis)}
_FAST_SAVED: set = set()
#: the globals of the generated wrappers: their ``__T`` (Tensor, passing at once) becomes a
#: type nothing has while a mode is active
FAST_ENVS: list = []
FAST_TENSOR: list = [None]


class _NoType:
    pass


class _DisabledImpl:
    """``torch._C._disabled_torch_function_impl``: as a class's ``__torch_function__`` it opts
    the class out of the protocol (``nn.Parameter``); called, it runs ``func`` with Tensor
    subclass handling disabled."""

    __slots__ = ()
    __name__ = __qualname__ = "_disabled_torch_function_impl"

    def __call__(self, func, types, args=(), kwargs=None):
        with DisableTorchFunctionSubclass():
            return func(*args, **(kwargs or {}))

    def __repr__(self) -> str:
        return "<built-in function _disabled_torch_function_impl>"


disabled_torch_function_impl = _DisabledImpl()


class _Disable:
    _to = 1
    __slots__ = ("_prev",)

    def __enter__(self):
        self._prev = state.level
        state.level = max(state.level, self._to)
        return self

    def __exit__(self, *exc) -> None:
        state.level = self._prev


class DisableTorchFunctionSubclass(_Disable):
    """Context manager: Tensor subclasses' ``__torch_function__`` is not called inside (objects
    that are not Tensors and modes still are)."""

    __slots__ = ()
    _to = 1


class DisableTorchFunction(_Disable):
    """Context manager: no ``__torch_function__`` (nor mode) is called inside."""

    __slots__ = ()
    _to = 2


#: Tensor's own members while a mode is entered (Tensor then has dispatching ones)
_TENSOR_SAVED: dict = {}
#: modes entered and not exited (also those taken off the stack while their handler runs)
_ENTERED = [0]


def enter_mode(mode) -> None:
    """Push ``mode`` (``TorchFunctionMode.__enter__``). The first one sends every public call
    to ``dispatch`` (the fast-path types are put aside) and makes plain Tensors' methods
    dispatch too, until the last one exits."""
    if not _ENTERED[0]:
        _FAST_SAVED.update(FAST_TYPES)
        FAST_TYPES.clear()
        for env in FAST_ENVS:
            env["__T"] = _NoType
        tensor_cls = _tensor_cls()
        members = dict(tensor_cls.__dict__)
        install_subclass_methods(tensor_cls, tensor_cls, patch_tensor=True)
        _TENSOR_SAVED.update({k: members[k] for k, v in tensor_cls.__dict__.items()
                              if members.get(k) is not v})
    _ENTERED[0] += 1
    state.modes.append(mode)


def exit_mode():
    """Pop the innermost mode (``TorchFunctionMode.__exit__``)."""
    mode = state.modes.pop()
    _ENTERED[0] -= 1
    if not _ENTERED[0]:
        FAST_TYPES.update(_FAST_SAVED)
        _FAST_SAVED.clear()
        for env in FAST_ENVS:
            env["__T"] = FAST_TENSOR[0]
        tensor_cls = _tensor_cls()
        for k, v in _TENSOR_SAVED.items():
            setattr(tensor_cls, k, v)
        _TENSOR_SAVED.clear()
    return mode


def push_mode(mode) -> None:
    """Put back a mode taken off by ``pop_mode`` (while its own handler runs)."""
    state.modes.append(mode)


def pop_mode():
    """Take the innermost mode off while its handler runs (the fast paths stay off)."""
    return state.modes.pop()


_TENSOR: list = []


def _tensor_cls():
    if not _TENSOR:
        from ._tensor import Tensor

        _TENSOR.append(Tensor)
    return _TENSOR[0]


def _real_torch(t) -> bool:
    """A class of the real PyTorch (a ``torch.Tensor`` passed to a numtorch function): its
    protocol would call numtorch's function back forever, so it is not an override here; the
    function treats it as any foreign object (``from_dlpack`` shares its memory)."""
    return (getattr(t, "__module__", "") or "").split(".", 1)[0] == "torch"


def _add(found: list, obj, tensor_cls) -> None:
    t = type(obj)
    if t in FAST_TYPES or t is tensor_cls:
        return
    tf = getattr(t, "__torch_function__", None)
    if tf is None or tf is disabled_torch_function_impl or _real_torch(t):
        return
    for u, _ in found:
        if u is t:
            return
    # subclasses before their superclasses, otherwise left to right
    for i, (u, _) in enumerate(found):
        if issubclass(t, u):
            found.insert(i, (t, obj))
            return
    found.append((t, obj))


def overloaded_args(args, kwargs=None, nested: bool = True) -> list:
    """``[(type, object), ...]`` of the arguments whose type implements ``__torch_function__``
    in dispatch order (one per type); lists and tuples are looked into, one level deep
    (``nested``: as for a native function's tensor-list arguments)."""
    tensor_cls = _tensor_cls()
    found: list = []
    if state.level:
        return found
    for a in (*args, *(kwargs.values() if kwargs else ())):
        t = type(a)
        if nested and (t is list or t is tuple):
            for x in a:
                _add(found, x, tensor_cls)
        else:
            _add(found, a, tensor_cls)
    return found


def dispatch(public, impl, args: tuple, kwargs: dict | None, native: bool = True):
    """Call ``public``'s ``__torch_function__`` overrides for ``args``/``kwargs`` (modes first),
    or ``impl(*args, **kwargs)`` when there are none."""
    found = overloaded_args(args, kwargs)
    if state.modes and state.level < 2:
        return _call_mode(public, impl, found, args, kwargs)
    if not found:
        return impl(*args, **(kwargs or {}))
    return _call_overrides(public, found, args, kwargs, native)


def _call_mode(public, impl, found, args, kwargs):
    mode = pop_mode()
    try:
        types = tuple(t for t, _ in found)
        ret = mode.__torch_function__(public, types, args, kwargs or {})
    finally:
        push_mode(mode)
    if ret is NotImplemented:
        if not found:
            return impl(*args, **(kwargs or {}))
        return _call_overrides(public, found, args, kwargs, True)
    return ret


def _call_overrides(public, found, args, kwargs, native):
    types = tuple(t for t, _ in found)
    kw = kwargs or {}
    for _, obj in found:
        ret = obj.__torch_function__(public, types, args, kw)
        if ret is not NotImplemented:
            return ret
    name = public_name(public)
    if native:
        for space in ("linalg", "special", "fft"):  # their native names carry a prefix
            if name.startswith(f"torch.{space}."):
                name = f"torch.{space}.{space}_{name[len(space) + 7:]}"
        listed = "".join(f"  - tensor subclass {t}\n" for t in types)
        raise TypeError(f"Multiple dispatch failed for '{name}'; all __torch_function__ "
                        f"handlers returned NotImplemented:\n\n{listed}\nFor more information, "
                        "try re-running with TORCH_LOGS=not_implemented")
    raise TypeError(f"no implementation found for '{name}' on types that implement "
                    f"__torch_function__: {list(types)}")


def public_name(fn) -> str:
    """``torch.add``, ``torch.Tensor.add``, ``torch.nn.functional.relu``: torch's spelling of a
    public function (``torch.overrides.resolve_name``)."""
    name = getattr(fn, "_torch_name", None)
    if name:
        return name
    owner = getattr(fn, "__self__", None)
    if isinstance(owner, property) and owner.fget is not None:
        return f"torch.Tensor.{owner.fget.__name__}.__get__"
    qual = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", repr(fn))
    module = getattr(fn, "__module__", None) or ""
    if qual.startswith("Tensor."):
        return "torch." + qual
    module = module.replace("numtorch", "torch", 1)
    if module.startswith("torch._ops") or module == "torch._tensor":
        module = "torch"
    return f"{module}.{qual}" if module else qual


# -- Tensor subclasses: dispatching methods installed on the subclass only ----------------------
#: members of Tensor that never dispatch
_SKIP = frozenset({"__new__", "__init__", "__init_subclass__", "__torch_function__",
                   "__reduce_ex__", "__reduce__", "__deepcopy__", "__hash__", "__getattribute__",
                   "__setattr__", "__delattr__", "__class_getitem__", "__dict__", "__slots__",
                   "__weakref__", "__module__", "__doc__", "__annotations__", "__setstate__",
                   "__getstate__", "__array_priority__", "__qualname__", "__firstlineno__",
                   "__static_attributes__", "as_subclass", "__sizeof__", "__dir__"})
#: reflected operators: called first by Python for ``plain OP subclass``, they dispatch the
#: forward operator as PyTorch does (where the subclass does not override the reflected one)
_REFLECTED = {"__radd__": "__add__", "__rsub__": "__sub__", "__rmul__": "__mul__",
              "__rtruediv__": "__truediv__", "__rfloordiv__": "__floordiv__",
              "__rmod__": "__mod__", "__rpow__": "__pow__", "__rmatmul__": "__matmul__",
              "__rand__": "__and__", "__ror__": "__or__", "__rxor__": "__xor__",
              "__rlshift__": "__lshift__", "__rrshift__": "__rshift__", "__rdiv__": "__div__"}
_GETTERS: dict = {}
_MARK = "_torch_function_dispatch"


#: reflected operators PyTorch dispatches as the forward method with the operands in order
_AS_FORWARD = {"__radd__": "add", "__rmul__": "mul"}


def _method(name: str, forward, same, forward_name: str, same_name: str):
    """A dispatching ``Tensor.<name>``. The function passed to overrides is the one Tensor
    shows now (itself dispatching while a mode is active, so that calling it from a mode's
    handler reaches the next mode); ``forward``/``same`` are the implementations."""
    def method(self, *args, **kwargs):
        tensor_cls = _tensor_cls()
        if forward is not None and args:
            other = type(args[0])
            if other is not type(self) and issubclass(type(self), other) \
                    and issubclass(other, tensor_cls):
                public = getattr(tensor_cls, forward_name)
                return dispatch(public, forward, (args[0], self), kwargs)
        return dispatch(getattr(tensor_cls, same_name), same, (self, *args), kwargs)

    method.__name__ = name
    method.__qualname__ = f"Tensor.{name}"
    setattr(method, _MARK, True)
    return method


def _getter(prop: property, name: str):
    get = prop.__get__

    def fget(self):
        return dispatch(property_getter(_tensor_cls(), name), get, (self,), None)

    fget.__name__ = name
    return fget


def property_getter(tensor_cls, name: str):
    """``Tensor.<name>.__get__`` as the one object dispatch passes for that property."""
    prop = tensor_cls.__dict__[name]
    get = _GETTERS.get(prop)
    if get is None:
        get = _GETTERS[prop] = prop.__get__
    return get


def install_subclass_methods(cls, tensor_cls, *, patch_tensor: bool = False) -> None:
    """Give the Tensor subclass ``cls`` dispatching versions of the Tensor methods, operators
    and properties it (and its bases below Tensor) does not define itself (``patch_tensor``:
    Tensor itself, while a mode is active)."""
    if cls is tensor_cls and not patch_tensor:
        return
    tf = getattr(cls, "__torch_function__", None)
    if tf is disabled_torch_function_impl:
        (_FAST_SAVED if _ENTERED[0] else FAST_TYPES).add(cls)
        return
    if cls is not tensor_cls:
        FAST_TYPES.discard(cls)
        _FAST_SAVED.discard(cls)
    members = {**tensor_cls.__dict__, **_TENSOR_SAVED}
    for name, member in members.items():
        if name in _SKIP or (name.startswith("_") and not name.startswith("__")):
            continue
        owner = next(k for k in cls.__mro__ if name in k.__dict__)
        if owner is not tensor_cls and cls is not tensor_cls:
            continue
        if isinstance(member, property):
            if member.fget is None:
                continue
            setattr(cls, name, property(_getter(member, name), member.fset, member.fdel,
                                        member.__doc__))
        elif callable(member) and not isinstance(member, (type, staticmethod, classmethod)):
            forward_name = _REFLECTED.get(name, "")
            same_name = _AS_FORWARD.get(name, name)
            setattr(cls, name, _method(name, members.get(forward_name), members[same_name],
                                       forward_name, same_name))


# -- the default ``Tensor.__torch_function__`` -------------------------------------------------
def nowrap_functions(tensor_cls) -> set:
    """``torch.overrides.get_default_nowrap_functions``: results returned as they are."""
    return {property_getter(tensor_cls, "_base"), property_getter(tensor_cls, "grad")}


def default_torch_function(cls, func, types, args, kwargs):
    """Run ``func`` with subclass dispatch disabled and make its Tensor results ``cls``
    instances (``Tensor.__torch_function__``)."""
    tensor_cls = _tensor_cls()
    for t in types:
        if not issubclass(cls, t):
            return NotImplemented
    with DisableTorchFunctionSubclass():
        ret = func(*args, **(kwargs or {}))
    if func in nowrap_functions(tensor_cls):
        return ret
    return convert(ret, cls, tensor_cls)


def convert(ret, cls, tensor_cls):
    """``ret`` with its Tensors (also inside a tuple or list) turned into ``cls`` instances."""
    if cls is tensor_cls:
        return ret
    if isinstance(ret, tensor_cls):
        return ret if isinstance(ret, cls) else as_subclass(ret, cls)
    if isinstance(ret, (tuple, list)):
        items = [convert(r, cls, tensor_cls) for r in ret]
        if hasattr(ret, "_fields"):
            return type(ret)(*items)
        return type(ret)(items)
    return ret


def as_subclass(t, cls):
    """A ``cls`` instance sharing ``t``'s data, version counter and autograd identity."""
    tensor_cls = _tensor_cls()
    if not isinstance(cls, type):
        raise TypeError(f"cls must be a type (got {type(cls).__name__})")
    if not issubclass(cls, tensor_cls):
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from "
                           "Tensor is not possible. Make sure your class inherits from Tensor.")
    from ._ops.indexing.getitem import Alias

    with DisableTorchFunction():  # an alias view, as PyTorch's (AliasBackward0 under autograd)
        t = Alias.apply(t)
    new = object.__new__(cls)
    for name in _fields(tensor_cls):
        object.__setattr__(new, name, getattr(t, name))
    return new


def _fields(tensor_cls) -> tuple:
    return tuple(n for n in tensor_cls.__slots__ if not n.startswith("__"))


def make_subclass(cls, data, require_grad: bool):
    """A ``cls`` leaf sharing ``data``'s memory and version counter, outside its graph."""
    tensor_cls = _tensor_cls()
    if not isinstance(cls, type) or not issubclass(cls, tensor_cls):
        raise TypeError("Creating a Tensor subclass from a class that does not inherit from "
                        "Tensor is not possible. Make sure your class inherits from Tensor.")
    new = object.__new__(cls)
    new._init(data._data, False)
    new._version_box = data._version_box
    if require_grad:
        new.requires_grad_(True)
    return new
