"""Summary, Event and plugin messages, built as the bytes ``torch.utils.tensorboard`` writes.

Each builder mirrors one function of PyTorch's ``torch.utils.tensorboard.summary`` (same tags,
plugin names, binning, scaling and layouts) and returns serialized protobuf bytes produced by
``_proto``; nothing here needs the ``protobuf`` or ``tensorboard`` packages.
"""

from __future__ import annotations

import io
import struct
import zlib

import numpy as np

from . import _proto as P

# TensorFlow DataType enum values (types.proto).
DT_FLOAT, DT_DOUBLE, DT_INT32, DT_UINT8, DT_INT16, DT_INT8, DT_STRING = 1, 2, 3, 4, 5, 6, 7
DT_INT64, DT_BOOL, DT_HALF = 9, 10, 19


# -- converting user values ---------------------------------------------------------------------
def make_np(x) -> np.ndarray:
    """NumPy view of a value, as PyTorch's ``make_np``: arrays as-is, scalars as shape (1,)."""
    if isinstance(x, np.ndarray):
        return x
    if np.isscalar(x):
        return np.array([x])
    if hasattr(x, "detach") and hasattr(x, "numpy"):  # numtorch (or torch) tensor
        x = x.detach()
        if hasattr(x, "cpu"):
            x = x.cpu()
        return x.numpy()
    raise NotImplementedError(f"Got {type(x)}, but numpy array or torch tensor are expected.")


# -- generic messages ---------------------------------------------------------------------------
def plugin_metadata(plugin_name: str, content: bytes = b"") -> bytes:
    """SummaryMetadata{plugin_data(1){plugin_name(1), content(2)}}."""
    return P.f_message(1, P.f_bytes(1, plugin_name) + P.f_bytes(2, content))


def tensor_shape(dims) -> bytes:
    """TensorShapeProto{dim(2){size(1)}}."""
    return P.f_repeated_message(2, (P.f_varint(1, d) for d in dims))


def tensor_proto(dtype: int, shape=None, *, float_val=None, double_val=None, int_val=None,
                 string_val=None, int64_val=None, bool_val=None, half_val=None) -> bytes:
    """TensorProto: dtype(1), tensor_shape(2) when ``shape`` is given, then the value lists."""
    out = P.f_varint(1, dtype)
    if shape is not None:
        out += P.f_message(2, tensor_shape(shape))
    if float_val is not None:
        out += P.f_packed_float(5, float_val)
    if double_val is not None:
        out += P.f_packed_double(6, double_val)
    if int_val is not None:
        out += P.f_packed_varint(7, int_val)
    if string_val is not None:
        out += P.f_repeated_bytes(8, string_val)
    if int64_val is not None:
        out += P.f_packed_varint(10, int64_val)
    if bool_val is not None:
        out += P.f_packed_varint(11, bool_val)
    if half_val is not None:
        out += P.f_packed_varint(13, half_val)
    return out


def summary_value(tag: str, *, simple_value=None, image: bytes | None = None,
                  histo: bytes | None = None, audio: bytes | None = None,
                  tensor: bytes | None = None, metadata: bytes | None = None) -> bytes:
    """Summary.Value: tag(1), simple_value(2), image(4), histo(5), audio(6), tensor(8),
    metadata(9)."""
    out = P.f_bytes(1, tag)
    if simple_value is not None:
        out += P.f_float(2, simple_value, always=True)
    if image is not None:
        out += P.f_message(4, image)
    if histo is not None:
        out += P.f_message(5, histo)
    if audio is not None:
        out += P.f_message(6, audio)
    if tensor is not None:
        out += P.f_message(8, tensor)
    if metadata is not None:
        out += P.f_message(9, metadata)
    return out


def summary(*values: bytes) -> bytes:
    """Summary{value(1)}."""
    return P.f_repeated_message(1, values)


