"""scaled_dot_product_attention, multi_head_attention_forward and nn.MultiheadAttention against
torch: values, gradients, masks, dropout under the same seed, initialisation, reprs, errors."""

import warnings

import numpy as np
import pytest
import torch
import torch.nn.attention.bias  # noqa: F401 - torch does not import it eagerly

import numtorch
import numtorch.nn.attention.bias  # noqa: F401
from tests.oracle import assert_same_value, check, check_raises, copy_weights, make_array

FLOATS = ["float32", "float64"]


def sdpa(lib, *args, **kwargs):
    return lib.nn.functional.scaled_dot_product_attention(*args, **kwargs)


# -- scaled_dot_product_attention ---------------------------------------------------------------
@pytest.mark.parametrize("shapes", [
    [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 6)],
    [(4, 8), (5, 8), (5, 8)],
    [(3, 4, 8), (3, 6, 8), (3, 6, 8)],
    [(2, 3, 4, 8), (1, 3, 5, 8), (1, 3, 5, 8)],   # batch dims broadcast
])
@pytest.mark.parametrize("dtype", FLOATS)
def test_sdpa_values_and_grads(shapes, dtype):
    check(lambda lib, q, k, v: sdpa(lib, q, k, v), shapes, dtypes=[dtype], graph=False)
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, scale=0.3), shapes, dtypes=[dtype],
          graph=False)
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, is_causal=True), shapes, dtypes=[dtype],
          graph=False)


@pytest.mark.parametrize("mask_shape", [(4, 5), (1, 4, 5), (2, 1, 4, 5), (2, 3, 4, 5), (5,),
                                        (1, 5)])
def test_sdpa_masks(mask_shape):
    rng = np.random.default_rng(1)
    bool_mask = rng.random(mask_shape) < 0.7
    shapes = [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)]
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.tensor(bool_mask)), shapes,
          dtypes=FLOATS, graph=False)
    check(lambda lib, q, k, v, m: sdpa(lib, q, k, v, attn_mask=m),
          shapes + [mask_shape], dtypes=FLOATS, graph=False)
    if len(mask_shape) > 1:  # torch's CPU kernels combine the two, or refuse (3-D mask)
        check(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.tensor(bool_mask),
                                        is_causal=True), shapes, graph=False)


def test_sdpa_fully_masked_rows_give_zeros():
    mask = np.ones((4, 5), dtype=bool)
    mask[1] = False
    fmask = np.where(mask, 0.0, -np.inf).astype("float32")
    shapes = [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)]
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.tensor(mask)), shapes,
          graph=False)
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.tensor(fmask)), shapes,
          graph=False)
    # a key length of zero: every row is empty
    check(lambda lib, q, k, v: sdpa(lib, q, k, v), [(2, 4, 8), (2, 0, 8), (2, 0, 8)],
          graph=False)


@pytest.mark.parametrize("heads", [(6, 2, 2), (6, 3, 2), (6, 6, 6), (4, 1, 1)])
def test_sdpa_gqa(heads):
    hq, hk, hv = heads
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, enable_gqa=True),
          [(2, hq, 4, 8), (2, hk, 5, 8), (2, hv, 5, 8)], graph=False)
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, enable_gqa=True),
          [(hq, 4, 8), (hk, 5, 8), (hv, 5, 8)], graph=False)


@pytest.mark.parametrize("p", [0.3, 0.5, 1.0])
@pytest.mark.parametrize("masked", [False, True])
def test_sdpa_dropout_same_seed(p, masked):
    rng = np.random.default_rng(3)
    arrs = [make_array(s, "float32", rng) for s in [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)]]
    mask = rng.random((4, 5)) < 0.7

    def run(lib):
        q, k, v = (lib.tensor(a, requires_grad=True) for a in arrs)
        lib.manual_seed(7)
        kw = {"attn_mask": lib.tensor(mask)} if masked else {}
        out = sdpa(lib, q, k, v, dropout_p=p, **kw)
        g = lib.tensor(make_array((2, 3, 4, 8), "float32", np.random.default_rng(4)))
        out.backward(g)
        return out, q.grad, k.grad, v.grad

    for ours, theirs in zip(run(numtorch), run(torch)):
        assert_same_value(ours, theirs)


