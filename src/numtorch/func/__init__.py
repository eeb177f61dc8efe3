"""``numtorch.func``: composable function transforms, as ``torch.func``.

``grad``/``vjp``/``jacrev``/``hessian`` run numtorch's autograd; ``jvp``/``jacfwd``/``linearize``
use forward-mode AD; ``vmap`` batches ops with per-family batching rules (a per-sample loop for
ops without one). Transforms compose: ``vmap(grad(f))`` gives per-sample gradients.
"""

from __future__ import annotations

from .._functorch.autodiff import grad, grad_and_value, hessian, jacrev, vjp
from .._functorch.forward import jacfwd, jvp, linearize
from .._functorch.vmap import vmap
from ._functional_call import functional_call, stack_module_state
from ._misc import debug_unwrap, functionalize, replace_all_batch_norm_modules_

# torch.func's ``rearrange`` (on functorch's first-class dims) is not provided
__all__ = ["grad", "grad_and_value", "vmap", "replace_all_batch_norm_modules_", "functionalize",
           "hessian", "jacfwd", "jacrev", "jvp", "linearize", "vjp", "functional_call",
           "stack_module_state", "debug_unwrap"]