def event(wall_time: float, step: int | None = None, *, file_version: str | None = None,
          graph_def: bytes | None = None, summary: bytes | None = None,
          session_log_status: int | None = None, tagged_run_metadata: bytes | None = None,
          source_writer: str | None = None) -> bytes:
    """Event: wall_time(1), step(2), then one of file_version(3), graph_def(4), summary(5),
    session_log(7), tagged_run_metadata(8); source_metadata(10)."""
    out = P.f_double(1, wall_time)
    if step is not None:
        out += P.f_varint(2, int(step))
    if file_version is not None:
        out += P.f_bytes(3, file_version, always=True)
    if graph_def is not None:
        out += P.f_bytes(4, graph_def, always=True)
    if summary is not None:
        out += P.f_message(5, summary)
    if session_log_status is not None:
        out += P.f_message(7, P.f_varint(1, session_log_status))
    if tagged_run_metadata is not None:
        out += P.f_message(8, tagged_run_metadata)
    if source_writer is not None:
        out += P.f_message(10, P.f_bytes(1, source_writer))
    return out


# -- scalars, tensors, text ---------------------------------------------------------------------
def scalar(name: str, value, new_style: bool = False, double_precision: bool = False) -> bytes:
    """One scalar: ``simple_value`` (old style) or a ``scalars`` plugin tensor (new style)."""
    arr = make_np(value).squeeze()
    if arr.ndim != 0:
        raise AssertionError(
            "Tensor should contain one element (0 dimensions).             "
            f"Was given size: {arr.size} and {arr.ndim} dimensions.")
    v = float(arr)
    if not new_style:
        return summary(summary_value(name, simple_value=v))
    if double_precision:
        tensor = tensor_proto(DT_DOUBLE, double_val=[v])
    else:
        tensor = tensor_proto(DT_FLOAT, float_val=[v])
    return summary(summary_value(name, tensor=tensor, metadata=plugin_metadata("scalars")))


def _half_bits(arr: np.ndarray) -> list[int]:
    # PyTorch stores each half value's float32 bit pattern (reinterpreted as int32) in half_val.
    return arr.astype(np.float32).reshape(-1).view(np.int32).tolist()


_TENSOR_KINDS = {
    "float16": (DT_HALF, "half_val"), "float32": (DT_FLOAT, "float_val"),
    "float64": (DT_DOUBLE, "double_val"), "int8": (DT_INT8, "int_val"),
    "uint8": (DT_UINT8, "int_val"), "int16": (DT_INT16, "int_val"),
    "int32": (DT_INT32, "int_val"), "int64": (DT_INT64, "int64_val"), "bool": (DT_BOOL, "bool_val"),
}


def tensor_summary(tag: str, value) -> bytes:
    """A whole tensor under the ``tensor`` plugin, as PyTorch's ``add_tensor``."""
    arr = make_np(value)
    if arr.size * arr.itemsize >= (1 << 31):
        raise ValueError("tensor is bigger than protocol buffer's hard limit of 2GB in size")
    kind = _TENSOR_KINDS.get(arr.dtype.name)
    if kind is None:
        raise ValueError(f"{tag} has unsupported tensor dtype {arr.dtype}")
    dtype, field = kind
    vals = _half_bits(arr) if field == "half_val" else arr.reshape(-1).tolist()
    tensor = tensor_proto(dtype, arr.shape, **{field: vals})
    return summary(summary_value(tag, tensor=tensor, metadata=plugin_metadata("tensor")))


def text(tag: str, text_string: str) -> bytes:
    """Text plugin summary; the tag gets PyTorch's ``/text_summary`` suffix."""
    tensor = tensor_proto(DT_STRING, [1], string_val=[text_string.encode("utf-8")])
    # TextPluginData(version=0) serializes to empty content.
    return summary(summary_value(tag + "/text_summary", tensor=tensor,
                                 metadata=plugin_metadata("text")))


# -- histograms ---------------------------------------------------------------------------------
def default_bins() -> list[float]:
    """TensorFlow's histogram edges: +-1e-12 growing by 1.1x up to 1e20, and 0."""
    pos = []
    v = 1e-12
    while v < 1e20:
        pos.append(v)
        v *= 1.1
    return [-x for x in reversed(pos)] + [0] + pos


def histogram_proto(vmin, vmax, num, vsum, sum_squares, bucket_limits, bucket_counts) -> bytes:
    """HistogramProto: min(1) max(2) num(3) sum(4) sum_squares(5) bucket_limit(6) bucket(7)."""
    return (P.f_double(1, vmin) + P.f_double(2, vmax) + P.f_double(3, num) + P.f_double(4, vsum)
            + P.f_double(5, sum_squares) + P.f_packed_double(6, bucket_limits)
            + P.f_packed_double(7, bucket_counts))


