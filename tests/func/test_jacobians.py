"""jacrev, jacfwd, hessian, jvp and linearize compared with torch.func."""

from __future__ import annotations

import pytest

from tests.func._common import both, rand, same
from tests.oracle import check_raises


def _f(lib):
    return lambda x: x.sin() * x.sum() + x.exp()


@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
def test_jacobian_vector_function(jac):
    ours, theirs, _, _ = both(lambda L, x: getattr(L.func, jac)(_f(L))(x), [rand(4)])
    same(ours, theirs)


@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
def test_jacobian_matrix_shapes(jac):
    ours, theirs, _, _ = both(lambda L, x: getattr(L.func, jac)(lambda t: t @ t.T)(x),
                              [rand(2, 3)])
    same(ours, theirs)


@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
@pytest.mark.parametrize("argnums", [1, (0, 1)])
def test_jacobian_argnums(jac, argnums):
    def fn(lib, x, y):
        return getattr(lib.func, jac)(lambda a, b: (a * b).tanh(), argnums=argnums)(x, y)
    ours, theirs, _, _ = both(fn, [rand(3), rand(3)])
    same(ours, theirs)


@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
def test_jacobian_has_aux(jac):
    def fn(lib, x):
        return getattr(lib.func, jac)(lambda t: (t.sin(), t.cos()), has_aux=True)(x)
    ours, theirs, _, _ = both(fn, [rand(3)])
    same(ours, theirs)


def test_jacrev_pytree_output_and_chunk_size():
    def fn(lib, x):
        return lib.func.jacrev(lambda t: {"a": t.sin(), "b": t.sum()}, chunk_size=2)(x)
    ours, theirs, _, _ = both(fn, [rand(3)])
    same(ours["a"], theirs["a"])
    same(ours["b"], theirs["b"])


def test_hessian():
    ours, theirs, _, _ = both(lambda L, x: L.func.hessian(lambda t: (t.sin() * t.sum()).sum())(x),
                              [rand(4)])
    same(ours, theirs, rtol=1e-4)


def test_vmap_of_jacrev():
    ours, theirs, _, _ = both(lambda L, x: L.vmap(L.func.jacrev(lambda t: t.sin() * t))(x),
                              [rand(3, 4)])
    same(ours, theirs)


def test_jvp():
    def fn(lib, x, y, tx, ty):
        return lib.func.jvp(lambda a, b: (a * b).sin(), (x, y), (tx, ty))
    ours, theirs, _, _ = both(fn, [rand(3), rand(3), rand(3), rand(3)])
    same(ours, theirs)


def test_jvp_has_aux():
    def fn(lib, x, t):
        return lib.func.jvp(lambda a: (a.exp(), a.sum()), (x,), (t,), has_aux=True)
    ours, theirs, _, _ = both(fn, [rand(3), rand(3)])
    same(ours, theirs)


def test_linearize():
    def fn(lib, x, t1, t2):
        out, f = lib.func.linearize(lambda a: a.sin() * a, x)
        return out, f(t1), f(t2)
    ours, theirs, _, _ = both(fn, [rand(3), rand(3), rand(3)])
    same(ours, theirs)


@pytest.mark.parametrize("case", [
    lambda lib, x: lib.func.jvp(lib.sin, x, x),
    lambda lib, x: lib.func.jvp(lib.sin, (x,), x),
    lambda lib, x: lib.func.jvp(lib.sin, (x,), (x, x)),
    lambda lib, x: lib.func.jvp(lib.sin, (), ()),
    lambda lib, x: lib.func.jvp(lambda t: 3, (x,), (x,)),
    lambda lib, x: lib.func.jvp(lambda t: t, (x,), (x,), has_aux=True),
    lambda lib, x: lib.func.jacrev(lambda t: t, argnums=2)(x),
], ids=["primals-not-tuple", "structure", "structure-len", "no-primals", "non-tensor-out",
        "aux-not-tuple", "argnums"])
def test_errors(case):
    check_raises(case, shapes=[(3,)])


def test_vmap_of_hessian_and_jacfwd():
    def fn(lib, x):
        h = lib.vmap(lib.func.hessian(lambda a: (a.sin() ** 2).sum()))(x)
        j = lib.vmap(lib.func.jacfwd(lambda a: a.sin() * a.sum()))(x)
        return h, j
    ours, theirs, _, _ = both(fn, [rand(3, 4)])
    same(ours, theirs, rtol=1e-4)
