"""nn.Transformer, TransformerEncoder/Decoder and their layers against torch: initialisation under
the same seed, state_dict keys, reprs, warnings, forward/backward values in eval and train mode
(dropout 0, and dropout > 0 under the same seed), masks and causal hints, errors."""

import math
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
    # (without mask_check torch takes each row's kept-token count as its length)
    compare(make, [_src(kw)], call2, no_grad=True)
    fpad = np.where(pad2, 2.5, 0.0).astype("float32")  # a float mask: nonzero is padding there
    call3 = lambda lib, m, x: m(x, src_key_padding_mask=lib.tensor(fpad))  # noqa: E731
    compare(make, [_src(kw)], call3, no_grad=True)
    compare(make, [_src(kw)], call3)


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


@pytest.mark.parametrize("make", [
    lambda lib: lib.arange(60.).reshape(4, 3, 5).permute(1, 0, 2),
    lambda lib: lib.arange(60.).reshape(4, 3, 5).permute(2, 0, 1),
    lambda lib: lib.arange(60.).reshape(4, 3, 5).permute(0, 2, 1),
    lambda lib: lib.arange(24.).reshape(4, 6)[:, ::2].t(),
    lambda lib: lib.arange(72.).reshape(4, 6, 3).permute(2, 0, 1)[:, ::2],
    lambda lib: lib.arange(12.).reshape(4, 1, 3).transpose(0, 2),
    lambda lib: lib.arange(12.).reshape(4, 3).expand(2, 4, 3),
    lambda lib: lib.arange(12.).reshape(3, 4).t().unsqueeze(1).expand(4, 2, 3),
    lambda lib: lib.arange(20.).reshape(4, 5).t()[1:],
])
def test_dropout_of_strided_input_same_mask(make):
    """torch draws a dropout mask in the memory order ``empty_like`` gives the input
    (MultiheadAttention's batch_first output is a transposed view); so does numtorch."""
    outs = []
    for lib in (torch, numtorch):
        x = make(lib)
        lib.manual_seed(2)
        outs.append(lib.nn.functional.dropout(x, 0.4))
    assert_same_value(outs[1], outs[0])


def test_encoder_batch_first_dropout_same_seed():
    compare(lambda lib: lib.nn.TransformerEncoder(
        lib.nn.TransformerEncoderLayer(8, 2, 16, dropout=0.3, batch_first=True), 2),
            [(3, 5, 8)], train=True, seed=21)


