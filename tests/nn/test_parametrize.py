"""``nn.utils.parametrize`` and ``nn.utils.parametrizations`` (plus the hook-based
``weight_norm``/``spectral_norm``) against torch: values, gradients, state_dict keys, class
names, reprs, errors and the same-seed initial vectors."""

import copy
import pickle
import warnings

import pytest

from tests.nn._utils_scenario import outcome, run_both


def _mods(lib):
    nn = lib.nn

    class Sym(nn.Module):
        def forward(self, X):
            return X.triu() + X.triu(1).transpose(-1, -2)

    class Skew(nn.Module):
        def forward(self, X):
            return X.triu(1) - X.triu(1).transpose(-1, -2)

        def right_inverse(self, A):
            return A.triu(1)

    class Split(nn.Module):
        def forward(self, A, B):
            return A + B

        def right_inverse(self, X):
            return (X * 0.25, X * 0.75)

    class Row(nn.Module):
        def forward(self, X):
            return X[0]

    class Double(nn.Module):
        def forward(self, X):
            return X.double()

    class NoInv(nn.Module):
        def forward(self, X):
            return X * 2

    return Sym, Skew, Split, Row, Double, NoInv


def _grads(m):
    return {n: p.grad for n, p in m.named_parameters()}


def test_register_chain_state_dict_and_grads():
    def scenario(lib):
        nn, P = lib.nn, lib.nn.utils.parametrize
        Sym, Skew, Split, *_ = _mods(lib)
        lib.manual_seed(0)
        m = nn.Linear(3, 3).double()
        rec = [P.is_parametrized(m)]
        P.register_parametrization(m, "weight", Skew())
        P.register_parametrization(m, "weight", Skew())
        P.register_parametrization(m, "bias", Split())
        rec += [type(m).__name__, type(m).__mro__[1].__name__, repr(m),
                P.is_parametrized(m), P.is_parametrized(m, "bias"),
                P.is_parametrized(m, "foo"), list(m.state_dict()),
                [n for n, _ in m.named_parameters()],
                P.type_before_parametrizations(m).__name__,
                type(m.weight.grad_fn).__name__, m.weight, m.bias]
        out = m(lib.arange(6.0, dtype=lib.float64).reshape(2, 3))
        out.pow(2).sum().backward()
        rec += [out, _grads(m)]
        m.weight = lib.ones(3, 3, dtype=lib.float64) * 2 - lib.eye(3, dtype=lib.float64)
        m.bias = lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)
        rec += [m.parametrizations.weight.original, m.parametrizations.bias.original0,
                m.parametrizations.bias.original1, m.weight, m.bias]
        m2 = nn.Linear(3, 3).double()
        P.register_parametrization(m2, "weight", Sym())
        rec += [m2.weight, repr(m2.parametrizations)]
        return rec
    run_both(scenario)


def test_cached_and_remove():
    def scenario(lib):
        nn, P = lib.nn, lib.nn.utils.parametrize
        Sym, Skew, Split, *_ = _mods(lib)
        lib.manual_seed(1)
        m = nn.Linear(3, 3)
        P.register_parametrization(m, "weight", Skew())
        P.register_parametrization(m, "bias", Split())
        with P.cached():
            same = m.weight is m.weight
            with P.cached():
                inner = m.weight is m.weight
        rec = [same, inner, m.weight is m.weight]
        rec.append(outcome(P.remove_parametrizations, m, "bias", False))
        w_before = m.weight.detach().clone()
        P.remove_parametrizations(m, "weight", leave_parametrized=True)
        rec += [type(m).__name__, list(m.state_dict()), m.weight, w_before,
                type(m.weight).__name__, m.weight.requires_grad]
        P.remove_parametrizations(m, "bias")
        rec += [type(m).__name__, hasattr(m, "parametrizations"), list(m.state_dict()),
                type(m.bias).__name__, m.bias]
        m3 = nn.Linear(3, 3)
        P.register_parametrization(m3, "weight", Skew())
        P.remove_parametrizations(m3, "weight", leave_parametrized=False)
        rec += [type(m3).__name__, m3.weight]
        return rec
    run_both(scenario)


