"""Random sampling ops: ``rand``/``randn``/``randint``/``randperm``/``normal``/``bernoulli``/
``multinomial`` and the in-place fills ``uniform_``, ``normal_``, ``random_``, ...

Values come from :mod:`numtorch._random` and are bit-identical to PyTorch's CPU generator.
In-place fills write in storage order (increasing memory address), also through
non-contiguous views, as torch does; their graph nodes pass zero gradients.
"""

from __future__ import annotations

import math
import operator

from .. import _dtype as D
from .._backend import host, ndarray, xp_for, xp_of
from .._device import as_device
from .._random.generator import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from .._tensor import Tensor
from ._base import Op, recording, tensor_method, write_out
from .creation import _coerce_dtype, _create, _size
from .pointwise import _inplace, torch_type_name

__all__ = [
    "rand", "randn", "randint", "randperm", "rand_like", "randn_like", "randint_like",
    "normal", "bernoulli", "multinomial", "Generator", "default_generator", "manual_seed",
    "seed", "initial_seed", "get_rng_state", "set_rng_state",
]


# -- helpers ------------------------------------------------------------------------------------
def _gen(generator) -> Generator:
    if generator is None:
        return default_generator
    if not isinstance(generator, Generator):
        raise TypeError(f"expected a torch.Generator, but got {type(generator).__name__}")
    return generator


def _np(dtype, default=None):
    if dtype is None:
        return (default or D.get_default_dtype()).np
    if not isinstance(dtype, D.dtype):
        dtype = _coerce_dtype(dtype)
    return D.to_numpy_dtype(dtype)


def _not_implemented(kernel: str, npdt) -> NotImplementedError:
    return NotImplementedError(f'"{kernel}" not implemented for \'{torch_type_name(npdt)}\'')


def _storage_axes(arr) -> list[int]:
    """Axes ordered so that row-major iteration visits elements by increasing address."""
    for n, st in zip(arr.shape, arr.strides):
        if n > 1 and st == 0:
            raise RuntimeError(
                "unsupported operation: more than one element of the written-to tensor refers "
                "to a single memory location. Please clone() the tensor before performing the "
                "operation.")
    return sorted(range(arr.ndim), key=lambda k: -abs(arr.strides[k]))


def _arrange(like, values):
    """An array shaped like ``like`` whose elements, read in ``like``'s storage order, are
    ``values``."""
    if like.flags.c_contiguous or like.ndim < 2:
        return values.reshape(like.shape)
    axes = _storage_axes(like)
    out = xp_of(values).empty(like.shape, values.dtype)
    out.transpose(axes)[...] = values.reshape([like.shape[k] for k in axes])
    return out


def _sampled(sample, n, npdt, shape):
    return sample(n, npdt).reshape(shape)


def _new(shape, sample, n, npdt, requires_grad: bool, out) -> Tensor:
    """A new tensor of ``shape`` holding ``sample(n, npdt)`` (drawn by the ``Create`` op)."""
    t = _create(_sampled, (sample, n, npdt, shape))
    if requires_grad:
        t.requires_grad_(True)
    return write_out(out, t)


def _out_dtype(dtype, out, default=None):
    if dtype is None and out is not None:
        return out._data.dtype
    return _np(dtype, default)


def _check_device(device) -> None:
    xp_for(as_device(device))


def _float_kernel(npdt, kernel: str) -> None:
    if npdt.kind not in "fV":
        raise _not_implemented(kernel, npdt)


# -- graph nodes of the in-place fills: values do not depend on the input ---------------------
class _Fill(Op):
    grad_fn_name = "FillBackward0"
    params = ("values",)

    def forward(self, *arrays):
        return self.values

    def backward(self, g):
        return tuple(g * 0 for _ in self.next_functions) if len(self.next_functions) > 1 \
            else g * 0


def _fill_node(name: str) -> type:
    return type(name.replace("Backward", "Fill"), (_Fill,), {"grad_fn_name": name})


_UNIFORM = _fill_node("UniformBackward0")
_NORMAL = _fill_node("NormalBackward0")
_RANDOM_FROM_TO = _fill_node("RandomBackward0")
_RANDOM_TO = _fill_node("RandomBackward1")
_RANDOM = _fill_node("RandomBackward2")
_BERNOULLI_TENSOR = _fill_node("BernoulliBackward1")
_BERNOULLI_FLOAT = _fill_node("BernoulliBackward2")
_BERNOULLI = _fill_node("BernoulliBackward0")
_EXPONENTIAL = _fill_node("ExponentialBackward0")
_GEOMETRIC = _fill_node("GeometricBackward0")
_CAUCHY = _fill_node("CauchyBackward0")
_LOG_NORMAL = _fill_node("LogNormalBackward0")
_NORMAL_T_F = _fill_node("NormalBackward1")
_NORMAL_F_T = _fill_node("NormalBackward2")
_NORMAL_T_T = _fill_node("NormalBackward3")