# -- end to end: the same training run in both libraries -----------------------------------------
def _gpt(lib, vocab=17, E=16, heads=2, layers=2, ctx=8, dropout=0.1, use_sdpa=False):
    """A small GPT: token + position embeddings, pre-norm blocks with causal self-attention
    (nn.MultiheadAttention or F.scaled_dot_product_attention) and a GELU MLP, a LM head."""
    nn, F = lib.nn, lib.nn.functional

    class SdpaAttention(nn.Module):
        def __init__(self):
            super().__init__()
            self.qkv = nn.Linear(E, 3 * E)
            self.proj = nn.Linear(E, E)

        def forward(self, x):
            B, T, _ = x.shape
            q, k, v = self.qkv(x).split(E, dim=2)
            q, k, v = (t.view(B, T, heads, E // heads).transpose(1, 2) for t in (q, k, v))
            y = F.scaled_dot_product_attention(q, k, v, is_causal=True,
                                               dropout_p=dropout if self.training else 0.0)
            return self.proj(y.transpose(1, 2).contiguous().view(B, T, E))

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln1 = nn.LayerNorm(E)
            if use_sdpa:
                self.attn = SdpaAttention()
            else:
                self.attn = nn.MultiheadAttention(E, heads, dropout=dropout, batch_first=True)
            self.ln2 = nn.LayerNorm(E)
            self.mlp = nn.Sequential(nn.Linear(E, 4 * E), nn.GELU(), nn.Linear(4 * E, E),
                                     nn.Dropout(dropout))

        def forward(self, x):
            h = self.ln1(x)
            if use_sdpa:
                x = x + self.attn(h)
            else:
                T = x.shape[1]
                mask = nn.Transformer.generate_square_subsequent_mask(T)
                x = x + self.attn(h, h, h, attn_mask=mask, is_causal=True,
                                  need_weights=False)[0]
            return x + self.mlp(self.ln2(x))

    class GPT(nn.Module):
        def __init__(self):
            super().__init__()
            self.tok = nn.Embedding(vocab, E)
            self.pos = nn.Embedding(ctx, E)
            self.drop = nn.Dropout(dropout)
            self.blocks = nn.ModuleList([Block() for _ in range(layers)])
            self.ln_f = nn.LayerNorm(E)
            self.head = nn.Linear(E, vocab, bias=False)

        def forward(self, idx):
            T = idx.shape[1]
            x = self.drop(self.tok(idx) + self.pos(lib.arange(T)))
            for block in self.blocks:
                x = block(x)
            return self.head(self.ln_f(x))

    return GPT()


def _word_lm(lib, ntoken=23, ninp=16, nhead=2, nhid=32, nlayers=2, dropout=0.2):
    """pytorch/examples' word_language_model Transformer: an nn.Transformer subclass whose
    encoder runs over embedded tokens plus sinusoidal positions, then a linear decoder."""
    nn, F = lib.nn, lib.nn.functional

    class PositionalEncoding(nn.Module):
        def __init__(self, d_model, max_len=64):
            super().__init__()
            self.dropout = nn.Dropout(p=dropout)
            position = lib.arange(0, max_len, dtype=lib.float).unsqueeze(1)
            div_term = lib.exp(lib.arange(0, d_model, 2).float() * (-math.log(10000.0) / d_model))
            pe = lib.zeros(max_len, d_model)
            pe[:, 0::2] = lib.sin(position * div_term)
            pe[:, 1::2] = lib.cos(position * div_term)
            self.register_buffer("pe", pe.unsqueeze(0).transpose(0, 1))

        def forward(self, x):
            return self.dropout(x + self.pe[:x.size(0), :])

    class TransformerModel(nn.Transformer):
        def __init__(self):
            super().__init__(d_model=ninp, nhead=nhead, dim_feedforward=nhid,
                             num_encoder_layers=nlayers, dropout=dropout)
            self.src_mask = None
            self.pos_encoder = PositionalEncoding(ninp)
            self.input_emb = nn.Embedding(ntoken, ninp)
            self.ninp = ninp
            self.decoder = nn.Linear(ninp, ntoken)
            nn.init.uniform_(self.input_emb.weight, -0.1, 0.1)
            nn.init.zeros_(self.decoder.bias)
            nn.init.uniform_(self.decoder.weight, -0.1, 0.1)

        def forward(self, src, has_mask=True):
            if has_mask:
                if self.src_mask is None or self.src_mask.size(0) != len(src):
                    self.src_mask = self.generate_square_subsequent_mask(len(src))
            else:
                self.src_mask = None
            src = self.pos_encoder(self.input_emb(src) * math.sqrt(self.ninp))
            out = self.decoder(self.encoder(src, mask=self.src_mask))
            return F.log_softmax(out, dim=-1)

    return TransformerModel()


def _train(lib, make, steps, batch_fn, loss_fn, opt_name):
    lib.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = make(lib)
    if opt_name == "adam":
        opt = lib.optim.AdamW(model.parameters(), lr=3e-3)
    else:
        opt = lib.optim.SGD(model.parameters(), lr=0.5, momentum=0.9)
    losses = []
    model.train()
    for step in range(steps):
        x, y = (lib.tensor(a) for a in batch_fn(step))
        opt.zero_grad()
        loss = loss_fn(lib, model(x), y)
        loss.backward()
        lib.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        losses.append(loss.item())
    model.eval()
    with lib.no_grad():
        x, y = (lib.tensor(a) for a in batch_fn(steps))
        losses.append(loss_fn(lib, model(x), y).item())
    return losses


@pytest.mark.parametrize("use_sdpa", [False, True])
@pytest.mark.parametrize("opt_name", ["adam", "sgd"])
def test_gpt_block_trains_the_same(use_sdpa, opt_name):
    corpus = np.random.default_rng(3).integers(0, 17, size=(6, 4, 9))

    def batch(step):
        seq = corpus[step % len(corpus)]
        return seq[:, :-1], seq[:, 1:]

    def loss_fn(lib, logits, y):
        return lib.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))

    make = lambda lib: _gpt(lib, use_sdpa=use_sdpa)  # noqa: E731
    theirs = _train(torch, make, 5, batch, loss_fn, opt_name)
    ours = _train(numtorch, make, 5, batch, loss_fn, opt_name)
    print("torch   ", theirs)
    print("numtorch", ours)
    np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("opt_name", ["sgd", "adam"])
