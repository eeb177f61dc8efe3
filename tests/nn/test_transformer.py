"""nn.Transformer, TransformerEncoder/Decoder and their layers against torch: initialisation under
the same seed, state_dict keys, reprs, warnings, forward/backward values in eval and train mode
(dropout 0, and dropout > 0 under the same seed), masks and causal hints, errors."""

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value, check_raises, copy_weights, make_array


def _build(make, lib, seed=0):
    lib.manual_seed(seed)
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        m = make(lib)
    return m, [str(w.message) for w in rec]


def assert_same_init(make, seed=0):
    (tm, tw), (nm, nw) = _build(make, torch, seed), _build(make, numtorch, seed)
    assert nw == tw
    tsd, nsd = tm.state_dict(), nm.state_dict()
    assert list(nsd) == list(tsd)
    for name in tsd:
        np.testing.assert_array_equal(nsd[name].numpy(), tsd[name].numpy(), err_msg=name)
    assert repr(nm) == repr(tm)
    return tm, nm


def compare(make, shapes, call=None, *, train=False, seed=None, dtype="float32", no_grad=False,
            rtol=None, atol=None):
    """Same weights in both libraries; compare ``call(lib, module, *inputs)`` and, unless
    ``no_grad``, the gradients of the inputs and of every parameter."""
    (tm, _), (nm, _) = _build(make, torch), _build(make, numtorch)
    tm, nm = tm.to(getattr(torch, dtype)), nm.to(getattr(numtorch, dtype))
    copy_weights(tm, nm)
    tm.train(train)
    nm.train(train)
    call = call or (lambda lib, m, *xs: m(*xs))
    rng = np.random.default_rng(0)
    arrs = [make_array(s, dtype, rng) for s in shapes]
    outs, ins = {}, {}
    for lib, m in ((torch, tm), (numtorch, nm)):
        xs = [lib.tensor(a, requires_grad=not no_grad) for a in arrs]
        if seed is not None:
            lib.manual_seed(seed)
        if no_grad:
            with lib.no_grad():
                outs[lib] = call(lib, m, *xs)
        else:
            outs[lib] = call(lib, m, *xs)
        ins[lib] = xs
    assert_same_value(outs[numtorch], outs[torch], rtol, atol, what="output")
    if no_grad:
        return
    g = make_array(tuple(outs[torch].shape), dtype, rng)
    outs[torch].backward(torch.tensor(g))
    outs[numtorch].backward(numtorch.tensor(g))
    for i, (a, b) in enumerate(zip(ins[numtorch], ins[torch])):
        assert_same_value(a.grad, b.grad, rtol, atol, what=f"grad of input {i}")
    np_ = dict(nm.named_parameters())
    for name, p in tm.named_parameters():
        if p.grad is None:
            assert np_[name].grad is None, name
        else:
            assert_same_value(np_[name].grad, p.grad, rtol, atol, what=f"grad of {name}")


LAYER_KW = [
    {},
    {"norm_first": True},
    {"activation": "gelu"},
    {"batch_first": True},
    {"bias": False, "layer_norm_eps": 1e-3},
    {"batch_first": True, "norm_first": True, "activation": "gelu"},
]


def _act(lib, kw):
    kw = dict(kw)
    if kw.get("activation") == "module":
        kw["activation"] = lib.nn.GELU()
    elif kw.get("activation") == "callable":
        kw["activation"] = lib.tanh
    return kw


# -- initialisation, keys, reprs, warnings -------------------------------------------------------
@pytest.mark.parametrize("kw", LAYER_KW + [{"activation": "module"}, {"activation": "callable"}])
@pytest.mark.parametrize("seed", [0, 5])
def test_init_same_seed(kw, seed):
    assert_same_init(lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16, **_act(lib, kw)), seed)
    assert_same_init(lambda lib: lib.nn.TransformerDecoderLayer(8, 2, 16, **_act(lib, kw)), seed)
    assert_same_init(lambda lib: lib.nn.Transformer(8, 2, 2, 1, 16, **_act(lib, kw)), seed)


@pytest.mark.parametrize("make", [
    lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16), 3),
    lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16,
                                                                        batch_first=True),
                                          2, lib.nn.LayerNorm(8)),
    lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(8, 2, 16,
                                                                        batch_first=True),
                                          2, enable_nested_tensor=False),
    lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(
        8, 2, 16, batch_first=True, norm_first=True), 2),
    lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(
        8, 2, 16, batch_first=True, bias=False), 2),
    lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(
        8, 2, 16, batch_first=True, activation=lib.tanh), 2),
    lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(
        8, 1, 16, batch_first=True), 2),
    lambda lib: lib.nn.TransformerEncoder(lib.nn.TransformerEncoderLayer(
        8, 2, 16, batch_first=True, activation=lib.nn.ReLU()), 2),
    lambda lib: lib.nn.TransformerDecoder(lib.nn.TransformerDecoderLayer(8, 2, 16), 2,
                                          lib.nn.LayerNorm(8)),
    lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16, batch_first=True, norm_first=True),
    lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16, custom_encoder=lib.nn.Identity()),
])
def test_stacks_init_warnings_repr(make):
    tm, nm = assert_same_init(make)
    for attr in ("num_layers", "enable_nested_tensor", "use_nested_tensor", "mask_check",
                 "d_model", "nhead", "batch_first"):
        if hasattr(tm, attr):
            assert getattr(nm, attr) == getattr(tm, attr), attr
    layers = [(a, b) for a, b in zip(nm.modules(), tm.modules())
              if type(b).__name__ == "TransformerEncoderLayer"]
    for a, b in layers:
        assert a.activation_relu_or_gelu == b.activation_relu_or_gelu


