"""Batched tensors for ``vmap`` and the interposer that sends their ops to batching rules.

A :class:`BatchedTensor` of level ``L`` wraps an ``inner`` tensor whose dim 0 is the batch dim of
the ``L``-th active ``vmap``; ``inner`` may itself be batched at a lower level (nested ``vmap``),
so the physical array carries one leading dim per level, lowest level first. The wrapper's own
``_data`` is the logical view (sample 0 of ``inner``, without the batch dim), so shape checks,
dtype promotion and argument parsing in public functions see what torch shows inside ``vmap``.
That view is a :class:`_LogicalArray` that remembers its tensor: an op that receives an array
derived from it as a parameter (``nll_loss``'s target, an index) is batched too.

While any ``vmap`` runs, ``Op.apply`` calls :func:`interpose` (through ``_base._tracer``, chained
with any previous tracer): an op with an input batched at the highest level present goes to its
rule (``rules.py``), which calls the op again on the inner tensors; an op without batched inputs
runs as usual (so autograd's backward, which works on the physical tensors, is untouched).
"""

from __future__ import annotations

import numpy as np

from .._ops import _base
from .._overrides import disabled_torch_function_impl as _disabled_torch_function_impl
from .._tensor import Tensor, _from_array

ITEM = ("vmap: It looks like you're calling .item() on a Tensor. We don't support vmap over "
        "calling .item() on a Tensor, please try to rewrite what you're doing with other "
        "operations. If error is occurring somewhere inside PyTorch internals, please file a bug "
        "report.")
CONTROL_FLOW = ("vmap: It looks like you're attempting to use a Tensor in some data-dependent "
                "control flow. We don't support that yet, please file an issue at "
                "https://github.com/pytorch/pytorch/issues .")
REQUIRES_GRAD = ("You are attempting to call Tensor.requires_grad_() (or perhaps using "
                 "torch.autograd.functional.* APIs) inside of a function being transformed by a "
                 "functorch transform. This is unsupported, please attempt to use the functorch "
                 "transforms (e.g. grad, vjp, jacrev, jacfwd, hessian) or call requires_grad_() "
                 "outside of a function being transformed instead.")
RANDOM_ERROR = ("vmap: called random operation while in randomness error mode. Please either "
                "use the 'same' or 'different' randomness flags on vmap or perform the "
                "randomness operation out of vmap")


def _plain(x):
    return x.view(np.ndarray) if isinstance(x, _LogicalArray) else x


def _plain_tree(x):
    if isinstance(x, _LogicalArray):
        return x.view(np.ndarray)
    if type(x) in (tuple, list):
        return type(x)(_plain_tree(v) for v in x)
    return x


