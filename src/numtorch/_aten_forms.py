"""Top-level ``torch.*`` spellings of neural-network ops with ATen's signatures (``torch.dropout
(input, p, train)``, ``torch.layer_norm(input, normalized_shape, weight, bias, eps,
cudnn_enable)``, integer ``reduction`` codes, ``stride=[]`` meaning "the kernel size"...),
composed from ``numtorch.nn.functional`` and public ops, plus the deprecated linear-algebra
spellings (``chain_matmul``, ``frobenius_norm``, ``nuclear_norm``, ``norm_except_dim``) and
``vander``/``conv_tbc``/``native_dropout``.

``nn.functional`` is imported on first call, so ``import numtorch`` stays light.
"""

from __future__ import annotations

import warnings

from ._tensor import Tensor

__all__ = [
    "dropout", "dropout_", "alpha_dropout", "alpha_dropout_", "feature_alpha_dropout",
    "feature_alpha_dropout_", "feature_dropout", "feature_dropout_", "native_dropout",
    "celu", "celu_", "selu", "selu_", "threshold", "threshold_", "layer_norm", "group_norm",
    "batch_norm", "instance_norm", "embedding", "embedding_renorm_", "bilinear", "kl_div",
    "cosine_similarity", "pairwise_distance", "binary_cross_entropy_with_logits",
    "cosine_embedding_loss", "hinge_embedding_loss", "margin_ranking_loss", "poisson_nll_loss",
    "max_pool1d", "max_pool2d", "max_pool3d", "max_pool1d_with_indices", "avg_pool1d",
    "adaptive_avg_pool1d", "adaptive_max_pool1d", "affine_grid_generator", "grid_sampler",
    "grid_sampler_3d", "native_channel_shuffle", "rnn_tanh_cell", "rnn_relu_cell", "gru_cell",
    "lstm_cell", "chain_matmul", "frobenius_norm", "nuclear_norm", "norm_except_dim", "vander",
    "conv_tbc", "matrix_rank"]

_REDUCTIONS = ("none", "mean", "sum")
_INTERP = ("bilinear", "nearest", "bicubic")
_PADDING = ("zeros", "border", "reflection")


def _F():
    from .nn import functional

    return functional


def _reduction(code: int) -> str:
    if code not in (0, 1, 2):
        raise ValueError(f"{code} is not a valid value for reduction")
    return _REDUCTIONS[code]


# -- dropout -----------------------------------------------------------------------------------
def dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.dropout``: ``F.dropout(input, p, train)`` (same mask after the same seed)."""
    return _F().dropout(input, p, train)


def dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.dropout_``: in-place dropout."""
    return _F().dropout(input, p, train, inplace=True)


def alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.alpha_dropout``: ``F.alpha_dropout``."""
    return _F().alpha_dropout(input, p, train)


def alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.alpha_dropout_``: in-place alpha dropout."""
    return _F().alpha_dropout(input, p, train, inplace=True)


def feature_alpha_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_alpha_dropout``: ``F.feature_alpha_dropout``."""
    return _F().feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_alpha_dropout_``: in-place feature alpha dropout."""
    return _F().feature_alpha_dropout(input, p, train, inplace=True)


def _feature(input: Tensor, p: float, train: bool, inplace: bool) -> Tensor:
    from .nn._functional.dropout import _check_p, _dropout_impl

    _check_p(p)
    return _dropout_impl(input, p, train, inplace, True, False)


