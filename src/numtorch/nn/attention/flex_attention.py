"""``torch.nn.attention.flex_attention``: attention with a user ``score_mod`` and a block-sparse
``BlockMask``, computed eagerly (torch's unfused math reference).

``score_mod(score, b, h, q_idx, kv_idx)`` and ``mask_mod(b, h, q_idx, kv_idx)`` are called once
on broadcastable index tensors (b as (B,1,1,1), h as (1,H,1,1), q_idx as (1,1,L,1), kv_idx as
(1,1,1,S)) where torch vmaps them over 0-d tensors: the same results for functions built from
tensor operations and indexing (``bias[h, q_idx]``), which is what torch's tracing supports too.

Known differences: torch refuses backward on CPU; numtorch differentiates through the math
(also into tensors a ``score_mod`` captures). The "called without torch.compile()" performance
warning is not emitted (there is no fused kernel to point to).
"""

from __future__ import annotations

import inspect
import itertools
import math
import warnings
from collections.abc import Callable
from typing import Any, NamedTuple

from ... import _dtype as D
from ..._ops.creation import arange, ones, zeros
from ..._ops.linalg import matmul
from ..._ops.nn.activation import softmax
from ..._ops.pointwise import where
from ..._tensor import Tensor

__all__ = ["BlockMask", "flex_attention", "AuxOutput", "AuxRequest", "FlexKernelOptions",
           "create_block_mask", "create_mask", "or_masks", "and_masks", "noop_mask"]

_DEFAULT_SPARSE_BLOCK_SIZE = 128
# torch's switch for running score/mask mods uncompiled; numtorch always runs them eagerly
_FLEX_ATTENTION_DISABLE_COMPILE_DEBUG = False
_LARGE_SPARSE_BLOCK_SIZE = 1 << 30

FlexKernelOptions = dict


class AuxRequest(NamedTuple):
    """Which auxiliary outputs ``flex_attention`` should return."""

    lse: bool = False
    max_scores: bool = False


class AuxOutput(NamedTuple):
    """The auxiliary outputs ``flex_attention`` returns with ``return_aux``."""

    lse: Tensor | None = None
    max_scores: Tensor | None = None


def _identity(score: Tensor, batch: Tensor, head: Tensor, token_q: Tensor,
              token_kv: Tensor) -> Tensor:
    return score


def noop_mask(batch: Tensor, head: Tensor, token_q: Tensor, token_kv: Tensor) -> Tensor:
    """The mask_mod that keeps every position."""
    return batch.new_ones((), dtype=D.bool_, device=batch.device)


def _sliced_mask_mod_error(batch: Tensor, head: Tensor, token_q: Tensor, token_kv: Tensor):
    """The mask_mod of a sliced BlockMask: using it is an error."""
    raise RuntimeError(
        "Cannot use mask_mod from a sliced BlockMask. When you slice a BlockMask using [], the "
        "mask_mod attribute is reset. You must set it from the original BlockMask's mask_mod."
        "\n\nIncorrect usage:\n  base_mask = create_block_mask(my_mask_fn, ...)\n  sliced_mask "
        "= base_mask[:, :, block_idx]\n  sliced_mask.mask_mod = apply_offset(sliced_mask."
        "mask_mod, offset)  # WRONG!")


