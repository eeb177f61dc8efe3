"""Elementwise ops against torch: values, dtypes, promotion, broadcasting, grads, in-place forms."""

# the loop lambdas below are called at once, inside their iteration
# ruff: noqa: B023

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import numtorch
from tests.oracle import LAYOUTS, check, check_raises

FLOATS = ["float32", "float64"]
ALL_LAYOUTS = LAYOUTS + ("expanded",)

BINARY = ["add", "sub", "mul", "div", "maximum", "minimum", "atan2", "pow", "fmax", "fmin"]


@pytest.mark.parametrize("op", BINARY)
def test_binary_broadcast_layouts(op):
    low = 0.5 if op == "pow" else -2.0
    check(lambda lib, a, b: getattr(lib, op)(a, b), [(3, 4), (4,)], dtypes=FLOATS,
          layouts=ALL_LAYOUTS, low=low)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div"])
def test_binary_second_order(op):
    check(lambda lib, a, b: getattr(lib, op)(a, b), [(2, 3), (2, 1)], dtypes=["float64"],
          second_order=True, low=0.5)


@pytest.mark.parametrize("shapes", [[(), ()], [(), (3,)], [(0,), (1,)], [(2, 0), (0,)],
                                    [(4, 1), (1, 5)], [(2, 1, 3), (4, 1)]])
@pytest.mark.parametrize("op", ["add", "mul", "div", "sub"])
def test_binary_shapes(op, shapes):
    check(lambda lib, a, b: getattr(lib, op)(a, b), shapes)


@pytest.mark.parametrize("expr", [
    lambda lib, a: a + 2, lambda lib, a: 2 + a, lambda lib, a: a - 2, lambda lib, a: 2 - a,
    lambda lib, a: a * 3, lambda lib, a: 3 * a, lambda lib, a: a / 4, lambda lib, a: 4 / a,
    lambda lib, a: a ** 2, lambda lib, a: a ** 3.5, lambda lib, a: 2 ** a,
    lambda lib, a: a ** 0, lambda lib, a: a ** 1, lambda lib, a: a ** -1.5,
    lambda lib, a: 0.5 ** a, lambda lib, a: a % 0.7, lambda lib, a: -a,
    lambda lib, a: a.add(1, alpha=2), lambda lib, a: a.sub(a * 2, alpha=0.5),
    lambda lib, a: lib.rsub(a, 2), lambda lib, a: lib.rsub(a, a * 3, alpha=2),
    lambda lib, a: lib.add(a, a, alpha=3),
])
def test_scalar_and_reflected(expr):
    check(expr, [(3, 4)], dtypes=FLOATS, low=0.5, high=2.0, layouts=("contiguous", "strided"))


@pytest.mark.parametrize("expr", [
    lambda lib, a: a + 2, lambda lib, a: 2 - a, lambda lib, a: a * 3, lambda lib, a: a / 2,
    lambda lib, a: 7 / a, lambda lib, a: a + 1.5, lambda lib, a: a * 1.5, lambda lib, a: a // 2,
    lambda lib, a: a % 3, lambda lib, a: -a, lambda lib, a: a ** 2, lambda lib, a: 2 ** a.abs(),
    lambda lib, a: a + True, lambda lib, a: a.div(2, rounding_mode="trunc"),
    lambda lib, a: a.div(-2, rounding_mode="floor"), lambda lib, a: lib.fmod(a, 3),
    lambda lib, a: lib.remainder(a, -3), lambda lib, a: a.abs(), lambda lib, a: a.sign(),
    lambda lib, a: a.exp(), lambda lib, a: a.sqrt(), lambda lib, a: a.sin(),
    lambda lib, a: a.sigmoid(), lambda lib, a: a.float().floor(), lambda lib, a: a.floor(),
    lambda lib, a: a.ceil(), lambda lib, a: a.round(), lambda lib, a: a.trunc(),
    lambda lib, a: a.relu(), lambda lib, a: a.clamp(-1, 2), lambda lib, a: a.clamp(min=0.5),
    lambda lib, a: a.square(), lambda lib, a: a.reciprocal(), lambda lib, a: a + 2 ** 40,
])
@pytest.mark.parametrize("dtype", ["int64", "int32", "uint8", "int16"])
def test_int_inputs(expr, dtype):
    check(expr, [(3, 4)], dtypes=[dtype])