@pytest.mark.parametrize("fn, shapes", [
    (lambda lib, q, k, v: sdpa(lib, q, k.double(), v), [(2, 4, 8), (2, 5, 8), (2, 5, 8)]),
    (lambda lib, q, k, v: sdpa(lib, q[0, 0], k[0, 0], v[0, 0]), [(2, 4, 8), (2, 5, 8),
                                                                 (2, 5, 8)]),
    (lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.ones(4, 5, dtype=lib.int64)),
     [(2, 4, 8), (2, 5, 8), (2, 5, 8)]),
    (lambda lib, q, k, v: sdpa(lib, q, k, v, attn_mask=lib.ones(4, 5, dtype=lib.float64)),
     [(2, 4, 8), (2, 5, 8), (2, 5, 8)]),
    (lambda lib, q, k, v: sdpa(lib, q, k, v, dropout_p=1.5), [(2, 4, 8), (2, 5, 8), (2, 5, 8)]),
    (lambda lib, q, k, v: sdpa(lib, q.int(), k.int(), v.int()), [(2, 4, 8), (2, 5, 8),
                                                                 (2, 5, 8)]),
    (lambda lib, q, k, v: sdpa(lib, q, k, v, enable_gqa=True), [(2, 6, 4, 8), (2, 4, 5, 8),
                                                               (2, 4, 5, 8)]),
])
def test_sdpa_errors(fn, shapes):
    check_raises(fn, shapes)


def test_sdpa_mask_broadcast_error_type():
    check_raises(lambda lib, q, k, v, m: sdpa(lib, q, k, v, attn_mask=m),
                 [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8), (3, 5)], match_message=False)


# -- nn.MultiheadAttention: construction ----------------------------------------------------------
MHA_CONFIGS = [
    {},
    {"bias": False},
    {"add_bias_kv": True},
    {"add_zero_attn": True},
    {"kdim": 6, "vdim": 5},
    {"batch_first": True},
    {"add_bias_kv": True, "add_zero_attn": True, "kdim": 6, "vdim": 6},
]


@pytest.mark.parametrize("kwargs", MHA_CONFIGS)
@pytest.mark.parametrize("seed", [0, 3])
def test_mha_init_same_seed(kwargs, seed):
    torch.manual_seed(seed)
    tm = torch.nn.MultiheadAttention(8, 2, **kwargs)
    numtorch.manual_seed(seed)
    nm = numtorch.nn.MultiheadAttention(8, 2, **kwargs)
    tsd, nsd = tm.state_dict(), nm.state_dict()
    assert list(tsd) == list(nsd)
    assert [n for n, _ in tm.named_parameters()] == [n for n, _ in nm.named_parameters()]
    for name in tsd:
        np.testing.assert_array_equal(nsd[name].numpy(), tsd[name].numpy(), err_msg=name)
    assert repr(nm) == repr(tm)
    for attr in ("embed_dim", "kdim", "vdim", "num_heads", "head_dim", "batch_first",
                 "_qkv_same_embed_dim", "add_zero_attn", "dropout"):
        assert getattr(nm, attr) == getattr(tm, attr), attr
    assert (nm.bias_k is None) == (tm.bias_k is None)


def test_mha_constructor_errors():
    check_raises(lambda lib: lib.nn.MultiheadAttention(10, 3), [])
    check_raises(lambda lib: lib.nn.MultiheadAttention(0, 3), [])
    check_raises(lambda lib: lib.nn.MultiheadAttention(8, -1), [])


# -- nn.MultiheadAttention: forward / backward ----------------------------------------------------
def _mha_pair(kwargs, dtype="float32", seed=0):
    torch.manual_seed(seed)
    tm = torch.nn.MultiheadAttention(8, 2, **kwargs).to(getattr(torch, dtype))
    nm = numtorch.nn.MultiheadAttention(8, 2, **kwargs).to(getattr(numtorch, dtype))
    copy_weights(tm, nm)
    return tm, nm