def _storage_view(arr):
    """A writable 1-D view of ``arr``'s elements in storage order (None if it has gaps)."""
    if type(arr) is not ndarray or not arr.flags.writeable:
        return None
    if arr.flags.c_contiguous:
        return arr.reshape(-1)
    t = arr.transpose(_storage_axes(arr))
    return t.reshape(-1) if t.flags.c_contiguous else None


def _fill_inplace(self: Tensor, node: type, sample, direct=None) -> Tensor:
    """Write ``sample(n, np_dtype, contiguous)`` (storage order) into ``self``.

    When autograd does not record the fill, the values go straight into ``self``'s storage:
    ``direct(n, np_dtype, contiguous, out)`` fills a 1-D storage-order view in place (no
    temporary of the tensor's size), otherwise ``sample``'s result is copied in.
    """
    self._check_inplace()
    arr = self._data
    if not recording(self):
        dest = _storage_view(arr)
        if dest is not None:
            contiguous = bool(arr.flags.c_contiguous)
            if direct is not None:
                direct(arr.size, arr.dtype, contiguous, dest)
            else:
                dest[...] = sample(arr.size, arr.dtype, contiguous)
            self._version_box[0] += 1
            return self

    def fn(old):
        vals = sample(arr.size, arr.dtype, bool(arr.flags.c_contiguous))
        return node.apply(old, values=_arrange(arr, vals).astype(arr.dtype, copy=False))

    return _inplace(self, fn)


# -- in-place Tensor methods --------------------------------------------------------------------
@tensor_method("uniform_")
def uniform_(self: Tensor, from_: float = 0, to: float = 1, *, generator=None, **kw) -> Tensor:
    """``Tensor.uniform_(from, to)``: fused ``u * (to - from) + from`` in the tensor's dtype."""
    from_ = kw.pop("from", from_)
    g = _gen(generator)
    _float_kernel(self._data.dtype, "check_uniform_bounds")
    if from_ > to:
        raise RuntimeError(f"uniform_ expects to return a [from, to) range, but found "
                           f"from={_num(from_)} > to={_num(to)}")
    return _fill_inplace(self, _UNIFORM, lambda n, dt, c: g._uniform(n, dt, from_, to),
                         lambda n, dt, c, out: g._uniform(n, dt, from_, to, out=out))


def _num(v) -> str:
    """A bound as torch prints it in messages (integral values without a decimal point)."""
    v = float(v)
    return str(int(v)) if v.is_integer() else repr(v)


@tensor_method("normal_")
def normal_(self: Tensor, mean: float = 0, std: float = 1, *, generator=None) -> Tensor:
    """``Tensor.normal_(mean, std)``: block Box-Muller for contiguous n >= 16, else per element."""
    g = _gen(generator)
    _float_kernel(self._data.dtype, "normal_kernel_cpu")
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(std)}")
    return _fill_inplace(self, _NORMAL, lambda n, dt, c: g._normal(n, dt, mean, std, c),
                         lambda n, dt, c, out: g._normal(n, dt, mean, std, c, out=out))


@tensor_method("random_")
def random_(self: Tensor, *args, generator=None, **kw) -> Tensor:
    """``Tensor.random_()``, ``random_(to)`` and ``random_(from, to)`` (``to=None``: up to the
    dtype's largest value)."""
    g = _gen(generator)
    if "from" in kw or len(args) == 2:
        low, high = (args + (None, None))[:2] if len(args) == 2 else (kw["from"], kw.get("to"))
        node = _RANDOM_FROM_TO
    elif args or "to" in kw:
        low, high, node = 0, (args[0] if args else kw["to"]), _RANDOM_TO
    else:
        return _fill_inplace(self, _RANDOM, lambda n, dt, c: g._random(n, dt))
    low = operator.index(low)
    high = None if high is None else operator.index(high)
    _check_random_bounds(self._data.dtype, low, high)
    return _fill_inplace(self, node, lambda n, dt, c: g._random_bounded(n, low, high, dt))