@pytest.mark.parametrize("dts", [("int32", "float32"), ("int64", "float64"), ("int32", "int64"),
                                 ("uint8", "int8"), ("bool", "int32"), ("float32", "float64"),
                                 ("bool", "float32"), ("uint8", "bool"), ("int16", "uint8")])
@pytest.mark.parametrize("op", ["add", "mul", "div", "sub", "maximum", "eq", "lt"])
def test_promotion_tensor_tensor(op, dts):
    if op == "sub" and dts[0] == "bool" and dts[1] == "bool":
        return
    check(lambda lib, a, b: getattr(lib, op)(a, b), [(2, 3), (2, 3)], dtypes=[dts])


@pytest.mark.parametrize("scalar", [2, 2.5, True, -3])
@pytest.mark.parametrize("dtype", ["int32", "int64", "uint8", "float32", "float64", "bool",
                                   "int8"])
def test_weak_scalar_promotion(dtype, scalar):
    for op in ("add", "mul"):
        check(lambda lib, a: getattr(lib, op)(a, scalar), [(2, 3)], dtypes=[dtype])
    check(lambda lib, a: a / scalar, [(2, 3)], dtypes=[dtype])
    check(lambda lib, a: a == scalar, [(2, 3)], dtypes=[dtype])


def test_zero_dim_promotion():
    # 0-d tensors take part in promotion only by category
    check(lambda lib, a, b: a + b.to(lib.float64), [(2, 3), ()], dtypes=["float32"])
    check(lambda lib, a, b: a.to(lib.int32) + b, [(2, 3), ()], dtypes=["float64"],
          grad_inputs=())
    check(lambda lib, a, b: a.to(lib.int32) + b.to(lib.int64), [(2, 3), ()], dtypes=["float64"],
          grad_inputs=())
    check(lambda lib, a, b: a.to(lib.uint8) * b.to(lib.int8), [(2, 3), ()], dtypes=["float64"],
          grad_inputs=())


def test_int_true_division_gives_default_float():
    check(lambda lib, a, b: a / b, [(3,), (3,)], arrays=[np.array([1, 2, 7]),
                                                          np.array([2, 4, 3])])
    check(lambda lib, a: a / 2, None, arrays=[np.array([1, 2, 7], dtype=np.int32)])
    check(lambda lib, a: a + 1.5, None, arrays=[np.array([1, 2, 7], dtype=np.int32)])
    old = numtorch.get_default_dtype()
    try:
        numtorch.set_default_dtype(numtorch.float64)
        torch.set_default_dtype(torch.float64)
        check(lambda lib, a: a / 2, None, arrays=[np.array([1, 2, 7], dtype=np.int32)])
        check(lambda lib, a: a + 1.5, None, arrays=[np.array([1, 2, 7], dtype=np.int32)])
        check(lambda lib: lib.tensor([1.0, 2.0]), [])
    finally:
        numtorch.set_default_dtype(old)
        torch.set_default_dtype(torch.float32)


def test_default_dtype_api():
    assert numtorch.get_default_dtype() is numtorch.float32
    assert str(numtorch.get_default_dtype()) == str(torch.get_default_dtype())
    check_raises(lambda lib: lib.set_default_dtype(lib.int32), [], match_message=True)


def test_integer_division_by_zero():
    check_raises(lambda lib, a, b: a // b, None,
                 arrays=[np.array([1, 2]), np.array([1, 0])])
    check_raises(lambda lib, a, b: a % b, None,
                 arrays=[np.array([1, 2]), np.array([1, 0])])
    check(lambda lib, a, b: a / b, None, arrays=[np.array([1, 2, 0]), np.array([0, 0, 0])])
    check(lambda lib, a, b: a / b, None, arrays=[np.array([1.0, -2, 0]),
                                                  np.array([0.0, 0, 0])], grad=False)


