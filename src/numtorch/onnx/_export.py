"""``numtorch.onnx.export``: trace a model once and write it as an ONNX file."""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

from .._tensor import Tensor
from ..autograd import grad_mode
from ._graph import Graph
from ._tracer import Tracer, Value

#: PyTorch 2.13's default (``torch.onnx._constants.ONNX_DEFAULT_OPSET``)
DEFAULT_OPSET = 20
MIN_OPSET = 13
MAX_OPSET = 21


#: torch.onnx.export options accepted and ignored (they select PyTorch's own exporter paths)
_ACCEPTED = {"dynamo", "external_data", "custom_translation_table", "report", "optimize",
             "verify", "profile", "dump_exported_program", "artifacts_dir", "training",
             "operator_export_type", "do_constant_folding", "custom_opsets",
             "export_modules_as_functions", "autograd_inlining"}


def _import_onnx():
    try:
        import onnx
    except ImportError as e:
        raise ImportError("numtorch.onnx.export requires the 'onnx' package: "
                          "pip install numtorch[onnx]") from e
    return onnx


def export(model, args: Any = (), f=None, *, kwargs: dict | None = None,
           input_names: Sequence[str] | None = None,
           output_names: Sequence[str] | None = None,
           opset_version: int | None = None,
           dynamic_axes: Mapping[str, Mapping[int, str] | Sequence[int]] | None = None,
           export_params: bool = True, verbose: bool | None = None,
           keep_initializers_as_inputs: bool = False, dynamic_shapes=None, **options: Any):
    """Export ``model`` to ONNX as ``torch.onnx.export`` does (its ``dynamic_axes`` form).

    ``model`` runs once on ``args`` (a Tensor or a tuple; a trailing dict holds keyword
    arguments) in eval mode (each module's ``training`` flag is restored afterwards); every op it
    runs is recorded and lowered to ONNX. Weights become initializers named by their
    ``state_dict`` keys; Tensors made inside ``forward`` and values computed from weights alone
    become constants; Python control flow and sizes are fixed at their traced values, except the
    axes named in ``dynamic_axes``. ``f`` is a path or a binary file object; with ``f=None`` the
    ``onnx.ModelProto`` is returned instead of written. ``opset_version`` defaults to 20, as in
    PyTorch 2.13. An op without an ONNX lowering raises an error naming the op.
    """
    unknown = sorted(set(options) - _ACCEPTED)
    if unknown:
        raise TypeError(f"export() got an unexpected keyword argument '{unknown[0]}'")
    if keep_initializers_as_inputs or dynamic_shapes is not None:
        raise NotImplementedError("numtorch.onnx.export supports neither "
                                  "keep_initializers_as_inputs=True nor dynamic_shapes (use "
                                  "dynamic_axes)")
    onnx = _import_onnx()
    from ._lowering import lower

    opset = DEFAULT_OPSET if opset_version is None else int(opset_version)
    if not MIN_OPSET <= opset <= MAX_OPSET:
        raise ValueError(f"Unsupported ONNX opset version: {opset}. numtorch.onnx.export "
                         f"supports opset versions {MIN_OPSET} to {MAX_OPSET}.")
    if not export_params:
        raise NotImplementedError("numtorch.onnx.export: export_params=False is not supported")
    args, kwargs = _split_args(args, kwargs)

    graph = Graph(onnx, opset)
    tracer = Tracer(graph, lower)
    graph.tracer = tracer
    modules = list(model.modules()) if hasattr(model, "modules") else []
    flags = [m.training for m in modules]
    try:
        if hasattr(model, "train"):
            model.train(False)
        _add_weights(tracer, model)
        names = _input_names(model, args, input_names)
        call_args, graph_inputs = [], []
        it = iter(names)
        for a in args:
            if isinstance(a, Tensor):
                name = next(it)
                graph.reserve(name)
                call_args.append(_traced_input(tracer, a, name))
                graph_inputs.append((name, a._data.dtype, a._data.shape))
            else:
                call_args.append(a)
        handles = _scope_hooks(graph, model)
        try:
            with grad_mode.enable_grad(), tracer:
                result = model(*call_args, **kwargs)
        finally:
            for h in handles:
                h.remove()
        outs = _flatten_outputs(result)
        out_vals = [tracer.value_of(t) for t in outs]
    finally:
        for m, flag in zip(modules, flags):
            m.training = flag
    out_names = list(output_names or [])
    for i in range(len(out_names), len(out_vals)):
        out_names.append("output" if len(out_vals) == 1 else f"output_{i}")
    dims = _dynamic_dims(dynamic_axes, [n for n, _, _ in graph_inputs], out_names)
    inputs = [(n, dt, _dims(shape, dims.get(n))) for n, dt, shape in graph_inputs]
    dynamic_in = any(n in dims for n, _, _ in graph_inputs)
    outputs = []
    for v, n in zip(out_vals, out_names):
        d = dims.get(n)
        outputs.append((v, n, None if d is None and dynamic_in else _dims(v.shape, d)))
    proto = graph.model(inputs, outputs)
    if dynamic_in:
        _infer_output_shapes(onnx, proto, outputs)
    if verbose:
        print(onnx.printer.to_text(proto.graph))
    if f is None:
        return proto
    onnx.save_model(proto, f)
    return None


