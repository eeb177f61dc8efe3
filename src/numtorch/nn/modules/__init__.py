"""All ``nn`` layer classes, re-exported as ``numtorch.nn.<Name>`` (as ``torch.nn.modules``)."""

from __future__ import annotations

from .activation import *  # noqa: F403
from .activation import __all__ as _activation_all
from .adaptive import *  # noqa: F403
from .adaptive import __all__ as _adaptive_all
from .batchnorm import *  # noqa: F403
from .batchnorm import __all__ as _batchnorm_all
from .channelshuffle import *  # noqa: F403
from .channelshuffle import __all__ as _channelshuffle_all
from .container import *  # noqa: F403
from .container import __all__ as _container_all
from .conv import *  # noqa: F403
from .conv import __all__ as _conv_all
from .distance import *  # noqa: F403
from .distance import __all__ as _distance_all
from .dropout import *  # noqa: F403
from .dropout import __all__ as _dropout_all
from .flatten import *  # noqa: F403
from .flatten import __all__ as _flatten_all
from .fold import *  # noqa: F403
from .fold import __all__ as _fold_all
from .lazy import *  # noqa: F403
from .lazy import __all__ as _lazy_all
from .legacy import *  # noqa: F403
from .legacy import __all__ as _legacy_all
from .linear import *  # noqa: F403
from .linear import __all__ as _linear_all
from .linear_cross_entropy_options import LinearCrossEntropyOptions
from .loss import *  # noqa: F403
from .loss import __all__ as _loss_all
from .module import Module
from .normalization import *  # noqa: F403
from .normalization import __all__ as _normalization_all
from .padding import *  # noqa: F403
from .padding import __all__ as _padding_all
from .pixelshuffle import *  # noqa: F403
from .pixelshuffle import __all__ as _pixelshuffle_all
from .pooling import *  # noqa: F403
from .pooling import __all__ as _pooling_all
from .rnn import *  # noqa: F403
from .rnn import __all__ as _rnn_all
from .sparse import *  # noqa: F403
from .sparse import __all__ as _sparse_all
from .transformer import *  # noqa: F403
from .transformer import __all__ as _transformer_all
from .upsampling import *  # noqa: F403
from .upsampling import __all__ as _upsampling_all

__all__ = ["Module", *_activation_all, *_batchnorm_all, *_container_all, *_conv_all, *_dropout_all,
           *_flatten_all, *_fold_all, *_linear_all, *_loss_all, *_normalization_all, *_padding_all,
           *_pixelshuffle_all, *_pooling_all, *_rnn_all, *_sparse_all, *_upsampling_all,
           *_transformer_all]
__all__ += [*_adaptive_all, *_channelshuffle_all, *_distance_all, *_legacy_all, *_lazy_all,
            "LinearCrossEntropyOptions"]