UNARY = {
    "exp": (-2, 2), "exp2": (-2, 2), "log": (0.2, 3), "log2": (0.2, 3), "log10": (0.2, 3),
    "log1p": (-0.5, 2), "expm1": (-2, 2), "sqrt": (0.2, 3), "rsqrt": (0.2, 3),
    "square": (-2, 2), "abs": (-2, 2), "sign": (-2, 2), "sgn": (-2, 2), "sin": (-3, 3),
    "cos": (-3, 3), "tan": (-1.2, 1.2), "asin": (-0.9, 0.9), "acos": (-0.9, 0.9),
    "atan": (-3, 3), "sinh": (-2, 2), "cosh": (-2, 2), "tanh": (-3, 3), "asinh": (-3, 3),
    "acosh": (1.2, 3), "atanh": (-0.9, 0.9), "sigmoid": (-4, 4), "relu": (-2, 2),
    "reciprocal": (0.3, 2), "floor": (-3, 3), "ceil": (-3, 3), "round": (-3, 3),
    "trunc": (-3, 3), "frac": (-3, 3), "erf": (-2, 2), "erfc": (-2, 2), "neg": (-2, 2),
    "fix": (-3, 3), "absolute": (-2, 2), "negative": (-2, 2), "arcsin": (-0.9, 0.9),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary(name):
    lo, hi = UNARY[name]
    check(lambda lib, a: getattr(lib, name)(a), [(3, 4)], dtypes=FLOATS, layouts=ALL_LAYOUTS,
          low=lo, high=hi)
    check(lambda lib, a: getattr(a, name)(), [()], dtypes=["float32"], low=lo, high=hi)
    check(lambda lib, a: getattr(lib, name)(a), [(0, 3)], dtypes=["float32"])


@pytest.mark.parametrize("name", sorted(set(UNARY) - {"floor", "ceil", "round", "trunc", "fix",
                                                       "sign", "sgn", "frac", "relu", "abs",
                                                       "absolute", "neg", "negative"}))
def test_unary_second_order(name):
    lo, hi = UNARY[name]
    check(lambda lib, a: getattr(lib, name)(a), [(5,)], dtypes=["float64"], low=lo, high=hi,
          second_order=True)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_inplace(name):
    lo, hi = UNARY[name]

    def fn(lib, a):
        b = a * 1
        getattr(b, name + "_")()
        return b
    no_grad = name in ("acosh", "asinh", "atanh")  # torch: derivative not implemented
    check(fn, [(3, 4)], dtypes=FLOATS, low=lo, high=hi, grad=not no_grad)
    if no_grad:
        check_raises(lambda lib, a: fn(lib, a.requires_grad_()).sum().backward(), [(3,)],
                     arrays=[np.array([1.5, 2.0])])


def test_unary_special_values():
    arr = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -1e30, 2.5, -2.5, 0.5, 1.5])
    for name in ["exp", "log", "sqrt", "abs", "sign", "sigmoid", "tanh", "floor", "ceil",
                 "round", "trunc", "frac", "relu", "reciprocal", "rsqrt", "log1p", "expm1",
                 "erf", "erfc", "sgn", "atan", "sin"]:
        for dt in (np.float32, np.float64):
            check(lambda lib, a: getattr(lib, name)(a), None, arrays=[arr.astype(dt)],
                  grad=False)


def test_round_decimals():
    check(lambda lib, a: a.round(decimals=2), [(3, 4)], dtypes=FLOATS)
    check(lambda lib, a: lib.round(a, decimals=-1), [(3, 4)], dtypes=FLOATS, low=-100, high=100)