def test_buffers_and_transfer():
    def scenario(lib):
        nn, P = lib.nn, lib.nn.utils.parametrize
        Sym, Skew, Split, *_ = _mods(lib)
        lib.manual_seed(2)
        bn = nn.BatchNorm1d(3)
        bn.running_mean.add_(lib.arange(3.0))
        P.register_parametrization(bn, "running_mean", Split())
        rec = [list(bn.state_dict()), [n for n, _ in bn.named_buffers()], bn.running_mean]
        src = nn.Linear(3, 3)
        P.register_parametrization(src, "weight", Skew())
        P.register_parametrization(src, "bias", Split())
        dst = nn.Linear(3, 3)
        P.transfer_parametrizations_and_params(src, dst)
        rec += [type(dst).__name__, list(dst.state_dict()),
                dst.parametrizations.weight.original is src.parametrizations.weight.original,
                dst.parametrizations.bias.original1 is src.parametrizations.bias.original1,
                dst.weight, src.weight]
        only = nn.Linear(3, 3)
        P.transfer_parametrizations_and_params(src, only, "weight")
        rec += [list(only.state_dict())]
        plain = nn.Linear(3, 3)
        rec.append(P.transfer_parametrizations_and_params(plain, nn.Linear(3, 3)) is not None)
        return rec
    run_both(scenario)


def test_errors():
    def scenario(lib):
        nn, P = lib.nn, lib.nn.utils.parametrize
        Sym, Skew, Split, Row, Double, NoInv = _mods(lib)
        rec = [outcome(P.register_parametrization, nn.Linear(3, 3), "weight", Row()),
               outcome(P.register_parametrization, nn.Linear(3, 3), "weight", Double()),
               outcome(P.register_parametrization, nn.Linear(3, 3), "foo", Sym()),
               outcome(P.remove_parametrizations, nn.Linear(3, 3), "weight"),
               outcome(P.ParametrizationList, [], lib.ones(2))]
        m = P.register_parametrization(nn.Linear(3, 3), "weight", Sym())
        rec += [outcome(P.register_parametrization, m, "weight", Row()),
                outcome(P.register_parametrization, m, "weight", Double()),
                outcome(setattr, m, "weight", lib.ones(3, 3)),
                outcome(pickle.dumps, m)]
        n = P.register_parametrization(nn.Linear(3, 3), "weight", NoInv())
        rec.append(outcome(setattr, n, "weight", lib.ones(3, 3)))
        s = P.register_parametrization(nn.Linear(3, 3), "weight", Skew())
        c = copy.deepcopy(s)
        rec += [type(c).__name__, P.is_parametrized(c), c.weight]
        rec.append(outcome(setattr, s, "weight", lib.ones(2, 3)))
        rec.append(tuple(s.parametrizations.weight.original.shape))
        rec.append(outcome(setattr, s, "weight", lib.ones(2, 3, dtype=lib.float64)))
        sp = P.register_parametrization(nn.Linear(3, 3), "weight", Split())
        rec.append(outcome(setattr, sp, "weight", lib.ones(2, 3, dtype=lib.float64)))
        sp.weight = lib.ones(2, 3)
        rec.append(tuple(sp.parametrizations.weight.original1.shape))
        u = P.register_parametrization(nn.Linear(3, 3), "weight", Row(), unsafe=True)
        rec.append(tuple(u.weight.shape))
        return rec
    run_both(scenario)


ORTHO = [(mp, shape, triv) for mp in (None, "matrix_exp", "cayley", "householder")
         for shape in ((3, 3), (3, 5), (5, 3)) for triv in (True, False)]