def test_generate_square_subsequent_mask():
    for args, kw in [((4,), {}), ((1,), {}), ((5,), {"dtype": "float64"}),
                     ((3,), {"device": "cpu", "dtype": "float16"})]:
        t_kw = {k: getattr(torch, v) if k == "dtype" else v for k, v in kw.items()}
        n_kw = {k: getattr(numtorch, v) if k == "dtype" else v for k, v in kw.items()}
        assert_same_value(numtorch.nn.Transformer.generate_square_subsequent_mask(*args, **n_kw),
                          torch.nn.Transformer.generate_square_subsequent_mask(*args, **t_kw))


# -- forward / backward ------------------------------------------------------------------------
def _src(kw, L=5, N=3, E=8, batched=True):
    if not batched:
        return (L, E)
    return (N, L, E) if kw.get("batch_first") else (L, N, E)


@pytest.mark.parametrize("kw", LAYER_KW + [{"activation": "module"}, {"activation": "callable"}])
@pytest.mark.parametrize("train", [False, True])
def test_encoder_layer(kw, train):
    make = lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,  # noqa: E731
                                                      **_act(lib, kw))
    compare(make, [_src(kw)], train=train)
    compare(make, [_src(kw, batched=False)], train=train)


@pytest.mark.parametrize("kw", LAYER_KW + [{"activation": "module"}])
@pytest.mark.parametrize("train", [False, True])
def test_decoder_layer(kw, train):
    make = lambda lib: lib.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0,  # noqa: E731
                                                      **_act(lib, kw))
    compare(make, [_src(kw, L=4), _src(kw, L=6)], train=train)
    compare(make, [_src(kw, L=4, batched=False), _src(kw, L=6, batched=False)], train=train)


def _bool_pad(N, L, kind="bool"):
    pad = np.zeros((N, L), dtype=bool)
    pad[1, -2:] = True
    pad[2, -1] = True
    if kind == "float":
        return np.where(pad, -np.inf, 0.0).astype("float32")
    return pad


@pytest.mark.parametrize("kind", ["bool", "float"])
@pytest.mark.parametrize("causal", ["none", "mask", "mask+flag", "flag_false"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_encoder_masks(kind, causal, batch_first):
    kw = {"batch_first": batch_first}
    causal_mask = torch.nn.Transformer.generate_square_subsequent_mask(5).numpy()
    if kind == "bool":
        causal_mask = np.isinf(causal_mask)
    pad = _bool_pad(3, 5, kind)

    def call(lib, m, x):
        args = {"src_key_padding_mask": lib.tensor(pad)}
        if causal != "none":
            args["mask"] = lib.tensor(causal_mask)
        if causal == "mask+flag":
            args["is_causal"] = True
        if causal == "flag_false":
            args["is_causal"] = False
        return m(x, **args)

    def make(lib):
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **kw)
        return lib.nn.TransformerEncoder(layer, 2, lib.nn.LayerNorm(8))

    compare(make, [_src(kw)], call, train=True)
    compare(make, [_src(kw)], call, train=False)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("mask_check", [True, False])
def test_encoder_nested_path_pads_with_zeros(batch_first, mask_check):
    """In eval mode without grad, torch runs padded batches as nested tensors: the output at
    padded positions is zero (before the final norm)."""
    kw = {"batch_first": batch_first}
    pad = _bool_pad(3, 5)

    def make(lib):
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, **kw)
        return lib.nn.TransformerEncoder(layer, 2, mask_check=mask_check)

    call = lambda lib, m, x: m(x, src_key_padding_mask=lib.tensor(pad))  # noqa: E731
    compare(make, [_src(kw)], call, no_grad=True)
    # a padding mask that is not left-aligned keeps torch off that path when mask_check is set
    pad2 = pad.copy()
    pad2[0, 0] = True
    call2 = lambda lib, m, x: m(x, src_key_padding_mask=lib.tensor(pad2))  # noqa: E731
    if mask_check:
        compare(make, [_src(kw)], call2, no_grad=True)


@pytest.mark.parametrize("kw", [{}, {"batch_first": True, "norm_first": True},
                                {"activation": "gelu", "bias": False}])
