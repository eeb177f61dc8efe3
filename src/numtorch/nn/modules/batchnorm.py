"""Batch normalisation layers (``torch.nn.modules.batchnorm``): running statistics, momentum
(``None`` = cumulative average), eval mode, ``track_running_stats``, ``num_batches_tracked``."""

from __future__ import annotations

from ..._ops.creation import full
from ..._ops.join import cat
from ..._tensor import Tensor
from ...autograd.function import Function
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["BatchNorm1d", "BatchNorm2d", "BatchNorm3d", "SyncBatchNorm"]


def _new(kind: str, n: int, device=None, dtype=None) -> Tensor:
    from ..._ops import creation

    return getattr(creation, kind)(n, device=device, dtype=dtype)


class _NormBase(Module):
    """Parameters (weight=1, bias=0) and buffers shared by batch and instance norm."""

    __constants__ = ["track_running_stats", "momentum", "eps", "num_features", "affine"]
    _version = 2

    def __init__(self, num_features: int, eps: float = 1e-5, momentum=0.1, affine: bool = True,
                 track_running_stats: bool = True, device=None, dtype=None, *,
                 bias: bool = True) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = Parameter(_new("empty", num_features, device, dtype))
            if bias:
                self.bias = Parameter(_new("empty", num_features, device, dtype))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            from ..._ops.creation import tensor

            self.register_buffer("running_mean", _new("zeros", num_features, device, dtype))
            self.register_buffer("running_var", _new("ones", num_features, device, dtype))
            from ... import _dtype as D

            self.register_buffer("num_batches_tracked", tensor(0, dtype=D.int64))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            init.ones_(self.weight)
            if self.bias is not None:
                init.zeros_(self.bias)

    def _check_input_dim(self, input: Tensor) -> None:
        raise NotImplementedError

    def _load_from_state_dict(self, state_dict, prefix, local_metadata, strict, missing_keys,
                              unexpected_keys, error_msgs) -> None:
        # checkpoints from before version 2 have no num_batches_tracked: start it at 0
        version = local_metadata.get("version", None)
        key = prefix + "num_batches_tracked"
        if (version is None or version < 2) and self.track_running_stats and key not in state_dict:
            from ... import _dtype as D
            from ..._ops.creation import tensor

            state_dict[key] = (self.num_batches_tracked if self.num_batches_tracked is not None
                               and self.num_batches_tracked.device.type != "meta"
                               else tensor(0, dtype=D.int64))
        super()._load_from_state_dict(state_dict, prefix, local_metadata, strict, missing_keys,
                                      unexpected_keys, error_msgs)

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked.item())
        bn_training = self.training or (self.running_mean is None and self.running_var is None)
        use_buffers = not self.training or self.track_running_stats
        return F.batch_norm(input, self.running_mean if use_buffers else None,
                            self.running_var if use_buffers else None, self.weight, self.bias,
                            bn_training, factor, self.eps)


class BatchNorm1d(_BatchNorm):
    """``nn.BatchNorm1d`` over (N, C) or (N, C, L)."""

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.ndim}D input)")


class BatchNorm2d(_BatchNorm):
    """``nn.BatchNorm2d`` over (N, C, H, W)."""

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim != 4:
            raise ValueError(f"expected 4D input (got {input.ndim}D input)")


class BatchNorm3d(_BatchNorm):
    """``nn.BatchNorm3d`` over (N, C, D, H, W)."""

    def _check_input_dim(self, input: Tensor) -> None:
        if input.ndim != 5:
            raise ValueError(f"expected 5D input (got {input.ndim}D input)")


