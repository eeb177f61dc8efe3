"""Packed and padded sequences (``torch.nn.utils.rnn``).

``PackedSequence`` holds the time-major concatenation of a batch of variable-length sequences
(``data``), the batch size at each time step (``batch_sizes``, int64 on the CPU) and, when the
batch was sorted by length on packing, the permutation and its inverse. Packing records
``PackPaddedSequenceBackward0`` and unpacking ``CopySlices``/``TransposeBackward0``/
``IndexSelectBackward0`` as torch's CPU kernels do, so gradients flow through both.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterable

from ..._backend import xp_of
from ..._ops._base import Op
from ..._tensor import Tensor

__all__ = ["PackedSequence", "invert_permutation", "pack_padded_sequence",
           "pad_packed_sequence", "pad_sequence", "unpad_sequence", "pack_sequence",
           "unpack_sequence"]

PackedSequence_ = namedtuple("PackedSequence_",
                             ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])
PackedSequence_.__module__ = __name__


def _creation():
    from ..._ops import creation

    return creation


def bind(optional, fn):
    """``fn(optional)``, or ``None`` when ``optional`` is ``None``."""
    if optional is None:
        return None
    return fn(optional)


def invert_permutation(permutation: Tensor | None) -> Tensor | None:
    """The inverse of a permutation of ``range(n)`` (``None`` stays ``None``)."""
    if permutation is None:
        return None
    c = _creation()
    out = c.empty_like(permutation)
    out.scatter_(0, permutation, c.arange(0, permutation.numel(), device=permutation.device))
    return out


class PackedSequence(PackedSequence_):
    """A packed batch of variable-length sequences, as ``torch.nn.utils.rnn.PackedSequence``.

    ``PackedSequence(data, batch_sizes, sorted_indices, unsorted_indices)``, or
    ``PackedSequence((data, batch_sizes))``; ``unsorted_indices`` defaults to the inverse of
    ``sorted_indices``. Type and device conversions return a new PackedSequence (or ``self``
    when ``data`` does not change).
    """

    def __new__(cls, data: Tensor, batch_sizes: Tensor | None = None,
                sorted_indices: Tensor | None = None, unsorted_indices: Tensor | None = None):
        if unsorted_indices is None:
            unsorted_indices = invert_permutation(sorted_indices)
        if batch_sizes is not None:
            if batch_sizes.device.type != "cpu":
                raise ValueError(
                    "batch_sizes should always be on CPU. Instances of PackedSequence should "
                    "never be created manually. They should be instantiated by functions like "
                    "pack_sequence and pack_padded_sequences in nn.utils.rnn. "
                    "https://pytorch.org/docs/stable/nn.html#torch.nn.utils.rnn.pack_sequence")
            return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)
        if not (isinstance(data, (list, tuple)) and len(data) == 2):
            raise AssertionError("Expected data to be a list or tuple of length 2")
        return super().__new__(cls, data[0], data[1], sorted_indices, unsorted_indices)

    def pin_memory(self) -> PackedSequence:
        return type(self)(self.data.pin_memory(), self.batch_sizes,
                          _maybe(self.sorted_indices, "pin_memory"),
                          _maybe(self.unsorted_indices, "pin_memory"))

    def to(self, *args, **kwargs) -> PackedSequence:
        """``data.to(*args, **kwargs)``; the index tensors follow data's device."""
        data = self.data.to(*args, **kwargs)
        if data is self.data:
            return self
        sorted_i = _maybe(self.sorted_indices, "to", data.device)
        unsorted_i = _maybe(self.unsorted_indices, "to", data.device)
        return type(self)(data, self.batch_sizes, sorted_i, unsorted_i)

    def cuda(self, *args, **kwargs) -> PackedSequence:
        ex = _creation().tensor([], dtype=self.data.dtype, device=self.data.device).to(
            *args, **kwargs)
        if ex.is_cuda:
            return self.to(*args, **kwargs)
        kwargs["device"] = "cuda"
        return self.to(*args, **kwargs)

    def cpu(self, *args, **kwargs) -> PackedSequence:
        ex = _creation().tensor([], dtype=self.data.dtype, device=self.data.device).to(
            *args, **kwargs)
        if ex.device.type == "cpu":
            return self.to(*args, **kwargs)
        kwargs["device"] = "cpu"
        return self.to(*args, **kwargs)

    def _cast(self, name: str) -> PackedSequence:
        from ... import _dtype

        return self.to(dtype=getattr(_dtype, name))

    def double(self) -> PackedSequence:
        return self._cast("float64")

    def float(self) -> PackedSequence:
        return self._cast("float32")

    def half(self) -> PackedSequence:
        return self._cast("float16")

    def long(self) -> PackedSequence:
        return self._cast("int64")

    def int(self) -> PackedSequence:
        return self._cast("int32")

    def short(self) -> PackedSequence:
        return self._cast("int16")

    def char(self) -> PackedSequence:
        return self._cast("int8")

    def byte(self) -> PackedSequence:
        return self._cast("uint8")

    @property
    def is_cuda(self) -> bool:
        """Whether ``data`` lives on a CUDA device."""
        return self.data.is_cuda

    def is_pinned(self) -> bool:
        """Whether ``data`` is in pinned memory."""
        return self.data.is_pinned()


