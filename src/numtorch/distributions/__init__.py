"""Probability distributions (``torch.distributions``): parameterised distributions with
sampling, log densities and moments; constraints; KL divergences.

Samples equal torch's for the same ``manual_seed``, and leave the generator in the same state:
Normal, Uniform, Exponential, Laplace, Cauchy, Bernoulli, Categorical, OneHotCategorical,
Multinomial, Geometric, ContinuousBernoulli and VonMises draw through generator calls numtorch
reproduces (``normal_``, ``uniform_``, ``exponential_``, ``cauchy_``, ``bernoulli``,
``multinomial``, ``rand``); Gamma, Chi2, Beta, Dirichlet, StudentT, FisherSnedecor, Poisson,
Binomial and NegativeBinomial replay torch's CPU kernels ``_standard_gamma``,
``_sample_dirichlet``, ``poisson`` and ``binomial`` on the same uniform/normal stream
(``_samplers.py``; an element-by-element Python loop, so slower than the others).
Independent and MixtureSameFamily sample through their components.

The reparameterised samples of Gamma, Chi2, Beta, Dirichlet, StudentT and FisherSnedecor
carry torch's implicit gradients given the sample (the rules of ``_standard_gamma_grad`` and
``_dirichlet_grad``), evaluated to double precision where torch uses approximations good to
about 1e-3, so these gradients agree with torch's to that tolerance.
"""

from . import constraints
from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .categorical import Categorical
from .cauchy import Cauchy
from .chi2 import Chi2
from .continuous_bernoulli import ContinuousBernoulli
from .dirichlet import Dirichlet
from .distribution import Distribution
from .exp_family import ExponentialFamily
from .exponential import Exponential
from .fishersnedecor import FisherSnedecor
from .gamma import Gamma
from .geometric import Geometric
from .independent import Independent
from .kl import kl_divergence, register_kl
from .laplace import Laplace
from .mixture_same_family import MixtureSameFamily
from .multinomial import Multinomial
from .negative_binomial import NegativeBinomial
from .normal import Normal
from .one_hot_categorical import OneHotCategorical, OneHotCategoricalStraightThrough
from .poisson import Poisson
from .studentT import StudentT
from .uniform import Uniform
from .von_mises import VonMises

__all__ = [
    "Bernoulli",
    "Beta",
    "Binomial",
    "Categorical",
    "Cauchy",
    "Chi2",
    "ContinuousBernoulli",
    "Dirichlet",
    "Distribution",
    "Exponential",
    "ExponentialFamily",
    "FisherSnedecor",
    "Gamma",
    "Geometric",
    "Independent",
    "Laplace",
    "MixtureSameFamily",
    "Multinomial",
    "NegativeBinomial",
    "Normal",
    "OneHotCategorical",
    "OneHotCategoricalStraightThrough",
    "Poisson",
    "StudentT",
    "Uniform",
    "VonMises",
    "constraints",
    "kl_divergence",
    "register_kl",
]

# -- transforms, the constraint registry, transformed and multivariate distributions --
from . import transforms  # noqa: E402
from .constraint_registry import biject_to, transform_to  # noqa: E402
from .generalized_pareto import GeneralizedPareto  # noqa: E402
from .gumbel import Gumbel  # noqa: E402
from .half_cauchy import HalfCauchy  # noqa: E402
from .half_normal import HalfNormal  # noqa: E402
from .inverse_gamma import InverseGamma  # noqa: E402
from .kumaraswamy import Kumaraswamy  # noqa: E402
from .lkj_cholesky import LKJCholesky  # noqa: E402
from .log_normal import LogNormal  # noqa: E402
from .logistic_normal import LogisticNormal  # noqa: E402
from .lowrank_multivariate_normal import LowRankMultivariateNormal  # noqa: E402
from .multivariate_normal import MultivariateNormal  # noqa: E402
from .pareto import Pareto  # noqa: E402
from .relaxed_bernoulli import RelaxedBernoulli  # noqa: E402
from .relaxed_categorical import RelaxedOneHotCategorical  # noqa: E402
from .transformed_distribution import TransformedDistribution  # noqa: E402
from .transforms import *  # noqa: E402, F403
from .weibull import Weibull  # noqa: E402
from .wishart import Wishart  # noqa: E402

__all__ += [
    "GeneralizedPareto", "Gumbel", "HalfCauchy", "HalfNormal", "InverseGamma", "Kumaraswamy",
    "LKJCholesky", "LogNormal", "LogisticNormal", "LowRankMultivariateNormal",
    "MultivariateNormal", "Pareto", "RelaxedBernoulli", "RelaxedOneHotCategorical",
    "TransformedDistribution", "Weibull", "Wishart", "biject_to", "transform_to",
    *transforms.__all__,
]
