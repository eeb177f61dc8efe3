"""``numtorch.autograd``: backward, grad, Function, grad-mode switches and anomaly detection."""

from __future__ import annotations

from .anomaly_mode import detect_anomaly, set_detect_anomaly
from .function import Function
from .grad_mode import enable_grad, inference_mode, no_grad, set_grad_enabled
from .gradcheck import gradcheck, gradgradcheck

__all__ = ["backward", "grad", "Function", "no_grad", "enable_grad", "set_grad_enabled",
           "inference_mode", "detect_anomaly", "set_detect_anomaly", "gradcheck", "gradgradcheck"]


def _as_tuple(x):
    if x is None:
        return None
    from .._tensor import Tensor

    if isinstance(x, Tensor):
        return (x,)
    from .graph import GradientEdge

    if isinstance(x, GradientEdge):
        return (x,)
    return tuple(x)


def _make_grads(outputs, grad_outputs):
    from .._ops.creation import ones_like
    from .._tensor import Tensor

    grads = []
    for i, out in enumerate(outputs):
        g = grad_outputs[i] if grad_outputs is not None and i < len(grad_outputs) else None
        if g is None:
            if out._requires_grad and out._data.size != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            g = ones_like(out)
        elif not isinstance(g, Tensor):
            from .._ops.creation import full_like

            g = full_like(out, g)
        elif g._data.shape != out._data.shape:
            from .._tensor import Size

            raise RuntimeError(f"Mismatch in shape: grad_output[{i}] has a shape of "
                               f"{Size(g._data.shape)} and output[{i}] has a shape of "
                               f"{Size(out._data.shape)}.")
        grads.append(g)
    return grads


def _check_roots(outputs):
    for i, out in enumerate(outputs):
        if not out._requires_grad:
            raise RuntimeError(f"element {i} of tensors does not require grad and does not have "
                               "a grad_fn")


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph: bool = False,
             inputs=None) -> None:
    """Accumulate gradients of ``tensors`` into the graph's leaves (``torch.autograd.backward``)."""
    from .engine import run_backward

    outputs = _as_tuple(tensors)
    grad_tensors = _as_tuple(grad_tensors)
    _check_roots(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    grads = _make_grads(outputs, grad_tensors)
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    if create_graph:
        import warnings

        warnings.warn("Using backward() with create_graph=True will create a reference cycle "
                      "between the parameter and its gradient which can cause a memory leak. We "
                      "recommend using autograd.grad when creating the graph to avoid this. If "
                      "you have to use this function, make sure to reset the .grad fields of "
                      "your parameters to None after use to break the cycle and avoid the leak.",
                      UserWarning, stacklevel=3)
    captured = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                            accumulate=True, allow_unused=True)
    if inputs is not None:
        for t, g in zip(inputs, captured):
            if t.grad_fn is not None and g is not None:
                g = g if create_graph else g.detach()
                t._grad = g if t._grad is None else t._grad + g


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph: bool = False,
         only_inputs: bool = True, allow_unused=None, is_grads_batched: bool = False,
         materialize_grads: bool = False):
    """Gradients of ``outputs`` with respect to ``inputs``, without touching ``.grad``."""
    from .engine import run_backward

    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    _check_roots(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    grads = _make_grads(outputs, _as_tuple(grad_outputs))
    res = run_backward(outputs, grads, retain_graph, create_graph, inputs=inputs,
                       accumulate=False, allow_unused=allow_unused)
    out = []
    for t, g in zip(inputs, res):
        if g is None and materialize_grads:
            from .._ops.creation import zeros_like

            g = zeros_like(t)
        elif g is not None and not create_graph:
            g = g.detach()
        out.append(g)
    return tuple(out)


def variable(*args, **kwargs):
    """Removed in torch: raises its RuntimeError pointing to ``torch.tensor``."""
    raise RuntimeError("torch.autograd.variable(...) is deprecated, use torch.tensor(...) "
                       "instead")


_variable = variable


class set_multithreading_enabled:  # noqa: N801 - torch's name
    """``torch.autograd.set_multithreading_enabled(mode)``: numtorch's backward runs on the
    calling thread whatever the mode, so this only records it (context manager)."""

    enabled = True

    def __init__(self, mode: bool) -> None:
        self.prev = set_multithreading_enabled.enabled
        set_multithreading_enabled.enabled = bool(mode)

    def __enter__(self) -> None:
        return None

    def __exit__(self, *exc) -> None:
        set_multithreading_enabled.enabled = self.prev


def __getattr__(name):
    if name == "Variable":
        from .variable import Variable

        globals()["variable"] = _variable  # importing the module rebinds the name, as in torch
        globals()["Variable"] = Variable
        return Variable
    if name in ("graph", "function", "grad_mode", "anomaly_mode", "engine", "forward_ad",
                "functional"):
        import importlib

        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'numtorch.autograd' has no attribute '{name}'")
