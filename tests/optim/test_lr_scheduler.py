"""lr schedules: every scheduler's lr sequence (and momentum, where cycled) equals torch's."""

import math
import warnings

import pytest
import torch

import numtorch

EPOCHS = 30


def _optimizer(lib, kind="sgd", groups=1):
    params = [{"params": [lib.zeros(2, requires_grad=True)], "lr": 0.1 * (i + 1)}
              for i in range(groups)]
    if kind == "adam":
        return lib.optim.Adam(params, lr=0.1)
    return lib.optim.SGD(params, lr=0.1, momentum=0.9)


def _momenta(opt):
    return [g["betas"][0] if "betas" in g else g["momentum"] for g in opt.param_groups]


def _build(lib, opt, name):
    S = lib.optim.lr_scheduler
    table = {
        "StepLR": lambda: S.StepLR(opt, step_size=4, gamma=0.5),
        "MultiStepLR": lambda: S.MultiStepLR(opt, milestones=[3, 7, 7, 20], gamma=0.3),
        "ExponentialLR": lambda: S.ExponentialLR(opt, gamma=0.9),
        "CosineAnnealingLR": lambda: S.CosineAnnealingLR(opt, T_max=7, eta_min=0.01),
        "CosineAnnealingWarmRestarts": lambda: S.CosineAnnealingWarmRestarts(opt, T_0=4,
                                                                             T_mult=2,
                                                                             eta_min=1e-3),
        "OneCycleLR": lambda: S.OneCycleLR(opt, max_lr=1.0, total_steps=EPOCHS + 1),
        "OneCycleLR3": lambda: S.OneCycleLR(opt, max_lr=[1.0, 0.5][:len(opt.param_groups)],
                                            epochs=4, steps_per_epoch=8, three_phase=True,
                                            anneal_strategy="linear"),
        "LinearLR": lambda: S.LinearLR(opt, start_factor=0.25, end_factor=0.9, total_iters=9),
        "ConstantLR": lambda: S.ConstantLR(opt, factor=0.5, total_iters=6),
        "LambdaLR": lambda: S.LambdaLR(opt, lambda e: 1.0 / (e + 1)),
        "MultiplicativeLR": lambda: S.MultiplicativeLR(opt, lambda e: 0.95),
        "PolynomialLR": lambda: S.PolynomialLR(opt, total_iters=12, power=2.0),
        "CyclicLR": lambda: S.CyclicLR(opt, base_lr=0.01, max_lr=0.2, step_size_up=4,
                                       step_size_down=3),
        "CyclicLR2": lambda: S.CyclicLR(opt, base_lr=0.01, max_lr=0.2, step_size_up=3,
                                        mode="triangular2"),
        "CyclicLRexp": lambda: S.CyclicLR(opt, base_lr=0.01, max_lr=0.2, step_size_up=3,
                                          mode="exp_range", gamma=0.9),
        "SequentialLR": lambda: S.SequentialLR(
            opt, [S.LinearLR(opt, start_factor=0.1, total_iters=5),
                  S.CosineAnnealingLR(opt, T_max=10), S.ExponentialLR(opt, gamma=0.8)],
            milestones=[5, 15]),
        "ChainedScheduler": lambda: S.ChainedScheduler(
            [S.ConstantLR(opt, factor=0.5, total_iters=4), S.ExponentialLR(opt, gamma=0.9),
             S.StepLR(opt, step_size=5, gamma=0.5)]),
    }
    return table[name]()


NAMES = ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
         "CosineAnnealingWarmRestarts", "OneCycleLR", "OneCycleLR3", "LinearLR", "ConstantLR",
         "LambdaLR", "MultiplicativeLR", "PolynomialLR", "CyclicLR", "CyclicLR2", "CyclicLRexp",
         "SequentialLR", "ChainedScheduler"]


def _trajectory(lib, name, kind="sgd", groups=1):
    opt = _optimizer(lib, kind, groups)
    sched = _build(lib, opt, name)
    seq = [(sched.get_last_lr(), [g["lr"] for g in opt.param_groups], _momenta(opt))]
    for _ in range(EPOCHS):
        opt.step()
        sched.step()
        seq.append((sched.get_last_lr(), [g["lr"] for g in opt.param_groups], _momenta(opt)))
    return seq, sched