@pytest.mark.parametrize("orthogonal_map,shape,triv", ORTHO)
def test_orthogonal(orthogonal_map, shape, triv):
    def scenario(lib):
        nn = lib.nn
        lib.manual_seed(0)
        m = nn.Linear(shape[1], shape[0]).double()
        r = outcome(nn.utils.parametrizations.orthogonal, m, "weight", orthogonal_map,
                    use_trivialization=triv)
        if isinstance(r, tuple):
            return [r]
        w = m.weight
        rec = [type(m).__name__, repr(m), list(m.state_dict()), type(w.grad_fn).__name__, w,
               w @ w.mT if shape[0] <= shape[1] else w.mT @ w]
        m(lib.ones(2, shape[1], dtype=lib.float64)).pow(2).sum().backward()
        rec.append(_grads(m))
        lib.manual_seed(1)
        target = lib.linalg.qr(lib.randn(max(shape), max(shape), dtype=lib.float64))[0]
        target = target[:shape[0], :shape[1]] if shape[0] >= shape[1] else \
            target[:shape[1], :shape[0]].mT
        rec.append(outcome(setattr, m, "weight", target))
        rec.append(m.weight)
        return rec
    run_both(scenario, rtol=1e-6, atol=1e-8)


def test_orthogonal_errors():
    def scenario(lib):
        PZ = lib.nn.utils.parametrizations
        return [outcome(PZ.orthogonal, lib.nn.Linear(3, 3), "bias"),
                outcome(PZ.orthogonal, lib.nn.Linear(3, 3), "foo"),
                outcome(PZ.orthogonal, lib.nn.Linear(3, 3), "weight", "bad"),
                outcome(setattr, PZ.orthogonal(lib.nn.Linear(3, 3)), "weight", lib.ones(2, 3)),
                outcome(setattr, PZ.orthogonal(lib.nn.Linear(3, 3), use_trivialization=False),
                        "weight", lib.eye(3))]
    run_both(scenario)


@pytest.mark.parametrize("kw", [{}, dict(dim=1), dict(n_power_iterations=3), dict(eps=1e-3)])
def test_parametrizations_spectral_norm(kw):
    def scenario(lib):
        nn = lib.nn
        lib.manual_seed(0)
        m = nn.utils.parametrizations.spectral_norm(nn.Linear(4, 3).double(), **kw)
        sn = m.parametrizations.weight[0]
        rec = [list(m.state_dict()), sn._u.clone(), sn._v.clone(), repr(m)]
        y = m(lib.ones(2, 4, dtype=lib.float64))
        y.sum().backward()
        rec += [y, type(m.weight.grad_fn).__name__, _grads(m), sn._u, sn._v]
        m.eval()
        rec += [m.weight, m.weight]
        m.train()
        rec.append(m.weight)
        return rec
    run_both(scenario)


def test_parametrizations_spectral_norm_conv_and_errors():
    def scenario(lib):
        nn = lib.nn
        PZ = nn.utils.parametrizations
        lib.manual_seed(0)
        ct = PZ.spectral_norm(nn.ConvTranspose2d(2, 3, 3).double())
        sn = ct.parametrizations.weight[0]
        rec = [sn.dim, sn._u, sn._v, ct.weight]
        c1 = PZ.spectral_norm(nn.Conv1d(2, 3, 2).double(), dim=-1)
        rec += [c1.parametrizations.weight[0].dim, c1.weight]
        rec += [outcome(PZ.spectral_norm, nn.Linear(3, 3), "weight", 0),
                outcome(PZ.spectral_norm, nn.Linear(3, 3), "weight", 1, 1e-12, 2),
                outcome(PZ.spectral_norm, nn.Linear(3, 3), "foo")]
        b = PZ.spectral_norm(nn.Linear(3, 3).double(), "bias")
        rec.append(b.bias)
        return rec
    run_both(scenario)


@pytest.mark.parametrize("dim", [0, 1, None, -1, -2])
def test_parametrizations_weight_norm(dim):
    def scenario(lib):
        nn = lib.nn
        lib.manual_seed(0)
        m = nn.utils.parametrizations.weight_norm(nn.Linear(4, 3).double(), dim=dim)
        rec = [list(m.state_dict()), type(m.weight.grad_fn).__name__, m.weight, repr(m)]
        m(lib.ones(2, 4, dtype=lib.float64)).pow(2).sum().backward()
        rec.append(_grads(m))
        old = {"weight_g": m.parametrizations.weight.original0.detach() * 2,
               "weight_v": m.parametrizations.weight.original1.detach(),
               "bias": m.bias.detach()}
        m.load_state_dict(old)
        rec.append(m.weight)
        return rec
    run_both(scenario)


