"""The op contract: one class per differentiable op holds its forward and its backward.

An ``Op`` subclass defines

* ``forward(self, *arrays)``: arrays of the device's array module in, an array (or a tuple of
  arrays) out. Parameters given as keywords to ``apply`` are attributes of ``self``. It declares
  what backward needs with ``self.save_inputs(i, ...)`` / ``self.save_outputs(i, ...)`` or by
  keeping plain arrays on ``self``.
* ``backward(self, *grads)``: numtorch Tensors in (one per output), one gradient (Tensor or
  None) per positional input out, written with numtorch operations so that
  ``create_graph=True`` gives higher-order gradients. Gradients may be in the broadcast shape:
  the engine sums them to each input's shape and casts to its dtype.
* ``grad_fn_name``: the node name PyTorch prints (``"MulBackward0"``).
* ``params``: the names of the keyword parameters ``apply`` accepts (``("dim", "keepdim")``);
  they become attributes of the op. An unknown name is a ``TypeError``, so a misspelt
  parameter never falls back to a class default silently, and a name that would shadow an
  attribute of the node (``name``, ``backward``, ...) is refused when the class is defined.
* ``needs_input_grad`` (in backward): a tuple saying which positional inputs need a gradient.
* ``reduced_float_in_float32 = True``: bfloat16 inputs (ml_dtypes types, NumPy kind ``V``) are
  computed in float32 and the result rounded once, as PyTorch's CPU kernels do (matmul, conv,
  pooling, interpolation); for ops whose kernel is not a single NumPy ufunc.

``Op.apply(*inputs, **params)`` runs it. Positional inputs are Tensors or Python scalars (passed
to forward unchanged). When no input requires grad, or grad mode is off, apply calls forward and
wraps the result, nothing more.
"""

from __future__ import annotations

import re
import sys as _sys
from types import FunctionType as _FunctionType

from .. import _dtype as D
from .._backend import xp_of
from .._tensor import Tensor, _from_array
from ..autograd import anomaly_mode, grad_mode
from ..autograd.graph import (
    FREED_MESSAGE,
    Node,
    _hook_stack,
    _sequence,
    grad_accumulator,
    pack_saved_refs,
)
from ._inplace import prepare_out

_state = grad_mode.state
_BY_NP = D._BY_NP
_METHODS: dict[str, object] = {}
#: set by ``numtorch.onnx`` while tracing: called as ``_tracer(cls, inputs, params)`` instead
_tracer = None
#: set by ``autograd.forward_ad`` while a dual level is active: gives a saved output, rebuilt
#: for backward, the tangent of the output it stands for (``hook(node, output_nr, tensor)``)
_saved_output_hook = None


def tensor_method(*names: str):
    """Register the decorated function as ``Tensor.<name>`` for each name."""
    def deco(fn):
        for n in names:
            _METHODS[n] = fn
        return fn
    return deco


def install_methods(cls) -> None:
    """Set every registered method on ``cls`` (``Tensor``) and name it for introspection.

    A function object installed under several names (``add``, ``__add__``) stays one object (no
    alias wrapper: method calls keep their speed); its ``__qualname__`` becomes
    ``Tensor.<first name>``. A generated function (``_unary.<locals>.fn``) or a private helper
    (``_expand``) also takes that first name as ``__name__``; a public module-level function
    (``add``, shared with ``numtorch.add``) keeps its own. Pickling by reference still finds
    each one, through the ``Tensor`` global of its module.
    """
    first: dict[int, str] = {}
    for name, fn in _METHODS.items():
        setattr(cls, name, fn)
        first.setdefault(id(fn), name)
    for name, fn in _METHODS.items():
        if first.get(id(fn)) != name:
            continue
        if isinstance(fn, property):
            fn = fn.fget
        if not isinstance(fn, _FunctionType):
            continue
        module = _sys.modules.get(fn.__module__)
        if getattr(module, cls.__name__, None) is not cls:
            continue  # pickling could not find it under ``Tensor.<name>``
        if "<locals>" in fn.__qualname__ or fn.__name__.startswith("_") and fn.__name__ != name:
            fn.__name__ = name
        fn.__qualname__ = f"{cls.__name__}.{name}"


#: ``Tensor._from_array``: the hot paths of ``apply`` wrap their results with it
_wrap = _from_array
_new = object.__new__