def _split_args(args, kwargs):
    if isinstance(args, Tensor):
        args = (args,)
    elif not isinstance(args, tuple):
        args = tuple(args) if isinstance(args, list) else (args,)
    kw = dict(kwargs or {})
    if args and isinstance(args[-1], dict):
        kw.update(args[-1])
        args = args[:-1]
    return args, kw


def _add_weights(tracer: Tracer, model) -> None:
    if not hasattr(model, "state_dict"):
        return
    for name, t in model.state_dict(keep_vars=True).items():
        if isinstance(t, Tensor):
            tracer.add_param(name, t)
    for name, t in model.named_buffers():
        if isinstance(t, Tensor):
            tracer.add_param(name, t)


def _scope_hooks(graph: Graph, model) -> list:
    """Name nodes after the modules that ran them, as PyTorch does
    (``/linear_relu_stack/linear_relu_stack.0/Gemm``)."""
    if not hasattr(model, "named_modules"):
        return []
    handles = []
    for name, m in model.named_modules():
        if not name:
            continue
        handles.append(m.register_forward_pre_hook(
            lambda mod, args, name=name: graph.scope.append(name)))
        handles.append(m.register_forward_hook(lambda mod, args, out: _pop(graph.scope)))
    return handles


def _pop(stack: list) -> None:
    if stack:
        stack.pop()


def _input_names(model, args, given) -> list[str]:
    n = sum(isinstance(a, Tensor) for a in args)
    names = list(given or [])[:n]
    try:
        fn = model.forward if hasattr(model, "forward") else model
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    k = 0
    for i, a in enumerate(args):
        if not isinstance(a, Tensor):
            continue
        if k >= len(names):
            default = params[i] if i < len(params) else f"input_{k}"
            while default in names:
                default += "_"
            names.append(default)
        k += 1
    return names


def _traced_input(tracer: Tracer, a: Tensor, name: str) -> Tensor:
    """A stand-in for ``a`` whose ops are all recorded: it requires grad (so indexing and
    in-place ops go through the graph) and is not a leaf (so in-place ops on it are allowed)."""
    arr = a._data
    if arr.dtype.kind in "fcV":
        with grad_mode.enable_grad():
            t = Tensor._from_array(arr, requires_grad=True).clone()
    else:
        t = Tensor._from_array(arr.copy())
    v = Value(arr.shape, arr.dtype)
    v.name = name
    tracer.bind(t, v)
    return t


def _flatten_outputs(result) -> list:
    if isinstance(result, Tensor):
        return [result]
    if isinstance(result, Mapping):
        result = list(result.values())
    if isinstance(result, (tuple, list)):
        out = []
        for r in result:
            out.extend(_flatten_outputs(r))
        return out
    raise TypeError(f"numtorch.onnx.export: the model returned {type(result).__name__}; "
                    "only Tensors and (nested) tuples, lists and dicts of Tensors can be "
                    "exported")


def _dynamic_dims(dynamic_axes, in_names, out_names) -> dict:
    dims: dict = {}
    for key, axes in (dynamic_axes or {}).items():
        valid = key in in_names or key in out_names
        if not valid:
            warnings.warn(f"Provided key {key} for dynamic axes is not a valid input/output "
                          "name", stacklevel=3)
        if isinstance(axes, Mapping):
            named = {int(a): str(n) for a, n in axes.items()}
        else:
            warnings.warn("No names were found for specified dynamic axes of provided input."
                          "Automatically generated names will be applied to each dynamic axes "
                          f"of input {key}", stacklevel=3)
            named = {int(a): f"{key}_dynamic_axes_{i + 1}" for i, a in enumerate(axes)}
        if valid:
            dims[key] = named
    return dims


def _dims(shape, named) -> list:
    out = list(shape)
    for axis, name in (named or {}).items():
        out[axis] = name
    return out


def _infer_output_shapes(onnx, proto, outputs) -> None:
    """Fill the shapes of outputs not named in ``dynamic_axes`` by ONNX shape inference."""
    todo = {name: v for v, name, dims in outputs if dims is None}
    try:
        inferred = onnx.shape_inference.infer_shapes(proto)
        found = {o.name: o for o in inferred.graph.output}
    except Exception:  # noqa: BLE001 - fall back to the traced shapes
        found = {}
    for o in proto.graph.output:
        if o.name not in todo:
            continue
        src = found.get(o.name)
        if src is not None and src.type.tensor_type.HasField("shape"):
            o.type.tensor_type.shape.CopyFrom(src.type.tensor_type.shape)
        else:
            shape = o.type.tensor_type.shape
            for s in todo[o.name].shape:
                shape.dim.add().dim_value = s
