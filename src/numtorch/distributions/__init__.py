"""Probability distributions (``torch.distributions``): parameterised distributions with
sampling, log densities and moments; constraints; KL divergences.

Samples equal torch's for the same ``manual_seed`` wherever torch draws through the generator
calls numtorch reproduces (``normal_``, ``uniform_``, ``exponential_``, ``cauchy_``,
``bernoulli``, ``multinomial``, ...). Samplers built on torch's gamma, Dirichlet, Poisson and
binomial kernels are numtorch's own (same distribution, different draws): Gamma, Chi2, Beta,
Dirichlet, StudentT, FisherSnedecor, Poisson, Binomial, NegativeBinomial and VonMises.
"""

from . import constraints
from .distribution import Distribution
from .exp_family import ExponentialFamily

__all__ = [
    "Distribution",
    "ExponentialFamily",
    "constraints",
]

# -- transforms, the constraint registry, transformed and multivariate distributions --
from . import transforms  # noqa: E402
from .constraint_registry import biject_to, transform_to  # noqa: E402
from .transforms import *  # noqa: E402, F403

__all__ += ["biject_to", "transform_to", *transforms.__all__]