def _check_random_bounds(npdt, low, high) -> None:
    if high is not None and low >= high:
        raise RuntimeError(f"random_ expects 'from' to be less than 'to', but got from={low} >= "
                           f"to={high}")
    if npdt.kind in "iub":
        lim = host.iinfo(npdt) if npdt.kind != "b" else None
        info = (0, 1) if lim is None else (int(lim.min), int(lim.max))
        name = D.from_numpy_dtype(npdt).cpp_name
        if not info[0] <= low <= info[1]:
            raise RuntimeError(f"from is out of bounds for {name}")
        if high is not None and not info[0] <= high - 1 <= info[1]:
            raise RuntimeError(f"to - 1 is out of bounds for {name}")


@tensor_method("exponential_")
def exponential_(self: Tensor, lambd: float = 1, *, generator=None) -> Tensor:
    """``Tensor.exponential_(lambd)``: ``-log1p(-u) / lambd`` computed in double."""
    g = _gen(generator)
    npdt = self._data.dtype
    if npdt.kind not in "fV":
        raise RuntimeError("Exponential distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{torch_type_name(npdt)}")
    if not lambd > 0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={_num(lambd)}")
    return _fill_inplace(self, _EXPONENTIAL, lambda n, dt, c: g._exponential(n, dt, lambd))


@tensor_method("geometric_")
def geometric_(self: Tensor, p: float, *, generator=None) -> Tensor:
    """``Tensor.geometric_(p)``: number of Bernoulli(p) trials up to the first success."""
    g = _gen(generator)
    if not 0 < p < 1:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={_num(p)}")
    return _fill_inplace(self, _GEOMETRIC, lambda n, dt, c: g._geometric(n, dt, p))


@tensor_method("cauchy_")
def cauchy_(self: Tensor, median: float = 0, sigma: float = 1, *, generator=None) -> Tensor:
    """``Tensor.cauchy_(median, sigma)``."""
    g = _gen(generator)
    npdt = self._data.dtype
    if npdt.kind not in "fV":
        raise RuntimeError("Cauchy distribution is a continuous probability distribution. "
                           f"dtype must be a floating point but you specified "
                           f"{D.from_numpy_dtype(npdt).cpp_name}")
    if not sigma > 0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={_num(sigma)}")
    return _fill_inplace(self, _CAUCHY, lambda n, dt, c: g._cauchy(n, dt, median, sigma))


@tensor_method("log_normal_")
def log_normal_(self: Tensor, mean: float = 1, std: float = 2, *, generator=None) -> Tensor:
    """``Tensor.log_normal_(mean, std)``: ``exp`` of a per-element (algorithm A) normal."""
    g = _gen(generator)
    _float_kernel(self._data.dtype, "log_normal_cpu")
    if not std > 0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={_num(std)}")
    return _fill_inplace(self, _LOG_NORMAL, lambda n, dt, c: g._log_normal(n, dt, mean, std))


_P_RANGE = ("Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
            "message be improved?  If so, please report an enhancement request to PyTorch.)")


@tensor_method("bernoulli_")
def bernoulli_(self: Tensor, p=0.5, *, generator=None) -> Tensor:
    """``Tensor.bernoulli_(p)``: a float p compares u53; a tensor p compares per element."""
    g = _gen(generator)
    if isinstance(p, Tensor):
        pa = p._data
        if pa.dtype.kind not in "fV":
            raise _not_implemented("bernoulli_tensor_cpu_p_", pa.dtype)
        if pa.size and not ((pa >= 0).all() and (pa <= 1).all()):
            raise RuntimeError(_P_RANGE)
        # torch's expand error text differs slightly
        pb = xp_of(pa).broadcast_to(pa, self._data.shape)

        def sample(n, dt, c):
            return g._bernoulli_tensor(_in_storage_order(self._data, pb))

        return _fill_inplace(self, _BERNOULLI_TENSOR, sample)
    p = float(p)
    if not 0 <= p <= 1:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={_num(p)}")
    return _fill_inplace(self, _BERNOULLI_FLOAT, lambda n, dt, c: g._bernoulli_scalar(n, p, dt))


def _in_storage_order(like, values):
    """``values`` (shaped like ``like``) read in ``like``'s storage order, as a 1-D array."""
    xp = xp_of(values)
    if like.flags.c_contiguous or like.ndim < 2:
        return xp.ascontiguousarray(values).reshape(-1)
    return xp.ascontiguousarray(values.transpose(_storage_axes(like))).reshape(-1)


