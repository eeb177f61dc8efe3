"""``numtorch.nn.parallel``: ``DistributedDataParallel`` (as ``torch.nn.parallel``)."""

from .data_parallel import DataParallel
from .distributed import DistributedDataParallel

__all__ = ["DistributedDataParallel"]
__all__ += ["DataParallel"]
