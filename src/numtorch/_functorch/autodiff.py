"""Reverse-mode transforms: ``grad``, ``grad_and_value``, ``vjp``, ``jacrev``, ``hessian``.

They run numtorch's autograd engine on the physical tensors under any ``vmap`` in progress: an
argument is made a fresh leaf batched at every active vmap level (expanded where it was not), so
the backward pass of the batched forward yields one gradient per sample. Transforms nest: an
inner one keeps the graph (``create_graph``) for the outer one.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from .._tensor import Tensor
from . import batched as B
from ._pytree import tree_flatten, tree_map, tree_unflatten

#: how many reverse-mode transforms are running (an inner one keeps its graph for the outer)
_DEPTH = [0]


def _check_argnums(argnums, n: int) -> None:
    if isinstance(argnums, tuple):
        if not argnums:
            raise RuntimeError("argnums must be non-empty")
        for a in argnums:
            _check_argnums(a, n)
        return
    if not isinstance(argnums, int) or isinstance(argnums, bool):
        raise RuntimeError(f"argnums must be int or Tuple[int, ...], got: {type(argnums)}")
    if not -n <= argnums < n:
        raise RuntimeError(f"Got argnum={argnums}, but only {n} positional inputs")


def _prepare_leaf(x, keep_graph: bool):
    """A leaf for ``x``: batched at every active vmap level, requiring grad. Returns the leaf
    as the function sees it and the physical tensor autograd differentiates."""
    if not isinstance(x, Tensor):
        raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
    phys, levels = B.peel(x)
    if not phys.dtype.is_floating_point and not phys.dtype.is_complex:
        raise RuntimeError("only Tensors of floating point dtype can require gradients")
    # physical dims: one per level, lowest first; insert the missing active levels
    dim = 0
    for frame in B.FRAMES:
        if frame.level in levels:
            dim += 1
            continue
        shape = list(phys.shape)
        shape.insert(dim, frame.size)
        phys = phys.unsqueeze(dim).expand(shape)
        dim += 1
    if keep_graph and phys.requires_grad:
        leaf = phys.view_as(phys)
    else:
        leaf = phys.detach().requires_grad_()
    t = leaf
    for frame in B.FRAMES:
        t = B.make(t, frame.level)
    return t, leaf


def _rewrap(phys: Tensor, levels) -> Tensor:
    for lv in levels:
        phys = B.make(phys, lv)
    return phys


def _active_levels() -> list[int]:
    return [f.level for f in B.FRAMES]


def _grads(outputs, leaves, cotangents, keep_graph: bool) -> list:
    """Gradients of the physical ``outputs`` (with ``cotangents``) w.r.t. the physical leaves."""
    from ..autograd import grad as autograd_grad

    outs, cots = [], []
    for o, c in zip(outputs, cotangents):
        if o.requires_grad:
            outs.append(o)
            cots.append(c)
    if not outs:
        res = [None] * len(leaves)
    else:
        res = autograd_grad(outs, leaves, cots, retain_graph=True, create_graph=keep_graph,
                            allow_unused=True)
    return [g if g is not None else _zeros(leaf) for g, leaf in zip(res, leaves)]


def _zeros(t: Tensor) -> Tensor:
    from .._ops.creation import zeros_like

    return zeros_like(t)


def _physical_like(out: Tensor, levels: list[int]) -> Tensor:
    """``out``'s physical tensor with every active level present (expanded where missing)."""
    phys, have = B.peel(out)
    dim = 0
    for lv in levels:
        if lv not in have:
            shape = list(phys.shape)
            shape.insert(dim, B.FRAMES[lv - 1].size)
            phys = phys.unsqueeze(dim).expand(shape)
        dim += 1
    return phys


