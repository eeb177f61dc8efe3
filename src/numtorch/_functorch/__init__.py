"""The machinery behind ``numtorch.func``: batched tensors and batching rules for ``vmap``."""
