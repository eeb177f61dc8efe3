"""Top-level ``torch.*`` functions completing numtorch's namespace, against torch: function
forms of in-place methods, ATen-signature nn ops, window factories, ``*_copy`` variants, small
utilities; and the names test (every public torch callable exists in numtorch but a reasoned
exclusion list)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import numtorch
from tests.oracle import assert_same_value, check, check_raises


def _seeded(name, *args):
    def fn(lib, x):
        lib.manual_seed(0)
        return getattr(lib, name)(x, *args)
    return fn


ATEN = {
    "dropout": (_seeded("dropout", 0.3, True), [(4, 5)]),
    "dropout_": (lambda lib, x: (lib.manual_seed(0), lib.dropout_(x * 1, 0.3, True))[1],
                 [(4, 5)]),
    "alpha_dropout": (_seeded("alpha_dropout", 0.3, True), [(4, 5)]),
    "feature_alpha_dropout": (_seeded("feature_alpha_dropout", 0.3, True), [(4, 5, 3)]),
    "feature_dropout": (_seeded("feature_dropout", 0.3, True), [(4, 5, 3)]),
    "native_dropout": (_seeded("native_dropout", 0.3, True), [(4, 5)]),
    "native_dropout_eval": (lambda lib, x: lib.native_dropout(x, 0.3, False), [(4, 5)]),
    "celu": (lambda lib, x: lib.celu(x, 0.7), [(3, 4)]),
    "selu_": (lambda lib, x: lib.selu_(x * 1), [(3, 4)]),
    "threshold": (lambda lib, x: lib.threshold(x, 0.1, 20.0), [(3, 4)]),
    "threshold_": (lambda lib, x: lib.threshold_(x * 1, 0.1, 20.0), [(3, 4)]),
    "layer_norm": (lambda lib, x, w, b: lib.layer_norm(x, [4], w, b, 1e-5, True),
                   [(3, 4), (4,), (4,)]),
    "group_norm": (lambda lib, x, w, b: lib.group_norm(x, 2, w, b), [(3, 4, 5), (4,), (4,)]),
    "batch_norm": (lambda lib, x, w, b: lib.batch_norm(x, w, b, None, None, True, 0.1, 1e-5,
                                                       True), [(3, 4, 5), (4,), (4,)]),
    "instance_norm": (lambda lib, x, w, b: lib.instance_norm(x, w, b, None, None, True, 0.1,
                                                             1e-5, True),
                      [(3, 4, 5), (4,), (4,)]),
    "embedding": (lambda lib, w: lib.embedding(w, lib.tensor([[0, 2], [3, 0]]), 0), [(5, 3)]),
    "bilinear": (lambda lib, a, b, w, c: lib.bilinear(a, b, w, c),
                 [(2, 3), (2, 4), (5, 3, 4), (5,)]),
    "kl_div": (lambda lib, a, b: lib.kl_div(a, b), [(3, 4), (3, 4)]),
    "kl_div_sum": (lambda lib, a, b: lib.kl_div(a, b, 2, log_target=True), [(3, 4), (3, 4)]),
    "kl_div_mean": (lambda lib, a, b: lib.kl_div(a, b, 1), [(3, 4), (3, 4)]),
    "cosine_similarity": (lambda lib, a, b: lib.cosine_similarity(a, b), [(3, 4), (3, 4)]),
    "pairwise_distance": (lambda lib, a, b: lib.pairwise_distance(a, b, 3.0, 1e-6, True),
                          [(3, 4), (3, 4)]),
    "bce_with_logits": (lambda lib, a, b: lib.binary_cross_entropy_with_logits(
        a, b.sigmoid(), None, None, 1), [(3, 4), (3, 4)]),
    "cosine_embedding_loss": (lambda lib, a, b: lib.cosine_embedding_loss(
        a, b, lib.tensor([1, -1, 1]), 0.1, 2), [(3, 4), (3, 4)]),
    "hinge_embedding_loss": (lambda lib, a: lib.hinge_embedding_loss(a, lib.tensor([1, -1, 1])),
                             [(3,)]),
    "margin_ranking_loss": (lambda lib, a, b: lib.margin_ranking_loss(
        a, b, lib.tensor([1, -1, 1]), 0.2, 1), [(3,), (3,)]),
    "poisson_nll_loss": (lambda lib, a, b: lib.poisson_nll_loss(a, b.abs(), True, True, 1e-8,
                                                                1), [(3,), (3,)]),
    "max_pool1d": (lambda lib, x: lib.max_pool1d(x, 2), [(2, 3, 8)]),
    "max_pool2d": (lambda lib, x: lib.max_pool2d(x, [2, 2], [1, 1], 1), [(2, 3, 6, 6)]),
    "max_pool3d": (lambda lib, x: lib.max_pool3d(x, 2), [(1, 2, 4, 4, 4)]),
    "max_pool1d_with_indices": (lambda lib, x: lib.max_pool1d_with_indices(x, 3, 2),
                                [(2, 3, 9)]),
    "avg_pool1d": (lambda lib, x: lib.avg_pool1d(x, 3, [], 1), [(2, 3, 9)]),
    "adaptive_avg_pool1d": (lambda lib, x: lib.adaptive_avg_pool1d(x, 4), [(2, 3, 9)]),
    "adaptive_max_pool1d": (lambda lib, x: lib.adaptive_max_pool1d(x, 4), [(2, 3, 9)]),
    "affine_grid_generator": (lambda lib, t: lib.affine_grid_generator(t, [1, 1, 3, 4], False),
                              [(1, 2, 3)]),
    "grid_sampler": (lambda lib, x, g: lib.grid_sampler(x, g, 0, 1, False),
                     [(1, 2, 4, 4), (1, 3, 3, 2)]),
    "grid_sampler_nearest": (lambda lib, x, g: lib.grid_sampler(x, g, 1, 2, True),
                             [(1, 2, 4, 4), (1, 3, 3, 2)]),
    "native_channel_shuffle": (lambda lib, x: lib.native_channel_shuffle(x.detach(), 2),
                               [(1, 4, 2)]),
    "rnn_tanh_cell": (lambda lib, x, h, wi, wh, bi, bh: lib.rnn_tanh_cell(x, h, wi, wh, bi, bh),
                      [(2, 3), (2, 4), (4, 3), (4, 4), (4,), (4,)]),
    "rnn_relu_cell": (lambda lib, x, h, wi, wh: lib.rnn_relu_cell(x, h, wi, wh),
                      [(2, 3), (2, 4), (4, 3), (4, 4)]),
    "gru_cell": (lambda lib, x, h, wi, wh, bi, bh: lib.gru_cell(x, h, wi, wh, bi, bh),
                 [(2, 3), (2, 4), (12, 3), (12, 4), (12,), (12,)]),
    "lstm_cell": (lambda lib, x, h, c, wi, wh, bi, bh: lib.lstm_cell(x, (h, c), wi, wh, bi, bh),
                  [(2, 3), (2, 4), (2, 4), (16, 3), (16, 4), (16,), (16,)]),
    "chain_matmul": (lambda lib, a, b, c: lib.chain_matmul(a, b, c), [(2, 3), (3, 4), (4, 2)]),
    "frobenius_norm": (lambda lib, a: lib.frobenius_norm(a, [0, 1]), [(2, 3)]),
    "frobenius_norm_dim": (lambda lib, a: lib.frobenius_norm(a, 1, True), [(2, 3)]),
    "nuclear_norm": (lambda lib, a: lib.nuclear_norm(a), [(3, 3)]),
    "nuclear_norm_dim": (lambda lib, a: lib.nuclear_norm(a, [1, 2], True), [(2, 3, 3)]),
    "norm_except_dim0": (lambda lib, a: lib.norm_except_dim(a, 2, 0), [(2, 3, 4)]),
    "norm_except_dim1": (lambda lib, a: lib.norm_except_dim(a, 2, 1), [(2, 3, 4)]),
    "norm_except_all": (lambda lib, a: lib.norm_except_dim(a, 2, -1), [(2, 3, 4)]),
    # torch.vander's own backward fails (it modifies a saved tensor): values only
    "vander": (lambda lib, a: lib.vander(a.detach()), [(4,)]),
    "vander_increasing": (lambda lib, a: lib.vander(a.detach(), 3, True), [(4,)]),
    "conv_tbc": (lambda lib, x, w, b: lib.conv_tbc(x, w, b, 1), [(5, 2, 3), (2, 3, 4), (4,)]),
    "select_copy": (lambda lib, x: lib.select_copy(x, 1, 2), [(2, 3)]),
    "slice_copy": (lambda lib, x: lib.slice_copy(x, 1, 0, 3, 2), [(2, 3)]),
    # torch's detach_copy output requires grad through a NotImplemented node: values only
    "detach_copy": (lambda lib, x: lib.detach_copy(x.detach()), [(2, 3)]),
}


@pytest.mark.parametrize("name", list(ATEN))
def test_aten_signature_forms_as_torch(name):
    fn, shapes = ATEN[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the deprecated spellings warn in both libraries
        check(fn, shapes, graph=False)


def test_aten_forms_warnings_and_errors():
    # PyTorch warns once per process (a C++ warn-once), numtorch on every call
    with pytest.warns(UserWarning, match="chain_matmul is deprecated"):
        numtorch.chain_matmul(numtorch.ones(2, 2), numtorch.ones(2, 2))
    with pytest.warns(UserWarning, match="frobenius_norm is deprecated"):
        numtorch.frobenius_norm(numtorch.ones(2, 2), [0, 1])
    check(lambda lib, x: lib.vander(x), arrays=[np.array([1, 2, 3])], grad=False)
    check(lambda lib, x: lib.view_as_real_copy(x), arrays=[np.array([1 + 2j, 3j], np.complex64)],
          grad=False)
    check_raises(lambda lib, x: lib.matrix_rank(x), [(2, 2)])
    check_raises(lambda lib, x: lib.vander(x), [(2, 2)])
    check_raises(lambda lib, x: lib.feature_dropout(x, 0.5, True), [(3,)])


FORWARDED = ["abs_", "ceil_", "exp_", "sigmoid_", "sqrt_", "tanh_", "trunc_", "neg_",
             "negative_", "square_", "relu_", "reciprocal_", "sinc_", "fix_"]


@pytest.mark.parametrize("name", FORWARDED)
def test_inplace_function_forms(name):
    check(lambda lib, x: getattr(lib, name)(x * 1), [(3, 4)], low=0.5, high=2.0)


def test_other_function_forms():
    check(lambda lib, x: lib.clamp_(x * 1, min=-0.5, max=0.5), [(3, 4)])
    check(lambda lib, x: lib.clamp_min_(x * 1, 0.1), [(3, 4)])
    check(lambda lib, x: lib.xlogy_(x * 1, 2.0), [(3, 4)], graph=False)  # XlogyBackward0/2
    check(lambda lib, x: lib.deg2rad_(x * 1), [(3, 4)], graph=False)  # composite out of place
    check(lambda lib, x: lib.fill_(x * 1, 3.0), [(3, 4)])
    check(lambda lib, x: lib.logit_(x * 1, 0.01), [(3,)], low=0.1, high=0.9)
    check(lambda lib, x, m, v: lib.addmv_(x * 1, m, v), [(3,), (3, 2), (2,)])
    check(lambda lib, x: lib.index_put_(x * 1, (lib.tensor([0, 2]),), lib.tensor(5.0)), [(3,)])
    check(lambda lib, x: lib.detach(x), [(3,)], grad=False)
    check(lambda lib, x: lib.nan_to_num_(x.log(), 0.0, 1.0, -1.0), [(4,)])
    for lib in (torch, numtorch):
        x = lib.ones(2, 3)
        assert lib.is_same_size(x, lib.zeros(2, 3)) and not lib.is_same_size(x, lib.ones(3))
        assert not lib.is_conj(x) and not lib.is_neg(x) and lib.is_signed(x)
        assert not lib.is_inference(x) and not lib.is_distributed(x)
        assert lib.get_device(x) == -1
        y = lib.ones(2, requires_grad=True) * 2
        assert lib.detach_(y) is y and not y.requires_grad
        with pytest.raises(TypeError, match=r"argument 'input' \(position 1\) must be Tensor"):
            lib.sin_([1.0])


@pytest.mark.parametrize("name", ["hann_window", "hamming_window", "blackman_window",
                                  "bartlett_window", "kaiser_window"])
def test_windows(name):
    for args in [(0,), (1,), (2,), (5,), (6, False), (7, True)]:
        for dt in ("float32", "float64"):
            ours = getattr(numtorch, name)(*args, dtype=getattr(numtorch, dt))
            theirs = getattr(torch, name)(*args, dtype=getattr(torch, dt))
            assert_same_value(ours, theirs, rtol=1e-6, atol=1e-6)
    assert_same_value(getattr(numtorch, name)(4), getattr(torch, name)(4), atol=1e-6)
    ours = getattr(numtorch, name)(3, requires_grad=True)
    assert ours.requires_grad and ours.is_leaf
    for bad in [lambda lib: getattr(lib, name)(-1),
                lambda lib: getattr(lib, name)(4, dtype=lib.int64),
                lambda lib: getattr(lib, name)(4, dtype=lib.complex64)]:
        check_raises(lambda lib, x, bad=bad: bad(lib), arrays=[np.ones(1)])
    extra = {"hamming_window": (True, 0.5, 0.4), "kaiser_window": (False, 5.0)}.get(name)
    if extra:
        assert_same_value(getattr(numtorch, name)(6, *extra), getattr(torch, name)(6, *extra),
                          atol=1e-6)


def test_misc_utilities():
    for lib in (torch, numtorch):
        assert lib.typename(lib.ones(2)) == "torch.FloatTensor"
        assert lib.typename(lib.ones(2, dtype=lib.int64)) == "torch.LongTensor"
        assert lib.typename(3) == "int" and lib.is_storage(lib.ones(1)) is False
        assert lib.get_device_module().__name__ == lib.__name__ + ".cpu"
        assert lib.get_device_module("cuda").__name__ == lib.__name__ + ".cuda"
        assert (lib.sym_int(-3.7), lib.sym_float(3), lib.sym_max(2, 3.5), lib.sym_min(2, 3),
                lib.sym_not(True), lib.sym_sqrt(4), lib.sym_ite(False, 1, 2),
                lib.sym_sum([1, 2, 3])) == (-3, 3.0, 3.5, 2, False, 2.0, 2, 6)
        assert lib.cond(lib.tensor(False), lambda x: x + 1, lambda x: x - 1,
                        (lib.ones(2),)).tolist() == [0.0, 0.0]
        i, x = lib.while_loop(lambda i, x: i < 3, lambda i, x: (i + 1, x * 2),
                              (lib.tensor(0), lib.ones(2)))
        assert i.item() == 3 and x.tolist() == [8.0, 8.0]
        buf = bytearray(b"\x01\x00\x02\x00")
        t = lib.frombuffer(buf, dtype=lib.int16)
        t[0] = 5
        assert buf[0] == 5 and t.dtype == lib.int16
        for kw, exc in [({"offset": 5}, ValueError), ({"count": 3}, ValueError)]:
            with pytest.raises(exc):
                lib.frombuffer(bytearray(4), dtype=lib.int16, **kw)
        with pytest.warns(UserWarning, match="set_default_tensor_type\\(\\) is deprecated"):
            lib.set_default_tensor_type(lib.DoubleTensor)
        try:
            assert lib.get_default_dtype() == lib.float64
        finally:
            lib.set_default_dtype(lib.float32)
        with pytest.raises(TypeError, match="only floating-point types"):
            lib.set_default_tensor_type(lib.LongTensor)
        lib.set_warn_always(True)
        assert lib.is_warn_always_enabled()
        lib.set_warn_always(False)
        fut = lib.jit.fork(lambda v: v + 1, lib.ones(1))
        assert lib.wait(fut).item() == 2.0
    with pytest.raises(RuntimeError, match="device type at start of device string"):
        numtorch.get_device_module("foo")


def test_from_file(tmp_path):
    path = tmp_path / "data.bin"
    np.arange(4, dtype=np.float32).tofile(path)
    assert_same_value(numtorch.from_file(str(path), size=4),
                      torch.from_file(str(path), size=4))
    shared = numtorch.from_file(str(path), True, 4)
    shared[0] = 9.0
    assert np.fromfile(path, dtype=np.float32)[0] == 9.0


# -- the names test ----------------------------------------------------------------------------
#: top-level torch callables numtorch deliberately leaves out, by reason
TOPLEVEL_EXCLUDED = {
    # quantized tensors (numtorch has no quantized dtypes)
    "quantization": {
        "choose_qparams_optimized", "dequantize", "empty_quantized",
        "fake_quantize_per_channel_affine", "fake_quantize_per_tensor_affine",
        "fused_moving_avg_obs_fake_quant", "int_repr", "q_per_channel_axis",
        "q_per_channel_scales", "q_per_channel_zero_points", "q_scale", "q_zero_point",
        "quantize_per_channel", "quantize_per_tensor", "quantize_per_tensor_dynamic",
        "quantized_batch_norm", "quantized_gru", "quantized_gru_cell", "quantized_lstm",
        "quantized_lstm_cell", "quantized_max_pool1d", "quantized_max_pool2d",
        "quantized_max_pool3d", "quantized_rnn_relu_cell", "quantized_rnn_tanh_cell",
        "fbgemm_linear_fp16_weight", "fbgemm_linear_fp16_weight_fp32_activation",
        "fbgemm_linear_int8_weight", "fbgemm_linear_int8_weight_fp32_activation",
        "fbgemm_linear_quantize_weight", "fbgemm_pack_gemm_matrix_fp16",
        "fbgemm_pack_quantized_matrix"},
    # sparse layouts (numtorch tensors are strided only)
    "sparse": {
        "sparse_bsc_tensor", "sparse_bsr_tensor", "sparse_compressed_tensor",
        "sparse_csc_tensor", "sparse_csr_tensor", "ccol_indices_copy",
        "col_indices_copy", "crow_indices_copy", "row_indices_copy", "indices_copy",
        "values_copy", "dsmm", "hsmm", "hspmm", "smm", "saddmm", "sspaddmm",
        "resize_as_sparse_", "native_norm"},
    # vendor backends (cuDNN, MIOpen, oneDNN) and their primitives
    "backend kernels": {
        "cudnn_affine_grid_generator", "cudnn_batch_norm", "cudnn_convolution",
        "cudnn_convolution_add_relu", "cudnn_convolution_relu", "cudnn_convolution_transpose",
        "cudnn_grid_sampler", "cudnn_is_acceptable", "miopen_batch_norm", "miopen_convolution",
        "miopen_convolution_add_relu", "miopen_convolution_relu",
        "miopen_convolution_transpose", "miopen_ctc_loss", "miopen_depthwise_convolution",
        "miopen_rnn", "mkldnn_adaptive_avg_pool2d", "mkldnn_convolution",
        "mkldnn_linear_backward_weights", "mkldnn_max_pool2d", "mkldnn_max_pool3d",
        "mkldnn_rnn_layer", "profiler_allow_cudagraph_cupti_lazy_reinit_cuda12"},
    # SyncBatchNorm's distributed primitives (CUDA process groups)
    "sync batch norm": {
        "batch_norm_backward_elemt", "batch_norm_backward_reduce", "batch_norm_elemt",
        "batch_norm_gather_stats", "batch_norm_gather_stats_with_counts", "batch_norm_stats",
        "batch_norm_update_stats"},
    # TorchScript IR / type-system internals and packaging helpers
    "jit internals": {
        "import_ir_module", "import_ir_module_from_buffer", "merge_type_from_type_comment",
        "parse_ir", "parse_schema", "parse_type_comment", "unify_type_list", "get_file_path",
        "prepare_multiprocessing_environment", "classproperty"},
    # deprecated IPU/XLA autocast switches (no such devices)
    "device autocast": {
        "get_autocast_ipu_dtype", "get_autocast_xla_dtype", "is_autocast_ipu_enabled",
        "is_autocast_xla_enabled", "set_autocast_ipu_dtype", "set_autocast_ipu_enabled",
        "set_autocast_xla_dtype", "set_autocast_xla_enabled"},
    # not implemented yet: whole-sequence ATen RNNs (nn.RNN/LSTM/GRU cover them), fused
    # embedding_bag/ctc_loss/segment_reduce kernels, samplers whose draws would not match
    # torch's generator, randomized low-rank solvers, vmap (numtorch.func), the
    # internal slice_inverse
    "not yet": {
        "rnn_tanh", "rnn_relu", "lstm", "gru", "embedding_bag", "ctc_loss", "segment_reduce",
        "poisson", "binomial", "svd_lowrank", "pca_lowrank", "lobpcg", "vmap",
        "slice_inverse"},
}


def test_every_public_toplevel_function_exists():
    excluded = set().union(*TOPLEVEL_EXCLUDED.values())
    public = {n for n in dir(torch) if not n.startswith("_")
              and callable(getattr(torch, n)) and not isinstance(getattr(torch, n), type)}
    missing = sorted(n for n in public - excluded if not hasattr(numtorch, n))
    assert not missing, f"torch functions missing from numtorch: {missing}"
    assert not excluded - public, f"stale exclusions: {sorted(excluded - public)}"
