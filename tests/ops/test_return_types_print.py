"""torch.return_types structseqs: printed text (repr and str), tuple behaviour and pickling,
against torch."""

import pickle

import pytest
import torch

import numtorch


def _x(lib):
    return lib.tensor([[1.0, 3.0, 2.0], [4.0, 0.0, 5.0]])


def _sq(lib):
    return lib.tensor([[2.0, 1.0], [1.0, 3.0]])


CASES = {
    "max": lambda lib: lib.max(_x(lib), 1),
    "min": lambda lib: lib.min(_x(lib), 0),
    "max_0d": lambda lib: lib.max(lib.tensor(2.0), 0),
    "max_grad": lambda lib: lib.max(_x(lib).requires_grad_(), 1),
    "sort": lambda lib: lib.sort(_x(lib)),
    "topk": lambda lib: lib.topk(_x(lib), 2),
    "kthvalue": lambda lib: lib.kthvalue(_x(lib), 1),
    "mode": lambda lib: lib.mode(_x(lib)),
    "median": lambda lib: lib.median(_x(lib), 1),
    "nanmedian": lambda lib: lib.nanmedian(_x(lib), 1),
    "aminmax": lambda lib: lib.aminmax(_x(lib)),
    "aminmax_dim": lambda lib: lib.aminmax(_x(lib), dim=1),
    "aminmax_method": lambda lib: _x(lib).aminmax(dim=0, keepdim=True),
    "cummax": lambda lib: lib.cummax(_x(lib), 1),
    "cummin": lambda lib: lib.cummin(_x(lib), 1),
    "var_mean": lambda lib: lib.var_mean(_x(lib), 1),
    "std_mean": lambda lib: lib.std_mean(_x(lib)),
    "linalg_slogdet": lambda lib: lib.linalg.slogdet(_sq(lib)),
    "slogdet": lambda lib: lib.slogdet(_sq(lib)),
    "linalg_qr": lambda lib: lib.linalg.qr(_sq(lib)),
    "linalg_svd": lambda lib: lib.linalg.svd(_sq(lib)),
    "svd": lambda lib: lib.svd(_sq(lib)),
    "linalg_eigh": lambda lib: lib.linalg.eigh(_sq(lib)),
    "lu_unpack": lambda lib: lib.lu_unpack(*lib.linalg.lu_factor(_sq(lib))),
    "linalg_lu_factor": lambda lib: lib.linalg.lu_factor(_sq(lib)),
    "linalg_lu": lambda lib: lib.linalg.lu(_sq(lib)),
    "histogram": lambda lib: lib.histogram(lib.tensor([1.0, 2.0, 1.0]), bins=2),
    "histogramdd": lambda lib: lib.histogramdd(lib.tensor([[1.0, 2.0], [1.0, 3.0]]), bins=2),
    "frexp": lambda lib: lib.frexp(_x(lib)),
    "geqrf": lambda lib: lib.geqrf(_sq(lib)),
    "linalg_inv_ex": lambda lib: lib.linalg.inv_ex(_sq(lib)),
    "linalg_cholesky_ex": lambda lib: lib.linalg.cholesky_ex(_sq(lib)),
    "linalg_solve_ex": lambda lib: lib.linalg.solve_ex(_sq(lib), _sq(lib)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_printed_as_torch(name):
    theirs, ours = CASES[name](torch), CASES[name](numtorch)
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)
    assert f"{ours}" == f"{theirs}"


@pytest.mark.parametrize("name", sorted(set(CASES) - {"var_mean", "std_mean"}))
def test_behaves_as_torch_structseq(name):
    theirs, ours = CASES[name](torch), CASES[name](numtorch)
    assert type(ours).__name__ == type(theirs).__name__
    assert type(ours).__module__ == type(theirs).__module__ == "torch.return_types"
    assert isinstance(ours, tuple) and len(ours) == len(theirs)
    assert (ours.n_fields, ours.n_sequence_fields, ours.n_unnamed_fields) == (
        theirs.n_fields, theirs.n_sequence_fields, theirs.n_unnamed_fields)
    first, *rest = ours
    assert first is ours[0] and len(rest) == len(ours) - 1
    assert type(ours[:1]) is tuple
    back = pickle.loads(pickle.dumps(ours))
    assert type(back) is type(ours)
    assert repr(back) == repr(pickle.loads(pickle.dumps(theirs)))
