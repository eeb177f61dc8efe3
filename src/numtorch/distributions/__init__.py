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
