"""``torch.utils.checkpoint``: trade compute for memory by recomputing a region in backward.

Two variants, as in PyTorch:

* reentrant (``use_reentrant=True``): the region runs under ``no_grad`` inside an
  ``autograd.Function`` that keeps only its inputs; its backward reruns the region with grad
  enabled and backpropagates through that fresh graph (a nested backward).
* non-reentrant (``use_reentrant=False``): the region runs normally, but under
  ``saved_tensors_hooks`` whose pack keeps only a position; the first unpack in a backward
  reruns the region and hands out the recomputed tensors, each once.

Both restore the CPU generator's state before recomputing (``preserve_rng_state``), so dropout
draws the same mask.
"""

from __future__ import annotations

import contextlib
import enum
import warnings
from collections.abc import Callable
from typing import Any

from .. import _random
from .._tensor import Tensor
from ..autograd import graph as _graph
from ..autograd.function import Function
from ..autograd.grad_mode import enable_grad

__all__ = ["checkpoint", "checkpoint_sequential", "CheckpointError", "CheckpointFunction",
           "check_backward_validity", "detach_variable", "get_device_states",
           "set_device_states", "noop_context_fn", "set_checkpoint_early_stop",
           "DefaultDeviceType", "set_checkpoint_debug_enabled", "CheckpointPolicy"]

_REENTRANT_DEFAULT_WARNING = (
    "torch.utils.checkpoint: the use_reentrant parameter should be passed explicitly. Starting "
    "in PyTorch 2.9, calling checkpoint without use_reentrant will raise an exception. "
    "use_reentrant=False is recommended, but if you need to preserve the current default "
    "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
    "differences between the two variants.")
_SEQUENTIAL_DEFAULT_WARNING = (
    "torch.utils.checkpoint.checkpoint_sequential: the use_reentrant parameter should be passed "
    "explicitly. In version 2.9 we will raise an exception if use_reentrant is not passed. "
    "use_reentrant=False is recommended, but if you need to preserve the current default "
    "behavior, you can pass use_reentrant=True. Refer to docs for more details on the "
    "differences between the two variants.")

_TIP = (
    "\n\nTip: To see a more detailed error message, either pass `debug=True` to\n"
    "`torch.utils.checkpoint.checkpoint(...)` or wrap the code block\n"
    "with `with torch.utils.checkpoint.set_checkpoint_debug_enabled(True):` to\n"
    "enable checkpoint\u2011debug mode globally.\n\n"
    "If this error occurs under torch.compile with automatic_dynamic_shapes enabled,\n"
    "it may be because the recomputation selected a different compiled graph than the\n"
    "forward pass (e.g., a dynamic graph instead of the original static graph).\n"
    "To fix this, either:\n"
    "  - Use torch._dynamo.mark_dynamic() to explicitly mark varying dimensions as\n"
    "    dynamic upfront, avoiding the static-to-dynamic transition.\n"
    "  - Call torch._C._dynamo.eval_frame._set_lru_cache(False) to disable LRU cache\n"
    "    reordering, which can change which graph is checked first between forward\n"
    "    and recompute.\n"
    "See https://github.com/pytorch/pytorch/issues/166926 for more details and\n"
    "workaround examples.\n")


class CheckpointError(RuntimeError):
    """Raised when the recomputation does not save what the forward saved."""


class CheckpointPolicy(enum.Enum):
    """The per-op policies of selective checkpointing (``torch.utils.checkpoint``); numtorch
    defines the names but does not implement selective checkpointing."""

    MUST_SAVE = 0
    PREFER_SAVE = 1
    MUST_RECOMPUTE = 2
    PREFER_RECOMPUTE = 3
    MUST_CPU_OFFLOAD = 4
    PREFER_CPU_OFFLOAD = 5


class DefaultDeviceType:
    """The device type whose RNG state checkpoint preserves besides the CPU's (``"cuda"``)."""

    _default_device_type = "cuda"

    @staticmethod
    def set_device_type(device: str = "cuda") -> None:
        DefaultDeviceType._default_device_type = device

    @staticmethod
    def get_device_type() -> str:
        return DefaultDeviceType._default_device_type


def noop_context_fn() -> tuple:
    """The default ``context_fn``: two null contexts (forward, recomputation)."""
    return contextlib.nullcontext(), contextlib.nullcontext()


def detach_variable(inputs: tuple) -> tuple:
    """Each Tensor detached, keeping its ``requires_grad`` (``torch.utils.checkpoint``)."""
    if not isinstance(inputs, tuple):
        raise RuntimeError("Only tuple of tensors is supported. Got Unsupported input type: "
                           f"{type(inputs).__name__}")
    out = []
    for x in inputs:
        if isinstance(x, Tensor):
            d = x.detach()
            d.requires_grad = x.requires_grad
            out.append(d)
        else:
            out.append(x)
    return tuple(out)