def or_masks(*mask_mods: Callable) -> Callable:
    """The mask_mod keeping a position when any of ``mask_mods`` keeps it."""
    if not all(callable(m) for m in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def or_mask(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor) -> Tensor:
        out = b.new_zeros((), dtype=D.bool_)
        for m in mask_mods:
            out = out | m(b, h, q_idx, kv_idx)
        return out

    return or_mask


def and_masks(*mask_mods: Callable) -> Callable:
    """The mask_mod keeping a position when all of ``mask_mods`` keep it."""
    if not all(callable(m) for m in mask_mods):
        raise RuntimeError(f"All inputs should be callable mask_mods: {mask_mods}")

    def and_mask(b: Tensor, h: Tensor, q_idx: Tensor, kv_idx: Tensor) -> Tensor:
        out = b.new_ones((), dtype=D.bool_)
        for m in mask_mods:
            out = out & m(b, h, q_idx, kv_idx)
        return out

    return and_mask


def _positional_count(fn: Callable) -> int:
    code = getattr(fn, "__code__", None)
    if code is not None:
        return code.co_argcount - len(getattr(fn, "__defaults__", None) or ())
    return sum(1 for p in inspect.signature(fn).parameters.values()
               if p.default is inspect.Parameter.empty)


def _mod_kind(fn: Callable) -> str:
    n = _positional_count(fn)
    if n not in (4, 5):
        raise AssertionError(f"Expected 4 or 5 positional args, got {n}")
    return "score" if n == 5 else "mask"


def _index_grids(B: int, H: int, L: int, S: int, device) -> tuple[Tensor, ...]:
    return (arange(B, device=device).view(B, 1, 1, 1), arange(H, device=device).view(1, H, 1, 1),
            arange(L, device=device).view(1, 1, L, 1), arange(S, device=device).view(1, 1, 1, S))


def create_mask(mod_fn: Callable, B: int | None, H: int | None, Q_LEN: int, KV_LEN: int,
                device=None) -> Tensor:
    """The dense (B, H, Q_LEN, KV_LEN) bool mask of a mask_mod, or of a score_mod (False
    where it gives ``-inf``)."""
    device = device or "cpu"
    B = 1 if B is None else B
    H = 1 if H is None else H
    b, h, m, n = _index_grids(B, H, Q_LEN, KV_LEN, device)
    if _mod_kind(mod_fn) == "score":
        out = mod_fn(zeros(B, H, Q_LEN, KV_LEN, device=device), b, h, m, n)
        return out.expand(B, H, Q_LEN, KV_LEN).isneginf().logical_not()
    return mod_fn(b, h, m, n).expand(B, H, Q_LEN, KV_LEN).contiguous()


def _dense_to_ordered(dense: Tensor) -> tuple[Tensor, Tensor]:
    dense = dense.to(D.int32)
    num = dense.sum(dim=-1).to(D.int32)
    order = dense.argsort(dim=-1, descending=True, stable=True).to(D.int32)
    return num, order


def _ordered_to_dense(num_blocks: Tensor, indices: Tensor, num_cols: int) -> Tensor:
    """The (..., rows, num_cols) int32 0/1 block map of (count, ordered column indices)."""
    entries = arange(indices.shape[-1], device=indices.device, dtype=D.int32)
    used = entries < num_blocks.unsqueeze(-1)
    cols = where(used, indices.to(D.int64), num_cols)
    dense = zeros(tuple(indices.shape[:-1]) + (num_cols + 1,), dtype=D.int32,
                  device=indices.device)
    dense.scatter_(-1, cols, 1)
    return dense[..., :num_cols].contiguous()


def _transpose_ordered(num_blocks: Tensor, indices: Tensor) -> tuple[Tensor, Tensor]:
    dense = _ordered_to_dense(num_blocks, indices, indices.shape[-1])
    return _dense_to_ordered(dense.transpose(-2, -1))


class BlockMask:
    """``flex_attention``'s block-sparse mask: per query block the kv blocks that are partly
    (``kv_indices``) or fully (``full_kv_indices``) kept, their transposes, the block size and
    the ``mask_mod`` that decides inside a block."""

    def __init__(self, seq_lengths: tuple[int, int], kv_num_blocks: Tensor, kv_indices: Tensor,
                 full_kv_num_blocks: Tensor | None, full_kv_indices: Tensor | None,
                 q_num_blocks: Tensor | None, q_indices: Tensor | None,
                 full_q_num_blocks: Tensor | None, full_q_indices: Tensor | None,
                 BLOCK_SIZE: tuple[int, int], mask_mod: Callable) -> None:
        if kv_indices.dim() < 2:
            raise RuntimeError("BlockMask must have at least 2 dimensions")
        self.seq_lengths = tuple(seq_lengths)
        self.kv_num_blocks = kv_num_blocks
        self.kv_indices = kv_indices
        self.full_kv_num_blocks = full_kv_num_blocks
        self.full_kv_indices = full_kv_indices
        self.q_num_blocks = q_num_blocks
        self.q_indices = q_indices
        self.full_q_num_blocks = full_q_num_blocks
        self.full_q_indices = full_q_indices
        self.BLOCK_SIZE = tuple(BLOCK_SIZE)
        self.mask_mod = mask_mod
        # torch's backward-kernel scheduling metadata; numtorch computes none
        self.dq_write_order = self.dq_write_order_full = None
        self.dq_kv_order = self.dq_kv_order_spt = None

    @classmethod
    def from_kv_blocks(cls, kv_num_blocks: Tensor, kv_indices: Tensor,
                       full_kv_num_blocks: Tensor | None = None,
                       full_kv_indices: Tensor | None = None,
                       BLOCK_SIZE: int | tuple[int, int] = _DEFAULT_SPARSE_BLOCK_SIZE,
                       mask_mod: Callable | None = None,
                       seq_lengths: tuple[int, int] | None = None,
                       compute_q_blocks: bool = True) -> BlockMask:
        """Build a BlockMask from its kv-side block lists (the q side is derived)."""
        if kv_indices.dim() < 2:
            raise RuntimeError("BlockMask must have at least 2 dimensions")
        if (full_kv_num_blocks is None) != (full_kv_indices is None):
            raise AssertionError("full_kv_num_blocks and full_kv_indices must be both provided "
                                 "or omitted")
        q_num = q_idx = fq_num = fq_idx = None
        if compute_q_blocks:
            q_num, q_idx = _transpose_ordered(kv_num_blocks, kv_indices)
            if full_kv_num_blocks is not None:
                fq_num, fq_idx = _transpose_ordered(full_kv_num_blocks, full_kv_indices)
        if isinstance(BLOCK_SIZE, int):
            BLOCK_SIZE = (BLOCK_SIZE, BLOCK_SIZE)
        if seq_lengths is None:
            seq_lengths = (kv_indices.shape[-2] * BLOCK_SIZE[0],
                           kv_indices.shape[-1] * BLOCK_SIZE[1])
        return cls(seq_lengths, kv_num_blocks, kv_indices, full_kv_num_blocks, full_kv_indices,
                   q_num, q_idx, fq_num, fq_idx, BLOCK_SIZE,
                   mask_mod if mask_mod is not None else noop_mask)

    def as_tuple(self, flatten: bool = True) -> tuple[Any, ...]:
        """The fields in torch's order; ``flatten`` spreads the lengths and block sizes."""
        lengths = tuple(self.seq_lengths) if flatten else (self.seq_lengths,)
        block = tuple(self.BLOCK_SIZE) if flatten else (self.BLOCK_SIZE,)
        return (*lengths, self.kv_num_blocks, self.kv_indices, self.full_kv_num_blocks,
                self.full_kv_indices, self.q_num_blocks, self.q_indices, self.full_q_num_blocks,
                self.full_q_indices, self.dq_write_order, self.dq_write_order_full,
                self.dq_kv_order, self.dq_kv_order_spt, *block, self.mask_mod)

    @property
    def shape(self) -> tuple[int, ...]:
        """(batch dims..., Q_LEN, KV_LEN)."""
        return tuple(self.kv_indices.shape[:-2]) + self.seq_lengths

    def numel(self) -> int:
        """The number of (b, h, q, kv) positions the mask covers."""
        return math.prod(self.shape)

    def sparsity(self) -> float:
        """Percentage of the (B, H, Q, KV) positions in blocks that are skipped."""
        blocks = int(self.kv_num_blocks.sum())
        if self.full_kv_num_blocks is not None:
            blocks += int(self.full_kv_num_blocks.sum())
        computed = blocks * self.BLOCK_SIZE[0] * self.BLOCK_SIZE[1]
        return 100 * (1 - computed / self.numel())

    def to_dense(self) -> Tensor:
        """The (B, H, q blocks, kv blocks) int32 map of blocks that are computed."""
        dense = _ordered_to_dense(self.kv_num_blocks, self.kv_indices, self.kv_indices.shape[-1])
        if self.full_kv_num_blocks is not None:
            full = _ordered_to_dense(self.full_kv_num_blocks, self.full_kv_indices,
                                     self.full_kv_indices.shape[-1])
            dense = dense | full
        return dense

    def to_string(self, grid_size: int | tuple[int, int] = (20, 20), limit: int = 4) -> str:
        """torch's block picture: two characters per cell, full, partial or empty."""
        dense = self.to_dense()
        *batch, rows, cols = dense.shape
        if isinstance(grid_size, int):
            max_rows = max_cols = grid_size
        elif grid_size == -1:
            max_rows, max_cols = rows, cols
        else:
            max_rows, max_cols = grid_size
        row_step = max(1, -(-rows // max_rows))
        col_step = max(1, -(-cols // max_cols))
        pictures = []
        for k, idx in enumerate(itertools.product(*[range(i) for i in batch])):
            if k == limit:
                pictures += ["...", "To print out more, set BlockMask.to_string(limit=N)",
                             "You can also index (BlockMask[batch, head]) to choose a specific "
                             "batch or head"]
                break
            cur = dense
            for i in idx:
                cur = cur[i]
            lines = [f"{idx}\n"]
            for r in range(0, rows, row_step):
                for c in range(0, cols, col_step):
                    frac = float(cur[r:r + row_step, c:c + col_step].float().mean())
                    lines.append(("█" if frac == 1 else " " if frac == 0 else "░") * 2)
                lines.append("\n")
            pictures.append("".join(lines))
        return "\n".join(pictures)

    def __str__(self) -> str:
        return (f"BlockMask(shape={self.shape}, sparsity={self.sparsity():.2f}%, \n"
                f"{self.to_string().strip()}\n)")

    def __repr__(self) -> str:
        def shp(t):
            return t.shape if t is not None else None

        name = getattr(self.mask_mod, "__name__", self.mask_mod)
        return ("BlockMask(\n"
                f"    kv_num_blocks={self.kv_num_blocks.shape},\n"
                f"    kv_indices={self.kv_indices.shape},\n"
                f"    full_kv_num_blocks={shp(self.full_kv_num_blocks)},\n"
                f"    full_kv_indices={shp(self.full_kv_indices)},\n"
                f"    q_num_blocks={shp(self.q_num_blocks)},\n"
                f"    q_indices={shp(self.q_indices)},\n"
                f"    full_q_num_blocks={shp(self.full_q_num_blocks)},\n"
                f"    full_q_indices={shp(self.full_q_indices)},\n"
                f"    BLOCK_SIZE={self.BLOCK_SIZE},\n"
                f"    shape={self.shape},\n"
                f"    sparsity={self.sparsity():.2f}%,\n"
                f"    mask_mod={name}\n"
                ")")

    def __getitem__(self, index) -> BlockMask:
        """Select batches, heads or query blocks (ints keep their dim); the result's
        ``mask_mod`` refuses to run, as torch's does."""
        index = index if isinstance(index, tuple) else (index,)
        padded = (*index, slice(None), slice(None), slice(None))[:3]
        sizes = self.kv_num_blocks.shape[:3]
        index = tuple((slice(i + n, i + n + 1) if -n <= i < 0 else slice(i, i + 1))
                      if isinstance(i, int) else i for i, n in zip(padded, sizes))
        full_num = full_idx = None
        if self.full_kv_num_blocks is not None:
            full_num, full_idx = self.full_kv_num_blocks[index], self.full_kv_indices[index]
        return BlockMask.from_kv_blocks(self.kv_num_blocks[index], self.kv_indices[index],
                                        full_num, full_idx, BLOCK_SIZE=self.BLOCK_SIZE,
                                        mask_mod=_sliced_mask_mod_error,
                                        seq_lengths=self.seq_lengths,
                                        compute_q_blocks=self.q_indices is not None)

    def _adjust(self, new_q_len: int, new_kv_len: int) -> BlockMask:
        """Crop the block lists to the upper-left (new_q_len, new_kv_len) corner."""
        rows = -(-new_q_len // self.BLOCK_SIZE[0])
        cols = -(-new_kv_len // self.BLOCK_SIZE[1])

        def crop(num: Tensor, idx: Tensor) -> tuple[Tensor, Tensor]:
            idx = idx[:, :, :rows, :cols]
            num = num[:, :, :rows].clamp(max=cols)
            return (idx < num.unsqueeze(-1)).sum(dim=-1).to(D.int32), idx

        num, idx = crop(self.kv_num_blocks, self.kv_indices)
        full_num = full_idx = None
        if self.full_kv_num_blocks is not None:
            full_num, full_idx = crop(self.full_kv_num_blocks, self.full_kv_indices)
        return BlockMask.from_kv_blocks(num, idx, full_num, full_idx, BLOCK_SIZE=self.BLOCK_SIZE,
                                        mask_mod=self.mask_mod,
                                        seq_lengths=(new_q_len, new_kv_len),
                                        compute_q_blocks=self.q_indices is not None)

    def to(self, device) -> BlockMask:
        """The same mask with its index tensors on ``device``."""
        def mv(t):
            return t.to(device) if t is not None else None

        return BlockMask(self.seq_lengths, mv(self.kv_num_blocks), mv(self.kv_indices),
                         mv(self.full_kv_num_blocks), mv(self.full_kv_indices),
                         mv(self.q_num_blocks), mv(self.q_indices), mv(self.full_q_num_blocks),
                         mv(self.full_q_indices), self.BLOCK_SIZE, self.mask_mod)


def _blocks_of(mask: Tensor, qb: int, kb: int, separate_full: bool):
    """Partial (and full) block maps of a dense (B, H, Q, KV) bool mask, padded with False."""
    B, H, Q, KV = mask.shape
    pq, pk = -(-Q // qb) * qb, -(-KV // kb) * kb
    if (pq, pk) != (Q, KV):
        padded = zeros(B, H, pq, pk, dtype=D.bool_, device=mask.device)
        padded[:, :, :Q, :KV] = mask
        mask = padded
    counts = mask.view(B, H, pq // qb, qb, pk // kb, kb).permute(0, 1, 2, 4, 3, 5).sum(
        dim=(-2, -1))
    if not separate_full:
        return (counts > 0).to(D.int8), None
    full = qb * kb
    return ((counts > 0) & (counts < full)).to(D.int8), (counts == full).to(D.int8)


def create_block_mask(mask_mod: Callable, B: int | None, H: int | None, Q_LEN: int,
                      KV_LEN: int, device=None,
                      BLOCK_SIZE: int | tuple[int, int] = _DEFAULT_SPARSE_BLOCK_SIZE,
                      _compile: bool = False, separate_full_blocks: bool = True,
                      compute_dq_write_order: bool = False,
                      dq_kv_order: bool = True) -> BlockMask:
    """``create_block_mask``: evaluate ``mask_mod`` densely and record, per block of
    ``BLOCK_SIZE``, whether it is partly or fully kept (torch's index tensors, int32)."""
    if _mod_kind(mask_mod) != "mask":
        raise AssertionError(f"create-block_mask requires a mask_mod function! Got {mask_mod}")
    B = 1 if B is None else B
    H = 1 if H is None else H
    qb, kb = (BLOCK_SIZE, BLOCK_SIZE) if isinstance(BLOCK_SIZE, int) else BLOCK_SIZE
    if _compile:
        warnings.warn("_compile flag on create_block_mask was originally added to work around a "
                      "torch.compile limitation. That limitation has since been addressed. So, to "
                      "compile create_block_mask, we suggest doing "
                      "torch.compile(create_block_mask). This still works for now, but will be "
                      "removed in the future.", DeprecationWarning, stacklevel=2)
    if not isinstance(dq_kv_order, bool):
        raise ValueError("dq_kv_order must be a bool when using create_block_mask")
    dense = create_mask(mask_mod, B, H, Q_LEN, KV_LEN, device)
    partial, full = _blocks_of(dense, qb, kb, separate_full_blocks)
    num, idx = _dense_to_ordered(partial)
    fnum, fidx = _dense_to_ordered(full) if full is not None else (None, None)
    return BlockMask.from_kv_blocks(num, idx, fnum, fidx, BLOCK_SIZE=(qb, kb),
                                    mask_mod=mask_mod, seq_lengths=(Q_LEN, KV_LEN))


def _empty_block_mask(query: Tensor) -> BlockMask:
    dev = query.device
    return BlockMask.from_kv_blocks(ones(1, 1, 1, dtype=D.int32, device=dev),
                                    zeros(1, 1, 1, 1, dtype=D.int32, device=dev),
                                    BLOCK_SIZE=_LARGE_SPARSE_BLOCK_SIZE, seq_lengths=(1, 1))


def _validate(query: Tensor, key: Tensor, value: Tensor, block_mask: BlockMask | None,
              enable_gqa: bool) -> None:
    if query.dtype != key.dtype or query.dtype != value.dtype:
        raise ValueError(f"Expected query, key, and value to have the same dtype, but got "
                         f"query.dtype: {query.dtype}, key.dtype: {key.dtype}, and value.dtype: "
                         f"{value.dtype} instead.")
    if query.size(-1) != key.size(-1):
        raise ValueError("Expect query and key/value to have the same embedding dimension but "
                         f"got E={query.size(-1)} and E={key.size(-1)}.")
    if query.dim() != 4 or key.dim() != 4 or value.dim() != 4:
        raise NotImplementedError("NYI: query, key, and value must be 4D tensors")
    hq, hkv = query.size(-3), key.size(-3)
    if not enable_gqa and hq != hkv:
        raise ValueError("Expect query and key/value to have the same number of heads but got "
                         f"Hq={hq} and Hkv={hkv}. Try setting enable_gqa=True for GQA.")
    if enable_gqa and hq % hkv != 0:
        raise ValueError("Expect number of query heads to be a multiple of kv heads for GQA but "
                         f"got Hq={hq} and Hkv={hkv}.")
    if query.size(0) != key.size(0):
        if block_mask is None:
            raise ValueError("Expect query and key/value to have the same batch size, or "
                             "non-none block_mask, but got block_mask=None, "
                             f"Bq={query.size(0)}, and Bkv={key.size(0)}.")
        if block_mask.kv_num_blocks.size(0) != query.size(0):
            raise ValueError("Expect query and key/value to have the same batch size, or "
                             "block_mask and query to have the same batch size, but got "
                             f"Bq={query.size(0)}, Bkv={key.size(0)}, "
                             f"B_block_mask={block_mask.kv_num_blocks.size(0)}.")


def _check_block_lengths(block_mask: BlockMask, L: int, S: int) -> None:
    if block_mask.BLOCK_SIZE == (_LARGE_SPARSE_BLOCK_SIZE, _LARGE_SPARSE_BLOCK_SIZE):
        return
    bl, bs = block_mask.shape[-2], block_mask.shape[-1]
    head = (f"block_mask was created for block_mask.shape={block_mask.shape} but got "
            f"q_len={L} and kv_len={S}. ")
    if L > bl or S > bs:
        raise ValueError(head + "As the block mask was created for a smaller length than you're "
                         "using it for, you likely need to create a new block mask.")
    if (L < bl and S <= bs) or (L <= bl and S < bs):
        raise ValueError(head + "As the block mask was created for a larger length than you're "
                         "using it for, you can either 1. create a new block mask with the "
                         "correct length, or 2. 'adjust' the existing block mask to the correct "
                         "length by calling block_mask._adjust(q_len, kv_len). This essentially "
                         "'crops' the block mask to the upper left corner, which does not work "
                         "for all mask_mods!")


def flex_attention(query: Tensor, key: Tensor, value: Tensor, score_mod: Callable | None = None,
                   block_mask: BlockMask | None = None, scale: float | None = None,
                   enable_gqa: bool = False, return_lse: bool = False,
                   kernel_options: dict | None = None, *,
                   return_aux: AuxRequest | None = None):
    """``flex_attention`` (eager): ``softmax(where(mask_mod, score_mod(q k^T * scale), -inf)) v``
    over (B, H, L, E) inputs, scores in float32 (float64 for float64 inputs) as torch's math
    reference; rows with nothing kept give zeros and an lse of ``-inf``. Returns the output,
    or (output, lse) with ``return_lse``, or (output, AuxOutput) with ``return_aux``."""
    _validate(query, key, value, block_mask, enable_gqa)
    score_mod = score_mod or _identity
    block_mask = block_mask if block_mask is not None else _empty_block_mask(query)
    if block_mask.mask_mod is _sliced_mask_mod_error:
        raise RuntimeError("Cannot use mask_mod from a sliced BlockMask")
    _check_block_lengths(block_mask, query.size(-2), key.size(-2))
    if scale is None:
        scale = 1.0 / math.sqrt(query.size(-1))
    if return_lse and return_aux is not None:
        raise ValueError("Cannot specify both return_lse and return_aux. return_lse is "
                         "deprecated, please use return_aux=AuxRequest(lse=True) instead.")
    if return_lse:
        warnings.warn("return_lse is deprecated and will be removed in v2.10. Please use "
                      "return_aux=AuxRequest(lse=True) instead.", FutureWarning, stacklevel=2)
    if return_aux is not None and return_aux.max_scores:
        raise NotImplementedError("Returning max scores is not supported on CPU/MPS.")
    group = query.size(1) // key.size(1)
    if group != 1:
        key = key.repeat_interleave(group, dim=1)
        value = value.repeat_interleave(group, dim=1)
    B, H, L, S = query.size(0), query.size(1), query.size(2), key.size(2)
    if key.size(0) != B:
        if key.size(0) != 1:
            raise RuntimeError(f"Bq and Bkv must broadcast. Got Bq={B} and Bkv={key.size(0)}")
        key = key.expand(B, *key.shape[1:])
        value = value.expand(B, *value.shape[1:])
    work = D.float64 if query.dtype == D.float64 else D.float32
    scores = matmul(query.to(work), key.to(work).transpose(-2, -1))
    scores = (scores * scale).to(work)
    b, h, m, n = _index_grids(B, H, L, S, query.device)
    keep = block_mask.mask_mod(b, h, m, n)
    modded = score_mod(scores, b, h, m, n)
    neg_inf = scores.new_full((), -math.inf)
    scores = where(keep, modded, neg_inf).expand(B, H, L, S)
    dead = (scores == -math.inf).all(dim=-1)
    lse = where(dead, neg_inf, scores.logsumexp(dim=-1))
    zero = scores.new_zeros(())
    probs = softmax(where(dead.unsqueeze(-1), zero, scores), dim=-1)
    probs = where(dead.unsqueeze(-1), zero, probs)
    out = matmul(probs.to(query.dtype), value.to(query.dtype))
    # torch's kernels keep the lse in base 2 and convert back at the end
    ln2 = math.log(2.0)
    lse = lse / ln2 * ln2
    if return_aux is not None:
        return out, AuxOutput(lse=lse if return_aux.lse else None, max_scores=None)
    if return_lse:
        return out, lse
    return out
