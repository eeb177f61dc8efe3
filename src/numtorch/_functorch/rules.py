"""Batching rules: how each op runs on inputs batched at one ``vmap`` level.

Every rule has the signature ``rule(cls, inputs, params, level, size)`` and returns the op's
result batched at ``level``. A rule calls the op again on the inner tensors (batch dim 0), so the
op records its usual autograd node on the physical tensors; inner tensors batched at a lower
level go through the interposer again. Families:

* pointwise ops (and the ops that map trailing dims to trailing dims, like ``tril`` or
  ``linalg.inv``): the batched inputs' logical ranks are aligned with size-1 dims;
* ops taking dims (reductions, softmax, scans, sorting, ``cat``/``stack``, ``gather``/``scatter``,
  dim-taking views): every tensor input is batched (expanded when not) and the dims shift by one;
* views: shapes and indices gain the batch dim; matmul family: flattened or ``bmm``;
* nn kernels: the batch dim is folded into the sample dim (conv, pooling, group norm), kept as a
  leading dim (layer norm, padding) or handled with ``reduction='none'`` (losses);
* any other op: a loop over the batch calling the op per sample, then ``stack``.
"""

from __future__ import annotations

import functools

from .._tensor import Tensor
from .batched import BatchedTensor, make, param_physical, param_sample, wrap


def _call(cls, inputs, params):
    from .batched import interpose

    return interpose(cls, tuple(inputs), params)


def _is_batched(x, level) -> bool:
    return x.__class__ is BatchedTensor and x._level == level


def _nt():
    import numtorch

    return numtorch


def materialize(x, level: int, size: int):
    """The inner tensor of ``x`` at ``level`` (an expanded copy-free view when not batched)."""
    if _is_batched(x, level):
        return x._inner
    return x.unsqueeze(0).expand((size,) + tuple(x.shape))


def _wrap_dim(d: int, n: int) -> int:
    return d + n if d < 0 else d


# -- pointwise --
def pointwise(cls, inputs, params, level, size):
    """Broadcasting ops: align the batched inputs' logical ranks, batch dim first."""
    rank = 0
    for x in inputs:
        if isinstance(x, Tensor):
            n = x._data.ndim
            if n > rank:
                rank = n
    new = []
    for x in inputs:
        if x.__class__ is BatchedTensor and x._level == level:
            inner = x._inner
            n = x._data.ndim
            if n < rank:
                inner = _nt().reshape(inner, (size,) + (1,) * (rank - n) + x._data.shape)
            new.append(inner)
        else:
            new.append(x)
    return wrap(_call(cls, new, params), level)


def pointwise_first(cls, inputs, params, level, size):
    """Ops whose result has input 0's shape (``masked_fill``): input 0 batched, others aligned."""
    first = inputs[0]
    if not _is_batched(first, level):
        first = make(materialize(first, level, size), level)
    return pointwise(cls, (first,) + tuple(inputs[1:]), params, level, size)


def same(cls, inputs, params, level, size):
    """Ops on one tensor that act on trailing dims only: the batch dim rides along."""
    new = [x._inner if _is_batched(x, level) else x for x in inputs]
    return wrap(_call(cls, new, params), level)


# -- ops taking dims --
def _shift(v, n):
    if v is None:
        return None
    if isinstance(v, (tuple, list)):
        return type(v)(_wrap_dim(d, n) + 1 for d in v)
    return _wrap_dim(v, n) + 1


def dims_rule(names: tuple, out_extra: int = 0, all_none: str = ""):
    """A rule for ops whose params ``names`` are dims of the (logical) input.

    ``out_extra``: the dims count in the output rank (``unsqueeze``, ``stack``); ``all_none``:
    ``"tuple"`` when None means every dim given as a tuple param, ``"flat"`` when None means the
    flattened input (``argmax``)."""

    def rule(cls, inputs, params, level, size):
        first = next(x for x in inputs if isinstance(x, Tensor))
        if first._data.ndim == 0 and not out_extra and any(
                params.get(name) not in (None, ()) for name in names):
            return loop(cls, inputs, params, level, size)  # a dim of a 0-d sample
        n = first._data.ndim + out_extra
        new = [materialize(x, level, size) if isinstance(x, Tensor) else x for x in inputs]
        params = dict(params)
        flat = False
        for name in names:
            if name not in params:
                continue
            v = params[name]
            if v is None and all_none == "tuple":
                params[name] = tuple(range(1, n + 1))
            elif v is None and all_none == "flat":
                flat = True
                new[0] = new[0].reshape(size, -1)
                params[name] = 1
            else:
                params[name] = _shift(v, max(n, 1))
        out = _call(cls, new, params)
        if flat and params.get("keepdim"):
            out = out.reshape((size,) + (1,) * first._data.ndim)
        return wrap(out, level)

    return rule