@pytest.mark.parametrize("name", NAMES)
def test_lr_sequence_matches_torch(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected, t_sched = _trajectory(torch, name, groups=2)
        got, n_sched = _trajectory(numtorch, name, groups=2)
    assert got == expected  # bit-identical floats
    assert getattr(n_sched, "last_epoch", None) == getattr(t_sched, "last_epoch", None)
    assert set(n_sched.state_dict()) == set(t_sched.state_dict())


@pytest.mark.parametrize("name", ["OneCycleLR", "CyclicLR"])
def test_beta1_cycling_matches_torch(name):
    expected, _ = _trajectory(torch, name, kind="adam")
    got, _ = _trajectory(numtorch, name, kind="adam")
    assert got == expected


@pytest.mark.parametrize("name", ["StepLR", "MultiStepLR", "ExponentialLR", "CosineAnnealingLR",
                                  "LinearLR", "ConstantLR", "PolynomialLR"])
def test_closed_form_with_epoch_matches_torch(name):
    def run(lib):
        opt = _optimizer(lib)
        sched = _build(lib, opt, name)
        out = []
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            for epoch in [3, 1, 8, 8, 12, 2]:
                opt.step()
                sched.step(epoch)
                out.append(sched.get_last_lr())
        return out, [str(x.message) for x in w]

    assert run(numtorch) == run(torch)


def test_warm_restarts_fractional_epochs():
    def run(lib):
        opt = _optimizer(lib)
        sched = _build(lib, opt, "CosineAnnealingWarmRestarts")
        out = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for epoch in [0.5, 1.25, 3.9, 4.0, 7.5, 13.0, 30.2]:
                sched.step(epoch)
                out.append((sched.get_last_lr(), sched.T_cur, sched.T_i, sched.last_epoch))
        return out

    assert run(numtorch) == run(torch)


@pytest.mark.parametrize("kwargs", [
    {},
    {"mode": "max", "factor": 0.5, "patience": 2, "threshold": 0.1, "cooldown": 2},
    {"threshold_mode": "abs", "patience": 1, "min_lr": [0.05, 0.01], "eps": 1e-3},
    {"mode": "max", "threshold_mode": "abs", "patience": 0, "factor": 0.3},
])
def test_reduce_lr_on_plateau(kwargs):
    metrics = [1.0, 0.9, 0.95, 0.95, 0.96, 0.97, 0.5, 0.5, 0.5, 0.5, 0.51, 0.49, 0.49, 0.6,
               0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.6, 0.7, 0.3, 0.3]

    def run(lib):
        opt = _optimizer(lib, groups=2)
        sched = lib.optim.lr_scheduler.ReduceLROnPlateau(opt, **kwargs)
        out = []
        for m in metrics:
            opt.step()
            sched.step(lib.tensor(m) if m == 0.5 else m)
            out.append((sched.get_last_lr(), sched.num_bad_epochs, sched.cooldown_counter,
                        sched.best, sched.last_epoch))
        return out, sched.state_dict()

    (got, n_sd), (expected, t_sd) = run(numtorch), run(torch)
    assert got == expected
    assert n_sd == t_sd


def _messages(fn):
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        fn()
    return [(x.category, str(x.message)) for x in w]


def test_warning_scheduler_step_before_optimizer_step():
    def body(lib):
        def fn():
            opt = _optimizer(lib)
            sched = lib.optim.lr_scheduler.StepLR(opt, 2)
            sched.step()
            sched.step()
        return fn

    got, expected = _messages(body(numtorch)), _messages(body(torch))
    assert got == expected and len(expected) == 1


def test_warning_optimizer_step_overridden():
    def body(lib):
        def fn():
            opt = _optimizer(lib)
            sched = lib.optim.lr_scheduler.ExponentialLR(opt, 0.5)
            opt.step = lambda closure=None: None
            opt.step()
            sched.step()
        return fn

    got, expected = _messages(body(numtorch)), _messages(body(torch))
    assert got == expected and len(expected) == 1


def test_warning_get_lr_outside_step():
    def body(lib):
        def fn():
            opt = _optimizer(lib)
            sched = lib.optim.lr_scheduler.StepLR(opt, 2)
            opt.step()
            sched.step()
            sched.get_lr()
        return fn

    assert _messages(body(numtorch)) == _messages(body(torch))


def test_no_warning_in_correct_order():
    def fn():
        opt = _optimizer(numtorch)
        sched = numtorch.optim.lr_scheduler.StepLR(opt, 2)
        opt.step()
        sched.step()

    assert _messages(fn) == []


@pytest.mark.parametrize("name", ["StepLR", "CosineAnnealingLR", "OneCycleLR", "CyclicLR",
                                  "SequentialLR", "ChainedScheduler", "LambdaLR",
                                  "CosineAnnealingWarmRestarts"])
def test_state_dict_resume(name):
    """Save the scheduler after 11 epochs, load into a fresh one: the rest of the run matches."""
    def run(lib):
        opt = _optimizer(lib)
        sched = _build(lib, opt, name)
        lrs = []
        for _ in range(11):
            opt.step()
            sched.step()
        sd, opt_sd = sched.state_dict(), opt.state_dict()
        opt2 = _optimizer(lib)
        sched2 = _build(lib, opt2, name)
        sched2.load_state_dict(sd)
        opt2.load_state_dict(opt_sd)
        for _ in range(EPOCHS - 11):
            opt2.step()
            sched2.step()
            lrs.append(sched2.get_last_lr())
        return lrs, sd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        (got, n_sd), (expected, t_sd) = run(numtorch), run(torch)
    assert got == expected
    assert set(n_sd) == set(t_sd)


@pytest.mark.parametrize("build", [
    lambda S, o: S.StepLR(o, 2, last_epoch=3),
    lambda S, o: S.LinearLR(o, start_factor=0.0),
    lambda S, o: S.LinearLR(o, end_factor=1.5),
    lambda S, o: S.ConstantLR(o, factor=2.0),
    lambda S, o: S.LambdaLR(o, [lambda e: 1.0, lambda e: 2.0]),
    lambda S, o: S.MultiplicativeLR(o, 3),
    lambda S, o: S.ReduceLROnPlateau(o, factor=1.0),
    lambda S, o: S.ReduceLROnPlateau(o, mode="avg"),
    lambda S, o: S.ReduceLROnPlateau(o, threshold_mode="x"),
    lambda S, o: S.ReduceLROnPlateau(o, min_lr=[0.1, 0.2]),
    lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=0),
    lambda S, o: S.CosineAnnealingWarmRestarts(o, T_0=2, T_mult=0),
    lambda S, o: S.OneCycleLR(o, 0.1),
    lambda S, o: S.OneCycleLR(o, 0.1, total_steps=0),
    lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10, pct_start=1),
    lambda S, o: S.OneCycleLR(o, 0.1, total_steps=10, anneal_strategy="exp"),
    lambda S, o: S.CyclicLR(o, 0.1, 1.0, mode="zig"),
    lambda S, o: S.SequentialLR(o, [S.StepLR(o, 2)], milestones=[3]),
    lambda S, o: S.SequentialLR(o, [], milestones=[]),
    lambda S, o: S.ChainedScheduler([]),
    lambda S, o: S.StepLR("not an optimizer", 2),
])
def test_constructor_errors_match_torch(build):
    def err(lib):
        opt = _optimizer(lib)
        with pytest.raises(Exception) as info:
            build(lib.optim.lr_scheduler, opt)
        return type(info.value), str(info.value)

    assert err(numtorch) == err(torch)


def test_one_cycle_too_many_steps():
    def err(lib):
        opt = _optimizer(lib)
        sched = lib.optim.lr_scheduler.OneCycleLR(opt, 1.0, total_steps=3)
        with pytest.raises(ValueError) as info:
            for _ in range(5):
                opt.step()
                sched.step()
        return str(info.value)

    assert err(numtorch) == err(torch)


def test_tensor_lr_filled_in_place():
    def run(lib):
        p = lib.zeros(2, requires_grad=True)
        lr = lib.tensor(0.5)
        opt = lib.optim.SGD([p], lr=lr)
        sched = lib.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
        for _ in range(3):
            opt.step()
            sched.step()
        return opt.param_groups[0]["lr"] is lr, float(lr), [float(x) for x in
                                                            sched.get_last_lr()]

    assert run(numtorch) == run(torch)


def test_cosine_values_are_finite():
    opt = _optimizer(numtorch)
    sched = numtorch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=3)
    for _ in range(12):
        opt.step()
        sched.step()
        assert all(math.isfinite(x) for x in sched.get_last_lr())