class Op(Node):
    """Base of all differentiable ops (see the module docstring for the contract)."""

    grad_fn_name = "Backward0"
    #: outputs that never carry gradient (e.g. the indices of ``max``)
    non_differentiable: tuple = ()
    #: output i is a view of input 0 (shares storage and version counter)
    is_view = False
    #: what backward needs, in declaration order: input i as i, output i as ~i
    _save: tuple = ()
    _saved_refs = None
    _freed = False
    _anomaly_trace = None
    #: keyword parameters ``apply`` accepts (see the module docstring)
    params: tuple = ()
    _param_names: frozenset = frozenset()
    #: compute bfloat16 inputs in float32 and round the result once (see the module docstring)
    reduced_float_in_float32 = False
    #: what CPU autocast casts the Tensor inputs to: "lower" (its dtype), "fp32", or None
    #: (unchanged); see numtorch._autocast
    autocast_policy: str | None = None
    #: the op is holomorphic and ``backward`` is written as for real numbers (Jacobian
    #: transposed, no conjugates): complex gradients then follow PyTorch's convention through
    #: ``conj(backward(conj(g)))`` (see _holomorphic)
    holomorphic = False

    def __init_subclass__(cls, **kw) -> None:
        super().__init_subclass__(**kw)
        if cls.__dict__.get("_is_node"):
            return
        _declare_params(cls)
        if cls.__dict__.get("holomorphic") or (cls.holomorphic and "backward" in cls.__dict__):
            cls.backward = _holomorphic(cls.__dict__["backward"])
        if cls.__dict__.get("reduced_float_in_float32") or (
                cls.reduced_float_in_float32 and "forward" in cls.__dict__):
            cls.forward = _computed_in_float32(cls.__dict__["forward"])
        # the graph node is an instance of a subclass named as PyTorch names the node
        node = type(cls.grad_fn_name, (cls,), {"__module__": cls.__module__, "_is_node": True,
                                               "__qualname__": cls.grad_fn_name})
        cls._node_cls = node
        node._node_cls = node

    def forward(self, *arrays):
        raise NotImplementedError(f"{type(self).__name__} has no forward")

    def backward(self, *grads):
        raise RuntimeError(f"the derivative for '{self.name()}' is not implemented.")

    @property
    def needs_input_grad(self) -> tuple:
        """One bool per positional input: does it need a gradient (as ``ctx.needs_input_grad``)."""
        return tuple([e[0] is not None for e in self.next_functions])

    # -- what backward needs ------------------------------------------------------------
    def save_inputs(self, *indices: int) -> None:
        self._save = self._save + indices if self._save else indices

    def save_outputs(self, *indices: int) -> None:
        self._save = self._save + tuple([~i for i in indices])

    def clear_saved(self) -> None:
        """Forget what ``save_inputs``/``save_outputs`` declared so far (for subclasses)."""
        self._save = ()

    @property
    def saved_tensors(self) -> tuple:
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        refs = self._saved_refs
        if refs is None:
            return ()
        out = []
        for kind, obj, box, version, idx in refs:
            if box[0] != version:
                raise RuntimeError(_modified_message(obj if kind == "in" else None, self, idx,
                                                     box[0], version, kind))
            if kind == "in":
                out.append(obj)
            elif kind == "hook":
                out.append(obj.unpack())
            else:
                t = _wrap(obj)
                t._requires_grad = True
                t.grad_fn = self
                t._output_nr = idx
                t._version_box = box
                if _saved_output_hook is not None:
                    _saved_output_hook(self, idx, t)
                out.append(t)
        return tuple(out)

    def _release(self) -> None:
        if self._saved_refs is not None:
            self._saved_refs = None
            self._freed = True

    # -- running -------------------------------------------------------------------------
    @classmethod
    def apply(cls, *inputs, **params):
        if _tracer is not None:
            return _tracer(cls, inputs, params)
        needs_grad = False
        if len(inputs) == 2:
            a, b = inputs
            if isinstance(a, Tensor):
                needs_grad = a._requires_grad
                a = a._data
            if isinstance(b, Tensor):
                needs_grad = needs_grad or b._requires_grad
                b = b._data
            arrays = (a, b)
        elif len(inputs) == 1:
            a = inputs[0]
            if isinstance(a, Tensor):
                needs_grad = a._requires_grad
                a = a._data
            arrays = (a,)
        else:
            arrays = []
            for x in inputs:
                if isinstance(x, Tensor):
                    arrays.append(x._data)
                    if x._requires_grad:
                        needs_grad = True
                else:
                    arrays.append(x)
        if needs_grad and _state.enabled:
            op = _new(cls._node_cls)
        else:
            needs_grad = False
            op = _new(cls)
        if params:
            if not cls._param_names.issuperset(params):
                raise _unknown_params(cls, params)
            op.__dict__.update(params)
        try:
            out = op.forward(*arrays)
        except ValueError as e:
            raise _broadcast_error(arrays, e) from None
        if needs_grad:
            return op._connect(inputs, out)
        if type(out) is tuple:
            res = tuple([_wrap(o) for o in out])
            if cls.is_view:
                _share_version(res, inputs[0])
            return res
        res = _wrap(out)
        if cls.is_view:
            _share_version((res,), inputs[0])
        return res

    def _connect(self, inputs, out):
        if len(inputs) == 2:
            a, b = inputs
            if isinstance(a, Tensor):
                arr = a._data
                ma = (arr.shape, _BY_NP[arr.dtype])
                if a._requires_grad:
                    fn = a.grad_fn
                    ea = (fn, a._output_nr) if fn is not None else _edge(a)
                else:
                    ea = _NO_EDGE
            else:
                ma, ea = None, _NO_EDGE
            if isinstance(b, Tensor):
                arr = b._data
                mb = (arr.shape, _BY_NP[arr.dtype])
                if b._requires_grad:
                    fn = b.grad_fn
                    eb = (fn, b._output_nr) if fn is not None else _edge(b)
                else:
                    eb = _NO_EDGE
            else:
                mb, eb = None, _NO_EDGE
            self.next_functions = (ea, eb)
            self._input_meta = (ma, mb)
        elif len(inputs) == 1 and inputs[0].__class__ is Tensor:
            a = inputs[0]
            arr = a._data
            fn = a.grad_fn
            self.next_functions = (((fn, a._output_nr) if fn is not None else _edge(a))
                                   if a._requires_grad else _NO_EDGE,)
            self._input_meta = ((arr.shape, _BY_NP[arr.dtype]),)
        else:
            edges = []
            meta = []
            for x in inputs:
                if isinstance(x, Tensor):
                    arr = x._data
                    meta.append((arr.shape, _BY_NP[arr.dtype]))
                    edges.append(_edge(x) if x._requires_grad else _NO_EDGE)
                else:
                    edges.append(_NO_EDGE)
                    meta.append(None)
            self.next_functions = tuple(edges)
            self._input_meta = tuple(meta)
        self._seq = next(_sequence)
        if anomaly_mode._enabled:
            anomaly_mode.record(self)
        if type(out) is not tuple:
            self._out_meta = ((out.shape, out.dtype),)
            t = _wrap(out)
            if out.dtype.kind in "fcV" and 0 not in self.non_differentiable:
                t._requires_grad = True
                t.grad_fn = self
            results = (t,)
        else:
            self._n_outputs = len(out)
            self._out_meta = tuple([(o.shape, o.dtype) for o in out])
            nd = self.non_differentiable
            results = []
            for i, o in enumerate(out):
                t = _wrap(o)
                if i not in nd and o.dtype.kind in "fcV":
                    t._requires_grad = True
                    t.grad_fn = self
                    t._output_nr = i
                results.append(t)
        if self.is_view:
            _share_version(results, inputs[0])
        if self._save:
            refs = []
            for i in self._save:
                if i >= 0:
                    x = inputs[i]
                    if isinstance(x, Tensor):
                        box = x._version_box
                        refs.append(("in", x, box, box[0], i))
                    else:
                        refs.append(("in", x, _CONST_BOX, 0, i))
                else:
                    r = results[~i]
                    box = r._version_box
                    refs.append(("out", r._data, box, box[0], ~i))
            self._saved_refs = pack_saved_refs(refs, results) if _hook_stack else refs
        return tuple(results) if type(out) is tuple else results[0]