def reduce_all(target_cls: str, pname: str, flat: bool = False):
    """``sum()``/``max()`` over every element: the per-sample reduction over all logical dims."""

    def rule(cls, inputs, params, level, size):
        x = inputs[0]
        inner = materialize(x, level, size)
        n = x._data.ndim
        target = _class(target_cls)
        params = dict(params)
        if flat:
            inner = inner.reshape(size, -1)
            params[pname] = 1
        else:
            params[pname] = tuple(range(1, n + 1))
        params["keepdim"] = False
        return wrap(_call(target, [inner], params), level)

    return rule


def permute(cls, inputs, params, level, size):
    n = inputs[0]._data.ndim
    dims = (0,) + tuple(_wrap_dim(d, n) + 1 for d in params["dims"])
    return wrap(_call(cls, [materialize(inputs[0], level, size)], {"dims": dims}), level)


# -- views --
def reshape(cls, inputs, params, level, size):
    inner = materialize(inputs[0], level, size)
    return wrap(_nt().reshape(inner, (size,) + tuple(params["shape"])), level)


def expand(cls, inputs, params, level, size):
    x = inputs[0]
    shape = tuple(params["shape"])
    n = x._data.ndim
    inner = materialize(x, level, size)
    if n < len(shape):
        inner = _nt().reshape(inner, (size,) + (1,) * (len(shape) - n) + x._data.shape)
    return wrap(_call(cls, [inner], {"shape": (size,) + shape}), level)


def index(cls, inputs, params, level, size):
    """Basic and advanced indexing: the batch dim is a leading full slice; advanced indices
    that are not adjacent move their dims first, so the batch dim is moved back."""
    if "index" not in params:  # an alias
        return same(cls, inputs, params, level, size)
    idx = params["index"]
    if not isinstance(idx, tuple):
        idx = (idx,)
    if any(param_physical(i, level, size) is not None or _is_batched(i, level) for i in idx):
        return loop(cls, inputs, params, level, size)
    inner = materialize(inputs[0], level, size)
    new_params = dict(params)
    new_params["index"] = (slice(None),) + idx
    out = _call(cls, [inner], new_params)
    adv = [k for k, i in enumerate(idx) if hasattr(i, "shape") or isinstance(i, (list,))]
    if adv and adv[-1] - adv[0] + 1 != len(adv):
        import numpy as np

        nadv = len(np.broadcast_shapes(*[np.shape(idx[k]) for k in adv]))
        out = out.movedim(nadv, 0)
    return wrap(out, level)


def unsqueeze_getitem(cls, inputs, params, level, size):
    params = dict(params)
    n = inputs[0]._data.ndim + 1
    params["dim"] = _wrap_dim(params["dim"], n) + 1
    if "index" in params and params["index"] is not None:
        params["index"] = (slice(None),) + tuple(params["index"])
    return wrap(_call(cls, [materialize(inputs[0], level, size)], params), level)


def cat(cls, inputs, params, level, size):
    params = dict(params)
    n = len(params["shape"])
    params["dim"] = _wrap_dim(params["dim"], n) + 1
    params["shape"] = (size,) + tuple(params["shape"])
    new = []
    for x in inputs:
        if x._data.ndim == 1 and x._data.shape[0] == 0 and n != 1:
            continue  # a legacy empty tensor, skipped by cat
        new.append(materialize(x, level, size))
    return wrap(_call(cls, new, params), level)


def repeat(cls, inputs, params, level, size):
    params = {"reps": (1,) + tuple(params["reps"]), "padded": (size,) + tuple(params["padded"])}
    return wrap(_call(cls, [materialize(inputs[0], level, size)], params), level)


