"""Autograd against torch: backward/grad options, hooks, grad modes, errors, higher order,
custom Functions, anomaly detection, gradcheck."""

import warnings

import numpy as np
import pytest
import torch

import numtorch

LIBS = [torch, numtorch]


def both(fn):
    """Run ``fn(lib)`` in both libraries and return the two results."""
    return fn(torch), fn(numtorch)


def same(fn):
    t, n = both(fn)
    assert _plain(n) == _plain(t), f"{_plain(n)} != torch {_plain(t)}"


def _plain(x):
    if isinstance(x, (torch.Tensor, numtorch.Tensor)):
        return np.round(np.asarray(x.detach().tolist(), dtype=float), 5).tolist()
    if isinstance(x, (tuple, list)):
        return [_plain(v) for v in x]
    return x


def raises_same(fn, match=True):
    msgs = []
    for lib in LIBS:
        with pytest.raises(Exception) as e:
            fn(lib)
        msgs.append((type(e.value), str(e.value).split("\nException raised from")[0]))
    assert issubclass(msgs[1][0], msgs[0][0].__mro__[0]) or msgs[1][0] is msgs[0][0] or \
        msgs[0][0].__name__ == msgs[1][0].__name__, msgs
    if match:
        assert msgs[0][1] == msgs[1][1], msgs


def leaf(lib, vals=(1.0, -2.0, 3.0), dtype=None):
    return lib.tensor(list(vals), dtype=dtype or lib.float64, requires_grad=True)


# -- backward / grad options ------------------------------------------------------------------
def test_backward_with_gradient_and_accumulation():
    def fn(lib):
        x = leaf(lib)
        y = x * x
        y.backward(lib.tensor([1.0, 0.5, -1.0], dtype=lib.float64), retain_graph=True)
        y.backward(lib.tensor([1.0, 1.0, 1.0], dtype=lib.float64))
        (x.sin().sum()).backward()
        return x.grad
    same(fn)


def test_backward_errors():
    raises_same(lambda lib: (leaf(lib) * 2).backward())
    raises_same(lambda lib: lib.ones(3).sum().backward())

    def twice(lib):
        x = leaf(lib)
        y = (x.exp() * 2).sum()
        y.backward()
        y.backward()
    raises_same(twice)

    def shape_mismatch(lib):
        x = leaf(lib)
        (x * 2).backward(lib.ones(2, dtype=lib.float64))
    raises_same(shape_mismatch)
    raises_same(lambda lib: lib.autograd.grad((leaf(lib) * 2).sum(), [leaf(lib)]))
    raises_same(lambda lib: lib.autograd.grad((leaf(lib) * 2).sum(), [lib.ones(3)]))


def test_grad_options():
    def fn(lib):
        x, z = leaf(lib), leaf(lib, (4.0, 5.0, 6.0))
        y = (x ** 3).sum()
        gx, gz = lib.autograd.grad(y, [x, z], allow_unused=True, retain_graph=True)
        (gm,) = lib.autograd.grad(y, [z], allow_unused=True, materialize_grads=True)
        (g1,) = lib.autograd.grad(y, x, create_graph=True)
        (g2,) = lib.autograd.grad(g1.sum(), x)
        return gx, gz, gm, g1, g2, x.grad, g1.requires_grad
    t, n = both(fn)
    assert t[1] is None and n[1] is None and t[5] is None and n[5] is None
    assert _plain(n[:1] + n[2:5]) == _plain(t[:1] + t[2:5]) and n[6] is t[6] is True


def test_grad_multiple_outputs_and_grad_outputs():
    def fn(lib):
        x = leaf(lib)
        a, b = x * 2, x.exp()
        return lib.autograd.grad([a, b], x, [lib.ones(3, dtype=lib.float64),
                                             lib.tensor([1.0, 2.0, 3.0], dtype=lib.float64)])
    same(fn)