def check_backward_validity(inputs) -> None:
    """Warn as PyTorch does when no Tensor input requires grad."""
    if not any(isinstance(x, Tensor) and x.requires_grad for x in inputs):
        warnings.warn("None of the inputs have requires_grad=True. Gradients will be None",
                      stacklevel=2)


def get_device_states(*args) -> tuple[list, list]:
    """RNG states of the accelerators the Tensor arguments live on: none on numtorch's CPU."""
    return [], []


def set_device_states(devices, states, *, device_type=None) -> None:
    """Counterpart of ``get_device_states`` (nothing to restore on the CPU)."""


@contextlib.contextmanager
def _rng_replay(preserve: bool, state):
    """Run the block with the generator at ``state``, then put the current state back."""
    if not preserve:
        yield
        return
    current = _random.get_rng_state()
    _random.set_rng_state(state)
    try:
        yield
    finally:
        _random.set_rng_state(current)


_early_stop: list = [True]
_debug_enabled: list = [None]


@contextlib.contextmanager
def set_checkpoint_early_stop(enable: bool):
    """Whether non-reentrant recomputation stops once it has every tensor backward needs
    (``torch.utils.checkpoint.set_checkpoint_early_stop``)."""
    prev = _early_stop[0]
    _early_stop[0] = enable
    try:
        yield
    finally:
        _early_stop[0] = prev


@contextlib.contextmanager
def set_checkpoint_debug_enabled(enabled: bool | None):
    """Accepted for compatibility; numtorch's error messages carry no operator trace."""
    prev = _debug_enabled[0]
    _debug_enabled[0] = enabled
    try:
        yield
    finally:
        _debug_enabled[0] = prev


# -- reentrant -------------------------------------------------------------------------------------
def _backward_has_inputs() -> bool:
    tasks = _graph._tasks
    return bool(tasks) and tasks[-1].needed is not None


class CheckpointFunction(Function):
    """The reentrant variant: forward under no_grad, backward recomputes and backpropagates."""

    @staticmethod
    def forward(ctx, run_function, preserve_rng_state, *args):
        check_backward_validity(args)
        ctx.run_function = run_function
        ctx.preserve_rng_state = preserve_rng_state
        if preserve_rng_state:
            ctx.fwd_cpu_state = _random.get_rng_state()
        ctx.inputs = [None if isinstance(a, Tensor) else a for a in args]
        ctx.tensor_indices = [i for i, a in enumerate(args) if isinstance(a, Tensor)]
        ctx.save_for_backward(*[args[i] for i in ctx.tensor_indices])
        return run_function(*args)

    @staticmethod
    def backward(ctx, *grads):
        if _backward_has_inputs():
            raise RuntimeError(
                "When use_reentrant=True, torch.utils.checkpoint is incompatible with .grad() or "
                "passing an `inputs` parameter to .backward(). To resolve this error, you can "
                "either set use_reentrant=False, or call .backward() without passing the "
                "`inputs` argument.")
        inputs = list(ctx.inputs)
        for i, t in zip(ctx.tensor_indices, ctx.saved_tensors):
            inputs[i] = t
        state = ctx.fwd_cpu_state if ctx.preserve_rng_state else None
        with _rng_replay(ctx.preserve_rng_state, state):
            detached = detach_variable(tuple(inputs))
            with enable_grad():
                outputs = ctx.run_function(*detached)
        if isinstance(outputs, Tensor):
            outputs = (outputs,)
        roots, seeds = [], []
        for out, g in zip(outputs, grads):
            if isinstance(out, Tensor) and out.requires_grad:
                roots.append(out)
                seeds.append(g)
        if not roots:
            raise RuntimeError("none of output has requires_grad=True, this checkpoint() is not "
                               "necessary")
        from ..autograd import backward

        backward(roots, seeds)
        return (None, None) + tuple(x.grad if isinstance(x, Tensor) else None for x in detached)


# -- non-reentrant ---------------------------------------------------------------------------------
class _StopRecomputation(Exception):
    pass


_CONSUMED = object()


def _metadata(t) -> dict:
    return {"shape": t.shape, "dtype": t.dtype, "device": t.device}