_NO_EDGE = (None, 0)


def _holomorphic(backward):
    """``backward`` giving PyTorch's complex gradients (the conjugate-transposed Jacobian times
    ``g``) from a formula written for real numbers: ``conj(backward(conj(g)))``; real
    gradients go straight through."""
    if getattr(backward, "_holomorphic", False):
        return backward

    def run(self, *grads):
        if not any(g is not None and g.is_complex() for g in grads):
            return backward(self, *grads)
        out = backward(self, *[g.conj() if g is not None and g.is_complex() else g
                               for g in grads])
        if type(out) is not tuple:
            return out.conj() if out is not None and out.is_complex() else out
        return tuple([o.conj() if o is not None and o.is_complex() else o for o in out])

    run._holomorphic = True
    run.__name__, run.__qualname__, run.__doc__ = (backward.__name__, backward.__qualname__,
                                                   backward.__doc__)
    return run


def _computed_in_float32(forward):
    """``forward`` with bfloat16 (kind ``V``) array inputs widened to float32 and float32
    results rounded back once, when no input is a wider float (which would make the result
    one). A ``dtype`` parameter naming a reduced type (``sum(dtype=...)``, or a sum's own
    bfloat16 result type) is computed in float32 too; any other ``dtype`` is kept."""
    if getattr(forward, "_in_float32", False):
        return forward

    def run(self, *arrays):
        want = getattr(self, "dtype", None)
        low = want if getattr(want, "kind", None) == "V" else None
        for a in arrays:
            k = getattr(getattr(a, "dtype", None), "kind", None)
            if k == "V":
                if low is None:
                    low = a.dtype
            elif k in ("f", "c") and want is None:
                return forward(self, *arrays)
        if low is None:
            return forward(self, *arrays)
        wide = [a.astype("float32") if getattr(getattr(a, "dtype", None), "kind", None) == "V"
                else a for a in arrays]
        if want is not None:
            if getattr(want, "kind", None) != "V":
                return forward(self, *wide)
            self.dtype = _float32_like(wide)
            try:
                out = forward(self, *wide)
            finally:
                self.dtype = want
        else:
            out = forward(self, *wide)
        if type(out) is tuple:
            return tuple([_narrow(o, low) for o in out])
        return _narrow(out, low)

    run._in_float32 = True
    run.__name__, run.__qualname__, run.__doc__ = (forward.__name__, forward.__qualname__,
                                                   forward.__doc__)
    return run