def test_backward_inputs_argument():
    def fn(lib):
        x, z = leaf(lib), leaf(lib, (4.0, 5.0, 6.0))
        (x * z).sum().backward(inputs=[x])
        return x.grad, z.grad
    t, n = both(fn)
    assert n[1] is None and t[1] is None and _plain(n[0]) == _plain(t[0])


def test_retain_grad_and_nonleaf_warning():
    def fn(lib):
        x = leaf(lib)
        y = x * 2
        y.retain_grad()
        z = y * y
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            assert z.grad is None
        z.sum().backward()
        return y.grad, y.retains_grad, z.retains_grad, str(w[0].message).split(" (Trig")[0], \
            w[0].category
    same(fn)


def test_hooks():
    def fn(lib):
        x = leaf(lib)
        seen = []
        h = x.register_hook(lambda g: seen.append(g.clone()) or g * 10)
        y = x * 3
        y.register_hook(lambda g: g + 1)
        y.register_hook(lambda g: seen.append(g.clone()))
        y.sum().backward(retain_graph=True)
        h.remove()
        y.sum().backward()
        return x.grad, seen
    same(fn)
    raises_same(lambda lib: lib.ones(2).register_hook(lambda g: g))


def test_node_hooks_and_metadata():
    def fn(lib):
        x = leaf(lib)
        y = x * 2
        calls = []
        y.grad_fn.register_hook(lambda gi, go: calls.append(len(gi)))
        y.grad_fn.register_prehook(lambda go: (go[0] * 2,))
        y.sum().backward()
        return x.grad, calls, y.grad_fn.name()
    same(fn)


def test_detach_and_requires_grad():
    def fn(lib):
        x = leaf(lib)
        y = x * 2
        d = y.detach()
        out = [d.requires_grad, d.grad_fn is None, d.is_leaf, y.is_leaf, x.is_leaf]
        d.add_(1)
        out.append(y.tolist())
        y2 = x * 3
        y2.detach_()
        out += [y2.requires_grad, y2.grad_fn is None]
        z = lib.ones(2)
        out.append(z.requires_grad_().requires_grad)
        out.append(z.requires_grad_(False).requires_grad)
        return out
    same(fn)
    raises_same(lambda lib: lib.ones(2, dtype=lib.long).requires_grad_())
    raises_same(lambda lib: setattr(lib.ones(2, dtype=lib.long), "requires_grad", True))
    raises_same(lambda lib: lib.tensor([1, 2], requires_grad=True))
    raises_same(lambda lib: (leaf(lib) * 2).requires_grad_(False))


def test_grad_modes_context_and_decorator():
    def fn(lib):
        x = leaf(lib)
        out = []
        with lib.no_grad():
            out.append((x * 2).requires_grad)
            with lib.enable_grad():
                out.append((x * 2).requires_grad)
            out.append(lib.is_grad_enabled())
        with lib.set_grad_enabled(False):
            out.append((x * 2).requires_grad)
        out.append(lib.is_grad_enabled())
        lib.set_grad_enabled(False)
        out.append((x * 2).requires_grad)
        lib.set_grad_enabled(True)
        with lib.inference_mode():
            out.append((x * 2).requires_grad)
            out.append(lib.is_inference_mode_enabled())
        with lib.inference_mode(False):
            out.append((x * 2).requires_grad)

        @lib.no_grad()
        def f(t):
            return t * 2

        @lib.no_grad
        def f2(t):
            return t * 2

        @lib.enable_grad()
        def g(t):
            return t * 2

        @lib.inference_mode()
        def h(t):
            return t * 2

        @lib.set_grad_enabled(False)
        def k(t):
            return t * 2

        out.append(f(x).requires_grad)
        out.append(f2(x).requires_grad)
        with lib.no_grad():
            out.append(g(x).requires_grad)
        out.append(h(x).requires_grad)
        out.append(k(x).requires_grad)
        out.append(lib.is_grad_enabled())
        return out
    same(fn)


