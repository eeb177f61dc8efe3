"""The implementation of ``numtorch.nn.functional``, one module per topic.

``numtorch.nn.functional`` re-exports the public names; import from there. Each topic module
holds the argument checking and composition for its family; fused kernels and their gradients
live in ``numtorch._ops.nn`` (``activation``, ``loss``, ``conv``, ``pooling``,
``normalization``, ``embedding``) and ``numtorch._ops.nn.sampling``.
"""
