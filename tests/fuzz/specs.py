"""The functions the differential fuzzer drives, and how it draws their arguments.

A :class:`Spec` names a function (``"add"``, ``"nn.functional.relu"``, ``"linalg.det"``), its
family, and a ``draw(data)`` giving ``(args, kwargs)``: NumPy arrays become tensors of the library
under test at call time, everything else (numbers, dims, lists, None, strings) is passed as is.
``call`` (optional) runs it as something other than ``lib.<name>(*args, **kwargs)``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from hypothesis import strategies as st

DTYPES = ("bool", "uint8", "int32", "int64", "float32", "float64", "complex64")
REAL = ("int64", "float32", "float64")
FLOATS = ("float32", "float64")
SHAPES = ((), (0,), (1,), (3,), (2, 3), (1, 3), (3, 1), (2, 0), (2, 1, 3))
#: wrong kinds of argument in place of a tensor
WRONG = (None, [1, 2], "a", (1,), object())


@dataclass
class Spec:
    name: str
    family: str
    draw: object
    call: object = None
    #: compare messages too (the pointwise family's argument checks follow torch's text)
    message: bool = False
    rtol: float | None = None
    atol: float | None = None
    tags: tuple = field(default_factory=tuple)

    def run(self, lib, args, kwargs):
        if self.call is not None:
            return self.call(lib, *args, **kwargs)
        fn = lib
        for part in self.name.split("."):
            fn = getattr(fn, part)
        return fn(*args, **kwargs)


class Arr:
    """A NumPy array to turn into a tensor of the library under test."""

    __slots__ = ("a",)

    def __init__(self, a):
        self.a = a

    def __repr__(self) -> str:
        return f"Arr({self.a.dtype}{list(self.a.shape)}: {self.a.tolist()!r})"


def array(data, dtypes=DTYPES, shapes=SHAPES, special: bool = True, low=-4, high=4,
          shape=None, dtype=None) -> Arr:
    """A random array: values from a drawn seed, with NaN/inf for floats when ``special``."""
    dt = dtype or data.draw(st.sampled_from(dtypes), label="dtype")
    shp = shape if shape is not None else data.draw(st.sampled_from(shapes), label="shape")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    if dt == "bool":
        a = rng.random(shp) < 0.5
    elif dt.startswith(("int", "uint")):
        lo = 0 if dt.startswith("uint") else low
        a = rng.integers(lo, high + 1, size=shp).astype(dt)
    else:
        a = rng.uniform(low, high, shp)
        if dt.startswith("complex"):
            a = a + 1j * rng.uniform(low, high, shp)
        if special and a.size and data.draw(st.booleans(), label="specials"):
            flat = a.reshape(-1)
            k = rng.integers(0, flat.size)
            flat[k] = data.draw(st.sampled_from((np.nan, np.inf, -np.inf, 0.0)), label="sv")
        a = np.asarray(a).astype(dt)
    return Arr(np.asarray(a))


def maybe_wrong(data, value, p_label="wrong"):
    """``value``, or now and then a wrong kind of argument in its place."""
    if data.draw(st.integers(0, 7), label=p_label) == 0:
        return data.draw(st.sampled_from(WRONG), label="wrong kind")
    return value


def scalar(data):
    return data.draw(st.sampled_from((0, 1, -2, 2.5, -0.5, True, 1e30, float("nan"))),
                     label="scalar")


def dim(data, ndim):
    return data.draw(st.integers(-ndim - 2, ndim + 1), label="dim")


# -- drawers -------------------------------------------------------------------------------------
def unary(dtypes=DTYPES, **kw):
    def draw(data):
        return [maybe_wrong(data, array(data, dtypes, **kw))], {}
    return draw


def binary(dtypes=DTYPES, scalars=True, **kw):
    def draw(data):
        a = array(data, dtypes, **kw)
        if scalars and data.draw(st.integers(0, 3), label="scalar?") == 0:
            b = scalar(data)
        else:
            b = array(data, dtypes, **kw)
        return [a, maybe_wrong(data, b)], {}
    return draw


def ternary(dtypes=FLOATS, third_scalar=False):
    def draw(data):
        a, b = array(data, dtypes), array(data, dtypes)
        c = scalar(data) if third_scalar else array(data, dtypes)
        return [a, b, maybe_wrong(data, c)], {}
    return draw


def reduction(dtypes=DTYPES, keepdim=True, dim_required=False):
    def draw(data):
        a = array(data, dtypes)
        kw = {}
        if dim_required or data.draw(st.booleans(), label="dim?"):
            kw["dim"] = maybe_wrong(data, dim(data, a.a.ndim))
            if keepdim:
                kw["keepdim"] = data.draw(st.booleans(), label="keepdim")
        return [a], kw
    return draw


def with_dim(dtypes=DTYPES, required=True):
    def draw(data):
        a = array(data, dtypes)
        return [a, maybe_wrong(data, dim(data, a.a.ndim))], {}
    return draw


def with_ints(n, lo=-3, hi=4, dtypes=DTYPES):
    def draw(data):
        a = array(data, dtypes)
        vals = [data.draw(st.integers(lo, hi), label="int") for _ in range(n)]
        return [a, *[maybe_wrong(data, v) for v in vals]], {}
    return draw


def with_shape(dtypes=DTYPES):
    def draw(data):
        a = array(data, dtypes)
        n = data.draw(st.integers(0, 3), label="rank")
        shape = [data.draw(st.integers(-2, 6), label="size") for _ in range(n)]
        return [a, maybe_wrong(data, tuple(shape))], {}
    return draw


def sizes(lo=-2, hi=4):
    def draw(data):
        n = data.draw(st.integers(0, 3), label="rank")
        shape = [data.draw(st.integers(lo, hi), label="size") for _ in range(n)]
        return [maybe_wrong(data, tuple(shape))], {}
    return draw


def index_arr(data, n, shape=None):
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="iseed"))
    shp = shape if shape is not None else data.draw(st.sampled_from(((), (0,), (2,), (3,))),
                                                    label="ishape")
    hi = max(n, 1)
    return Arr(rng.integers(-hi - 1, hi + 1, size=shp).astype("int64"))


def gather_like(data):
    a = array(data, REAL)
    d = dim(data, a.a.ndim)
    shape = tuple(a.a.shape) if a.a.ndim else ()
    n = a.a.shape[d] if a.a.ndim and -a.a.ndim <= d < a.a.ndim else 1
    return [a, d, maybe_wrong(data, index_arr(data, n, shape))], {}


def index_select(data):
    a = array(data, REAL)
    d = dim(data, a.a.ndim)
    n = a.a.shape[d] if a.a.ndim and -a.a.ndim <= d < a.a.ndim else 1
    return [a, d, maybe_wrong(data, index_arr(data, n))], {}


def take(data):
    a = array(data, REAL)
    return [a, maybe_wrong(data, index_arr(data, a.a.size))], {}


def getitem(data):
    a = array(data, REAL)
    n = a.a.shape[0] if a.a.ndim else 0
    kind = data.draw(st.sampled_from(("int", "slice", "tensor", "bool", "none", "wrong")),
                     label="index kind")
    if kind == "int":
        idx = data.draw(st.integers(-n - 2, n + 1), label="i")
    elif kind == "slice":
        idx = slice(data.draw(st.integers(-4, 4)), data.draw(st.integers(-4, 4)),
                    data.draw(st.sampled_from((None, 1, 2, -1))))
    elif kind == "tensor":
        idx = index_arr(data, n)
    elif kind == "bool":
        idx = Arr(np.asarray(a.a.real != 0) if a.a.ndim else np.asarray(True))
    elif kind == "none":
        idx = None
    else:
        idx = data.draw(st.sampled_from(("a", 1.5, object())), label="bad index")
    return [a, idx], {}


def matmul_like(ranks=((1, 1), (2, 2), (2, 1), (1, 2), (3, 3), (3, 2)), dtypes=FLOATS):
    def draw(data):
        ra, rb = data.draw(st.sampled_from(ranks), label="ranks")
        k = data.draw(st.integers(0, 3), label="k")
        k2 = k if data.draw(st.integers(0, 5), label="mismatch") else k + 1
        sa = {1: (k,), 2: (2, k), 3: (2, 2, k)}[ra]
        sb = {1: (k2,), 2: (k2, 3), 3: (2, k2, 3)}[rb]
        dt = data.draw(st.sampled_from(dtypes), label="dtype")
        return [array(data, shape=sa, dtype=dt), maybe_wrong(data, array(data, shape=sb,
                                                                             dtype=dt))], {}
    return draw


def square(dtypes=FLOATS, batch=True):
    def draw(data):
        n = data.draw(st.integers(0, 3), label="n")
        m = n if data.draw(st.integers(0, 5), label="nonsquare") else n + 1
        shape = ((2,) if batch and data.draw(st.booleans(), label="batch") else ()) + (n, m)
        return [maybe_wrong(data, array(data, dtypes, shape=shape, special=False))], {}
    return draw


def loss(dtypes=FLOATS, target="same", reduction=True, positive=False):
    def draw(data):
        shape = data.draw(st.sampled_from(((), (3,), (2, 3), (0,), (2, 0))), label="shape")
        dt = data.draw(st.sampled_from(dtypes), label="dtype")
        a = array(data, shape=shape, dtype=dt, special=False)
        if positive:
            a = Arr(np.asarray(1 / (1 + np.exp(-a.a)), dtype=dt))
        if target == "same":
            tshape = shape if data.draw(st.integers(0, 4), label="tmismatch") else (4,)
            t = array(data, shape=tshape, dtype=dt, special=False)
            if positive:
                t = Arr((t.a > 0).astype(dt))
        kw = {}
        if reduction and data.draw(st.booleans(), label="red?"):
            kw["reduction"] = data.draw(st.sampled_from(("mean", "sum", "none", "bad")),
                                        label="reduction")
        return [a, maybe_wrong(data, t)], kw
    return draw


def class_loss(data):
    n = data.draw(st.integers(0, 3), label="n")
    c = data.draw(st.integers(1, 4), label="c")
    rng = np.random.default_rng(data.draw(st.integers(0, 2**16), label="seed"))
    logits = Arr(rng.normal(size=(n, c)).astype("float32"))
    target = Arr(rng.integers(-1, c + 1, size=(n,)).astype("int64"))
    kw = {}
    if data.draw(st.booleans(), label="red?"):
        kw["reduction"] = data.draw(st.sampled_from(("mean", "sum", "none")), label="reduction")
    return [logits, maybe_wrong(data, target)], kw


def cat_like(data):
    k = data.draw(st.integers(0, 3), label="count")
    dt = data.draw(st.sampled_from(REAL), label="dtype")
    shape = data.draw(st.sampled_from(((2, 3), (3,), (), (0,))), label="shape")
    ts = [array(data, shape=shape if data.draw(st.integers(0, 4), label="same") else (1, 2),
                dtype=dt) for _ in range(k)]
    return [maybe_wrong(data, ts)], {"dim": data.draw(st.integers(-3, 2), label="dim")}


def arange(data):
    vals = [data.draw(st.sampled_from((0, 1, 3, -2, 2.5, 0.0, float("inf"))), label="v")
            for _ in range(data.draw(st.integers(1, 3), label="n"))]
    return [maybe_wrong(data, v) for v in vals], {}


def full(data):
    size = sizes()(data)[0][0]
    return [size, maybe_wrong(data, scalar(data))], {}


def clamp(data):
    a = array(data)
    lo = data.draw(st.sampled_from((None, -1, 0.5, "t")), label="lo")
    hi = data.draw(st.sampled_from((None, 1, 2.5, "t")), label="hi")
    lo = array(data, FLOATS) if lo == "t" else lo
    hi = array(data, FLOATS) if hi == "t" else hi
    # a None max is left out: numtorch cannot tell a given None from the default (torch lists
    # given arguments in its error text)
    return [a, maybe_wrong(data, lo)] + ([] if hi is None else [hi]), {}


def where(data):
    c = array(data, ("bool", "uint8", "float32"))
    a = array(data, REAL)
    b = scalar(data) if data.draw(st.booleans(), label="scalar?") else array(data, REAL)
    return [c, a, maybe_wrong(data, b)], {}


def addc(data):
    a, b, c = (array(data, FLOATS) for _ in range(3))
    kw = {}
    if data.draw(st.booleans(), label="value?"):
        kw["value"] = maybe_wrong(data, scalar(data))
    return [a, b, maybe_wrong(data, c)], kw


def alpha_binary(data):
    args, _ = binary()(data)
    kw = {}
    if data.draw(st.booleans(), label="alpha?"):
        kw["alpha"] = maybe_wrong(data, data.draw(st.sampled_from((2, 0.5, True)),
                                                  label="alpha"))
    return args, kw


def div_mode(data):
    args, _ = binary()(data)
    mode = data.draw(st.sampled_from((None, "trunc", "floor", "x")), label="mode")
    # an explicit rounding_mode=None reads as given in torch's error listing, as the default
    # in numtorch's (no sentinel default): left out
    return args, ({} if mode is None else {"rounding_mode": mode})


def pow_draw(data):
    if data.draw(st.integers(0, 4), label="scalar base?") == 0:
        return [scalar(data), maybe_wrong(data, array(data))], {}
    return binary()(data)


def softmax_like(data):
    a = array(data, FLOATS)
    return [a], {"dim": maybe_wrong(data, dim(data, a.a.ndim))}


def act(dtypes=FLOATS):
    return unary(dtypes)


def _norm_call(lib, a, *args, **kw):
    return lib.linalg.vector_norm(a, *args, **kw)


def _getitem_call(lib, a, idx):
    return a[idx]


def _method(name):
    def call(lib, a, *args, **kw):
        return getattr(a, name)(*args, **kw)
    return call


# -- the registry ------------------------------------------------------------------------------
UNARY = ("abs", "neg", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sqrt",
         "rsqrt", "sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "asinh",
         "acosh", "atanh", "sigmoid", "floor", "ceil", "round", "trunc", "frac", "sign", "sgn",
         "reciprocal", "erf", "erfc", "erfinv", "lgamma", "digamma", "relu", "square",
         "isnan", "isinf", "isfinite", "logical_not", "bitwise_not", "signbit", "angle",
         "positive", "conj_physical", "nan_to_num", "i0", "sinc", "deg2rad", "rad2deg")
BINARY = ("mul", "div", "eq", "ne", "lt", "le", "gt", "ge", "maximum", "minimum", "fmax",
          "fmin", "logical_and", "logical_or", "logical_xor", "bitwise_and", "bitwise_or",
          "bitwise_xor", "remainder", "fmod", "floor_divide", "atan2", "hypot", "copysign",
          "xlogy", "logaddexp", "heaviside", "float_power", "nextafter", "ldexp")
REDUCTIONS = ("sum", "mean", "prod", "amax", "amin", "argmax", "argmin", "all", "any",
              "logsumexp", "nansum", "std", "var", "count_nonzero", "cumsum", "cumprod")
ACTIVATIONS = ("relu", "relu6", "gelu", "silu", "mish", "elu", "selu", "celu", "leaky_relu",
               "softplus", "softsign", "tanhshrink", "hardtanh", "hardswish", "hardsigmoid",
               "logsigmoid", "hardshrink", "softshrink")
LOSSES = ("mse_loss", "l1_loss", "smooth_l1_loss", "huber_loss", "soft_margin_loss")


def _build() -> list:
    specs = []
    for n in UNARY:
        specs.append(Spec(n, "pointwise", unary(), message=True))
    for n in BINARY:
        specs.append(Spec(n, "pointwise", binary(), message=True))
    specs += [
        Spec("add", "pointwise", alpha_binary, message=True),
        Spec("sub", "pointwise", alpha_binary, message=True),
        Spec("div", "pointwise", div_mode, message=True, tags=("rounding",)),
        Spec("pow", "pointwise", pow_draw, message=True),
        Spec("clamp", "pointwise", clamp, message=True),
        Spec("where", "pointwise", where, message=True),
        Spec("lerp", "pointwise", ternary(third_scalar=True), message=True),
        Spec("addcmul", "pointwise", addc, message=True),
        Spec("addcdiv", "pointwise", addc, message=True),
    ]
    for n in REDUCTIONS:
        specs.append(Spec(n, "reduction", reduction(keepdim=n not in ("cumsum", "cumprod",
                                                                      "count_nonzero"),
                                                    dim_required=n in ("cumsum", "cumprod"))))
    specs += [
        Spec("reshape", "shape", with_shape()),
        Spec("permute", "shape", with_shape()),
        Spec("flatten", "shape", with_ints(2)),
        Spec("transpose", "shape", with_ints(2)),
        Spec("squeeze", "shape", with_dim()),
        Spec("unsqueeze", "shape", with_dim()),
        Spec("flip", "shape", with_shape()),
        Spec("movedim", "shape", with_ints(2)),
        Spec("narrow", "shape", with_ints(3)),
        Spec("select", "shape", with_ints(2)),
        Spec("expand", "shape", with_shape(), call=lambda lib, a, s: a.expand(s)),
        Spec("repeat", "shape", with_shape(), call=lambda lib, a, s: a.repeat(s)),
        Spec("tile", "shape", with_shape()),
        Spec("roll", "shape", with_ints(2)),
        Spec("split", "shape", with_ints(2, lo=-1)),
        Spec("chunk", "shape", with_ints(2, lo=-1)),
        Spec("tril", "shape", with_ints(1)),
        Spec("triu", "shape", with_ints(1)),
        Spec("diagonal", "shape", with_ints(3)),
        Spec("cat", "shape", cat_like),
        Spec("stack", "shape", cat_like),
        Spec("gather", "indexing", gather_like),
        Spec("index_select", "indexing", index_select),
        Spec("take", "indexing", take),
        Spec("getitem", "indexing", getitem, call=_getitem_call),
        Spec("nonzero", "indexing", unary()),
        Spec("masked_select", "indexing", binary(("bool",), scalars=False)),
        Spec("matmul", "linalg", matmul_like(), rtol=1e-4, atol=1e-5),
        Spec("mm", "linalg", matmul_like(((2, 2),)), rtol=1e-4, atol=1e-5),
        Spec("dot", "linalg", matmul_like(((1, 1),)), rtol=1e-4, atol=1e-5),
        Spec("outer", "linalg", matmul_like(((1, 1),)), rtol=1e-4, atol=1e-5),
        Spec("linalg.det", "linalg", square(), rtol=1e-4, atol=1e-5),
        Spec("linalg.inv", "linalg", square(), rtol=1e-3, atol=1e-4),
        Spec("trace", "linalg", square(batch=False)),
        Spec("linalg.vector_norm", "linalg", reduction(FLOATS), rtol=1e-5, atol=1e-6),
        Spec("zeros", "creation", sizes()),
        Spec("ones", "creation", sizes()),
        Spec("full", "creation", full),
        Spec("arange", "creation", arange),
    ]
    for n in ACTIVATIONS:
        specs.append(Spec(f"nn.functional.{n}", "nn", act(), rtol=1e-5, atol=1e-6))
    specs += [
        Spec("nn.functional.softmax", "nn", softmax_like, rtol=1e-5, atol=1e-6),
        Spec("nn.functional.log_softmax", "nn", softmax_like, rtol=1e-5, atol=1e-6),
        Spec("nn.functional.cross_entropy", "nn", class_loss, rtol=1e-5, atol=1e-6),
        Spec("nn.functional.nll_loss", "nn", class_loss, rtol=1e-5, atol=1e-6),
        Spec("nn.functional.binary_cross_entropy", "nn", loss(positive=True), rtol=1e-5,
             atol=1e-6),
        Spec("nn.functional.binary_cross_entropy_with_logits", "nn", loss(), rtol=1e-5,
             atol=1e-6),
    ]
    for n in LOSSES:
        specs.append(Spec(f"nn.functional.{n}", "nn", loss(), rtol=1e-5, atol=1e-6))
    return specs


SPECS = _build()
