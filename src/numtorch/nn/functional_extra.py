"""More of ``torch.nn.functional``: 3-D and adaptive pooling, unpooling, margin/triplet losses,
normalisations, attention and bag embeddings.

Everything here is a composition of numtorch ops (so gradients follow PyTorch's), except the
index-producing pools, whose gradient is an explicit scatter of the upstream gradient.
"""

from __future__ import annotations

import math

import numpy as _np  # index bookkeeping only

from .. import _dtype as D
from .._tensor import Tensor

__all__ = [
    "adaptive_avg_pool3d", "adaptive_max_pool3d", "adaptive_max_pool3d_with_indices",
    "avg_pool3d", "channel_shuffle", "embedding_bag", "linear_cross_entropy",
    "local_response_norm", "max_unpool1d", "max_unpool2d", "max_unpool3d", "multi_margin_loss",
    "multilabel_margin_loss", "multilabel_soft_margin_loss", "pdist", "rms_norm", "rrelu",
    "rrelu_",
    "scaled_dot_product_attention", "triplet_margin_loss", "triplet_margin_with_distance_loss",
]


def _nt():
    import numtorch

    return numtorch


def _F():
    from . import functional

    return functional


def _tuple(v, n: int) -> tuple:
    if isinstance(v, (tuple, list)):
        if len(v) == 1:
            return tuple(v) * n
        return tuple(v)
    return (v,) * n


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _legacy_reduction(size_average, reduce, reduction: str) -> str:
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        return "none"
    return "mean" if size_average else "sum"