def test_pow_cases():
    check(lambda lib, a, b: a ** b, [(3, 4), (4,)], dtypes=FLOATS, low=0.5,
          second_order=True)
    check(lambda lib, a, b: lib.pow(a, b), None,
          arrays=[np.array([0.0, 0.0, 2.0, -1.0]), np.array([0.0, 2.0, 0.0, 2.0])])
    check(lambda lib, a: a ** 2, None, arrays=[np.array([0.0, -1.0, 3.0])], second_order=True)
    check(lambda lib, a: a ** 0.5, None, arrays=[np.array([0.0, 1.0, 3.0])], grad=False)
    check(lambda lib, a: 0 ** a, None, arrays=[np.array([0.0, 1.0, 3.0])])
    check(lambda lib, a, b: a ** b, None, arrays=[np.array([2, 3, 4]), np.array([3, 0, 1])])
    check_raises(lambda lib, a: a ** -1, None, arrays=[np.array([2, 3])])
    check(lambda lib, a: lib.float_power(a, 2), [(3,)], dtypes=["float32", "int32"])
    check(lambda lib, a: a.pow(2.0), None, arrays=[np.array([1, 2, 3], dtype=np.int32)])


def test_not_differentiable_division():
    """floor_divide and scalar % tensor record a node whose backward raises, as PyTorch."""
    for expr in (lambda lib, a, b: a // b, lambda lib, a, b: a // 0.7,
                 lambda lib, a, b: 3 // a, lambda lib, a, b: 3 % a,
                 lambda lib, a, b: lib.floor_divide(a, b)):
        check(expr, [(3, 4), (4,)], dtypes=FLOATS, low=0.5, grad=False)
        check_raises(lambda lib, a, b: expr(lib, a.requires_grad_(), b).sum().backward(),
                     [(3, 4), (4,)])


