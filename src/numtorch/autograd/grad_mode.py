"""Grad mode: ``no_grad``, ``enable_grad``, ``set_grad_enabled``, ``inference_mode``.

Each works as a context manager and as a decorator, like PyTorch's.
"""

from __future__ import annotations

import functools
import inspect
import threading


class _State(threading.local):
    enabled = True
    inference = False


state = _State()


def is_grad_enabled() -> bool:
    """Whether operations record a graph for autograd."""
    return state.enabled


def is_inference_mode_enabled() -> bool:
    return state.inference


def backward_builds_graph() -> bool:
    """Inside a node's backward: whether the gradients must be built from recorded
    (differentiable) ops. The engine turns grad mode on during backward exactly when
    ``create_graph=True``; otherwise plain array math is enough."""
    return state.enabled


class _DecoratorContextManager:
    """Base for grad-mode switches usable with ``with`` and as ``@decorator``."""

    def __call__(self, func):
        if inspect.isclass(func):
            raise RuntimeError("Applying a grad mode decorator to a class is not supported")
        if inspect.isgeneratorfunction(func):
            @functools.wraps(func)
            def gen_wrapper(*args, **kwargs):
                gen = func(*args, **kwargs)
                with self.clone():
                    response = gen.send(None)
                while True:
                    try:
                        request = yield response
                    except GeneratorExit:
                        gen.close()
                        raise
                    with self.clone():
                        try:
                            response = gen.send(request)
                        except StopIteration as e:
                            return e.value
            return gen_wrapper

        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            with self.clone():
                return func(*args, **kwargs)
        return wrapper

    def clone(self):
        return self.__class__()


class _NoParamDecorator(_DecoratorContextManager):
    """Also usable as a bare decorator (``@no_grad`` without parentheses), as PyTorch's."""

    def __new__(cls, orig_func=None):
        if orig_func is None:
            return super().__new__(cls)
        return cls()(orig_func)


class no_grad(_NoParamDecorator):
    """Disable graph recording inside the block (``torch.no_grad``)."""

    def __init__(self, orig_func=None) -> None:
        self.prev = False

    def __enter__(self) -> None:
        self.prev = state.enabled
        state.enabled = False

    def __exit__(self, *exc) -> None:
        state.enabled = self.prev


class enable_grad(_NoParamDecorator):
    """Enable graph recording inside the block (``torch.enable_grad``)."""

    def __init__(self, orig_func=None) -> None:
        self.prev = True

    def __enter__(self) -> None:
        self.prev = state.enabled
        state.enabled = True

    def __exit__(self, *exc) -> None:
        state.enabled = self.prev


class set_grad_enabled(_DecoratorContextManager):
    """Set grad mode now; as a context manager, restore it on exit (``torch.set_grad_enabled``)."""

    def __init__(self, mode: bool) -> None:
        self.prev = state.enabled
        self.mode = bool(mode)
        state.enabled = self.mode

    def __call__(self, func):
        # used as a decorator: undo the switch __init__ made, as PyTorch does
        state.enabled = self.prev
        return super().__call__(func)

    def __enter__(self) -> None:
        state.enabled = self.mode

    def __exit__(self, *exc) -> None:
        state.enabled = self.prev

    def clone(self):
        prev = state.enabled
        new = self.__class__(self.mode)
        state.enabled = prev
        new.prev = prev
        return new


class inference_mode(_DecoratorContextManager):
    """Like ``no_grad``; tensors made inside are inference tensors (``torch.inference_mode``)."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode

    def __new__(cls, mode=True):
        if callable(mode) and not isinstance(mode, bool):
            return cls()(mode)
        return super().__new__(cls)

    def __enter__(self) -> None:
        self.prev = (state.enabled, state.inference)
        if self.mode:
            state.enabled = False
            state.inference = True

    def __exit__(self, *exc) -> None:
        state.enabled, state.inference = self.prev

    def clone(self):
        return self.__class__(self.mode)
