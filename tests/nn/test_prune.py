"""``nn.utils.prune`` against torch: masks from the same seed, reparametrization buffers and
hooks, containers, global pruning, removal and errors."""

import importlib

import pytest

from tests.nn._utils_scenario import outcome, run_both


def _prune(lib):
    return importlib.import_module(lib.__name__ + ".nn.utils.prune")


def _state(prune, m, name="weight"):
    return [type(m).__name__, list(m.state_dict()), [n for n, _ in m.named_parameters()],
            [n for n, _ in m.named_buffers()],
            getattr(m, name + "_mask", None), getattr(m, name),
            type(getattr(m, name).grad_fn).__name__,
            [type(h).__name__ for h in m._forward_pre_hooks.values()], prune.is_pruned(m)]


def test_iterative_pruning_same_seed():
    def scenario(lib):
        prune = _prune(lib)
        lib.manual_seed(0)
        m = lib.nn.Linear(5, 4)
        rec = []
        prune.random_unstructured(m, "weight", amount=0.3)
        rec += _state(prune, m)
        prune.l1_unstructured(m, "weight", amount=3)
        rec += _state(prune, m)
        prune.random_structured(m, "weight", amount=1, dim=0)
        rec += _state(prune, m)
        prune.ln_structured(m, "weight", amount=0.5, n=2, dim=1)
        rec += _state(prune, m)
        prune.ln_structured(m, "weight", amount=1, n=float("inf"), dim=-1)
        rec += _state(prune, m)
        prune.identity(m, "bias")
        rec += _state(prune, m, "bias")
        prune.custom_from_mask(m, "bias", mask=lib.tensor([1, 0, 1, 1]))
        rec += _state(prune, m, "bias")
        cont = [h for h in m._forward_pre_hooks.values()
                if isinstance(h, prune.PruningContainer)][0]
        rec += [len(cont), [type(x).__name__ for x in cont], type(cont[0]).__name__]
        y = m(lib.ones(2, 5))
        y.sum().backward()
        rec += [y, m.weight_orig.grad, m.bias_orig.grad]
        prune.remove(m, "weight")
        rec += _state(prune, m)
        prune.remove(m, "bias")
        rec += [prune.is_pruned(m), list(m.state_dict()), type(m.bias).__name__]
        return rec
    run_both(scenario)


@pytest.mark.parametrize("amount", [0, 2, 0.5, 1.0, 12])
def test_unstructured_amounts(amount):
    def scenario(lib):
        prune = _prune(lib)
        lib.manual_seed(3)
        a, b = lib.nn.Linear(4, 3), lib.nn.Linear(4, 3)
        prune.random_unstructured(a, "weight", amount=amount)
        prune.l1_unstructured(b, "weight", amount=amount)
        return [a.weight_mask, a.weight, b.weight_mask, b.weight]
    run_both(scenario)


@pytest.mark.parametrize("dim", [0, 1, 2, 3, -1])
@pytest.mark.parametrize("amount", [1, 0.5])
def test_structured_conv(dim, amount):
    def scenario(lib):
        prune = _prune(lib)
        lib.manual_seed(4)
        c = lib.nn.Conv2d(3, 4, 2)
        d = lib.nn.Conv2d(3, 4, 2)
        prune.random_structured(c, "weight", amount=amount, dim=dim)
        prune.ln_structured(d, "weight", amount=amount, n=1, dim=dim)
        prune.ln_structured(d, "weight", amount=1, n=2, dim=0)
        return [c.weight_mask, d.weight_mask, d.weight]
    run_both(scenario)


