"""numtorch: PyTorch's API and behaviour on NumPy.

``import numtorch as torch`` runs PyTorch code: tensors, autograd, ``nn``, ``optim``,
``utils.data``. This module only assembles the public namespace.
"""

from __future__ import annotations

import math as _math

from . import _dtype
from ._device import device
from ._dtype import (
    bfloat16,
    complex64,
    complex128,
    dtype,
    float8_e4m3fn,
    float8_e4m3fnuz,
    float8_e5m2,
    float8_e5m2fnuz,
    float8_e8m0fnu,
    float16,
    float32,
    float64,
    get_default_dtype,
    int8,
    int16,
    int32,
    int64,
    promote_types,
    set_default_dtype,
    uint8,
    uint16,
    uint32,
    uint64,
)
from ._dtype import bool_ as bool  # noqa: A001
from ._layout import (
    channels_last,
    channels_last_3d,
    contiguous_format,
    layout,
    memory_format,
    preserve_format,
    sparse_coo,
    sparse_csr,
    strided,
)
from ._ops import _base as _ops_base
from ._ops.creation import *  # noqa: F403
from ._ops.function_forms import *  # noqa: F403
from ._ops.indexing import *  # noqa: F403
from ._ops.join import *  # noqa: F403
from ._ops.linalg import *  # noqa: F403
from ._ops.nn import *  # noqa: F403
from ._ops.pointwise import *  # noqa: F403
from ._ops.protocol import *  # noqa: F403
from ._ops.random import *  # noqa: F403
from ._ops.reduction import *  # noqa: F403
from ._ops.scan import *  # noqa: F403
from ._ops.shape import *  # noqa: F403
from ._ops.sorting import *  # noqa: F403
from ._ops.spectral import *  # noqa: F403
from ._tensor import Size, Tensor
from ._tensor_str import set_printoptions
from ._threads import (
    get_num_interop_threads,
    get_num_threads,
    set_num_interop_threads,
    set_num_threads,
)
from .autograd import enable_grad, inference_mode, no_grad, set_grad_enabled
from .autograd.anomaly_mode import is_anomaly_check_nan_enabled, is_anomaly_enabled
from .autograd.grad_mode import is_grad_enabled, is_inference_mode_enabled

_ops_base.install_methods(Tensor)
from ._ops._numpy_aliases import install_numpy_aliases as _install_numpy_aliases  # noqa: E402

_install_numpy_aliases(globals(), Tensor)

from .storage import _LEGACY as _LEGACY_STORAGES  # noqa: E402
from .storage import TypedStorage, UntypedStorage, is_storage  # noqa: E402

globals().update(_LEGACY_STORAGES)

from . import version  # noqa: E402
from ._aten_forms import *  # noqa: E402, F403
from ._autocast import (  # noqa: E402
    autocast_decrement_nesting,
    autocast_increment_nesting,
    clear_autocast_cache,
    get_autocast_cpu_dtype,
    get_autocast_dtype,
    get_autocast_gpu_dtype,
    is_autocast_cache_enabled,
    is_autocast_cpu_enabled,
    is_autocast_enabled,
    set_autocast_cache_enabled,
    set_autocast_cpu_dtype,
    set_autocast_cpu_enabled,
    set_autocast_dtype,
    set_autocast_enabled,
    set_autocast_gpu_dtype,
)
from ._determinism import (  # noqa: E402
    are_deterministic_algorithms_enabled,
    get_deterministic_debug_mode,
    get_float32_matmul_precision,
    is_deterministic_algorithms_warn_only_enabled,
    set_deterministic_debug_mode,
    set_float32_matmul_precision,
    use_deterministic_algorithms,
)
from ._device import get_default_device, set_default_device  # noqa: E402
from ._finfo import finfo, iinfo  # noqa: E402
from ._legacy import (  # noqa: E402
    BFloat16Tensor,
    BoolTensor,
    ByteTensor,
    CharTensor,
    DoubleTensor,
    FloatTensor,
    HalfTensor,
    IntTensor,
    LongTensor,
    ShortTensor,
)
from ._misc_api import *  # noqa: E402, F403
from .torch_version import TorchVersion as _TorchVersion  # noqa: E402

#: the PyTorch release numtorch follows (``2.13.0+numtorch.<numtorch's version>``)
__version__ = _TorchVersion(version.__version__)

half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001
cfloat, cdouble = complex64, complex128
chalf = None

e = 2.718281828459045
pi = 3.141592653589793
inf = _math.inf
nan = _math.nan
newaxis = None


def result_type(tensor1, tensor2) -> dtype:
    """PyTorch's result type of two operands (Tensors or Python scalars)."""
    return _dtype.result_type(tensor1, tensor2)


def can_cast(from_: dtype, to: dtype):
    order = [bool, uint8, int8, int16, int32, int64]
    if from_.is_complex and not to.is_complex:
        return False
    if from_.is_floating_point and not (to.is_floating_point or to.is_complex):
        return False
    if from_ in order and to is bool and from_ is not bool:
        return False
    return True


def is_floating_point(input: Tensor):
    return input.is_floating_point()


def is_complex(input: Tensor):
    return input.is_complex()


def is_nonzero(input: Tensor):
    if input.numel() != 1:
        raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
    return input.item() != 0


# public names whose modules are imported on first use (keeps ``import numtorch`` fast)
_LAZY_NAMES = {"save": ".serialization", "load": ".serialization", "compile": "._compile",
               "save_safetensors": ".serialization", "load_safetensors": ".serialization",
               "pdist": ".nn.functional", "channel_shuffle": ".nn.functional",
               "rrelu": ".nn.functional", "rrelu_": ".nn.functional",
               "rms_norm": ".nn.functional",
               "triplet_margin_loss": ".nn._functional.toplevel", "autocast": ".amp",
               "PyTorchFileReader": ".serialization",
               "vmap": ".func"}


def __getattr__(name: str):
    """Submodules (``numtorch.nn``, ``numtorch.optim``, ...) are imported on first use."""
    import importlib
    import importlib.util

    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(_LAZY_NAMES[name], __name__), name)
        globals()[name] = value
        return value

    if not name.startswith("__") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)
    from .compat import MissingAPIError

    raise MissingAPIError(f"module 'numtorch' has no attribute '{name}': numtorch does not "
                          f"implement torch.{name}")


# torch.ScriptModule/ScriptFunction (the compiled classes) are served by numtorch.jit's
_LAZY_NAMES.update(ScriptModule=".jit", ScriptFunction=".jit")
from ._sparse import sparse_coo_tensor  # noqa: E402
from ._sparse import sparse_mm as spmm  # noqa: E402
