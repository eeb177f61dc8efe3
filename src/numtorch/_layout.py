"""Memory formats and layouts (``torch.contiguous_format``, ``torch.strided``, ...).

numtorch tensors are always strided; ``memory_format`` arguments are accepted and
``contiguous_format``/``preserve_format`` behave as PyTorch's; ``channels_last`` is accepted
and gives a contiguous (NCHW-ordered) result.
"""

from __future__ import annotations


class memory_format:  # noqa: N801 - PyTorch's class name
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


class layout:  # noqa: N801 - PyTorch's class name
    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return "torch." + self.name

    def __reduce__(self):
        return (_by_name, (self.name,))


contiguous_format = memory_format("contiguous_format")
preserve_format = memory_format("preserve_format")
channels_last = memory_format("channels_last")
channels_last_3d = memory_format("channels_last_3d")
strided = layout("strided")
sparse_coo = layout("sparse_coo")
sparse_csr = layout("sparse_csr")

_ALL = {o.name: o for o in (contiguous_format, preserve_format, channels_last, channels_last_3d,
                            strided, sparse_coo, sparse_csr)}


def _by_name(name: str):
    return _ALL[name]