def make_histogram(values: np.ndarray, bins, max_bins: int | None = None) -> bytes:
    """Bucket ``values`` like PyTorch: NumPy binning, optional merging down to ``max_bins``,
    trimmed to the occupied range plus one empty bucket on the left."""
    if values.size == 0:
        raise ValueError("The input has no element.")
    values = values.reshape(-1)
    counts, limits = np.histogram(values, bins=bins)
    n = len(counts)
    if max_bins is not None and n > max_bins:
        group = n // max_bins
        pad = (-n) % group
        counts = np.concatenate([counts, np.zeros(pad, counts.dtype)])
        counts = counts.reshape(-1, group).sum(axis=-1)
        limits = np.concatenate([limits[:-1:group], limits[-1:]])
    occupied = np.flatnonzero(counts)
    first, last = (occupied[0], occupied[-1]) if occupied.size else (len(counts), 0)
    if first > 0:
        counts = counts[first - 1:last + 1]
    else:
        counts = np.concatenate([[0], counts[:last + 1]])
    limits = limits[first:last + 2]
    if counts.size == 0 or limits.size == 0:
        raise ValueError("The histogram is empty, please file a bug report.")
    return histogram_proto(values.min(), values.max(), len(values), values.sum(),
                           values.dot(values), limits, counts)


def histogram(tag: str, values, bins, max_bins: int | None = None) -> bytes:
    hist = make_histogram(make_np(values).astype(float), bins, max_bins)
    return summary(summary_value(tag, histo=hist))


def histogram_raw(tag: str, vmin, vmax, num, vsum, sum_squares, bucket_limits,
                  bucket_counts) -> bytes:
    hist = histogram_proto(vmin, vmax, num, vsum, sum_squares, make_np_list(bucket_limits),
                           make_np_list(bucket_counts))
    return summary(summary_value(tag, histo=hist))


def make_np_list(x) -> np.ndarray:
    """Sequence or tensor to a flat float64 array."""
    if isinstance(x, (list, tuple)):
        return np.asarray(x, dtype=np.float64)
    return make_np(x).astype(np.float64).reshape(-1)


# -- images -------------------------------------------------------------------------------------
def encode_png(img: np.ndarray) -> bytes:
    """A minimal 8-bit PNG (gray, gray+alpha, RGB or RGBA) from an HWC uint8 array."""
    img = np.ascontiguousarray(img, dtype=np.uint8)
    if img.ndim == 2:
        img = img[:, :, None]
    h, w, c = img.shape
    color_type = {1: 0, 2: 4, 3: 2, 4: 6}[c]
    rows = np.concatenate([np.zeros((h, 1), np.uint8), img.reshape(h, w * c)], axis=1)

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    ihdr = struct.pack(">IIBBBBB", w, h, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(rows.tobytes(), 6)) + chunk(b"IEND", b""))


