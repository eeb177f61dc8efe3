"""Discrete Fourier transforms with gradients (``torch.fft``, re-exported by ``numtorch.fft``)
and the short-time Fourier transform ``torch.stft``.

Three one-dimensional kernels (complex-to-complex, real-to-complex one-sided, complex-to-real)
run ``xp.fft`` and record ``FftC2CBackward0``/``FftR2CBackward0``/``FftC2RBackward0``; the 2-D and
n-D transforms apply them along each dimension in turn, and the Hermitian transforms are
conjugated real transforms, as in PyTorch. Real inputs give complex64 (from float32 and integer
inputs) or complex128 outputs.
"""

from __future__ import annotations

from .. import _dtype as D
from .._backend import xp_of
from .._tensor import Tensor
from ._base import Op, tensor_method, wrap_dim, write_out

#: the top-level names; the transforms are exported by ``numtorch.fft``
__all__ = ["stft", "istft"]

_DUAL = {"backward": "forward", "forward": "backward", "ortho": "ortho"}


def _norm(norm):
    if norm is None:
        return "backward"
    if norm not in _DUAL:
        raise RuntimeError(f"Invalid normalization mode: \"{norm}\"")
    return norm


def _complex_of(npdt):
    single = (npdt.kind in "fV" and npdt.itemsize <= 4) or (npdt.kind == "c" and npdt.itemsize == 8)
    return "complex64" if single else "complex128"


def _conj(t: Tensor) -> Tensor:
    from .pointwise import conj

    return conj(t)


def _real(t: Tensor) -> Tensor:
    from .pointwise import real

    return real(t)


def _resize_t(t: Tensor, dim: int, n: int) -> Tensor:
    """Zero-pad or trim ``t`` along ``dim`` to length ``n`` (recorded ops)."""
    cur = t.shape[dim]
    if cur == n:
        return t
    if cur > n:
        return t.narrow(dim, 0, n)
    from .nn.sampling import pad

    p = [0, 0] * (t.dim() - 1 - dim) + [0, n - cur]
    return pad(t, p)


class _C2C(Op):
    grad_fn_name = "FftC2CBackward0"
    params = ("n", "dim", "norm", "inverse")

    def forward(self, a):
        xp = xp_of(a)
        ct = _complex_of(a.dtype)
        fn = xp.fft.ifft if self.inverse else xp.fft.fft
        return xp.asarray(fn(a, n=self.n, axis=self.dim, norm=self.norm), dtype=ct)

    def backward(self, g):
        out = _C2C.apply(g, n=None, dim=self.dim, norm=_DUAL[self.norm],
                         inverse=not self.inverse)
        shape = self._input_meta[0][0]
        return (_resize_t(out, self.dim, shape[self.dim]),)


class _R2C(Op):
    grad_fn_name = "FftR2CBackward0"
    params = ("n", "dim", "norm")

    def forward(self, a):
        xp = xp_of(a)
        ct = _complex_of(a.dtype)
        self.length = self.n if self.n is not None else a.shape[self.dim]
        return xp.asarray(xp.fft.rfft(a, n=self.n, axis=self.dim, norm=self.norm), dtype=ct)

    def backward(self, g):
        full = _resize_t(g, self.dim, self.length)
        out = _C2C.apply(full, n=None, dim=self.dim, norm=_DUAL[self.norm], inverse=True)
        shape = self._input_meta[0][0]
        return (_resize_t(_real(out), self.dim, shape[self.dim]),)


class _C2R(Op):
    grad_fn_name = "FftC2RBackward0"
    params = ("n", "dim", "norm")

    def forward(self, a):
        xp = xp_of(a)
        rt = "float32" if a.dtype in (xp.complex64, xp.float32) else "float64"
        self.length = self.n if self.n is not None else 2 * (a.shape[self.dim] - 1)
        if self.length < 1:
            raise RuntimeError(f"Invalid number of data points ({self.length}) specified")
        return xp.asarray(xp.fft.irfft(a, n=self.length, axis=self.dim, norm=self.norm),
                          dtype=rt)

    def backward(self, g):
        gi = _R2C.apply(g, n=None, dim=self.dim, norm=_DUAL[self.norm])
        half = gi.shape[self.dim]
        double = self.length - half
        if double > 0:
            xp = xp_of(gi._data)
            scale = xp.ones(half, dtype=gi._data.real.dtype)
            scale[1:1 + double] = 2
            shape = [1] * gi.dim()
            shape[self.dim] = half
            gi = gi * Tensor._from_array(scale.reshape(shape))
        in_len = self._input_meta[0][0][self.dim]
        return (_resize_t(gi, self.dim, in_len),)