def test_float_division_modes():
    arrs = [np.array([-7.0, -6.5, 5.0, 7.5, 0.0]), np.array([2.0, -2.0, 3.0, -0.5, 1.0])]
    for mode in ("trunc", "floor"):
        check(lambda lib, a, b: lib.div(a, b, rounding_mode=mode), None, arrays=arrs)
        check(lambda lib, a, b: lib.div(a.long(), b.long(), rounding_mode=mode), None,
              arrays=[arrs[0], np.array([2.0, -2.0, 3.0, -1.0, 1.0])], grad=False)
    check(lambda lib, a, b: lib.remainder(a, b), None, arrays=arrs)
    check(lambda lib, a, b: lib.fmod(a, b), None, arrays=arrs)
    check(lambda lib, a, b: a // b, None, arrays=arrs, grad=False)
    check_raises(lambda lib, a, b: lib.div(a, b, rounding_mode="bad"), [(2,), (2,)])


def test_clamp():
    check(lambda lib, a: a.clamp(-1, 1), [(3, 4)], dtypes=FLOATS, layouts=ALL_LAYOUTS,
          second_order=True)
    check(lambda lib, a: a.clamp(min=0.0), [(3, 4)])
    check(lambda lib, a: a.clamp(max=0.0), [(3, 4)])
    check(lambda lib, a: lib.clip(a, -0.5, 0.5), [(3, 4)])
    check(lambda lib, a: a.clamp_min(0.2), [(3, 4)])
    check(lambda lib, a: a.clamp_max(0.2), [(3, 4)])
    check(lambda lib, a: a.clamp(1.0, -1.0), [(3, 4)])
    check(lambda lib, a, lo, hi: a.clamp(lo, hi), [(3, 4), (4,), (3, 1)])
    check(lambda lib, a, lo: lib.clamp(a, min=lo), [(3, 4), (3, 4)])
    check(lambda lib, a: a.clamp(-1, 1), None, arrays=[np.array([np.nan, 2.0, -3.0, 0.5])])
    check(lambda lib, a: a.clamp(-1, 1), None, arrays=[np.array([1.0, -1.0, 0.0])])
    check(lambda lib, a: a.clamp(0.5, 3.5), None, arrays=[np.array([1, 5, -2])])
    check(lambda lib, a: a.clamp(0, 3), None, arrays=[np.array([1, 5, -2], dtype=np.int32)])
    check_raises(lambda lib, a: a.clamp(), [(3,)])


def test_maximum_ties_and_nan():
    arrs = [np.array([1.0, 2.0, np.nan, 3.0, np.nan]), np.array([1.0, 3.0, 1.0, np.nan, 5.0])]
    for op in ("maximum", "minimum", "fmax", "fmin"):
        check(lambda lib, a, b: getattr(lib, op)(a, b), None, arrays=arrs)
    check(lambda lib, a, b: lib.max(a, b), [(3,), (3,)])
    check(lambda lib, a, b: lib.min(a, b), [(3,), (3,)])
    check_raises(lambda lib, a: lib.maximum(a, 1.0), [(3,)], match_message=False)


CMP = ["eq", "ne", "lt", "le", "gt", "ge", "greater", "greater_equal", "less", "less_equal",
       "not_equal"]


@pytest.mark.parametrize("op", CMP)
def test_comparisons(op):
    arrs = [np.array([[1.0, 2.0, np.nan], [0.0, -1.0, 3.0]]), np.array([1.0, 3.0, np.nan])]
    check(lambda lib, a, b: getattr(lib, op)(a, b), None, arrays=arrs)
    check(lambda lib, a: getattr(a, op)(1.0), None, arrays=arrs[:1])
    check(lambda lib, a: getattr(a, op)(1), None, arrays=[np.array([0, 1, 2])])
    check(lambda lib, a, b: getattr(lib, op)(a, b), [(2, 3), (3,)],
          dtypes=[("int32", "float32")])


def test_comparison_operators_and_reflection():
    check(lambda lib, a: (a < 0, a <= 0, a > 0, a >= 0, a == 0, a != 0, 0 < a, 1 == a),
          [(3, 4)])
    check(lambda lib, a, b: (a < b, a == b), [(3, 4), (4,)], dtypes=[("float32", "int64")])


def test_inplace_comparisons():
    def fn(lib, a):
        b = a.detach().clone()
        b.gt_(0.0)
        c = a.detach().clone()
        c.eq_(c)
        return b, c
    check(fn, [(3, 4)])


def test_equal_allclose_isclose():
    for lib in (torch, numtorch):
        a = lib.tensor([1.0, 2.0])
        assert lib.equal(a, lib.tensor([1.0, 2.0])) is True
        assert lib.equal(a, lib.tensor([1.0, 2.1])) is False
        assert lib.equal(a, lib.tensor([1.0, 2.0, 3.0])) is False
        assert lib.allclose(a, a + 1e-9) is True
    arrs = [np.array([1.0, np.nan, 2.0, np.inf]), np.array([1.0 + 1e-7, np.nan, 2.1, np.inf])]
    check(lambda lib, a, b: lib.isclose(a, b), None, arrays=arrs)
    check(lambda lib, a, b: lib.isclose(a, b, equal_nan=True, rtol=0.1), None, arrays=arrs)


def test_logical_and_bitwise():
    bools = [np.array([True, False, True, False]), np.array([True, True, False, False])]
    ints = [np.array([3, 5, -2, 0]), np.array([1, 4, 7, 0])]
    for op in ("logical_and", "logical_or", "logical_xor"):
        check(lambda lib, a, b: getattr(lib, op)(a, b), None, arrays=bools)
        check(lambda lib, a, b: getattr(lib, op)(a, b), None, arrays=ints)
        check(lambda lib, a, b: getattr(lib, op)(a, b), [(3,), (3,)])
    check(lambda lib, a: lib.logical_not(a), None, arrays=ints[:1])
    check(lambda lib, a: lib.logical_not(a), [(3,)])
    for op in ("bitwise_and", "bitwise_or", "bitwise_xor"):
        check(lambda lib, a, b: getattr(lib, op)(a, b), None, arrays=bools)
        check(lambda lib, a, b: getattr(lib, op)(a, b), None, arrays=ints)
        check(lambda lib, a: getattr(lib, op)(a, 6), None, arrays=ints[:1])
    check(lambda lib, a, b: (a & b, a | b, a ^ b, ~a), None, arrays=bools)
    check(lambda lib, a, b: (a & b, a | b, a ^ b, ~a, 3 & a), None, arrays=ints)
    check(lambda lib, a: lib.bitwise_not(a), None, arrays=[np.array([0, 1, 255], np.uint8)])
    check_raises(lambda lib, a, b: a & b, [(3,), (3,)])
    check_raises(lambda lib, a: ~a, [(3,)])
    check_raises(lambda lib, a: ~a, [(3,)], dtype="float64")
    check_raises(lambda lib, a: lib.bitwise_not(a), [(3,)])


def test_bool_arithmetic_errors():
    bools = [np.array([True, False]), np.array([True, True])]
    check_raises(lambda lib, a, b: a - b, None, arrays=bools)
    check_raises(lambda lib, a: -a, None, arrays=bools[:1])
    check(lambda lib, a, b: (a + b, a * b, a / b), None, arrays=bools)


def test_predicates():
    arr = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1.5])
    for name in ("isnan", "isinf", "isfinite", "isposinf", "isneginf", "signbit"):
        check(lambda lib, a: getattr(lib, name)(a), None, arrays=[arr.astype(np.float32)])
        check(lambda lib, a: getattr(lib, name)(a), None, arrays=[np.array([1, -2, 0])])