@tensor_method("bernoulli")
def bernoulli(input: Tensor, p=None, *, generator=None, out=None) -> Tensor:
    """``torch.bernoulli(input)`` (input holds the probabilities) or ``bernoulli(input, p)``."""
    g = _gen(generator)
    if p is not None:
        res = _create(xp_of(input._data).empty, (input._data.shape, input._data.dtype))
        return write_out(out, bernoulli_(res, p, generator=g))
    pa = input._data
    if pa.dtype.kind not in "fV":
        raise _not_implemented("bernoulli_tensor_cpu_self_", pa.dtype)
    if pa.size and not ((pa >= 0).all() and (pa <= 1).all()):
        raise RuntimeError(_P_RANGE)
    # the result is a fresh contiguous tensor, filled in row-major order
    vals = g._bernoulli_tensor(xp_of(pa).ascontiguousarray(pa).reshape(-1)).reshape(pa.shape)
    return write_out(out, _BERNOULLI.apply(input, values=vals))


# -- factories ----------------------------------------------------------------------------------
def _factory(size, dtype, out, device, requires_grad, sample, kernel, kw=None) -> Tensor:
    if kw:
        if set(kw) != {"size"} or size:
            raise TypeError(f"got an unexpected keyword argument {next(iter(kw))!r}")
        size = (kw["size"],)
    shape = _size(size)
    _check_device(device)
    npdt = _out_dtype(dtype, out)
    _float_kernel(npdt, kernel)
    n = math.prod(shape)
    return _new(shape, sample, n, npdt, requires_grad, out)


def rand(*size, generator=None, out=None, dtype=None, layout=None, device=None,
         requires_grad: bool = False, pin_memory: bool = False, **kw) -> Tensor:
    """``torch.rand``: uniform [0, 1) values (u24 for float32, u53 for float64)."""
    g = _gen(generator)
    return _factory(size, dtype, out, device, requires_grad,
                    lambda n, dt: g._uniform(n, dt), "check_uniform_bounds", kw)


def randn(*size, generator=None, out=None, dtype=None, layout=None, device=None,
          requires_grad: bool = False, pin_memory: bool = False, **kw) -> Tensor:
    """``torch.randn``: standard normals, with torch's two algorithms and its cache."""
    g = _gen(generator)
    return _factory(size, dtype, out, device, requires_grad,
                    lambda n, dt: g._normal(n, dt), "normal_kernel_cpu", kw)


def _randint_args(args, kw):
    args = list(args)
    size = kw.pop("size", None)
    if size is None and args and not isinstance(args[-1], (int, host.integer, Tensor)):
        size = args.pop()
    if "high" in kw:
        high = kw.pop("high")
        low = kw.pop("low", args[0] if args else 0)
    elif len(args) == 2:
        low, high = args
    elif len(args) == 1:
        low, high = kw.pop("low", 0), args[0]
    else:
        raise TypeError("randint() missing required argument 'high'")
    if size is None:
        raise TypeError("randint() missing required argument 'size'")
    return operator.index(low), operator.index(high), size


def randint(*args, generator=None, out=None, dtype=None, layout=None, device=None,
            requires_grad: bool = False, pin_memory: bool = False, **kw) -> Tensor:
    """``torch.randint([low=0,] high, size)``: ``draw % (high - low) + low`` (int64 default)."""
    low, high, size = _randint_args(args, kw)
    g = _gen(generator)
    shape = _size((size,) if not isinstance(size, int) else (size,))
    _check_device(device)
    npdt = _out_dtype(dtype, out, D.int64)
    if requires_grad and npdt.kind not in "fcV":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    _check_random_bounds(npdt, low, high)
    return _new(shape, lambda n, dt: g._randint(n, low, high, dt), math.prod(shape), npdt,
                requires_grad, out)


def randperm(n: int, *, generator=None, out=None, dtype=None, layout=None, device=None,
             requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """``torch.randperm(n)``: torch's CPU shuffle (32-bit draws below n = 214748364)."""
    g = _gen(generator)
    n = operator.index(n)
    shape = _size((n,))
    _check_device(device)
    npdt = _out_dtype(dtype, out, D.int64)
    if npdt.kind == "b":
        raise _not_implemented("randperm", npdt)
    if npdt == D.float16.np and n > 2049:
        raise RuntimeError("n cannot be greater than 2049 for Half type.")
    if npdt.kind in "iu" and n > 0 and n - 1 > host.iinfo(npdt).max:
        raise RuntimeError(f"value cannot be converted to type {npdt.name}_t without overflow")
    if requires_grad and npdt.kind not in "fcV":
        raise RuntimeError("Only Tensors of floating point and complex dtype can require "
                           "gradients")
    return _new(shape, g._randperm, n, npdt, requires_grad, out)


def _like(input: Tensor, dtype, device) -> Tensor:
    _check_device(device)
    npdt = input._data.dtype if dtype is None else _np(dtype)
    return _create(xp_of(input._data).empty_like, (input._data, npdt))


def _finish_like(t: Tensor, requires_grad: bool) -> Tensor:
    if requires_grad:
        t.requires_grad_(True)
    return t


def rand_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None,
              requires_grad: bool = False, memory_format=None) -> Tensor:
    """``torch.rand_like``: ``rand`` into a tensor laid out like ``input``."""
    t = _like(input, dtype, device)
    return _finish_like(uniform_(t, generator=generator), requires_grad)


