"""The rest of ``nn.utils`` against torch: fusion, ``stateless.functional_call``,
``skip_init``, memory-format conversion, clipping and parameter/vector conversion."""

import warnings

import pytest

from tests.nn._utils_scenario import outcome, run_both


def _conv_bn(lib, conv_cls, bn_cls, transpose, bias, affine):
    lib.manual_seed(0)
    conv = conv_cls(2, 3, 2, bias=bias).double()
    bn = bn_cls(3, affine=affine).double()
    with lib.no_grad():
        bn.running_mean.copy_(lib.tensor([0.5, -1.0, 2.0]))
        bn.running_var.copy_(lib.tensor([1.5, 0.25, 3.0]))
        if affine:
            bn.weight.copy_(lib.tensor([2.0, -0.5, 1.0]))
            bn.bias.copy_(lib.tensor([0.1, 0.2, -0.3]))
    return conv.eval(), bn.eval()


CONV_CASES = [("Conv1d", "BatchNorm1d", False, True, True),
              ("Conv2d", "BatchNorm2d", False, False, True),
              ("Conv2d", "BatchNorm2d", False, True, False),
              ("ConvTranspose2d", "BatchNorm2d", True, True, True),
              ("Conv3d", "BatchNorm3d", False, True, True)]


@pytest.mark.parametrize("conv,bn,transpose,bias,affine", CONV_CASES)
def test_fuse_conv_bn(conv, bn, transpose, bias, affine):
    def scenario(lib):
        c, b = _conv_bn(lib, getattr(lib.nn, conv), getattr(lib.nn, bn), transpose, bias,
                        affine)
        fused = lib.nn.utils.fuse_conv_bn_eval(c, b, transpose=transpose)
        nd = {"1": 1, "2": 2, "3": 3}[conv[-2]]
        lib.manual_seed(1)
        x = lib.randn(1, 2, *([4] * nd), dtype=lib.float64)
        w, bb = lib.nn.utils.fuse_conv_bn_weights(c.weight, c.bias, b.running_mean,
                                                  b.running_var, b.eps, b.weight, b.bias,
                                                  transpose)
        return [fused(x), b(c(x)), type(fused).__name__, fused is c, type(w).__name__,
                w.requires_grad, bb.requires_grad, w, bb, dict(fused.state_dict())]
    run_both(scenario)


@pytest.mark.parametrize("features", [3, 1])
def test_fuse_linear_bn(features):
    def scenario(lib):
        lib.manual_seed(0)
        lin = lib.nn.Linear(4, 3).double().eval()
        bn = lib.nn.BatchNorm1d(features).double().eval()
        with lib.no_grad():
            bn.running_mean.add_(0.5)
            bn.running_var.mul_(2.0)
        fused = lib.nn.utils.fuse_linear_bn_eval(lin, bn)
        x = lib.arange(8.0, dtype=lib.float64).view(2, 4)
        w, b = lib.nn.utils.fuse_linear_bn_weights(lin.weight, None, bn.running_mean,
                                                   bn.running_var, bn.eps, bn.weight, bn.bias)
        ref = bn(lin(x)) if features == 3 else None
        return [fused(x), ref, w, b, b.requires_grad]
    run_both(scenario)


def test_fuse_errors():
    def scenario(lib):
        nn = lib.nn
        return [outcome(nn.utils.fuse_conv_bn_eval, nn.Conv2d(2, 3, 2), nn.BatchNorm2d(3)),
                outcome(nn.utils.fuse_linear_bn_eval, nn.Linear(2, 3).eval(),
                        nn.BatchNorm1d(2).eval())]
    run_both(scenario)


class _Tied:
    @staticmethod
    def make(lib):
        class Tied(lib.nn.Module):
            def __init__(self):
                super().__init__()
                self.a = lib.nn.Linear(2, 2)
                self.b = lib.nn.Linear(2, 2)
                self.b.weight = self.a.weight
                self.register_buffer("scale", lib.tensor(2.0))

            def forward(self, x, shift=0.0):
                return self.b(self.a(x)) * self.scale + shift
        lib.manual_seed(0)
        return Tied()