def test_inplace_errors_and_version_counter():
    raises_same(lambda lib: leaf(lib).add_(1))

    def saved_modified(lib):
        x = leaf(lib)
        y = x.sigmoid()
        y.add_(1)
        y.sum().backward()
    raises_same(saved_modified)

    def saved_input_modified(lib):
        x = leaf(lib)
        a = x * 1
        b = a * a
        a.mul_(2)
        b.sum().backward()
    raises_same(saved_input_modified)

    def versions(lib):
        x = lib.ones(3)
        v = [x._version]
        x.add_(1)
        x[0] = 2
        x.mul_(2)
        v.append(x._version)
        return v
    same(versions)


def test_seed_detach_example():
    def fn(lib):
        x = lib.ones(10, requires_grad=True)
        y = x ** 2
        z = x ** 3
        loss = (y + z).sum()
        z.detach_()
        loss.backward()
        return x.grad
    same(fn)


# -- higher order ---------------------------------------------------------------------------
def test_hessian_vector_product():
    def fn(lib):
        x = lib.tensor([0.5, -1.0, 2.0], dtype=lib.float64, requires_grad=True)
        w = lib.tensor([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0]], dtype=lib.float64)
        y = ((w @ x).tanh() ** 2).sum() + (x.exp() * x).sum()
        (g,) = lib.autograd.grad(y, x, create_graph=True)
        v = lib.tensor([1.0, 0.5, -2.0], dtype=lib.float64)
        (hv,) = lib.autograd.grad(g, x, v, create_graph=True)
        (third,) = lib.autograd.grad(hv.sum(), x)
        return g, hv, third
    same(fn)


def test_gradient_penalty():
    def fn(lib):
        gen = np.random.default_rng(0)
        w = lib.tensor(gen.standard_normal((4, 3)), requires_grad=True)
        b = lib.tensor(gen.standard_normal(4), requires_grad=True)
        x = lib.tensor(gen.standard_normal((5, 3)), requires_grad=True)
        out = lib.sigmoid(x @ w.t() + b).sum()
        (gx,) = lib.autograd.grad(out, x, create_graph=True)
        penalty = ((gx.norm(2, dim=1) - 1) ** 2).mean()
        penalty.backward()
        return w.grad, b.grad, x.grad
    same(fn)


def test_create_graph_backward_accumulates_graph():
    def fn(lib):
        x = leaf(lib)
        (x ** 3).sum().backward(create_graph=True)
        g = x.grad
        req = g.requires_grad
        x.grad = None
        g.sum().backward()
        return req, x.grad
    same(fn)


