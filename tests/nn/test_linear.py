"""Linear, Bilinear, Identity, Embedding and F.linear/F.embedding against torch."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check, check_raises, compare_module

FLOATS = ["float32", "float64"]


@pytest.mark.parametrize("shape", [(3,), (4, 3), (2, 4, 3), (2, 2, 4, 3)])
@pytest.mark.parametrize("bias", [True, False])
def test_functional_linear_graphs(shape, bias):
    def fn(lib, x, w, b):
        return lib.nn.functional.linear(x, w, b if bias else None)

    # matmul(1-D, 2-D) records torch's SqueezeBackward4 chain, which numtorch does not build:
    # values and gradients are still compared
    graph = not (len(shape) == 1 and not bias)
    check(fn, [shape, (5, 3), (5,)], dtypes=FLOATS, second_order=True, graph=graph)


def test_functional_linear_noncontiguous():
    check(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), [(4, 3), (5, 3), (5,)],
          layouts=("transposed", "strided"))
    check(lambda lib, x, w, b: lib.nn.functional.linear(x, w, b), [(2, 4, 3), (5, 3), (5,)],
          layouts=("transposed",), graph=False)


def test_linear_errors():
    check_raises(lambda lib, x: lib.nn.Linear(784, 512)(x), [(28, 28)])
    check_raises(lambda lib, x: lib.nn.Linear(784, 512)(x), [(3, 28, 28)])
    check_raises(lambda lib, x: lib.nn.Linear(784, 512)(x), [(28,)])
    check_raises(lambda lib, x: lib.nn.Linear(784, 512)(x), [()])
    check_raises(lambda lib, x: lib.nn.Linear(3, 2)(x), [(4, 3)], dtype="float64")


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("shape", [(4, 6), (2, 3, 6), (6,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_module(dtype, shape, bias):
    graph = not (len(shape) == 1 and not bias)  # matmul(1-D, 2-D)'s graph: see above
    compare_module(lambda lib: lib.nn.Linear(6, 5, bias=bias), [shape], dtype=dtype,
                   graph=graph)


@pytest.mark.parametrize("dtype", FLOATS)
def test_bilinear_module(dtype):
    compare_module(lambda lib: lib.nn.Bilinear(3, 4, 5), [(6, 3), (6, 4)], dtype=dtype,
                   graph=False)
    compare_module(lambda lib: lib.nn.Bilinear(3, 4, 2, bias=False), [(2, 6, 3), (2, 6, 4)],
                   dtype=dtype, graph=False)
    check_raises(lambda lib, a, b: lib.nn.functional.bilinear(a, b, lib.ones(5, 3, 3)),
                 [(6, 3), (6, 4)])


def test_identity():
    compare_module(lambda lib: lib.nn.Identity(54, unused="x"), [(3, 4)], graph=False)
    assert repr(numtorch.nn.Identity(3)) == repr(torch.nn.Identity(3))


IDX = np.array([[0, 2, 4, 2], [1, 0, 0, 3]])


@pytest.mark.parametrize("kwargs", [{}, {"padding_idx": 0}, {"padding_idx": -1},
                                    {"scale_grad_by_freq": True}])
@pytest.mark.parametrize("dtype", FLOATS)
def test_embedding_module(kwargs, dtype):
    compare_module(lambda lib: lib.nn.Embedding(5, 3, **kwargs), [], dtype=dtype,
                   extra=lambda lib: [lib.tensor(IDX)])


def test_embedding_functional():
    check(lambda lib, w: lib.nn.functional.embedding(lib.tensor(IDX), w), [(5, 3)],
          dtypes=FLOATS, second_order=True)
    check(lambda lib, w: lib.nn.functional.embedding(lib.tensor(IDX).int(), w, padding_idx=2),
          [(5, 3)])
    check(lambda lib, w: lib.nn.functional.embedding(lib.tensor(3), w), [(5, 3)])


def test_embedding_max_norm():
    rng = np.random.default_rng(0)
    w = rng.normal(size=(5, 3)).astype(np.float32) * 3
    outs = []
    for lib in (torch, numtorch):
        m = lib.nn.Embedding(5, 3, max_norm=1.0)
        with lib.no_grad():
            m.weight.copy_(lib.tensor(w))
        out = m(lib.tensor(IDX))
        outs.append((out.detach().numpy(), m.weight.detach().numpy()))
    np.testing.assert_allclose(outs[0][0], outs[1][0], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(outs[0][1], outs[1][1], rtol=1e-5, atol=1e-6)


def test_embedding_errors_and_repr():
    check_raises(lambda lib, w: lib.nn.functional.embedding(lib.tensor([5]), w), [(5, 3)])
    check_raises(lambda lib, w: lib.nn.functional.embedding(lib.tensor([1.0]), w), [(5, 3)])
    for make in [lambda nn: nn.Embedding(3, 4), lambda nn: nn.Embedding(3, 4, padding_idx=0),
                 lambda nn: nn.Embedding(3, 4, max_norm=1.0, scale_grad_by_freq=True),
                 lambda nn: nn.Embedding(3, 4, norm_type=1.0, sparse=True),
                 lambda nn: nn.Embedding(3, 4, padding_idx=-1)]:
        assert repr(make(numtorch.nn)) == repr(make(torch.nn))
    for bad in [lambda nn: nn.Embedding(3, 2, padding_idx=5),
                lambda nn: nn.Embedding(3, 2, padding_idx=-4)]:
        with pytest.raises(AssertionError, match="Padding_idx must be within num_embeddings"):
            bad(numtorch.nn)
    w = numtorch.ones(4, 2)
    emb = numtorch.nn.Embedding.from_pretrained(w)
    assert not emb.weight.requires_grad and emb.num_embeddings == 4


def test_embedding_seeded_init():
    for lib in (torch, numtorch):
        lib.manual_seed(3)
    a = torch.nn.Embedding(7, 4, padding_idx=1).weight.detach().numpy()
    b = numtorch.nn.Embedding(7, 4, padding_idx=1).weight.detach().numpy()
    np.testing.assert_array_equal(a, b)


def test_linear_dtype_mismatch():
    for fn in [lambda lib, x, w, b: lib.nn.functional.linear(x.double(), w, b),
               lambda lib, x, w, b: lib.nn.functional.linear(x.double(), w, b.double()),
               lambda lib, x, w, b: lib.nn.functional.linear(x[0].double(), w, b)]:
        check_raises(fn, [(4, 3), (2, 3), (2,)])