def test_functional_call():
    def scenario(lib):
        fc = lib.nn.utils.stateless.functional_call
        rec = []
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            lib.manual_seed(0)
            m = lib.nn.Linear(3, 2)
            x = lib.ones(1, 3)
            new_w = lib.ones(2, 3, requires_grad=True)
            y = fc(m, {"weight": new_w}, x)
            y.sum().backward()
            rec += [y, new_w.grad, m.weight.grad is None, m(x)]
            rec.append(fc(m, {"weight": lib.ones(2, 3)}, kwargs={"input": x}))
            rec.append(fc(m, {"weight": lib.ones(2, 3), "foo": lib.ones(1)}, (x,)))
            rec.append(outcome(fc, m, {"weight": lib.ones(2, 3), "foo": lib.ones(1)}, (x,),
                               strict=True))
            rec.append(outcome(fc, m, {"weight": lib.ones(2, 3)}, (x,), strict=True))
            rec.append(fc(m, {"weight": lib.ones(2, 3), "bias": lib.zeros(2)}, (x,),
                          strict=True))
            t = _Tied.make(lib)
            xi = lib.ones(1, 2)
            eye2 = lib.eye(2) * 2
            rec += [fc(t, {"a.weight": eye2}, (xi,)),
                    fc(t, {"a.weight": eye2}, (xi,), tie_weights=False),
                    outcome(fc, t, {"a.weight": eye2, "b.weight": lib.eye(2)}, (xi,)),
                    fc(t, {"a.weight": eye2, "b.weight": lib.eye(2)}, (xi,), tie_weights=False),
                    fc(t, {"scale": lib.tensor(3.0)}, (xi,), {"shift": 1.0}),
                    t(xi), list(t.state_dict())]
        rec.append([(x.category.__name__, str(x.message)) for x in w][:1])
        rec.append(len(w))
        return rec
    run_both(scenario)


def test_skip_init():
    def scenario(lib):
        su = lib.nn.utils.skip_init
        lib.manual_seed(0)
        before = lib.rand(3)
        lib.manual_seed(0)
        m = su(lib.nn.Linear, 3, 2, bias=True, device="cpu")
        after = lib.rand(3)

        class NoDev(lib.nn.Module):
            def __init__(self):
                super().__init__()
        return [before, after, type(m).__name__, tuple(m.weight.shape), m.weight.requires_grad,
                str(m.weight.device), outcome(su, int), outcome(su, NoDev)]
    run_both(scenario)


def test_convert_memory_format():
    def scenario(lib):
        lib.manual_seed(0)
        seq = lib.nn.Sequential(lib.nn.Conv2d(2, 3, 2), lib.nn.ReLU(),
                                lib.nn.Sequential(lib.nn.ConvTranspose2d(3, 2, 2)),
                                lib.nn.Conv3d(1, 1, 1))
        before = [p.detach().clone() for p in seq.parameters()]
        out = lib.nn.utils.convert_conv2d_weight_memory_format(seq, lib.channels_last)
        out3 = lib.nn.utils.convert_conv3d_weight_memory_format(seq, lib.channels_last_3d)
        return [out is seq, out3 is seq, before, list(seq.parameters()),
                seq[0].weight.is_contiguous(memory_format=lib.channels_last),
                type(seq[0].weight).__name__]
    run_both(scenario)


def test_clip_and_vector_helpers():
    def scenario(lib):
        U = lib.nn.utils
        lib.manual_seed(0)
        m = lib.nn.Linear(3, 2).double()
        m(lib.ones(4, 3, dtype=lib.float64) * 3).pow(2).sum().backward()
        ps = list(m.parameters())
        rec = [U.get_total_norm([p.grad for p in ps]), U.get_total_norm([p.grad for p in ps], 1),
               U.get_total_norm([p.grad for p in ps], float("inf")), U.get_total_norm([])]
        total = U.get_total_norm([p.grad for p in ps])
        U.clip_grads_with_norm_(ps, 1.0, total)
        rec.append([p.grad.clone() for p in ps])
        U.clip_grad_value_(ps, 0.1)
        rec.append([p.grad.clone() for p in ps])
        vec = U.parameters_to_vector(ps)
        rec += [vec, type(vec.grad_fn).__name__]
        U.vector_to_parameters(vec * 2, ps)
        rec += [list(m.parameters()), outcome(U.vector_to_parameters, [1.0], ps)]
        return rec
    run_both(scenario)



def test_functional_call_parametrized():
    def scenario(lib):
        nn = lib.nn
        fc = nn.utils.stateless.functional_call

        class Skew(nn.Module):
            def forward(self, X):
                return X.triu(1) - X.triu(1).transpose(-1, -2)

        class Scale(nn.Module):
            def forward(self, X):
                return X * 2

            def right_inverse(self, X):
                return X / 2

        lib.manual_seed(0)
        m = nn.utils.parametrize.register_parametrization(nn.Linear(3, 3), "weight", Skew())
        s = nn.utils.parametrize.register_parametrization(nn.Linear(3, 3), "weight", Scale())
        x = lib.ones(1, 3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return [outcome(fc, m, {"weight": lib.eye(3)}, (x,)),
                    fc(m, {"parametrizations.weight.original": lib.ones(3, 3)}, (x,)), m(x),
                    fc(s, {"weight": lib.eye(3)}, (x,)), s(x),
                    s.parametrizations.weight.original]
    run_both(scenario)
