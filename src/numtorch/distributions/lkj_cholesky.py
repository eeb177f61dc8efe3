"""The LKJ distribution over Cholesky factors of correlation matrices, as
``torch.distributions.LKJCholesky``."""

from __future__ import annotations

import math

import numtorch as torch
from numtorch._tensor import Tensor

from . import constraints
from .beta import Beta
from .distribution import _EMPTY, Distribution
from .utils import _finfo, broadcast_all

__all__ = ["LKJCholesky"]


class LKJCholesky(Distribution):
    """LKJ(concentration) over lower Cholesky factors of ``dim x dim`` correlation matrices,
    sampled by the onion method.

    Samples equal torch's for the same seed (the row radii come from a Beta, drawn by
    numtorch's replay of torch's gamma sampler).
    """

    arg_constraints = {"concentration": constraints.positive}
    support = constraints.corr_cholesky

    def __init__(self, dim: int, concentration=1.0, validate_args: bool | None = None) -> None:
        if dim < 2:
            raise ValueError(
                f"Expected dim to be an integer greater than or equal to 2. Found dim={dim}.")
        self.dim = dim
        (self.concentration,) = broadcast_all(concentration)
        batch_shape = self.concentration.size()
        event_shape = torch.Size((dim, dim))
        marginal = self.concentration + 0.5 * (self.dim - 2)
        offset = torch.arange(self.dim - 1, dtype=self.concentration.dtype,
                              device=self.concentration.device)
        offset = torch.cat([offset.new_zeros((1,)), offset])
        self._beta = Beta(offset + 0.5, marginal.unsqueeze(-1) - 0.5 * offset)
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None) -> LKJCholesky:
        new = self._get_checked_instance(LKJCholesky, _instance)
        batch_shape = torch.Size(batch_shape)
        new.dim = self.dim
        new.concentration = self.concentration.expand(batch_shape)
        new._beta = self._beta.expand(batch_shape + (self.dim,))
        super(LKJCholesky, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def sample(self, sample_shape=_EMPTY) -> Tensor:
        """Rows: a uniform direction (normal draws, normalised) scaled by sqrt of a Beta
        radius; the diagonal completes each row to unit norm."""
        radius = self._beta.sample(sample_shape).unsqueeze(-1)
        normals = torch.randn(self._extended_shape(sample_shape), dtype=radius.dtype,
                              device=radius.device).tril(-1)
        direction = normals / normals.norm(dim=-1, keepdim=True)
        direction[..., 0, :] = 0.0  # the first row is 0 / 0
        w = torch.sqrt(radius) * direction
        tiny = float(_finfo(w.dtype).tiny)
        diag = torch.clamp(1 - torch.sum(w ** 2, dim=-1), min=tiny).sqrt()
        return w + torch.diag_embed(diag)

    def log_prob(self, value) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        diag = value.diagonal(dim1=-1, dim2=-2)[..., 1:]
        order = torch.arange(2, self.dim + 1, device=self.concentration.device)
        order = 2 * (self.concentration - 1).unsqueeze(-1) + self.dim - order
        unnormalized = torch.sum(order * diag.log(), dim=-1)
        dm1 = self.dim - 1
        alpha = self.concentration + 0.5 * dm1
        normalizer = (0.5 * dm1 * math.log(math.pi) + torch.mvlgamma(alpha - 0.5, dm1)
                      - torch.lgamma(alpha) * dm1)
        return unnormalized - normalizer
