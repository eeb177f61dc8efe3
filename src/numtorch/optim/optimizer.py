"""``torch.optim.Optimizer``: parameter groups, per-parameter state, hooks, state_dict.

Algorithms subclass it and supply ``_init_state`` (first-step state) and ``_group_update`` (the
array math); ``Optimizer.step`` runs the loop they share (``_step_params``). Updates work in
place on ``p._data`` and the state arrays (no graph), in the parameter's own dtype and in the
order of PyTorch's single-tensor (``foreach=False``) CPU implementations, so trajectories agree
with PyTorch's to float rounding.

``differentiable=True`` (every algorithm whose torch constructor takes it) runs the algorithm's
``_differentiable_group_step`` instead, with grad enabled: torch's differentiable single-tensor
update written with recorded Tensor operations on the params and state, so gradients reach the
old params, the gradients and Tensor hyperparameters that require grad, and a graph torch
cannot differentiate (a saved tensor updated in place by a later step) raises torch's error.
"""

from __future__ import annotations

import functools
import warnings
from collections import OrderedDict, defaultdict
from collections.abc import Callable
from copy import deepcopy
from itertools import chain
from typing import Any

from .. import _dtype as D
from .._backend import xp_for, xp_of
from .._device import device
from .._ops.shape.views import view_as_complex, view_as_real
from .._tensor import Tensor
from ..autograd.grad_mode import enable_grad
from ..autograd.graph import RemovableHandle

__all__ = ["Optimizer", "required", "register_optimizer_step_pre_hook",
           "register_optimizer_step_post_hook"]

_CPU = device("cpu")
_global_step_pre_hooks: OrderedDict = OrderedDict()
_global_step_post_hooks: OrderedDict = OrderedDict()


class _RequiredParameter:
    """Marks a default that every param group must give (``torch.optim.optimizer.required``)."""

    def __repr__(self) -> str:
        return "<required parameter>"


required = _RequiredParameter()


def _typename(obj) -> str:
    if isinstance(obj, Tensor):
        return obj.type()
    module = getattr(obj, "__module__", "") or ""
    if hasattr(obj, "__qualname__"):
        qualname = obj.__qualname__
    elif hasattr(obj, "__name__"):
        qualname = obj.__name__
    else:
        module = obj.__class__.__module__ or ""
        qualname = obj.__class__.__qualname__
    return qualname if module in ("", "builtins") else f"{module}.{qualname}"


def _scalar(x) -> float:
    """A hyperparameter as a Python number (a 1-element Tensor lr/beta is allowed, as in torch)."""
    return x.item() if isinstance(x, Tensor) else x


def _squeezed(x):
    """A 1-element hyperparameter Tensor as a 0-d one (torch's ``_to_scalar``); others as they
    are."""
    return x.squeeze() if isinstance(x, Tensor) and x.dim() != 0 else x


def _scalar_dtype():
    """NumPy dtype of scalar state like ``step``: float64 iff the default dtype is float64."""
    return D.float64.np if D.get_default_dtype() is D.float64 else D.float32.np


def _zeros_like(p: Tensor) -> Tensor:
    return Tensor._from_array(xp_of(p._data).zeros_like(p._data))


def _full_like(p: Tensor, value) -> Tensor:
    return Tensor._from_array(xp_of(p._data).full_like(p._data, value))


def _scalar_tensor(value: float, fused: bool | None = False) -> Tensor:
    """A 0-d cpu state tensor (``step``, ``mu_product``) in torch's scalar dtype (float32 for
    ``fused=True``)."""
    dtype = D.float32.np if fused else _scalar_dtype()
    return Tensor._from_array(xp_for(_CPU).asarray(value, dtype=dtype))


def _steps_to_tensors(opt: Optimizer, keys: tuple[str, ...] = ("step",)) -> None:
    """Old checkpoints stored ``step`` as a number; torch turns it into a tensor on load."""
    for s in opt.state.values():
        for k in keys:
            if k in s and not isinstance(s[k], Tensor):
                s[k] = _scalar_tensor(float(s[k]))


def _real(arr):
    """Complex arrays are updated as pairs of reals (``torch.view_as_real``)."""
    if arr.dtype.kind == "c":
        return arr.view(arr.real.dtype)
    return arr


def _has_grad(p: Tensor) -> bool:
    """``p.grad is not None`` as torch's optimizers test it: reading the missing gradient of a
    non-leaf param gives torch's warning."""
    return p._grad is not None or p.grad is not None


