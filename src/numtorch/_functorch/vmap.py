"""``vmap``: in_dims/out_dims over pytrees, chunking, randomness modes and nesting."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .._tensor import Tensor
from . import batched as B
from ._pytree import broadcast_prefix, tree_flatten, tree_unflatten

_RANDOMNESS = ("error", "different", "same")


def _fname(func) -> str:
    return getattr(func, "__name__", repr(func))


def _in_dims_text(in_dims) -> str:
    return str(in_dims)


def vmap(func: Callable, in_dims: Any = 0, out_dims: Any = 0, randomness: str = "error", *,
         chunk_size: int | None = None) -> Callable:
    """``torch.vmap``: map ``func`` over a dim of its inputs, batching its ops.

    Ops with a batching rule run once on the whole batch; the others run once per sample (see
    ``numtorch._functorch.rules``). Known differences: ``randomness='different'`` runs a
    function that draws random numbers once per sample (each sample draws its own values, not
    torch's stream); values a public function computes from a batched tensor's data without an
    op (``native_layer_norm``'s mean/rstd) are those of sample 0; an in-place write of a batched
    value into an unbatched tensor raises torch's error after writing sample 0."""
    if randomness not in _RANDOMNESS:
        raise RuntimeError("Only allowed values for randomness are 'error', 'different', or "
                           f"'same'. Got {randomness}")
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError(f"vmap: chunk_size should be None or greater than 0. (got {chunk_size})")

    @functools.wraps(func)
    def wrapped(*args, **kwargs):
        name = _fname(func)
        flat, spec = tree_flatten(args)
        dims = _flat_in_dims(name, in_dims, args, spec)
        size = _batch_size(name, in_dims, flat, dims)
        if chunk_size is not None and chunk_size < size:
            return _chunked(func, flat, dims, spec, kwargs, size, out_dims, randomness,
                            chunk_size)
        return _run(func, flat, dims, spec, kwargs, size, out_dims, randomness)

    return wrapped


def _flat_in_dims(name, in_dims, args, spec) -> list:
    if not isinstance(in_dims, (int, tuple)) or isinstance(in_dims, bool):
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): expected `in_dims` to "
                         "be int or a (potentially nested) tuple matching the structure of "
                         f"inputs, got: {type(in_dims)}.")
    if not args:
        raise ValueError(f"vmap({name})(<inputs>): got no inputs. Maybe you forgot to add "
                         "inputs, or you are trying to vmap over a function with no inputs. The "
                         "latter is unsupported.")
    prefix = in_dims if isinstance(in_dims, tuple) else (in_dims,) * len(args)
    dims = broadcast_prefix(prefix, spec)
    if dims is None:
        _, dspec = tree_flatten(in_dims)
        raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): in_dims is not "
                         f"compatible with the structure of `inputs`. in_dims has structure "
                         f"{dspec} but inputs has structure {spec}.")
    return dims


def _batch_size(name, in_dims, flat, dims) -> int:
    sizes = []
    for x, d in zip(flat, dims):
        if d is None:
            continue
        if not isinstance(d, int) or isinstance(d, bool):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             "for an input but in_dim must be either an integer dimension or "
                             "None.")
        if not isinstance(x, Tensor):
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             f"for an input but the input is of type {type(x)}. We cannot vmap "
                             "over non-Tensor arguments, please use None as the respective "
                             "in_dim")
        n = x.dim()
        if not -n <= d < n:
            raise ValueError(f"vmap({name}, in_dims={in_dims}, ...)(<inputs>): Got in_dim={d} "
                             f"for some input, but that input is a Tensor of dimensionality {n} "
                             f"so expected in_dim to satisfy -{n} <= in_dim < {n}.")
        sizes.append(x.shape[d])
    if not sizes:
        raise ValueError("vmap: Expected at least one Tensor to vmap over")
    if any(s != sizes[0] for s in sizes):
        raise ValueError("vmap: Expected all tensors to have the same size in the mapped "
                         f"dimension, got sizes {sizes} for the mapped dimension")
    return sizes[0]


