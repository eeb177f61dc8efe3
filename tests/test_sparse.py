"""Sparse COO tensors against torch: construction, coalescing, printing, products, gradients."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value

pytestmark = pytest.mark.filterwarnings("ignore:Sparse invariant checks")

IND = [[0, 1, 1, 0], [2, 0, 2, 2]]  # (0, 2) repeated: uncoalesced
VAL = [3.0, 4.0, 5.0, -1.5]


def both(fn):
    return fn(numtorch), fn(torch)


def make(lib, ind=IND, val=VAL, size=(2, 3), **kw):
    val = val if isinstance(val, lib.Tensor) else lib.tensor(val)
    if size is None:
        return lib.sparse_coo_tensor(lib.tensor(ind), val, **kw)
    return lib.sparse_coo_tensor(lib.tensor(ind), val, size, **kw)


def same_sparse(ours, theirs):
    assert ours.is_sparse and theirs.is_sparse
    assert ours.layout is numtorch.sparse_coo and str(ours.layout) == str(theirs.layout)
    assert tuple(ours.shape) == tuple(theirs.shape)
    assert (ours.sparse_dim(), ours.dense_dim(), ours._nnz()) == \
        (theirs.sparse_dim(), theirs.dense_dim(), theirs._nnz())
    assert ours.is_coalesced() == theirs.is_coalesced()
    assert_same_value(ours._indices(), theirs._indices().detach(), what="indices")
    assert_same_value(ours._values().detach(), theirs._values().detach(), what="values")
    assert_same_value(ours.to_dense().detach(), theirs.to_dense().detach(), what="dense")


def test_construct_coalesce_to_dense():
    same_sparse(*both(make))
    same_sparse(*both(lambda lib: make(lib).coalesce()))
    same_sparse(*both(lambda lib: make(lib, size=None)))
    same_sparse(*both(lambda lib: make(lib, size=(4, 5), is_coalesced=False)))
    ours, theirs = both(lambda lib: make(lib).coalesce())
    assert_same_value(ours.indices(), theirs.indices())
    assert_same_value(ours.values(), theirs.values())
    assert ours.nnz() == theirs._nnz() and ours.size() == tuple(theirs.size())
    assert ours.dtype is numtorch.float32 and ours.size(1) == theirs.size(1)


def test_dense_values_and_to_sparse():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 4, 2)) * (rng.random((3, 4, 2)) < 0.4)
    same_sparse(*both(lambda lib: lib.tensor(a).to_sparse()))
    for sd in (3, 2, 1):
        same_sparse(*both(lambda lib, sd=sd: lib.tensor(a).to_sparse(sd)))
    same_sparse(*both(lambda lib: lib.sparse_coo_tensor(
        lib.tensor([[0, 2, 0]]), lib.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]), (3, 2))))
    x = numtorch.tensor([1.0, 2.0])
    assert x.to_dense() is x and not x.is_sparse


def test_repr():
    for fn in (make, lambda lib: make(lib).coalesce(),
               lambda lib: make(lib, requires_grad=True),
               lambda lib: lib.sparse_coo_tensor(lib.tensor(IND), lib.tensor(VAL).double()),
               lambda lib: lib.tensor([[0.0, 1.5], [2.0, 0.0]]).to_sparse()):
        ours, theirs = both(fn)
        assert repr(ours) == repr(theirs)
    ours, theirs = both(lambda lib: make(lib, val=lib.tensor(VAL, requires_grad=True)))
    # the node's name differs (numtorch records the values' view), so its wrapping may too
    assert repr(ours).split("grad_fn=")[0].rstrip() == repr(theirs).split("grad_fn=")[0].rstrip()
    assert ours.grad_fn is not None and not ours.is_leaf


def test_indices_of_uncoalesced_raise():
    for name in ("indices", "values"):
        with pytest.raises(RuntimeError) as theirs:
            getattr(make(torch), name)()
        with pytest.raises(RuntimeError) as ours:
            getattr(make(numtorch), name)()
        assert str(ours.value) == str(theirs.value)


@pytest.mark.parametrize("args", [
    dict(ind=[[0, 1], [1, 0]], val=[1.0, 2.0, 3.0]),
    dict(ind=[[0, 1, 1], [2, 0, 2]], val=[1.0, 2.0, 3.0], size=(2, 2), check_invariants=True),
    dict(ind=[[0, 1, 1], [2, 0, 2]], val=[1.0, 2.0, 3.0], size=(2, 3, 4)),
])
def test_construction_errors(args):
    with pytest.raises(RuntimeError) as theirs:
        make(torch, **args)
    with pytest.raises(RuntimeError) as ours:
        make(numtorch, **args)
    assert str(ours.value) == str(theirs.value)


def test_elementwise_and_unsupported():
    same_sparse(*both(lambda lib: make(lib) * 2))
    same_sparse(*both(lambda lib: 2.5 * make(lib)))
    same_sparse(*both(lambda lib: make(lib).coalesce() + make(lib).coalesce()))
    assert_same_value(*both(lambda lib: (make(lib) + make(lib)).to_dense()))
    same_sparse(*both(lambda lib: -make(lib)))
    assert_same_value(*both(lambda lib: lib.ones(2, 3) + make(lib)))
    with pytest.raises(RuntimeError) as theirs:
        make(torch) + torch.ones(2, 3)
    with pytest.raises(RuntimeError) as ours:
        make(numtorch) + numtorch.ones(2, 3)
    assert str(ours.value) == str(theirs.value)
    for op in (lambda t: t.exp(), lambda t: t.view(12)):
        with pytest.raises(NotImplementedError) as theirs:
            op(make(torch))
        with pytest.raises(NotImplementedError) as ours:
            op(make(numtorch))
        assert str(theirs.value).startswith(str(ours.value).split(" This could")[0])


def test_products_and_sum():
    d = np.random.default_rng(1).standard_normal((3, 2)).astype(np.float32)
    for prod in (lambda lib, s, x: lib.sparse.mm(s, x), lambda lib, s, x: lib.mm(s, x),
                 lambda lib, s, x: s @ x, lambda lib, s, x: lib.spmm(s, x),
                 lambda lib, s, x: s.mm(x)):
        assert_same_value(*both(lambda lib, prod=prod: prod(lib, make(lib), lib.tensor(d))),
                          rtol=1e-5, atol=1e-6)
    assert_same_value(*both(lambda lib: lib.sparse.sum(make(lib))))
    for dim in (0, 1, (0, 1), -1):
        ours, theirs = both(lambda lib, dim=dim: lib.sparse.sum(make(lib), dim))
        if theirs.is_sparse:
            same_sparse(ours, theirs)
        else:
            assert_same_value(ours, theirs)


def test_softmax():
    for f in ("softmax", "log_softmax"):
        for dim in (0, 1):
            ours, theirs = both(lambda lib, f=f, dim=dim: getattr(lib.sparse, f)(make(lib), dim))
            assert_same_value(ours.to_dense(), theirs.to_dense(), rtol=1e-5, atol=1e-6)


def test_mm_gradients():
    d = np.random.default_rng(2).standard_normal((3, 2)).astype(np.float32)
    g = np.random.default_rng(3).standard_normal((2, 2)).astype(np.float32)
    res = {}
    for lib in (numtorch, torch):
        s = make(lib, requires_grad=True)
        x = lib.tensor(d, requires_grad=True)
        lib.sparse.mm(s, x).backward(lib.tensor(g))
        res[lib] = (s, x)
    (s_o, x_o), (s_t, x_t) = res[numtorch], res[torch]
    assert_same_value(x_o.grad, x_t.grad, rtol=1e-5, atol=1e-6)
    assert s_t.grad.is_sparse and s_o.grad.is_sparse
    same_sparse(s_o.grad, s_t.grad)


def test_to_dense_and_values_gradients():
    res = {}
    for lib in (numtorch, torch):
        s = make(lib, requires_grad=True)
        (s.to_dense() * lib.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])).sum().backward()
        v = lib.tensor(VAL, requires_grad=True)
        (make(lib, val=v).to_dense() ** 2).sum().backward()
        res[lib] = (s, v)
    same_sparse(res[numtorch][0].grad, res[torch][0].grad)
    assert_same_value(res[numtorch][1].grad, res[torch][1].grad)


def test_to_sparse_gradient():
    res = {}
    for lib in (numtorch, torch):
        x = lib.tensor([[0.0, 1.5, 0.0], [2.0, 0.0, -3.0]], requires_grad=True)
        y = lib.sparse.mm(x.to_sparse(), lib.ones(3, 2))
        (y * lib.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()
        res[lib] = x.grad
    assert_same_value(res[numtorch], res[torch])


def test_transpose_and_conversions():
    same_sparse(*both(lambda lib: make(lib).coalesce().t()))
    same_sparse(*both(lambda lib: make(lib).transpose(1, 0)))
    same_sparse(*both(lambda lib: lib.sparse_coo_tensor(
        lib.tensor([[0, 1], [1, 0], [0, 0]]), lib.tensor([1.0, 2.0]), (2, 2, 2)).transpose(0, 2)))
    same_sparse(*both(lambda lib: make(lib).coalesce().double()))
    same_sparse(*both(lambda lib: make(lib).to(lib.float64)))
    same_sparse(*both(lambda lib: make(lib).clone()))
    same_sparse(*both(lambda lib: make(lib, device="cpu", dtype=lib.float64)))
    ours, theirs = both(lambda lib: make(lib).double())
    assert repr(ours) == repr(theirs)


@pytest.mark.parametrize("kw", [{}, dict(size=(3,), check_invariants=True)])
def test_negative_index_error(kw):
    def build(lib):
        return lib.sparse_coo_tensor(lib.tensor([[0, -1]]), lib.tensor([1.0, 2.0]), **kw)
    with pytest.raises(RuntimeError) as theirs:
        build(torch)
    with pytest.raises(RuntimeError) as ours:
        build(numtorch)
    assert str(ours.value) == str(theirs.value)
    # unchecked with a size, as torch's
    assert tuple(numtorch.sparse_coo_tensor([[0, -1]], [1.0, 2.0], (3,)).shape) == \
        tuple(torch.sparse_coo_tensor([[0, -1]], [1.0, 2.0], (3,)).shape)


def test_graph_convolution_step():
    """A GCN-style propagation: normalised sparse adjacency times features, trained weight."""
    edges = [[0, 1, 1, 2, 2, 3], [1, 0, 2, 1, 3, 2]]
    x = np.random.default_rng(4).standard_normal((4, 3)).astype(np.float32)
    w = np.random.default_rng(5).standard_normal((3, 2)).astype(np.float32)
    res = {}
    for lib in (numtorch, torch):
        ei = lib.tensor(edges)
        adj = lib.sparse_coo_tensor(ei, lib.ones(ei.shape[1]), (4, 4))
        deg = lib.sparse.sum(adj, dim=1).to_dense()
        norm = lib.sparse_coo_tensor(ei, (deg[ei[0]] * deg[ei[1]]).rsqrt(), (4, 4))
        weight = lib.tensor(w, requires_grad=True)
        out = lib.sparse.mm(norm, lib.tensor(x) @ weight)
        out.relu().sum().backward()
        res[lib] = (out, weight.grad)
    assert_same_value(res[numtorch][0].detach(), res[torch][0].detach(), rtol=1e-5, atol=1e-6)
    assert_same_value(res[numtorch][1], res[torch][1], rtol=1e-5, atol=1e-5)


def test_metadata_queries():
    ours, theirs = both(make)
    for q in ("is_cuda", "is_cpu", "is_quantized", "is_meta", "is_sparse_csr", "is_leaf",
              "requires_grad", "ndim"):
        assert getattr(ours, q) == getattr(theirs, q), q
    for q in ("is_floating_point", "is_complex", "element_size", "get_device", "dim", "numel"):
        assert getattr(ours, q)() == getattr(theirs, q)(), q
    same_sparse(ours.data, theirs.data)
    same_sparse(ours.T, theirs.T)
    assert len(ours) == len(theirs)


def test_deepcopy_and_pickle():
    import copy
    import pickle

    for lib in (numtorch, torch):
        s = make(lib, requires_grad=True)
        c = copy.deepcopy(s)
        p = pickle.loads(pickle.dumps(s))
        assert c.requires_grad and c.is_leaf and c is not s
        assert not p.requires_grad and p.is_coalesced() == s.is_coalesced()
    same_sparse(*both(lambda lib: copy.deepcopy(make(lib))))
    same_sparse(*both(lambda lib: pickle.loads(pickle.dumps(make(lib).coalesce()))))