# -- shuffles, norms ---------------------------------------------------------------------------
def channel_shuffle(input: Tensor, groups: int) -> Tensor:
    """``F.channel_shuffle``: (N, g*k, ...) -> channels interleaved across the g groups."""
    if input.dim() < 3:
        raise RuntimeError(f"channel_shuffle expects input to have at least 3 dimensions, but "
                           f"got input with sizes {list(input.shape)}")
    if groups <= 0:
        raise RuntimeError(f"Number of groups to divide channels in must be positive. Value of "
                           f"groups:{groups}")
    n, c = input.shape[0], input.shape[1]
    if c % groups:
        raise RuntimeError(f"Number of channels must be divisible by groups. Got {c} channels "
                           f"and {groups} groups.")
    rest = tuple(input.shape[2:])
    x = input.reshape((n, groups, c // groups) + rest).transpose(1, 2)
    return x.reshape((n, c) + rest)


def rms_norm(input: Tensor, normalized_shape, weight: Tensor | None = None,
             eps: float | None = None) -> Tensor:
    """``F.rms_norm``: ``x / sqrt(mean(x^2) + eps) * weight`` over the trailing dims; eps
    defaults to the dtype's machine epsilon."""
    nt = _nt()
    shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
    k = len(shape)
    if tuple(input.shape[input.dim() - k:]) != shape:
        raise RuntimeError(
            f"Given normalized_shape={list(shape)}, expected input with shape "
            f"[*, {', '.join(str(s) for s in shape)}], but got input of size"
            f"{list(input.shape)}")
    if eps is None:
        eps = float(_np.finfo(input.dtype.np).eps)
    dims = list(range(input.dim() - k, input.dim()))
    ms = (input * input).mean(dim=dims, keepdim=True) if dims else input * input
    out = input * nt.rsqrt(ms + eps)
    return out * weight if weight is not None else out


def local_response_norm(input: Tensor, size: int, alpha: float = 1e-4, beta: float = 0.75,
                        k: float = 1.0) -> Tensor:
    """``F.local_response_norm``: divide by ``(k + alpha * mean of squares over a window of
    `size` neighbouring channels) ** beta`` (zero-padded at the channel ends)."""
    if input.dim() < 3:
        raise ValueError(f"Expected 3D or higher dimensionality input (got {input.dim()} "
                         "dimensions)")
    if input.numel() == 0:
        return input
    sq = input * input
    pad = [0, 0] * (input.dim() - 2) + [size // 2, (size - 1) // 2]
    sq = _F().pad(sq, pad)
    win = sq.unfold(1, size, 1).sum(-1) / size
    return input / (win * alpha + k).pow(beta)


def pdist(input: Tensor, p: float = 2) -> Tensor:
    """``F.pdist``: p-norm distances between all row pairs i < j (row-major order)."""
    nt = _nt()
    if input.dim() != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.dim()}D")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = _np.triu_indices(n, 1)
    a = nt.index_select(input, 0, nt.tensor(i.astype(_np.int64)))
    b = nt.index_select(input, 0, nt.tensor(j.astype(_np.int64)))
    return nt.linalg.vector_norm(a - b, p, dim=-1)


def rrelu(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3, training: bool = False,
          inplace: bool = False) -> Tensor:
    """``F.rrelu``: in training, each non-positive element is scaled by a uniform draw from
    [lower, upper) taken in storage order from the default generator (PyTorch's CPU draw
    order: one 53-bit double per element); otherwise ``leaky_relu`` with the mean slope."""
    nt = _nt()
    if not training:
        return _F().leaky_relu(input, (lower + upper) / 2, inplace)
    from .._random.distributions import uniform_raw
    from .._random.generator import default_generator

    arr = _np.asarray(input._data)
    neg = (arr <= 0).reshape(-1)
    k = int(neg.sum())
    noise = _np.ones(arr.size, dtype=arr.dtype)
    if k:
        u = uniform_raw(default_generator, k, _np.float64) * (upper - lower) + lower
        noise[neg] = u.astype(arr.dtype)
    noise_t = nt.tensor(noise.reshape(tuple(input.shape)))
    if inplace:
        return input.mul_(noise_t)
    return input * noise_t


def rrelu_(input: Tensor, lower: float = 1.0 / 8, upper: float = 1.0 / 3,
           training: bool = False) -> Tensor:
    return rrelu(input, lower, upper, training, inplace=True)


# -- losses --------------------------------------------------------------------------------------
def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average=None, reduce=None, reduction: str = "mean"
                                ) -> Tensor:
    """``F.multilabel_soft_margin_loss``: mean over classes of the per-class logistic loss."""
    F = _F()
    reduction = _legacy_reduction(size_average, reduce, reduction)
    loss = -(target * F.logsigmoid(input) + (1 - target) * F.logsigmoid(-input))
    if weight is not None:
        loss = loss * weight
    c = input.dim() - 1
    loss = loss.sum(dim=c) / input.shape[c]
    return _reduce(loss, reduction)


def multi_margin_loss(input: Tensor, target: Tensor, p: int = 1, margin: float = 1.0,
                      weight: Tensor | None = None, size_average=None, reduce=None,
                      reduction: str = "mean") -> Tensor:
    """``F.multi_margin_loss``: ``sum_{i != y} max(0, margin - x[y] + x[i])^p / C``."""
    nt = _nt()
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    if weight is not None and weight.requires_grad and nt.is_grad_enabled():
        raise RuntimeError("The function 'multi_margin_loss' is not differentiable with respect "
                           "to argument 'weight'. This input cannot have requires_grad True.")
    if input.dim() > 2:
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {list(input.shape)}")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    n, c = x.shape
    y = target.reshape(-1)
    if y.numel() != n:
        raise RuntimeError(f"inconsistent target size, expected {n} but got "
                           f"{list(target.shape)}")
    xy = nt.gather(x, 1, y.reshape(-1, 1))
    z = (x - xy + margin).clamp(min=0)
    if p == 2:
        z = z * z
    if weight is not None:
        z = z * weight[y].reshape(-1, 1)
    onehot = _np.ones((n, c), dtype=bool)
    onehot[_np.arange(n), y._data.astype(_np.int64)] = False
    z = z * nt.tensor(onehot.astype(x.dtype.np))
    loss = z.sum(1) / c
    if input.dim() < 2 and reduction == "none":
        loss = loss.reshape(()) if target.dim() == 0 else loss
    return _reduce(loss, reduction)


def multilabel_margin_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
                           reduction: str = "mean") -> Tensor:
    """``F.multilabel_margin_loss``: hinge loss between every target class (the prefix of
    ``target`` before the first -1) and every non-target class, over the class count."""
    nt = _nt()
    reduction = _legacy_reduction(size_average, reduce, reduction)
    if input.dim() > 2 or target.shape != input.shape:
        raise RuntimeError(f"inconsistent target size: {list(target.shape)} for input of size: "
                           f"{list(input.shape)}")
    x = input.reshape(1, -1) if input.dim() < 2 else input
    t = target._data.reshape(x.shape).astype(_np.int64)
    n, c = x.shape
    count = _np.zeros((n, c), dtype=x.dtype.np)
    is_target = _np.zeros((n, c), dtype=bool)
    for r in range(n):
        for cls in t[r]:
            if cls < 0:
                break
            count[r, cls] += 1
            is_target[r, cls] = True
    diff = (1 - x.unsqueeze(2) + x.unsqueeze(1)).clamp(min=0)
    w = count[:, :, None] * (~is_target)[:, None, :]
    loss = (diff * nt.tensor(w.astype(x.dtype.np))).sum(dim=(1, 2)) / c
    if input.dim() < 2:
        loss = loss.reshape(())
    return _reduce(loss, reduction)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False, size_average=None,
                        reduce=None, reduction: str = "mean") -> Tensor:
    """``F.triplet_margin_loss``: ``max(d(a, p) - d(a, n) + margin, 0)`` with pairwise
    p-distances (``swap`` uses the smaller of d(a, n) and d(p, n))."""
    F = _F()
    reduction = _legacy_reduction(size_average, reduce, reduction)
    dims = {anchor.dim(), positive.dim(), negative.dim()}
    if len(dims) != 1:
        raise RuntimeError(
            f"The anchor, positive, and negative tensors are expected to have the same number "
            f"of dimensions, but got: anchor {anchor.dim()}D, positive {positive.dim()}D, and "
            f"negative {negative.dim()}D inputs")
    d_ap = F.pairwise_distance(anchor, positive, p, eps)
    d_an = F.pairwise_distance(anchor, negative, p, eps)
    if swap:
        d_pn = F.pairwise_distance(positive, negative, p, eps)
        d_an = _nt().minimum(d_an, d_pn)
    loss = (margin + d_ap - d_an).clamp(min=0)
    return _reduce(loss, reduction)


