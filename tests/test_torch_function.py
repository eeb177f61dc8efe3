"""The ``__torch_function__`` protocol against torch: Tensor subclasses keeping their type
through functions, methods and operators, the dispatch order, the errors, the overrides helpers,
``DisableTorchFunction*``, modes, ``as_subclass`` and a torchvision ``tv_tensors``-like
subclass."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest
import torch

import numtorch

LIBS = (numtorch, torch)
X = np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5


def both(fn):
    """``fn(lib)`` in numtorch and in torch."""
    return fn(numtorch), fn(torch)


def _same_tensor(ours, theirs):
    assert type(ours).__name__ == type(theirs).__name__, (type(ours), type(theirs))
    if isinstance(theirs, torch.Tensor):
        np.testing.assert_allclose(np.asarray(ours.detach().tolist()),
                                   np.asarray(theirs.detach().tolist()), rtol=1e-6)
        assert ours.dtype.__repr__() == repr(theirs.dtype)


def _plain_subclass(lib):
    class MyT(lib.Tensor):
        pass
    return MyT


def _ops(lib, x):
    F = lib.nn.functional
    plain = lib.tensor(X)
    return {
        "x + 1": x + 1, "1 + x": 1 + x, "x * x": x * x, "plain + x": plain + x,
        "x + plain": x + plain, "add": lib.add(x, 1), "add kw": lib.add(input=x, other=plain),
        "sum": x.sum(), "lib.sum": lib.sum(x, dim=1), "getitem": x[0], "relu": F.relu(x),
        "norm": lib.linalg.norm(x), "cat": lib.cat([plain, x]), "max": lib.max(x, 1),
        "T": x.T, "detach": x.detach(), "clone": x.clone(), "exp_": x.clone().exp_(),
        "unbind": x.unbind(0), "softmax": lib.softmax(x, 1), "mean axis": x.mean(dim=0),
        "neg": -x, "lt": x < plain, "matmul": x @ x.T, "to": x.to(lib.float64),
    }


def test_plain_subclass_keeps_its_type():
    outs = {}
    for lib in LIBS:
        MyT = _plain_subclass(lib)
        x = lib.tensor(X).as_subclass(MyT)
        assert isinstance(x, MyT) and isinstance(x, lib.Tensor)
        outs[lib] = _ops(lib, x)
    for key, theirs in outs[torch].items():
        ours = outs[numtorch][key]
        assert type(ours).__name__ == type(theirs).__name__, key
        if isinstance(theirs, tuple):
            for o, t in zip(ours, theirs, strict=True):
                _same_tensor(o, t)
        else:
            _same_tensor(ours, theirs)


def test_subclass_repr_and_scalars():
    for ours, theirs in [both(lambda lib: repr(lib.tensor(X).as_subclass(_plain_subclass(lib)))),
                         both(lambda lib: repr(lib.tensor(X, requires_grad=True)
                                               .as_subclass(_plain_subclass(lib)) * 2)),
                         both(lambda lib: str(lib.tensor(3.5).as_subclass(_plain_subclass(lib)))),
                         both(lambda lib: repr(lib.nn.Parameter(lib.tensor(X)))),
                         both(lambda lib: float(lib.tensor(3.5).as_subclass(
                             _plain_subclass(lib)))),
                         both(lambda lib: lib.tensor(X).as_subclass(
                             _plain_subclass(lib)).tolist()),
                         both(lambda lib: type(lib.tensor(X).as_subclass(
                             _plain_subclass(lib)).shape).__name__)]:
        ours = ours.replace("\n", "\n") if isinstance(ours, str) else ours
        assert ours == theirs


def test_parameter_results_are_plain():
    for lib in LIBS:
        p = lib.nn.Parameter(lib.tensor(X))
        assert type(p) is lib.nn.Parameter
        for r in (p + 1, p.detach(), p.clone(), lib.add(p, p), p.sum(), p[0],
                  lib.nn.functional.relu(p)):
            assert type(r) is lib.Tensor
    assert not numtorch.overrides.has_torch_function((numtorch.nn.Parameter(numtorch.ones(1)),))


def _logging_subclass(lib, log):
    class Logged(lib.Tensor):
        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            log.append((lib.overrides.resolve_name(func), [t.__name__ for t in types]))
            return super().__torch_function__(func, types, args, kwargs)
    return Logged


def test_functions_methods_and_operators_reach_the_override():
    logs = {}
    for lib in LIBS:
        log = logs[lib] = []
        Logged = _logging_subclass(lib, log)
        x = lib.tensor(X).as_subclass(Logged)
        log.clear()
        plain = lib.tensor(X)
        lib.add(x, 1)
        x.add(1)
        x + 1
        1 + x
        plain + x
        x * plain
        _ = plain < x
        lib.nn.functional.relu(x)
        lib.linalg.norm(x)
        lib.special.expit(x)
        lib.fft.fft(x)
        lib.cat([plain, x])
        lib.sum(x, dim=0)
        x.sum(dim=1)
        _ = x.shape
        _ = x.T
        _ = x.requires_grad
        x[0]
        x.exp_()
        lib.where(plain > 0, x, plain)
    assert logs[numtorch] == logs[torch]


class _Other:
    """Not a Tensor, but takes part in dispatch."""

    seen: list = []
    lib = torch

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        name = cls.lib.overrides.resolve_name(func)
        cls.seen.append((name, [t.__name__ for t in types], len(args), sorted(kwargs or {})))
        return "handled"


def test_non_tensor_object_dispatch():
    res = {}
    for lib in LIBS:
        _Other.seen = []
        _Other.lib = lib
        t = lib.tensor(X)
        out = [lib.add(_Other(), t), lib.mul(t, _Other()),
               lib.nn.functional.linear(t, _Other()), lib.stack([t, _Other()])]
        res[lib] = (out, _Other.seen)
    assert res[numtorch] == res[torch]


def test_dispatch_order_and_not_implemented():
    res = {}
    for lib in LIBS:
        order = []

        class A(lib.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                order.append(("A", cls.__name__, [t.__name__ for t in types]))  # noqa: B023
                if cls.__name__ == "A":
                    return "from A"
                return NotImplemented

        class B(A):
            pass

        class C(lib.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                order.append(("C", [t.__name__ for t in types]))  # noqa: B023
                return NotImplemented

        a = lib.tensor(X).as_subclass(A)
        b = lib.tensor(X).as_subclass(B)
        c = lib.tensor(X).as_subclass(C)
        out = [lib.add(a, b), lib.add(c, a)]
        with pytest.raises(TypeError) as info:
            lib.mul(b, c)
        out.append(str(info.value).replace(".<locals>", "").replace(lib.__name__, "torch"))
        res[lib] = (out, order)
    assert res[numtorch] == res[torch]


@pytest.mark.parametrize("call", ["add", "relu", "norm", "method"])
def test_all_not_implemented_error(call):
    msgs = []
    for lib in LIBS:
        class N(lib.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                return NotImplemented

        N.__qualname__ = "N"
        n = lib.tensor(X).as_subclass(N)
        fn = {"add": lambda lib=lib, n=n: lib.add(n, 1),
              "relu": lambda lib=lib, n=n: lib.nn.functional.relu(n),
              "norm": lambda lib=lib, n=n: lib.linalg.vector_norm(n),
              "method": lambda n=n: n.exp()}[call]
        with pytest.raises(TypeError) as info:
            fn()
        msgs.append(str(info.value))
    assert msgs[0] == msgs[1]


def test_disable_torch_function():
    res = {}
    for lib in LIBS:
        MyT = _plain_subclass(lib)
        x = lib.tensor(X).as_subclass(MyT)
        out = [lib._C._is_torch_function_enabled()]
        with lib._C.DisableTorchFunctionSubclass():
            out += [type(x + 1).__name__, type(lib.add(x, 1)).__name__, type(x.sum()).__name__,
                    lib._C._is_torch_function_enabled()]
            _Other.seen = []
            with pytest.raises(TypeError):  # no object dispatches
                lib.add(_Other(), 1)
            out.append(_Other.seen)
        with lib._C.DisableTorchFunction():
            out += [type(x * 2).__name__, lib._C._is_torch_function_enabled()]
        out += [type(x + 1).__name__, lib._C._is_torch_function_enabled()]
        res[lib] = out
    assert res[numtorch] == res[torch]


def test_disabled_impl_opts_out():
    res = {}
    for lib in LIBS:
        class D(lib.Tensor):
            __torch_function__ = lib._C._disabled_torch_function_impl

        d = lib.tensor(X).as_subclass(D)
        res[lib] = [type(d + 1).__name__, type(lib.add(d, 1)).__name__,
                    lib.overrides.has_torch_function_unary(d), type(d).__name__]
    assert res[numtorch] == res[torch]


def test_overrides_helpers():
    res = {}
    for lib in LIBS:
        o = lib.overrides
        MyT = _plain_subclass(lib)
        x = lib.tensor(X).as_subclass(MyT)
        t = lib.tensor(X)
        res[lib] = [
            o.has_torch_function((t,)), o.has_torch_function((t, x)),
            o.has_torch_function_unary(x), o.has_torch_function_variadic(t, 1, x),
            o.has_torch_function_variadic(t, 1), o.is_tensor_like(t), o.is_tensor_like(x),
            o.is_tensor_like(_Other()), o.is_tensor_like(X),
            o.is_tensor_method_or_property(lib.Tensor.add),
            o.is_tensor_method_or_property(lib.Tensor.grad.__get__),
            o.is_tensor_method_or_property(lib.nn.functional.relu),
            o.resolve_name(lib.add), o.resolve_name(lib.Tensor.add),
            o.resolve_name(lib.nn.functional.relu),
            o.resolve_name(lib.linalg.norm), o.resolve_name(lib.Tensor.grad.__get__),
            o.resolve_name(lambda v: v),
            lib.zeros in o.get_ignored_functions(), lib.add in o.get_ignored_functions(),
            lib.add in o.get_overridable_functions()[lib],
            lib.nn.functional.relu in o.get_overridable_functions()[lib.nn.functional],
            lib.Tensor.add in o.get_overridable_functions()[lib.Tensor],
            o.get_testing_overrides()[lib.add](t, t),
            lib.Tensor.grad.__get__ in o.get_default_nowrap_functions(),
            o.is_tensor_like(lib.nn.Parameter(t)),
        ]
    assert res[numtorch] == res[torch]


def test_handle_torch_function_in_user_function():
    res = {}
    for lib in LIBS:
        o = lib.overrides

        def scaled(a, factor=2.0):
            if o.has_torch_function_unary(a):  # noqa: B023
                return o.handle_torch_function(scaled, (a,), a, factor=factor)  # noqa: B023
            return a * factor

        @o.wrap_torch_function(lambda a, b=None: (a,))
        def shifted(a, b=None):
            return a + 1

        class L(lib.Tensor):
            @classmethod
            def __torch_function__(cls, func, types, args=(), kwargs=None):
                if func is scaled:
                    return ("scaled", len(args), kwargs)
                if func is shifted:
                    return ("shifted", len(args), kwargs)
                return super().__torch_function__(func, types, args, kwargs)

        x = lib.tensor(X).as_subclass(L)
        t = lib.tensor(X)
        res[lib] = [scaled(x), scaled(t).tolist(), shifted(x), shifted(t).tolist()]
        with pytest.raises(TypeError) as info:
            class N:
                @classmethod
                def __torch_function__(cls, func, types, args=(), kwargs=None):
                    return NotImplemented
            N.__qualname__ = "N"
            o.handle_torch_function(scaled, (N(),), N())
        res[lib].append(str(info.value).replace(scaled.__qualname__, "scaled"))
    assert res[numtorch] == res[torch]


def test_as_subclass():
    res = {}
    for lib in LIBS:
        MyT = _plain_subclass(lib)
        base = lib.tensor(X, requires_grad=True)
        y = base.as_subclass(MyT)
        (y * 3).sum().backward()
        plain = lib.tensor(X)
        z = plain.as_subclass(MyT)
        z.add_(1)  # shares memory
        out = [type(y).__name__, y.requires_grad, base.grad.tolist(), plain.tolist(),
               type(z.as_subclass(lib.Tensor)).__name__]
        made = lib.Tensor._make_subclass(MyT, base * 2, True)
        out += [type(made).__name__, made.requires_grad, made.is_leaf, made.tolist()]
        for bad in (int, 3):
            with pytest.raises(TypeError) as info:
                plain.as_subclass(bad)
            out.append(str(info.value))
        res[lib] = out
    assert res[numtorch] == res[torch]


class _Saved(numtorch.Tensor):
    pass


class _SavedT(torch.Tensor):
    pass


def test_subclass_pickle_and_deepcopy():
    for cls, lib in ((_Saved, numtorch), (_SavedT, torch)):
        x = lib.tensor(X).as_subclass(cls)
        x.note = "kept"
        y = pickle.loads(pickle.dumps(x))
        assert type(y) is cls and y.note == "kept" and y.tolist() == x.tolist()
    z = copy.deepcopy(numtorch.tensor(X).as_subclass(_Saved))
    assert type(z) is _Saved and z.tolist() == numtorch.tensor(X).tolist()


def test_torch_function_mode():
    res = {}
    for lib in LIBS:
        seen = []

        class M(lib.overrides.TorchFunctionMode):
            def __torch_function__(self, func, types, args=(), kwargs=None):
                seen.append(lib.overrides.resolve_name(func))  # noqa: B023
                return func(*args, **(kwargs or {}))

        a = lib.tensor(X)
        with M():
            r = [lib.add(a, 1).tolist(), lib.nn.functional.relu(a).tolist(),
                 lib.sum(a).item(), lib.cat([a, a]).shape[0]]
        lib.add(a, 1)
        res[lib] = (r, seen)
    assert res[numtorch] == res[torch]


# -- a torchvision tv_tensors-like subclass: metadata, unwrapped results but for a few methods --
def _tv_tensors(lib):
    class TVTensor(lib.Tensor):
        @classmethod
        def _wrap_output(cls, output, like):
            return output

        @classmethod
        def __torch_function__(cls, func, types, args=(), kwargs=None):
            if not all(issubclass(cls, t) for t in types):
                return NotImplemented
            with lib._C.DisableTorchFunctionSubclass():
                output = func(*args, **(kwargs or {}))
            keep = {lib.Tensor.clone, lib.Tensor.to, lib.Tensor.detach,
                    lib.Tensor.requires_grad_}
            if func in keep and isinstance(args[0], cls):
                return cls._wrap_output(output, args[0])
            return output

        def __repr__(self, *, tensor_contents=None):
            with lib._C.DisableTorchFunctionSubclass():
                return lib.Tensor.__repr__(self, tensor_contents=tensor_contents) + \
                    f" {type(self).__name__}-meta={getattr(self, 'meta', None)}"

    class Image(TVTensor):
        @classmethod
        def _wrap(cls, t):
            return t.as_subclass(cls)

        def __new__(cls, data):
            return cls._wrap(lib.as_tensor(data).clone())

        @classmethod
        def _wrap_output(cls, output, like):
            return cls._wrap(output)

    class BoundingBoxes(TVTensor):
        __torch_function__ = TVTensor.__torch_function__.__func__

        @classmethod
        def _wrap(cls, t, *, fmt, canvas_size):
            out = t.as_subclass(cls)
            out.fmt = fmt
            out.canvas_size = canvas_size
            return out

        def __new__(cls, data, *, fmt, canvas_size):
            return cls._wrap(lib.as_tensor(data), fmt=fmt, canvas_size=canvas_size)

        @classmethod
        def _wrap_output(cls, output, like):
            return cls._wrap(output, fmt=like.fmt, canvas_size=like.canvas_size)

        @property
        def meta(self):
            return (self.fmt, self.canvas_size)

    BoundingBoxes.__torch_function__ = classmethod(TVTensor.__torch_function__.__func__)
    return Image, BoundingBoxes, TVTensor


def test_tv_tensors_like_subclasses():
    res = {}
    for lib in LIBS:
        Image, BoundingBoxes, TVTensor = _tv_tensors(lib)
        img = Image(np.arange(12, dtype=np.float32).reshape(3, 2, 2))
        boxes = BoundingBoxes([[0, 1, 4, 5]], fmt="XYXY", canvas_size=(8, 8))
        F = lib.nn.functional
        outs = {
            "img": img, "clone": img.clone(), "to": img.to(lib.float64),
            "detach": img.detach(), "add": img + 1, "radd": 2 * img, "sum": img.sum(),
            "flip": img.flip(-1), "pad": F.pad(img, (1, 1)), "interp": F.interpolate(
                img[None], size=(4, 4), mode="nearest"), "cat": lib.cat([img, img]),
            "boxes": boxes, "boxes clone": boxes.clone(), "boxes add": boxes + 1,
            "boxes to": boxes.to(lib.float32), "boxes idx": boxes[:, 0],
            "req": Image(np.ones((1, 2, 2), np.float32)).requires_grad_(),
        }
        summary = {}
        for key, v in outs.items():
            meta = getattr(v, "meta", None) if isinstance(v, BoundingBoxes) else None
            summary[key] = (type(v).__name__, v.detach().tolist() if isinstance(v, lib.Tensor)
                            else v, meta)
        summary["repr"] = repr(boxes.clone())
        summary["isinstance"] = [isinstance(img, TVTensor), isinstance(boxes, lib.Tensor)]
        res[lib] = summary
    assert res[numtorch] == res[torch]


def test_nested_modes_and_restore():
    res = {}
    before = dict(vars(numtorch.Tensor))
    for lib in LIBS:
        seen = []

        def make(tag, lib=lib, seen=seen):
            class M(lib.overrides.TorchFunctionMode):
                def __torch_function__(self, func, types, args=(), kwargs=None):
                    seen.append((tag, lib.overrides.resolve_name(func)))
                    return func(*args, **(kwargs or {}))
            return M()

        a = lib.tensor(X)
        with make("outer"):
            with make("inner"):
                r = lib.mul(a, 2).sum().item()
            lib.neg(a)
            with pytest.raises(ValueError), make("raising"):
                raise ValueError
            lib.exp(a)
        lib.add(a, 1)
        res[lib] = (r, seen)
    assert res[numtorch] == res[torch]
    assert dict(vars(numtorch.Tensor)) == before
    assert numtorch.overrides._get_current_function_mode() is None


def test_variadic_and_python_functions_keep_the_subclass():
    res = {}
    for lib in LIBS:
        S = _plain_subclass(lib)
        p = lib.arange(6.0).reshape(2, 3)
        s = p.as_subclass(S)
        F = lib.nn.functional
        outs = [lib.broadcast_tensors(s, p), lib.meshgrid(s[0], p[1], indexing="ij"),
                lib.einsum("ij->ji", s), lib.atleast_2d(s[0]), F.linear(s, p, None),
                lib.where(p > 1, s, p), lib.stack((s, p)), F.pad(s, (1, 1)),
                lib.block_diag(s, p), lib.split(s, 1), lib.cdist(s, p),
                lib.tensordot(s, p.T, 1), lib.clamp(s, min=p), lib.norm(s),
                lib.overrides.has_torch_function((p, [s]))]

        def show(o, lib=lib):
            if isinstance(o, (list, tuple)):
                return [show(x) for x in o]
            return (type(o).__name__, o.tolist()) if isinstance(o, lib.Tensor) else o

        res[lib] = show(outs)
    assert res[numtorch] == res[torch]


def test_public_functions_pickle_by_reference():
    F = numtorch.nn.functional
    for fn in (numtorch.add, numtorch.cat, numtorch.sum, numtorch.linalg.norm, F.relu,
               numtorch.special.expit, numtorch.fft.fft, numtorch.Tensor.sum):
        assert pickle.loads(pickle.dumps(fn)) is fn
