"""Top-level spellings of Tensor methods that PyTorch also exposes as ``torch.<name>``: the
in-place math (``torch.sin_(x)`` is ``x.sin_()``), ``torch.detach``/``detach_``, ``fill_``,
``index_put_`` and the predicates (``is_conj``, ``is_same_size``...). Each forwards to the method
(so it records exactly what the method records)."""

from __future__ import annotations

from .._tensor import Tensor

#: the forwarded names; each takes ``input`` (a Tensor) first, then the method's arguments
NAMES = (
    "abs_ acos_ acosh_ arccos_ arccosh_ arcsin_ arcsinh_ arctan_ arctanh_ asin_ asinh_ atan_ "
    "atanh_ ceil_ clamp_ clamp_max_ clamp_min_ clip_ conj_physical_ cos_ cosh_ deg2rad_ detach "
    "detach_ erf_ erfc_ exp2_ exp_ expm1_ fill_ fix_ floor_ frac_ gcd_ i0_ index_put_ is_conj "
    "is_distributed is_inference is_neg is_same_size is_signed lcm_ ldexp_ log10_ log1p_ log2_ "
    "log_ logit_ nan_to_num_ neg_ negative_ rad2deg_ reciprocal_ relu_ round_ rsqrt_ sigmoid_ "
    "sin_ sinc_ sinh_ sqrt_ square_ tan_ tanh_ trunc_ xlogy_ addmv_ get_device").split()

__all__ = list(NAMES)


def _forward(name: str):
    def fn(input: Tensor, *args, **kwargs):
        if not isinstance(input, Tensor):
            raise TypeError(f"{name}(): argument 'input' (position 1) must be Tensor, not "
                            f"{type(input).__name__}")
        return getattr(input, name)(*args, **kwargs)
    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``torch.{name}(input, ...)``: ``input.{name}(...)``."
    return fn


for _name in NAMES:
    globals()[_name] = _forward(_name)
del _name