def triplet_margin_with_distance_loss(anchor: Tensor, positive: Tensor, negative: Tensor, *,
                                      distance_function=None, margin: float = 1.0,
                                      swap: bool = False, reduction: str = "mean") -> Tensor:
    """``F.triplet_margin_with_distance_loss``: the triplet loss under any distance function
    (default ``pairwise_distance``)."""
    if margin <= 0:
        raise ValueError(f"TripletMarginWithDistanceLoss: expected margin to be greater than 0, "
                         f"got {margin} instead")
    dist = distance_function if distance_function is not None else _F().pairwise_distance
    d_ap = dist(anchor, positive)
    d_an = dist(anchor, negative)
    if swap:
        d_an = _nt().minimum(d_an, dist(positive, negative))
    loss = (margin + d_ap - d_an).clamp(min=0)
    return _reduce(loss, reduction)


def linear_cross_entropy(input: Tensor, linear_weight: Tensor, target: Tensor, *,
                         linear_bias: Tensor | None = None, weight: Tensor | None = None,
                         reduction: str = "mean", ignore_index: int | None = None,
                         label_smoothing: float = 0.0, options=None) -> Tensor:
    """``F.linear_cross_entropy``: ``cross_entropy(linear(input, linear_weight), target)``;
    a weight of shape (C, d1, ..., in) gives K-dimensional logits. ``options`` (chunking hints)
    do not change the result and are ignored."""
    nt = _nt()
    logits = nt.tensordot(input, linear_weight, dims=([input.dim() - 1],
                                                      [linear_weight.dim() - 1]))
    if linear_bias is not None:
        logits = logits + linear_bias
    return _F().cross_entropy(logits, target, weight=weight,
                              ignore_index=-100 if ignore_index is None else ignore_index,
                              reduction=reduction, label_smoothing=label_smoothing)


