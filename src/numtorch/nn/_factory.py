"""``torch.nn.factory_kwargs``: the ``device``/``dtype``/``memory_format`` keywords of a
module constructor, merged with an optional nested ``factory_kwargs`` dict."""

from __future__ import annotations

from typing import Any

__all__ = ["factory_kwargs"]

_KEYS = ("device", "dtype", "memory_format")


def factory_kwargs(kwargs: dict[str, Any] | None) -> dict[str, Any]:
    """The simple factory keywords of ``kwargs`` plus those of ``kwargs["factory_kwargs"]``;
    an unknown key or one given in both places is a ``TypeError`` (as PyTorch)."""
    if kwargs is None:
        return {}
    simple = set(_KEYS)
    allowed = simple | {"factory_kwargs"}
    unexpected = set(kwargs) - allowed
    if unexpected:
        raise TypeError(f"unexpected kwargs {unexpected}")
    result = {k: v for k, v in kwargs.items() if k in simple}
    nested = kwargs.get("factory_kwargs", {})
    for key, value in nested.items():
        if key in result:
            raise TypeError(f"{key} specified twice, in **kwargs and in factory_kwargs")
        result[key] = value
    return result