class _SyncBatchNormFunction(Function):
    """Batch norm whose statistics (forward) and gradient sums (backward) are all-reduced over
    the process group: each rank normalises with the whole batch's mean and variance."""

    @staticmethod
    def forward(ctx, input, weight, bias, running_mean, running_var, eps, momentum, group,
                world_size):
        from ... import distributed as dist

        dims = [0] + list(range(2, input.ndim))
        c = input.shape[1]
        count = input.numel() // c
        stats = cat([input.sum(dims), (input * input).sum(dims),
                     full((1,), float(count), dtype=input.dtype)])
        dist.all_reduce(stats, group=group)
        total = float(stats[-1].item())
        if total <= 1 and running_mean is not None:
            raise ValueError(f"Expected more than 1 value per channel when training, got "
                             f"input size {list(input.shape)}")
        mean = stats[:c] / total
        var = (stats[c:2 * c] / total - mean * mean).clamp_min(0)
        invstd = (var + eps).rsqrt()
        if running_mean is not None:
            unbiased = var * (total / (total - 1)) if total > 1 else var
            running_mean.mul_(1 - momentum).add_(mean * momentum)
            running_var.mul_(1 - momentum).add_(unbiased * momentum)
        shape = [1, c] + [1] * (input.ndim - 2)
        xhat = (input - mean.reshape(shape)) * invstd.reshape(shape)
        out = xhat
        if weight is not None:
            out = out * weight.reshape(shape)
        if bias is not None:
            out = out + bias.reshape(shape)
        ctx.save_for_backward(input, weight, mean, invstd)
        ctx.group, ctx.total = group, total
        return out

    @staticmethod
    def backward(ctx, grad_output):
        from ... import distributed as dist

        input, weight, mean, invstd = ctx.saved_tensors
        c = input.shape[1]
        dims = [0] + list(range(2, input.ndim))
        shape = [1, c] + [1] * (input.ndim - 2)
        xmu = input - mean.reshape(shape)
        sum_dy = grad_output.sum(dims)
        sum_dy_xmu = (grad_output * xmu).sum(dims)
        grad_weight = sum_dy_xmu * invstd if weight is not None else None
        grad_bias = sum_dy.clone() if ctx.needs_input_grad[2] else None
        both = cat([sum_dy, sum_dy_xmu])
        dist.all_reduce(both, group=ctx.group)
        mean_dy = (both[:c] / ctx.total).reshape(shape)
        mean_dy_xmu = (both[c:] / ctx.total).reshape(shape)
        scale = invstd.reshape(shape)
        if weight is not None:
            scale = scale * weight.reshape(shape)
        grad_input = (grad_output - mean_dy - xmu * (invstd * invstd).reshape(shape)
                      * mean_dy_xmu) * scale
        if not ctx.needs_input_grad[1]:
            grad_weight = None
        return grad_input, grad_weight, grad_bias, None, None, None, None, None, None


class SyncBatchNorm(_BatchNorm):
    """``nn.SyncBatchNorm``: batch norm over the whole batch spread across the ranks of
    ``process_group`` (numtorch.distributed on MPI): statistics and the gradient's sums are
    all-reduced. Without an initialised process group, in eval mode, or with one rank, it is
    plain batch norm, as torch's."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, process_group=None,
                 device=None, dtype=None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device, dtype,
                         bias=bias)
        self.process_group = process_group

    def _check_input_dim(self, input: Tensor) -> None:
        if input.dim() < 2:
            raise ValueError(f"expected at least 2D input (got {input.dim()}D input)")

    def _check_non_zero_input_channels(self, input: Tensor) -> None:
        if input.size(1) == 0:
            raise ValueError("SyncBatchNorm number of input channels should be non-zero")

    def forward(self, input: Tensor) -> Tensor:
        self._check_input_dim(input)
        self._check_non_zero_input_channels(input)
        from ... import distributed as dist

        factor = 0.0 if self.momentum is None else self.momentum
        if self.training and self.track_running_stats and self.num_batches_tracked is not None:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked.item())
        bn_training = self.training or (self.running_mean is None and self.running_var is None)
        running_mean = self.running_mean if not self.training or self.track_running_stats \
            else None
        running_var = self.running_var if not self.training or self.track_running_stats \
            else None
        sync = bn_training and self.training and dist.is_available() and dist.is_initialized()
        if sync:
            group = self.process_group or dist.group.WORLD
            world_size = dist.get_world_size(group)
            sync = world_size > 1
        if not sync:
            return F.batch_norm(input, running_mean, running_var, self.weight, self.bias,
                                bn_training, factor, self.eps)
        return _SyncBatchNormFunction.apply(input, self.weight, self.bias, running_mean,
                                            running_var, self.eps, factor, group, world_size)

    @classmethod
    def convert_sync_batchnorm(cls, module: Module, process_group=None) -> Module:
        """Replace every ``_BatchNorm`` in ``module`` by a ``SyncBatchNorm`` holding the same
        parameters and buffers."""
        out = module
        if isinstance(module, _BatchNorm):
            out = cls(module.num_features, module.eps, module.momentum, module.affine,
                      module.track_running_stats, process_group)
            if module.affine:
                from ...autograd import grad_mode

                with grad_mode.no_grad():
                    out.weight = module.weight
                    out.bias = module.bias
            out.running_mean = module.running_mean
            out.running_var = module.running_var
            out.num_batches_tracked = module.num_batches_tracked
            out.training = module.training
            if hasattr(module, "qconfig"):
                out.qconfig = module.qconfig
        for name, child in module.named_children():
            out.add_module(name, cls.convert_sync_batchnorm(child, process_group))
        del module
        return out
