"""torch.nn.attention.flex_attention against torch's eager flex_attention: outputs and lse for
score_mods and block masks, BlockMask contents/str/repr, create_mask, mask combinators and
errors. torch refuses backward on CPU, so gradients are compared with torch's autograd through
the dense computation flex_attention's eager path is defined by (checked against torch's
flex_attention forward in the same test)."""

import math
import warnings

import numpy as np
import pytest
import torch
from torch.nn.attention import flex_attention as tflex

import numtorch
from numtorch.nn.attention import flex_attention as nflex
from tests.oracle import assert_same_value, check_raises, make_array

FLEX = {torch: tflex, numtorch: nflex}


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def causal(b, h, q_idx, kv_idx):
    return q_idx >= kv_idx


def window(b, h, q_idx, kv_idx):
    return (q_idx - kv_idx).abs() <= 2


def prefix(b, h, q_idx, kv_idx):
    return kv_idx < 2


def relative(score, b, h, q_idx, kv_idx):
    return score + (q_idx - kv_idx)


def softcap(score, b, h, q_idx, kv_idx):
    return 3.0 * (score / 3.0).tanh()


SLOPES = np.array([0.5, -0.25, 0.125, 1.0], dtype="float32")
TABLE = np.random.default_rng(8).normal(size=(2, 4, 6, 7)).astype("float32")
DOCS = np.array([0, 0, 1, 1, 1, 2, 2])


def alibi(lib):
    slopes = lib.tensor(SLOPES)
    return lambda score, b, h, q_idx, kv_idx: score + slopes[h] * (kv_idx - q_idx)


def table(lib):
    t = lib.tensor(TABLE)
    return lambda score, b, h, q_idx, kv_idx: score + t[b, h, q_idx, kv_idx]


def documents(lib):
    doc = lib.tensor(DOCS)
    return lambda b, h, q_idx, kv_idx: doc[q_idx] == doc[kv_idx]


SCORE_MODS = {"none": lambda lib: None, "relative": lambda lib: relative,
              "softcap": lambda lib: softcap, "alibi": alibi, "table": table}
MASK_MODS = {"none": None, "causal": lambda lib: causal, "window": lambda lib: window,
             "causal&window": lambda lib: FLEX[lib].and_masks(causal, window),
             "prefix|causal": lambda lib: FLEX[lib].or_masks(prefix, causal),
             "documents": lambda lib: FLEX[lib].and_masks(documents(lib), causal),
             "shifted": lambda lib: (lambda b, h, q, k: q - 3 >= k)}   # rows with nothing kept


def _inputs(lib, dtype="float32", shapes=((2, 4, 6, 8), (2, 4, 7, 8), (2, 4, 7, 5)),
            requires_grad=False):
    rng = np.random.default_rng(0)
    return [lib.tensor(make_array(s, dtype, rng), requires_grad=requires_grad) for s in shapes]


def _block_mask(lib, name, B=2, H=4, L=6, S=7, block=2):
    if MASK_MODS[name] is None:
        return None
    return FLEX[lib].create_block_mask(MASK_MODS[name](lib), B, H, L, S, device="cpu",
                                       BLOCK_SIZE=block)


@pytest.mark.parametrize("score", list(SCORE_MODS))
@pytest.mark.parametrize("mask", list(MASK_MODS))
def test_values_and_lse(score, mask):
    res = {}
    for lib in (torch, numtorch):
        q, k, v = _inputs(lib)
        bm = _block_mask(lib, mask)
        res[lib] = FLEX[lib].flex_attention(q, k, v, score_mod=SCORE_MODS[score](lib),
                                            block_mask=bm, return_lse=True)
    for a, b in zip(res[numtorch], res[torch]):
        assert_same_value(a, b)


@pytest.mark.parametrize("kw", [{"scale": 0.2}, {"enable_gqa": True}, {"dtype": "float64"},
                                {"block": (2, 3)}, {"bh_none": True}, {"kv_batch1": True},
                                {"aux": True}])
