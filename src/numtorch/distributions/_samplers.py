"""Samplers for the distributions whose torch kernels numtorch does not reproduce draw for draw
(torch's ``_standard_gamma``, ``_sample_dirichlet``, ``poisson`` and ``binomial``).

They draw from the right distribution with a NumPy generator seeded from numtorch's default
generator, so ``manual_seed`` makes them repeatable, but the numbers differ from torch's.
Gamma samples are reparameterised with implicit gradients: ``dx/dalpha = -dF/dalpha / f(x)``
for the gamma CDF ``F`` and density ``f``, as torch's ``_standard_gamma_grad`` is.
"""

from __future__ import annotations

import numpy as np

import numtorch as torch
from numtorch._tensor import Tensor

from .utils import _tiny


def _numpy_generator() -> np.random.Generator:
    seed = int(torch.randint(0, 2 ** 62, ()).item())
    return np.random.default_rng(seed)


def _host(t: Tensor) -> np.ndarray:
    return np.asarray(t.detach().cpu().numpy(), dtype=np.float64)


def standard_gamma_grad(alpha: Tensor, x: Tensor) -> Tensor:
    """``d x / d alpha`` of a Gamma(alpha, 1) sample ``x`` held at a fixed CDF value."""
    with torch.no_grad():
        a = alpha.detach().to(torch.float64)
        v = x.detach().to(torch.float64)
        h = 1e-4 * a.clamp(min=1e-3)
        d_cdf = (torch.special.gammainc(a + h, v) - torch.special.gammainc(a - h, v)) / (2 * h)
        log_pdf = torch.xlogy(a - 1, v) - v - torch.lgamma(a)
        grad = -d_cdf / torch.exp(log_pdf)
        grad = torch.where(torch.isfinite(grad), grad, torch.zeros_like(grad))
        return grad.to(x.dtype)


class _StandardGamma(torch.autograd.Function):
    @staticmethod
    def forward(ctx, alpha: Tensor) -> Tensor:
        rng = _numpy_generator()
        draws = rng.standard_gamma(_host(alpha))
        x = torch.tensor(np.asarray(draws), dtype=alpha.dtype, device=alpha.device)
        x = x.clamp(min=_tiny(alpha.dtype))
        ctx.save_for_backward(alpha, x)
        return x

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        alpha, x = ctx.saved_tensors
        return grad * standard_gamma_grad(alpha, x)


def standard_gamma(alpha: Tensor) -> Tensor:
    """Gamma(alpha, 1) draws of ``alpha``'s shape, differentiable in ``alpha``."""
    return _StandardGamma.apply(alpha)


def sample_dirichlet(concentration: Tensor) -> Tensor:
    """Dirichlet draws (normalised gammas), differentiable in ``concentration``."""
    g = standard_gamma(concentration)
    x = g / g.sum(-1, keepdim=True)
    return x.clamp(min=_tiny(concentration.dtype))


def poisson(rate: Tensor) -> Tensor:
    """Poisson draws of ``rate``'s shape and dtype (no gradient)."""
    rng = _numpy_generator()
    draws = rng.poisson(_host(rate))
    return torch.tensor(np.asarray(draws, dtype=np.float64), dtype=rate.dtype, device=rate.device)


def binomial(count: Tensor, prob: Tensor) -> Tensor:
    """Binomial draws of ``count``/``prob``'s (broadcast) shape and dtype (no gradient)."""
    rng = _numpy_generator()
    n = np.rint(_host(count)).astype(np.int64)
    p = np.clip(_host(prob), 0.0, 1.0)
    draws = rng.binomial(n, p)
    return torch.tensor(np.asarray(draws, dtype=np.float64), dtype=prob.dtype, device=prob.device)