def test_word_language_model_trains_the_same(opt_name):
    corpus = np.random.default_rng(4).integers(0, 23, size=200)
    bptt, bsz = 7, 3
    data = corpus[:len(corpus) // bsz * bsz].reshape(bsz, -1).T  # (len, bsz) as batchify

    def batch(step):
        i = (step * bptt) % (data.shape[0] - bptt - 1)
        return data[i:i + bptt], data[i + 1:i + 1 + bptt].reshape(-1)

    def loss_fn(lib, out, y):
        return lib.nn.functional.nll_loss(out.view(-1, out.shape[-1]), y)

    theirs = _train(torch, _word_lm, 6, batch, loss_fn, opt_name)
    ours = _train(numtorch, _word_lm, 6, batch, loss_fn, opt_name)
    print("torch   ", theirs)
    print("numtorch", ours)
    np.testing.assert_allclose(ours, theirs, rtol=2e-5, atol=2e-5)


@pytest.mark.parametrize("case", ["float_kpm", "float_mask", "causal_flag_only", "full_row",
                                  "full_sequence", "hooked"])
@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_layer_inference_fast_path(case, norm_first):
    """Eval mode without grad (batch_first, even heads...): torch's fused layer reads masks as
    bool, ignores is_causal and gives NaN where every key is masked; numtorch does the same."""
    fpad = np.zeros((3, 5), dtype="float32")
    fpad[1, [0, 3]] = 2.5
    fmask = np.random.default_rng(1).normal(size=(5, 5)).astype("float32")
    fmask[:, 0] = 0.0
    row = np.zeros((5, 5), dtype=bool)
    row[2] = True
    seq = np.zeros((3, 5), dtype=bool)
    seq[0] = True

    def call(lib, m, x):
        if case == "hooked":
            m.linear1.register_forward_hook(lambda *a: None)
            return m(x, src_key_padding_mask=lib.tensor(fpad))
        kw = {"float_kpm": {"src_key_padding_mask": lib.tensor(fpad)},
              "float_mask": {"src_mask": lib.tensor(fmask)},
              "causal_flag_only": {"is_causal": True},
              "full_row": {"src_mask": lib.tensor(row)},
              "full_sequence": {"src_key_padding_mask": lib.tensor(seq)}}[case]
        return m(x, **kw)

    make = lambda lib: lib.nn.TransformerEncoderLayer(8, 2, 16, batch_first=True,  # noqa: E731
                                                      norm_first=norm_first)
    if case != "causal_flag_only":  # (with grad, torch requires a mask for the flag)
        compare(make, [(3, 5, 8)], call, no_grad=False)
    compare(make, [(3, 5, 8)], call, no_grad=True)


@pytest.mark.parametrize("need_weights", [True, False])
def test_mha_inference_fast_path(need_weights):
    seq = np.zeros((3, 5), dtype=bool)
    seq[0] = True
    seq[1, 3:] = True
    row = np.zeros((5, 5), dtype=bool)
    row[2] = True
    make = lambda lib: lib.nn.MultiheadAttention(8, 2, batch_first=True)  # noqa: E731
    for kw in ({"key_padding_mask": seq}, {"attn_mask": row}, {"attn_mask": row,
                                                               "is_causal": True}):
        def call(lib, m, x, kw=kw):
            args = {k: lib.tensor(v) for k, v in kw.items() if k != "is_causal"}
            out, w = m(x, x, x, need_weights=need_weights, is_causal="is_causal" in kw, **args)
            return out if w is None else lib.cat([out.flatten(), w.flatten()])

        compare(make, [(3, 5, 8)], call, no_grad=True)
