"""``autograd.Function``: user-defined ops with their own forward and backward.

A thin adapter onto the same graph as the built-in ops: ``apply`` runs ``forward`` under
``no_grad`` and, when an input requires grad, links one node (named ``<Class>Backward`` as in
PyTorch) whose backward calls the user's ``backward``.
"""

from __future__ import annotations

from . import grad_mode
from .graph import FREED_MESSAGE, Node, _sequence, edge_of

#: set by ``autograd.forward_ad`` while a dual level is active (``enter``/``leave``/``attach``)
_forward_hook = None


class FunctionCtx:
    """The ``ctx`` object: ``save_for_backward``, ``saved_tensors``, ``needs_input_grad``..."""

    _to_save: tuple = ()
    _non_diff: tuple = ()
    materialize_grads = True

    def save_for_backward(self, *tensors) -> None:
        self._to_save = tensors

    def save_for_forward(self, *tensors) -> None:
        self.saved_for_forward = tensors

    def mark_non_differentiable(self, *tensors) -> None:
        self._non_diff = tuple(id(t) for t in tensors)

    def mark_dirty(self, *tensors) -> None:
        self.dirty_tensors = tensors

    def set_materialize_grads(self, value: bool) -> None:
        self.materialize_grads = value


class BackwardCFunction(FunctionCtx, Node):
    """Graph node of a user Function; ``saved_tensors`` checks versions and freeing."""

    _saved = None
    _freed = False

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        if self._saved is None:
            return tuple(self._to_save)
        from .._ops._base import _modified_message

        out = []
        for t, version in self._saved:
            if t is None:
                out.append(None)
                continue
            if t._version_box[0] != version:
                raise RuntimeError(_modified_message(t, self, 0, t._version_box[0], version, "in"))
            out.append(t)
        return tuple(out)

    def _release(self) -> None:
        if self._saved is not None:
            self._saved = None
            self._freed = True

    def backward(self, *grads):
        res = self._function.backward(self, *grads)
        if type(res) is not tuple:
            res = (res,)
        n = len(self._positions)
        if len(res) < self._n_args:
            raise RuntimeError(f"function {self.name()} returned an incorrect number of gradients "
                               f"(expected {self._n_args}, got {len(res)})")
        return tuple(res[p] for p in self._positions)[:n]


class FunctionMeta(type):
    def __init__(cls, name, bases, ns):
        super().__init__(name, bases, ns)
        cls._backward_cls = type(name + "Backward", (BackwardCFunction,),
                                 {"_function": cls, "__module__": cls.__module__})


class Function(metaclass=FunctionMeta):
    """Base class for custom autograd ops (``torch.autograd.Function``)."""

    @staticmethod
    def forward(ctx, *args, **kwargs):
        raise NotImplementedError("You must implement the forward function for custom "
                                  "autograd.Function.")

    @staticmethod
    def backward(ctx, *grad_outputs):
        raise NotImplementedError("You must implement either the backward or vjp method for "
                                  "your custom autograd.Function to use it with backward mode "
                                  "AD.")

    vjp = backward

    @staticmethod
    def jvp(ctx, *grad_inputs):
        raise NotImplementedError("You must implement the jvp function for custom "
                                  "autograd.Function to use it with forward mode AD.")

    @classmethod
    def apply(cls, *args, **kwargs):
        from .._tensor import Tensor

        tensor_pos = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        needs = grad_mode.state.enabled and any(args[i]._requires_grad for i in tensor_pos)
        ctx = object.__new__(cls._backward_cls)
        ctx.needs_input_grad = tuple(isinstance(a, Tensor) and a._requires_grad and needs
                                     for a in args)
        prev = grad_mode.state.enabled
        grad_mode.state.enabled = False
        fw = _forward_hook
        tangents = fw.enter(args) if fw is not None else None
        try:
            out = cls.forward(ctx, *args, **kwargs)
        finally:
            grad_mode.state.enabled = prev
            if fw is not None:
                fw.leave()
        if tangents is not None:
            fw.attach(cls, ctx, tangents, out)
        multi = isinstance(out, tuple)
        outs = out if multi else (out,)
        if not needs:
            return out
        ctx.next_functions = tuple(edge_of(args[i]) for i in tensor_pos)
        ctx._input_meta = tuple((args[i]._data.shape, args[i].dtype) for i in tensor_pos)
        ctx._positions = tuple(tensor_pos)
        ctx._n_args = len(args)
        ctx._seq = next(_sequence)
        ctx._n_outputs = len(outs)
        ctx._out_meta = tuple((o._data.shape, o._data.dtype) if isinstance(o, Tensor)
                              else ((), None)
                              for o in outs)
        ctx._saved = tuple((t, t._version_box[0]) if t is not None else (None, 0)
                           for t in ctx._to_save)
        inputs_by_id = {id(args[i]): args[i] for i in tensor_pos}
        results = []
        for i, o in enumerate(outs):
            if not isinstance(o, Tensor):
                results.append(o)
                continue
            if id(o) in inputs_by_id:
                o = o.view_as(o)
            if id(o) in ctx._non_diff or o._data.dtype.kind not in "fc":
                results.append(o)
                continue
            o._requires_grad = True
            o.grad_fn = ctx
            o._output_nr = i
            results.append(o)
        return tuple(results) if multi else results[0]


class once_differentiable:  # noqa: N801 - matches torch.autograd.function.once_differentiable
    def __new__(cls, fn):
        return fn
