"""All ``nn`` layer classes, re-exported as ``numtorch.nn.<Name>`` (as ``torch.nn.modules``)."""

from __future__ import annotations

import importlib

from .activation import *  # noqa: F403
from .activation import __all__ as _activation_all
from .container import *  # noqa: F403
from .container import __all__ as _container_all
from .flatten import *  # noqa: F403
from .flatten import __all__ as _flatten_all
from .linear import *  # noqa: F403
from .linear import __all__ as _linear_all
from .loss import *  # noqa: F403
from .loss import __all__ as _loss_all
from .module import Module
from .sparse import *  # noqa: F403
from .sparse import __all__ as _sparse_all

__all__ = ["Module", *_activation_all, *_container_all, *_flatten_all, *_linear_all,
           *_loss_all, *_sparse_all]

# Layer families written in parallel (conv, pooling, normalisation, dropout, rnn, ...): their
# names are added when their module exists. The lead can replace this with plain imports.
_OPTIONAL = ("conv", "pooling", "batchnorm", "normalization", "dropout", "rnn", "padding",
             "pixelshuffle", "upsampling", "fold", "transformer", "distance", "channelshuffle")


def _export_optional(namespace: dict) -> list:
    names = []
    for mod_name in _OPTIONAL:
        try:
            mod = importlib.import_module(f"{__name__}.{mod_name}")
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{mod_name}":
                raise
            continue
        for n in getattr(mod, "__all__", ()):
            namespace[n] = getattr(mod, n)
            names.append(n)
    return names


__all__ += _export_optional(globals())
