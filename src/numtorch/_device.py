"""Device objects (``numtorch.device``), printed and compared as PyTorch's."""

from __future__ import annotations


class device:
    """A device: ``device('cpu')``, ``device('cuda', 0)``, ``device('cuda:1')``."""

    __slots__ = ("type", "index")

    def __init__(self, type: str | device, index: int | None = None) -> None:  # noqa: A002
        if isinstance(type, device):
            self.type, self.index = type.type, type.index
            return
        if not isinstance(type, str):
            raise TypeError("device() received an invalid combination of arguments - got "
                            f"({type!r})")
        t, sep, idx = type.partition(":")
        if sep:
            if index is not None:
                raise RuntimeError(f"type (string) must not include an index because index was "
                                   f"passed explicitly: {type}")
            if not idx.isdigit():
                raise RuntimeError(f"Invalid device string: '{type}'")
            index = int(idx)
        if t not in ("cpu", "cuda", "meta", "mps"):
            raise RuntimeError(
                "Expected one of cpu, cuda, ipu, xpu, mkldnn, opengl, opencl, ideep, hip, ve, "
                f"fpga, maia, xla, lazy, vulkan, mps, meta, hpu, mtia, privateuseone device type "
                f"at start of device string: {type}")
        self.type = t
        self.index = index

    def __repr__(self) -> str:
        if self.index is None:
            return f"device(type='{self.type}')"
        return f"device(type='{self.type}', index={self.index})"

    def __str__(self) -> str:
        return self.type if self.index is None else f"{self.type}:{self.index}"

    def __eq__(self, other) -> bool:
        if isinstance(other, str):
            other = device(other)
        return isinstance(other, device) and self.type == other.type and self.index == other.index

    def __hash__(self) -> int:
        return hash((self.type, self.index))

    def __reduce__(self):
        return (device, (self.type, self.index))

    def __enter__(self) -> device:
        """``with torch.device(...)``: factories without a ``device`` argument use this one."""
        _stack.append(_default[0])
        set_default_device(self)
        return self

    def __exit__(self, *exc) -> bool:
        _default[0] = _stack.pop()
        return False


CPU = device("cpu")
#: the device factories use when given none (``set_default_device``), and the ``with`` stack
_default = [CPU]
_stack: list = []


def set_default_device(d) -> None:
    """``torch.set_default_device``: the device factories use when none is given (None: cpu)."""
    _default[0] = CPU if d is None else as_device(d)


def get_default_device() -> device:
    """``torch.get_default_device``; a device numtorch has no backend for raises as torch's
    does when it makes the probe tensor."""
    d = _default[0]
    if d.type == "cuda":
        raise AssertionError("Torch not compiled with CUDA enabled")
    return d


def default_is_cpu() -> bool:
    return _default[0] is CPU


def as_device(d) -> device:
    """Normalise a device argument (str, int, device or None meaning cpu)."""
    if d is None:
        return _default[0]
    if isinstance(d, device):
        return d
    if isinstance(d, int):
        return device("cuda", d)
    return device(d)