def _run(func, flat, dims, spec, kwargs, size, out_dims, randomness):
    from .._random.generator import default_generator

    state = default_generator.get_state() if randomness == "different" else None
    frame = B.push(size, randomness)
    try:
        level = frame.level
        args = [B.make(x if d in (0, -x.dim()) else x.movedim(d, 0), level) if d is not None else x
                for x, d in zip(flat, dims)]
        out = func(*tree_unflatten(args, spec), **kwargs)
    except B.NeedsLoop:
        B.pop()
        frame = None
        default_generator.set_state(state)
        return _per_sample(func, flat, dims, spec, kwargs, size, out_dims)
    finally:
        if frame is not None:
            B.pop()
    return _unwrap_outputs(func, out, out_dims, level, size)


def _unwrap_outputs(func, out, out_dims, level, size):
    name = _fname(func)
    flat, spec = tree_flatten(out)
    if not isinstance(out_dims, (int, tuple)) and out_dims is not None:
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims}): `out_dims` must be an int, "
                         "None or a python collection of ints representing where in the outputs "
                         "the vmapped dimension should appear.")
    dims = broadcast_prefix(out_dims, spec)
    if dims is None:
        _, dspec = tree_flatten(out_dims)
        raise ValueError(f"vmap({name}, ..., out_dims={out_dims})(<inputs>): out_dims is not "
                         f"compatible with the structure of `outputs`. out_dims has structure "
                         f"{dspec} but outputs has structure {spec}.")
    res = []
    for x, d in zip(flat, dims):
        if not isinstance(x, Tensor):
            if d is None:
                res.append(x)
                continue
            raise ValueError(f"vmap({name}, ...): `{name}` must only return Tensors, got type "
                             f"{type(x)}. Did you mean to set out_dims= to None for output?")
        batched = x.__class__ is B.BatchedTensor and x._level == level
        if d is None:
            if batched:
                raise ValueError(f"vmap({name}, ...): `{name}` can not return a BatchedTensor "
                                 "when out_dim is None")
            res.append(x)
            continue
        inner = x._inner if batched else x.unsqueeze(0).expand((size,) + tuple(x.shape))
        n = inner.dim()
        if not -n <= d < n:
            raise IndexError(f"Dimension out of range (expected to be in range of [{-n}, "
                             f"{n - 1}], but got {d})")
        res.append(inner.movedim(0, d) if d not in (0, -n) else inner)
    return tree_unflatten(res, spec)


def _sample_args(flat, dims, b):
    return [x.select(d, b) if d is not None else x for x, d in zip(flat, dims)]


def _per_sample(func, flat, dims, spec, kwargs, size, out_dims):
    """Run ``func`` once per sample and stack (``randomness='different'`` with random ops)."""
    import numtorch

    outs = [func(*tree_unflatten(_sample_args(flat, dims, b), spec), **kwargs)
            for b in range(size)]
    leaves = [tree_flatten(o)[0] for o in outs]
    ospec = tree_flatten(outs[0])[1]
    odims = broadcast_prefix(out_dims, ospec)
    if odims is None:
        raise ValueError(f"vmap({_fname(func)}, ..., out_dims={out_dims})(<inputs>): out_dims "
                         "is not compatible with the structure of `outputs`.")
    res = []
    for i, d in enumerate(odims):
        items = [lv[i] for lv in leaves]
        res.append(items[0] if d is None else numtorch.stack(items, d))
    return tree_unflatten(res, ospec)


def _chunked(func, flat, dims, spec, kwargs, size, out_dims, randomness, chunk):
    import numtorch

    parts = []
    for start in range(0, size, chunk):
        n = min(chunk, size - start)
        sub = [x.narrow(d, start, n) if d is not None else x for x, d in zip(flat, dims)]
        parts.append(_run(func, sub, dims, spec, kwargs, n, out_dims, randomness))
    leaves = [tree_flatten(p)[0] for p in parts]
    ospec = tree_flatten(parts[0])[1]
    odims = broadcast_prefix(out_dims, ospec)
    res = []
    for i, d in enumerate(odims):
        items = [lv[i] for lv in leaves]
        res.append(items[0] if d is None else numtorch.cat(items, d))
    return tree_unflatten(res, ospec)