def _prep(input: Tensor, complex_input: bool) -> Tensor:
    a = input._data
    if a.dtype.kind not in "fcV":
        input = input.to(D.get_default_dtype())
    if complex_input and input._data.dtype.kind != "c":
        input = input.to(D.complex64 if input._data.dtype.itemsize == 4 else D.complex128)
    return input


def _check_n(n, name="n"):
    if n is not None and n < 1:
        raise RuntimeError(f"Invalid number of data points ({n}) specified")


def fft(input: Tensor, n=None, dim: int = -1, norm=None, *, out=None) -> Tensor:
    """One-dimensional discrete Fourier transform (``torch.fft.fft``)."""
    _check_n(n)
    x = _prep(input, False)
    d = wrap_dim(dim, x.dim())
    if x._data.dtype.kind != "c":
        # real input: the one-sided transform, completed by Hermitian symmetry, as PyTorch
        x = _prep(x, True)
    return write_out(out, _C2C.apply(x, n=n, dim=d, norm=_norm(norm), inverse=False))


def ifft(input: Tensor, n=None, dim: int = -1, norm=None, *, out=None) -> Tensor:
    """One-dimensional inverse discrete Fourier transform (``torch.fft.ifft``)."""
    _check_n(n)
    x = _prep(input, True)
    d = wrap_dim(dim, x.dim())
    return write_out(out, _C2C.apply(x, n=n, dim=d, norm=_norm(norm), inverse=True))


def rfft(input: Tensor, n=None, dim: int = -1, norm=None, *, out=None) -> Tensor:
    """One-sided transform of a real signal (``torch.fft.rfft``)."""
    _check_n(n)
    x = _prep(input, False)
    if x._data.dtype.kind == "c":
        raise RuntimeError("rfft expects a real input tensor, but got "
                           f"{D.from_numpy_dtype(x._data.dtype)}")
    d = wrap_dim(dim, x.dim())
    return write_out(out, _R2C.apply(x, n=n, dim=d, norm=_norm(norm)))


def irfft(input: Tensor, n=None, dim: int = -1, norm=None, *, out=None) -> Tensor:
    """Inverse of ``rfft``: a real signal of length ``n`` (default ``2 (m - 1)``)."""
    _check_n(n)
    x = _prep(input, True)
    d = wrap_dim(dim, x.dim())
    return write_out(out, _C2R.apply(x, n=n, dim=d, norm=_norm(norm)))


def hfft(input: Tensor, n=None, dim: int = -1, norm=None, *, out=None) -> Tensor:
    """Transform of a Hermitian-symmetric signal given by its first half (real output)."""
    x = _prep(input, True)
    return write_out(out, irfft(_conj(x), n, dim, _DUAL[_norm(norm)]))


def ihfft(input: Tensor, n=None, dim: int = -1, norm=None, *, out=None) -> Tensor:
    """Inverse of ``hfft``: the one-sided inverse transform of a real signal."""
    return write_out(out, _conj(rfft(input, n, dim, _DUAL[_norm(norm)])))


def _dims_and_sizes(x: Tensor, s, dim, default_all: bool):
    nd = x.dim()
    if dim is None:
        if s is None:
            dims = list(range(nd)) if default_all else [nd - 2, nd - 1]
        else:
            dims = list(range(nd - len(s), nd))
    else:
        dims = [wrap_dim(d, nd) for d in ([dim] if isinstance(dim, int) else dim)]
        if len(set(dims)) != len(dims):
            raise RuntimeError("FFT dims must be unique")
    if s is not None:
        if len(s) != len(dims):
            raise RuntimeError("When given, dim and shape arguments must have the same length")
        sizes = [None if n == -1 else n for n in s]
    else:
        sizes = [None] * len(dims)
    for n in sizes:
        _check_n(n)
    return dims, sizes