def _number(value, argument: str):
    """A hyperparameter passed where torch's kernel takes a Python number (``alpha=``,
    ``value=``): a Tensor that requires grad raises torch's argument-parser ``TypeError``
    (``argument`` names the call and argument, e.g. ``"add_(): argument 'alpha'"``); another
    Tensor is read as its number."""
    if isinstance(value, Tensor):
        if value.requires_grad:
            raise TypeError(f"{argument} must be Number, not Tensor")
        return value.item()
    return value


def _unsaved(t: Tensor, other=None) -> Tensor:
    """``t`` as the operand of a product or quotient whose other operand (``other``) needs no
    gradient: a copy, so that a later in-place update of ``t`` does not invalidate the graph.
    torch's Mul/Div keep an operand only for the other operand's gradient; numtorch's keep
    both, so without the copy a second differentiable step would fail where torch's does not.
    """
    if isinstance(other, Tensor) and other.requires_grad:
        return t
    return t.clone()


def _as_real(t: Tensor) -> Tensor:
    """``torch.view_as_real`` of a complex tensor (recorded); other tensors as they are."""
    return view_as_real(t) if t.is_complex() else t


class _RealWork:
    """The tensors a differentiable step updates in place, complex ones as real pairs.

    torch updates ``view_as_real`` views of complex params and state in place. numtorch's
    autograd loses the imaginary part of gradients that flow through in-place updates of such
    views, so complex tensors are updated as real copies (``tensors``) that ``write_back``
    copies into the complex tensors (recorded): the same values and gradients. A copy shares
    its tensor's version counter, as the view does, so a graph that a later step invalidates
    raises torch's error at backward, and one that torch can differentiate does not.
    """

    def __init__(self, *tensors: Tensor | None) -> None:
        self._pairs = []
        self.tensors = []
        for t in tensors:
            if t is not None and t.is_complex():
                work = view_as_real(t).clone()
                work._version_box = t._version_box
                self._pairs.append((t, work))
                t = work
            self.tensors.append(t)

    def write_back(self) -> None:
        """Copy the results into the complex tensors; the copy is not counted as a further
        modification (the updates of the copies were)."""
        for t, work in self._pairs:
            version = t._version_box[0]
            t.copy_(view_as_complex(work))
            t._version_box[0] = version


def _real_data(t: Tensor):
    """A state tensor's array, complex as real pairs (see ``_real``)."""
    return _real(t._data)


# -- argument checks, with torch's messages ---------------------------------------------------
_CAPTURABLE_DEVICES = ["cuda", "xpu", "hpu", "privateuseone", "xla"]
_FUSED_DEVICES = ["mps", "cuda", "xpu", "hpu", "cpu", "mtia", "privateuseone"]
_LABELS = {"eps": "epsilon"}
# the flag options most algorithms take, as their ``__setstate__`` defaults
_FLAG_DEFAULTS = {"foreach": None, "maximize": False, "differentiable": False,
                  "capturable": False}