@pytest.mark.parametrize("train", [False, True])
def test_transformer_full(kw, train):
    def make(lib):
        return lib.nn.Transformer(8, 2, 2, 2, 16, dropout=0.0, **kw)

    causal = torch.nn.Transformer.generate_square_subsequent_mask(4).numpy()
    src_pad = _bool_pad(3, 5)
    tgt_pad = np.zeros((3, 4), dtype=bool)
    tgt_pad[0, -1] = True

    def call(lib, m, src, tgt):
        return m(src, tgt, tgt_mask=lib.tensor(causal), src_key_padding_mask=lib.tensor(src_pad),
                 tgt_key_padding_mask=lib.tensor(tgt_pad),
                 memory_key_padding_mask=lib.tensor(src_pad))

    compare(make, [_src(kw), _src(kw, L=4)], train=train)
    compare(make, [_src(kw), _src(kw, L=4)], call, train=train)
    compare(make, [_src(kw, batched=False), _src(kw, L=4, batched=False)], train=train)
    compare(make, [_src(kw), _src(kw, L=4)],
            lambda lib, m, s, t: m(s, t, tgt_mask=lib.tensor(causal), tgt_is_causal=True),
            train=train)


def test_transformer_float64():
    compare(lambda lib: lib.nn.Transformer(8, 2, 1, 1, 16, dropout=0.0), [(5, 2, 8), (4, 2, 8)],
            dtype="float64")


@pytest.mark.parametrize("norm_first", [False, True])
def test_dropout_same_seed(norm_first):
    """With dropout > 0 in train mode both libraries draw the same masks in the same order."""
    compare(lambda lib: lib.nn.Transformer(8, 2, 2, 2, 16, dropout=0.3, norm_first=norm_first),
            [(5, 3, 8), (4, 3, 8)], train=True, seed=13)
    causal = torch.nn.Transformer.generate_square_subsequent_mask(4).numpy()
    compare(lambda lib: lib.nn.TransformerDecoder(
        lib.nn.TransformerDecoderLayer(8, 2, 16, dropout=0.25, batch_first=True), 2),
            [(3, 4, 8), (3, 5, 8)], lambda lib, m, t, mem: m(t, mem, tgt_mask=lib.tensor(causal)),
            train=True, seed=4)


# -- errors --------------------------------------------------------------------------------------
def test_errors():
    def tr(lib, *a, **k):
        return lib.nn.Transformer(8, 2, 1, 1, 16, *a, **k)

    check_raises(lambda lib, s, t: tr(lib)(s, t), [(5, 3, 8), (4, 2, 8)])
    check_raises(lambda lib, s, t: tr(lib, batch_first=True)(s, t), [(3, 5, 8), (2, 4, 8)])
    check_raises(lambda lib, s, t: tr(lib)(s, t), [(5, 3, 6), (4, 3, 6)])
    check_raises(lambda lib, s, t: tr(lib)(s, t), [(5, 3, 8), (4, 3, 6)])
    check_raises(lambda lib: lib.nn.TransformerEncoderLayer(8, 2, activation="tanh"), [])
    check_raises(lambda lib: lib.nn.TransformerDecoderLayer(8, 2, activation="swish"), [])
    check_raises(lambda lib: lib.nn.TransformerEncoderLayer(8, 3), [])
    check_raises(lambda lib, x: lib.nn.TransformerEncoderLayer(8, 2)(
        x, src_key_padding_mask=lib.zeros(3, 5, dtype=lib.int64)), [(5, 3, 8)])


def test_mismatched_mask_warning():
    pad = _bool_pad(3, 5)
    mask = np.zeros((5, 5), dtype="float32")
    for lib in (torch, numtorch):
        lib.manual_seed(0)
        layer = lib.nn.TransformerEncoderLayer(8, 2, 16)
        enc = lib.nn.TransformerEncoder(layer, 1, enable_nested_tensor=False)
        with warnings.catch_warnings(record=True) as rec:
            warnings.simplefilter("always")
            enc(lib.ones(5, 3, 8), mask=lib.tensor(mask), src_key_padding_mask=lib.tensor(pad))
        msgs = sorted({str(w.message) for w in rec})
        if lib is torch:
            expected = msgs
        else:
            assert msgs == expected
    assert expected


@pytest.mark.parametrize("perm", [(1, 0, 2), (2, 0, 1), (0, 2, 1)])
def test_dropout_of_permuted_input_same_mask(perm):
    """torch draws a dropout mask in the input's memory order (MultiheadAttention's batch_first
    output is a transposed view); so does numtorch."""
    outs = []
    for lib in (torch, numtorch):
        x = lib.arange(60, dtype=lib.float32).reshape(4, 3, 5).permute(*perm)
        lib.manual_seed(2)
        outs.append(lib.nn.functional.dropout(x, 0.4))
    assert_same_value(outs[1], outs[0])


def test_encoder_batch_first_dropout_same_seed():
    compare(lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, batch_first=True), 2),
            [(3, 5, 8)], train=True, seed=21)