def compare_mha(kwargs, call, shapes, *, dtype="float32", train=False, seed=None, rtol=None,
                atol=None, self_attn=False):
    """Run ``call(lib, module, q, k, v)`` on both libraries with the same weights and compare
    every output, the input gradients and the parameter gradients."""
    tm, nm = _mha_pair(kwargs, dtype)
    tm.train(train)
    nm.train(train)
    rng = np.random.default_rng(0)
    arrs = [make_array(s, dtype, rng) for s in shapes]
    outs, ins = {}, {}
    for lib, m in ((torch, tm), (numtorch, nm)):
        xs = [lib.tensor(a, requires_grad=True) for a in arrs]
        if self_attn:
            xs = [xs[0]] * 3
        if seed is not None:
            lib.manual_seed(seed)
        outs[lib] = call(lib, m, *xs)
        ins[lib] = xs
    t_out = [o for o in outs[torch] if o is not None]
    n_out = [o for o in outs[numtorch] if o is not None]
    assert len(t_out) == len(n_out)
    for k, (a, b) in enumerate(zip(n_out, t_out)):
        assert_same_value(a, b, rtol, atol, what=f"output {k}")
    grads = [make_array(tuple(o.shape), dtype, rng) for o in t_out]
    torch.autograd.backward(t_out, [torch.tensor(g) for g in grads])
    numtorch.autograd.backward(n_out, [numtorch.tensor(g) for g in grads])
    for i, (a, b) in enumerate(zip(ins[numtorch], ins[torch])):
        assert_same_value(a.grad, b.grad, rtol, atol, what=f"grad of input {i}")
    tp, np_ = dict(tm.named_parameters()), dict(nm.named_parameters())
    for name, p in tp.items():
        if p.grad is None:
            assert np_[name].grad is None, name
        else:
            assert_same_value(np_[name].grad, p.grad, rtol, atol, what=f"grad of {name}")


def _qkv(batched=True, batch_first=False, kdim=8, vdim=8, L=4, S=5, N=3):
    if not batched:
        return [(L, 8), (S, kdim), (S, vdim)]
    if batch_first:
        return [(N, L, 8), (N, S, kdim), (N, S, vdim)]
    return [(L, N, 8), (S, N, kdim), (S, N, vdim)]


@pytest.mark.parametrize("kwargs", MHA_CONFIGS)
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("batched", [True, False])
def test_mha_forward_backward(kwargs, need_weights, batched):
    shapes = _qkv(batched, kwargs.get("batch_first", False), kwargs.get("kdim", 8),
                  kwargs.get("vdim", 8))
    compare_mha(kwargs, lambda lib, m, q, k, v: m(q, k, v, need_weights=need_weights),
                shapes, dtype="float64")
    compare_mha(kwargs, lambda lib, m, q, k, v: m(q, k, v, need_weights=need_weights,
                                                  average_attn_weights=False), shapes)


@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_self_attention_packed(batch_first):
    shape = (3, 4, 8) if batch_first else (4, 3, 8)
    for train in (False, True):
        compare_mha({"batch_first": batch_first}, lambda lib, m, x, *_: m(x, x, x),
                    [shape], train=train, self_attn=True)
    # key is value (encoder-decoder attention)
    compare_mha({"batch_first": batch_first}, lambda lib, m, q, kv: m(q, kv, kv),
                [shape, shape])


def _masks(kind):
    rng = np.random.default_rng(5)
    kpm = rng.random((3, 5)) < 0.3
    kpm[:, 0] = False
    am2 = rng.random((4, 5)) < 0.3
    am2[:, 0] = False
    am3 = rng.random((6, 4, 5)) < 0.3
    am3[:, :, 0] = False
    if kind == "float":
        return [np.where(m, -np.inf, 0.0).astype("float32") for m in (kpm, am2, am3)]
    if kind == "floatvals":
        return [rng.normal(size=m.shape).astype("float32") for m in (kpm, am2, am3)]
    return [kpm, am2, am3]