def _maybe(t: Tensor | None, method: str, *args):
    return None if t is None else getattr(t, method)(*args)


class _PackPadded(Op):
    """Gathers the valid time steps of a padded (T, B, *) batch into (sum(lengths), *)."""

    grad_fn_name = "PackPaddedSequenceBackward0"
    params = ("steps", "rows", "batch_first")

    def forward(self, x):
        xp = xp_of(x)
        if self.batch_first:
            x = xp.swapaxes(x, 0, 1)
        self.in_shape = x.shape
        return x[xp.asarray(self.steps, dtype=xp.int64), xp.asarray(self.rows, dtype=xp.int64)]

    def backward(self, g):
        from ... import _dtype

        t_len, batch = self.in_shape[0], self.in_shape[1]
        flat = _creation().tensor([s * batch + r for s, r in zip(self.steps, self.rows)],
                                  dtype=_dtype.int64, device=g.device)
        grad = g.new_zeros((t_len * batch,) + tuple(g.shape[1:])).index_copy(0, flat, g)
        grad = grad.view((t_len, batch) + tuple(g.shape[1:]))
        return (grad.transpose(0, 1) if self.batch_first else grad,)


def _as_lengths(lengths) -> Tensor:
    from ... import _dtype

    c = _creation()
    if isinstance(lengths, Tensor):
        return lengths.to(dtype=_dtype.int64)
    return c.as_tensor(lengths, dtype=_dtype.int64, device="cpu")


def _pack(input: Tensor, lengths: Tensor, batch_first: bool):
    """Torch's ``_pack_padded_sequence`` kernel: checks, then (data, batch_sizes)."""
    from ... import _dtype

    if lengths.ndim != 1 or lengths.dtype != _dtype.int64 or lengths.device.type != "cpu":
        raise RuntimeError("'lengths' argument should be a 1D CPU int64 tensor, but got "
                           f"{lengths.ndim}D {lengths.device.type} "
                           f"{_legacy_name(lengths.dtype)} tensor")
    if input.ndim < 2:
        raise IndexError("Dimension out of range (expected to be in range of "
                         f"[{-max(input.ndim, 1)}, {max(input.ndim, 1) - 1}], but got 1)")
    if input.numel() == 0:
        raise RuntimeError("Cannot pack empty tensors.")
    batch = input.shape[0 if batch_first else 1]
    lens = [int(v) for v in lengths.tolist()]
    if len(lens) != batch:
        raise RuntimeError(f"Expected `len(lengths)` to be equal to batch_size, but got "
                           f"{len(lens)} (batch_size={batch})")
    if any(a < b for a, b in zip(lens, lens[1:])):
        raise RuntimeError("`lengths` array must be sorted in decreasing order when "
                           "`enforce_sorted` is True. You can pass `enforce_sorted=False` to "
                           "pack_padded_sequence and/or pack_sequence to sidestep this "
                           "requirement if you do not need ONNX exportability.")
    if lens[-1] <= 0:
        raise RuntimeError("Length of all samples has to be greater than 0, but found an "
                           "element in 'lengths' that is <= 0")
    sizes = [sum(1 for n in lens if n > t) for t in range(lens[0])]
    steps = [t for t, b in enumerate(sizes) for _ in range(b)]
    rows = [r for b in sizes for r in range(b)]
    data = _PackPadded.apply(input, steps=steps, rows=rows, batch_first=batch_first)
    return data, _creation().tensor(sizes, dtype=_dtype.int64)


def _legacy_name(dtype) -> str:
    names = {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
             "float32": "Float", "float64": "Double", "float16": "Half", "bool": "Bool",
             "bfloat16": "BFloat16"}
    return names.get(str(dtype).replace("torch.", ""), str(dtype))