def test_options(kw):
    res = {}
    for lib in (torch, numtorch):
        shapes = [(2, 4, 6, 8), (2, 4, 7, 8), (2, 4, 7, 5)]
        if kw.get("enable_gqa"):
            shapes[1], shapes[2] = (2, 2, 7, 8), (2, 2, 7, 5)
        if kw.get("kv_batch1"):
            shapes[1], shapes[2] = (1, 4, 7, 8), (1, 4, 7, 5)
        q, k, v = _inputs(lib, kw.get("dtype", "float32"), shapes)
        B, H = (None, None) if kw.get("bh_none") else (2, 4)
        bm = FLEX[lib].create_block_mask(causal, B, H, 6, 7, device="cpu",
                                         BLOCK_SIZE=kw.get("block", 2))
        extra = {}
        if kw.get("aux"):
            extra["return_aux"] = FLEX[lib].AuxRequest(lse=True)
        out = FLEX[lib].flex_attention(q, k, v, score_mod=alibi(lib), block_mask=bm,
                                       scale=kw.get("scale"), enable_gqa=bool(kw.get("enable_gqa")),
                                       **extra)
        res[lib] = [out[0], out[1].lse] if kw.get("aux") else [out]
    for a, b in zip(res[numtorch], res[torch]):
        assert_same_value(a, b)


def _dense_reference(q, k, v, score_mod, mask_mod, scale=None):
    """torch's eager flex_attention math, written with torch broadcasting (differentiable)."""
    B, H, L, S = q.shape[0], q.shape[1], q.shape[2], k.shape[2]
    scale = 1.0 / math.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ k.transpose(-2, -1) * scale
    b = torch.arange(B).view(B, 1, 1, 1)
    h = torch.arange(H).view(1, H, 1, 1)
    m = torch.arange(L).view(1, 1, L, 1)
    n = torch.arange(S).view(1, 1, 1, S)
    s = score_mod(s, b, h, m, n) if score_mod else s
    if mask_mod is not None:
        s = torch.where(mask_mod(b, h, m, n), s, torch.tensor(-math.inf))
    s = s.expand(B, H, L, S)
    dead = (s == -math.inf).all(-1, keepdim=True)
    p = torch.where(dead, 0.0, torch.softmax(torch.where(dead, 0.0, s), -1))
    return p @ v


@pytest.mark.parametrize("score", ["none", "relative", "softcap", "alibi"])
@pytest.mark.parametrize("mask", ["none", "causal", "causal&window", "shifted"])
def test_gradients(score, mask):
    """numtorch differentiates flex_attention; its gradients equal torch autograd's through the
    dense definition, whose forward equals torch's flex_attention."""
    tq, tk, tv = _inputs(torch, requires_grad=True)
    mask_mod = MASK_MODS[mask](torch) if MASK_MODS[mask] else None
    t_out = _dense_reference(tq, tk, tv, SCORE_MODS[score](torch), mask_mod)
    with torch.no_grad():
        t_flex = tflex.flex_attention(tq.detach(), tk.detach(), tv.detach(),
                                      score_mod=SCORE_MODS[score](torch),
                                      block_mask=_block_mask(torch, mask))
    torch.testing.assert_close(t_out.detach(), t_flex)
    nq, nk, nv = _inputs(numtorch, requires_grad=True)
    n_out = nflex.flex_attention(nq, nk, nv, score_mod=SCORE_MODS[score](numtorch),
                                 block_mask=_block_mask(numtorch, mask))
    assert_same_value(n_out, t_out)
    g = make_array(tuple(t_out.shape), "float32", np.random.default_rng(1))
    tg = torch.autograd.grad(t_out, [tq, tk, tv], torch.tensor(g))
    ng = numtorch.autograd.grad(n_out, [nq, nk, nv], numtorch.tensor(g))
    for a, b in zip(ng, tg):
        assert_same_value(a, b)