def test_importance_scores_and_prune_method():
    def scenario(lib):
        prune = _prune(lib)
        lib.manual_seed(5)
        m = lib.nn.Linear(4, 3)
        scores = lib.arange(12.0).view(3, 4).flip(0)
        prune.l1_unstructured(m, "weight", amount=0.5, importance_scores=scores)
        c = lib.nn.Conv2d(3, 4, 2)
        prune.ln_structured(c, "weight", amount=2, n=1, dim=0,
                            importance_scores=lib.arange(48.0).view(4, 3, 2, 2))
        t = lib.tensor([3.0, -1.0, 2.0, 0.5])
        return [m.weight_mask, c.weight_mask,
                prune.L1Unstructured(amount=2).prune(t),
                prune.L1Unstructured(amount=1).prune(t, default_mask=lib.tensor([1.0, 1, 0, 1])),
                prune.L1Unstructured(amount=1).prune(t, importance_scores=-t),
                prune.Identity().prune(t)]
    run_both(scenario)


def test_global_unstructured():
    def scenario(lib):
        prune = _prune(lib)
        lib.manual_seed(1)
        a, b = lib.nn.Linear(4, 3), lib.nn.Conv2d(2, 3, 2)
        prune.l1_unstructured(b, "weight", amount=2)
        prune.global_unstructured([(a, "weight"), (b, "weight"), (a, "bias")],
                                  pruning_method=prune.L1Unstructured, amount=10)
        rec = _state(prune, a) + _state(prune, b) + _state(prune, a, "bias")
        prune.global_unstructured([(a, "weight"), (b, "bias")],
                                  pruning_method=prune.RandomUnstructured, amount=0.5)
        rec += _state(prune, a) + _state(prune, b, "bias")
        c = lib.nn.Linear(3, 2)
        prune.global_unstructured([(c, "weight")], pruning_method=prune.L1Unstructured,
                                  importance_scores={(c, "weight"): -c.weight.detach()},
                                  amount=2)
        rec.append(c.weight_mask)
        return rec
    run_both(scenario)


def test_errors():
    def scenario(lib):
        prune, nn = _prune(lib), lib.nn
        rec = [outcome(prune.l1_unstructured, nn.Linear(3, 3), "weight", 1.5),
               outcome(prune.l1_unstructured, nn.Linear(3, 3), "weight", -1),
               outcome(prune.l1_unstructured, nn.Linear(3, 3), "weight", "a"),
               outcome(prune.l1_unstructured, nn.Linear(3, 3), "weight", 10),
               outcome(prune.random_structured, nn.Linear(3, 3), "bias", 1, 0),
               outcome(prune.random_structured, nn.Linear(3, 3), "weight", 1, 2),
               outcome(prune.remove, nn.Linear(3, 3), "weight"),
               outcome(prune.global_unstructured, [(nn.Linear(3, 3), "weight")],
                       pruning_method=prune.RandomStructured, amount=1),
               outcome(prune.global_unstructured, 3, pruning_method=prune.L1Unstructured,
                       amount=1),
               outcome(prune.global_unstructured, [], pruning_method=prune.L1Unstructured,
                       importance_scores=[], amount=1)]
        failed = nn.Linear(3, 3)
        rec.append(outcome(prune.l1_unstructured, failed, "weight", 10))
        rec += [list(failed.state_dict()), failed._forward_pre_hooks == {}]
        pc = prune.PruningContainer()
        pc._tensor_name = "w"
        rec.append(outcome(pc.add_pruning_method, 3)[:2])
        other = prune.Identity()
        other._tensor_name = "v"
        rec.append(outcome(pc.add_pruning_method, other)[:2])
        return rec
    run_both(scenario)


def test_state_dict_roundtrip_and_hook_refresh():
    def scenario(lib):
        prune = _prune(lib)
        lib.manual_seed(6)
        m = lib.nn.Linear(4, 3)
        prune.l1_unstructured(m, "weight", amount=0.5)
        with lib.no_grad():
            m.weight_orig.mul_(2)
        y = m(lib.ones(1, 4))
        fresh = lib.nn.Linear(4, 3)
        prune.identity(fresh, "weight")
        fresh.load_state_dict(m.state_dict())
        return [y, fresh(lib.ones(1, 4)), list(fresh.state_dict())]
    run_both(scenario)
