"""``F.ctc_loss``: the connectionist temporal classification loss, composed of numtorch ops.

The forward variable (log-alpha) recursion runs over time with the batch and the extended label
sequence vectorised. PyTorch's kernel returns, as the gradient with respect to ``log_probs``,
``exp(log_probs) - posterior`` (the gradient as if a log-softmax followed): a zero-valued term
``exp(lp) - exp(lp).detach()`` over the valid frames adds that ``exp(log_probs)`` part, so the
gradients agree with PyTorch's both for ``log_probs`` and through a ``log_softmax``.
Unreachable states use a large negative finite log value instead of ``-inf`` so that no NaN enters
the gradients; a loss past that scale is reported as ``inf`` as PyTorch does.
"""

from __future__ import annotations

from ... import _dtype as D
from ..._ops.creation import arange, full, tensor, zeros
from ..._ops.indexing import gather, where
from ..._ops.join import cat, stack
from ..._tensor import Tensor

__all__ = ["ctc_loss"]

_NEG = -1e30


def _as_lengths(v, name: str, device) -> Tensor:
    if isinstance(v, Tensor):
        return v.to(dtype=D.int64).reshape(-1)
    return tensor(list(v), dtype=D.int64, device=device).reshape(-1)


def ctc_loss(log_probs: Tensor, targets: Tensor, input_lengths, target_lengths, blank: int = 0,
             reduction: str = "mean", zero_infinity: bool = False) -> Tensor:
    """``F.ctc_loss`` on (T, N, C) or unbatched (T, C) log-probabilities; targets padded (N, S)
    or concatenated 1-D. ``mean`` divides each loss by its target length, then averages."""
    unbatched = log_probs.dim() == 2
    lp = log_probs.unsqueeze(1) if unbatched else log_probs
    if unbatched and targets.dim() == 1 and not isinstance(target_lengths, Tensor):
        pass
    t_max, n, c = lp.shape
    in_len = _as_lengths(input_lengths, "input_lengths", lp.device)
    tg_len = _as_lengths(target_lengths, "target_lengths", lp.device)
    in_list = [int(v) for v in in_len.tolist()]
    tg_list = [int(v) for v in tg_len.tolist()]
    for v in in_list:
        if v > t_max:
            raise RuntimeError(f"Expected input_lengths to have value at most {t_max}, but got "
                               f"value {v} (while checking arguments for "
                               "ctc_loss_allocate_outputs)")
    if blank < 0 or blank >= c:
        raise RuntimeError("blank must be in label range")
    s_max = max(tg_list) if tg_list else 0
    # targets as a padded (N, S) table
    tg = targets.to(dtype=D.int64)
    if unbatched and tg.dim() == 1 and len(tg_list) == 1 and tg.shape[0] >= tg_list[0]:
        tg = tg[:tg_list[0]].unsqueeze(0)
    if tg.dim() == 1:
        rows, start = [], 0
        for ln in tg_list:
            row = tg[start:start + ln]
            start += ln
            if ln < s_max:
                row = cat([row, full((s_max - ln,), blank, dtype=D.int64)])
            rows.append(row)
        tg = stack(rows) if rows else zeros(n, 0, dtype=D.int64)
    else:
        tg = tg[:, :s_max] if s_max else tg[:, :0]
    n_ext = 2 * s_max + 1
    ext = full((n, n_ext), blank, dtype=D.int64, device=lp.device)
    if s_max:
        ext[:, 1::2] = tg
    # the skip transition s-2 -> s: allowed for labels that differ from the label two back
    prev2 = cat([full((n, 2), blank, dtype=D.int64), ext[:, :-2]], 1)
    skip_ok = (ext != blank) & (ext != prev2)
    skip_ok[:, :2] = False
    pos = arange(n_ext).unsqueeze(0)
    neg = full((n, n_ext), _NEG, dtype=lp.dtype)
    neg1 = full((n, 1), _NEG, dtype=lp.dtype)
    neg2 = full((n, 2), _NEG, dtype=lp.dtype)
    emit0 = gather(lp[0], 1, ext)
    alpha = where(pos < 2, emit0, neg)
    for t in range(1, t_max):
        emit = gather(lp[t], 1, ext)
        a1 = cat([neg1, alpha[:, :-1]], 1)
        a2 = where(skip_ok, cat([neg2, alpha[:, :-2]], 1), neg)
        new = stack([alpha, a1, a2]).logsumexp(0) + emit
        alive = (in_len > t).unsqueeze(1)
        alpha = where(alive, new, alpha)
    last = (tg_len * 2).unsqueeze(1)
    end1 = gather(alpha, 1, last).squeeze(1)
    end2 = gather(alpha, 1, (last - 1).clamp(min=0)).squeeze(1)
    end2 = where(tg_len > 0, end2, full((n,), _NEG, dtype=lp.dtype))
    loss = -stack([end1, end2]).logsumexp(0)
    frame_ok = (arange(t_max).unsqueeze(1) < in_len.unsqueeze(0)).unsqueeze(2)
    probs = lp.exp()
    loss = loss + where(frame_ok, probs - probs.detach(), zeros((), dtype=lp.dtype)).sum((0, 2))
    impossible = loss.detach() > -_NEG / 2
    if zero_infinity:
        loss = where(impossible, zeros((), dtype=lp.dtype), loss)
    elif bool(impossible.any()):
        loss = where(impossible, full((), float("inf"), dtype=lp.dtype), loss)
    if unbatched:
        loss = loss.squeeze(0)
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return (loss / tg_len.clamp(min=1).to(dtype=lp.dtype).reshape(loss.shape)).mean()
    raise ValueError(f"{reduction} is not a valid value for reduction")