def test_gradient_into_captured_bias():
    grads = {}
    for lib in (torch, numtorch):
        q, k, v = _inputs(lib, requires_grad=True)
        slopes = lib.tensor(SLOPES, requires_grad=True)

        def mod(score, b, h, q_idx, kv_idx, slopes=slopes):
            return score + slopes[h] * (kv_idx - q_idx)

        if lib is torch:
            out = _dense_reference(q, k, v, mod, causal)
        else:
            bm = nflex.create_block_mask(causal, 2, 4, 6, 7, device="cpu", BLOCK_SIZE=2)
            out = nflex.flex_attention(q, k, v, score_mod=mod, block_mask=bm)
        g = make_array(tuple(out.shape), "float32", np.random.default_rng(2))
        grads[lib] = lib.autograd.grad(out, [q, k, v, slopes], lib.tensor(g))
    for a, b in zip(grads[numtorch], grads[torch]):
        assert_same_value(a, b)


def test_torch_refuses_cpu_backward_numtorch_differentiates():
    q, k, v = _inputs(torch, requires_grad=True)
    with pytest.raises(NotImplementedError):
        tflex.flex_attention(q, k, v)
    q, k, v = _inputs(numtorch, requires_grad=True)
    assert nflex.flex_attention(q, k, v).requires_grad


# -- BlockMask and masks -------------------------------------------------------------------------
FIELDS = ("kv_num_blocks", "kv_indices", "full_kv_num_blocks", "full_kv_indices",
          "q_num_blocks", "q_indices", "full_q_num_blocks", "full_q_indices")


@pytest.mark.parametrize("mask", [m for m in MASK_MODS if m != "none"])
@pytest.mark.parametrize("block", [2, (2, 3), 4, 128])
@pytest.mark.parametrize("separate", [True, False])
def test_block_mask_contents(mask, block, separate):
    bms = {lib: FLEX[lib].create_block_mask(MASK_MODS[mask](lib), 2, 4, 6, 7, device="cpu",
                                            BLOCK_SIZE=block, separate_full_blocks=separate)
           for lib in (torch, numtorch)}
    t, n = bms[torch], bms[numtorch]
    for f in FIELDS:
        if getattr(t, f) is None:
            assert getattr(n, f) is None, f
        else:
            assert_same_value(getattr(n, f), getattr(t, f), what=f)
    assert n.BLOCK_SIZE == t.BLOCK_SIZE and n.shape == t.shape and n.numel() == t.numel()
    assert n.sparsity() == pytest.approx(t.sparsity())
    assert_same_value(n.to_dense(), t.to_dense())
    assert str(n) == str(t)
    assert repr(n) == repr(t)
    assert n.to_string(grid_size=2, limit=2) == t.to_string(grid_size=2, limit=2)
    for flatten in (True, False):
        nt, tt = n.as_tuple(flatten), t.as_tuple(flatten)
        assert len(nt) == len(tt)
        for a, b in zip(nt, tt):
            if isinstance(b, torch.Tensor):
                assert_same_value(a, b)
            elif not callable(b):
                assert a == b


@pytest.mark.parametrize("mod", ["causal", "documents", "relative", "where_score", "shifted"])
def test_create_mask(mod):
    outs = []
    for lib in (torch, numtorch):
        fn = {"causal": causal, "documents": documents(lib), "relative": relative,
              "where_score": lambda s, b, h, q, k, lib=lib: lib.where(q >= k, s, -math.inf),
              "shifted": MASK_MODS["shifted"](lib)}[mod]
        outs.append(FLEX[lib].create_mask(fn, 2, None, 6, 7, device="cpu"))
    assert_same_value(outs[1], outs[0])


def test_noop_and_combinators():
    for lib in (torch, numtorch):
        b = lib.tensor(0)
        assert bool(FLEX[lib].noop_mask(b, b, b, b))
        assert FLEX[lib].and_masks().__name__ == "and_mask"
        assert FLEX[lib].or_masks().__name__ == "or_mask"
    check_raises(lambda lib: FLEX[lib].and_masks(causal, 3), [])
    check_raises(lambda lib: FLEX[lib].or_masks("x"), [])
    check_raises(lambda lib: FLEX[lib].create_block_mask(relative, 1, 1, 4, 4, device="cpu"), [],
                 match_message=False)
    check_raises(lambda lib: FLEX[lib].create_mask(lambda a, b: a, 1, 1, 4, 4, device="cpu"),
                 [])


