"""Tracing: record every ``Op.apply`` of one forward run and lower it to ONNX nodes on the fly.

The hook in ``numtorch._ops._base`` calls the active :class:`Tracer` instead of running an op;
the tracer runs it, finds the traced value of each Tensor input and hands the call to the op's
lowering. Values are found as autograd finds them: by ``(grad_fn, output_nr)`` (the model runs
with grad enabled and its inputs requiring grad, so in-place ops rebase ``grad_fn`` and stay
traceable), else by Tensor identity (checked against its version counter), else by the identity
of its array (``detach()`` shares it). Any other Tensor was made during the forward and becomes a
constant, as in PyTorch's tracer. A call whose inputs are all constants or weights is not
lowered: its traced result is folded into a constant (PyTorch's exporter folds them too).
"""

from __future__ import annotations

import numpy as np

from .._ops import _base
from .._tensor import Tensor


class Value:
    """One traced tensor: its ONNX name once known, shape, dtype and, for a static value (a
    weight, a constant or a folded result), its array and where it came from."""

    __slots__ = ("name", "shape", "dtype", "static", "array", "param", "producer", "missing",
                 "untraced")

    def __init__(self, shape, dtype, static=False, array=None, param=None, producer=None):
        self.name = None
        self.shape = tuple(shape)
        self.dtype = np.dtype(dtype)
        self.static = static
        self.array = array
        self.param = param          # state_dict name of a weight or buffer
        self.producer = producer    # (op class, params, inputs) of a folded value
        self.missing = None         # why a dynamic value has no ONNX name (unlowered output)
        self.untraced = False       # a Tensor no traced op produced, taken as a constant


class Record:
    """One lowered op call: its class, keyword params, inputs (Values, scalars, None) and
    output Values."""

    __slots__ = ("cls", "params", "ins", "outs")

    def __init__(self, cls, params, ins, outs):
        self.cls, self.params, self.ins, self.outs = cls, params, ins, outs

    @property
    def op_name(self) -> str:
        return self.cls.__name__


class Tracer:
    """Records op calls into ``graph`` (a :class:`numtorch.onnx._graph.Graph`)."""

    def __init__(self, graph, lower) -> None:
        self.graph = graph
        self.lower = lower
        self.by_fn: dict = {}
        self.by_tensor: dict = {}
        self.by_array: dict = {}
        self._alive: list = []   # keeps traced objects alive so their ids stay unique

    # -- the hook --------------------------------------------------------------------------
    def __enter__(self):
        if _base._tracer is not None:
            raise RuntimeError("numtorch.onnx.export: an export is already running")
        _base._tracer = self
        return self

    def __exit__(self, *exc) -> None:
        _base._tracer = None

    def __call__(self, cls, inputs, params):
        ins = [self.value_of(x) if isinstance(x, Tensor) else x for x in inputs]
        _base._tracer = None
        try:
            out = cls.apply(*inputs, **params)
        finally:
            _base._tracer = self
        outs = out if type(out) is tuple else (out,)
        static = all(v.static for v in ins if isinstance(v, Value))
        producer = (cls, params, ins) if static else None
        vals = [self._register(t, static, producer) for t in outs]
        tensors = [v for v in ins if isinstance(v, Value)]
        if static and (not tensors or any(v.untraced for v in tensors)):
            for v in vals:
                v.untraced = True
        if not static:
            self.lower(self.graph, Record(cls, params, ins, vals))
        return out

    # -- values ----------------------------------------------------------------------------
    def _register(self, t: Tensor, static: bool, producer=None) -> Value:
        a = t._data
        v = Value(a.shape, a.dtype, static=static, array=a if static else None,
                  producer=producer)
        self.bind(t, v)
        return v

    def bind(self, t: Tensor, v: Value) -> None:
        """Make ``t`` (and its array) stand for ``v`` from now on."""
        self._alive.append(t)
        if t.grad_fn is not None:
            self._alive.append(t.grad_fn)
            self.by_fn[(id(t.grad_fn), t._output_nr)] = v
        self.by_tensor[id(t)] = (v, t._version_box[0])
        self.by_array[id(t._data)] = v

    def add_param(self, name: str, t: Tensor) -> None:
        if id(t) in self.by_tensor:   # a weight shared under two names keeps the first
            return
        v = Value(t._data.shape, t._data.dtype, static=True, array=t._data, param=name)
        self.bind(t, v)

    def value_of(self, t: Tensor) -> Value:
        fn = t.grad_fn
        if fn is not None:
            v = self.by_fn.get((id(fn), t._output_nr))
            if v is not None:
                return v
        entry = self.by_tensor.get(id(t))
        if entry is not None:
            v, version = entry
            if t._version_box[0] == version:
                return v
            if not v.static:
                raise RuntimeError(
                    "numtorch.onnx.export: a traced tensor was modified in place outside "
                    "autograd (under no_grad or through a view); this cannot be exported")
        v = self.by_array.get(id(t._data))
        if v is None:
            v = self.constant(t._data)
            v.untraced = True
            self._alive.append(t)
            self.by_tensor[id(t)] = (v, t._version_box[0])
        return v

    def value_of_array(self, a) -> Value:
        """The traced value behind a raw array an op received as a keyword parameter (batch
        norm's running statistics, embedding indices), else a constant."""
        v = self.by_array.get(id(a))
        if v is None:
            v = self.constant(a)
            self._alive.append(a)
            self.by_array[id(a)] = v
        return v

    def constant(self, a) -> Value:
        a = np.array(a, copy=True)
        v = Value(a.shape, a.dtype, static=True, array=a)
        self._alive.append(a)
        return v
