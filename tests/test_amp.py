"""torch.autocast / torch.amp.GradScaler against torch: which ops run in which dtype under CPU
autocast (and their graphs), the autocast state functions, warnings of the deprecated and
unavailable spellings, the scaler's protocol, and mixed-precision training steps."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import numtorch as nt
from tests.oracle import check_raises, graph_names

RNG = np.random.default_rng(0)
A = RNG.standard_normal((4, 6)).astype(np.float32)
W = RNG.standard_normal((5, 6)).astype(np.float32)
B = RNG.standard_normal(5).astype(np.float32)
IMG = RNG.standard_normal((2, 3, 6, 6)).astype(np.float32)
K = RNG.standard_normal((4, 3, 3, 3)).astype(np.float32)

OPS = {
    "linear": lambda L, a, w, b: L.nn.functional.linear(a, w, b),
    "linear_nobias": lambda L, a, w, b: L.nn.functional.linear(a, w),
    "mm": lambda L, a, w, b: L.mm(a, w.t()),
    "matmul_1d": lambda L, a, w, b: L.matmul(a[0], w[0]),
    "matmul_3d": lambda L, a, w, b: L.matmul(a.unsqueeze(0).expand(2, 4, 6), w.t()),
    "bmm": lambda L, a, w, b: L.bmm(a.unsqueeze(0), w.t().unsqueeze(0)),
    "addmm": lambda L, a, w, b: L.addmm(b, a, w.t()),
    "dot": lambda L, a, w, b: L.dot(a[0], w[0]),
    "cross_entropy": lambda L, a, w, b: L.nn.functional.cross_entropy(
        L.nn.functional.linear(a, w, b), L.tensor([0, 1, 2, 4])),
    "mse_loss": lambda L, a, w, b: L.nn.functional.mse_loss(L.mm(a, w.t()), L.mm(a, w.t()) * 2),
    "l1_loss": lambda L, a, w, b: L.nn.functional.l1_loss(a, a * 0.5),
    "prod": lambda L, a, w, b: L.mm(a, w.t())[:2, :3].prod(),
    "softmax_of_mm": lambda L, a, w, b: L.softmax(L.mm(a, w.t()), 1),
    "add_mixed": lambda L, a, w, b: L.mm(a, w.t()) + b,
    "sum": lambda L, a, w, b: L.mm(a, w.t()).sum(),
    "relu": lambda L, a, w, b: L.relu(L.mm(a, w.t())),
    "bce_logits": lambda L, a, w, b: L.nn.functional.binary_cross_entropy_with_logits(
        L.mm(a, w.t()), L.ones(4, 5)),
}


def _inputs(lib, rg=True):
    return [lib.tensor(x.copy(), requires_grad=rg) for x in (A, W, B)]


def _run(lib, fn, dtype_name):
    a, w, b = _inputs(lib)
    with lib.autocast("cpu", dtype=getattr(lib, dtype_name)):
        out = fn(lib, a, w, b)
    out.float().sum().backward()
    return out, (a.grad, w.grad, b.grad)


@pytest.mark.parametrize("dtype_name", ["bfloat16", "float16"])
@pytest.mark.parametrize("name", list(OPS))
def test_ops_under_autocast(name, dtype_name):
    fn = OPS[name]
    t_out, t_grads = _run(torch, fn, dtype_name)
    n_out, n_grads = _run(nt, fn, dtype_name)
    assert str(n_out.dtype) == str(t_out.dtype)
    tol = dict(rtol=2e-2, atol=2e-2 * max(1.0, float(t_out.detach().float().abs().max())))
    np.testing.assert_allclose(n_out.detach().float().numpy(), t_out.detach().float().numpy(),
                               **tol)
    for ng, tg in zip(n_grads, t_grads):
        assert (ng is None) == (tg is None)
        if tg is not None:
            assert str(ng.dtype) == str(tg.dtype)
            np.testing.assert_allclose(ng.numpy(), tg.numpy(), rtol=3e-2,
                                       atol=3e-2 * max(1.0, float(tg.abs().max())))


@pytest.mark.parametrize("name", ["linear", "linear_nobias", "cross_entropy", "mm", "prod"])
def test_graph_under_autocast(name):
    fn = OPS[name]
    names = []
    for lib in (torch, nt):
        a, w, b = _inputs(lib)
        with lib.autocast("cpu"):
            out = fn(lib, a, w, b)
        names.append(graph_names(out.grad_fn))
    assert names[1] == names[0]


def test_state_functions_and_nesting():
    def run(lib):
        seen = [lib.is_autocast_enabled("cpu"), lib.is_autocast_enabled(),
                str(lib.get_autocast_dtype("cpu")), str(lib.get_autocast_dtype("cuda"))]
        with lib.autocast("cpu"):
            seen += [lib.is_autocast_enabled("cpu"), lib.is_autocast_cpu_enabled()]
            with lib.autocast("cpu", enabled=False):
                seen += [lib.is_autocast_enabled("cpu"),
                         str(lib.mm(lib.ones(2, 2), lib.ones(2, 2)).dtype)]
            with lib.autocast("cpu", dtype=lib.float16):
                seen += [str(lib.get_autocast_dtype("cpu")),
                         str(lib.mm(lib.ones(2, 2), lib.ones(2, 2)).dtype)]
            seen += [str(lib.get_autocast_dtype("cpu")),
                     str(lib.mm(lib.ones(2, 2), lib.ones(2, 2)).dtype)]
        seen += [lib.is_autocast_enabled("cpu"), str(lib.mm(lib.ones(2, 2), lib.ones(2, 2)).dtype)]

        @lib.autocast("cpu")
        def deco(x):
            return lib.mm(x, x).dtype
        seen.append(str(deco(lib.ones(2, 2))))
        seen.append(lib.amp.is_autocast_available("cpu"))
        return seen
    assert run(nt) == run(torch)


def _warnings_of(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return [(w.category.__name__, str(w.message)) for w in caught]


@pytest.mark.parametrize("make", [
    lambda L: L.autocast("cpu", dtype=L.float32).__enter__(),
    lambda L: L.autocast("cuda"),
    lambda L: L.cpu.amp.autocast(),
    lambda L: L.cuda.amp.autocast(),
    lambda L: L.cuda.amp.GradScaler(),
    lambda L: L.cpu.amp.GradScaler(),
    lambda L: L.amp.GradScaler(),
], ids=["cpu_float32", "cuda", "cpu_amp", "cuda_amp", "cuda_scaler", "cpu_scaler", "scaler"])
def test_warnings(make):
    try:
        theirs = _warnings_of(lambda: make(torch))
        ours = _warnings_of(lambda: make(nt))
    finally:
        for lib in (torch, nt):
            lib.set_autocast_enabled("cpu", False)
    assert ours == theirs


def test_autocast_errors():
    check_raises(lambda L: L.autocast("xpu2"), [])
    check_raises(lambda L: L.autocast(3), [])


def _scaler_run(lib, grads):
    w = lib.nn.Parameter(lib.ones(2))
    opt = lib.optim.SGD([w], lr=0.1)
    scaler = lib.amp.GradScaler("cpu", init_scale=8.0, growth_interval=2)
    seen = []
    for g in grads:
        opt.zero_grad()
        loss = (w * 2).sum()
        scaled = scaler.scale(loss)
        seen.append(scaled.item())
        scaled.backward()
        if g is not None:
            w.grad = lib.tensor(g)
        scaler.unscale_(opt)
        seen.append(w.grad.tolist())
        scaler.step(opt)
        scaler.update()
        seen += [w.tolist(), scaler.get_scale(), scaler.state_dict()]
    return seen


def test_grad_scaler_steps_backoff_and_growth():
    grads = [None, [float("inf"), 1.0], None, None, [float("nan"), 0.0], None]
    assert repr(_scaler_run(nt, grads)) == repr(_scaler_run(torch, grads))


@pytest.mark.parametrize("call", ["is_autocast_cpu_enabled()", "get_autocast_cpu_dtype()",
                                  "get_autocast_gpu_dtype()", "set_autocast_cpu_enabled(False)",
                                  "set_autocast_cpu_dtype(L.bfloat16)",
                                  "set_autocast_gpu_dtype(L.float16)"])
def test_deprecated_state_functions_warn(call):
    def run(lib):
        return [(c, m.split(" (Triggered")[0])
                for c, m in _warnings_of(lambda: eval("L." + call, {"L": lib}))]
    assert run(nt) == run(torch)


@pytest.mark.parametrize("case", ["double_unscale", "step_before_scale", "update_before_scale",
                                  "empty_state", "growth", "backoff", "bad_new_scale",
                                  "closure", "double_step"])
def test_grad_scaler_errors(case):
    def run(lib):
        w = lib.nn.Parameter(lib.ones(2))
        opt = lib.optim.SGD([w], lr=0.1)
        s = lib.amp.GradScaler("cpu")
        if case == "growth":
            lib.amp.GradScaler("cpu", growth_factor=0.5)
        if case == "backoff":
            lib.amp.GradScaler("cpu", backoff_factor=1.5)
        if case == "step_before_scale":
            s.step(opt)
        if case == "update_before_scale":
            s.update()
        if case == "empty_state":
            s.load_state_dict({})
        s.scale((w * 2).sum()).backward()
        if case == "double_unscale":
            s.unscale_(opt)
            s.unscale_(opt)
        if case == "bad_new_scale":
            s.step(opt)
            s.update(lib.tensor([1.0, 2.0]))
        if case == "closure":
            s.step(opt, closure=lambda: 0)
        if case == "double_step":
            s.step(opt)
            s.step(opt)
    check_raises(run, [])


def test_grad_scaler_state_dict_round_trip_and_disabled():
    def run(lib):
        s = lib.amp.GradScaler("cpu", init_scale=4.0)
        s.load_state_dict({"scale": 2.0, "growth_factor": 3.0, "backoff_factor": 0.25,
                           "growth_interval": 7, "_growth_tracker": 2})
        off = lib.amp.GradScaler("cpu", enabled=False)
        x = lib.ones(1)
        return [s.state_dict(), s.get_scale(), off.state_dict(), off.get_scale(),
                off.scale(x) is x, off.is_enabled(), s.get_growth_interval()]
    assert run(nt) == run(torch)


def test_mixed_precision_training_matches():
    """A CNN trained under CPU autocast (bfloat16) with a GradScaler: same losses as torch's
    (bfloat16 round-off aside), same scale history."""
    def train(lib):
        lib.manual_seed(0)
        model = lib.nn.Sequential(lib.nn.Conv2d(3, 4, 3), lib.nn.ReLU(), lib.nn.Flatten(),
                                  lib.nn.Linear(4 * 4 * 4, 3))
        opt = lib.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
        scaler = lib.amp.GradScaler("cpu", init_scale=2.0 ** 10)
        x = lib.tensor(IMG.copy())
        y = lib.tensor([0, 2])
        losses, scales = [], []
        for _ in range(5):
            opt.zero_grad()
            with lib.autocast("cpu", dtype=lib.bfloat16):
                loss = lib.nn.functional.cross_entropy(model(x), y)
            scaler.scale(loss).backward()
            scaler.step(opt)
            scaler.update()
            losses.append(float(loss))
            scales.append(scaler.get_scale())
        return losses, scales, model[0].weight.dtype
    t_l, t_s, t_d = train(torch)
    n_l, n_s, n_d = train(nt)
    assert n_s == t_s and str(n_d) == str(t_d)
    np.testing.assert_allclose(n_l, t_l, rtol=3e-2, atol=3e-2)


X3 = RNG.standard_normal((2, 5, 8)).astype(np.float32)
MODULES = {
    "lstm": lambda L: L.nn.LSTM(8, 6, batch_first=True),
    "gru": lambda L: L.nn.GRU(8, 6, batch_first=True),
    "mha": lambda L: (lambda m: (lambda x: m(x, x, x)))(L.nn.MultiheadAttention(8, 2,
                                                                                 batch_first=True)),
    "encoder_layer": lambda L: L.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True),
    "layer_norm": lambda L: L.nn.LayerNorm(8),
    "linear_gelu_norm": lambda L: L.nn.Sequential(L.nn.Linear(8, 8), L.nn.GELU(),
                                                  L.nn.LayerNorm(8)),
    "linear_batch_norm": lambda L: L.nn.Sequential(L.nn.Linear(8, 8), L.nn.Flatten(0, 1),
                                                   L.nn.BatchNorm1d(8)),
    "conv_group_norm": lambda L: L.nn.Sequential(L.nn.Conv1d(5, 4, 3), L.nn.GroupNorm(2, 4)),
}


@pytest.mark.parametrize("name", list(MODULES))
def test_modules_under_autocast(name):
    """Each module's output dtype, values and input gradient under CPU autocast, as torch's."""
    res = []
    for lib in (torch, nt):
        lib.manual_seed(0)
        m = MODULES[name](lib)
        x = lib.tensor(X3.copy(), requires_grad=True)
        with lib.autocast("cpu"):
            out = m(x)
        out = out[0] if isinstance(out, tuple) else out
        out.float().sum().backward()
        res.append((str(out.dtype), out.detach().float().numpy(), x.grad.numpy()))
    (t_dt, t_out, t_g), (n_dt, n_out, n_g) = res
    assert n_dt == t_dt
    np.testing.assert_allclose(n_out, t_out, rtol=3e-2, atol=3e-2 * max(1.0, np.abs(t_out).max()))
    np.testing.assert_allclose(n_g, t_g, rtol=3e-2, atol=3e-2 * max(1.0, np.abs(t_g).max()))
