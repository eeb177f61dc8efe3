"""Matrix products against torch: dispatch (graph names), values, grads, dtypes, errors."""

import pytest

from tests.oracle import LAYOUTS, check, check_raises

FLOATS = ["float32", "float64"]

MATMUL_SHAPES = [[(3,), (3,)], [(2, 3), (3,)], [(3,), (3, 4)], [(2, 3), (3, 4)],
                 [(5, 2, 3), (3, 4)], [(5, 2, 3), (3,)], [(3,), (5, 3, 4)], [(2, 3), (5, 3, 4)],
                 [(5, 2, 3), (5, 3, 4)], [(2, 1, 2, 3), (5, 3, 4)], [(0, 3), (3, 2)],
                 [(2, 0), (0, 3)]]


@pytest.mark.parametrize("shapes", MATMUL_SHAPES, ids=str)
def test_matmul(shapes):
    check(lambda lib, a, b: lib.matmul(a, b), shapes, dtypes=FLOATS, layouts=LAYOUTS)
    check(lambda lib, a, b: a @ b, shapes)


@pytest.mark.parametrize("shapes", MATMUL_SHAPES[:10], ids=str)
def test_matmul_second_order(shapes):
    check(lambda lib, a, b: a @ b, shapes, dtypes=["float64"], second_order=True)


def test_products():
    check(lambda lib, a, b: lib.mm(a, b), [(2, 3), (3, 4)], dtypes=FLOATS, layouts=LAYOUTS,
          second_order=True)
    check(lambda lib, a, b: a.mv(b), [(2, 3), (3,)], dtypes=FLOATS, layouts=LAYOUTS,
          second_order=True)
    check(lambda lib, a, b: lib.dot(a, b), [(3,), (3,)], dtypes=FLOATS, second_order=True)
    check(lambda lib, a, b: lib.bmm(a, b), [(2, 2, 3), (2, 3, 4)], dtypes=FLOATS,
          layouts=LAYOUTS, second_order=True)
    check(lambda lib, a, b: lib.outer(a, b), [(3,), (4,)], second_order=True)
    check(lambda lib, a, b: a.ger(b), [(3,), (4,)])
    check(lambda lib, a, b: lib.vdot(a, b), [(3,), (3,)])
    # numtorch builds these on einsum/broadcasting: values and grads match, node names differ
    check(lambda lib, a, b: lib.inner(a, b), [(2, 3), (4, 3)], graph=False)
    check(lambda lib, a, b: lib.tensordot(a, b, 1), [(2, 3), (3, 4)], graph=False)
    check(lambda lib, a, b: lib.tensordot(a, b, ([0, 1], [1, 0])), [(2, 3), (3, 2)],
          graph=False)
    check(lambda lib, a, b: lib.kron(a, b), [(2, 3), (2, 2)], graph=False)


@pytest.mark.parametrize("kw", [{}, {"beta": 0.5}, {"alpha": 2}, {"beta": 0, "alpha": 0.5}],
                         ids=str)
def test_addmm(kw):
    check(lambda lib, c, a, b: lib.addmm(c, a, b, **kw), [(4,), (2, 3), (3, 4)],
          dtypes=FLOATS, second_order=True)
    check(lambda lib, c, a, b: c.addmm(a, b, **kw), [(2, 4), (2, 3), (3, 4)],
          layouts=LAYOUTS)
    check(lambda lib, c, a, b: lib.addmv(c, a, b, **kw), [(2,), (2, 3), (3,)])
    check(lambda lib, c, a, b: lib.baddbmm(c, a, b, **kw), [(2, 4), (5, 2, 3), (5, 3, 4)])
    check(lambda lib, c, a, b: lib.addbmm(c, a, b, **kw), [(2, 4), (5, 2, 3), (5, 3, 4)])


