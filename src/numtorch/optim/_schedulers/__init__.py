"""The implementation of ``numtorch.optim.lr_scheduler`` (the public module), by family."""