def feature_dropout(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_dropout``: drop whole (N, C) planes of an input of any rank >= 2."""
    return _feature(input, p, train, False)


def feature_dropout_(input: Tensor, p: float, train: bool) -> Tensor:
    """``torch.feature_dropout_``: in-place feature dropout."""
    return _feature(input, p, train, True)


def native_dropout(input: Tensor, p: float, train) -> tuple:
    """``torch.native_dropout``: ``(output, keep_mask)``; ``train=None`` trains. The mask is
    PyTorch's after the same seed."""
    from .autograd import grad_mode

    if train is not None and not train:
        return input.clone(), input.new_ones(input.shape).bool()
    keep = input.new_empty(input.shape)
    with grad_mode.no_grad():
        keep.bernoulli_(1 - p)
    scale = 0.0 if p == 1 else 1.0 / (1 - p)
    return input * keep * scale, keep.bool()


# -- activations -------------------------------------------------------------------------------
def celu(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``torch.celu``: ``F.celu``."""
    return _F().celu(input, alpha)


def celu_(input: Tensor, alpha: float = 1.0) -> Tensor:
    """``torch.celu_``: in-place ``celu``."""
    return _F().celu_(input, alpha)


def selu(input: Tensor) -> Tensor:
    """``torch.selu``: ``F.selu``."""
    return _F().selu(input)


def selu_(input: Tensor) -> Tensor:
    """``torch.selu_``: in-place ``selu``."""
    return _F().selu_(input)


def threshold(input: Tensor, threshold: float, value: float) -> Tensor:
    """``torch.threshold``: ``value`` where ``input <= threshold``."""
    return _F().threshold(input, threshold, value)


def threshold_(input: Tensor, threshold: float, value: float) -> Tensor:
    """``torch.threshold_``: in-place ``threshold``."""
    return _F().threshold_(input, threshold, value)


# -- normalization and embedding ---------------------------------------------------------------
def layer_norm(input: Tensor, normalized_shape, weight=None, bias=None, eps: float = 1e-5,
               cudnn_enable: bool = True) -> Tensor:
    """``torch.layer_norm``: ``F.layer_norm`` (``cudnn_enable`` is ignored)."""
    return _F().layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input: Tensor, num_groups: int, weight=None, bias=None, eps: float = 1e-5,
               cudnn_enabled: bool = True) -> Tensor:
    """``torch.group_norm``: ``F.group_norm`` (``cudnn_enabled`` is ignored)."""
    return _F().group_norm(input, num_groups, weight, bias, eps)


def batch_norm(input: Tensor, weight, bias, running_mean, running_var, training: bool,
               momentum: float, eps: float, cudnn_enabled: bool) -> Tensor:
    """``torch.batch_norm`` (ATen's argument order): ``F.batch_norm``."""
    return _F().batch_norm(input, running_mean, running_var, weight, bias, training, momentum,
                           eps)


def instance_norm(input: Tensor, weight, bias, running_mean, running_var,
                  use_input_stats: bool, momentum: float, eps: float,
                  cudnn_enabled: bool) -> Tensor:
    """``torch.instance_norm`` (ATen's argument order): ``F.instance_norm``."""
    return _F().instance_norm(input, running_mean, running_var, weight, bias, use_input_stats,
                              momentum, eps)


def embedding(weight: Tensor, indices: Tensor, padding_idx: int = -1,
              scale_grad_by_freq: bool = False, sparse: bool = False) -> Tensor:
    """``torch.embedding(weight, indices, ...)``: ``F.embedding`` (``padding_idx=-1``: none;
    ``sparse`` gradients are dense here)."""
    pad = None if padding_idx == -1 else padding_idx
    return _F().embedding(indices, weight, pad, scale_grad_by_freq=scale_grad_by_freq)


def embedding_renorm_(input: Tensor, indices: Tensor, max_norm: float,
                      norm_type: float) -> Tensor:
    """``torch.embedding_renorm_``: rescale, in place and untracked, the rows of ``input``
    named in ``indices`` whose ``norm_type``-norm exceeds ``max_norm``."""
    from .autograd import grad_mode

    with grad_mode.no_grad():
        rows = indices.reshape(-1).unique()
        picked = input[rows]
        norms = picked.norm(norm_type, dim=1, keepdim=True)
        scale = (max_norm / (norms + 1e-7)).where(norms > max_norm, norms.new_ones(()))
        input[rows] = picked * scale
    return input


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias=None) -> Tensor:
    """``torch.bilinear``: ``F.bilinear``."""
    return _F().bilinear(input1, input2, weight, bias)


# -- distances and losses (integer ``reduction``: 0 none, 1 mean, 2 sum; PyTorch's Python
# bindings default to 0) -------------------------------------------------------------------------
def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``torch.cosine_similarity``: ``F.cosine_similarity``."""
    return _F().cosine_similarity(x1, x2, dim, eps)


def pairwise_distance(x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6,
                      keepdim: bool = False) -> Tensor:
    """``torch.pairwise_distance``: ``F.pairwise_distance``."""
    return _F().pairwise_distance(x1, x2, p, eps, keepdim)


def kl_div(input: Tensor, target: Tensor, reduction: int = 0, *,
           log_target: bool = False) -> Tensor:
    """``torch.kl_div``: pointwise KL divergence; ``reduction=1`` is the plain mean over all
    elements (without ``F.kl_div``'s warning), the default 0 no reduction."""
    out = _F().kl_div(input, target, reduction="none", log_target=log_target)
    mode = _reduction(reduction)
    return out if mode == "none" else out.mean() if mode == "mean" else out.sum()


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight=None,
                                     pos_weight=None, reduction: int = 0) -> Tensor:
    """``torch.binary_cross_entropy_with_logits``: the ``F`` loss."""
    return _F().binary_cross_entropy_with_logits(input, target, weight,
                                                 reduction=_reduction(reduction),
                                                 pos_weight=pos_weight)


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor,
                          margin: float = 0.0, reduction: int = 0) -> Tensor:
    """``torch.cosine_embedding_loss``: the ``F`` loss."""
    return _F().cosine_embedding_loss(input1, input2, target, margin=margin,
                                      reduction=_reduction(reduction))


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         reduction: int = 0) -> Tensor:
    """``torch.hinge_embedding_loss``: the ``F`` loss."""
    return _F().hinge_embedding_loss(input, target, margin=margin,
                                     reduction=_reduction(reduction))


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        reduction: int = 0) -> Tensor:
    """``torch.margin_ranking_loss``: the ``F`` loss."""
    return _F().margin_ranking_loss(input1, input2, target, margin=margin,
                                    reduction=_reduction(reduction))


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool, full: bool, eps: float,
                     reduction: int) -> Tensor:
    """``torch.poisson_nll_loss`` (all arguments required, as ATen): the ``F`` loss."""
    return _F().poisson_nll_loss(input, target, log_input=log_input, full=full, eps=eps,
                                 reduction=_reduction(reduction))


