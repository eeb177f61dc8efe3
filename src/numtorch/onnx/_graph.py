"""The ONNX graph under construction: nodes, initializers and unique names.

Lowerings add nodes with :meth:`Graph.node` and read their inputs with :meth:`Graph.name`, which
turns a weight into an initializer named by its ``state_dict`` key, any other static value or
Python scalar into a constant initializer, and casts when asked. :meth:`Graph.model` drops nodes
no output needs, names the outputs and builds the ``ModelProto``.
"""

from __future__ import annotations

import warnings

import numpy as np

from ._tracer import Value
from .errors import OnnxExporterError, UnsupportedOperatorError

_SMALL = 64  # constants up to this many elements are shared by value


class Graph:
    def __init__(self, onnx, opset: int) -> None:
        self.onnx = onnx
        self.opset = opset
        self.tracer = None
        self.nodes: list = []          # [op_type, inputs, outputs, attrs, node name]
        self.inits: dict = {}          # name -> array
        self._used: set = set()
        self._counts: dict = {}
        self._small: dict = {}
        self.scope: list = []          # names of the modules being run (node name prefixes)

    # -- names -----------------------------------------------------------------------------
    def reserve(self, name: str) -> None:
        self._used.add(name)

    def fresh(self, base: str) -> str:
        k = self._counts.get(base, 0)
        while True:
            name = base if k == 0 else f"{base}_{k}"
            k += 1
            if name not in self._used:
                self._counts[base] = k
                self._used.add(name)
                return name

    def name(self, x, dtype=None) -> str:
        """The ONNX name of an op input: a traced Value (cast to ``dtype`` when given and
        different), a Python scalar (a 0-d constant of ``dtype``) or None (an omitted input)."""
        if x is None:
            return ""
        if not isinstance(x, Value):
            return self.const(np.asarray(x, dtype=dtype))
        n = x.name
        if n is None:
            n = self._materialise(x)
        if dtype is not None and np.dtype(dtype) != x.dtype:
            n = self.cast(n, dtype)
        return n

    def _materialise(self, v: Value) -> str:
        if not v.static:
            if v.missing is not None:
                raise UnsupportedOperatorError(v.missing)
            raise OnnxExporterError("numtorch.onnx.export: a traced value has no ONNX producer")
        if v.param is not None:
            v.name = v.param
            self._used.add(v.param)
            self.inits[v.param] = v.array
        else:
            if v.untraced:
                warnings.warn(
                    f"numtorch.onnx.export: a tensor of shape {list(v.shape)} ({v.dtype}) that no "
                    "traced op produced is exported as a constant. Tensors made inside forward "
                    "are constants, as in torch.onnx; but if it was computed from the inputs by "
                    "a function that does not record its call, the exported model is wrong for "
                    "other inputs.", stacklevel=2)
            v.name = self.const(np.array(v.array, copy=True))
        return v.name

    def const(self, array, base: str = "/Constant_output") -> str:
        a = np.asarray(array)
        if a.dtype == object:
            raise TypeError(f"numtorch.onnx.export: cannot export a constant of type {a.dtype}")
        key = None
        if a.size <= _SMALL:
            key = (a.dtype.str, a.shape, a.tobytes())
            n = self._small.get(key)
            if n is not None:
                return n
        n = self.fresh(base)
        self.inits[n] = a
        if key is not None:
            self._small[key] = n
        return n

    def ints(self, values) -> str:
        return self.const(np.asarray(list(values), dtype=np.int64))

    # -- nodes -----------------------------------------------------------------------------
    def node(self, op_type: str, inputs, n_out: int = 1, **attrs):
        """Add a node; returns its output name (or a list of ``n_out`` names)."""
        base = self.fresh("/" + "".join(m + "/" for m in self.scope) + op_type)
        outs = [self.fresh(f"{base}_output_{i}") for i in range(n_out)]
        self.nodes.append([op_type, list(inputs), outs, attrs, base])
        return outs[0] if n_out == 1 else outs

    def cast(self, name: str, dtype) -> str:
        to = self.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))
        return self.node("Cast", [name], to=to)

    def onnx_dtype(self, dtype) -> int:
        return self.onnx.helper.np_dtype_to_tensor_dtype(np.dtype(dtype))

    # -- the model -------------------------------------------------------------------------
    def model(self, inputs, outputs, doc: str = ""):
        """``inputs``: (name, dtype, dims); ``outputs``: (Value, name, dims or None); dims hold
        ints and strings (symbolic)."""
        onnx = self.onnx
        helper = onnx.helper
        input_names = {n for n, _, _ in inputs}
        rename: dict = {}
        taken: set = set()
        for v, out_name, _ in outputs:
            n = self.name(v)
            producer = self._producer_index(n)
            if n == out_name and n not in taken:
                pass
            elif producer is None or n in input_names or n in taken or n in rename:
                self.nodes.append(["Identity", [n], [out_name], {}, self.fresh("/Identity")])
            else:
                rename[n] = out_name
            taken.add(out_name)
        for nd in self.nodes:
            nd[1] = [rename.get(x, x) for x in nd[1]]
            nd[2] = [rename.get(x, x) for x in nd[2]]
        needed = {name for _, name, _ in outputs}
        kept = []
        for nd in reversed(self.nodes):
            if any(o in needed for o in nd[2]):
                kept.append(nd)
                needed.update(x for x in nd[1] if x)
        kept.reverse()
        nodes = [helper.make_node(t, ins, outs, name=name, **attrs)
                 for t, ins, outs, attrs, name in kept]
        inits = [onnx.numpy_helper.from_array(np.ascontiguousarray(a), name)
                 for name, a in self.inits.items() if name in needed]
        g_in = [helper.make_tensor_value_info(n, self.onnx_dtype(dt), list(dims))
                for n, dt, dims in inputs]
        g_out = [helper.make_tensor_value_info(name, self.onnx_dtype(v.dtype),
                                               None if dims is None else list(dims))
                 for v, name, dims in outputs]
        graph = helper.make_graph(nodes, "main_graph", g_in, g_out, inits, doc_string=doc)
        opset = [helper.make_opsetid("", self.opset)]
        model = helper.make_model(graph, opset_imports=opset, producer_name="numtorch")
        model.ir_version = helper.find_min_ir_version_for(opset)
        return model

    def _producer_index(self, name: str):
        for i, nd in enumerate(self.nodes):
            if name in nd[2]:
                return i
        return None