def _c2c_n(input, s, dim, norm, inverse, default_all):
    x = _prep(input, True)
    dims, sizes = _dims_and_sizes(x, s, dim, default_all)
    for d, n in zip(dims, sizes):
        x = _C2C.apply(x, n=n, dim=d, norm=_norm(norm), inverse=inverse)
    return x


def fftn(input: Tensor, s=None, dim=None, norm=None, *, out=None) -> Tensor:
    """n-dimensional transform (all dims by default)."""
    return write_out(out, _c2c_n(input, s, dim, norm, False, True))


def ifftn(input: Tensor, s=None, dim=None, norm=None, *, out=None) -> Tensor:
    """n-dimensional inverse transform (all dims by default)."""
    return write_out(out, _c2c_n(input, s, dim, norm, True, True))


def fft2(input: Tensor, s=None, dim=(-2, -1), norm=None, *, out=None) -> Tensor:
    """Two-dimensional transform over ``dim`` (the last two by default)."""
    return write_out(out, _c2c_n(input, s, dim, norm, False, False))


def ifft2(input: Tensor, s=None, dim=(-2, -1), norm=None, *, out=None) -> Tensor:
    """Two-dimensional inverse transform over ``dim``."""
    return write_out(out, _c2c_n(input, s, dim, norm, True, False))


def _rfftn(input, s, dim, norm, default_all):
    x = _prep(input, False)
    if x._data.dtype.kind == "c":
        raise RuntimeError("rfftn expects a real-valued input tensor, but got "
                           f"{D.from_numpy_dtype(x._data.dtype)}")
    dims, sizes = _dims_and_sizes(x, s, dim, default_all)
    if not dims:
        raise RuntimeError("rfftn must transform at least one axis")
    x = _R2C.apply(x, n=sizes[-1], dim=dims[-1], norm=_norm(norm))
    for d, n in zip(dims[:-1], sizes[:-1]):
        x = _C2C.apply(x, n=n, dim=d, norm=_norm(norm), inverse=False)
    return x


def _irfftn(input, s, dim, norm, default_all):
    x = _prep(input, True)
    dims, sizes = _dims_and_sizes(x, s, dim, default_all)
    if not dims:
        raise RuntimeError("irfftn must transform at least one axis")
    for d, n in zip(dims[:-1], sizes[:-1]):
        x = _C2C.apply(x, n=n, dim=d, norm=_norm(norm), inverse=True)
    last = sizes[-1]
    if last is None:
        last = 2 * (x.shape[dims[-1]] - 1)
    return _C2R.apply(x, n=last, dim=dims[-1], norm=_norm(norm))


def rfftn(input: Tensor, s=None, dim=None, norm=None, *, out=None) -> Tensor:
    """n-dimensional transform of a real signal, one-sided in the last transformed dim."""
    return write_out(out, _rfftn(input, s, dim, norm, True))


def irfftn(input: Tensor, s=None, dim=None, norm=None, *, out=None) -> Tensor:
    """Inverse of ``rfftn``."""
    return write_out(out, _irfftn(input, s, dim, norm, True))


def rfft2(input: Tensor, s=None, dim=(-2, -1), norm=None, *, out=None) -> Tensor:
    return write_out(out, _rfftn(input, s, dim, norm, False))


def irfft2(input: Tensor, s=None, dim=(-2, -1), norm=None, *, out=None) -> Tensor:
    return write_out(out, _irfftn(input, s, dim, norm, False))


def hfftn(input: Tensor, s=None, dim=None, norm=None, *, out=None) -> Tensor:
    """n-dimensional transform of a Hermitian-symmetric signal (real output)."""
    x = _prep(input, True)
    return write_out(out, _irfftn(_conj(x), s, dim, _DUAL[_norm(norm)], True))


def ihfftn(input: Tensor, s=None, dim=None, norm=None, *, out=None) -> Tensor:
    """Inverse of ``hfftn``."""
    return write_out(out, _conj(_rfftn(input, s, dim, _DUAL[_norm(norm)], True)))


def hfft2(input: Tensor, s=None, dim=(-2, -1), norm=None, *, out=None) -> Tensor:
    x = _prep(input, True)
    return write_out(out, _irfftn(_conj(x), s, dim, _DUAL[_norm(norm)], False))