# -- pooling and sampling ----------------------------------------------------------------------
def max_pool1d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    """``torch.max_pool1d`` (an empty ``stride`` is the kernel size)."""
    return _F().max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool2d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    """``torch.max_pool2d`` (an empty ``stride`` is the kernel size)."""
    return _F().max_pool2d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool3d(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
               ceil_mode: bool = False) -> Tensor:
    """``torch.max_pool3d`` (an empty ``stride`` is the kernel size)."""
    return _F().max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input: Tensor, kernel_size, stride=(), padding=0, dilation=1,
                            ceil_mode: bool = False) -> tuple:
    """``torch.max_pool1d_with_indices``: ``(values, indices)``."""
    return _F().max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode,
                           return_indices=True)


def avg_pool1d(input: Tensor, kernel_size, stride=(), padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True) -> Tensor:
    """``torch.avg_pool1d`` (an empty ``stride`` is the kernel size)."""
    return _F().avg_pool1d(input, kernel_size, stride or None, padding, ceil_mode,
                           count_include_pad)


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:
    """``torch.adaptive_avg_pool1d``: ``F.adaptive_avg_pool1d``."""
    return _F().adaptive_avg_pool1d(input, output_size)


def adaptive_max_pool1d(input: Tensor, output_size) -> tuple:
    """``torch.adaptive_max_pool1d``: ``(values, indices)`` (always both, as ATen)."""
    return _F().adaptive_max_pool1d(input, output_size, return_indices=True)


def affine_grid_generator(theta: Tensor, size, align_corners: bool) -> Tensor:
    """``torch.affine_grid_generator``: ``F.affine_grid``."""
    return _F().affine_grid(theta, list(size), align_corners)


def grid_sampler(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                 align_corners: bool) -> Tensor:
    """``torch.grid_sampler``: ``F.grid_sample`` with ATen's integer modes (0 bilinear,
    1 nearest, 2 bicubic; padding 0 zeros, 1 border, 2 reflection)."""
    return _F().grid_sample(input, grid, _INTERP[interpolation_mode], _PADDING[padding_mode],
                            align_corners)


def grid_sampler_3d(input: Tensor, grid: Tensor, interpolation_mode: int, padding_mode: int,
                    align_corners: bool) -> Tensor:
    """``torch.grid_sampler_3d``: ``grid_sampler`` of a 5-D input."""
    return grid_sampler(input, grid, interpolation_mode, padding_mode, align_corners)


def native_channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """``torch.native_channel_shuffle``: ``F.channel_shuffle``."""
    return _F().channel_shuffle(input, groups)


# -- recurrent cells ---------------------------------------------------------------------------
def _gates(input, hx, w_ih, w_hh, b_ih, b_hh):
    F = _F()
    return F.linear(input, w_ih, b_ih), F.linear(hx, w_hh, b_hh)