def grad_and_value(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """``torch.func.grad_and_value``: the gradient of a scalar ``func`` w.r.t. ``argnums`` and
    its value (and aux)."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        from ..autograd.grad_mode import enable_grad

        _check_argnums(argnums, len(args))
        keep = _DEPTH[0] > 0
        diff = args[argnums] if isinstance(argnums, int) else tuple(args[a] for a in argnums)
        flat, spec = tree_flatten(diff)
        prepared = [_prepare_leaf(x, keep or x.requires_grad) if isinstance(x, Tensor)
                    else _prepare_leaf(x, keep) for x in flat]
        new_diff = tree_unflatten([p[0] for p in prepared], spec)
        new_args = list(args)
        if isinstance(argnums, int):
            new_args[argnums] = new_diff
        else:
            for a, v in zip(argnums, new_diff):
                new_args[a] = v
        _DEPTH[0] += 1
        try:
            with enable_grad():
                out = func(*new_args, **kwargs)
                if has_aux:
                    if not (isinstance(out, tuple) and len(out) == 2):
                        raise RuntimeError("grad_and_value(f)(*args): output of function f "
                                           "should be a tuple: (output, aux) if has_aux is True")
                    out, aux = out
                    _check_tensors(aux)
                if not isinstance(out, Tensor):
                    raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a "
                                       f"Tensor, got {type(out)}")
                if out.dim() != 0:
                    raise RuntimeError("grad_and_value(f)(*args): Expected f(*args) to return a "
                                       f"scalar Tensor, got tensor with {out.dim()} dims. Maybe "
                                       "you wanted to use the vjp or jacrev APIs instead?")
                levels = _active_levels()
                phys = _physical_like(out, levels)
                from .._ops.creation import ones_like

                keep_graph = keep or any(x.requires_grad for x in flat if isinstance(x, Tensor))
                gs = _grads([phys], [p[1] for p in prepared], [ones_like(phys)], keep_graph)
        finally:
            _DEPTH[0] -= 1
        grads = tree_unflatten([_rewrap(g, levels) for g in gs], spec)
        value = out if keep_graph else _detach(out)
        if has_aux:
            return grads, (value, tree_map(_detach_if(keep_graph), aux))
        return grads, value

    return wrapper


def _check_tensors(tree) -> None:
    for x in tree_flatten(tree)[0]:
        if not isinstance(x, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(x)}")


def _detach(t):
    if not isinstance(t, Tensor):
        return t
    phys, levels = B.peel(t)
    return _rewrap(phys.detach(), levels)


def _detach_if(keep: bool):
    return (lambda t: t) if keep else _detach


def grad(func: Callable, argnums=0, has_aux: bool = False) -> Callable:
    """``torch.func.grad``: the gradient of a scalar ``func`` w.r.t. ``argnums`` (and aux)."""
    gv = grad_and_value(func, argnums, has_aux)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        g, v = gv(*args, **kwargs)
        if has_aux:
            return g, v[1]
        return g

    return wrapper


def vjp(func: Callable, *primals, has_aux: bool = False):
    """``torch.func.vjp``: ``func(*primals)`` and a function mapping cotangents to the
    vector-Jacobian products w.r.t. the primals."""
    from ..autograd.grad_mode import enable_grad

    keep = _DEPTH[0] > 0
    flat, spec = tree_flatten(primals)
    prepared = [_prepare_leaf(x, keep or x.requires_grad) for x in flat]
    _DEPTH[0] += 1
    try:
        with enable_grad():
            out = func(*tree_unflatten([p[0] for p in prepared], spec))
    finally:
        _DEPTH[0] -= 1
    if has_aux:
        if not (isinstance(out, tuple) and len(out) == 2):
            raise RuntimeError("vjp(f, *primals): output of function f should be a tuple: "
                               "(output, aux) if has_aux is True")
        out, aux = out
        _check_tensors(aux)
    oflat, ospec = tree_flatten(out)
    for o in oflat:
        if not isinstance(o, Tensor):
            raise RuntimeError("vjp(f, *primals): Expected f(*primals) to return only tensors, "
                               f"got unsupported type {type(o)}")
    levels = _active_levels()
    leaves = [p[1] for p in prepared]
    keep_graph = keep or any(x.requires_grad for x in flat)

    def vjp_fn(*cotangents, retain_graph: bool = True, create_graph: bool | None = None):
        cots = cotangents[0] if len(cotangents) == 1 and not isinstance(out, Tensor) \
            else cotangents
        if isinstance(out, Tensor):
            cots = cotangents[0] if len(cotangents) == 1 else cotangents
        cflat, cspec = tree_flatten(cots)
        if cspec != ospec:
            raise RuntimeError("Expected pytree structure of cotangents to be the same as pytree "
                               f"structure of outputs to the function. cotangents: {cspec}, "
                               f"primal output: {ospec}")
        for o, c in zip(oflat, cflat):
            if tuple(o.shape) != tuple(c.shape):
                raise RuntimeError(f"Mismatch in shape: grad_output[0] has a shape of "
                                   f"{tuple(c.shape)} and output[0] has a shape of "
                                   f"{tuple(o.shape)}.")
        extra = [lv for c in cflat for lv in B.peel(c)[1] if lv not in levels]
        if extra:
            return _vjp_batched_cotangents(vjp_fn, cotangents, max(extra))
        phys_out = [_physical_like(o, levels) for o in oflat]
        phys_cot = [_physical_like(c, levels) for c in cflat]
        cg = keep_graph or bool(create_graph) or any(
            B.peel(c)[0].requires_grad for c in cflat)
        gs = _grads(phys_out, leaves, phys_cot, cg)
        return tree_unflatten([_rewrap(g, levels) for g in gs], spec)

    value = tree_unflatten([o if keep_graph else _detach(o) for o in oflat], ospec)
    if has_aux:
        return value, vjp_fn, tree_map(_detach_if(keep_graph), aux)
    return value, vjp_fn


def _vjp_batched_cotangents(vjp_fn, cotangents, level: int):
    """``vmap(vjp_fn)``: cotangents batched at a vmap newer than the forward pass, run per
    sample of that vmap (the forward graph has no such batch dim)."""
    import numtorch

    frame = B.FRAMES[level - 1]
    outs = []
    for b in range(frame.size):
        sample = tree_map(lambda c, b=b: _sample(c, level, b), cotangents)
        outs.append(vjp_fn(*sample))
    flat0, spec = tree_flatten(outs[0])
    res = []
    for i in range(len(flat0)):
        res.append(B.make(numtorch.stack([tree_flatten(o)[0][i] for o in outs]), level))
    return tree_unflatten(res, spec)


def _sample(c, level, b):
    if c.__class__ is B.BatchedTensor and c._level == level:
        return c._inner.select(0, b)
    return c


def jacrev(func: Callable, argnums=0, *, has_aux: bool = False, chunk_size: int | None = None,
           _preallocate_and_copy: bool = False) -> Callable:
    """``torch.func.jacrev``: the Jacobian of ``func`` w.r.t. ``argnums`` by reverse mode,
    one vector-Jacobian product per output element (batched with ``vmap``)."""
    from .vmap import vmap

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import numtorch

        _check_argnums(argnums, len(args))
        nums = (argnums,) if isinstance(argnums, int) else argnums
        diff = tuple(args[a] for a in nums)

        def f_diff(*d):
            new = list(args)
            for a, v in zip(nums, d):
                new[a] = v
            return func(*new, **kwargs)

        res = vjp(f_diff, *diff, has_aux=has_aux)
        out, fn = res[0], res[1]
        oflat, ospec = tree_flatten(out)
        sizes = [o.numel() for o in oflat]
        total = sum(sizes)
        dt = oflat[0].dtype
        basis = numtorch.eye(total, dtype=dt)
        pieces = []
        start = 0
        for o, n in zip(oflat, sizes):
            pieces.append(basis[:, start:start + n].reshape((total,) + tuple(o.shape)))
            start += n

        def row(*cots):
            return fn(tree_unflatten(list(cots), ospec))

        rows = vmap(row, chunk_size=chunk_size)(*pieces)
        # rows: a tuple (one per diff arg) of tensors [total, *arg.shape]
        jac_out = []
        for i, (o, n) in enumerate(zip(oflat, sizes)):
            lo = sum(sizes[:i])
            per_arg = tree_map(lambda r, lo=lo, n=n, o=o: r[lo:lo + n].reshape(
                tuple(o.shape) + tuple(r.shape[1:])), rows)
            jac_out.append(per_arg if not isinstance(argnums, int) else per_arg[0])
        jac = tree_unflatten(jac_out, ospec)
        if has_aux:
            return jac, res[2]
        return jac

    return wrapper


def hessian(func: Callable, argnums=0) -> Callable:
    """``torch.func.hessian``: the Jacobian of the Jacobian (reverse over reverse here; torch
    uses forward over reverse, with the same values)."""
    return jacrev(jacrev(func, argnums), argnums)


__all__ = ["grad", "grad_and_value", "vjp", "jacrev", "hessian"]