def test_composites():
    check(lambda lib, a, b, w: lib.lerp(a, b, w), [(3, 4), (3, 4), (4,)], dtypes=FLOATS)
    check(lambda lib, a, b: lib.lerp(a, b, 0.3), [(3, 4), (3, 4)])
    check(lambda lib, a, b, c: lib.addcmul(a, b, c, value=0.5), [(3, 4), (3, 4), (4,)])
    check(lambda lib, a, b, c: lib.addcdiv(a, b, c, value=2), [(3, 4), (3, 4), (4,)],
          low=0.5)
    check(lambda lib, a, b: lib.hypot(a, b), [(3, 4), (3, 4)], dtypes=FLOATS)
    check(lambda lib, a, b: lib.arctan2(a, b), [(3, 4), (3, 4)])


def test_out_argument():
    def fn(lib, a, b):
        out = lib.empty(3, 4)
        r = lib.add(a.detach(), b.detach(), out=out)
        return r is out, out
    check(fn, [(3, 4), (3, 4)])

    def fn2(lib, a):
        out = lib.empty(0)
        lib.exp(a.detach(), out=out)
        return out
    check(fn2, [(2, 3)])
    check_raises(lambda lib, a, b: lib.add(a, b, out=lib.zeros(3, requires_grad=True)),
                 [(3,), (3,)])


INPLACE = [
    ("add_", lambda lib, t, o: t.add_(o)), ("add_alpha", lambda lib, t, o: t.add_(o, alpha=2)),
    ("sub_", lambda lib, t, o: t.sub_(o)), ("mul_", lambda lib, t, o: t.mul_(o)),
    ("div_", lambda lib, t, o: t.div_(o)), ("pow_", lambda lib, t, o: t.abs_().pow_(2)),
    ("iadd", lambda lib, t, o: t.__iadd__(o)), ("imul", lambda lib, t, o: t.__imul__(o)),
    ("isub", lambda lib, t, o: t.__isub__(o)), ("idiv", lambda lib, t, o: t.__itruediv__(o)),
    ("clamp_", lambda lib, t, o: t.clamp_(-0.5, 0.5)),
    ("clamp_min_", lambda lib, t, o: t.clamp_min_(0.0)),
    ("clamp_max_", lambda lib, t, o: t.clamp_max_(0.0)),
    ("copy_", lambda lib, t, o: t.copy_(o)), ("zero_", lambda lib, t, o: t.zero_()),
    ("fill_", lambda lib, t, o: t.fill_(1.5)), ("fill_tensor", lambda lib, t, o: t.fill_(o[0])),
    ("lerp_", lambda lib, t, o: t.lerp_(o, 0.25)),
    ("addcmul_", lambda lib, t, o: t.addcmul_(o, o, value=0.5)),
    ("addcdiv_", lambda lib, t, o: t.addcdiv_(o, o.exp(), value=0.5)),
    ("sigmoid_", lambda lib, t, o: t.sigmoid_()), ("neg_", lambda lib, t, o: t.neg_()),
    ("exp_", lambda lib, t, o: t.exp_()), ("square_", lambda lib, t, o: t.square_()),
    ("relu_", lambda lib, t, o: t.relu_()),
]


