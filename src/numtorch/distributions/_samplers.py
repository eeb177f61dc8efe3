"""Samplers reproducing torch's CPU kernels ``_standard_gamma``, ``_sample_dirichlet``,
``poisson`` and ``binomial`` draw for draw.

torch runs each of them element by element on its CPU generator, taking uniform doubles
(``uniform_real_distribution<double>``) and cached Box-Muller normals
(``normal_distribution<double>``) as Marsaglia-Tsang (gamma), Hoermann's PTRS or
multiplication of uniforms (Poisson), and BTRS or geometric inversion (binomial) ask for
them. :class:`_DoubleStream` replays that stream from numtorch's default generator (which
reproduces torch's), so the same ``manual_seed`` gives the same samples and leaves the
generator in the same state.

Reparameterised gamma samples get implicit gradients ``dx/dalpha = -dF/dalpha / f(x)`` for
the gamma CDF ``F`` and density ``f`` (torch's ``_standard_gamma_grad`` rule), and Dirichlet
(so Beta) samples torch's ``_dirichlet_grad`` rule on each Beta marginal; both are evaluated
to double precision where torch uses approximations good to about 1e-3.
"""

from __future__ import annotations

import math

import numpy as np

import numtorch as torch
from numtorch._random import default_generator
from numtorch._random.distributions import uniform_raw
from numtorch._tensor import Tensor

_THIRD_F32 = float(np.float32(1.0) / np.float32(3.0))  # torch's 1.0f / 3.0f
_C0331_F32 = float(np.float32(0.0331))  # torch's 0.0331f
_TWO_PI = 2.0 * math.pi
# log(k!) - Stirling's approximation of it, for k = 0..9 (BTRS's correction table)
_STIRLING_TAIL = (0.08106146679532726, 0.04134069595540929, 0.02767792568499834,
                  0.02079067210376509, 0.01664469118982119, 0.01387612882307075,
                  0.01189670994589177, 0.01041126526197209, 0.009255462182712733,
                  0.008330563433362871)


class _DoubleStream:
    """The generator's uniform doubles, read ahead in blocks, and Box-Muller normals with the
    generator's one-value cache. ``close`` leaves the generator exactly as far advanced as the
    draws that were used."""

    def __init__(self, expected: int) -> None:
        self.gen = default_generator
        self.saved = self.gen._get_state_array().copy()
        self.cache = self.gen._normal_cache
        self.buf: list[float] = []
        self.pos = 0
        self._more(max(64, expected))

    def _more(self, n: int) -> None:
        self.buf.extend(uniform_raw(self.gen, n, np.float64).tolist())

    def uniform(self) -> float:
        if self.pos == len(self.buf):
            self._more(len(self.buf))
        v = self.buf[self.pos]
        self.pos += 1
        return v

    def normal(self) -> float:
        if self.cache is not None:
            v, self.cache = self.cache, None
            return v
        u1 = self.uniform()
        u2 = self.uniform()
        r = math.sqrt(-2.0 * math.log1p(-u2))
        theta = _TWO_PI * u1
        self.cache = r * math.sin(theta)
        return r * math.cos(theta)

    def close(self) -> None:
        self.gen._set_state_array(self.saved)
        if self.pos:
            uniform_raw(self.gen, self.pos, np.float64)
        self.gen._normal_cache = self.cache


def _host(t: Tensor) -> np.ndarray:
    """The values in C order (torch's kernels walk a fresh contiguous output)."""
    return np.array(t.detach().cpu().numpy(), dtype=np.float64, order="C")


def _log(v: float) -> float:
    """C's ``log``: -inf at 0 and NaN below, where ``math.log`` raises."""
    return math.log(v) if v > 0 else (-math.inf if v == 0 else math.nan)


def _sqrt(v: float) -> float:
    return math.sqrt(v) if v >= 0 else math.nan


def _div(a: float, b: float) -> float:
    """IEEE division (a signed infinity or NaN where Python raises on a zero divisor)."""
    if b != 0:
        return a / b
    if a != a or a == 0:
        return math.nan
    return math.copysign(math.inf, a) * math.copysign(1.0, b)


def _floor(v: float) -> float:
    return math.floor(v) if math.isfinite(v) else v


def _ceil(v: float) -> float:
    return math.ceil(v) if math.isfinite(v) else v


def _c_max(low: np.ndarray, v: np.ndarray) -> np.ndarray:
    """``std::max(low, v)``: ``low`` unless ``low < v`` (so NaN gives ``low``), as torch
    clamps its samples."""
    return np.where(low < v, v, low)


