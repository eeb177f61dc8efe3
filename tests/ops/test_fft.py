"""numtorch.fft against torch.fft: values, complex dtypes, gradients, norms, sizes, errors."""

import numpy as np
import pytest
import torch

import numtorch
import numtorch.fft
from tests.oracle import check, check_raises

NORMS = [None, "forward", "ortho"]


def _plain(lib, t):
    """torch returns lazily conjugated views from some transforms; the harness wants data."""
    return t.resolve_conj() if lib is torch else t


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "hfft", "ihfft"])
def test_one_dimensional(name, norm):
    check(lambda lib, x: _plain(lib, getattr(lib.fft, name)(x, norm=norm)), [(3, 8)],
          dtypes=["float32", "float64"], graph=False)


@pytest.mark.parametrize("n", [5, 12])
@pytest.mark.parametrize("name", ["fft", "rfft", "irfft", "ifft"])
def test_padding_and_trimming(name, n):
    check(lambda lib, x: _plain(lib, getattr(lib.fft, name)(x, n=n, dim=0)), [(8, 3)],
          dtypes=["float64"], graph=False)


def test_complex_input_and_output_dtypes():
    for dt in ["complex64", "complex128"]:
        check(lambda lib, x: lib.fft.fft(x), [(6,)], dtypes=[dt], graph=False)
        check(lambda lib, x: lib.fft.irfft(x, n=10), [(6,)], dtypes=[dt], graph=False)


@pytest.mark.parametrize("name", ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "rfftn", "irfft2",
                                  "irfftn", "hfft2", "hfftn", "ihfft2", "ihfftn"])
def test_multi_dimensional(name):
    check(lambda lib, x: _plain(lib, getattr(lib.fft, name)(x)), [(2, 4, 6)],
          dtypes=["float64"], graph=False)
    check(lambda lib, x: _plain(lib, getattr(lib.fft, name)(x, s=(5, 4), dim=(0, 2),
                                                            norm="ortho")),
          [(3, 4, 6)], dtypes=["float64"], graph=False)


def test_shift_and_frequencies():
    check(lambda lib, x: lib.fft.fftshift(x), [(5, 4)], graph=False)
    check(lambda lib, x: lib.fft.ifftshift(x, dim=0), [(5, 4)], graph=False)
    for n, d in [(7, 1.0), (8, 0.5)]:
        for name in ["fftfreq", "rfftfreq"]:
            ours = getattr(numtorch.fft, name)(n, d)
            theirs = getattr(torch.fft, name)(n, d)
            np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-6)
            assert str(ours.dtype) == str(theirs.dtype)


def test_printing_complex_output():
    x = np.arange(4, dtype=np.float32)
    assert repr(numtorch.fft.fft(numtorch.tensor(x))) == repr(torch.fft.fft(torch.tensor(x)))


def test_errors():
    check_raises(lambda lib, x: lib.fft.fft(x, n=0), [(4,)])
    check_raises(lambda lib, x: lib.fft.fft(x, dim=2), [(3, 2)])
    check_raises(lambda lib, x: lib.fft.fft(x, norm="bad"), [(3,)], match_message=False)