def _raises(fn):
    check_raises(lambda lib, q, k, v: fn(lib, FLEX[lib], q, k, v),
                 [(2, 4, 6, 8), (2, 4, 7, 8), (2, 4, 7, 5)])


@pytest.mark.parametrize("fn", [
    lambda lib, F, q, k, v: F.flex_attention(q, k[..., :4], v),
    lambda lib, F, q, k, v: F.flex_attention(q, k[:, :2], v[:, :2]),
    lambda lib, F, q, k, v: F.flex_attention(q, k[:, :3], v[:, :3], enable_gqa=True),
    lambda lib, F, q, k, v: F.flex_attention(q[0], k[0], v[0]),
    lambda lib, F, q, k, v: F.flex_attention(q, k[:1], v[:1]),
    lambda lib, F, q, k, v: F.flex_attention(q, k, v, block_mask=F.create_block_mask(
        causal, 2, 4, 4, 7, device="cpu", BLOCK_SIZE=2)),
    lambda lib, F, q, k, v: F.flex_attention(q, k, v, block_mask=F.create_block_mask(
        causal, 2, 4, 8, 7, device="cpu", BLOCK_SIZE=2)),
    lambda lib, F, q, k, v: F.flex_attention(q, k[:1], v[:1], block_mask=F.create_block_mask(
        causal, 1, 4, 6, 7, device="cpu", BLOCK_SIZE=2)),
    lambda lib, F, q, k, v: F.flex_attention(q, k, v, return_lse=True,
                                             return_aux=F.AuxRequest(lse=True)),
    lambda lib, F, q, k, v: F.flex_attention(q, k, v, return_aux=F.AuxRequest(max_scores=True)),
])
def test_errors(fn):
    _raises(fn)


@pytest.mark.parametrize("index", [0, -1, (1, 2), (slice(None), 1), (0, slice(1, 3), 1),
                                   (slice(None), slice(None), slice(0, 2))])
def test_block_mask_slicing(index):
    bms = {lib: FLEX[lib].create_block_mask(causal, 2, 4, 6, 7, device="cpu", BLOCK_SIZE=2)[index]
           for lib in (torch, numtorch)}
    for f in FIELDS:
        assert_same_value(getattr(bms[numtorch], f), getattr(bms[torch], f), what=f)
    assert str(bms[numtorch]) == str(bms[torch])
    _raises(lambda lib, F, q, k, v: F.flex_attention(q, k, v, block_mask=bms[lib]))


@pytest.mark.parametrize("new", [(4, 7), (6, 5), (3, 3), (6, 7)])
def test_block_mask_adjust(new):
    res = {}
    for lib in (torch, numtorch):
        bm = FLEX[lib].create_block_mask(window, 2, 4, 6, 7, device="cpu", BLOCK_SIZE=2)
        bm = bm._adjust(*new)
        q, k, v = _inputs(lib, shapes=((2, 4, new[0], 8), (2, 4, new[1], 8), (2, 4, new[1], 5)))
        res[lib] = (bm, FLEX[lib].flex_attention(q, k, v, block_mask=bm))
    for f in FIELDS:
        assert_same_value(getattr(res[numtorch][0], f), getattr(res[torch][0], f), what=f)
    assert res[numtorch][0].shape == res[torch][0].shape
    assert_same_value(res[numtorch][1], res[torch][1])


def test_compile_flag_deprecation():
    msgs = {}
    for lib in (torch, numtorch):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            bm = FLEX[lib].create_block_mask(causal, 1, 1, 4, 4, device="cpu", BLOCK_SIZE=2,
                                             _compile=True)
        msgs[lib] = [str(w.message) for w in rec if "_compile flag" in str(w.message)]
        assert bm.shape == (1, 1, 4, 4)
    assert msgs[numtorch] == msgs[torch] and msgs[torch]