def _float32_like(arrays):
    """The float32 dtype of the array library of ``arrays`` (the first array among them)."""
    for a in arrays:
        if hasattr(a, "dtype") and hasattr(a, "astype"):
            return xp_of(a).dtype("float32")
    raise TypeError("a reduced-precision op needs an array input")


def _narrow(arr, low):
    dt = getattr(arr, "dtype", None)
    return arr.astype(low) if dt is not None and dt.kind == "f" and dt.itemsize == 4 else arr


def _declare_params(cls) -> None:
    """Collect ``params`` over the class's bases; refuse names that shadow node attributes."""
    declared = cls.__dict__.get("params", ())
    if isinstance(declared, str):
        raise TypeError(f"{cls.__name__}.params must be a tuple of names, not a string")
    names = set(declared)
    for base in cls.__mro__[1:]:
        names |= base.__dict__.get("_param_names", frozenset())
    for n in names:
        if n.startswith("_") or (hasattr(Op, n) and n != "params"):
            raise TypeError(f"{cls.__name__}: parameter name '{n}' would shadow an attribute "
                            "of the graph node")
    cls._param_names = frozenset(names)


def _unknown_params(cls, params) -> TypeError:
    unknown = sorted(set(params) - cls._param_names)
    return TypeError(f"{cls.__name__}.apply() got unexpected parameter(s) {unknown}; it "
                     f"accepts {sorted(cls._param_names)}")


def recording(a, b=None) -> bool:
    """Whether a call on tensors ``a`` (and ``b``) must go through ``Op.apply``'s recording
    path: the ONNX tracer is active, or grad mode is on and one of them requires grad. Public
    functions use it to choose an array fast path (``not recording(...)``) with one spelling.
    Non-Tensor arguments never record; two arguments keep the per-call cost at a few
    attribute reads (it runs before every fast ``a + b``)."""
    if _tracer is not None:
        return True
    if not _state.enabled:
        return False
    return ((a.__class__ is Tensor or isinstance(a, Tensor)) and a._requires_grad) or (
        b is not None and (b.__class__ is Tensor or isinstance(b, Tensor)) and b._requires_grad)


