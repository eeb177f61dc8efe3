"""The Tensor methods and top-level functions completing torch's public surface, against torch:
in-place forms (values, dtypes, gradients through the rewritten graph, version counter, views,
leaf errors), in-place view ops, protocols (DLPack, NumPy wrapping, membership), and the names
test: every public ``torch.Tensor`` name exists on ``numtorch.Tensor`` but a reasoned few."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value, check, check_raises


def _ip(name, *args, **kwargs):
    """``fn(lib, x, *tensors)``: the in-place method on a non-leaf copy of ``x``."""
    def fn(lib, x, *rest):
        y = x * 1
        getattr(y, name)(*rest, *args, **kwargs)
        return y
    fn.__name__ = name
    return fn


INPLACE = [
    (_ip("cumsum_", 1), [(3, 4)], {}),
    (_ip("cumprod_", 0), [(3, 4)], {}),
    (_ip("addmm_", beta=0.5, alpha=2.0), [(2, 3), (2, 4), (4, 3)], {}),
    (_ip("addmv_", alpha=3.0), [(3,), (3, 2), (2,)], {}),
    (_ip("addr_"), [(2, 3), (2,), (3,)], {"graph": False}),  # addr composes (AddBackward0)
    (_ip("baddbmm_", beta=2.0), [(2, 2, 3), (2, 2, 4), (2, 4, 3)], {}),
    (_ip("addbmm_"), [(2, 3), (4, 2, 5), (4, 5, 3)], {}),
    (_ip("arctan2_"), [(3, 4), (3, 4)], {}),
    (_ip("deg2rad_"), [(3, 4)], {"graph": False}),  # composite out of place
    (_ip("rad2deg_"), [(3, 4)], {"graph": False}),  # composite out of place
    (_ip("sinc_"), [(3, 4)], {}),
    (_ip("logit_", 1e-3), [(3, 4)], {"low": 0.05, "high": 0.95}),
    (_ip("logit_"), [(3, 4)], {"low": 0.05, "high": 0.95}),
    (_ip("mvlgamma_", 2), [(3, 4)], {"low": 1.5, "high": 4.0, "graph": False}),
    (_ip("polygamma_", 1), [(3, 4)], {"low": 0.5, "high": 3.0}),
    (_ip("polygamma_", 0), [(3, 4)], {"low": 0.5, "high": 3.0}),
    (_ip("greater_", 0.0), [(3, 4)], {}),
    (_ip("greater_equal_"), [(3, 4), (3, 4)], {}),
    (_ip("less_", 0.0), [(3, 4)], {}),
    (_ip("less_equal_"), [(4,), (4,)], {}),
    (_ip("not_equal_", 0.5), [(3, 4)], {}),
    (_ip("fill_diagonal_", 2.5), [(3, 4)], {}),
    (_ip("fill_diagonal_", -1.0, wrap=True), [(7, 3)], {}),
    (_ip("fill_diagonal_", 0.0), [(3, 3, 3)], {}),
]


@pytest.mark.parametrize("fn,shapes,kw", INPLACE, ids=[c[0].__name__ for c in INPLACE])
def test_inplace_methods_as_torch(fn, shapes, kw):
    check(fn, shapes, **kw)


def test_float_power_and_ldexp_inplace():
    check(_ip("float_power_", 2), [(3, 4)], dtypes=("float64",))
    check(lambda lib, x, e: (x * 1).ldexp_(e),
          arrays=[np.array([0.5, -1.5, 2.0], np.float32), np.array([1, 0, 3])],
          graph=False)  # ldexp composes out of place (MulBackward0)
    check(_ip("conj_physical_"), [(3,)], dtypes=("complex64", "float32"))
    check_raises(lambda lib, x: x.float_power_(2), arrays=[np.ones(2, dtype=np.float32)])
    check_raises(lambda lib, x: x.ldexp_(lib.ones(2)), arrays=[np.ones(2, dtype=np.int64)])


def test_scan_inplace_dtypes_and_errors():
    check(lambda lib, x: x.clone().cumsum_(0), arrays=[np.arange(5, dtype=np.int32)],
          grad=False)
    check(lambda lib, x: x.clone().cumsum_(0, dtype=lib.float32), [(5,)], grad=False)
    check_raises(lambda lib, x: x.cumsum_(0, dtype=lib.float32),
                 arrays=[np.arange(3, dtype=np.int64)])
    check_raises(lambda lib, x: x.cumprod_(0), arrays=[np.ones(3, dtype=bool)])
    check_raises(lambda lib, x: x.addmm_(lib.ones(2, 2), lib.ones(2, 3)), [(2, 1)])


def test_fill_diagonal_errors_and_noncontiguous():
    check(lambda lib, x: x.t().clone().t().fill_diagonal_(3.0, wrap=True), [(3, 7)],
          grad=False)
    check_raises(lambda lib, x: x.fill_diagonal_(1), [(3,)])
    check_raises(lambda lib, x: x.fill_diagonal_(1), [(3, 3, 2)])


def _view_ip(name, *args):
    def fn(lib, x):
        y = x * 2
        getattr(y, name)(*args)
        return y * lib.arange(y.numel(), dtype=y.dtype).reshape(y.shape)
    fn.__name__ = name
    return fn


VIEW_INPLACE = [("t_",), ("transpose_", 0, 2), ("swapdims_", 1, -1), ("swapaxes_", 0, 1),
                ("squeeze_",), ("squeeze_", 1), ("squeeze_", (0, 1)), ("unsqueeze_", -1),
                ("as_strided_", (3, 2), (1, 3))]


@pytest.mark.parametrize("case", VIEW_INPLACE, ids=[str(c) for c in VIEW_INPLACE])
def test_inplace_view_ops_as_torch(case):
    name, *args = case
    shape = (2, 3) if name in ("t_", "as_strided_") else (2, 1, 3)
    check(_view_ip(name, *args), [shape])


@pytest.mark.parametrize("case", VIEW_INPLACE, ids=[str(c) for c in VIEW_INPLACE])
def test_inplace_view_ops_semantics(case):
    name, *args = case
    shape = (2, 3) if name in ("t_", "as_strided_") else (2, 1, 3)
    seen = {}
    for lib in (torch, numtorch):
        base = lib.arange(6.0).reshape(shape)
        y = base[:]
        v0 = y._version
        out = getattr(y, name)(*args)
        base[0] = 7.0  # the tensor still aliases its base
        leaf = lib.ones(shape, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            getattr(leaf, name)(*args)
        seen[lib.__name__] = (out is y, y._version - v0, tuple(y.shape), y.stride(),
                              y.tolist())
    assert seen["numtorch"] == seen["torch"]
    check_raises(lambda lib, x: x.t_(), [(2, 2, 2)])


@pytest.mark.parametrize("name", ["cumsum_", "sinc_", "addmm_", "fill_diagonal_"])
def test_inplace_version_views_and_leaf(name):
    args = {"cumsum_": (1,), "sinc_": (), "fill_diagonal_": (0.5,)}
    seen = {}
    for lib in (torch, numtorch):
        extra = args[name] if name in args else (lib.ones(2, 2), lib.ones(2, 2))
        leaf = lib.ones(2, 2, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable that requires grad"):
            getattr(leaf, name)(*extra)
        x = lib.arange(8.0).reshape(2, 4).requires_grad_()
        base = x * 1
        view = base[:, 1:3]
        v = base._version
        getattr(view, name)(*extra)
        (base * lib.arange(8.0).reshape(2, 4)).sum().backward()
        seen[lib.__name__] = (base._version - v, base.grad_fn.name(), base.tolist(),
                              x.grad.tolist())
    t, n = seen["torch"], seen["numtorch"]
    assert n[:2] == t[:2]
    np.testing.assert_allclose(n[2], t[2], rtol=1e-6)
    np.testing.assert_allclose(n[3], t[3], rtol=1e-6)


def test_method_forms_of_functions():
    check(lambda lib, x, y: x.kron(y), [(2, 3), (2, 2)], graph=False)  # ViewBackward0
    check(lambda lib, x: x.matrix_power(3), [(3, 3)], graph=False)  # ViewBackward0 for UnsafeView
    check(lambda lib, x: lib.matrix_power(x, -2), [(3, 3)], dtypes=("float64",), graph=False)
    check(lambda lib, x: x.broadcast_to((4, 2, 3)), [(2, 3)])
    check(lambda lib, x: x.narrow_copy(1, 1, 2), [(2, 3)], grad=False)
    check(lambda lib, x: x.hardshrink(0.7), [(3, 4)])
    check(lambda lib, x: lib.hardshrink(x), [(3, 4)])
    check(lambda lib, x, w: x.prelu(w), [(2, 3, 4), (3,)])
    check(lambda lib, x, w: lib.prelu(x, w), [(5,), (1,)])
    check(lambda lib, x: x.unsafe_split_with_sizes([1, 2], 1), [(2, 3)], graph=False)
    check(lambda lib, x, s: x.diagonal_scatter(s), [(3, 3), (3,)])
    check(lambda lib, x, s: x.select_scatter(s, 0, 1), [(3, 2), (2,)])
    check(lambda lib, x, s: x.slice_scatter(s, 1, 0, 2), [(3, 3), (3, 2)])
    check(lambda lib, x, s: x.as_strided_scatter(s, (2,), (2,)), [(2, 2), (2,)], graph=False)
    check(lambda lib, x: x.nonzero_static(size=4), [(2, 3)], grad=False)
    check(lambda lib, x, t: x.orgqr(t), [(4, 3), (3,)], graph=False)
    check_raises(lambda lib, x: x.hardshrink(), arrays=[np.ones(2, dtype=np.int64)])


@pytest.mark.parametrize("name", ["solve", "lstsq", "eig", "symeig"])
def test_removed_solvers_raise_torchs_error(name):
    check_raises(lambda lib, x: getattr(x, name)(x), [(2, 2)])
    check_raises(lambda lib, x: getattr(lib, name)(x, x), [(2, 2)])


def test_hash_tensor():
    arrays = [np.array([[1.5, -2.0], [3.0, 4.0]], dtype=np.float32)]
    for fn in (lambda lib, x: lib.hash_tensor(x), lambda lib, x: x.hash_tensor(1),
               lambda lib, x: x.hash_tensor((0, 1), keepdim=True),
               lambda lib, x: x.to(lib.int8).hash_tensor(),
               lambda lib, x: (x > 2).hash_tensor(0)):
        check(fn, arrays=arrays, grad=False)
    check_raises(lambda lib, x: x.hash_tensor(mode=1), [(2,)])
    check_raises(lambda lib, x: x[:0].hash_tensor(), [(2,)])


def test_dlpack_round_trips():
    for lib in (torch, numtorch):
        t = lib.arange(6.0).reshape(2, 3)
        assert t.__dlpack_device__() == (1, 0)
        assert str(t.__dlpack_device__()[0]) == "DLDeviceType.kDLCPU" or lib is torch
        shared = numtorch.from_dlpack(t)
        shared[0, 0] = 9.0
        assert t[0, 0].item() == 9.0
        assert_same_value(numtorch.from_dlpack(t.t()), torch.arange(6.0).reshape(2, 3).t()
                          .index_put_((torch.tensor(0), torch.tensor(0)), torch.tensor(9.0)))
        with pytest.raises(BufferError, match="require gradient"):
            lib.ones(2, requires_grad=True).__dlpack__()
    back = torch.from_dlpack(numtorch.arange(4, dtype=numtorch.int16))
    assert back.dtype == torch.int16 and back.tolist() == [0, 1, 2, 3]
    arr = np.arange(3.0)
    assert_same_value(numtorch.from_dlpack(arr), torch.from_dlpack(arr))
    assert type(numtorch.to_dlpack(numtorch.ones(2))).__name__ == "PyCapsule"


def test_numpy_ufuncs_return_tensors():
    for ufunc, args in [(np.sin, ()), (np.greater, (0.0,)), (np.add, (np.ones(3),))]:
        ours = ufunc(numtorch.arange(3.0), *args)
        theirs = ufunc(torch.arange(3.0), *args)
        assert_same_value(ours, theirs)


def test_python_protocol_spellings():
    check(lambda lib, x: x.__div__(2.0), [(3,)])
    check(lambda lib, x: x.clone().__idiv__(2.0), [(3,)], grad=False)
    ints = [np.array([1, 2, 3])]
    for fn in (lambda lib, x: x.clone().__ilshift__(1), lambda lib, x: x.clone().__irshift__(1),
               lambda lib, x: x.__rlshift__(1), lambda lib, x: x.__rrshift__(16)):
        check(fn, arrays=ints, grad=False)
    for lib in (torch, numtorch):
        t = lib.tensor([1.0, 2.5])
        assert 2.5 in t and 3 not in t and lib.tensor([1.0, 9.0]) in t
        assert t[1:].__long__() == 2 and t[:1].__nonzero__() is True
        with pytest.raises(RuntimeError, match="only supports Tensor or scalar"):
            "a" in t  # noqa: B015
        with pytest.raises(TypeError, match="does not support deleting items"):
            del t[0]


def test_python_callbacks():
    for name, extra in [("apply_", ()), ("map_", ("b",)), ("map2_", ("b", "c"))]:
        seen = {}
        for lib in (torch, numtorch):
            x = lib.arange(6.0).reshape(2, 3)
            b, c = lib.tensor([1.0, 2.0, 3.0]), lib.full((2, 3), 0.5)
            others = [{"b": b, "c": c}[e] for e in extra]
            v = x._version
            out = getattr(x, name)(*others, lambda *a: sum(a) * 2 + 1)
            seen[lib.__name__] = (out is x, x._version - v, x.tolist())
            with pytest.raises(RuntimeError, match=f"Can't call {name}"):
                getattr(lib.ones(3, requires_grad=True), name)(*others, lambda *a: a[0])
        assert seen["numtorch"] == seen["torch"]


def test_dense_compatibility_surface():
    for lib in (torch, numtorch):
        x = lib.ones(2, 3)
        assert x.to_dense() is x and x.to_dense(lib.float64).dtype == lib.float64
        assert (x.dense_dim(), x.sparse_dim()) == (2, 0)
        assert x.name is None and x.grad_dtype == lib.float32
        with pytest.warns(UserWarning, match="volatile was removed"):
            assert x.volatile is False
        with pytest.warns(UserWarning, match="volatile was removed and now has no effect"):
            x.volatile = True
        with pytest.raises(AttributeError):
            x.name = "x"
        w = lib.ones(1)
        w.grad_dtype = lib.float64
        assert w.grad_dtype == lib.float64
        leaf = lib.ones(2, requires_grad=True)
        with pytest.raises(RuntimeError, match="grad_dtype can only be accessed on leaf"):
            (leaf * 2).grad_dtype  # noqa: B018
        sub = (leaf * 2).as_subclass(lib.Tensor)
        assert sub.grad_fn.name() == "AliasBackward0"
        loaded = x.module_load(leaf[:1] * 3)
        assert loaded is not x and loaded.tolist() == x.tolist() == [[3.0] * 3] * 2
        assert x.module_load(leaf, assign=True).requires_grad is False
        with pytest.warns(UserWarning, match="non-inplace resize is deprecated"):
            r = lib.arange(6.0).resize(3, 2)
        assert r.tolist() == [[0.0, 1.0], [2.0, 3.0], [4.0, 5.0]]
        with pytest.warns(UserWarning, match="non-inplace resize_as is deprecated"):
            assert lib.arange(6.0).resize_as(lib.ones(2, 3)).shape == (2, 3)
    param = numtorch.ones(2).as_subclass(numtorch.nn.Parameter)
    assert isinstance(param, numtorch.nn.Parameter)


def test_set_and_small_methods():
    seen = {}
    for lib in (torch, numtorch):
        src = lib.arange(6.0)
        x = lib.ones(2)
        v = x._version
        assert x.set_(src) is x and x.is_set_to(src)
        x[0] = 5.0
        y = lib.ones(3).set_(src, 1, (2, 2), (2, 1))
        z = lib.ones(3).set_()
        seen[lib.__name__] = (x._version - v, src._version, src.tolist(), y.tolist(),
                              y.storage_offset(), tuple(z.shape),
                              lib.tensor(2.0).is_nonzero(), lib.tensor([0]).is_nonzero())
        with pytest.raises(RuntimeError, match="leaf Variable"):
            lib.ones(2, requires_grad=True).set_(src)
        assert lib.Tensor.__torch_function__(lib.add, (lib.Tensor,),
                                             (lib.ones(1), lib.ones(1))).tolist() == [2.0]
        with pytest.raises(RuntimeError, match="reinforce\\(\\) was removed"):
            lib.ones(1).reinforce(1.0)
        with pytest.raises(AssertionError, match="not compiled with XPU"):
            lib.ones(1).xpu()
        with pytest.raises(RuntimeError, match="not linked with support for ipu"):
            lib.ones(1).ipu()
    assert seen["numtorch"] == seen["torch"]
    check_raises(lambda lib, x: x.set_(x.long()), [(2,)])
    for bad in ([], [1.0, 2.0]):
        check_raises(lambda lib, x: x.is_nonzero(), arrays=[np.array(bad, np.float32)])


#: public ``torch.Tensor`` names numtorch deliberately leaves out, by reason
TENSOR_EXCLUDED = {
    # sparse layouts (numtorch tensors are strided only)
    "sparse": {"ccol_indices", "col_indices", "crow_indices", "row_indices", "indices",
               "values", "coalesce", "is_coalesced", "sparse_mask", "sparse_resize_",
               "sparse_resize_and_clear_", "resize_as_sparse_", "smm", "sspaddmm",
               "to_sparse_bsc", "to_sparse_bsr", "to_sparse_coo", "to_sparse_csc",
               "to_sparse_csr"},
    # quantized tensors, MKL-DNN and nested layouts
    "quantized / other layouts": {"dequantize", "int_repr", "q_per_channel_axis",
                                  "q_per_channel_scales", "q_per_channel_zero_points",
                                  "q_scale", "q_zero_point", "qscheme", "to_mkldnn",
                                  "to_padded_tensor"},
    # the legacy storage classes (torch.FloatStorage...) and legacy pickling state
    "storage": {"storage_type", "__setstate__"},
    # CUDA-only protocol, stream bookkeeping and the C-level DLPack exchange table
    "device specific": {"__cuda_array_interface__", "record_stream",
                        "__dlpack_c_exchange_api__"},
    # no complex32 dtype (torch.chalf is None in numtorch)
    "dtype": {"chalf"},
    # subclass dispatch and first-class dims (functorch.dim), the internal slice_inverse
    "dispatch internals": {"__torch_dispatch__", "index", "slice_inverse"},
}


def test_every_public_tensor_name_exists():
    excluded = set().union(*TENSOR_EXCLUDED.values())
    public = {n for n in dir(torch.Tensor)
              if not n.startswith("_") or n.startswith("__") and n.endswith("__")}
    public.discard("__slotnames__")  # copyreg's cache, set once something pickles a tensor
    missing = sorted(n for n in public - excluded if not hasattr(numtorch.Tensor, n))
    assert not missing, f"torch.Tensor names missing from numtorch.Tensor: {missing}"
    assert not excluded & {n for n in public if hasattr(numtorch.Tensor, n)}, \
        "an excluded name now exists: drop it from the list"
    assert excluded <= public


def _istft_round_trip(**kw):
    def fn(lib, x):
        n = kw.get("n_fft", 8)
        w = lib.hann_window(kw.get("win_length", n), dtype=x.dtype)
        common = {"hop_length": kw.get("hop_length"), "win_length": kw.get("win_length"),
                  "window": w, "onesided": kw.get("onesided"),
                  "normalized": kw.get("normalized", False)}
        spec = lib.stft(x, n, return_complex=True, **common)
        return spec.istft(n, length=kw.get("length"),
                          return_complex=kw.get("return_complex", False), **common)
    return fn


ISTFT = [{}, {"length": 45}, {"length": 30}, {"hop_length": 3, "win_length": 6},
         {"normalized": True}, {"onesided": False},
         {"onesided": False, "return_complex": True}]


@pytest.mark.parametrize("kw", ISTFT, ids=[str(k) for k in ISTFT])
@pytest.mark.parametrize("shape", [(40,), (2, 40)])
def test_istft_as_torch(kw, shape):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the zero-padding warning (length=45)
        check(_istft_round_trip(**kw), [shape], dtypes=("float64",), graph=False)


def test_istft_defaults_and_errors():
    spec = np.random.default_rng(0).standard_normal((5, 6)) + 1j
    # torch warns once per process (an earlier test may have seen it), numtorch every time
    with pytest.warns(UserWarning, match="A window was not provided"):
        numtorch.istft(numtorch.tensor(spec), 8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(lambda lib, s: lib.istft(s, 8), arrays=[spec], graph=False)
    check_raises(lambda lib, s: lib.istft(s.real, 8), arrays=[spec])
    check_raises(lambda lib, s: lib.istft(s, 8, window=lib.hann_window(8, dtype=lib.float64),
                                          center=False), arrays=[spec], match_message=False)


def test_storages():
    seen = {}
    for lib in (torch, numtorch):
        base = lib.arange(6.0).reshape(2, 3)
        x = base[1]
        u = x.untyped_storage()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # TypedStorage's deprecation (warned once)
            s = x.storage()
        s[0] = 9.0
        u2 = lib.UntypedStorage(8)  # uninitialised in PyTorch: only its size compares
        clone = lib.arange(6.0).reshape(2, 3).t().clone()
        seen[lib.__name__] = (
            u.data_ptr() == x.data_ptr() - 12, u.nbytes(), u.size(), len(u), u.element_size(),
            u[6], u.tolist()[:8], u.type(), u.is_shared(), str(u.device),
            s.dtype == lib.float32, s.size(), s.nbytes(), s.element_size(), s[4], s.tolist(),
            s.type(), s.data_ptr() == u.data_ptr(), base.tolist(), u2.nbytes(),
            lib.is_storage(u), lib.is_storage(s), repr(s).splitlines()[-1],
            x.untyped_storage() is base.untyped_storage(),
            clone.untyped_storage().data_ptr() == clone.data_ptr(),
            clone.storage().tolist())
    assert seen["numtorch"] == seen["torch"]


def test_set_from_storages():
    seen = {}
    for lib in (torch, numtorch):
        base = lib.arange(6.0)
        x = lib.empty(0).set_(base.untyped_storage(), 1, (2, 2), (2, 1))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            y = lib.empty(0).set_(base.storage())
        y[0] = 7.0
        z = lib.empty(0).set_(base.untyped_storage())
        seen[lib.__name__] = (x.tolist(), y.tolist(), base.tolist(), tuple(z.shape))
    assert seen["numtorch"] == seen["torch"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_raises(lambda lib, x: lib.empty(0, dtype=lib.int64).set_(x.storage()), [(3,)])