# -- autograd.Function ---------------------------------------------------------------------
def _exp_function(lib):
    class Exp(lib.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            (result,) = ctx.saved_tensors
            return grad_output * result
    return Exp


def test_custom_function_exp():
    def fn(lib):
        x = leaf(lib)
        y = _exp_function(lib).apply(x)
        name = type(y.grad_fn).__name__
        y.sum().backward()
        return x.grad, name, y.requires_grad
    same(fn)


def test_custom_function_features():
    def fn(lib):
        class Split(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, scale, b):
                ctx.scale = scale
                ctx.save_for_backward(a, b)
                idx = lib.arange(3)
                ctx.mark_non_differentiable(idx)
                ctx.flags = ctx.needs_input_grad
                return a * b * scale, idx

            @staticmethod
            def backward(ctx, g, g_idx):
                a, b = ctx.saved_tensors
                return g * b * ctx.scale, None, g * a * ctx.scale

        a = leaf(lib)
        b = lib.tensor([2.0, 3.0, 4.0], dtype=lib.float64)
        out, idx = Split.apply(a, 2.0, b)
        flags = out.grad_fn.flags if hasattr(out.grad_fn, "flags") else None
        out.sum().backward()
        return a.grad, idx.requires_grad, flags, out.requires_grad
    same(fn)


def test_custom_function_once_differentiable_and_no_grad_input():
    def fn(lib):
        Exp = _exp_function(lib)
        x = lib.tensor([1.0, 2.0])
        y = Exp.apply(x)
        return y.requires_grad, y.grad_fn is None, y
    same(fn)


def test_custom_function_wrong_grad_count():
    def fn(lib):
        class Bad(lib.autograd.Function):
            @staticmethod
            def forward(ctx, a, b):
                return a * b

            @staticmethod
            def backward(ctx, g):
                return g

        a, b = leaf(lib), leaf(lib)
        Bad.apply(a, b).sum().backward()
    raises_same(fn)


# -- anomaly detection ----------------------------------------------------------------------
def test_detect_anomaly_nan():
    def fn(lib):
        x = lib.tensor([0.0, 1.0], dtype=lib.float64, requires_grad=True)
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter("always")
            with lib.autograd.detect_anomaly():
                y = x.sqrt() * 0  # sqrt'(0) = inf, times 0 -> NaN in SqrtBackward0
                with pytest.raises(RuntimeError) as e:
                    y.sum().backward()
        texts = [str(m.message) for m in w]
        return str(e.value), any("Traceback of forward call" in t and "SqrtBackward0" in t
                                 for t in texts), any("Anomaly Detection has been enabled" in t
                                                      for t in texts)
    same(fn)


def test_set_detect_anomaly():
    for lib in LIBS:
        enabled = torch.is_anomaly_enabled if lib is torch else \
            numtorch.autograd.anomaly_mode.is_anomaly_enabled
        assert not enabled()
        with lib.autograd.set_detect_anomaly(True):
            assert enabled()
        assert not enabled()
        with lib.autograd.set_detect_anomaly(True, check_nan=False):
            x = lib.tensor([0.0], requires_grad=True)
            (x.sqrt() * 0).sum().backward()


# -- gradcheck --------------------------------------------------------------------------------
def test_gradcheck():
    gen = np.random.default_rng(0)
    a = numtorch.tensor(gen.standard_normal((3, 4)), requires_grad=True)
    b = numtorch.tensor(gen.standard_normal((4,)), requires_grad=True)
    f = lambda x, y: ((x * y).tanh() @ y, x.sum(1))  # noqa: E731
    assert numtorch.autograd.gradcheck(f, (a, b))
    assert numtorch.autograd.gradgradcheck(f, (a, b))

    class Wrong(numtorch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x  # should be 2 * g * x

    with pytest.raises(RuntimeError):
        numtorch.autograd.gradcheck(Wrong.apply, (a,))
    assert numtorch.autograd.gradcheck(Wrong.apply, (a,), raise_exception=False) is False
    with pytest.raises(RuntimeError):
        numtorch.autograd.gradgradcheck(lambda x: Wrong.apply(x).exp(), (a,))


def test_mul_and_div_keep_only_the_operands_their_gradients_need():
    """As PyTorch: an operand no gradient reads may change in place afterwards."""
    import torch

    import numtorch

    outcome = []
    for lib in (torch, numtorch):
        seen = []
        h = lib.ones(3, 2, requires_grad=True).clone()
        h[:, 0] = h[:, 1] * 3  # the Python scalar is not kept
        (h * h).sum().backward()
        for make in (lambda a, c: a * c, lambda a, c: c * a, lambda a, c: a / c,
                     lambda a, c: c / a):
            a, c = lib.ones(2, requires_grad=True), lib.full((2,), 3.0)
            y = make(a, c)
            c.add_(1)  # needed by a's gradient in every case: torch's version error
            try:
                y.sum().backward()
                seen.append(a.grad.tolist())
            except RuntimeError:
                seen.append("modified")
        a = lib.ones(2, requires_grad=True).clone()
        y = a / 2
        a.add_(1)  # division by a scalar keeps only the divisor
        y.sum().backward()
        a, c = lib.ones(2, requires_grad=True), lib.ones(2)
        seen.append([(a * c).grad_fn._saved_self is None, (a / c).grad_fn._saved_self is None,
                     (c / a).grad_fn._saved_self is None])
        outcome.append(seen)
    assert outcome[1] == outcome[0]