EINSUM = [("ij,jk->ik", [(2, 3), (3, 4)]), ("ij,jk", [(2, 3), (3, 4)]),
          ("bij,bjk->bik", [(5, 2, 3), (5, 3, 4)]), ("i,i->", [(3,), (3,)]),
          ("i,j->ij", [(3,), (4,)]), ("ij->ji", [(2, 3)]), ("ij->", [(2, 3)]),
          ("ii->i", [(3, 3)]), ("ii", [(3, 3)]), ("...ij,...jk->...ik", [(5, 2, 3), (3, 4)]),
          ("bhqd,bhkd->bhqk", [(2, 2, 3, 4), (2, 2, 5, 4)]), ("ij,ij->i", [(2, 3), (2, 3)]),
          ("i,j,k->ijk", [(2,), (3,), (4,)]), ("ij, jk -> ik", [(2, 3), (3, 4)]),
          ("ijk->k", [(2, 3, 4)]), ("ij,kj->ikj", [(2, 3), (4, 3)])]


@pytest.mark.parametrize("eq,shapes", EINSUM, ids=[e for e, _ in EINSUM])
def test_einsum(eq, shapes):
    # torch decomposes einsum into permute/bmm nodes; numtorch records one EinsumBackward0
    check(lambda lib, *xs: lib.einsum(eq, *xs), shapes, dtypes=FLOATS, layouts=LAYOUTS,
          graph=False)
    check(lambda lib, *xs: lib.einsum(eq, list(xs)), shapes, dtypes=["float64"],
          second_order=True, graph=False)


def test_int_matmul():
    check(lambda lib, a, b: a @ b, [(2, 3), (3, 4)], dtypes=["int64"])
    check(lambda lib, a, b: a @ b, [(3,), (3,)], dtypes=["int64"])
    check(lambda lib, a, b: a @ b, [(5, 2, 3), (5, 3, 4)], dtypes=["int32"])


ERRORS = [
    (lambda lib, a, b: lib.mm(a, b), [(2, 3), (2, 3)]),
    (lambda lib, a, b: lib.mm(a, b), [(3,), (3, 2)]),
    (lambda lib, a, b: lib.mm(a, b.double()), [(2, 3), (3, 2)]),
    (lambda lib, a, b: lib.mv(a, b), [(2, 3), (2,)]),
    (lambda lib, a, b: lib.dot(a, b), [(3,), (4,)]),
    (lambda lib, a, b: lib.dot(a, b), [(2, 3), (3,)]),
    (lambda lib, a, b: lib.dot(a, b.double()), [(3,), (3,)]),
    (lambda lib, a, b: lib.bmm(a, b), [(2, 2, 3), (3, 3, 4)]),
    (lambda lib, a, b: lib.bmm(a, b), [(2, 3), (3, 3, 4)]),
    (lambda lib, a, b: lib.matmul(a, b), [(), (3,)]),
    (lambda lib, a, b: lib.matmul(a, b), [(2, 3), (2, 3)]),
    (lambda lib, a, b: lib.matmul(a, b), [(5, 2, 3), (2, 3)]),
    (lambda lib, a, b: lib.matmul(a, b), [(3,), (2, 4)]),
    (lambda lib, a, b: lib.matmul(a, b), [(3,), (4,)]),
    (lambda lib, a, b: lib.matmul(a, b), [(5, 2, 3), (4, 3, 2)]),
    (lambda lib, a, b: lib.addmm(a, b, b), [(2, 2), (2, 3)]),
    (lambda lib, a, b: lib.einsum("ij,jk->ik", a, b), [(2, 3), (2, 3)]),
    (lambda lib, a, b: lib.einsum("ij,jk->ik", a), [(2, 3), (3, 3)]),
    (lambda lib, a, b: lib.einsum("ijk,jk->ik", a, b), [(2, 3), (3, 3)]),
]


@pytest.mark.parametrize("fn,shapes", ERRORS)
def test_errors(fn, shapes):
    check_raises(fn, shapes)