def pack_padded_sequence(input: Tensor, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T x B x * or B x T x *) of sequences with the given lengths.

    With ``enforce_sorted=False`` the batch is first sorted by decreasing length (the
    permutation is kept in ``sorted_indices``); otherwise lengths must already decrease.
    """
    lengths = _as_lengths(lengths)
    if enforce_sorted:
        sorted_indices = None
    else:
        lengths, sorted_indices = lengths.sort(descending=True)
        sorted_indices = sorted_indices.to(input.device)
        input = input.index_select(0 if batch_first else 1, sorted_indices)
    data, batch_sizes = _pack(input, lengths, batch_first)
    return PackedSequence(data, batch_sizes, sorted_indices, None)


def pad_packed_sequence(sequence: PackedSequence, batch_first: bool = False,
                        padding_value: float = 0.0,
                        total_length: int | None = None) -> tuple[Tensor, Tensor]:
    """Unpack a PackedSequence into a padded batch and the lengths (in the original order)."""
    from ... import _dtype

    c = _creation()
    data, batch_sizes = sequence.data, sequence.batch_sizes
    sizes = [int(b) for b in batch_sizes.tolist()]
    max_len = len(sizes)
    if total_length is not None:
        if total_length < max_len:
            raise ValueError("Expected total_length to be at least the length of the longest "
                             f"sequence in input, but got total_length={total_length} and max "
                             f"sequence length being {max_len}")
        max_len = total_length
    batch = sizes[0]
    out = data.new_full((max_len, batch) + tuple(data.shape[1:]), padding_value)
    offset = 0
    for t, b in enumerate(sizes):
        out[t, :b] = data[offset:offset + b]
        offset += b
    lens = [sum(1 for b in sizes if b > r) for r in range(batch)]
    lengths = c.tensor(lens, dtype=_dtype.int64)
    if batch_first:
        out = out.transpose(0, 1)
    if sequence.unsorted_indices is not None:
        out = out.index_select(0 if batch_first else 1, sequence.unsorted_indices)
        lengths = lengths[sequence.unsorted_indices.cpu()]
    return out, lengths


def pad_sequence(sequences: Tensor | Iterable[Tensor], batch_first: bool = False,
                 padding_value: float = 0.0, padding_side: str = "right") -> Tensor:
    """Stack variable-length sequences into one padded tensor (L x B x * or B x L x *).

    The result has the first sequence's dtype; ``padding_side="left"`` pads at the front.
    """
    if padding_side not in ("left", "right"):
        raise RuntimeError(f"Expected padding_side to be one of left or right, but got "
                           f"{padding_side}.")
    seqs = list(sequences)
    if not seqs:
        raise RuntimeError("received an empty list of sequences")
    if seqs[0].ndim == 0:
        raise RuntimeError("ArrayRef: invalid slice, N = 1; size = 0")
    max_len = max(s.shape[0] for s in seqs)
    trailing = tuple(seqs[0].shape[1:])
    shape = (len(seqs), max_len) + trailing if batch_first else (max_len, len(seqs)) + trailing
    out = seqs[0].new_full(shape, padding_value)
    for i, s in enumerate(seqs):
        n = s.shape[0]
        span = slice(max_len - n, max_len) if padding_side == "left" else slice(0, n)
        if batch_first:
            out[i, span] = s
        else:
            out[span, i] = s
    return out


def unpad_sequence(padded_sequences: Tensor, lengths: Tensor,
                   batch_first: bool = False) -> list[Tensor]:
    """Split a padded batch back into a list of sequences of the given lengths."""
    c = _creation()
    if not batch_first:
        padded_sequences = padded_sequences.transpose(0, 1)
    max_len = padded_sequences.shape[1]
    idx = c.arange(max_len, device=lengths.device)
    return [seq[idx < n] for seq, n in zip(padded_sequences, lengths)]


def pack_sequence(sequences: list[Tensor], enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of variable-length sequences (``pad_sequence`` then
    ``pack_padded_sequence``)."""
    c = _creation()
    lengths = c.as_tensor([v.shape[0] for v in sequences])
    return pack_padded_sequence(pad_sequence(sequences), lengths,
                                enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences: PackedSequence) -> list[Tensor]:
    """The list of sequences packed in a PackedSequence, in their original order."""
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return unpad_sequence(padded, lengths, batch_first=True)