@pytest.mark.parametrize("kind", ["bool", "float", "floatvals"])
@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("which", ["kpm", "am2", "am3", "kpm+am2", "kpm+am3"])
@pytest.mark.parametrize("kwargs", [{}, {"add_bias_kv": True, "add_zero_attn": True},
                                    {"batch_first": True}])
def test_mha_masks(kind, need_weights, which, kwargs):
    kpm, am2, am3 = _masks(kind)
    bf = kwargs.get("batch_first", False)

    def call(lib, m, q, k, v):
        kw = {}
        if "kpm" in which:
            kw["key_padding_mask"] = lib.tensor(kpm)
        if "am2" in which:
            kw["attn_mask"] = lib.tensor(am2)
        if "am3" in which:
            kw["attn_mask"] = lib.tensor(am3)
        return m(q, k, v, need_weights=need_weights, **kw)

    compare_mha(kwargs, call, _qkv(batch_first=bf))


@pytest.mark.parametrize("need_weights", [True, False])
@pytest.mark.parametrize("with_kpm", [False, True])
def test_mha_is_causal(need_weights, with_kpm):
    causal = torch.nn.Transformer.generate_square_subsequent_mask(4).numpy()
    kpm = np.zeros((3, 4), dtype="float32")
    kpm[1, 3] = -np.inf

    def call(lib, m, q, k, v):
        kw = {"key_padding_mask": lib.tensor(kpm)} if with_kpm else {}
        return m(q, k, v, attn_mask=lib.tensor(causal), is_causal=True,
                 need_weights=need_weights, **kw)

    compare_mha({}, call, [(4, 3, 8)] * 3)


def test_mha_unbatched_masks():
    rng = np.random.default_rng(2)
    kpm = rng.random(5) < 0.3
    kpm[0] = False
    am3 = rng.random((2, 4, 5)) < 0.3
    am3[..., 0] = False
    for nw in (True, False):
        compare_mha({}, lambda lib, m, q, k, v: m(q, k, v, key_padding_mask=lib.tensor(kpm),
                                                  need_weights=nw), _qkv(False))  # noqa: B023
        compare_mha({}, lambda lib, m, q, k, v: m(q, k, v, attn_mask=lib.tensor(am3),
                                                  need_weights=nw), _qkv(False))  # noqa: B023


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_dropout_same_seed(need_weights):
    compare_mha({"dropout": 0.4}, lambda lib, m, q, k, v: m(q, k, v, need_weights=need_weights),
                _qkv(), train=True, seed=11)


def test_mha_mismatched_mask_types_warn():
    kpm = np.zeros((3, 5), dtype=bool)
    am = np.zeros((4, 5), dtype="float32")
    for lib, m in zip((torch, numtorch), _mha_pair({})):
        q = lib.ones(4, 3, 8)
        k = lib.ones(5, 3, 8)
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            m(q, k, k, key_padding_mask=lib.tensor(kpm), attn_mask=lib.tensor(am))
        msgs = [str(w.message) for w in rec if "mismatched" in str(w.message)]
        assert msgs == ["Support for mismatched key_padding_mask and attn_mask is deprecated. "
                        "Use same type for both instead."], msgs


@pytest.mark.parametrize("call", [
    lambda lib, m, q, k, v: m(q, k, v, attn_mask=lib.zeros(4, 4)),
    lambda lib, m, q, k, v: m(q, k, v, attn_mask=lib.zeros(5, 4, 5)),
    lambda lib, m, q, k, v: m(q, k, v, attn_mask=lib.zeros(1, 1, 4, 5)),
    lambda lib, m, q, k, v: m(q, k, v, key_padding_mask=lib.zeros(3, 4)),
    lambda lib, m, q, k, v: m(q, k, v, key_padding_mask=lib.zeros(2, 5)),
    lambda lib, m, q, k, v: m(q, k, v, key_padding_mask=lib.zeros(3)),
    lambda lib, m, q, k, v: m(q, k, v, key_padding_mask=lib.zeros(3, 5, dtype=lib.int64)),
    lambda lib, m, q, k, v: m(q, k, v, attn_mask=lib.zeros(4, 5, dtype=lib.int32)),
    lambda lib, m, q, k, v: m(q, k, v, is_causal=True),
    lambda lib, m, q, k, v: m(q[0], k, v),
    lambda lib, m, q, k, v: m(q, k[..., :6], v[..., :6]),
    lambda lib, m, q, k, v: m(q, k, v[:4]),
    lambda lib, m, q, k, v: m(q.unsqueeze(0), k, v),
    lambda lib, m, q, k, v: m(q[..., :4], k, v),
])
def test_mha_errors(call):
    t, n = _mha_pair({})
    check_raises(lambda lib, q, k, v: call(lib, t if lib is torch else n, q, k, v),
                 _qkv())


