"""nn.functional helpers against torch: one_hot, normalize, cosine_similarity,
pairwise_distance, and the public namespace."""

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check, check_raises

FLOATS = ["float32", "float64"]


def test_one_hot():
    idx = np.array([[0, 3], [2, 1]])
    check(lambda lib: lib.nn.functional.one_hot(lib.tensor(idx)), arrays=[])
    check(lambda lib: lib.nn.functional.one_hot(lib.tensor(idx), 6), arrays=[])
    check(lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.long), 3), arrays=[])
    for fn in [lambda lib: lib.nn.functional.one_hot(lib.tensor([1.0])),
               lambda lib: lib.nn.functional.one_hot(lib.tensor([-1])),
               lambda lib: lib.nn.functional.one_hot(lib.tensor([4]), 3),
               lambda lib: lib.nn.functional.one_hot(lib.tensor([], dtype=lib.long))]:
        check_raises(fn, arrays=[])


@pytest.mark.parametrize("kwargs", [{}, {"p": 1.0}, {"dim": 0}, {"p": 3.0, "dim": -1}])
def test_normalize(kwargs):
    check(lambda lib, x: lib.nn.functional.normalize(x, **kwargs), [(4, 5)], dtypes=FLOATS,
          graph=False)


def test_normalize_zero_row():
    arr = np.array([[0.0, 0.0], [3.0, 4.0]], dtype=np.float32)
    check(lambda lib, x: lib.nn.functional.normalize(x), arrays=[arr], graph=False)


@pytest.mark.parametrize("shapes,dim", [([(4, 5), (4, 5)], 1), ([(4, 5), (1, 5)], 1),
                                        ([(3, 4, 5), (3, 4, 5)], -1), ([(6,), (6,)], 0)])
def test_cosine_similarity(shapes, dim):
    check(lambda lib, a, b: lib.nn.functional.cosine_similarity(a, b, dim=dim), shapes,
          dtypes=FLOATS, graph=False)


@pytest.mark.parametrize("kwargs", [{}, {"p": 1.0}, {"keepdim": True}, {"eps": 0.0, "p": 3.0}])
def test_pairwise_distance(kwargs):
    check(lambda lib, a, b: lib.nn.functional.pairwise_distance(a, b, **kwargs),
          [(4, 5), (4, 5)], dtypes=FLOATS, graph=False)


def test_namespace_matches_torch():
    names = ["linear", "bilinear", "embedding", "one_hot", "normalize", "cosine_similarity",
             "pairwise_distance", "relu", "relu6", "hardtanh", "leaky_relu", "elu", "selu",
             "celu", "gelu", "silu", "mish", "sigmoid", "tanh", "softplus", "hardswish",
             "hardsigmoid", "threshold", "glu", "logsigmoid", "softshrink", "hardshrink",
             "softsign", "tanhshrink", "prelu", "softmax", "softmin", "log_softmax", "l1_loss",
             "mse_loss", "smooth_l1_loss", "huber_loss", "binary_cross_entropy",
             "binary_cross_entropy_with_logits", "nll_loss", "cross_entropy", "kl_div",
             "cosine_embedding_loss", "margin_ranking_loss", "relu_", "elu_", "leaky_relu_"]
    for n in names:
        assert hasattr(torch.nn.functional, n), n
        assert callable(getattr(numtorch.nn.functional, n)), n
    for n in ["Module", "Parameter", "Sequential", "ModuleList", "ModuleDict", "ParameterList",
              "ParameterDict", "Identity", "Flatten", "Unflatten", "Linear", "Bilinear",
              "Embedding", "CrossEntropyLoss", "Softmax", "GELU", "PReLU"]:
        assert hasattr(numtorch.nn, n), n
    from numtorch import nn
    from numtorch.nn import functional as F  # noqa: N812
    from numtorch.nn import init, utils
    assert nn.functional is F and nn.init is init and nn.utils is utils


def test_prelu_functional():
    check(lambda lib, x, w: lib.nn.functional.prelu(x, w), [(2, 3, 4), (3,)], dtypes=FLOATS)
    check(lambda lib, x, w: lib.nn.functional.prelu(x, w), [(2, 3), (1,)])
    check_raises(lambda lib, x, w: lib.nn.functional.prelu(x, w), [(2, 3), (2,)])