class _Frame:
    """One checkpointed call: what its forward saved (metadata only) and, per backward, the
    recomputed tensors, each handed out once."""

    def __init__(self, recompute, early_stop: bool, check: bool) -> None:
        self.recompute = recompute
        self.early_stop = early_stop
        self.check = check
        self.saved_meta: list = []
        self.task = None  # weak reference to the backward the values were recomputed for
        self.values: list | None = None

    def pack(self, tensor) -> int:
        self.saved_meta.append(_metadata(tensor))
        return len(self.saved_meta) - 1

    def unpack(self, idx: int):
        task = _graph._tasks[-1] if _graph._tasks else None
        values = self.values
        if (values is None or values[idx] is _CONSUMED
                or (self.task() if self.task is not None else None) is not task):
            values = self.values = self._recompute()
            self.task = None if task is None else _graph._ref(task)
        value = values[idx]
        values[idx] = _CONSUMED
        return value

    def _recompute(self) -> list:
        n = len(self.saved_meta)
        values: list = []

        def pack(tensor):
            if len(values) >= n:
                raise CheckpointError("torch.utils.checkpoint: trying to save more tensors "
                                      "during recomputation than during the original forward "
                                      "pass." + _TIP)
            values.append(tensor.detach())
            if self.early_stop and len(values) == n:
                raise _StopRecomputation
            return None

        def unpack(_):
            raise CheckpointError("torch.utils.checkpoint: a tensor saved during recomputation "
                                  "was unpacked")

        with _graph.saved_tensors_hooks(pack, unpack):
            try:
                self.recompute()
            except _StopRecomputation:
                pass
        if len(values) != n:
            raise CheckpointError(
                "torch.utils.checkpoint: A different number of tensors was saved during the "
                f"original forward and recomputation.\nNumber of tensors saved during forward: "
                f"{n}\nNumber of tensors saved during recomputation: {len(values)}." + _TIP)
        if self.check:
            bad = []
            for i, (meta, t) in enumerate(zip(self.saved_meta, values)):
                now = _metadata(t)
                if now != meta:
                    bad.append(f"tensor at position {i}:\nsaved metadata: {meta}\n"
                               f"recomputed metadata: {now}\n")
            if bad:
                raise CheckpointError(
                    "torch.utils.checkpoint: Recomputed values for the following tensors have "
                    "different metadata than during the forward pass.\n" + "".join(bad) + "."
                    + _TIP)
        return values


def _checkpoint_without_reentrant(function, preserve_rng_state, context_fn, determinism_check,
                                  early_stop, args, kwargs):
    if determinism_check not in ("default", "none"):
        raise ValueError("determinism_check should be one of ['default', 'none'], but got "
                         f"{determinism_check}")
    forward_ctx, recompute_ctx = context_fn()
    state = _random.get_rng_state() if preserve_rng_state else None

    def recompute():
        with _rng_replay(preserve_rng_state, state), enable_grad(), recompute_ctx:
            function(*args, **kwargs)

    frame = _Frame(recompute, early_stop and _early_stop[0], determinism_check == "default")
    with _graph.saved_tensors_hooks(frame.pack, frame.unpack), forward_ctx:
        return function(*args, **kwargs)


# -- public entry points ---------------------------------------------------------------------------
def checkpoint(function: Callable, *args, use_reentrant: bool | None = None,
               context_fn: Callable[[], tuple] = noop_context_fn,
               determinism_check: str = "default", debug: bool = False, early_stop: bool = True,
               **kwargs) -> Any:
    """Run ``function(*args, **kwargs)`` keeping only what recomputing it needs
    (``torch.utils.checkpoint.checkpoint``): same outputs and gradients as a plain call.

    ``use_reentrant`` left out warns and means ``True``, as in PyTorch 2.13;
    ``preserve_rng_state`` (default True) replays the CPU generator. ``debug`` adds no operator
    trace to errors, and selective checkpointing (``create_selective_checkpoint_contexts``) is
    not implemented. Ops that keep arrays on their node rather than in ``saved_tensors`` are not
    recomputed: they keep their memory, with the same gradients.
    """
    if use_reentrant is None:
        warnings.warn(_REENTRANT_DEFAULT_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if use_reentrant:
        if context_fn is not noop_context_fn or debug is not False:
            raise ValueError("Passing `context_fn` or `debug` is only supported when "
                             "use_reentrant=False.")
        if kwargs:
            raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))
        return CheckpointFunction.apply(function, preserve, *args)
    return _checkpoint_without_reentrant(function, preserve, context_fn, determinism_check,
                                         early_stop, args, kwargs)


def checkpoint_sequential(functions, segments: int, input, use_reentrant: bool | None = None,
                          **kwargs):
    """Checkpoint a sequential model in ``segments`` chunks; the last chunk runs normally
    (``torch.utils.checkpoint.checkpoint_sequential``)."""
    if use_reentrant is None:
        warnings.warn(_SEQUENTIAL_DEFAULT_WARNING, stacklevel=2)
        use_reentrant = True
    preserve = kwargs.pop("preserve_rng_state", True)
    if kwargs:
        raise ValueError("Unexpected keyword arguments: " + ",".join(kwargs))

    def run(start: int, end: int):
        def segment(x):
            for j in range(start, end + 1):
                x = functions[j](x)
            return x
        return segment

    from ..nn import Sequential

    if isinstance(functions, Sequential):
        functions = list(functions.children())
    size = len(functions) // segments
    end = -1
    for start in range(0, size * (segments - 1), size):
        end = start + size - 1
        input = checkpoint(run(start, end), input, use_reentrant=use_reentrant,
                           preserve_rng_state=preserve)
    return run(end + 1, len(functions) - 1)(input)