def randn_like(input: Tensor, *, generator=None, dtype=None, layout=None, device=None,
               requires_grad: bool = False, memory_format=None) -> Tensor:
    """``torch.randn_like``: ``normal_`` into a tensor laid out like ``input``."""
    t = _like(input, dtype, device)
    return _finish_like(normal_(t, generator=generator), requires_grad)


def randint_like(input: Tensor, *args, generator=None, dtype=None, layout=None, device=None,
                 requires_grad: bool = False, memory_format=None, **kw) -> Tensor:
    """``torch.randint_like(input, [low=0,] high)``."""
    if "high" in kw:
        low, high = kw.get("low", args[0] if args else 0), kw["high"]
    elif len(args) == 2:
        low, high = args
    else:
        low, high = kw.get("low", 0), args[0]
    t = _like(input, dtype, device)
    return _finish_like(random_(t, low, high, generator=generator), requires_grad)


def normal(mean, std=None, size=None, *, generator=None, out=None, dtype=None, layout=None,
           device=None, requires_grad: bool = False, pin_memory: bool = False) -> Tensor:
    """``torch.normal``: float mean/std with a size, or tensor mean and/or std (broadcast).

    The tensor forms draw standard normals into the output, then multiply by std and add
    mean in the output dtype, as torch does.
    """
    g = _gen(generator)
    mt, st = isinstance(mean, Tensor), isinstance(std, Tensor)
    if not mt and not st:
        if size is None or std is None:
            raise TypeError("normal() received an invalid combination of arguments - got "
                            f"({type(mean).__name__}, {type(std).__name__})")
        if std < 0:
            raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(std)}")
        return _factory((size,), dtype, out, device, requires_grad,
                        lambda n, dt: g._normal(n, dt, mean, std), "normal_kernel_cpu")
    if std is None:
        std = 1.0
    if st and std._data.size and (std._data < 0).any():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not st and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {_num(std)}")
    if mt and st:
        shape = host.broadcast_shapes(mean._data.shape, std._data.shape)
        npdt, node, inputs = mean._data.dtype, _NORMAL_T_T, (mean, std)
    elif mt:
        shape, npdt, node, inputs = mean._data.shape, mean._data.dtype, _NORMAL_T_F, (mean,)
    else:
        shape, npdt, node, inputs = std._data.shape, std._data.dtype, _NORMAL_F_T, (std,)
    _float_kernel(npdt, "normal_kernel_cpu")
    n = math.prod(shape)
    if mt and not st:
        z = g._normal(n, npdt, 0.0, std).reshape(shape)
        vals = (z + mean._data).astype(npdt, copy=False)
    else:
        z = g._normal(n, npdt).reshape(shape)
        vals = z * std._data.astype(npdt, copy=False)
        vals = (vals + (mean._data.astype(npdt, copy=False) if mt else npdt.type(mean)))
        vals = vals.astype(npdt, copy=False)
    return write_out(out, node.apply(*inputs, values=vals))


@tensor_method("multinomial")
def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *, generator=None,
                out=None) -> Tensor:
    """``torch.multinomial``: category indices drawn by weight, per row (int64)."""
    g = _gen(generator)
    pa = input._data
    if pa.dtype.kind not in "fV":
        raise RuntimeError("multinomial only supports floating-point dtypes for input, got: "
                           f"{torch_type_name(pa.dtype)}")
    if pa.ndim not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    k = operator.index(num_samples)
    if k <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    if not replacement and k > pa.shape[-1]:
        raise RuntimeError("cannot sample n_sample > prob_dist.size(-1) samples without "
                           "replacement")
    xp = xp_of(pa)
    rows = xp.ascontiguousarray(pa).reshape(-1, pa.shape[-1])
    if rows.size:
        if not xp.isfinite(rows).all() or (rows < 0).any():
            raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
        if (rows.sum(axis=1) <= 0).any():
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    shape = pa.shape[:-1] + (k,)
    return write_out(out, _create(_multinomial, (xp, g, rows, k, bool(replacement), shape)))


def _multinomial(xp, g, rows, k, replacement, shape):
    res = g._multinomial(rows, k, replacement) if rows.size else \
        xp.empty((rows.shape[0], k), D.int64.np)
    return res.reshape(shape)