def test_mha_unbatched_3d_mask_error():
    t, n = _mha_pair({})
    check_raises(lambda lib, q, k, v: (t if lib is torch else n)(
        q, k, v, attn_mask=lib.zeros(6, 4, 5)), _qkv(False))


# -- F.multi_head_attention_forward ---------------------------------------------------------------
def test_functional_mha_static_kv_and_separate_weights():
    rng = np.random.default_rng(9)
    E, H, L, S, N = 8, 2, 4, 5, 3
    names = ["q", "kv", "w_in", "b_in", "w_out", "b_out", "wq", "wk", "wv", "sk", "sv"]
    shapes = [(L, N, E), (S, N, E), (3 * E, E), (3 * E,), (E, E), (E,), (E, E), (E, E), (E, E),
              (N * H, 6, E // H), (N * H, 6, E // H)]
    arrays = dict(zip(names, (make_array(s, "float64", rng) for s in shapes)))

    def fn(lib, q, kv, w_in, b_in, w_out, b_out, wq, wk, wv, sk, sv):
        F = lib.nn.functional
        a = F.multi_head_attention_forward(q, kv, kv, E, H, w_in, b_in, None, None, False, 0.0,
                                           w_out, b_out, static_k=sk, static_v=sv)
        b = F.multi_head_attention_forward(q, kv, kv, E, H, None, b_in, None, None, True, 0.0,
                                           w_out, b_out, use_separate_proj_weight=True,
                                           q_proj_weight=wq, k_proj_weight=wk, v_proj_weight=wv,
                                           need_weights=False)
        return a[0], a[1], b[0]

    check(fn, arrays=[arrays[n] for n in names], graph=False)
    check_raises(lambda lib, q, kv, w_in, b_in, w_out, b_out, wq, wk, wv, sk, sv:
                 lib.nn.functional.multi_head_attention_forward(
                     q, kv, kv, E, H, w_in, b_in, None, None, False, 0.0, w_out, b_out,
                     static_k=sk[:5]), arrays=[arrays[n] for n in names])
    check_raises(lambda lib, q, kv, w_in, b_in, w_out, b_out, wq, wk, wv, sk, sv:
                 lib.nn.functional.multi_head_attention_forward(
                     q, kv, kv, 6, H, w_in, b_in, None, None, False, 0.0, w_out, b_out),
                 arrays=[arrays[n] for n in names])


# -- torch.nn.attention: sdpa_kernel, SDPBackend, bias ---------------------------------------------
def _attn(lib):
    return lib.nn.attention


def _pick(enum, backends):
    if isinstance(backends, str):
        return getattr(enum, backends)
    return [getattr(enum, b) for b in backends]


def test_sdp_backend_enum():
    for name, member in torch.nn.attention.SDPBackend.__members__.items():
        ours = getattr(numtorch.nn.attention.SDPBackend, name)
        assert repr(ours) == repr(member) and str(ours) == str(member)
        assert ours.name == member.name and int(ours) == int(member)
    assert numtorch.nn.attention.WARN_FOR_UNFUSED_KERNELS == \
        torch.nn.attention.WARN_FOR_UNFUSED_KERNELS


@pytest.mark.parametrize("backends", [["MATH"], ["FLASH_ATTENTION"], ["EFFICIENT_ATTENTION"],
                                      ["CUDNN_ATTENTION"], [], ["MATH", "ERROR"], "MATH",
                                      ["EFFICIENT_ATTENTION", "FLASH_ATTENTION"]])
@pytest.mark.parametrize("kw", [{}, {"dropout_p": 0.5}, {"is_causal": True}])
def test_sdpa_kernel_restricts_backends(backends, kw):
    def fn(lib, q, k, v):
        B = _attn(lib).SDPBackend
        chosen = _pick(B, backends)
        with _attn(lib).sdpa_kernel(chosen):
            lib.manual_seed(0)
            out = sdpa(lib, q, k, v, **kw)
        assert len(_attn(lib)._cur_sdpa_kernel_backends()) == 5
        return out

    # the enabled lists are compared inside torch's own context
    with torch.nn.attention.sdpa_kernel(_pick(torch.nn.attention.SDPBackend, backends)):
        expected = [b.name for b in torch.nn.attention._cur_sdpa_kernel_backends()]
    with numtorch.nn.attention.sdpa_kernel(_pick(numtorch.nn.attention.SDPBackend, backends)):
        assert [b.name for b in numtorch.nn.attention._cur_sdpa_kernel_backends()] == expected
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(fn, [(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)], graph=False, grad=False)


def test_sdpa_kernel_as_decorator_and_errors():
    for lib in (torch, numtorch):
        @_attn(lib).sdpa_kernel(_attn(lib).SDPBackend.EFFICIENT_ATTENTION)
        def names(lib=lib):
            return [b.name for b in _attn(lib)._cur_sdpa_kernel_backends()]

        assert names() == ["EFFICIENT_ATTENTION"]
        assert len(_attn(lib)._cur_sdpa_kernel_backends()) == 5
    check_raises(lambda lib: _attn(lib).sdpa_kernel("MATH").__enter__(), [])


@pytest.mark.parametrize("variant", ["upper_left", "lower_right"])
@pytest.mark.parametrize("L, S", [(4, 6), (6, 4), (5, 5)])
def test_causal_bias(variant, L, S):
    def fn(lib, q, k, v):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            bias = getattr(lib.nn.attention.bias, f"causal_{variant}")(L, S)
        return sdpa(lib, q, k, v, attn_mask=bias)

    check(fn, [(2, 3, L, 8), (2, 3, S, 8), (2, 3, S, 8)], graph=False)
    for lib in (torch, numtorch):
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            bias = getattr(lib.nn.attention.bias, f"causal_{variant}")(L, S)
        if lib is torch:
            t_repr, t_warn = repr(bias), [str(w.message) for w in rec]
            t_mask = bias._materialize()
        else:
            assert repr(bias) == t_repr and [str(w.message) for w in rec] == t_warn
            assert_same_value(bias._materialize(), t_mask)
            assert bias.variant == t_mask_variant(variant) and bias.seq_len_q == L


def t_mask_variant(variant):
    return numtorch.nn.attention.bias.CausalVariant[variant.upper()]


def test_causal_bias_errors():
    check_raises(lambda lib: lib.nn.attention.bias.causal_lower_right(3), [])
    check_raises(lambda lib: lib.nn.attention.bias.causal_upper_left(3, 4, 5), [])
    check_raises(lambda lib: lib.nn.attention.bias.CausalBias(1, 3, 4), [])
    check_raises(lambda lib, q, k, v: sdpa(lib, q, k, v, is_causal=True,
                                           attn_mask=lib.nn.attention.bias.causal_upper_left(
                                               4, 5)), [(2, 4, 8), (2, 5, 8), (2, 5, 8)])
    assert [int(v) for v in numtorch.nn.attention.bias.CausalVariant] == \
        [int(v) for v in torch.nn.attention.bias.CausalVariant]


def test_private_helpers_and_merge_masks():
    rng = np.random.default_rng(6)
    bool_mask = rng.random((3, 5)) < 0.5
    for mask in (bool_mask, np.where(bool_mask, -1.5, 0.0).astype("float32")):
        check(lambda lib, x, mask=mask: lib.nn.functional._canonical_mask(
            lib.tensor(mask), "m", None, "", x.dtype), [(2,)], grad=False)
    check(lambda lib, q, k, v, w, b: lib.nn.functional._in_projection_packed(q, k, v, w, b),
          [(4, 2, 8), (5, 2, 8), (5, 2, 8), (24, 8), (24,)], graph=False)
    check(lambda lib, q, k, w, b: lib.nn.functional._in_projection_packed(q, k, k, w, b),
          [(4, 2, 8), (5, 2, 8), (24, 8), (24,)], graph=False)
    check(lambda lib, q, w, b: lib.nn.functional._in_projection_packed(q, q, q, w, b),
          [(4, 2, 8), (24, 8), (24,)], graph=False)
    check_raises(lambda lib, q, k, v, w: lib.nn.functional._in_projection(q, k, v, w, w, w),
                 [(4, 2, 8), (5, 2, 6), (5, 2, 8), (8, 8)])
    kpm = np.where(rng.random((3, 5)) < 0.3, -np.inf, 0.0).astype("float32")
    am2 = np.where(rng.random((5, 5)) < 0.3, -np.inf, 0.0).astype("float32")
    am3 = np.where(rng.random((6, 5, 5)) < 0.3, -np.inf, 0.0).astype("float32")
    t, n = _mha_pair({"batch_first": True})
    for args in [(None, kpm), (am2, None), (am2, kpm), (am3, kpm), (None, None)]:
        outs = []
        for lib, m in ((torch, t), (numtorch, n)):
            a, k = (None if x is None else lib.tensor(x) for x in args)
            outs.append(m.merge_masks(a, k, lib.zeros(3, 5, 8)))
        assert outs[0][1] == outs[1][1]
        if outs[0][0] is None:
            assert outs[1][0] is None
        else:
            assert_same_value(outs[1][0], outs[0][0])


@pytest.mark.parametrize("shapes", [[(2, 3, 4, 8), (2, 3, 5, 8), (2, 3, 5, 8)],
                                    [(3, 4, 8), (3, 5, 8), (3, 5, 8)]])
@pytest.mark.parametrize("kw", [{}, {"is_causal": True}])
def test_sdpa_half(shapes, kw):
    """Half inputs accumulate in float32 as torch's CPU kernels do (its flash kernel rounds the
    unnormalised weights to half before the product with value)."""
    check(lambda lib, q, k, v: sdpa(lib, q, k, v, **kw), shapes, dtypes=["float16"],
          graph=False, grad=False)


def test_sdpa_follows_backends_cuda_switches():
    """sdpa_kernel and torch.backends.cuda.enable_*_sdp are one set of switches."""
    def state(lib):
        c = lib.backends.cuda
        return (c.math_sdp_enabled(), c.flash_sdp_enabled(), c.mem_efficient_sdp_enabled(),
                c.cudnn_sdp_enabled(), [b.name for b in _attn(lib)._cur_sdpa_kernel_backends()])

    def run(lib, q, k, v):
        c = lib.backends.cuda
        seen = []
        with _attn(lib).sdpa_kernel([_attn(lib).SDPBackend.FLASH_ATTENTION]):
            seen.append(state(lib))
        seen.append(state(lib))
        try:
            c.enable_math_sdp(False)
            seen.append(state(lib))
            out = sdpa(lib, q, k, v)
            with pytest.raises(RuntimeError):
                sdpa(lib, q, k, v, dropout_p=0.5)
            c.enable_flash_sdp(False)
            with pytest.raises(RuntimeError, match="No viable backend"):
                sdpa(lib, q, k, v)
        finally:
            c.enable_math_sdp(True)
            c.enable_flash_sdp(True)
        seen.append(state(lib))
        return out, seen

    rng = np.random.default_rng(0)
    arrs = [make_array((1, 2, 3, 4), "float32", rng) for _ in range(3)]
    (t_out, t_seen), (n_out, n_seen) = (run(lib, *(lib.tensor(a) for a in arrs))
                                        for lib in (torch, numtorch))
    assert n_seen == t_seen
    assert_same_value(n_out, t_out)