def make_grid(imgs: np.ndarray, ncols: int = 8) -> np.ndarray:
    """Tile an NCHW batch (1 or 3 channels) into one CHW image, row-major, 8 per row."""
    if not isinstance(imgs, np.ndarray):
        raise AssertionError("plugin error, should pass numpy array here")
    if imgs.shape[1] == 1:
        imgs = np.concatenate([imgs, imgs, imgs], 1)
    if imgs.ndim != 4 or imgs.shape[1] != 3:
        raise AssertionError("Input should be a 4D numpy array with 3 channels")
    n, _, h, w = imgs.shape
    ncols = min(n, ncols)
    nrows = -(-n // ncols)
    canvas = np.zeros((3, h * nrows, w * ncols), dtype=imgs.dtype)
    for i in range(n):
        r, c = divmod(i, ncols)
        canvas[:, r * h:(r + 1) * h, c * w:(c + 1) * w] = imgs[i]
    return canvas


def convert_to_hwc(arr: np.ndarray, dataformats: str) -> np.ndarray:
    """Any of NCHW/NHWC/CHW/HWC/HW/WH... to HWC with 3 (or 4) channels, as PyTorch does."""
    if len(set(dataformats)) != len(dataformats):
        raise AssertionError(
            "You can not use the same dimension shorthand twice.             "
            f"input_format: {dataformats}")
    if arr.ndim != len(dataformats):
        raise AssertionError(
            "size of input tensor and input format are different.         "
            f"tensor shape: {arr.shape}, input_format: {dataformats}")
    fmt = dataformats.upper()
    if len(fmt) == 4:
        grid = make_grid(arr.transpose([fmt.find(c) for c in "NCHW"]))
        return grid.transpose(1, 2, 0)
    if len(fmt) == 3:
        hwc = arr.transpose([fmt.find(c) for c in "HWC"])
        if hwc.shape[2] == 1:
            hwc = np.concatenate([hwc, hwc, hwc], 2)
        return hwc
    hw = arr.transpose([fmt.find(c) for c in "HW"])
    return np.stack([hw, hw, hw], 2)


def to_uint8_image(arr: np.ndarray) -> np.ndarray:
    """uint8 stays as is; anything else is taken to be in [0, 1] and scaled by 255; clipped."""
    scale = 1 if arr.dtype == np.uint8 else 255
    return (arr.astype(np.float32) * scale).clip(0, 255).astype(np.uint8)


def image_proto(hwc: np.ndarray) -> bytes:
    """Summary.Image: height(1) width(2) colorspace(3) encoded_image_string(4)."""
    h, w, c = hwc.shape
    return (P.f_varint(1, h) + P.f_varint(2, w) + P.f_varint(3, c)
            + P.f_bytes(4, encode_png(hwc)))


def image(tag: str, value, dataformats: str = "NCHW") -> bytes:
    hwc = to_uint8_image(convert_to_hwc(make_np(value), dataformats))
    return summary(summary_value(tag, image=image_proto(hwc)))


def figure_to_image(figures, close: bool = True) -> np.ndarray:
    """Render matplotlib figure(s) with the Agg canvas into CHW (or NCHW) uint8 arrays."""
    try:
        import matplotlib.pyplot as plt
        from matplotlib.backends.backend_agg import FigureCanvasAgg
    except ImportError as e:
        raise ImportError("add_figure needs matplotlib (pip install matplotlib)") from e

    def render(fig) -> np.ndarray:
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        rgba = np.frombuffer(canvas.buffer_rgba(), dtype=np.uint8)
        w, h = fig.canvas.get_width_height()
        chw = np.moveaxis(rgba.reshape(h, w, 4)[:, :, :3], 2, 0)
        if close:
            plt.close(fig)
        return chw

    if isinstance(figures, list):
        return np.stack([render(f) for f in figures])
    return render(figures)


def audio(tag: str, value, sample_rate: int = 44100) -> bytes:
    """Mono 16-bit WAV, as PyTorch's ``add_audio``."""
    import wave

    arr = make_np(value).squeeze()
    if abs(arr).max() > 1:
        print("warning: audio amplitude out of range, auto clipped.")
        arr = arr.clip(-1, 1)
    if arr.ndim != 1:
        raise AssertionError("input tensor should be 1 dimensional.")
    pcm = (arr * np.iinfo(np.int16).max).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(sample_rate)
        wav.writeframes(pcm.tobytes())
    body = (P.f_float(1, sample_rate) + P.f_varint(2, 1) + P.f_varint(3, pcm.shape[-1])
            + P.f_bytes(4, buf.getvalue()) + P.f_bytes(5, "audio/wav"))
    return summary(summary_value(tag, audio=body))


# -- hparams ------------------------------------------------------------------------------------
_HP_FLOAT64, _HP_STRING = 3, 1


def _struct_value(v) -> bytes:
    """google.protobuf.Value: number_value(2) / string_value(3) / bool_value(4)."""
    if isinstance(v, str):
        return P.f_bytes(3, v, always=True)
    return P.f_double(2, float(v), always=True)


def _hparams_summary(tag: str, plugin_field: int, body: bytes) -> bytes:
    content = P.f_message(plugin_field, body)  # HParamsPluginData, version 0 left out
    return summary(summary_value(tag, metadata=plugin_metadata("hparams", content)))


def hparams(hparam_dict: dict, metric_dict: dict, hparam_domain_discrete=None):
    """The experiment, session-start and session-end summaries of the hparams plugin.

    As in PyTorch, ``bool`` values are recorded as numbers (``int`` is checked first).
    """
    if not isinstance(hparam_dict, dict):
        raise TypeError("parameter: hparam_dict should be a dictionary, nothing logged.")
    if not isinstance(metric_dict, dict):
        raise TypeError("parameter: metric_dict should be a dictionary, nothing logged.")
    domains = hparam_domain_discrete or {}
    if not isinstance(domains, dict):
        raise TypeError(
            "parameter: hparam_domain_discrete should be a dictionary, nothing logged.")
    for k, v in domains.items():
        if (k not in hparam_dict or not isinstance(v, list)
                or not all(isinstance(d, type(hparam_dict[k])) for d in v)):
            raise TypeError(f"parameter: hparam_domain_discrete[{k}] should be a list of same "
                            f"type as hparam_dict[{k}].")
    infos, entries = [], []
    for k, v in hparam_dict.items():
        if v is None:
            continue
        domain = domains.get(k)
        if isinstance(v, (int, float)):
            kind, value = _HP_FLOAT64, float(v)
        elif isinstance(v, str):
            kind, value = _HP_STRING, v
        elif hasattr(v, "detach") and hasattr(v, "numpy"):
            kind, value, domain = _HP_FLOAT64, float(make_np(v).reshape(-1)[0]), None
        else:
            raise ValueError("value should be one of int, float, str, bool, or torch.Tensor")
        entries.append(P.f_bytes(1, k) + P.f_message(2, _struct_value(value)))
        info = P.f_bytes(1, k) + P.f_varint(4, kind)
        if domain is not None:
            info += P.f_message(5, P.f_repeated_message(1, (_struct_value(d) for d in domain)))
        infos.append(info)
    metrics = [P.f_message(1, P.f_bytes(2, k)) for k in metric_dict]
    experiment = P.f_repeated_message(4, infos) + P.f_repeated_message(5, metrics)
    exp = _hparams_summary("_hparams_/experiment", 2, experiment)
    ssi = _hparams_summary("_hparams_/session_start_info", 3, P.f_repeated_message(1, entries))
    sei = _hparams_summary("_hparams_/session_end_info", 4, P.f_varint(1, 1))  # SUCCESS
    return exp, ssi, sei


# -- PR curves, custom scalars ------------------------------------------------------------------
def _pr_summary(tag: str, data: np.ndarray, num_thresholds: int) -> bytes:
    content = P.f_varint(2, num_thresholds)  # PrCurvePluginData, version 0 left out
    tensor = tensor_proto(DT_FLOAT, data.shape, float_val=data.reshape(-1))
    return summary(summary_value(tag, tensor=tensor,
                                 metadata=plugin_metadata("pr_curves", content)))


def compute_curve(labels, predictions, num_thresholds: int, weights=None) -> np.ndarray:
    """Rows tp, fp, tn, fn, precision, recall over ``num_thresholds`` thresholds."""
    w = 1.0 if weights is None else weights
    buckets = np.int32(np.floor(predictions * (num_thresholds - 1)))
    lab = labels.astype(np.float64)
    rng = (0, num_thresholds - 1)
    tp_b, _ = np.histogram(buckets, bins=num_thresholds, range=rng, weights=lab * w)
    fp_b, _ = np.histogram(buckets, bins=num_thresholds, range=rng, weights=(1.0 - lab) * w)
    tp = np.cumsum(tp_b[::-1])[::-1]
    fp = np.cumsum(fp_b[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))


def pr_curve(tag: str, labels, predictions, num_thresholds: int = 127, weights=None) -> bytes:
    num_thresholds = min(num_thresholds, 127)
    data = compute_curve(make_np(labels), make_np(predictions), num_thresholds, weights)
    return _pr_summary(tag, data, num_thresholds)


def pr_curve_raw(tag: str, tp, fp, tn, fn, precision, recall, num_thresholds: int = 127) -> bytes:
    num_thresholds = min(num_thresholds, 127)
    data = np.stack([make_np_list(x) for x in (tp, fp, tn, fn, precision, recall)])
    return _pr_summary(tag, data, num_thresholds)


def custom_scalars(layout: dict) -> bytes:
    """The ``custom_scalars`` plugin's Layout{category{title, chart{title, multiline|margin}}}."""
    categories = []
    for title, charts in layout.items():
        chart_msgs = []
        for chart_title, (kind, tags) in charts.items():
            if kind == "Margin":
                if len(tags) != 3:
                    raise AssertionError("len(tags) != 3")
                series = P.f_bytes(1, tags[0]) + P.f_bytes(2, tags[1]) + P.f_bytes(3, tags[2])
                content = P.f_message(3, P.f_message(1, series))
            else:
                content = P.f_message(2, P.f_repeated_bytes(1, tags))
            chart_msgs.append(P.f_bytes(1, chart_title) + content)
        categories.append(P.f_bytes(1, title) + P.f_repeated_message(2, chart_msgs))
    layout_bytes = P.f_repeated_message(2, categories)
    tensor = tensor_proto(DT_STRING, [], string_val=[layout_bytes])
    return summary(summary_value("custom_scalars__config__", tensor=tensor,
                                 metadata=plugin_metadata("custom_scalars")))


# -- model graph --------------------------------------------------------------------------------
def _op_name(node) -> str:
    """``AddmmBackward0`` -> ``aten::addmm`` (the forward op a backward node stands for)."""
    import re

    base = re.sub(r"(\d)D", r"\1d", re.sub(r"Backward\d*$", "", node.name()))
    return "aten::" + re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", base).lower()


def _flat_tensors(obj, tensor_type) -> list:
    if isinstance(obj, tensor_type):
        return [obj]
    if isinstance(obj, dict):
        obj = list(obj.values())
    if isinstance(obj, (list, tuple)):
        return [t for o in obj for t in _flat_tensors(o, tensor_type)]
    return []


def _node_def(name: str, op: str, inputs, shape=None, attr: str | None = "{}",
              listing: list | None = None) -> bytes:
    """NodeDef: name(1) op(2) input(3) attr(5) with ``attr`` (s) and ``_output_shapes``."""
    if listing is not None:
        listing.append(f"{name} = {op}({', '.join(inputs)})"
                       + ("" if shape is None else f" : {list(shape)}"))
    attrs = []
    if attr is not None:
        attrs.append(P.f_bytes(1, "attr") + P.f_message(2, P.f_bytes(2, attr, always=True)))
    if shape is not None:
        shapes = P.f_message(1, P.f_message(7, tensor_shape(shape)))  # AttrValue.list.shape
        attrs.append(P.f_bytes(1, "_output_shapes") + P.f_message(2, shapes))
    return (P.f_bytes(1, name) + P.f_bytes(2, op) + P.f_repeated_bytes(3, inputs)
            + P.f_repeated_message(5, attrs))


def graph(model, args=None, verbose: bool = False) -> tuple[bytes, bytes]:
    """(GraphDef, RunMetadata) bytes for TensorBoard's graph tab.

    Where PyTorch traces with TorchScript, this runs the model once (in eval mode, with float
    inputs made to require grad) and walks the autograd graph from the outputs: each backward
    node is one op, named by the innermost module whose call produced it (``Net/Linear[fc]``),
    parameters appear as ``prim::GetAttr`` nodes, inputs and outputs as ``IO Node``. Ops that no
    gradient flows through (integer math, constants) are not shown.
    """
    import numtorch
    from numtorch._tensor import Tensor
    from numtorch.autograd.graph import AccumulateGrad

    if args is None:
        args = ()
    elif not isinstance(args, (list, tuple)):
        args = (args,)
    args = tuple(a.detach().requires_grad_(True)
                 if isinstance(a, Tensor) and a.dtype.is_floating_point else a for a in args)
    root = type(model).__name__
    scopes = {id(model): root}
    for qual, mod in model.named_modules():
        if qual:
            parent, _, leaf = qual.rpartition(".")
            parent_mod = model.get_submodule(parent) if parent else model
            scopes[id(mod)] = f"{scopes[id(parent_mod)]}/{type(mod).__name__}[{leaf}]"
    param_names = {}
    for qual, p in model.named_parameters():
        owner, _, leaf = qual.rpartition(".")
        mod = model.get_submodule(owner) if owner else model
        param_names[id(p)] = f"{scopes[id(mod)]}/{leaf}"
    node_scope: dict[int, str] = {}
    keep_alive = []
    call_inputs: list[set] = []

    def pre_hook(mod, inputs):
        call_inputs.append({id(t.grad_fn) for t in _flat_tensors(inputs, Tensor)
                            if t.grad_fn is not None})

    def post_hook(mod, inputs, output):
        stop = call_inputs.pop()
        stack = [t.grad_fn for t in _flat_tensors(output, Tensor) if t.grad_fn is not None]
        seen = set()
        while stack:
            fn = stack.pop()
            if id(fn) in seen or id(fn) in stop or isinstance(fn, AccumulateGrad):
                continue
            seen.add(id(fn))
            keep_alive.append(fn)
            node_scope.setdefault(id(fn), scopes[id(mod)])
            stack.extend(nxt for nxt, _ in fn.next_functions if nxt is not None)

    handles = []
    for _, mod in model.named_modules():
        handles.append(mod.register_forward_pre_hook(pre_hook))
        handles.append(mod.register_forward_hook(post_hook))
    training = {id(m): m.training for _, m in model.named_modules()}
    model.eval()
    try:
        with numtorch.enable_grad():
            outputs = model(*args)
    finally:
        for h in handles:
            h.remove()
        for _, m in model.named_modules():
            m.training = training[id(m)]

    input_names = {}
    nodes: list[bytes] = []
    listing: list[str] | None = [] if verbose else None
    for i, t in enumerate(_flat_tensors(args, Tensor)):
        name = f"input/input.{i}"
        if t.requires_grad:
            input_names[id(t)] = name
        nodes.append(_node_def(name, "IO Node", [], tuple(t.shape), attr="", listing=listing))
    names: dict[int, str] = {}
    used: dict[str, int] = {}

    def unique(base: str) -> str:
        n = used.get(base, 0)
        used[base] = n + 1
        return base if n == 0 else f"{base}.{n}"

    def visit(fn) -> str:
        # Iterative post-order so deep graphs do not hit the recursion limit.
        stack = [(fn, False)]
        while stack:
            cur, expanded = stack.pop()
            if id(cur) in names:
                continue
            if isinstance(cur, AccumulateGrad):
                var = cur.variable
                if id(var) in input_names:
                    names[id(cur)] = input_names[id(var)]
                    continue
                pname = param_names.get(id(var))
                if pname is None:
                    pname = unique(f"{root}/leaf")
                name = unique(pname)
                leaf = pname.rpartition("/")[2]
                nodes.append(_node_def(name, "prim::GetAttr", [], tuple(var.shape),
                                       attr=f"{{ name :  {leaf} }}", listing=listing))
                names[id(cur)] = name
                continue
            nexts = [n for n, _ in cur.next_functions if n is not None]
            if not expanded:
                stack.append((cur, True))
                stack.extend((n, False) for n in nexts if id(n) not in names)
                continue
            op = _op_name(cur)
            scope = node_scope.get(id(cur), root)
            name = unique(f"{scope}/{op.split('::')[-1]}")
            meta = getattr(cur, "_out_meta", None)
            shape = tuple(meta[0][0]) if meta else None
            nodes.append(_node_def(name, op, [names[id(n)] for n in nexts], shape,
                                   listing=listing))
            names[id(cur)] = name
        return names[id(fn)]

    for i, t in enumerate(_flat_tensors(outputs, Tensor)):
        src = []
        if t.grad_fn is not None:
            src = [visit(t.grad_fn)]
        elif id(t) in input_names:
            src = [input_names[id(t)]]
        nodes.append(_node_def(f"output/output.{i}", "IO Node", src, tuple(t.shape), attr="",
                               listing=listing))
    if listing is not None:
        print("\n".join(listing))
    graph_def = P.f_repeated_message(1, nodes) + P.f_message(4, P.f_varint(1, 22))
    # RunMetadata{step_stats{dev_stats{device}}}, as PyTorch writes alongside the graph.
    run_metadata = P.f_message(1, P.f_message(1, P.f_bytes(1, "/device:CPU:0")))
    return graph_def, run_metadata
