"""``gradcheck`` / ``gradgradcheck``: analytical gradients against central finite differences."""

from __future__ import annotations

from .._backend import host, xp_of


class GradcheckError(RuntimeError):
    """Raised by gradcheck when analytical and numerical gradients disagree."""


def _flatten_outputs(out):
    from .._tensor import Tensor

    return (out,) if isinstance(out, Tensor) else tuple(out)


def gradcheck(func, inputs, *, eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              raise_exception: bool = True, nondet_tol: float = 0.0, check_undefined_grad=True,
              check_grad_dtypes=False, check_batched_grad=False, fast_mode=False,
              masked=None) -> bool:
    """Compare the Jacobian from backward with central differences (``torch.autograd.gradcheck``).

    Inputs that require grad should be float64, as PyTorch recommends.
    """
    from .._tensor import Tensor
    from . import grad

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    diff_inputs = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    outputs = _flatten_outputs(func(*inputs))
    for oi, out in enumerate(outputs):
        if not out.requires_grad:
            continue
        xp = xp_of(out._data)
        n_out = out.numel()
        analytical = [xp.zeros((x.numel(), n_out)) for x in diff_inputs]
        for j in range(n_out):
            g = xp.zeros(n_out, dtype=out._data.dtype)
            g[j] = 1
            gt = Tensor._from_array(g.reshape(out._data.shape))
            grads = grad(out, diff_inputs, gt, retain_graph=True, allow_unused=True)
            for k, gr in enumerate(grads):
                if gr is not None:
                    analytical[k][:, j] = gr._data.reshape(-1)
        for k, x in enumerate(diff_inputs):
            numerical = xp.zeros((x.numel(), n_out))
            for i in range(x.numel()):
                idx = host.unravel_index(i, x._data.shape)  # index bookkeeping
                orig = x._data[idx].copy()
                # grad mode stays on: func may itself differentiate (gradgradcheck)
                x._data[idx] = orig + eps
                plus = _flatten_outputs(func(*inputs))[oi]._data.astype(xp.float64).reshape(-1)
                x._data[idx] = orig - eps
                minus = _flatten_outputs(func(*inputs))[oi]._data.astype(xp.float64).reshape(-1)
                x._data[idx] = orig
                numerical[i] = (plus - minus) / (2 * eps)
            if not xp.allclose(analytical[k], numerical, rtol=rtol, atol=atol):
                if raise_exception:
                    raise GradcheckError(
                        f"Jacobian mismatch for output {oi} with respect to input {k},\n"
                        f"numerical:{numerical}\nanalytical:{analytical[k]}\n")
                return False
    return True


def gradgradcheck(func, inputs, grad_outputs=None, *, eps: float = 1e-6, atol: float = 1e-5,
                  rtol: float = 1e-3, raise_exception: bool = True, **kwargs) -> bool:
    """gradcheck of the gradient itself (second derivatives via ``create_graph=True``)."""
    from .._tensor import Tensor
    from . import grad

    inputs = (inputs,) if isinstance(inputs, Tensor) else tuple(inputs)
    outs = _flatten_outputs(func(*inputs))
    if grad_outputs is None:
        grad_outputs = []
        if outs:
            rng = xp_of(outs[0]._data).random.default_rng(0)
            grad_outputs = [Tensor._from_array(rng.standard_normal(o._data.shape)) for o in outs]

    def first_grads(*xs):
        o = _flatten_outputs(func(*xs))
        g = grad(o, [x for x in xs if isinstance(x, Tensor) and x.requires_grad],
                 grad_outputs, create_graph=True, allow_unused=True)
        return tuple(x for x in g if x is not None)

    return gradcheck(first_grads, inputs, eps=eps, atol=atol, rtol=rtol,
                     raise_exception=raise_exception)