class _LogicalArray(np.ndarray):
    """The logical view of a batched tensor; views and casts of it remember the tensor, while
    computed arrays (ufuncs, array functions) are plain."""

    _bt = None

    def __array_finalize__(self, obj) -> None:
        self._bt = getattr(obj, "_bt", None)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = tuple(_plain(x) for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(_plain(x) for x in kwargs["out"])
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        return func(*_plain_tree(args), **{k: _plain_tree(v) for k, v in kwargs.items()})


class BatchedTensor(Tensor):
    """A tensor seen per sample inside ``vmap`` (torch's ``BatchedTensor``)."""

    __slots__ = ("_inner", "_level")
    # vmap's own interposer handles every op on it: no __torch_function__ dispatch
    __torch_function__ = _disabled_torch_function_impl

    @property
    def requires_grad(self) -> bool:
        return _innermost(self)._requires_grad

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        raise RuntimeError("vmap: requires_grad cannot be set on a tensor being vmapped over")

    def item(self):
        raise RuntimeError(ITEM)

    def backward(self, gradient=None, retain_graph=None, create_graph: bool = False,
                 inputs=None) -> None:
        raise RuntimeError("backward() called inside a functorch transform. This is not "
                           "supported, please use functorch.grad or functorch.vjp instead or "
                           "call backward() outside of functorch transforms.")

    def detach(self) -> Tensor:
        return make(self._inner.detach(), self._level)

    def detach_(self) -> Tensor:
        self._inner.detach_()
        return self

    @property
    def data(self) -> Tensor:
        raise RuntimeError("accessing `data` under vmap transform is not allowed")

    @property
    def grad_fn(self):
        return _innermost(self).grad_fn

    @grad_fn.setter
    def grad_fn(self, value) -> None:
        pass

    def __deepcopy__(self, memo):
        import copy

        return make(copy.deepcopy(self._inner, memo), self._level)

    def resize_(self, *sizes, memory_format=None):
        raise RuntimeError("vmap: resize_ of a tensor being vmapped over is not supported")

    resize_as_ = resize_

    def requires_grad_(self, requires_grad: bool = True):
        raise RuntimeError(REQUIRES_GRAD)

    def tolist(self):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def numpy(self, *, force: bool = False):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def __array__(self, dtype=None, copy=None):
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def __bool__(self) -> bool:
        raise RuntimeError(CONTROL_FLOW)

    def __float__(self) -> float:
        raise RuntimeError(ITEM)

    def __int__(self) -> int:
        raise RuntimeError(ITEM)

    __index__ = __int__

    def __complex__(self) -> complex:
        raise RuntimeError(ITEM)

    def data_ptr(self) -> int:
        raise RuntimeError("Cannot access data pointer of Tensor that doesn't have storage")

    def __repr__(self, *, tensor_contents=None) -> str:
        inner = repr(self._inner).replace("\n", "\n    ")
        return f"BatchedTensor(lvl={self._level}, bdim=0, value=\n    {inner}\n)"

    __str__ = __repr__

    def __reduce_ex__(self, protocol):
        raise RuntimeError("vmap: cannot pickle a tensor being vmapped over")

    def __setitem__(self, index, value) -> None:
        from .inplace import setitem

        setitem(self, index, value)

    def _check_inplace(self) -> None:
        raise RuntimeError("vmap: this in-place operation is not supported on a tensor being "
                           "vmapped over by numtorch; use its out-of-place form")


def _innermost(t: Tensor) -> Tensor:
    while t.__class__ is BatchedTensor:
        t = t._inner
    return t


def make(inner: Tensor, level: int) -> BatchedTensor:
    """Wrap ``inner`` (batch dim 0) as a tensor batched at ``level``."""
    arr = inner._data
    if arr.shape[0]:
        view = arr[0, ...].view(_LogicalArray)
    else:
        view = np.zeros(arr.shape[1:], arr.dtype).view(_LogicalArray)
    t = _from_array(view, False, BatchedTensor)
    view._bt = t
    t._inner = inner
    t._level = level
    t._version_box = inner._version_box
    return t


def wrap(out, level: int):
    """Wrap an op's result (a tensor or a tuple of them) at ``level``."""
    if out.__class__ is tuple:
        return tuple([make(o, level) for o in out])
    return make(out, level)


def level_of(x) -> int:
    """The highest level ``x`` is batched at (0: not batched)."""
    return x._level if x.__class__ is BatchedTensor else 0


def peel(x: Tensor) -> tuple[Tensor, list[int]]:
    """The plain physical tensor under ``x`` and its levels, lowest first."""
    levels = []
    while x.__class__ is BatchedTensor:
        levels.append(x._level)
        x = x._inner
    return x, levels[::-1]


# -- the vmap frames and the interposer --------------------------------------------------------
class Frame:
    """One active ``vmap``: its level, batch size and randomness mode."""

    __slots__ = ("level", "size", "randomness")

    def __init__(self, level: int, size: int, randomness: str) -> None:
        self.level = level
        self.size = size
        self.randomness = randomness


class NeedsLoop(Exception):
    """Raised inside a ``randomness='different'`` vmap at a random op: run it per sample."""


FRAMES: list[Frame] = []
_prev_tracer = [None]
_RANDOM: set = set()


#: every draw reaches the generator's engine through ``_get_engine``: while a vmap runs it
#: checks the randomness mode first (the generator's own state methods pass)
_saved_engine: list = []


def _guard_draw(original):
    import sys

    def get_engine(self):
        if FRAMES and not sys._getframe(1).f_code.co_filename.endswith("generator.py"):
            _random_op(None, 0)
        return original(self)
    return get_engine


def _guard_generator(on: bool) -> None:
    from .._random.generator import Generator

    if on:
        original = Generator.__dict__["_get_engine"]
        _saved_engine.append(original)
        Generator._get_engine = _guard_draw(original)
    elif _saved_engine:
        Generator._get_engine = _saved_engine.pop()


INPLACE = ("vmap: inplace arithmetic(self, *extra_args) is not possible because there exists a "
           "Tensor `other` in extra_args that has more elements than `self`. This happened due "
           "to `other` being vmapped over but `self` not being vmapped over in a vmap. Please "
           "try to use out-of-place operators instead of inplace arithmetic. If said operator "
           "is being called inside the PyTorch framework, please file a bug report instead.")
_prev_hook: list = []


class _InplaceGuard:
    """The in-place write hook of ``_ops._inplace`` while a vmap runs: refuses a result batched
    deeper than the tensor written into (the write could only hold one sample); chained with
    the hook installed before (forward AD's)."""

    @staticmethod
    def _prev():
        return _prev_hook[-1] if _prev_hook else None

    def inplace_start(self, target, snapshot) -> None:
        prev = self._prev()
        if prev is not None:
            prev.inplace_start(target, snapshot)

    def inplace_done(self, target, res) -> None:
        if res.__class__ is BatchedTensor and level_of(target) < res._level:
            raise RuntimeError(INPLACE)
        prev = self._prev()
        if prev is not None:
            prev.inplace_done(target, res)


_GUARD = _InplaceGuard()


def _guard_inplace(on: bool) -> None:
    from .._ops import _inplace

    if not hasattr(_inplace, "_forward_hook"):
        return
    if on:
        _prev_hook.append(_inplace._forward_hook)
        _inplace._forward_hook = _GUARD
    elif _prev_hook:
        prev = _prev_hook.pop()
        if _inplace._forward_hook is _GUARD:
            _inplace._forward_hook = prev


def push(size: int, randomness: str) -> Frame:
    if not FRAMES:
        _random_classes()
        _guard_generator(True)
        _guard_inplace(True)
        _prev_tracer[0] = _base._tracer
        _base._tracer = interpose
    frame = Frame(len(FRAMES) + 1, size, randomness)
    FRAMES.append(frame)
    return frame


def pop() -> None:
    FRAMES.pop()
    if not FRAMES:
        _base._tracer = _prev_tracer[0]
        _prev_tracer[0] = None
        _guard_generator(False)
        _guard_inplace(False)


def _random_classes() -> None:
    if _RANDOM:
        return
    from .inplace import install

    install()
    from .._ops import random as R

    stack = [R._Fill]
    while stack:
        c = stack.pop()
        _RANDOM.add(c)
        stack.extend(c.__subclasses__())


def passthrough(cls, inputs, params):
    """Run the op as if no vmap were active (chaining to the previous tracer)."""
    prev = _prev_tracer[0]
    if prev is not None:
        return prev(cls, inputs, params)
    _base._tracer = None
    try:
        return cls.apply(*inputs, **params)
    finally:
        _base._tracer = interpose


def interpose(cls, inputs, params):
    """``_base._tracer`` while a vmap runs: route batched ops to their batching rule."""
    level = 0
    for x in inputs:
        if x.__class__ is BatchedTensor and x._level > level:
            level = x._level
    plevel = 0
    if params:
        for v in params.values():
            lv = _param_level(v)
            if lv > plevel:
                plevel = lv
    if cls in _RANDOM:
        _random_op(cls, level)
    if plevel > level:
        level = plevel
    if not level:
        return passthrough(cls, inputs, params)
    from .rules import PARAM_AWARE, loop, rule_for

    rule = rule_for(cls)
    if plevel == level and rule not in PARAM_AWARE:
        rule = loop  # a batched parameter the rule does not map: once per sample
    return rule(cls, inputs, params, level, FRAMES[level - 1].size)


def _param_level(v) -> int:
    if v.__class__ is _LogicalArray:
        bt = v._bt
        return bt._level if bt is not None else 0
    if v.__class__ is BatchedTensor:
        return v._level
    if v.__class__ in (tuple, list):
        lv = 0
        for e in v:
            if e.__class__ in (_LogicalArray, BatchedTensor, tuple, list):
                lv = max(lv, _param_level(e))
        return lv
    return 0


def _random_op(cls, level: int) -> None:
    mode = FRAMES[-1].randomness
    if mode == "error":
        raise RuntimeError(RANDOM_ERROR)
    if mode == "different":
        raise NeedsLoop()


def param_sample(v, level: int, b: int):
    """A parameter of an op for sample ``b`` of ``level`` (arrays derived from a batched tensor
    become that sample's array)."""
    if v.__class__ is _LogicalArray:
        bt = v._bt
        if bt is None or bt._level != level:
            return v
        arr = bt._inner._data[b, ...]
        if arr.size != v.size:
            raise RuntimeError("vmap: numtorch cannot batch this operation over an argument "
                               "derived from a part of a batched tensor")
        return arr.astype(v.dtype, copy=False).reshape(v.shape)
    if v.__class__ is BatchedTensor:
        if v._level != level:
            return v
        from .._ops.shape import select

        return select(v._inner, 0, b)
    if v.__class__ in (tuple, list):
        return v.__class__(param_sample(e, level, b) for e in v)
    return v


def param_physical(v, level: int, size: int):
    """The physical array (batch dim first) behind a parameter array derived from a tensor
    batched at ``level``; None when it is not batched there."""
    if v.__class__ is not _LogicalArray or v._bt is None or v._bt._level != level:
        return None
    arr = v._bt._inner._data
    if arr.size != v.size * size:
        return None
    return arr.astype(v.dtype, copy=False).reshape((size,) + v.shape)