# -- pooling ---------------------------------------------------------------------------------
def _pool_out(n: int, k: int, s: int, p: int, ceil: bool, d: int = 1) -> int:
    eff = d * (k - 1) + 1
    num = n + 2 * p - eff
    out = (-(-num // s) if ceil else num // s) + 1
    if ceil and (out - 1) * s >= n + p:
        out -= 1
    return out


def avg_pool3d(input: Tensor, kernel_size, stride=None, padding=0, ceil_mode: bool = False,
               count_include_pad: bool = True, divisor_override=None) -> Tensor:
    """``F.avg_pool3d``: window means over (D, H, W), PyTorch's divisor rules for padding,
    ``ceil_mode`` and ``divisor_override``."""
    nt = _nt()
    if input.dim() not in (4, 5):
        raise RuntimeError("non-empty 4D or 5D (batch mode) tensor expected for input")
    batched = input.dim() == 5
    x = input if batched else input.unsqueeze(0)
    k = _tuple(kernel_size, 3)
    s = k if stride is None or (isinstance(stride, (list, tuple)) and not stride) \
        else _tuple(stride, 3)
    p = _tuple(padding, 3)
    for kk, pp in zip(k, p):
        if pp > kk // 2:
            raise RuntimeError("pad should be at most half of effective kernel size, but got "
                               f"pad={pp}, kernel_size={kk} and dilation=1")
    sizes = tuple(x.shape[2:])
    outs = [_pool_out(n, kk, ss, pp, ceil_mode) for n, kk, ss, pp in zip(sizes, k, s, p)]
    # pad: the requested padding plus whatever ceil_mode windows reach beyond it
    extra = [max(0, (o - 1) * ss + kk - (n + 2 * pp)) for o, n, kk, ss, pp
             in zip(outs, sizes, k, s, p)]
    pad = []
    for d in (2, 1, 0):
        pad += [p[d], p[d] + extra[d]]
    xp = _F().pad(x, pad)
    win = xp
    for d in range(3):
        win = win.unfold(2 + d, k[d], s[d])
    win = win[:, :, :outs[0], :outs[1], :outs[2]]
    total = win.sum(dim=(-3, -2, -1))
    if divisor_override:
        return_ = total / divisor_override
    else:
        # per-window divisor: positions inside the padded input (count_include_pad) or inside
        # the input itself
        cnt = _np.zeros(tuple(xp.shape[2:]), dtype=_np.float64)
        if count_include_pad:
            cnt[:sizes[0] + 2 * p[0], :sizes[1] + 2 * p[1], :sizes[2] + 2 * p[2]] = 1
        else:
            cnt[p[0]:p[0] + sizes[0], p[1]:p[1] + sizes[1], p[2]:p[2] + sizes[2]] = 1
        c = nt.tensor(cnt)
        for d in range(3):
            c = c.unfold(d, k[d], s[d])
        c = c[:outs[0], :outs[1], :outs[2]].sum(dim=(-3, -2, -1))
        return_ = total / c.to(total.dtype)
    return return_ if batched else return_.squeeze(0)


def _adaptive_ranges(n_in: int, n_out: int):
    starts = [(i * n_in) // n_out for i in range(n_out)]
    ends = [-(-((i + 1) * n_in) // n_out) for i in range(n_out)]
    return starts, ends


def _adaptive_sizes(input: Tensor, output_size, nd: int) -> tuple:
    out = _tuple(output_size, nd)
    spatial = tuple(input.shape[input.dim() - nd:])
    return tuple(spatial[i] if o is None else int(o) for i, o in enumerate(out))


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:
    """``F.adaptive_avg_pool3d``: means over the windows [floor(i*In/Out), ceil((i+1)*In/Out))
    (separable, so applied one spatial dim at a time as a matrix product)."""
    nt = _nt()
    if input.dim() not in (4, 5):
        raise RuntimeError(f"adaptive_avg_pool3d(): Expected 4D or 5D tensor, but got "
                           f"{list(input.shape)}")
    outs = _adaptive_sizes(input, output_size, 3)
    x = input
    for k in range(3):
        d = input.dim() - 3 + k
        n_in = input.shape[d]
        a = _np.zeros((outs[k], n_in), dtype=input.dtype.np)
        st, en = _adaptive_ranges(n_in, outs[k])
        for i, (lo, hi) in enumerate(zip(st, en)):
            a[i, lo:hi] = 1.0 / (hi - lo)
        x = nt.matmul(x.movedim(d, -1), nt.tensor(a).t()).movedim(-1, d)
    return x


def _adaptive_max_indices(spatial, outs):
    """Flat argmax candidates per output cell: (out cells, window cells) indices, with -1
    padding for the shorter windows."""
    ranges = [_adaptive_ranges(n, o) for n, o in zip(spatial, outs)]
    cells = []
    for pos in _np.ndindex(*outs):
        axes = [_np.arange(ranges[d][0][pos[d]], ranges[d][1][pos[d]]) for d in range(len(outs))]
        grid = _np.meshgrid(*axes, indexing="ij")
        flat = _np.ravel_multi_index(tuple(g.reshape(-1) for g in grid), spatial)
        cells.append(flat)
    width = max((len(c) for c in cells), default=0)
    out = _np.full((len(cells), width), -1, dtype=_np.int64)
    for i, c in enumerate(cells):
        out[i, :len(c)] = c
    return out


def adaptive_max_pool3d_with_indices(input: Tensor, output_size, return_indices: bool = True):
    """``F.adaptive_max_pool3d_with_indices``: (max values, flat D*H*W indices of the max)."""
    nt = _nt()
    if input.dim() not in (4, 5):
        raise RuntimeError(f"adaptive_max_pool3d(): Expected 4D or 5D tensor, but got: "
                           f"{list(input.shape)}")
    batched = input.dim() == 5
    x = input if batched else input.unsqueeze(0)
    spatial = tuple(x.shape[2:])
    outs = _adaptive_sizes(x, output_size, 3)
    cand = _adaptive_max_indices(spatial, outs)
    n, c = x.shape[:2]
    flat = x.reshape(n, c, -1)
    arr = flat._data
    safe = _np.where(cand < 0, 0, cand)
    vals = arr[:, :, safe]  # (n, c, cells, width)
    vals = _np.where(cand < 0, -_np.inf, vals)
    # the first maximum, with NaN winning as in PyTorch's kernel
    nan = _np.isnan(vals)
    key = _np.where(nan, _np.inf, vals)
    pick = _np.argmax(key, axis=-1)
    idx = _np.take_along_axis(_np.broadcast_to(safe, vals.shape), pick[..., None], -1)[..., 0]
    idx_t = nt.tensor(idx.astype(_np.int64))
    out = nt.gather(flat, 2, idx_t).reshape((n, c) + outs)
    idx_t = idx_t.reshape((n, c) + outs)
    if not batched:
        out, idx_t = out.squeeze(0), idx_t.squeeze(0)
    return out, idx_t


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):
    """``F.adaptive_max_pool3d``: maxima over the adaptive windows (and their indices)."""
    out, idx = adaptive_max_pool3d_with_indices(input, output_size)
    return (out, idx) if return_indices else out


def _max_unpool(input: Tensor, indices: Tensor, kernel_size, stride, padding, output_size,
                nd: int, name: str) -> Tensor:
    nt = _nt()
    k = _tuple(kernel_size, nd)
    s = k if stride is None else _tuple(stride, nd)
    p = _tuple(padding, nd)
    batched = input.dim() == nd + 2
    if input.dim() not in (nd + 1, nd + 2):
        raise RuntimeError(f"{name}: Expected {nd + 1}D or {nd + 2}D tensor, but got "
                           f"{list(input.shape)}")
    x = input if batched else input.unsqueeze(0)
    idx = indices if batched else indices.unsqueeze(0)
    in_sp = tuple(x.shape[2:])
    default = tuple((in_sp[d] - 1) * s[d] - 2 * p[d] + k[d] for d in range(nd))
    if output_size is None:
        out_sp = default
    else:
        out_sp = tuple(output_size)
        if len(out_sp) == nd + 2 or len(out_sp) == nd + 1:
            out_sp = out_sp[len(out_sp) - nd:]
        if len(out_sp) != nd:
            raise ValueError(f"output_size should be a sequence containing {nd} or {nd + 2} "
                             f"elements, but it has a length of '{len(out_sp)}'")
        for d in range(nd):
            lo, hi = default[d] - s[d], default[d] + s[d]
            if not lo < out_sp[d] < hi:
                raise ValueError(f'invalid output_size "{list(out_sp)}" (dim {d} must be '
                                 f'between {lo} and {hi})')
    n, c = x.shape[:2]
    total = int(_np.prod(out_sp, dtype=_np.int64))
    flat_idx = idx.reshape(n, c, -1)
    if flat_idx.numel() and (int(flat_idx._data.min()) < 0 or
                             int(flat_idx._data.max()) >= total):
        raise RuntimeError(f"Found an invalid max index: {int(flat_idx._data.max())} (output "
                           f"volumes are of size {'x'.join(str(v) for v in out_sp)}")
    out = nt.zeros((n, c, total), dtype=x.dtype)
    out = out.scatter(2, flat_idx, x.reshape(n, c, -1))
    out = out.reshape((n, c) + out_sp)
    return out if batched else out.squeeze(0)


def max_unpool1d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """``F.max_unpool1d``: place each value at its max-pool index, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1,
                       "max_unpool1d")


def max_unpool2d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """``F.max_unpool2d``: the partial inverse of ``max_pool2d``."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2,
                       "max_unpool2d")


def max_unpool3d(input: Tensor, indices: Tensor, kernel_size, stride=None, padding=0,
                 output_size=None) -> Tensor:
    """``F.max_unpool3d``: the partial inverse of ``max_pool3d``."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3,
                       "max_unpool3d")


# -- attention, bags -----------------------------------------------------------------------------
def scaled_dot_product_attention(query: Tensor, key: Tensor, value: Tensor, attn_mask=None,
                                 dropout_p: float = 0.0, is_causal: bool = False, scale=None,
                                 enable_gqa: bool = False) -> Tensor:
    """``F.scaled_dot_product_attention``: ``softmax(q k^T * scale + mask) v`` (the math path),
    causal masking as a lower-triangular mask, bool masks as -inf where False."""
    nt = _nt()
    F = _F()
    L, S = query.shape[-2], key.shape[-2]
    sc = 1.0 / math.sqrt(query.shape[-1]) if scale is None else scale
    if enable_gqa and query.dim() >= 3:
        rep = query.shape[-3] // key.shape[-3]
        key = key.repeat_interleave(rep, dim=-3)
        value = value.repeat_interleave(rep, dim=-3)
    attn = nt.matmul(query, key.transpose(-2, -1)) * sc
    if is_causal:
        keep = nt.tensor(_np.tril(_np.ones((L, S), dtype=bool)))
        attn = attn.masked_fill(keep.logical_not(), -math.inf)
    if attn_mask is not None:
        if attn_mask.dtype == D.bool_:
            attn = attn.masked_fill(attn_mask.logical_not(), -math.inf)
        else:
            attn = attn + attn_mask
    attn = F.softmax(attn, dim=-1)
    if dropout_p > 0.0:
        attn = F.dropout(attn, dropout_p, training=True)
    return nt.matmul(attn, value)


def embedding_bag(input: Tensor, weight: Tensor, offsets: Tensor | None = None,
                  max_norm=None, norm_type: float = 2, scale_grad_by_freq: bool = False,
                  mode: str = "mean", sparse: bool = False,
                  per_sample_weights: Tensor | None = None, include_last_offset: bool = False,
                  padding_idx: int | None = None) -> Tensor:
    """``F.embedding_bag``: sums / means / maxima of embedding rows per bag (2-D input: one
    bag per row; 1-D input: bags start at ``offsets``); empty bags give zeros."""
    nt = _nt()
    if mode not in ("sum", "mean", "max"):
        raise ValueError(f"mode has to be one of sum, mean or max, but got {mode}")
    if per_sample_weights is not None and mode != "sum":
        raise NotImplementedError("embedding_bag: per_sample_weights was not None. "
                                  "per_sample_weights is only supported for mode='sum' (got "
                                  f"mode='{mode}'). Please open a feature request on GitHub.")
    if input.dim() == 2:
        if offsets is not None:
            raise ValueError("if input is 2D, then offsets has to be None, as input is treated "
                             "is a mini-batch of fixed length sequences.")
        b, length = input.shape
        bag = _np.repeat(_np.arange(b), length)
        idx = input.reshape(-1)
        psw = None if per_sample_weights is None else per_sample_weights.reshape(-1)
        n_bags = b
    elif input.dim() == 1:
        if offsets is None:
            raise ValueError("offsets has to be a 1D Tensor but got None")
        off = offsets._data.astype(_np.int64)
        n_bags = len(off) - 1 if include_last_offset else len(off)
        ends = _np.append(off[1:], input.shape[0]) if not include_last_offset else off[1:]
        bag = _np.zeros(input.shape[0], dtype=_np.int64) - 1
        for i in range(n_bags):
            bag[off[i]:ends[i]] = i
        idx = input
        psw = per_sample_weights
    else:
        raise ValueError(f"input has to be 1D or 2D Tensor, but got Tensor of dimension "
                         f"{input.dim()}")
    ids = idx._data.astype(_np.int64)
    if ids.size and (int(ids.min()) < 0 or int(ids.max()) >= weight.shape[0]):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        _F()._embedding_renorm_(weight, ids, max_norm, norm_type)
    keep = bag >= 0
    if padding_idx is not None:
        pi = padding_idx % weight.shape[0]
        keep &= ids != pi
    sel = _np.nonzero(keep)[0]
    rows = nt.index_select(weight, 0, nt.tensor(ids[sel]))
    if psw is not None:
        rows = rows * nt.index_select(psw, 0, nt.tensor(sel)).unsqueeze(1)
    bag_ids = nt.tensor(bag[sel].astype(_np.int64))
    dim = weight.shape[1]
    zeros = nt.zeros((n_bags, dim), dtype=weight.dtype)
    if mode == "max":
        index = bag_ids.unsqueeze(1).expand(len(sel), dim)
        return nt.scatter_reduce(zeros, 0, index, rows, "amax", include_self=False)
    out = nt.index_add(zeros, 0, bag_ids, rows)
    if mode == "mean":
        counts = _np.bincount(bag[sel], minlength=n_bags).astype(weight.dtype.np)
        out = out / nt.tensor(_np.maximum(counts, 1)).unsqueeze(1)
    return out