def _gamma_one(alpha: float, s: _DoubleStream, single: bool) -> float:
    """One Marsaglia-Tsang draw; ``single`` rounds the steps torch does in float32."""
    f32 = np.float32
    scale = 1.0
    if alpha < 1.0:
        if alpha == 0.0:
            return 0.0
        inv = float(f32(1.0) / f32(alpha)) if single else 1.0 / alpha
        scale *= math.pow(1 - s.uniform(), inv)
        alpha = float(f32(alpha) + f32(1.0)) if single else alpha + 1.0
    d = float(f32(alpha) - f32(_THIRD_F32)) if single else alpha - _THIRD_F32
    c = _div(1.0, _sqrt(9.0 * d))
    while True:
        while True:
            x = s.normal()
            y = 1.0 + c * x
            if not y <= 0:  # NaN leaves the loop, as in torch
                break
        v = y * y * y
        u = 1 - s.uniform()
        xx = x * x
        if u < 1.0 - _C0331_F32 * xx * xx:
            return scale * d * v
        if _log(u) < 0.5 * xx + d * (1.0 - v + _log(v)):
            return scale * d * v


def _gamma_draws(alpha: np.ndarray, single: bool) -> np.ndarray:
    s = _DoubleStream(3 * alpha.size)
    try:
        return np.array([_gamma_one(a, s, single) for a in alpha.ravel().tolist()],
                        dtype=np.float64).reshape(alpha.shape)
    finally:
        s.close()


def _poisson_one(lam: float, s: _DoubleStream) -> float:
    if not lam >= 0:
        raise RuntimeError("invalid Poisson rate, expected rate to be non-negative")
    if lam >= 10:
        # transformed rejection with squeeze (Hoermann 1993)
        slam = math.sqrt(lam)
        loglam = math.log(lam)
        b = 0.931 + 2.53 * slam
        a = -0.059 + 0.02483 * b
        invalpha = 1.1239 + 1.1328 / (b - 3.4)
        vr = 0.9277 - 3.6224 / (b - 2)
        while True:
            u = s.uniform() - 0.5
            v = s.uniform()
            us = 0.5 - abs(u)
            k = _floor((_div(2 * a, us) + b) * u + lam + 0.43)
            if us >= 0.07 and v <= vr:
                return k
            if k < 0 or (us < 0.013 and v > us):
                continue
            if (_log(v) + math.log(invalpha) - _log(_div(a, us * us) + b)
                    <= -lam + k * loglam - math.lgamma(k + 1)):
                return k
    if lam == 0:
        return 0
    limit = math.exp(-lam)
    count, prod = 0, 1.0
    while True:
        prod *= s.uniform()
        if prod > limit:
            count += 1
        else:
            return count


def _stirling_tail(k: float) -> float:
    if k <= 9:
        return _STIRLING_TAIL[int(k)]
    kp1sq = (k + 1) * (k + 1)
    return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / kp1sq) / kp1sq) / (k + 1)


def _btrs(n: float, p: float, s: _DoubleStream) -> float:
    """Hoermann's BTRS transformed rejection for ``n p >= 10``, ``p <= 1/2``."""
    stddev = math.sqrt(n * p * (1 - p))
    b = 1.15 + 2.53 * stddev
    a = -0.0873 + 0.0248 * b + 0.01 * p
    c = n * p + 0.5
    v_r = 0.92 - 4.2 / b
    r = p / (1 - p)
    alpha = (2.83 + 5.1 / b) * stddev
    m = math.floor((n + 1) * p)
    while True:
        u = s.uniform() - 0.5
        v = s.uniform()
        us = 0.5 - abs(u)
        k = _floor((_div(2 * a, us) + b) * u + c)
        if k < 0 or k > n:
            continue
        if us >= 0.07 and v <= v_r:
            return k
        v = _log(v * alpha / (_div(a, us * us) + b))
        bound = ((m + 0.5) * math.log((m + 1) / (r * (n - m + 1)))
                 + (n + 1) * math.log((n - m + 1) / (n - k + 1))
                 + (k + 0.5) * math.log(r * (n - k + 1) / (k + 1))
                 + _stirling_tail(m) + _stirling_tail(n - m)
                 - _stirling_tail(k) - _stirling_tail(n - k))
        if v <= bound:
            return k


def _binomial_inversion(n: float, p: float, s: _DoubleStream) -> float:
    """Counts geometric waiting times until they pass ``n`` (for ``n p < 10``)."""
    total, successes = 0.0, 0
    log_q = math.log1p(-p)
    while True:
        total += _ceil(_div(_log(s.uniform()), log_q))
        if total > n:
            return successes
        successes += 1


def _binomial_one(n: float, p: float, s: _DoubleStream) -> float:
    if n != n or p != p:
        return math.nan  # torch's kernel never returns for NaN parameters
    if n <= 0 or p <= 0:
        return 0
    if p >= 1:
        return n
    if p <= 0.5:
        return _btrs(n, p, s) if n * p >= 10 else _binomial_inversion(n, p, s)
    if p > 0.5:
        q = 1 - p
        return n - (_btrs(n, q, s) if n * q >= 10 else _binomial_inversion(n, q, s))
    return math.nan