@pytest.mark.parametrize("name,op", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace_on_nonleaf(name, op):
    """In-place on a non-leaf: values, the rebased grad_fn and gradients through it."""
    def fn(lib, a, b):
        t = a * 1.0
        r = op(lib, t, b)
        assert r is t
        return t
    check(fn, [(3, 4), (3, 4)], dtypes=FLOATS)
    check(fn, [(3, 4), (4,)], dtypes=["float32"])


@pytest.mark.parametrize("name,op", INPLACE, ids=[n for n, _ in INPLACE])
def test_inplace_no_grad_and_version(name, op):
    def fn(lib, a, b):
        t = a.detach().clone()
        v0 = t._version
        op(lib, t, b.detach())
        return t, t._version > v0
    check(fn, [(3, 4), (4,)])


def test_saved_output_modified_inplace():
    def fn(lib, a, b):
        t = (a.requires_grad_() * 1).exp_()
        t.mul_(b)
        t.sum().backward()
    check_raises(fn, [(3,), (3,)])


def test_inplace_errors():
    check_raises(lambda lib, a: a.requires_grad_().add_(1), [(3,)])
    check_raises(lambda lib, a: a.requires_grad_()[0].mul_(2), [(3,)])
    check_raises(lambda lib, a, b: a.add_(b), [(3,), (2, 3)])
    check_raises(lambda lib, a: a.long().add_(1.5), [(3,)])
    check_raises(lambda lib, a: a.long().div_(2), [(3,)])
    check_raises(lambda lib, a, b: a.bool().add_(b), [(3,), (3,)])

    def inplace_leaf_no_grad(lib, a):
        a.requires_grad_()
        with lib.no_grad():
            a.add_(1)
        return a.detach()
    check(inplace_leaf_no_grad, [(3,)], grad=False)


def test_inplace_int_ops():
    def fn(lib, a):
        a = a.long()
        a.add_(2)
        a.mul_(3)
        a //= 2
        a %= 5
        a.clamp_(0, 3)
        return a
    check(fn, [(4,)], grad=False)

    def fn2(lib, a):
        b = a.clone()
        b += 1.0
        b.copy_(lib.tensor([1, 2, 3, 4]))
        return b
    check(fn2, [(4,)], grad=False)


def test_inplace_through_view_grad():
    def fn(lib, a, b):
        t = a * 2
        t[0].mul_(b[0])
        t.t()[1].add_(b[1, 0])
        return t
    check(fn, [(3, 3), (3, 3)], dtypes=FLOATS)


def test_copy_broadcast_and_cast():
    def fn(lib, a, b):
        t = a * 1
        t.copy_(b)
        return t
    check(fn, [(3, 4), (4,)], dtypes=[("float32", "float64")])
    check(fn, [(3, 4), (3, 1)])
    check_raises(lambda lib, a, b: a.copy_(b), [(3, 4), (3, 2)], match_message=False)


@settings(max_examples=50, deadline=None, derandomize=True)
@given(st.lists(st.integers(1, 3), min_size=0, max_size=3),
       st.lists(st.booleans(), min_size=3, max_size=3),
       st.lists(st.booleans(), min_size=3, max_size=3),
       st.sampled_from(["add", "sub", "mul", "div", "maximum", "atan2", "eq"]))
def test_fuzz_broadcast(base, drop_a, drop_b, op):
    nd = len(base)
    sa = tuple(1 if drop_a[i] else base[i] for i in range(nd))
    sb = tuple(1 if drop_b[i] else base[i] for i in range(nd))
    sb = sb[int(drop_b[0]):] if nd else sb
    check(lambda lib, a, b: getattr(lib, op)(a, b), [sa, sb], dtypes=["float64"], low=0.5)