def ihfft2(input: Tensor, s=None, dim=(-2, -1), norm=None, *, out=None) -> Tensor:
    return write_out(out, _conj(_rfftn(input, s, dim, _DUAL[_norm(norm)], False)))


def _shift_dims(input: Tensor, dim):
    if dim is None:
        return list(range(input.dim()))
    return [wrap_dim(d, input.dim()) for d in ([dim] if isinstance(dim, int) else dim)]


def fftshift(input: Tensor, dim=None) -> Tensor:
    """Move the zero-frequency term to the centre (a roll by ``n // 2``)."""
    dims = _shift_dims(input, dim)
    return input.roll([input.shape[d] // 2 for d in dims], dims)


def ifftshift(input: Tensor, dim=None) -> Tensor:
    """Inverse of ``fftshift`` (a roll by ``-(n // 2)``)."""
    dims = _shift_dims(input, dim)
    return input.roll([-(input.shape[d] // 2) for d in dims], dims)


def fftfreq(n: int, d: float = 1.0, *, dtype=None, device=None, requires_grad: bool = False,
            **_) -> Tensor:
    """Sample frequencies ``[0, 1, ..., n//2 - 1, -n//2, ..., -1] / (d n)`` (``torch.fft``)."""
    from .creation import arange
    from .join import cat

    dt = dtype or D.get_default_dtype()
    pos = arange(0, (n - 1) // 2 + 1, dtype=dt)
    neg = arange(-(n // 2), 0, dtype=dt)
    r = cat([pos, neg]) * (1.0 / (n * d))
    return r.requires_grad_(requires_grad) if requires_grad else r


def rfftfreq(n: int, d: float = 1.0, *, dtype=None, device=None, requires_grad: bool = False,
             **_) -> Tensor:
    """Non-negative sample frequencies ``[0, ..., n//2] / (d n)``."""
    from .creation import arange

    dt = dtype or D.get_default_dtype()
    r = arange(0, n // 2 + 1, dtype=dt) * (1.0 / (n * d))
    return r.requires_grad_(requires_grad) if requires_grad else r


@tensor_method("stft")
def stft(input: Tensor, n_fft: int, hop_length: int | None = None, win_length: int | None = None,
         window: Tensor | None = None, center: bool = True, pad_mode: str = "reflect",
         normalized: bool = False, onesided: bool | None = None,
         return_complex: bool | None = None, align_to_window: bool | None = None) -> Tensor:
    """``torch.stft``: FFTs of windowed frames, (batch?, freq, frames); centred frames pad the
    signal by ``n_fft // 2`` with ``pad_mode``; ``normalized`` scales by ``n_fft ** -0.5``."""
    from .nn.sampling import pad
    from .shape import view_as_real

    if input.dim() not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {input.dim()}D tensor")
    complex_in = input.is_complex() or (window is not None and window.is_complex())
    if return_complex is None:
        if not complex_in:
            raise RuntimeError("stft requires the return_complex parameter be given for real "
                               "inputs, and will further require that return_complex=True in "
                               "a future PyTorch release.")
        return_complex = True
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if not 0 < win <= n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got win_length={win}")
    x = input if input.dim() == 2 else input.unsqueeze(0)
    if center:
        p = n_fft // 2
        x = pad(x.unsqueeze(1), [p, p], mode=pad_mode).squeeze(1)
    if not 0 < n_fft <= x.shape[-1]:
        raise RuntimeError(f"stft: expected 0 < n_fft < {x.shape[-1]}, but got n_fft={n_fft}")
    frames = x.unfold(-1, n_fft, hop)
    if win < n_fft:
        left = (n_fft - win) // 2
        if window is not None:
            w = pad(window.reshape(1, 1, -1), [left, n_fft - win - left]).reshape(-1)
        else:   # a rectangular window of length win, centred
            w = pad(frames.new_ones((1, 1, win)), [left, n_fft - win - left]).reshape(-1)
        frames = frames * w
    elif window is not None:
        frames = frames * window
    one = (not complex_in) if onesided is None else onesided
    norm = "ortho" if normalized else "backward"
    spec = rfft(frames, dim=-1, norm=norm) if one else fft(frames, dim=-1, norm=norm)
    spec = spec.transpose(-1, -2)
    if input.dim() == 1:
        spec = spec.squeeze(0)
    return spec if return_complex else view_as_real(spec.contiguous())


@tensor_method("istft")
def istft(input: Tensor, n_fft: int, hop_length: int | None = None,
          win_length: int | None = None, window: Tensor | None = None, center: bool = True,
          normalized: bool = False, onesided: bool | None = None, length: int | None = None,
          return_complex: bool = False) -> Tensor:
    """``torch.istft``: inverse FFT of each frame, windowed overlap-add, divided by the summed
    squared window (the NOLA condition must hold), trimmed to ``length`` (or the centred
    signal) and zero-padded at the tail if ``length`` is longer."""
    import warnings

    from .creation import ones
    from .indexing import index_add
    from .nn.sampling import pad

    if not input.is_complex():
        raise RuntimeError("istft requires a complex-valued input tensor matching the output "
                           "from stft with return_complex=True.")
    if input.dim() not in (2, 3):
        raise RuntimeError(f"istft: expected a tensor with 2 or 3 dimensions of complex "
                           f"values, but got {input.dim()}D")
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if not 0 < win <= n_fft:
        raise RuntimeError(f"istft: expected 0 < win_length <= n_fft, but got "
                           f"win_length={win}")
    if hop <= 0:
        raise RuntimeError(f"istft: expected hop_length > 0, but got hop_length={hop}")
    spec = input if input.dim() == 3 else input.unsqueeze(0)
    bins, n_frames = spec.shape[-2], spec.shape[-1]
    one = bins != n_fft if onesided is None else onesided
    if one and bins != n_fft // 2 + 1:
        raise RuntimeError(f"istft: expected the frequency dimension (3rd to the last) of the "
                           f"input tensor to match n_fft / 2 + 1 when onesided=True, but got "
                           f"{bins}")
    real_dtype = D.float64 if spec.dtype == D.complex128 else D.float32
    if window is None:
        warnings.warn("A window was not provided. A rectangular window will be applied.Please "
                      "provide the same window used by stft to make the inversion lossless.To "
                      "suppress this warning and use a rectangular window, explicitly set "
                      "`window=torch.ones(n_fft, device=<device>)`.", UserWarning, stacklevel=2)
        window = ones(win, dtype=real_dtype)
    if win < n_fft:
        left = (n_fft - win) // 2
        window = pad(window.reshape(1, 1, -1), [left, n_fft - win - left]).reshape(-1)
    norm = "ortho" if normalized else "backward"
    frames_t = spec.transpose(-1, -2)
    frames = irfft(frames_t, n=n_fft, dim=-1, norm=norm) if one else \
        ifft(frames_t, n=n_fft, dim=-1, norm=norm)
    if not return_complex and frames.is_complex():
        frames = frames.real
    frames = frames * window
    total = n_fft + hop * (n_frames - 1)
    xp = xp_of(frames._data)
    pos = (xp.arange(n_frames).reshape(-1, 1) * hop + xp.arange(n_fft).reshape(1, -1))
    index = Tensor._from_array(pos.reshape(-1).astype(xp.int64))
    batch = frames.shape[0]
    y = index_add(frames.new_zeros((batch, total)), 1, index, frames.reshape(batch, -1))
    wsq = (window * window.conj()).real if window.is_complex() else window * window
    env = index_add(wsq.new_zeros(total), 0, index, wsq.expand(n_frames, n_fft).reshape(-1))
    start = n_fft // 2 if center else 0
    if length is not None:
        end = start + length
    else:
        end = total - n_fft // 2 if center else total
    end = min(end, total)
    y, env = y[:, start:end], env[start:end]
    low = env.abs().min().item() if env.numel() else 1.0
    if low < 1e-11:
        raise RuntimeError(f"istft(n_fft={n_fft}, hop_length={hop}, win_length={win}, "
                           f"center={int(center)}) window overlap add min: {low:g}")
    y = y / env
    if length is not None and y.shape[-1] < length:
        warnings.warn("The length of signal is shorter than the length parameter. Result is "
                      "being padded with zeros in the tail. Please check your center and "
                      "hop_length settings.", UserWarning, stacklevel=2)
        y = pad(y.unsqueeze(1), [0, length - y.shape[-1]]).squeeze(1)
    return y.squeeze(0) if input.dim() == 2 else y
