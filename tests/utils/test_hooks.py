"""``numtorch.utils.hooks`` as ``torch.utils.hooks``: the handle libraries build themselves."""

from __future__ import annotations

import warnings
from collections import OrderedDict

import torch.utils.hooks as torch_hooks

import numtorch
from numtorch.utils import hooks


def test_removable_handle_with_extra_dicts_as_torchs():
    for mod in (torch_hooks, hooks):
        main, extra1, extra2 = OrderedDict(), OrderedDict(), OrderedDict()
        h1 = mod.RemovableHandle(main, extra_dict=[extra1, extra2])
        h2 = mod.RemovableHandle(main, extra_dict=extra1)
        assert h2.id > h1.id
        main[h1.id] = main[h2.id] = extra1[h1.id] = extra1[h2.id] = extra2[h1.id] = "hook"
        with h1:
            pass
        assert list(main) == list(extra1) == [h2.id] and extra2 == {}
        h2.remove()
        h2.remove()  # twice is fine
        assert main == extra1 == {}


def test_tensor_hook_handles_are_utils_hooks_handles():
    x = numtorch.ones(2, requires_grad=True)
    handle = x.register_hook(lambda g: g * 2)
    assert isinstance(handle, hooks.RemovableHandle)
    handle.remove()
    (x * 1).sum().backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_unserializable_hook_silences_the_warning():
    x = numtorch.ones(2, requires_grad=True)
    x.register_hook(hooks.unserializable_hook(lambda g: g))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        hooks.warn_if_has_hooks(x)
    x.register_hook(lambda g: g)
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        hooks.warn_if_has_hooks(x)
    assert len(seen) == 1 and "will not be serialized" in str(seen[0].message)
