"""Forward-mode transforms on ``numtorch.autograd.forward_ad``: ``jvp``, ``jacfwd``,
``linearize``."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .._tensor import Tensor
from ._pytree import tree_flatten, tree_map, tree_unflatten
from .autodiff import _check_argnums

_JVP = "jvp(f, primals, tangents): "


def jvp(func: Callable, primals: Any, tangents: Any, *, strict: bool = False,
        has_aux: bool = False):
    """``torch.func.jvp``: ``func(*primals)`` and its Jacobian-vector product with
    ``tangents``. Known difference: forward AD has one level, so ``jvp`` does not nest."""
    from ..autograd import forward_ad as fwAD

    if not isinstance(primals, tuple):
        raise RuntimeError(_JVP + "Expected primals to be a tuple. E.g. it should be valid to "
                           "call f(*primals).")
    pflat, pspec = tree_flatten(primals)
    tflat, tspec = tree_flatten(tangents)
    if pspec != tspec:
        raise RuntimeError(_JVP + "Expected primals and tangents to have the same python "
                           "structure. For example, if primals is a tuple of 3 tensors, tangents "
                           f"also must be. Got primals with structure {pspec} and tangents with "
                           f"structure {tspec}")
    if not pflat:
        raise RuntimeError(_JVP + "Expected primals to contain at least one Tensor.")
    for p in pflat + tflat:
        if not isinstance(p, Tensor):
            raise RuntimeError(f"Expected tensors, got unsupported type {type(p)}")
    with fwAD.dual_level():
        duals = [fwAD.make_dual(p, t) for p, t in zip(pflat, tflat)]
        out = func(*tree_unflatten(duals, pspec))
        if has_aux:
            if not (isinstance(out, tuple) and len(out) == 2):
                raise RuntimeError(_JVP + "output of function f should be a tuple: (output, aux) "
                                   "if has_aux is True")
            out, aux = out
        oflat, ospec = tree_flatten(out)
        prim, tang = [], []
        for o in oflat:
            if not isinstance(o, Tensor):
                raise RuntimeError(_JVP + "expected f(*primals) to return only tensors, got "
                                   f"unsupported type {type(o)}")
            p, t = fwAD.unpack_dual(o)
            if t is None:
                from .._ops.creation import zeros_like

                t = zeros_like(p)
            prim.append(p.detach() if not p.requires_grad else p)
            tang.append(t)
    res = (tree_unflatten(prim, ospec), tree_unflatten(tang, ospec))
    if has_aux:
        return res + (tree_map(lambda a: a.detach() if isinstance(a, Tensor) else a, aux),)
    return res


def jacfwd(func: Callable, argnums=0, has_aux: bool = False, *,
           randomness: str = "error") -> Callable:
    """``torch.func.jacfwd``: the Jacobian of ``func`` w.r.t. ``argnums`` by forward mode, one
    Jacobian-vector product per input element."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import numtorch

        _check_argnums(argnums, len(args))
        nums = (argnums,) if isinstance(argnums, int) else argnums
        diff = tuple(args[a] for a in nums)
        dflat, dspec = tree_flatten(diff)
        sizes = [d.numel() for d in dflat]
        total = sum(sizes)

        def f_diff(*d):
            new = list(args)
            for a, v in zip(nums, d):
                new[a] = v
            return func(*new, **kwargs)

        cols = []
        aux = None
        out = None
        for i in range(total):
            tans, start = [], 0
            for d, n in zip(dflat, sizes):
                t = numtorch.zeros(n, dtype=d.dtype)
                if start <= i < start + n:
                    t[i - start] = 1
                tans.append(t.reshape(d.shape))
                start += n
            res = jvp(f_diff, diff, tree_unflatten(tans, dspec), has_aux=has_aux)
            out = res[0]
            aux = res[2] if has_aux else None
            cols.append(tree_flatten(res[1])[0])
        if total == 0:
            res = jvp(f_diff, diff, tree_map(lambda d: d * 0, diff), has_aux=has_aux)
            out, aux = res[0], (res[2] if has_aux else None)
        oflat, ospec = tree_flatten(out)
        jac_out = []
        for k, o in enumerate(oflat):
            per, start = [], 0
            for d, n in zip(dflat, sizes):
                if total:
                    stacked = numtorch.stack([c[k] for c in cols[start:start + n]], -1) if n \
                        else o.new_zeros(tuple(o.shape) + (0,))
                else:
                    stacked = o.new_zeros(tuple(o.shape) + (0,))
                per.append(stacked.reshape(tuple(o.shape) + tuple(d.shape)))
                start += n
            per_tree = tree_unflatten(per, dspec)
            jac_out.append(per_tree[0] if isinstance(argnums, int) else per_tree)
        jac = tree_unflatten(jac_out, ospec)
        if has_aux:
            return jac, aux
        return jac

    return wrapper


def linearize(func: Callable, *primals) -> tuple[Any, Callable]:
    """``torch.func.linearize``: ``func(*primals)`` and a function computing its
    Jacobian-vector product at ``primals`` for given tangents (evaluated again at each call)."""
    out = func(*primals)
    _, pspec = tree_flatten(primals)

    def jvp_fn(*tangents):
        _, tspec = tree_flatten(tangents)
        if tspec != pspec:
            raise RuntimeError(f"Expected the tangents {tspec} to have the same argspec as the "
                               f"primals {pspec}")
        return jvp(func, primals, tangents)[1]

    return out, jvp_fn


__all__ = ["jvp", "jacfwd", "linearize"]