def einsum(cls, inputs, params, level, size):
    ins, out_sub = params["subs"]
    used = set("".join(ins) + out_sub)
    if any("." in s for s in list(ins) + [out_sub]):
        return loop(cls, inputs, params, level, size)
    letter = next(c for c in "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  if c not in used)
    new_ins, new = [], []
    for s, x in zip(ins, inputs):
        if _is_batched(x, level):
            new_ins.append(letter + s)
            new.append(x._inner)
        else:
            new_ins.append(s)
            new.append(x)
    out = letter + out_sub
    params = {"equation": ",".join(new_ins) + "->" + out, "subs": (new_ins, out)}
    return wrap(_call(cls, new, params), level)


# -- matmul family --
def mm(cls, inputs, params, level, size):
    a, b = inputs
    ba, bb = _is_batched(a, level), _is_batched(b, level)
    if ba and not bb:
        n, k = a._data.shape
        flat = _nt().reshape(a._inner, (size * n, k))
        out = _call(cls, [flat, b], params)
        return wrap(out.reshape(size, n, out.shape[-1]), level)
    return wrap(_call(_batched_matmul(), [materialize(a, level, size),
                                          materialize(b, level, size)], {}), level)


def _batched_matmul():
    from .kernels import BatchedMatmul

    return BatchedMatmul


def addmm(cls, inputs, params, level, size):
    bias, m1, m2 = inputs
    alpha, beta = params.get("alpha", 1), params.get("beta", 1)
    if (_is_batched(m1, level) and not _is_batched(m2, level) and not _is_batched(bias, level)
            and bias._data.ndim <= 1):
        n, k = m1._data.shape
        flat = _nt().reshape(m1._inner, (size * n, k))
        out = _call(cls, [bias, flat, m2], params)
        return wrap(out.reshape(size, n, out.shape[-1]), level)
    prod = mm(_class("Mm"), (m1, m2), {}, level, size)
    return _affine(bias, prod, alpha, beta)


def _affine(bias, prod, alpha, beta):
    nt = _nt()
    if alpha != 1:
        prod = prod * alpha
    if beta == 0:
        return prod + nt.zeros_like(bias) if bias.shape != prod.shape else prod
    return prod + (bias * beta if beta != 1 else bias)


def bmm(cls, inputs, params, level, size):
    a, b = inputs
    return wrap(_call(_batched_matmul(), [materialize(a, level, size),
                                          materialize(b, level, size)], {}), level)


def mv(cls, inputs, params, level, size):
    a, v = inputs
    nt = _nt()
    out = nt.matmul(materialize(a, level, size), materialize(v, level, size).unsqueeze(-1))
    return wrap(out.squeeze(-1), level)


def dot(cls, inputs, params, level, size):
    a, b = inputs
    nt = _nt()
    if cls.__name__ == "Vdot":
        a = a.conj()
    out = nt.matmul(materialize(a, level, size).unsqueeze(-2),
                    materialize(b, level, size).unsqueeze(-1))
    return wrap(out.reshape(size), level)


def addmv(cls, inputs, params, level, size):
    bias, mat, vec = inputs
    prod = _call(_class("Mv"), (mat, vec), {})
    return _affine(bias, prod, params.get("alpha", 1), params.get("beta", 1))


def baddbmm(cls, inputs, params, level, size):
    bias, b1, b2 = inputs
    prod = _call(_class("Bmm"), (b1, b2), {})
    if cls.__name__ == "Addbmm":
        prod = prod.sum(0)
    return _affine(bias, prod, params.get("alpha", 1), params.get("beta", 1))


# -- nn kernels --
def fold_first(cls, inputs, params, level, size):
    """Ops on (N, C, ...) with per-sample work (conv, pooling, group norm): fold the batch dim
    into N when only input 0 is batched."""
    x = inputs[0]
    if not _is_batched(x, level) or any(_is_batched(y, level) for y in inputs[1:]) or \
            x._data.ndim < 1:
        return loop(cls, inputs, params, level, size)
    shape = x._data.shape
    flat = _nt().reshape(x._inner, (size * shape[0],) + shape[1:])
    out = _call(cls, [flat] + list(inputs[1:]), params)
    if out.__class__ is tuple:
        return tuple(make(o.reshape((size, shape[0]) + tuple(o.shape[1:])), level)
                     for o in out)
    return make(out.reshape((size, shape[0]) + tuple(out.shape[1:])), level)


def convolution(cls, inputs, params, level, size):
    """Convolution: a batched input folds into N; a batched weight (per-sample weights, as
    under ``vmap(grad)``) becomes a grouped convolution with one group set per sample."""
    x, w, b = inputs
    if not _is_batched(w, level) and not _is_batched(b, level):
        return fold_first(cls, inputs, params, level, size)
    if params.get("transposed"):
        return loop(cls, inputs, params, level, size)
    nt = _nt()
    xs = x._data.shape  # (N, C, *spatial)
    xin = materialize(x, level, size)  # (B, N, C, ...)
    xin = nt.reshape(xin.movedim(0, 1), (xs[0], size * xs[1]) + tuple(xs[2:]))
    ws = w._data.shape
    win = nt.reshape(materialize(w, level, size), (size * ws[0],) + tuple(ws[1:]))
    bin_ = None if b is None else nt.reshape(materialize(b, level, size), (size * ws[0],))
    p = dict(params)
    p["groups"] = params["groups"] * size
    out = _call(cls, [xin, win, bin_], p)  # (N, B*O, ...)
    out = nt.reshape(out, (xs[0], size, ws[0]) + tuple(out.shape[2:])).movedim(1, 0)
    return make(out, level)


def fold_all(cls, inputs, params, level, size):
    """Ops on several (N, ...) tensors sampled together (``grid_sample``): every input batched,
    the batch dim folded into N."""
    nt = _nt()
    n = inputs[0]._data.shape[0]
    new = [nt.reshape(materialize(x, level, size), (size * x._data.shape[0],) +
                      tuple(x._data.shape[1:])) for x in inputs]
    out = _call(cls, new, params)
    return make(out.reshape((size, n) + tuple(out.shape[1:])), level)


def first_only(cls, inputs, params, level, size):
    """Ops that act on trailing dims of input 0 (layer norm, padding): batched input 0 only."""
    if any(_is_batched(y, level) for y in inputs[1:]):
        return loop(cls, inputs, params, level, size)
    return same(cls, inputs, params, level, size)


def pair_loss(cls, inputs, params, level, size):
    """``mse_loss``-like losses: per-element losses, reduced per sample."""
    reduction = params.get("reduction", "mean")
    red = reduction if isinstance(reduction, str) else {0: "none", 1: "mean", 2: "sum"}.get(
        reduction, reduction)
    p = dict(params)
    p["reduction"] = "none" if isinstance(reduction, str) else 0
    out = pointwise(cls, inputs, p, level, size)
    if red == "none":
        return out
    return out.mean() if red == "mean" else out.sum()


def nll_loss(cls, inputs, params, level, size):
    """``nll_loss``: flatten the batch into the sample dim with ``reduction='none'``, then
    reduce per sample (weighted mean as torch)."""
    x = inputs[0]
    target = params["target"]
    tphys = param_physical(target, level, size)
    weight = params.get("weight")
    if weight is not None and param_physical(weight, level, size) is not None:
        return loop(cls, inputs, params, level, size)
    nt = _nt()
    xin = materialize(x, level, size)
    if tphys is None:
        tphys = nt.tensor(target).expand((size,) + target.shape)._data
    shape = x._data.shape
    if x._data.ndim == 1:
        xin = xin.reshape(size, shape[0])
        tflat = tphys.reshape(size)
        out_shape = ()
    else:
        xin = xin.reshape((size * shape[0],) + shape[1:])
        tflat = tphys.reshape((size * shape[0],) + tphys.shape[2:])
        out_shape = (shape[0],) + shape[2:]
    p = dict(params)
    p["target"] = tflat
    p["reduction"] = "none"
    loss = _call(cls, [xin], p).reshape((size,) + out_shape)
    reduction = params["reduction"]
    if reduction == "none":
        return make(loss, level)
    dims = tuple(range(1, loss.ndim))
    total = loss.sum(dims) if dims else loss
    if reduction == "sum":
        return make(total, level)
    import numpy as np

    ign = params.get("ignore_index", -100)
    valid = tphys != ign
    w = np.where(valid, weight[np.where(valid, tphys, 0)], 0) if weight is not None else valid
    denom = w.reshape(size, -1).sum(1).astype(loss._data.dtype)
    return make(total / nt.tensor(denom), level)


#: op name -> how many times it ran through the per-sample loop (to spot missing rules)
LOOPED: dict[str, int] = {}


# -- the per-sample loop --
def loop(cls, inputs, params, level, size):
    """The fallback: run the op once per sample and stack the results."""
    LOOPED[cls.__name__] = LOOPED.get(cls.__name__, 0) + 1
    nt = _nt()
    if size == 0:
        raise RuntimeError(f"vmap: numtorch cannot run {cls.__name__} over a batch of size 0")
    outs = []
    for b in range(size):
        ins = [nt.select(x._inner, 0, b) if _is_batched(x, level) else x for x in inputs]
        ps = {k: param_sample(v, level, b) for k, v in params.items()}
        outs.append(_call(cls, ins, ps))
    if outs[0].__class__ is tuple:
        return tuple(make(nt.stack([o[i] for o in outs]), level) for i in range(len(outs[0])))
    return make(nt.stack(outs), level)


# -- the table --
def _class(name: str):
    return _CLASSES[name]


_CLASSES: dict = {}


def _table() -> dict:
    import importlib

    def m(name):
        return importlib.import_module(f"numtorch._ops.{name}")

    pointwise_pkg = m("pointwise")
    diagonals, getitem, sc, sel = (m("indexing.diagonals"), m("indexing.getitem"),
                                   m("indexing.scatter"), m("indexing.select"))
    decomp, products, solvers = m("linalg.decomp"), m("linalg.products"), m("linalg.solvers")
    activation, conv, embedding = m("nn.activation"), m("nn.conv"), m("nn.embedding")
    loss, normalization, pooling, sampling = (m("nn.loss"), m("nn.normalization"),
                                              m("nn.pooling"), m("nn.sampling"))
    extrema, sums, splits, views = (m("reduction.extrema"), m("reduction.sums"),
                                    m("shape.splits"), m("shape.views"))
    join, scan, sorting, convert = m("join"), m("scan"), m("sorting"), m("creation.convert")
    t: dict = {}
    _CLASSES.update(Mm=products.Mm, Bmm=products.Bmm, Mv=products.Mv, Amax=extrema.Amax,
                    Amin=extrema.Amin, Sum=sums.Sum, Prod=sums.Prod, Argmax=extrema.Argmax)
    # pointwise modules: every op there broadcasts elementwise
    for modname in ("arith", "binary", "compare", "complex", "minmax", "special", "ternary",
                    "unary"):
        mod = m(f"{pointwise_pkg.__name__.split('.')[-1]}.{modname}")
        for v in vars(mod).values():
            if isinstance(v, type) and v.__module__ == mod.__name__ and hasattr(v, "_node_cls"):
                t[v] = pointwise
    for v in vars(activation).values():
        if isinstance(v, type) and v.__module__ == activation.__name__ and hasattr(
                v, "_node_cls") and not v._param_names & {"dim"}:
            t[v] = pointwise
    t[convert.Clone] = t[convert.ToCopy] = pointwise
    t[sc.MaskedFill] = t[sc.MaskedFillTensor] = pointwise_first
    t[activation.PreluKernel] = fold_first
    for c in (diagonals.Tril, diagonals.Triu, solvers.Det, solvers.Inv, solvers.MatrixExp,
              solvers.Slogdet, decomp.Cholesky, decomp.Eigh, decomp.QR, decomp.SVD, solvers.Pinv,
              views.ViewAsReal, views.ViewAsComplex, views.ViewDtype):
        t[c] = same
    # dims
    red = dims_rule(("dims",), all_none="tuple")
    for c in (sums.Sum, sums.Mean, sums.Nansum, sums.Norm, sums.Std, sums.StdMean, sums.Var,
              sums.VarMean, sums.Logsumexp, extrema.All, extrema.Any, extrema.Amax, extrema.Amin,
              extrema.CountNonzero):
        t[c] = red
    t[sums.SumAll] = t[sums.MeanAll] = red
    t[extrema.MaxAll] = reduce_all("Amax", "dims")
    t[extrema.MinAll] = reduce_all("Amin", "dims")
    t[sums.ProdAll] = reduce_all("Prod", "dim", flat=True)
    flat = dims_rule(("dim",), all_none="flat")
    for c in (extrema.Argmax, extrema.Argmin, sums.Prod):
        t[c] = flat
    one = dims_rule(("dim",))
    for c in (extrema.MaxDim, extrema.MinDim, activation.Softmax, activation.LogSoftmax,
              activation.Glu, scan.Cumsum, scan.Cumprod, scan.Cummax, scan.Cummin,
              scan.Logcumsumexp, sorting.Sort, sorting.SortStable, sorting.Argsort, sorting.Topk,
              sorting.Kth, sorting.Median1, sorting.Nanmedian1, sorting.Mode, views.Unbind,
              splits.Split, splits.SplitWithSizes, join.Unfold, sel.Gather, sc.Scatter,
              sc.ScatterAdd, sc.ScatterReduce, sc.ScatterValue):
        t[c] = one
    t[join.Flip] = dims_rule(("dims",))
    t[join.Rot90] = dims_rule(("dims",))
    t[diagonals.Diagonal] = t[diagonals.DiagonalCopy] = dims_rule(("dim1", "dim2"))
    t[diagonals.DiagEmbed] = dims_rule(("dim1", "dim2"), out_extra=1)
    t[views.Transpose] = dims_rule(("d0", "d1"))
    transpose = dims_rule(("d0", "d1"))
    t[views.T] = lambda cls, i, p, lv, n: (
        transpose(views.Transpose, i, p, lv, n) if i[0]._data.ndim == 2 else same(cls, i, p, lv, n))
    t[views.Unsqueeze] = dims_rule(("dim",), out_extra=1)
    t[join.Stack] = dims_rule(("dim",), out_extra=1)
    for c in (views.Squeeze, views.SqueezeDims, views.SqueezeMulti):
        t[c] = dims_rule(("dims",))
    t[views.Permute] = permute
    t[join.Cat] = cat
    t[join.Repeat] = repeat
    # views
    for c in (views.View, views.ReshapeAlias, views.UnsafeView, products._UnsafeView):
        t[c] = reshape
    t[views.Expand] = expand
    for c in (views.Select, views.Slice, getitem.Select, getitem.Slice, getitem.Alias,
              getitem.Index):
        t[c] = index
    t[getitem.Unsqueeze] = unsqueeze_getitem
    t[products.Einsum] = einsum
    # matmul
    t[products.Mm] = mm
    t[products.Addmm] = addmm
    t[products.Bmm] = bmm
    t[products.Mv] = mv
    t[products.Dot] = t[products.Vdot] = dot
    t[products.Addmv] = addmv
    t[products.Baddbmm] = t[products.Addbmm] = baddbmm
    # nn
    t[conv.Convolution] = convolution
    for c in (pooling.MaxPoolWithIndices, pooling.MaxPool3DWithIndices,
              pooling.AvgPool, pooling.AdaptiveAvgPool, pooling.AdaptiveAvgPool3D,
              pooling.AdaptiveMaxPool, normalization.NativeGroupNorm, sampling.PixelShuffle,
              sampling.PixelUnshuffle):
        t[c] = fold_first
    t[normalization.NativeLayerNorm] = first_only
    t[sampling.ConstantPadNd] = first_only
    for c in (loss.MseLoss, loss.SmoothL1Loss, loss.HuberLoss, loss.BinaryCrossEntropy,
              loss.BinaryCrossEntropyWithLogits):
        t[c] = pair_loss
    t[loss.NllLoss] = t[loss.NllLoss2d] = nll_loss
    t[embedding.Embedding] = embedding_rule
    t[sampling.Gather] = gather_axes
    t[sampling.GridSampler2D] = fold_all
    t[normalization.NativeBatchNorm] = batch_norm
    t[sel.IndexSelect] = index_select
    t[join.Roll] = roll
    spectral = m("spectral")
    for c in (spectral._C2C, spectral._R2C, spectral._C2R):
        t[c] = dims_rule(("dim",), all_none="tuple")
    t[m("indexing.strided").AsStrided] = unsupported
    import numtorch.special as special

    t[special._Polynomial] = t[special._ForwardOnly] = pointwise
    return t


BATCH_NORM = ("Batch norm got a batched tensor as input while the running_mean or running_var, "
              "which will be updated in place, were not batched.\nIf you are using a module and "
              "do not need eval mode, please set `track_running_stats` to be False.If you are "
              "using a prebuilt module and do not need eval mode, please see the functorch "
              "website for resources on how to patch your module to work with vmap")


def batch_norm(cls, inputs, params, level, size):
    """Batch norm: with running statistics the batch dim folds into N; with batch statistics
    it folds into the channels, so each sample is normalised over its own batch."""
    x, w, b = inputs
    if not params["use_input_stats"]:
        return fold_first(cls, inputs, params, level, size)
    if params.get("running_mean") is not None and _is_batched(x, level):
        raise RuntimeError(BATCH_NORM)
    if _is_batched(w, level) or _is_batched(b, level) or x._data.ndim < 2:
        return loop(cls, inputs, params, level, size)
    nt = _nt()
    shape = x._data.shape  # (N, C, *rest)
    phys = materialize(x, level, size).movedim(0, 1)  # (N, B, C, ...)
    folded = nt.reshape(phys, (shape[0], size * shape[1]) + tuple(shape[2:]))
    arr = folded._data
    axes = (0,) + tuple(range(2, arr.ndim))
    mean = arr.mean(axis=axes, keepdims=True)
    xc = arr - mean
    p = dict(params)
    p["stats"] = (mean, (xc * xc).mean(axis=axes, keepdims=True))
    wf = None if w is None else w.repeat(size)
    bf = None if b is None else b.repeat(size)
    out = _call(cls, [folded, wf, bf], p)
    out = nt.reshape(out, (shape[0], size) + tuple(shape[1:])).movedim(1, 0)
    return make(out, level)


def gather_axes(cls, inputs, params, level, size):
    """Separable gathers (interpolation, reflection/replication padding): axes shift by one."""
    n = inputs[0]._data.ndim
    maps = [(_wrap_dim(m[0], n) + 1,) + tuple(m[1:]) for m in params["maps"]]
    return wrap(_call(cls, [materialize(inputs[0], level, size)], {"maps": maps}), level)


def index_select(cls, inputs, params, level, size):
    x, idx = inputs
    if _is_batched(idx, level) or x._data.ndim == 0:
        return loop(cls, inputs, params, level, size)
    dim = _wrap_dim(params["dim"], x._data.ndim) + 1
    return wrap(_call(cls, [materialize(x, level, size), idx], {"dim": dim}), level)


def roll(cls, inputs, params, level, size):
    if not params.get("dims"):
        return loop(cls, inputs, params, level, size)
    return dims_rule(("dims",))(cls, inputs, params, level, size)


def unsupported(cls, inputs, params, level, size):
    raise RuntimeError(f"vmap: numtorch has no batching rule for {cls.__name__} (it depends on "
                       "the memory layout of each sample)")


def embedding_rule(cls, inputs, params, level, size):
    w = inputs[0]
    idx = params["indices"]
    phys = param_physical(idx, level, size)
    if _is_batched(w, level) or phys is None:
        return loop(cls, inputs, params, level, size)
    p = dict(params)
    p["indices"] = phys
    return make(_call(cls, [w], p), level)


#: rules that map batched parameters (arrays derived from a batched tensor) themselves
PARAM_AWARE = {nll_loss, embedding_rule, index, loop, batch_norm}


@functools.cache
def _rules() -> dict:
    return _table()


def rule_for(cls):
    """The batching rule of op class ``cls`` (the per-sample loop when it has none)."""
    table = _rules()
    r = table.get(cls)
    if r is not None:
        return r
    r = loop
    for base in cls.__mro__[1:]:
        br = table.get(base)
        if br is None:
            if "forward" in vars(base):
                break
            continue
        # a subclass that only renames the node (or a family base) computes as its base
        if ("forward" not in vars(cls) and base._param_names == cls._param_names) or (
                base.__name__ in _FAMILY_BASES and base.__module__ == cls.__module__):
            r = br
        break
    table[cls] = r
    return r


_FAMILY_BASES = ("UnaryOp", "BinaryOp", "_Act", "Comparison", "Logical", "Bitwise", "Shift",
                 "FloatTest", "Predicate")