def test_parametrizations_weight_norm_conv():
    def scenario(lib):
        nn = lib.nn
        rec = []
        for dim in (0, 1, 2, 3):
            lib.manual_seed(0)
            m = nn.utils.parametrizations.weight_norm(nn.Conv2d(2, 3, 3).double(), dim=dim)
            m(lib.ones(1, 2, 4, 4, dtype=lib.float64)).sum().backward()
            rec += [type(m.weight.grad_fn).__name__, m.weight, _grads(m)]
        return rec
    run_both(scenario)


@pytest.mark.parametrize("dim", [0, 1, None])
def test_hook_weight_norm(dim):
    def scenario(lib):
        nn = lib.nn
        lib.manual_seed(0)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            m = nn.utils.weight_norm(nn.Linear(4, 3).double(), dim=dim)
        rec = [[(x.category.__name__, str(x.message)) for x in w], list(m.state_dict()),
               [type(h).__name__ for h in m._forward_pre_hooks.values()]]
        y = m(lib.ones(2, 4, dtype=lib.float64))
        y.pow(2).sum().backward()
        rec += [y, type(m.weight.grad_fn).__name__, _grads(m)]
        nn.utils.remove_weight_norm(m)
        rec += [list(m.state_dict()), m.weight, type(m.weight).__name__,
                len(m._forward_pre_hooks)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            twice = nn.utils.weight_norm(nn.Linear(3, 3))
            rec.append(outcome(nn.utils.weight_norm, twice))
        rec.append(outcome(nn.utils.remove_weight_norm, nn.Linear(3, 3)))
        return rec
    run_both(scenario)


@pytest.mark.parametrize("kw", [{}, dict(dim=1), dict(n_power_iterations=3), dict(eps=1e-3)])
def test_hook_spectral_norm(kw):
    def scenario(lib):
        nn = lib.nn
        lib.manual_seed(0)
        m = nn.utils.spectral_norm(nn.Linear(4, 3).double(), **kw)
        rec = [list(m.state_dict()), m.weight_u.clone(), m.weight_v.clone(),
               type(m.weight).__name__, m.weight]
        y = m(lib.ones(2, 4, dtype=lib.float64))
        y.sum().backward()
        rec += [y, type(m.weight.grad_fn).__name__, _grads(m), m.weight_u, m.weight_v]
        m.eval()
        m(lib.ones(1, 4, dtype=lib.float64))
        rec.append(m.weight)
        nn.utils.remove_spectral_norm(m)
        rec += [list(m.state_dict()), m.weight, type(m.weight).__name__]
        return rec
    run_both(scenario)


def test_hook_spectral_norm_conv_and_errors():
    def scenario(lib):
        nn = lib.nn
        lib.manual_seed(0)
        ct = nn.utils.spectral_norm(nn.ConvTranspose2d(2, 3, 3))
        rec = [ct.weight_u, ct.weight_v]
        twice = nn.utils.spectral_norm(nn.Linear(3, 3))
        rec += [outcome(nn.utils.spectral_norm, twice),
                outcome(nn.utils.spectral_norm, nn.Linear(3, 3), "weight", 0),
                outcome(nn.utils.remove_spectral_norm, nn.Linear(3, 3))]
        return rec
    run_both(scenario)


def test_same_seed_vectors_torch_float32():
    """Default-dtype modules: the initial power-iteration vectors are bit-identical."""
    def scenario(lib):
        lib.manual_seed(123)
        a = lib.nn.utils.parametrizations.spectral_norm(lib.nn.Conv2d(3, 4, 3))
        b = lib.nn.utils.spectral_norm(lib.nn.Linear(5, 6))
        return [a.parametrizations.weight[0]._u, a.parametrizations.weight[0]._v,
                b.weight_u, b.weight_v]
    ours, theirs = run_both(scenario, rtol=1e-6, atol=1e-7)
    assert ours[2].tolist() == theirs[2].tolist() and ours[3].tolist() == theirs[3].tolist()


@pytest.mark.parametrize("dim", [0, 1])
def test_weight_norm_second_order(dim):
    def scenario(lib):
        lib.manual_seed(0)
        m = lib.nn.utils.parametrizations.weight_norm(lib.nn.Linear(4, 3).double(), dim=dim)
        g, v = m.parametrizations.weight.original0, m.parametrizations.weight.original1
        y = m(lib.arange(8.0, dtype=lib.float64).view(2, 4)).pow(2).sum()
        dg, dv = lib.autograd.grad(y, [g, v], create_graph=True)
        gg, gv = lib.autograd.grad((dg.pow(2).sum() + dv.pow(3).sum()), [g, v])
        return [y, dg, dv, gg, gv]
    run_both(scenario)


def test_load_state_dict_into_parametrized_module():
    def scenario(lib):
        P = lib.nn.utils.parametrize
        Sym, Skew, *_ = _mods(lib)
        lib.manual_seed(0)
        src = P.register_parametrization(lib.nn.Linear(3, 3), "weight", Skew())
        dst = P.register_parametrization(lib.nn.Linear(3, 3), "weight", Skew())
        result = dst.load_state_dict(src.state_dict())
        plain = lib.nn.Linear(3, 3)
        bad = outcome(plain.load_state_dict, src.state_dict())
        return [repr(result), dst.weight, src.weight, bad[:2]]
    run_both(scenario)


def test_hook_spectral_norm_old_checkpoint():
    """A checkpoint without ``weight_v`` (the layout before version 1) gets ``v`` rebuilt."""
    def scenario(lib):
        lib.manual_seed(0)
        m = lib.nn.utils.spectral_norm(lib.nn.Linear(4, 3).double())
        m(lib.ones(1, 4, dtype=lib.float64))
        sd = {"weight_orig": m.weight_orig.detach().clone(), "weight": m.weight.detach().clone(),
              "weight_u": m.weight_u.clone(), "bias": m.bias.detach().clone()}
        lib.manual_seed(1)
        fresh = lib.nn.utils.spectral_norm(lib.nn.Linear(4, 3).double())
        fresh.load_state_dict(sd)
        keys = list(fresh.state_dict())
        lib.nn.utils.remove_spectral_norm(fresh)
        return [keys, fresh.weight, len(fresh._state_dict_hooks)]
    run_both(scenario, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("orthogonal_map", [None, "matrix_exp", "cayley", "householder"])
@pytest.mark.parametrize("kind", ["batch_square", "batch_tall", "complex"])
def test_orthogonal_batched_and_complex(orthogonal_map, kind):
    def scenario(lib):
        nn = lib.nn

        class Holder(nn.Module):
            def __init__(self, w):
                super().__init__()
                self.weight = nn.Parameter(w)

        g = [lib.Generator().manual_seed(s) for s in (0, 1)]
        if kind == "complex":
            w = lib.complex(lib.randn(3, 3, dtype=lib.float64, generator=g[0]),
                            lib.randn(3, 3, dtype=lib.float64, generator=g[1]))
        else:
            shape = (2, 3, 3) if kind == "batch_square" else (2, 4, 2)
            w = lib.randn(*shape, dtype=lib.float64, generator=g[0])
        lib.manual_seed(0)
        m = Holder(w)
        r = outcome(nn.utils.parametrizations.orthogonal, m, "weight", orthogonal_map)
        if isinstance(r, tuple):
            return [r]
        rec = [m.weight]
        if kind != "complex":
            m.weight.pow(2).sum().backward()
            rec.append(m.parametrizations.weight.original.grad)
        return rec
    run_both(scenario, rtol=1e-6, atol=1e-9)