def _check_lr(lr: float | Tensor) -> None:
    if isinstance(lr, Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not 0.0 <= lr:
        raise ValueError(f"Invalid learning rate: {lr}")


def _check_non_negative(**values: float) -> None:
    """``Invalid <name> value: v`` for the first negative (or NaN) value, in argument order."""
    for name, value in values.items():
        if not 0.0 <= value:
            raise ValueError(f"Invalid {_LABELS.get(name, name)} value: {value}")


def _check_betas(betas) -> None:
    for i, beta in enumerate(betas[:2]):
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {i}: {beta}")


def _check_adam_args(betas, eps: float, weight_decay: float) -> None:
    """The Adam family's checks, in torch's order: eps, both betas in [0, 1), weight_decay."""
    _check_non_negative(eps=eps)
    _check_betas(betas)
    _check_non_negative(weight_decay=weight_decay)


def _check_fused_flags(fused: bool | None, foreach: bool | None, differentiable: bool) -> None:
    """``fused=True`` excludes ``differentiable`` and ``foreach`` (checked after the groups)."""
    if fused:
        if differentiable:
            raise RuntimeError("`fused` does not support `differentiable`")
        if foreach:
            raise RuntimeError("`fused` and `foreach` cannot be `True` together.")


def _check_fused_param(p: Tensor) -> None:
    if not p.is_floating_point():
        raise RuntimeError("`fused=True` requires all the params to be floating point Tensors "
                           f"of supported devices: {_FUSED_DEVICES} but {p.dtype} and "
                           f"{p.device.type}")


def _hooked_step(step: Callable) -> Callable:
    """Run the step pre/post hooks around an algorithm's ``step`` (torch's profile_hook_step)."""

    @functools.wraps(step)
    def wrapper(self, *args, **kwargs):
        for pre_hook in chain(_global_step_pre_hooks.values(),
                              self._optimizer_step_pre_hooks.values()):
            result = pre_hook(self, args, kwargs)
            if result is not None:
                if isinstance(result, tuple) and len(result) == 2:
                    args, kwargs = result
                else:
                    raise RuntimeError(f"{step} must return None or a tuple of (new_args, "
                                       f"new_kwargs), but got {result}.")
        out = step(self, *args, **kwargs)
        self._optimizer_step_code()
        for post_hook in chain(self._optimizer_step_post_hooks.values(),
                               _global_step_post_hooks.values()):
            post_hook(self, args, kwargs)
        return out

    wrapper.hooked = True
    return wrapper


def _eval_closure(closure):
    if closure is None:
        return None
    with enable_grad():
        return closure()


class Optimizer:
    """Base class of all optimizers (``torch.optim.Optimizer``).

    ``params`` is an iterable of Tensors, of ``(name, Tensor)`` pairs, or of dicts (param groups
    with per-group options); ``defaults`` fills the options a group leaves out.
    """

    # Per-algorithm settings of the shared step (``step`` -> ``_step_params``):
    _sparse_error: str | None = None  # torch's RuntimeError for a sparse gradient, if any
    _lazy_state = True  # state made by ``_init_state`` at the first step; ``step`` counted
    _zero_state: tuple[str, ...] = ()  # state arrays that ``_init_state`` starts at zero
    _complex_as_real = True  # update complex params as pairs of reals (torch.view_as_real)
    # ``differentiable=True, foreach=True`` raises even when no param has a gradient
    _foreach_checked_without_grads = False
    _capturable_error = ("If capturable=True, params and state_steps must be on supported "
                         f"devices: {_CAPTURABLE_DEVICES}.")
    # Options older checkpoints may lack (torch's __setstate__), and 0-d state tensors that
    # older checkpoints stored as numbers.
    _group_defaults: dict[str, Any] = {}
    _scalar_state: tuple[str, ...] = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        step = cls.__dict__.get("step")
        if step is not None and not getattr(step, "hooked", False):
            cls.step = _hooked_step(step)

    def __init__(self, params, defaults: dict[str, Any]) -> None:
        self.defaults = defaults
        self._optimizer_step_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_step_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_state_dict_post_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_pre_hooks: OrderedDict = OrderedDict()
        self._optimizer_load_state_dict_post_hooks: OrderedDict = OrderedDict()
        if isinstance(params, Tensor):
            raise TypeError("params argument given to the optimizer should be an iterable of "
                            "Tensors or dicts, but got " + _typename(params))
        self.state: defaultdict = defaultdict(dict)
        self.param_groups: list[dict[str, Any]] = []
        param_groups = list(params)
        if len(param_groups) == 0:
            raise ValueError("optimizer got an empty parameter list")
        if not isinstance(param_groups[0], dict):
            param_groups = [{"params": param_groups}]
        for group in param_groups:
            self.add_param_group(group)

    # -- pickling / printing ------------------------------------------------------------------
    def __getstate__(self) -> dict[str, Any]:
        return {"defaults": self.defaults, "state": self.state, "param_groups": self.param_groups}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        for name in ("_optimizer_step_pre_hooks", "_optimizer_step_post_hooks",
                     "_optimizer_state_dict_pre_hooks", "_optimizer_state_dict_post_hooks",
                     "_optimizer_load_state_dict_pre_hooks",
                     "_optimizer_load_state_dict_post_hooks"):
            if name not in self.__dict__:
                self.__dict__[name] = OrderedDict()
        self.defaults.setdefault("differentiable", False)
        for group in self.param_groups:
            for key, value in self._group_defaults.items():
                group.setdefault(key, value)
        if self._scalar_state:
            _steps_to_tensors(self, self._scalar_state)

    def __repr__(self) -> str:
        text = self.__class__.__name__ + " ("
        for i, group in enumerate(self.param_groups):
            text += f"\nParameter Group {i}\n"
            for key in sorted(group.keys()):
                if key != "params":
                    text += f"    {key}: {group[key]}\n"
        return text + ")"

    def _optimizer_step_code(self) -> None:
        """Entry point for profilers after each step (no-op, as in torch)."""

    # -- param groups -------------------------------------------------------------------------
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Append a param group; options it leaves out come from ``defaults``."""
        if not isinstance(param_group, dict):
            raise TypeError(f"param_group must be a dict, but got {type(param_group)}")
        params = param_group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("optimizer parameters need to be organized in ordered collections, "
                            "but the ordering of tensors in sets will change between runs. "
                            "Please use a list instead.")
        else:
            params = list(params)
        tensors, names = [], []
        for p in params:
            if isinstance(p, tuple):
                names.append(p[0])
                tensors.append(p[1])
            else:
                tensors.append(p)
        param_group["params"] = tensors
        if names:
            if len(names) != len(tensors):
                raise ValueError("all optimizer params should be with/without names. Some param "
                                 "names are missing")
            param_group["param_names"] = names
        for p in tensors:
            if not isinstance(p, Tensor):
                raise TypeError("optimizer can only optimize Tensors, but one of the params is "
                                + _typename(p))
            if not self.defaults.get("differentiable", None) and not (p.is_leaf
                                                                      or p.retains_grad):
                raise ValueError("can't optimize a non-leaf Tensor")
        for name, default in self.defaults.items():
            if default is required and name not in param_group:
                raise ValueError("parameter group didn't specify a value of required "
                                 f"optimization parameter {name}")
            param_group.setdefault(name, default)
        if len(tensors) != len(set(tensors)):
            warnings.warn("optimizer contains a parameter group with duplicate parameters; in "
                          "future, this will cause an error; see "
                          "github.com/pytorch/pytorch/issues/40967 for more information",
                          stacklevel=3)
        seen: set = set()
        for group in self.param_groups:
            seen.update(group["params"])
            if ("param_names" in param_group) != ("param_names" in group):
                which = "with names" if "param_names" in param_group else "without names"
                raise ValueError("all optimizer param groups should be with/without names. "
                                 f"cannot add param group {which} to the optimizer")
        if not seen.isdisjoint(tensors):
            raise ValueError("some parameters appear in more than one parameter group")
        self.param_groups.append(param_group)

    # -- gradients ----------------------------------------------------------------------------
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset gradients: to None (default) or to zeros in place (``Optimizer.zero_grad``)."""
        for group in self.param_groups:
            for p in group["params"]:
                g = p._grad
                if g is None:
                    continue
                if set_to_none:
                    p._grad = None
                else:
                    if g.grad_fn is not None:
                        g.detach_()
                    else:
                        g._requires_grad = False
                    g._data[...] = 0
                    g._bump_version()

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """One optimization step over every param group; returns the closure's loss.

        The algorithm supplies ``_group_update``; torch's base class raises
        ``NotImplementedError`` here, and so does this one for a subclass without it.
        """
        loss = _eval_closure(closure)
        differentiable = self.defaults.get("differentiable", False)
        if differentiable is not False:
            if differentiable is True and hasattr(self, "_differentiable_group_step"):
                with enable_grad():
                    for group in self.param_groups:
                        self._differentiable_group_step(group)
                return loss
            self._refuse_differentiable(differentiable)
        for group in self.param_groups:
            self._step_params(group, self._group_update(group))
        return loss

    def _group_update(self, group: dict[str, Any]) -> Callable:
        """``update(p, param, grad, state)`` for ``group``: the algorithm's in-place array math.

        ``param``/``grad`` are arrays (real views of complex ones unless
        ``_complex_as_real`` is off), the gradient already negated for ``maximize`` and with
        the weight decay applied; ``state`` is the param's state dict (None when the
        algorithm keeps no lazy state).
        """
        raise NotImplementedError

    def _init_state(self, p: Tensor, group: dict[str, Any], state: dict[str, Any]) -> None:
        """First-step state: ``step`` and the ``_zero_state`` arrays (torch's lazy init)."""
        state["step"] = _scalar_tensor(0.0, group.get("fused"))
        for key in self._zero_state:
            state[key] = _zeros_like(p)

    def _step_params(self, group: dict[str, Any], update: Callable) -> None:
        """The loop all single-tensor algorithms share: for each param with a gradient, torch's
        sparse/fused/capturable errors, lazy state, ``step`` count, maximize, weight decay
        (decoupled: ``p *= 1 - lr * wd``), then ``update`` on arrays."""
        lr = _scalar(group["lr"])
        wd = _scalar(group.get("weight_decay", 0))
        decoupled = group.get("decoupled_weight_decay", False)
        maximize = group["maximize"]
        fused, capturable = group.get("fused"), group.get("capturable")
        sparse_error, lazy_state = self._sparse_error, self._lazy_state
        as_real = self._complex_as_real
        states = self.state
        for p in group["params"]:
            grad = p._grad
            if grad is None:
                continue
            if sparse_error is not None and grad.is_sparse:
                raise RuntimeError(sparse_error)
            if fused:
                _check_fused_param(p)
            state = None
            if lazy_state:
                state = states[p]
                if not state:
                    self._init_state(p, group, state)
                if capturable and p.device.type not in _CAPTURABLE_DEVICES:
                    raise AssertionError(self._capturable_error)
                state["step"]._data += 1
            g = grad._data
            if maximize:
                g = -g
            if wd != 0:
                if decoupled:
                    p._data *= 1 - lr * wd
                else:
                    g = g + wd * p._data
            if as_real:
                update(p, _real(p._data), _real(g), state)
            else:
                update(p, p._data, g, state)
            p._version_box[0] += 1

    def _differentiable_params(self, group: dict[str, Any]) -> list[Tensor]:
        """The params of ``group`` that a ``differentiable=True`` step updates, after torch's
        group preparation: sparse-gradient error, lazy state, then the errors of the options
        that have no differentiable implementation (``foreach=True``, ``capturable=True``)."""
        params = []
        for p in group["params"]:
            if not _has_grad(p):
                continue
            if self._sparse_error is not None and p._grad.is_sparse:
                raise RuntimeError(self._sparse_error)
            params.append(p)
            if self._lazy_state:
                state = self.state[p]
                if not state:
                    self._init_state(p, group, state)
        if group.get("foreach") and (params or self._foreach_checked_without_grads):
            raise AssertionError("_foreach ops don't support autograd")
        if group.get("capturable") and params:
            raise AssertionError(self._capturable_error)
        return params

    def _refuse_differentiable(self, flag) -> None:
        """A ``differentiable`` flag that is not a bool raises torch's ``TypeError``; an
        optimizer without a differentiable step (a subclass that leaves it out) refuses
        ``differentiable=True`` when a step would update a param."""
        if not isinstance(flag, bool):
            raise TypeError("set_grad_enabled(): argument 'enabled' (position 1) must be bool, "
                            f"not {type(flag).__name__}")
        if any(p._grad is not None for group in self.param_groups for p in group["params"]):
            raise RuntimeError(f"{type(self).__name__}(differentiable=True) is not supported by "
                               "numtorch: optimizer steps update parameters in place without "
                               "recording an autograd graph; use differentiable=False")

    # -- hooks --------------------------------------------------------------------------------
    def register_step_pre_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` runs before each ``step``."""
        return _add_hook(self._optimizer_step_pre_hooks, hook)

    def register_step_post_hook(self, hook: Callable) -> RemovableHandle:
        """``hook(optimizer, args, kwargs)`` runs after each ``step``."""
        return _add_hook(self._optimizer_step_post_hooks, hook)

    def register_state_dict_pre_hook(self, hook: Callable,
                                     prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer)`` runs before ``state_dict`` builds the dict."""
        return _add_hook(self._optimizer_state_dict_pre_hooks, hook, prepend)

    def register_state_dict_post_hook(self, hook: Callable,
                                      prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer, state_dict)`` may return a replacement dict."""
        return _add_hook(self._optimizer_state_dict_post_hooks, hook, prepend)

    def register_load_state_dict_pre_hook(self, hook: Callable,
                                          prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer, state_dict)`` may return the dict to load."""
        return _add_hook(self._optimizer_load_state_dict_pre_hooks, hook, prepend)

    def register_load_state_dict_post_hook(self, hook: Callable,
                                           prepend: bool = False) -> RemovableHandle:
        """``hook(optimizer)`` runs after ``load_state_dict``."""
        return _add_hook(self._optimizer_load_state_dict_post_hooks, hook, prepend)

    # -- state_dict ---------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """``{'state': {index: {...}}, 'param_groups': [{..., 'params': [indices]}]}``.

        Params are numbered in group order; state values are the live tensors (as in torch).
        """
        for hook in self._optimizer_state_dict_pre_hooks.values():
            hook(self)
        index: dict[int, int] = {}
        start = 0

        def pack(group):
            nonlocal start
            packed = {k: v for k, v in group.items() if k != "params"}
            for i, p in enumerate(group["params"], start):
                index.setdefault(id(p), i)
            packed["params"] = [index[id(p)] for p in group["params"]]
            start += len(packed["params"])
            return packed

        groups = [pack(g) for g in self.param_groups]
        state = {(index[id(k)] if isinstance(k, Tensor) else k): v for k, v in self.state.items()}
        sd = {"state": state, "param_groups": groups}
        for hook in self._optimizer_state_dict_post_hooks.values():
            result = hook(self, sd)
            if result is not None:
                sd = result
        return sd

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Load a ``state_dict``: state tensors are copied and cast to their param's dtype
        (except ``step``), group options replace the current ones."""
        state_dict = state_dict.copy()
        for hook in self._optimizer_load_state_dict_pre_hooks.values():
            result = hook(self, state_dict)
            if result is not None:
                state_dict = result
        groups = self.param_groups
        saved_groups = deepcopy(state_dict["param_groups"])
        if len(groups) != len(saved_groups):
            raise ValueError("loaded state dict has a different number of parameter groups")
        if any(len(g["params"]) != len(s["params"]) for g, s in zip(groups, saved_groups)):
            raise ValueError("loaded state dict contains a parameter group that doesn't match "
                             "the size of optimizer's group")
        id_map = dict(zip(chain.from_iterable(g["params"] for g in saved_groups),
                          chain.from_iterable(g["params"] for g in groups)))
        saved_by_id = {i: g for g in state_dict["param_groups"] for i in g["params"]}

        def cast(param, value, group, key=None):
            if isinstance(value, Tensor):
                return _cast_state(param, value, group, key)
            if isinstance(value, dict):
                return {k: cast(param, v, group, k) for k, v in value.items()}
            if isinstance(value, (list, tuple)):
                return type(value)(cast(param, v, group) for v in value)
            return value

        state: defaultdict = defaultdict(dict)
        for k, v in state_dict["state"].items():
            if k in id_map:
                param = id_map[k]
                state[param] = cast(param, v, saved_by_id.get(k, {}))
            else:
                state[k] = v

        def update_group(group, new_group):
            new_group["params"] = group["params"]
            if "param_names" in group and "param_names" not in new_group:
                new_group["param_names"] = group["param_names"]
            return new_group

        param_groups = [update_group(g, ng) for g, ng in zip(groups, saved_groups)]
        self.__setstate__({"state": state, "param_groups": param_groups})
        for hook in self._optimizer_load_state_dict_post_hooks.values():
            hook(self)


# the shared step runs the hooks too (subclasses' own ``step`` are wrapped by __init_subclass__)
Optimizer.step = _hooked_step(Optimizer.step)


def _cast_state(param: Tensor, value: Tensor, group: dict, key) -> Tensor:
    """torch's policy: ``step`` keeps its dtype; float state follows the param's dtype.

    Like torch's ``Tensor.to``, a value already of the right dtype is kept, not copied.
    """
    xp = xp_of(param._data)
    if key == "step":
        if group.get("capturable", False) or group.get("fused", False):
            return Tensor._from_array(xp.array(value._data, dtype=D.float32.np))
        return value
    if param.is_floating_point() and value._data.dtype != param._data.dtype:
        return Tensor._from_array(xp.asarray(value._data, dtype=param._data.dtype))
    return value


def _add_hook(store: OrderedDict, hook: Callable, prepend: bool = False) -> RemovableHandle:
    handle = RemovableHandle(store)
    store[handle.id] = hook
    if prepend:
        store.move_to_end(handle.id, last=False)
    return handle


def register_optimizer_step_pre_hook(hook: Callable) -> RemovableHandle:
    """A step pre-hook for every optimizer (``torch.optim.optimizer.register_optimizer_...``)."""
    return _add_hook(_global_step_pre_hooks, hook)


def register_optimizer_step_post_hook(hook: Callable) -> RemovableHandle:
    """A step post-hook for every optimizer."""
    return _add_hook(_global_step_post_hooks, hook)


def _lerp_(a, b, weight: float) -> None:
    """``a.lerp_(b, weight)`` with torch's two-sided formula, in ``a``'s dtype."""
    w = a.dtype.type(weight)
    if abs(w) < 0.5:
        a += w * (b - a)
    else:
        a[...] = b - (b - a) * (1 - w)
