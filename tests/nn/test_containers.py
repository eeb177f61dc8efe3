"""Containers against torch: indexing, slicing, mutation, traversal names and repr."""

from collections import OrderedDict

import numpy as np
import pytest
import torch

import numtorch


def _same(fn):
    """``fn(lib)`` returns something printable; torch's and numtorch's must be equal."""
    res = []
    for lib in (torch, numtorch):
        lib.manual_seed(0)
        try:
            res.append(("ok", fn(lib)))
        except Exception as e:  # noqa: BLE001
            res.append((type(e).__name__, str(e)))
    assert res[0] == res[1], f"{res[1]} != torch {res[0]}"


def test_sequential_indexing_slicing_mutation():
    def make(lib):
        nn = lib.nn
        return nn.Sequential(nn.ReLU(), nn.Tanh(), nn.Sigmoid())

    _same(lambda lib: repr(make(lib)[1:]))
    _same(lambda lib: repr(make(lib)[-1]))
    _same(lambda lib: len(make(lib)))
    _same(lambda lib: repr(make(lib)[10]))
    _same(lambda lib: repr(make(lib)[-10]))

    def mutate(lib):
        s = make(lib)
        s.append(lib.nn.ReLU())
        del s[0]
        s[0] = lib.nn.ELU()
        s.insert(1, lib.nn.GELU())
        s.extend([lib.nn.SiLU()])
        s += lib.nn.Sequential(lib.nn.Mish())
        s.pop(0)
        return repr(s) + repr(s + lib.nn.Sequential(lib.nn.Tanh())) + repr([type(m).__name__
                                                                              for m in s])
    _same(mutate)
    _same(lambda lib: repr(make(lib).insert(5, lib.nn.ReLU())))
    _same(lambda lib: repr(lib.nn.Sequential(OrderedDict([("a", lib.nn.ReLU()),
                                                          ("b", lib.nn.Tanh())]))[1:]))
    _same(lambda lib: repr(lib.nn.Sequential(1)))
    _same(lambda lib: repr(lib.nn.Sequential()))
    _same(lambda lib: repr(make(lib) * 2))


def test_sequential_forward_graph():
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.Sequential(lib.nn.Linear(4, 3), lib.nn.ReLU(), lib.nn.Linear(3, 2))
        lib.manual_seed(1)
        y = m(lib.randn(5, 4))
        return repr(y)
    _same(run)


def test_module_list():
    def ops(lib):
        nn = lib.nn
        ml = nn.ModuleList([nn.ReLU()])
        ml.extend([nn.Tanh()])
        ml.insert(0, nn.ELU())
        ml += [nn.ReLU()]
        ml.append(nn.Linear(2, 2))
        out = [repr(ml), repr(ml[1:]), type(ml[1:]).__name__, repr(ml.pop(1)), repr(ml)]
        del ml[0]
        ml[0] = nn.Sigmoid()
        out += [repr(ml), len(ml), repr(ml + nn.ModuleList([nn.Tanh()]))]
        out += [[n for n, _ in ml.named_parameters()]]
        return out
    _same(ops)
    _same(lambda lib: repr(lib.nn.ModuleList()[3]))
    _same(lambda lib: repr(lib.nn.ModuleList()))


def test_module_list_repr_collapses_runs():
    def make(lib):
        nn = lib.nn
        return repr(nn.ModuleList([nn.Linear(2, 2) for _ in range(3)] +
                                  [nn.ReLU(), nn.ReLU(), nn.Linear(2, 3),
                                   nn.Sequential(nn.ReLU(), nn.Tanh()),
                                   nn.Sequential(nn.ReLU(), nn.Tanh())]))
    _same(make)


def test_module_dict():
    def ops(lib):
        nn = lib.nn
        md = nn.ModuleDict({"a": nn.ReLU()})
        md["b"] = nn.Tanh()
        md.update({"c": nn.ELU()})
        md.update([("d", nn.Linear(1, 1))])
        out = [list(md.keys()), repr(md.pop("a")), repr(md), len(md), "b" in md,
               [type(v).__name__ for v in md.values()], [k for k, _ in md.items()], list(md)]
        del md["b"]
        out.append(repr(md))
        md.clear()
        out.append(repr(md))
        return out
    _same(ops)
    _same(lambda lib: repr(lib.nn.ModuleDict({"a": lib.nn.ReLU()})["zz"]))


def test_parameter_list_and_dict():
    def pl(lib):
        nn = lib.nn
        p = nn.ParameterList([nn.Parameter(lib.ones(2, 3)), lib.ones(2, dtype=lib.float64)])
        p.append(lib.ones(3))
        p.extend([nn.Parameter(lib.zeros(1))])
        p[0] = lib.zeros(2, 3)
        return [repr(p), len(p), [n for n, _ in p.named_parameters()],
                [type(x).__name__ for x in p], repr(p[1:]), repr(nn.ParameterList()),
                repr(nn.ParameterList([nn.Parameter(lib.ones(2))]))]
    _same(pl)

    def pd(lib):
        nn = lib.nn
        d = nn.ParameterDict({"x": nn.Parameter(lib.ones(2, 3)), "a": lib.ones(1)})
        d["y"] = lib.zeros(2)
        d.update(OrderedDict([("z", nn.Parameter(lib.ones(4)))]))
        out = [repr(d), list(d.keys()), [n for n, _ in d.named_parameters()], len(d),
               "x" in d, type(d["a"]).__name__]
        out.append(repr(d.pop("x")))
        out.append(repr(d))
        out.append(repr(d.get("nope", 3)))
        return out
    _same(pd)


def test_nested_repr_and_state_dict():
    def make(lib):
        nn = lib.nn
        lib.manual_seed(0)
        m = nn.Sequential(
            OrderedDict([
                ("enc", nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Flatten(0))),
                ("blocks", nn.ModuleList([nn.Linear(8, 8) for _ in range(2)])),
                ("heads", nn.ModuleDict({"cls": nn.Linear(8, 3), "reg": nn.Identity()})),
                ("params", nn.ParameterList([nn.Parameter(lib.ones(3))])),
                ("unflat", nn.Unflatten(1, (2, 4))),
            ]))
        return m

    _same(lambda lib: repr(make(lib)))
    _same(lambda lib: list(make(lib).state_dict()))
    t, n = make(torch), make(numtorch)
    for (k, a), (_, b) in zip(t.state_dict().items(), n.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


@pytest.mark.parametrize("args", [(), (0,), (1, 2), (0, -1)])
def test_flatten_unflatten(args):
    def run(lib):
        x = lib.arange(24.0).reshape(2, 3, 4).requires_grad_()
        y = lib.nn.Flatten(*args)(x)
        z = lib.nn.Unflatten(-1, (y.shape[-1],))(y)
        return repr(y), repr(z), repr(lib.nn.Flatten(*args))
    _same(run)
    _same(lambda lib: repr(lib.nn.Unflatten(1, lib.Size([2, 2]))))
    _same(lambda lib: repr(lib.nn.Unflatten(1, [2, 2])))
    _same(lambda lib: repr(lib.nn.Unflatten(1, 4)))


def test_unflatten_errors():
    _same(lambda lib: repr(lib.nn.Unflatten(1, [2, "x"])))
    _same(lambda lib: repr(lib.nn.Unflatten("x", (("a", 2),))))
