"""``numtorch.utils.tensorboard``: ``SummaryWriter`` writing TensorBoard event files, as
``torch.utils.tensorboard`` (no protobuf or tensorboard package needed to write)."""

from .writer import FileWriter, SummaryWriter

__all__ = ["FileWriter", "SummaryWriter"]
