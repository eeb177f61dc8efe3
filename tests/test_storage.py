"""Storages against torch: ``untyped_storage()``/``storage()`` of tensors and their views
(offsets, data pointers, sizes, values), ``UntypedStorage``/``TypedStorage`` objects and the
legacy classes, ``Tensor.set_``, printing, pickling and the deprecation warning."""

from __future__ import annotations

import copy
import pickle
import warnings

import numpy as np
import pytest
import torch

import numtorch

LIBS = (numtorch, torch)


def _base(lib, dtype="float32"):
    return lib.arange(24, dtype=getattr(lib, dtype)).reshape(2, 3, 4)


VIEWS = {
    "base": lambda t: t, "slice": lambda t: t[1:], "inner slice": lambda t: t[:, 1:, 2:],
    "step": lambda t: t[:, ::2, 1::3], "select": lambda t: t[1, 2], "transpose": lambda t: t.mT,
    "permute": lambda t: t.permute(2, 0, 1), "expand": lambda t: t[:, :1].expand(2, 5, 4),
    "unsqueeze expand": lambda t: t[1, 1][None].expand(3, 4),
    "narrow": lambda t: t.narrow(2, 1, 2), "diagonal": lambda t: t[0].diagonal(1),
    "view": lambda t: t[1].view(12), "unfold": lambda t: t[1, 1].unfold(0, 2, 1),
    "as_strided": lambda t: t.as_strided((2, 2), (3, 1), 5),
    "empty end": lambda t: t[:, :, 4:], "empty middle": lambda t: t[1:1],
    "empty select": lambda t: t[1, 3:], "empty narrow": lambda t: t.narrow(1, 2, 0),
    "unbind": lambda t: t.unbind(1)[2], "split": lambda t: t.split(2, dim=2)[1],
    "chunk": lambda t: t[1].chunk(3, 0)[2], "detach": lambda t: t[1:].detach(),
    "squeeze": lambda t: t[:, 1:2].squeeze(1), "real": lambda t: t[0],
    "movedim": lambda t: t.movedim(0, 2)[1], "flip copy": lambda t: t.flip(0),
    "contiguous copy": lambda t: t.mT.contiguous(), "clone": lambda t: t[1:].clone(),
    "scalar": lambda t: t.new_tensor(2.5), "select scalar": lambda t: t[1, 2, 3],
    "sum": lambda t: t.sum(), "item view": lambda t: t[0, 0, 0].view(1),
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_view_geometry(name):
    res = {}
    for lib in LIBS:
        t = _base(lib)
        v = VIEWS[name](t)
        s, sv = t.untyped_storage(), v.untyped_storage()
        res[lib] = dict(
            offset=v.storage_offset(), same_storage=sv.data_ptr() == s.data_ptr(),
            nbytes=sv.nbytes(), size=sv.size(),
            ptr=None if v.numel() == 0 else (v.data_ptr() - sv.data_ptr()) // v.element_size(),
            zero_ptr=v.data_ptr() == 0, stride=v.stride(), shape=tuple(v.shape))
    assert res[numtorch] == res[torch]


@pytest.mark.parametrize("dtype", ["float32", "float64", "int16", "int64", "uint8", "bool",
                                   "complex64", "float16", "bfloat16"])
def test_storage_values_and_repr(dtype):
    res = {}
    for lib in LIBS:
        t = lib.tensor([[0.1, -2.5, 3.0], [4.0, 0.0, 1.0]]).to(getattr(lib, dtype))
        v = t[:, 1:]
        u = v.untyped_storage()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ts = v.storage()
        res[lib] = [u.tolist(), list(u), u[0], u[-1], len(u), u.element_size(), str(u.device),
                    repr(u), str(u), u.type(), ts.tolist(), ts[1], ts[-1], len(ts), ts.size(),
                    ts.nbytes(), ts.element_size(), repr(ts.dtype), str(ts.device), repr(ts),
                    ts.type(), ts.data_ptr() == u.data_ptr(),
                    ts.untyped().data_ptr() == u.data_ptr(),
                    lib.is_storage(u), lib.is_storage(ts), lib.is_storage(t)]
    assert res[numtorch] == res[torch]


def test_index_errors():
    msgs = []
    for lib in LIBS:
        u = lib.ones(2).untyped_storage()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ts = lib.ones(3).storage()
        out = []
        for fn in (lambda u=u: u[8], lambda u=u: u[-9], lambda ts=ts: ts[3],
                   lambda ts=ts: ts[-4]):
            with pytest.raises(IndexError) as info:
                fn()
            out.append(str(info.value))
        msgs.append(out)
    assert msgs[0] == msgs[1]


def test_storage_writes_reach_the_tensor():
    res = {}
    for lib in LIBS:
        t = lib.zeros(4, dtype=lib.int16)
        u = t.untyped_storage()
        u[2] = 7
        part = u[4:8]
        part[0] = 1
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ts = t.storage()
        ts[3] = -5
        with pytest.raises(RuntimeError) as info:
            ts[1:3]
        c = u.clone()
        c[0] = 9
        res[lib] = [t.tolist(), type(part).__name__, part.nbytes(), str(info.value),
                    c.tolist(), u.tolist()]
        u.fill_(1)
        res[lib].append(t.tolist())
    assert res[numtorch] == res[torch]


def test_typed_storage_warning():
    msgs = []
    for lib in LIBS:
        lib.storage._reset_warn_typed_storage_removal()
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            lib.ones(2).storage()
            lib.ones(2).storage()  # once per process
        msgs.append([(w.category, str(w.message)) for w in rec])
    assert msgs[0] == msgs[1] and len(msgs[0]) == 1


def test_constructors_and_legacy_classes():
    res = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lib in LIBS:
            u = lib.UntypedStorage(6)
            f = lib.FloatStorage([1, 2.5])
            i = lib.TypedStorage([1, 2, 3], dtype=lib.int32)
            e = lib.FloatStorage(4)
            w = lib.TypedStorage(wrap_storage=lib.tensor([1.0, 2.0]).untyped_storage(),
                                 dtype=lib.float32)
            res[lib] = [u.nbytes(), lib.UntypedStorage([1, 2, 255]).tolist(),
                        type(f).__name__, f.tolist(), repr(f.dtype), i.tolist(), i.nbytes(),
                        e.size(), e.nbytes(), isinstance(f, lib.FloatStorage),
                        isinstance(f, lib.DoubleStorage), isinstance(i, lib.IntStorage),
                        isinstance(f, lib.TypedStorage), w.tolist(), repr(lib.UntypedStorage(0)),
                        repr(lib.LongStorage(0)), f.double().tolist(), repr(f.double().dtype),
                        f.long().tolist(), lib.ones(2, dtype=lib.float64).storage().type(),
                        lib.DoubleStorage.__name__, lib.BoolStorage([True, False]).tolist()]
    assert res[numtorch] == res[torch]


def test_from_buffer():
    res = {}
    data = np.arange(8, dtype=np.uint8).tobytes()
    for lib in LIBS:
        res[lib] = [lib.UntypedStorage.from_buffer(data, dtype=lib.uint8).tolist(),
                    lib.UntypedStorage.from_buffer(data, dtype=lib.int16,
                                                   byte_order="big").tolist(),
                    lib.UntypedStorage.from_buffer(data, dtype=lib.int16,
                                                   byte_order="little").tolist()]
    assert res[numtorch] == res[torch]


def test_set_():
    res = {}
    for lib in LIBS:
        t = lib.arange(12.0)
        s = t.untyped_storage()
        y = lib.empty(0)
        out = [y.set_(s, 2, (2, 3), (1, 2)) is y, y.tolist(), y.storage_offset(),
               (y.data_ptr() - s.data_ptr()) // 4, y.stride()]
        y[0, 0] = 100.0
        out.append(t.tolist())
        z = lib.empty(0).set_(t[3:].view(3, 3))
        out += [z.shape, z.storage_offset(), z.untyped_storage().data_ptr() == s.data_ptr()]
        out.append(lib.empty(3).set_().shape)
        w = lib.empty(0).set_(s)
        out += [w.shape, w.tolist()[:3]]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            typed = t.storage()
            out.append(lib.empty(0).set_(typed, 1, (2,)).tolist())
            with pytest.raises(RuntimeError) as info:
                lib.empty(0).set_(lib.ones(2, dtype=lib.int32).storage(), 0, (2,), (1,))
        out.append(str(info.value))
        res[lib] = out
    assert res[numtorch] == res[torch]


def test_pickle_copy_resize():
    res = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for lib in LIBS:
            u = lib.tensor([1, 2, 3], dtype=lib.int16).untyped_storage()
            ts = lib.tensor([1.5, 2.5]).storage()
            ts2 = pickle.loads(pickle.dumps(ts))
            u3 = copy.deepcopy(u)
            u3[0] = 42
            grown = lib.UntypedStorage([1, 2]).resize_(4)
            res[lib] = [type(ts2).__name__, ts2.tolist(),
                        repr(ts2.dtype), u.tolist(), u3.tolist(), grown.nbytes(),
                        grown.tolist()[:2], lib.UntypedStorage([1, 2, 3]).resize_(1).tolist()]
    assert res[numtorch] == res[torch]


def _storage_objects(lib):
    t = lib.arange(6.0)
    return [t.untyped_storage(), t.storage(), [t[2:], t.storage()],
            {"s": lib.tensor([1, 2], dtype=lib.int16).storage()}]


def _summary(lib, obj):
    if isinstance(obj, list):
        t, s = obj
        t[0] = 100.0  # the loaded tensor and storage share memory
        return [t.tolist(), s.tolist(), s.data_ptr() == t.untyped_storage().data_ptr()]
    if isinstance(obj, dict):
        return {k: _summary(lib, v) for k, v in obj.items()}
    return [type(obj).__name__, repr(obj.dtype), obj.tolist()]


@pytest.mark.parametrize("i", range(4))
@pytest.mark.parametrize("saver", ["numtorch", "torch"])
def test_save_load_storage_objects(i, saver):
    import io

    src = numtorch if saver == "numtorch" else torch
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        src.save(_storage_objects(src)[i], buf)
        res = {}
        for lib in LIBS:
            buf.seek(0)
            res[lib] = _summary(lib, lib.load(buf, weights_only=False))
    assert res[numtorch] == res[torch]
