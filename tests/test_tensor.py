"""Tensor attributes, conversions, dtypes and promotion, views, the NumPy bridge, against torch."""

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import check, check_raises

LIBS = [torch, numtorch]


def both(fn):
    return fn(torch), fn(numtorch)


def same(fn):
    t, n = both(fn)
    assert _plain(n) == _plain(t), f"{_plain(n)} != torch {_plain(t)}"


def _plain(x):
    if isinstance(x, (torch.Tensor, numtorch.Tensor)):
        return ("T", str(x.dtype), tuple(x.shape), x.detach().tolist())
    if isinstance(x, (tuple, list)):
        return [_plain(v) for v in x]
    if isinstance(x, (torch.dtype, numtorch.dtype, torch.device, numtorch.device, torch.Size,
                      numtorch.Size)):
        return str(x)
    return x


def raises_same(fn):
    res = []
    for lib in LIBS:
        with pytest.raises(Exception) as e:
            fn(lib)
        res.append((type(e.value).__name__, str(e.value)))
    assert res[0] == res[1], res


def test_dtype_printing_and_names():
    for name in ("float32", "float64", "float16", "int64", "int32", "int16", "int8", "uint8",
                 "bool", "complex64", "complex128", "bfloat16", "float", "double", "long", "int",
                 "half", "short"):
        assert str(getattr(numtorch, name)) == str(getattr(torch, name)), name
        assert repr(getattr(numtorch, name)) == repr(getattr(torch, name))
    for attr in ("is_floating_point", "is_complex", "is_signed", "itemsize"):
        for name in ("float32", "int64", "bool", "uint8", "complex64"):
            assert getattr(getattr(numtorch, name), attr) == getattr(getattr(torch, name), attr)


def test_attributes():
    def fn(lib):
        x = lib.arange(24.0).reshape(2, 3, 4)
        t = x.transpose(0, 2)
        s = x[:, ::2]
        return [x.shape, x.size(), x.size(1), x.size(-1), x.dtype, str(x.device), x.ndim,
                x.dim(), x.numel(), x.nelement(), x.stride(), x.stride(1), t.stride(),
                s.stride(), x.is_contiguous(), t.is_contiguous(), s.is_contiguous(),
                x.element_size(), x.is_leaf, x.requires_grad, x.is_floating_point(),
                x.long().is_floating_point(), len(x), x.shape[1:], x.shape.numel(),
                x.mT.shape, x.is_cuda, x.is_cpu, x.get_device(),
                lib.zeros(()).stride(), lib.zeros(0, 3).stride(), s.storage_offset(),
                x[1].storage_offset(), x.nbytes, x.itemsize]
    same(fn)
    raises_same(lambda lib: lib.zeros(2, 3).size(2))
    raises_same(lambda lib: len(lib.tensor(1.0)))


def test_conversions():
    def fn(lib):
        x = lib.tensor([[1.5, -2.25], [3.0, 4.75]])
        return [x.tolist(), x[0, 1].item(), type(x[0, 1].item()).__name__,
                lib.tensor(3).item(), type(lib.tensor(3).item()).__name__,
                lib.tensor(True).item(), float(x[1, 0]), int(x[1, 1]), bool(x[0, 0]),
                x.to(lib.float64), x.to(lib.int32), x.to(dtype=lib.int64), x.double(),
                x.float(), x.long(), x.int(), x.bool(), x.half().float(), x.short(),
                x.abs().byte(), x.to(lib.int8),
                x.type(), x.long().type(), x.type(lib.float64), x.type("torch.IntTensor"),
                x.type_as(lib.tensor([1])), x.to(x.long()), x.cpu(), x.clone(),
                x.new_tensor([1, 2]), x.new_zeros(2), x.new_ones((1, 2)), x.new_full((2,), 7),
                x.new_empty(3).shape, f"{x[0, 0]:.2f}", x.to("cpu").dtype,
                lib.tensor([1, 2]).to(lib.float32, copy=True)]
    same(fn)
    raises_same(lambda lib: lib.ones(2).item())
    raises_same(lambda lib: bool(lib.ones(2)))
    raises_same(lambda lib: lib.ones(2, requires_grad=True).numpy())


def test_to_returns_self_and_copy():
    for lib in LIBS:
        x = lib.ones(3)
        assert x.to(lib.float32) is x
        assert x.to("cpu") is x
        assert x.to(lib.float32, copy=True) is not x
        assert x.cpu() is x
        assert x.float() is x
        assert x.contiguous() is x


