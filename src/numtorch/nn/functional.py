"""``numtorch.nn.functional``: the functional forms of layers, activations and losses.

Each function matches ``torch.nn.functional`` in results, dtypes, grad_fn names and argument
errors. The implementations live in ``numtorch.nn._functional``, one module per topic
(activation, attention, conv, distance, dropout, linear, loss, normalization, pooling, sparse,
vision); this module is the public namespace that re-exports them.
"""

from __future__ import annotations

from ._functional.activation import (
    _SELU_ALPHA,  # noqa: F401 - used by the ONNX exporter
    _SELU_SCALE,  # noqa: F401
    celu,
    celu_,
    elu,
    elu_,
    gelu,
    glu,
    gumbel_softmax,
    hardshrink,
    hardsigmoid,
    hardswish,
    hardtanh,
    hardtanh_,
    leaky_relu,
    leaky_relu_,
    log_softmax,
    logsigmoid,
    mish,
    prelu,
    relu,
    relu6,
    relu_,
    rrelu,
    rrelu_,
    selu,
    selu_,
    sigmoid,
    silu,
    softmax,
    softmin,
    softplus,
    softshrink,
    softsign,
    tanh,
    tanhshrink,
    threshold,
    threshold_,
)
from ._functional.attention import (  # noqa: F401 - the private helpers torch's F exposes too
    _canonical_mask,
    _in_projection,
    _in_projection_packed,
    _mha_shape_check,
    _none_or_dtype,
    multi_head_attention_forward,
    scaled_dot_product_attention,
)
from ._functional.conv import (
    conv1d,
    conv2d,
    conv3d,
    conv_tbc,
    conv_transpose1d,
    conv_transpose2d,
    conv_transpose3d,
    fold,
    unfold,
)
from ._functional.ctc import ctc_loss
from ._functional.distance import cosine_similarity, pairwise_distance, pdist
from ._functional.dropout import (
    alpha_dropout,
    dropout,
    dropout1d,
    dropout2d,
    dropout3d,
    feature_alpha_dropout,
)
from ._functional.fractional import (
    fractional_max_pool2d,
    fractional_max_pool2d_with_indices,
    fractional_max_pool3d,
    fractional_max_pool3d_with_indices,
    lp_pool1d,
    lp_pool2d,
    lp_pool3d,
)
from ._functional.linear import bilinear, linear
from ._functional.loss import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cosine_embedding_loss,
    cross_entropy,
    gaussian_nll_loss,
    hinge_embedding_loss,
    huber_loss,
    kl_div,
    l1_loss,
    linear_cross_entropy,
    margin_ranking_loss,
    mse_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    nll_loss,
    poisson_nll_loss,
    smooth_l1_loss,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from ._functional.normalization import (
    batch_norm,
    group_norm,
    instance_norm,
    layer_norm,
    local_response_norm,
    normalize,
    rms_norm,
)
from ._functional.pooling import (
    adaptive_avg_pool1d,
    adaptive_avg_pool2d,
    adaptive_avg_pool3d,
    adaptive_max_pool1d,
    adaptive_max_pool1d_with_indices,
    adaptive_max_pool2d,
    adaptive_max_pool2d_with_indices,
    adaptive_max_pool3d,
    adaptive_max_pool3d_with_indices,
    avg_pool1d,
    avg_pool2d,
    avg_pool3d,
    max_pool1d,
    max_pool1d_with_indices,
    max_pool2d,
    max_pool2d_with_indices,
    max_pool3d,
    max_pool3d_with_indices,
    max_unpool1d,
    max_unpool2d,
    max_unpool3d,
)
from ._functional.sparse import embedding, embedding_bag, one_hot
from ._functional.vision import (
    GRID_SAMPLE_INTERPOLATION_MODES,
    GRID_SAMPLE_PADDING_MODES,
    affine_grid,
    channel_shuffle,
    grid_sample,
    interpolate,
    native_channel_shuffle,
    pad,
    pixel_shuffle,
    pixel_unshuffle,
    upsample,
    upsample_bilinear,
    upsample_nearest,
)

__all__ = [
    # convolution
    "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d", "conv_transpose3d",
    "unfold", "fold",
    # pooling
    "avg_pool1d", "avg_pool2d", "avg_pool3d", "max_pool1d", "max_pool2d", "max_pool3d",
    "max_pool1d_with_indices", "max_pool2d_with_indices", "max_unpool1d", "max_unpool2d",
    "max_unpool3d", "adaptive_max_pool1d", "adaptive_max_pool2d", "adaptive_max_pool3d",
    "adaptive_max_pool1d_with_indices", "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices", "adaptive_avg_pool1d", "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    # attention
    "scaled_dot_product_attention",
    "multi_head_attention_forward",
    # activations
    "threshold", "threshold_", "relu", "relu_", "hardtanh", "hardtanh_", "hardswish", "relu6",
    "elu", "elu_", "selu", "selu_", "celu", "celu_", "leaky_relu", "leaky_relu_", "prelu",
    "rrelu", "rrelu_", "glu", "gelu", "logsigmoid", "hardshrink", "tanhshrink", "softsign",
    "softplus", "softmin", "softmax", "softshrink", "log_softmax", "tanh", "sigmoid",
    "hardsigmoid", "silu", "mish",
    # normalisation
    "batch_norm", "group_norm", "instance_norm", "layer_norm", "local_response_norm",
    "rms_norm", "normalize",
    # linear
    "linear", "bilinear",
    # dropout
    "dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d", "dropout3d",
    # sparse
    "embedding", "embedding_bag", "one_hot",
    # distance
    "pairwise_distance", "cosine_similarity", "pdist",
    # losses
    "binary_cross_entropy", "binary_cross_entropy_with_logits", "poisson_nll_loss",
    "cosine_embedding_loss", "cross_entropy", "gaussian_nll_loss", "hinge_embedding_loss",
    "kl_div", "l1_loss", "mse_loss", "margin_ranking_loss", "multilabel_margin_loss",
    "multilabel_soft_margin_loss", "multi_margin_loss", "nll_loss", "huber_loss",
    "smooth_l1_loss", "soft_margin_loss", "triplet_margin_loss",
    "triplet_margin_with_distance_loss", "linear_cross_entropy",
    # vision
    "pixel_shuffle", "pixel_unshuffle", "channel_shuffle", "pad", "interpolate", "upsample",
    "upsample_nearest", "upsample_bilinear", "grid_sample", "affine_grid",
    # added: pooling, losses, activations and conv forms
    "fractional_max_pool2d", "fractional_max_pool2d_with_indices", "fractional_max_pool3d",
    "fractional_max_pool3d_with_indices", "lp_pool1d", "lp_pool2d", "lp_pool3d",
    "max_pool3d_with_indices", "ctc_loss", "gumbel_softmax", "conv_tbc", "native_channel_shuffle",
    "GRID_SAMPLE_INTERPOLATION_MODES", "GRID_SAMPLE_PADDING_MODES",
]

from .._ops._numpy_aliases import install_numpy_aliases as _install_torch_function  # noqa: E402

# PyTorch's functional forms are Python functions: __torch_function__ dispatch, no NumPy aliases
_install_torch_function(globals(), aliases=False, native=False)
