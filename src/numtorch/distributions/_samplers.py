"""Samplers for the distributions whose torch kernels numtorch does not reproduce draw for draw
(torch's ``_standard_gamma``, ``_sample_dirichlet``, ``poisson`` and ``binomial``).

They draw from the right distribution with a NumPy generator seeded from numtorch's default
generator, so ``manual_seed`` makes them repeatable, but the numbers differ from torch's.
Gamma samples are reparameterised with implicit gradients: ``dx/dalpha = -dF/dalpha / f(x)``
for the gamma CDF ``F`` and density ``f``, as torch's ``_standard_gamma_grad`` is; Dirichlet
(and so Beta) samples with torch's ``_dirichlet_grad`` rule on each Beta marginal.
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


def _log_beta(a: Tensor, b: Tensor) -> Tensor:
    return torch.lgamma(a) + torch.lgamma(b) - torch.lgamma(a + b)


def _beta_cdf_series(x: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """The regularised incomplete beta ``I_x(a, b)`` for ``x <= 1/2`` from its series of
    positive terms ``x^a (1-x)^b / (a B(a,b)) * sum_n prod_{k<n} (a+b+k)/(a+1+k) x``,
    summed in log space. Differentiable in ``a`` and ``b``.

    The terms peak near ``n = b`` and then shrink at least geometrically by ``x <= 1/2``, so
    ``max(b) + 100`` terms (at most 2000) reach double precision.
    """
    terms = int(min(2000.0, float(b.detach().max()) + 100.0)) if b.numel() else 1
    k = torch.arange(terms - 1, dtype=x.dtype, device=x.device).reshape(
        (terms - 1,) + (1,) * x.dim())
    log_ratio = torch.log((a + b + k) / (a + 1 + k)) + torch.log(x)
    log_terms = torch.cat([torch.zeros_like(log_ratio[:1]), torch.cumsum(log_ratio, 0)], 0)
    front = a * torch.log(x) + b * torch.log1p(-x) - torch.log(a) - _log_beta(a, b)
    return torch.exp(front + torch.logsumexp(log_terms, 0))


def _beta_cdf(x: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """``I_x(a, b)``, through the complement ``1 - I_{1-x}(b, a)`` for ``x > 1/2``."""
    flip = x > 0.5
    xs = torch.where(flip, 1 - x, x)
    lo = _beta_cdf_series(xs, torch.where(flip, b, a), torch.where(flip, a, b))
    return torch.where(flip, 1 - lo, lo)


def dirichlet_grad(x: Tensor, alpha: Tensor, total: Tensor) -> Tensor:
    """torch's ``_dirichlet_grad``: for ``x ~ Beta(alpha, total - alpha)`` (a Dirichlet
    marginal), ``-dF/dalpha / (f(x) (1 - x))`` with the second Beta parameter held fixed."""
    with torch.no_grad():
        xd = x.detach().to(torch.float64)
        b = (total - alpha).detach().to(torch.float64)
        a0 = alpha.detach().to(torch.float64)
    with torch.enable_grad():
        a = a0.clone().requires_grad_(True)
        (d_cdf,) = torch.autograd.grad(_beta_cdf(xd, a, b).sum(), a)
    with torch.no_grad():
        log_pdf = (a0 - 1) * torch.log(xd) + (b - 1) * torch.log1p(-xd) - _log_beta(a0, b)
        grad = -d_cdf / (torch.exp(log_pdf) * (1 - xd))
        grad = torch.where(torch.isfinite(grad), grad, torch.zeros_like(grad))
        return grad.to(x.dtype)


class _Dirichlet(torch.autograd.Function):
    @staticmethod
    def forward(ctx, concentration: Tensor) -> Tensor:
        rng = _numpy_generator()
        g = rng.standard_gamma(_host(concentration))
        with np.errstate(invalid="ignore", divide="ignore"):
            x = g / g.sum(-1, keepdims=True)
        tiny = _tiny(concentration.dtype)
        x = torch.tensor(np.asarray(x), dtype=concentration.dtype, device=concentration.device)
        x = x.clamp(min=tiny, max=1 - float(np.finfo(concentration.dtype.np).epsneg))
        ctx.save_for_backward(x, concentration)
        return x

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        x, concentration = ctx.saved_tensors
        total = concentration.sum(-1, keepdim=True).expand_as(concentration)
        g = dirichlet_grad(x, concentration, total)
        return g * (grad - (x * grad).sum(-1, keepdim=True))


def sample_dirichlet(concentration: Tensor) -> Tensor:
    """Dirichlet draws (normalised gammas), with torch's implicit reparameterisation
    gradient in ``concentration`` (:func:`dirichlet_grad`)."""
    return _Dirichlet.apply(concentration)


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
