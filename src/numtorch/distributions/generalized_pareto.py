"""The generalized Pareto distribution, as ``torch.distributions.GeneralizedPareto``."""

from __future__ import annotations

import math
from numbers import Number, Real

import numtorch as torch
from numtorch._tensor import Tensor

from . import constraints
from .distribution import _EMPTY, Distribution
from .utils import broadcast_all

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    """Generalized Pareto with ``loc``, ``scale`` and shape ``concentration`` (exponential at
    concentration 0); samples (inverse cdf of a uniform draw) equal torch's for the same
    seed."""

    arg_constraints = {"loc": constraints.real, "scale": constraints.positive,
                       "concentration": constraints.real}
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args: bool | None = None) -> None:
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        if all(isinstance(v, Number) for v in (loc, scale, concentration)):
            batch_shape = torch.Size()
        else:
            batch_shape = self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None) -> GeneralizedPareto:
        new = self._get_checked_instance(GeneralizedPareto, _instance)
        batch_shape = torch.Size(batch_shape)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        super(GeneralizedPareto, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=_EMPTY) -> Tensor:
        shape = self._extended_shape(sample_shape)
        u = torch.rand(shape, dtype=self.loc.dtype, device=self.loc.device)
        return self.icdf(u)

    def _z(self, x) -> Tensor:
        return (x - self.loc) / self.scale

    def _safe_concentration(self):
        """(concentration is ~0, concentration with those entries replaced by 1)."""
        c = self.concentration
        near_zero = torch.isclose(c, torch.tensor(0.0))
        return near_zero, torch.where(near_zero, torch.ones_like(c), c)

    def log_prob(self, value) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        near_zero, c = self._safe_concentration()
        y = 1 / c + torch.ones_like(z)
        nonzero = torch.where(y == 0, y, y * torch.log1p(c * z))
        log_scale = math.log(self.scale) if isinstance(self.scale, Real) else self.scale.log()
        return -log_scale - torch.where(near_zero, z, nonzero)

    def log_survival_function(self, value) -> Tensor:
        """log(1 - cdf(value))."""
        if self._validate_args:
            self._validate_sample(value)
        z = self._z(value)
        near_zero, c = self._safe_concentration()
        return torch.where(near_zero, -z, -torch.log1p(c * z) / c)

    def log_cdf(self, value) -> Tensor:
        """log(cdf(value))."""
        return torch.log1p(-torch.exp(self.log_survival_function(value)))

    def cdf(self, value) -> Tensor:
        return torch.exp(self.log_cdf(value))

    def icdf(self, value) -> Tensor:
        c = self.concentration
        near_zero = torch.isclose(c, torch.zeros_like(c))
        safe = torch.where(near_zero, torch.ones_like(c), c)
        logu = torch.log1p(-value)
        nonzero = self.loc + self.scale / safe * torch.expm1(-safe * logu)
        return torch.where(near_zero, self.loc - self.scale * logu, nonzero)

    @property
    def mean(self) -> Tensor:
        c = self.concentration
        ok = c < 1
        result = self.loc + self.scale / (1 - torch.where(ok, c, 0.5))
        return torch.where(ok, result, math.nan)

    @property
    def variance(self) -> Tensor:
        c = self.concentration
        ok = c < 0.5
        safe = torch.where(ok, c, 0.25)
        result = self.scale ** 2 / ((1 - safe) ** 2 * (1 - 2 * safe))
        return torch.where(ok, result, math.nan)

    def entropy(self) -> Tensor:
        ans = torch.log(self.scale) + self.concentration + 1
        return torch.broadcast_to(ans, self._batch_shape)

    @property
    def mode(self) -> Tensor:
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        low = self.loc
        high = torch.where(self.concentration < 0, low - self.scale / self.concentration,
                           math.inf)
        return constraints.interval(low, high)