def rnn_tanh_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih=None,
                  b_hh=None) -> Tensor:
    """``torch.rnn_tanh_cell``: ``tanh(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    gi, gh = _gates(input, hx, w_ih, w_hh, b_ih, b_hh)
    return (gi + gh).tanh()


def rnn_relu_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih=None,
                  b_hh=None) -> Tensor:
    """``torch.rnn_relu_cell``: ``relu(x W_ih^T + b_ih + h W_hh^T + b_hh)``."""
    gi, gh = _gates(input, hx, w_ih, w_hh, b_ih, b_hh)
    return (gi + gh).relu()


def gru_cell(input: Tensor, hx: Tensor, w_ih: Tensor, w_hh: Tensor, b_ih=None,
             b_hh=None) -> Tensor:
    """``torch.gru_cell``: one GRU step (gates r, z, n in PyTorch's order)."""
    gi, gh = _gates(input, hx, w_ih, w_hh, b_ih, b_hh)
    i_r, i_z, i_n = gi.chunk(3, -1)
    h_r, h_z, h_n = gh.chunk(3, -1)
    r = (i_r + h_r).sigmoid()
    z = (i_z + h_z).sigmoid()
    n = (i_n + r * h_n).tanh()
    return n + z * (hx - n)


def lstm_cell(input: Tensor, hx, w_ih: Tensor, w_hh: Tensor, b_ih=None, b_hh=None) -> tuple:
    """``torch.lstm_cell``: one LSTM step from ``hx = (h, c)``; returns ``(h', c')`` (gates
    i, f, g, o in PyTorch's order)."""
    h, c = hx
    gi, gh = _gates(input, h, w_ih, w_hh, b_ih, b_hh)
    i, f, g, o = (gi + gh).chunk(4, -1)
    c_next = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c_next.tanh(), c_next


# -- deprecated linear-algebra spellings -------------------------------------------------------
def chain_matmul(*matrices, out=None) -> Tensor:
    """``torch.chain_matmul`` (deprecated, with PyTorch's warning): ``linalg.multi_dot``."""
    from . import linalg

    warnings.warn("torch.chain_matmul is deprecated and will be removed in a future PyTorch "
                  "release. Use torch.linalg.multi_dot instead, which accepts a list of two or "
                  "more tensors rather than multiple parameters.", UserWarning, stacklevel=2)
    if len(matrices) == 1:
        res = matrices[0].clone()
    else:
        res = linalg.multi_dot(list(matrices))
    return res if out is None else out.resize_(tuple(res.shape)).copy_(res)


def frobenius_norm(input: Tensor, dim, keepdim: bool = False) -> Tensor:
    """``torch.frobenius_norm`` (deprecated): ``linalg.vector_norm(input, 2, dim, keepdim)``."""
    from . import linalg

    warnings.warn("at::frobenius_norm is deprecated and it is just left for JIT compatibility. "
                  "It will be removed in a future PyTorch release. Please use "
                  "`linalg.vector_norm(A, 2., dim, keepdim)` instead", UserWarning, stacklevel=2)
    return linalg.vector_norm(input, 2, dim, keepdim)


def nuclear_norm(input: Tensor, dim=None, keepdim: bool = False) -> Tensor:
    """``torch.nuclear_norm(input, keepdim=False)`` or ``(input, dim, keepdim=False)``
    (deprecated): ``linalg.matrix_norm(input, 'nuc', dim, keepdim)``."""
    from . import linalg

    warnings.warn("at::nuclear_norm is deprecated and it is just left for JIT compatibility. "
                  "It will be removed in a future PyTorch release. Please use "
                  "`linalg.matrix_norm(A, 'nuc', dim, keepdim)` instead", UserWarning,
                  stacklevel=2)
    if isinstance(dim, bool):
        dim, keepdim = None, dim
    return linalg.matrix_norm(input, "nuc", (-2, -1) if dim is None else tuple(dim), keepdim)


def norm_except_dim(v: Tensor, pow: int = 2, dim: int = 0) -> Tensor:
    """``torch.norm_except_dim``: the ``pow``-norm over every dim but ``dim`` (kept, the others
    of size 1); ``dim=-1`` is the norm of everything (weight normalisation's helper)."""
    if dim == -1:
        return v.norm(pow)
    moved = v.transpose(0, dim) if dim else v
    norms = moved.reshape(moved.shape[0], -1).norm(pow, 1)
    shape = [1] * v.dim()
    shape[dim] = v.shape[dim]
    return norms.reshape(shape)


def vander(x: Tensor, N=None, increasing: bool = False) -> Tensor:
    """``torch.vander``: powers of a 1-D ``x`` as columns, decreasing unless ``increasing``."""
    from . import linalg

    if x.dim() != 1:
        raise RuntimeError("x must be a one-dimensional tensor.")
    if N is not None and N < 0:
        raise RuntimeError("N must be non-negative.")
    res = linalg.vander(x, N=N)
    if x.dtype.is_floating_point or x.dtype.is_complex:
        pass
    elif x.dtype != res.dtype:
        res = res.to(x.dtype)
    return res if increasing else res.flip(-1)


def conv_tbc(input: Tensor, weight: Tensor, bias: Tensor, pad: int = 0) -> Tensor:
    """``torch.conv_tbc``: a 1-D convolution of a (time, batch, channels) input with a
    (kernel, in, out) weight; returns (time', batch, out)."""
    out = _F().conv1d(input.permute(1, 2, 0), weight.permute(2, 1, 0), bias, padding=pad)
    return out.permute(2, 0, 1)


def matrix_rank(input: Tensor, tol=None, symmetric: bool = False, *, out=None) -> Tensor:
    """Removed in PyTorch 1.9: raises PyTorch's error."""
    raise RuntimeError("This function was deprecated since version 1.9 and is now removed.\n"
                       "Please use the `torch.linalg.matrix_rank` function instead. The parameter "
                       "'symmetric' was renamed in `torch.linalg.matrix_rank()` to 'hermitian'.")