def test_cuda_unavailable():
    raises_same(lambda lib: lib.ones(2).cuda())
    raises_same(lambda lib: lib.ones(2).to("cuda"))
    raises_same(lambda lib: lib.ones(2, device="cuda"))


def test_numpy_bridge_shares_memory():
    for lib in LIBS:
        x = lib.zeros(2, 3)
        n = x.numpy()
        n[0, 0] = 7
        assert x[0, 0].item() == 7
        x.add_(1)
        assert n[0, 0] == 8
        a = np.arange(6.0)
        t = lib.from_numpy(a)
        a[1] = -1
        assert t[1].item() == -1
        assert lib.as_tensor(a)[1].item() == -1
        assert np.asarray(x).shape == (2, 3)
        assert np.array(x, dtype=np.float64).dtype == np.float64
        v = x.t().numpy()
        assert v.shape == (3, 2) and np.shares_memory(v, x.numpy())
        assert lib.from_numpy(np.zeros(3, np.int16)).dtype == lib.int16
        assert x.detach().numpy() is not None
        assert lib.tensor(np.float64(2.5)).dtype == lib.float64 or lib is numtorch
    raises_same(lambda lib: lib.from_numpy([1, 2]))


def test_views_share_storage_and_versions():
    def fn(lib):
        x = lib.arange(12.0).reshape(3, 4)
        v = x.view(4, 3)
        t = x.t()
        row = x[1]
        sl = x[:, 1:3]
        e = x[:1].expand(2, 4)
        v[0, 0] = 100
        row.mul_(2)
        sl.add_(1)
        x[2, 3] = -5
        return [x, v, t, row, sl, e, x._version, v._version, row._version, t._version,
                t.data_ptr() == x.data_ptr(), row.data_ptr() == x.data_ptr() + 16]
    same(fn)


def test_promotion_table():
    dts = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64",
           "complex64", "complex128"]
    for a in dts:
        for b in dts:
            ta, tb = getattr(torch, a), getattr(torch, b)
            na, nb = getattr(numtorch, a), getattr(numtorch, b)
            assert str(numtorch.promote_types(na, nb)) == str(torch.promote_types(ta, tb)), (a, b)
    for a in dts:
        for s in (True, 2, 2.5, 1j):
            if a == "float16" and s == 1j:
                continue  # torch gives complex32, which numtorch does not have
            t = torch.result_type(torch.zeros(2, dtype=getattr(torch, a)), s)
            n = numtorch.result_type(numtorch.zeros(2, dtype=getattr(numtorch, a)), s)
            assert str(n) == str(t), (a, s)
            t0 = torch.result_type(torch.zeros((), dtype=getattr(torch, a)),
                                   torch.zeros(2, dtype=torch.int32))
            n0 = numtorch.result_type(numtorch.zeros((), dtype=getattr(numtorch, a)),
                                      numtorch.zeros(2, dtype=numtorch.int32))
            assert str(n0) == str(t0), a


def test_default_dtype():
    try:
        for d in ("float64", "float32"):
            for lib in LIBS:
                lib.set_default_dtype(getattr(lib, d))
            same(lambda lib: [lib.get_default_dtype(), lib.tensor([1.0]).dtype,
                              lib.ones(2).dtype, lib.arange(2.0).dtype, lib.tensor(1j).dtype,
                              (lib.tensor([1, 2]) / 2).dtype, lib.zeros(1).sum().dtype,
                              lib.full((2,), 1.5).dtype, lib.linspace(0, 1, 3).dtype])
    finally:
        torch.set_default_dtype(torch.float32)
        numtorch.set_default_dtype(numtorch.float32)
    raises_same(lambda lib: lib.set_default_dtype(lib.int64))


def test_size_object():
    for lib in LIBS:
        s = lib.zeros(2, 3).shape
        assert s == (2, 3) and isinstance(s, tuple)
        assert repr(s) == "torch.Size([2, 3])"
        assert repr(s[1:]) == "torch.Size([3])"
        assert s.numel() == 6


def test_nonleaf_grad_warning():
    for lib in LIBS:
        x = lib.ones(2, requires_grad=True)
        y = x * 2
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert y.grad is None
        assert w[0].category is UserWarning


def test_bool_and_index_protocol():
    check(lambda lib, a: lib.arange(5)[a.long()[0]], None, arrays=[np.array([2.0, 1.0])])
    check_raises(lambda lib, a: [1, 2][a[0]], [(2,)])
