"""``Dirichlet`` (``torch.distributions.Dirichlet``)."""

from __future__ import annotations

import numtorch as torch
from numtorch._tensor import Tensor

from . import constraints
from ._samplers import sample_dirichlet
from .distribution import _EMPTY
from .exp_family import ExponentialFamily

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """Dirichlet(concentration) over the simplex of the last dimension.

    ``rsample`` reproduces torch's ``_sample_dirichlet`` draws; their gradient in
    ``concentration`` is torch's implicit rule (``_dirichlet_grad``) given the sample.
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration: Tensor, validate_args: bool | None = None) -> None:
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        super().__init__(concentration.shape[:-1], concentration.shape[-1:],
                         validate_args=validate_args)

    def expand(self, batch_shape, _instance=None) -> Dirichlet:
        return self._expand_params(Dirichlet, batch_shape, _instance, ("concentration",),
                                   tuple(self.event_shape))

    def rsample(self, sample_shape=_EMPTY) -> Tensor:
        shape = self._extended_shape(sample_shape)
        return sample_dirichlet(self.concentration.expand(shape))

    def log_prob(self, value: Tensor) -> Tensor:
        if self._validate_args:
            self._validate_sample(value)
        c = self.concentration
        return (torch.xlogy(c - 1.0, value).sum(-1) + torch.lgamma(c.sum(-1))
                - torch.lgamma(c).sum(-1))

    @property
    def mean(self) -> Tensor:
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self) -> Tensor:
        cm1 = (self.concentration - 1).clamp(min=0.0)
        mask = (self.concentration < 1).all(dim=-1)
        # rows where every concentration is below 1 are replaced below; a safe denominator
        # keeps their 0/0 out of the gradient
        total = cm1.sum(-1, True)
        mode = cm1 / torch.where(mask.unsqueeze(-1), torch.ones_like(total), total)
        corner = torch.nn.functional.one_hot(mode[mask].argmax(dim=-1), cm1.shape[-1])
        mode[mask] = corner.to(mode)
        return mode

    @property
    def variance(self) -> Tensor:
        c = self.concentration
        c0 = c.sum(-1, True)
        return c * (c0 - c) / (c0.pow(2) * (c0 + 1))

    def entropy(self) -> Tensor:
        c = self.concentration
        k = c.size(-1)
        a0 = c.sum(-1)
        return (torch.lgamma(c).sum(-1) - torch.lgamma(a0) - (k - a0) * torch.digamma(a0)
                - ((c - 1.0) * torch.digamma(c)).sum(-1))

    @property
    def _natural_params(self) -> tuple:
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - torch.lgamma(x.sum(-1))