def _edge(x) -> tuple:
    """``edge_of`` for a tensor that requires grad."""
    fn = x.grad_fn
    if fn is not None:
        return (fn, x._output_nr)
    ref = x._acc
    if ref is not None:
        acc = ref()
        if acc is not None:
            return (acc, 0)
    return (grad_accumulator(x), 0)
_CONST_BOX = [0]


def broadcast_message(sa, sb) -> str | None:
    """PyTorch's error text for shapes that do not broadcast (None when they do)."""
    n = max(len(sa), len(sb))
    for k in range(n - 1, -1, -1):
        i, j = k - (n - len(sa)), k - (n - len(sb))
        x = sa[i] if i >= 0 else 1
        y = sb[j] if j >= 0 else 1
        if x != y and x != 1 and y != 1:
            return (f"The size of tensor a ({x}) must match the size of tensor b ({y}) at "
                    f"non-singleton dimension {k}")
    return None


def _broadcast_error(arrays, exc):
    shapes = [a.shape for a in arrays if hasattr(a, "shape")]
    for i in range(len(shapes)):
        for j in range(i + 1, len(shapes)):
            msg = broadcast_message(shapes[i], shapes[j])
            if msg is not None:
                return RuntimeError(msg)
    return exc


def _share_version(results, base) -> None:
    root = base._base if base._base is not None else base
    for r in results:
        r._version_box = base._version_box
        r._base = root


def _modified_message(tensor, node, idx, now, expected, kind) -> str:
    if kind == "out":
        shape = node._out_meta[idx][0]
        dt = node._out_meta[idx][1]
        where = f", which is output {idx} of {_short(node)},"
    else:
        shape = tensor._data.shape
        dt = tensor._data.dtype
        fn = tensor.grad_fn
        where = f", which is output {tensor._output_nr} of {_short(fn)}," if fn is not None else ""
    from .._dtype import from_numpy_dtype

    tname = from_numpy_dtype(dt).legacy_name
    return ("one of the variables needed for gradient computation has been modified by an "
            f"inplace operation: [torch.{tname} [{', '.join(str(s) for s in shape)}]]{where} is "
            f"at version {now}; expected version {expected} instead. Hint: enable anomaly "
            "detection to find the operation that failed to compute its gradient, with "
            "torch.autograd.set_detect_anomaly(True, check_nan=False).")


def _short(node) -> str:
    return re.sub(r"Backward\d*$", "", node.name())


# -- argument helpers shared by the op families ---------------------------------------------
def result_np_dtype(a, b):
    """The NumPy dtype of ``a <op> b`` under PyTorch's promotion (Tensors or Python scalars)."""
    if isinstance(a, Tensor):
        da = a._data.dtype
        if isinstance(b, Tensor):
            db = b._data.dtype
            if da is db or da == db:
                return da
        else:
            k = da.kind
            tb = b.__class__
            if (tb is float and k in "fc") or (tb is int and k in "iufc") or tb is bool:
                return da
    elif isinstance(b, Tensor):
        k = b._data.dtype.kind
        ta = a.__class__
        if (ta is float and k in "fc") or (ta is int and k in "iufc") or ta is bool:
            return b._data.dtype
    return D.to_numpy_dtype(D.result_type(a, b))


def float_np_dtype(arr):
    """The dtype a floating-only op computes in: the input's if floating, else the default."""
    if arr.dtype.kind in "fcV":
        return arr.dtype
    from .. import _dtype as D

    return D.get_default_dtype().np


def wrap_dim(dim: int, ndim: int) -> int:
    """Normalise a possibly negative dim; PyTorch's IndexError when out of range."""
    n = ndim if ndim > 0 else 1
    if not -n <= dim < n:
        raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, {n - 1}], "
                         f"but got {dim})")
    return dim + n if dim < 0 else dim


def write_out(out, result):
    """Copy ``result`` into the ``out=`` tensor (resizing it if needed) and return ``out``."""
    if out is None:
        return result
    if _state.enabled and (out._requires_grad or result._requires_grad):
        import sys

        frame = sys._getframe(1)
        name = frame.f_code.co_name.strip("_")
        if name == "fn" and "cls" in frame.f_locals:  # the generated unary functions
            name = frame.f_locals["cls"].__name__.lower()
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    arr = result._data
    if out._data.shape != arr.shape:
        out._data = arr.astype(out._data.dtype, copy=True)
    else:
        prepare_out(out._data)
        out._data[...] = arr
    out._bump_version()
    return out