def _chunks(n_elements: int, terms: int) -> tuple[range, int]:
    """Chunk offsets and size keeping a chunk's (elements x terms) work near 4M values."""
    step = max(1, 4_000_000 // max(terms, 1))
    return range(0, max(n_elements, 1), step), step


def _gamma_marginal_grad(a: Tensor, x: Tensor) -> Tensor:
    """``-dP(a, x)/da / f(x)`` on float64 1-D inputs, from the series
    ``P = x^a e^-x / Gamma(a+1) * sum_n prod_{k=1..n} x / (a+k)`` of positive terms.

    Its terms peak near ``n = x - a`` and then shrink geometrically; ``P / f = x / a * sum``
    so the density's normaliser cancels and only the series' derivative is needed.
    """
    with torch.no_grad():
        top = float((x - a).clamp(min=0).max()) if x.numel() else 0.0
        xmax = float(x.max()) if x.numel() else 0.0
        terms = int(top + 10 * math.sqrt(xmax + 1) + 60)
        (starts, step) = _chunks(x.numel(), terms)
        out = []
        for i in starts:
            av, xv = a[i:i + step].unsqueeze(-1), x[i:i + step].unsqueeze(-1)
            k = torch.arange(1, terms, dtype=x.dtype, device=x.device)
            log_terms = torch.cat([torch.zeros_like(av),
                                   torch.cumsum(torch.log(xv / (av + k)), -1)], -1)
            d_terms = torch.cat([torch.zeros_like(av), torch.cumsum(-1 / (av + k), -1)], -1)
            lse = torch.logsumexp(log_terms, -1, keepdim=True)
            d_lse = (torch.exp(log_terms - lse) * d_terms).sum(-1, keepdim=True)
            # dP/da = P (log x - digamma(a+1) + d lse/da) and P / f = exp(log x - log a + lse)
            d_log_p = torch.log(xv) - torch.digamma(av + 1) + d_lse
            ratio = torch.exp(torch.log(xv) - torch.log(av) + lse)
            out.append((-ratio * d_log_p).squeeze(-1))
        return torch.cat(out) if out else x.clone()


def standard_gamma_grad(alpha: Tensor, x: Tensor) -> Tensor:
    """``d x / d alpha`` of a Gamma(alpha, 1) sample ``x`` held at a fixed CDF value (the rule
    of torch's ``_standard_gamma_grad``), to double precision."""
    with torch.no_grad():
        shape = torch.broadcast_shapes(alpha.shape, x.shape)
        a = alpha.detach().to(torch.float64).expand(shape).reshape(-1)
        v = x.detach().to(torch.float64).expand(shape).reshape(-1)
        grad = _gamma_marginal_grad(a, v).reshape(shape)
        grad = torch.where(torch.isfinite(grad), grad, torch.zeros_like(grad))
        return grad.to(x.dtype)


class _StandardGamma(torch.autograd.Function):
    @staticmethod
    def forward(ctx, alpha: Tensor) -> Tensor:
        single = alpha.dtype == torch.float32
        np_dtype = alpha.dtype.np
        draws = _gamma_draws(_host(alpha), single).astype(np_dtype)
        draws = _c_max(np.finfo(np_dtype).tiny, draws)
        x = torch.tensor(draws, dtype=alpha.dtype, device=alpha.device)
        ctx.save_for_backward(alpha, x)
        return x

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        alpha, x = ctx.saved_tensors
        return grad * standard_gamma_grad(alpha, x)


def standard_gamma(alpha: Tensor) -> Tensor:
    """Gamma(alpha, 1) draws of ``alpha``'s shape, differentiable in ``alpha``."""
    return _StandardGamma.apply(alpha)


def _beta_marginal_grad(x: Tensor, a: Tensor, b: Tensor) -> Tensor:
    """``-dI_x(a, b)/da / (f(x) (1 - x))`` on float64 1-D inputs (``b`` held fixed).

    ``I_x(p, q)`` comes from its series of positive terms
    ``x^p (1-x)^q / (p B(p,q)) * sum_n prod_{k<n} (p+q+k)/(p+1+k) x``, taken at ``x <= 1/2``
    (through ``I_x(a, b) = 1 - I_{1-x}(b, a)`` above); the Beta function cancels against the
    density, so only the series and its derivative in ``a`` are needed. The terms grow up to
    ``n* = (x(p+q) - p - 1) / (1 - x)`` and then shrink within about ``sqrt(n*)`` terms towards
    a ratio ``x <= 1/2``.
    """
    flip = x > 0.5
    xs = torch.where(flip, 1 - x, x)
    p = torch.where(flip, b, a)
    q = torch.where(flip, a, b)
    peak = ((xs * (p + q) - p - 1) / (1 - xs)).clamp(min=0)
    top = float(peak.max()) if peak.numel() else 0.0
    terms = int(min(20000.0, top + 10 * math.sqrt(top + 1) + 60))
    (starts, step) = _chunks(x.numel(), terms)
    k = torch.arange(terms - 1, dtype=x.dtype, device=x.device)
    out = []
    for i in starts:
        sl = slice(i, i + step)
        xv, av, bv = x[sl].unsqueeze(-1), a[sl].unsqueeze(-1), b[sl].unsqueeze(-1)
        fv, xsv, pv, qv = (t[sl].unsqueeze(-1) for t in (flip, xs, p, q))
        log_terms = torch.cat([torch.zeros_like(xv), torch.cumsum(
            torch.log((pv + qv + k) / (pv + 1 + k)) + torch.log(xsv), -1)], -1)
        # d/da of each log term: a is p unflipped, q flipped
        d_ratio = 1 / (pv + qv + k) - torch.where(fv, torch.zeros_like(pv), 1 / (pv + 1 + k))
        d_terms = torch.cat([torch.zeros_like(xv), torch.cumsum(d_ratio, -1)], -1)
        lse = torch.logsumexp(log_terms, -1, keepdim=True)
        d_lse = (torch.exp(log_terms - lse) * d_terms).sum(-1, keepdim=True)
        psi = torch.digamma(av + bv) - torch.digamma(av)
        d_front = torch.log(xv) + psi - torch.where(fv, torch.zeros_like(av), 1 / av)
        # I (or 1 - I) over the density, with B(a, b) cancelled
        log_front = pv * torch.log(xsv) + qv * torch.log1p(-xsv) - torch.log(pv)
        log_pdf = (av - 1) * torch.log(xv) + (bv - 1) * torch.log1p(-xv)
        ratio = torch.exp(log_front + lse - log_pdf)
        sign = torch.where(fv, -torch.ones_like(xv), torch.ones_like(xv))
        out.append((-sign * ratio * (d_front + d_lse) / (1 - xv)).squeeze(-1))
    return torch.cat(out) if out else x.clone()


def dirichlet_grad(x: Tensor, alpha: Tensor, total: Tensor) -> Tensor:
    """torch's ``_dirichlet_grad``: for ``x ~ Beta(alpha, total - alpha)`` (a Dirichlet
    marginal), ``-dF/dalpha / (f(x) (1 - x))`` with the second Beta parameter held fixed,
    evaluated in float64."""
    with torch.no_grad():
        shape = torch.broadcast_shapes(x.shape, alpha.shape, total.shape)
        a64 = alpha.detach().to(torch.float64)
        xd = x.detach().to(torch.float64).expand(shape).reshape(-1)
        b = (total.detach().to(torch.float64) - a64).expand(shape).reshape(-1)
        a = a64.expand(shape).reshape(-1)
        grad = _beta_marginal_grad(xd, a, b).reshape(shape)
        grad = torch.where(torch.isfinite(grad), grad, torch.zeros_like(grad))
        return grad.to(x.dtype)


class _Dirichlet(torch.autograd.Function):
    @staticmethod
    def forward(ctx, concentration: Tensor) -> Tensor:
        g = _c_max(np.finfo(np.float64).tiny, _gamma_draws(_host(concentration), False))
        np_dtype = concentration.dtype.np
        x = _c_max(np_dtype.type(np.finfo(np_dtype).tiny),
                   (g / g.sum(-1, keepdims=True)).astype(np_dtype))
        top = np.nextafter(np.array(1, np_dtype), np.array(0, np_dtype))
        x = np.where(x < top, x, top)  # std::min(top, x)
        x = torch.tensor(x, dtype=concentration.dtype, device=concentration.device)
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
    """``torch.poisson``'s draws (no gradient)."""
    lam = _host(rate)
    stream = _DoubleStream(2 * lam.size)
    try:
        draws = [_poisson_one(v, stream) for v in lam.ravel().tolist()]
    finally:
        stream.close()
    out = np.array(draws, dtype=np.float64).reshape(lam.shape)
    return torch.tensor(out, dtype=rate.dtype, device=rate.device)


def binomial(count: Tensor, prob: Tensor) -> Tensor:
    """``torch.binomial``'s draws for ``count``/``prob`` of one shape (no gradient)."""
    n, p = _host(count), _host(prob)
    stream = _DoubleStream(2 * n.size)
    try:
        draws = [_binomial_one(a, b, stream) for a, b in zip(n.ravel().tolist(),
                                                               p.ravel().tolist())]
    finally:
        stream.close()
    out = np.array(draws, dtype=np.float64).reshape(n.shape)
    return torch.tensor(out, dtype=prob.dtype, device=prob.device)
