"""Recurrent layers: RNN, LSTM, GRU and their cells (``torch.nn.modules.rnn``).

Parameters carry PyTorch's names (``weight_ih_l0``, ``bias_hh_l1_reverse``, ``weight_hr_l0``
for LSTM projections, ...), order and default initialisation (every parameter
U(-1/sqrt(hidden), 1/sqrt(hidden)) in registration order), so the same seed gives the same
weights. Dropout between layers draws its mask as ``F.dropout`` does. ``PackedSequence``
inputs run each time step on the sequences still active, as torch's CPU kernels do.

The graphs are torch's CPU ones: a float32 LSTM (no projection, padded input, while
``backends.mkldnn.enabled``) records one ``MkldnnRnnLayerBackward0`` node per layer and
direction (``_LstmLayer``); other cases are compositions of Tensor ops (the input projection of
all time steps is one matmul per layer and direction), with torch's top-level nodes
(``StackBackward0``, ``CatBackward0``, ``TransposeBackward1`` for batch-first RNN/GRU outputs).
Known difference: a bfloat16 LSTM takes the composite path (torch's oneDNN path also covers it).
"""

from __future__ import annotations

import math
import numbers
import warnings

from ..._backend import xp_of
from ..._ops._base import Op
from ..._tensor import Tensor, _from_array
from ...autograd import grad_mode
from .. import functional as F
from .. import init
from ..parameter import Parameter
from .module import Module

__all__ = ["RNNBase", "RNN", "LSTM", "GRU", "RNNCellBase", "RNNCell", "LSTMCell", "GRUCell"]

_GATES = {"LSTM": 4, "GRU": 3, "RNN_TANH": 1, "RNN_RELU": 1}


def _empty(*shape, device=None, dtype=None) -> Tensor:
    from ..._ops.creation import empty

    return empty(*shape, device=device, dtype=dtype)


def _zeros(*shape, like: Tensor) -> Tensor:
    from ..._ops.creation import zeros

    return zeros(*shape, dtype=like.dtype)


def _stack(ts, dim=0) -> Tensor:
    from ..._ops.join import stack

    return stack(ts, dim)


def _cat(ts, dim=0) -> Tensor:
    from ..._ops.join import cat

    return cat(ts, dim)


# -- one time step of each cell type ---------------------------------------------------------
# Each step adds the hidden projection first and splits with unsafe_chunk, as torch's CPU
# cells do; the sums are the same floats either way, only the recorded graph follows torch.
def _rnn_step(act):
    def step(xw, h, c, w_hh, b_hh):
        return act(F.linear(h, w_hh, b_hh) + xw), None
    return step


def _lstm_step(xw, h, c, w_hh, b_hh):
    gates = F.linear(h, w_hh, b_hh) + xw
    i, f, g, o = gates.unsafe_chunk(4, 1)
    c = f.sigmoid() * c + i.sigmoid() * g.tanh()
    return o.sigmoid() * c.tanh(), c


def _gru_step(xw, h, c, w_hh, b_hh):
    xr, xz, xn = xw.unsafe_chunk(3, 1)
    hr, hz, hn = F.linear(h, w_hh, b_hh).unsafe_chunk(3, 1)
    r = (hr + xr).sigmoid()
    z = (hz + xz).sigmoid()
    n = (xn + hn * r).tanh()
    return (h - n) * z + n, None


def _projected(step, w_hr):
    """An LSTM step whose hidden state is projected by ``w_hr`` (``proj_size > 0``)."""
    def projected(xw, h, c, w_hh, b_hh):
        h, c = step(xw, h, c, w_hh, b_hh)
        return h.mm(w_hr.t()), c
    return projected


def _step_fn(mode: str):
    if mode == "LSTM":
        return _lstm_step
    if mode == "GRU":
        return _gru_step
    return _rnn_step((lambda t: t.tanh()) if mode == "RNN_TANH" else (lambda t: t.relu()))


class _BatchFirstTranspose(Op):
    """``output.transpose_(0, 1)`` as torch's RNN/GRU CPU path leaves it (TransposeBackward1)."""

    grad_fn_name = "TransposeBackward1"
    params = ()

    def forward(self, x):
        return xp_of(x).swapaxes(x, 0, 1)

    def backward(self, g):
        return (g.transpose(0, 1),)


class _LstmLayer(Op):
    """One LSTM layer and direction over a padded (T, N, I) input as one node, as torch's
    oneDNN CPU kernel records it; returns (output, h_T, c_T).

    Inputs: ``x, w_ih, w_hh, b_ih, b_hh, h0, c0`` (biases may be ``None``). The backward is
    written with Tensor ops; when it must build a graph (``create_graph``) it recomputes the
    gate activations from the inputs, so second derivatives are exact.
    """

    grad_fn_name = "MkldnnRnnLayerBackward0"
    params = ("reverse",)
    autocast_policy = "lower"  # mkldnn_rnn_layer is on CPU autocast's lower-precision list
    reduced_float_in_float32 = True

    def forward(self, x, w_ih, w_hh, b_ih, b_hh, h0, c0):
        xp = xp_of(x)
        hidden = w_hh.shape[1]
        xw = x @ w_ih.T
        if b_ih is not None:
            xw = xw + b_ih
        steps = x.shape[0]
        out = xp.empty(x.shape[:2] + (hidden,), dtype=x.dtype)
        acts = xp.empty(x.shape[:2] + (4 * hidden,), dtype=x.dtype)
        cells = xp.empty(x.shape[:2] + (hidden,), dtype=x.dtype)
        h, c = h0, c0
        for t in (range(steps - 1, -1, -1) if self.reverse else range(steps)):
            hw = h @ w_hh.T
            if b_hh is not None:
                hw = hw + b_hh
            z = hw + xw[t]
            act = acts[t]
            act[:, :2 * hidden] = 0.5 * (xp.tanh(0.5 * z[:, :2 * hidden]) + 1)
            act[:, 2 * hidden:3 * hidden] = xp.tanh(z[:, 2 * hidden:3 * hidden])
            act[:, 3 * hidden:] = 0.5 * (xp.tanh(0.5 * z[:, 3 * hidden:]) + 1)
            i, f, g, o = (act[:, k * hidden:(k + 1) * hidden] for k in range(4))
            c = f * c + i * g
            h = o * xp.tanh(c)
            cells[t] = c
            out[t] = h
        self.save_inputs(0, 1, 2, 3, 4, 5, 6)
        self.acts, self.cells, self.outs = acts, cells, out
        return out, h, c

    def _activations(self, x, w_ih, w_hh, b_ih, b_hh, h0, c0):
        """Gate activations, cell states and outputs: the saved arrays, or (to build a graph)
        recomputed from the inputs with Tensor ops."""
        if not grad_mode.backward_builds_graph():
            dt = x._data.dtype  # a bfloat16 layer computed in float32: back to its dtype
            return tuple([_from_array(a if a.dtype == dt else a.astype(dt))
                          for a in (self.acts, self.cells, self.outs)])
        hidden = w_hh.shape[1]
        xw = F.linear(x, w_ih, b_ih)
        acts, cells, outs = [None] * x.shape[0], [None] * x.shape[0], [None] * x.shape[0]
        h, c = h0, c0
        for t in (range(x.shape[0] - 1, -1, -1) if self.reverse else range(x.shape[0])):
            z = F.linear(h, w_hh, b_hh) + xw[t]
            act = _cat([z[:, :2 * hidden].sigmoid(), z[:, 2 * hidden:3 * hidden].tanh(),
                        z[:, 3 * hidden:].sigmoid()], 1)
            i, f, g, o = act.chunk(4, 1)
            c = f * c + i * g
            h = o * c.tanh()
            acts[t], cells[t], outs[t] = act, c, h
        return _stack(acts, 0), _stack(cells, 0), _stack(outs, 0)

    def backward(self, g_out, g_hy, g_cy):
        x, w_ih, w_hh, b_ih, b_hh, h0, c0 = self.saved_tensors
        acts, cells, outs = self._activations(x, w_ih, w_hh, b_ih, b_hh, h0, c0)
        steps = x.shape[0]
        order = range(steps) if self.reverse else range(steps - 1, -1, -1)
        dh = g_hy if g_hy is not None else _zeros(*h0.shape, like=h0)
        dc = g_cy if g_cy is not None else _zeros(*c0.shape, like=c0)
        dgates = [None] * steps
        prev_h, prev_c = [None] * steps, [None] * steps
        for t in order:
            before = t + 1 if self.reverse else t - 1
            prev_h[t] = outs[before] if 0 <= before < steps else h0
            prev_c[t] = cells[before] if 0 <= before < steps else c0
            if g_out is not None:
                dh = dh + g_out[t]
            i, f, g, o = acts[t].chunk(4, 1)
            tc = cells[t].tanh()
            dc = dc + dh * o * (1 - tc * tc)
            dz = _cat([dc * g * i * (1 - i), dc * prev_c[t] * f * (1 - f),
                       dc * i * (1 - g * g), dh * tc * o * (1 - o)], 1)
            dgates[t] = dz
            dc = dc * f
            dh = dz.mm(w_hh)
        dz_all = _stack(dgates, 0)
        flat = dz_all.reshape(-1, dz_all.shape[-1])
        need = self.needs_input_grad
        grad_x = dz_all.matmul(w_ih) if need[0] else None
        grad_w_ih = flat.t().mm(x.reshape(-1, x.shape[-1])) if need[1] else None
        grad_w_hh = None
        if need[2]:
            hs = _stack(prev_h, 0)
            grad_w_hh = flat.t().mm(hs.reshape(-1, hs.shape[-1]))
        grad_b = flat.sum(0) if (need[3] or need[4]) else None
        return (grad_x, grad_w_ih, grad_w_hh, grad_b if need[3] else None,
                grad_b if need[4] else None, dh if need[5] else None,
                dc if need[6] else None)


def _mkldnn_enabled() -> bool:
    from ... import backends

    mk = getattr(backends, "mkldnn", None)
    return bool(getattr(mk, "enabled", True))


class RNNBase(Module):
    """Shared parameters, checks and the layer/direction loop of RNN, LSTM and GRU."""

    __constants__ = ["mode", "input_size", "hidden_size", "num_layers", "bias", "batch_first",
                     "dropout", "bidirectional", "proj_size"]

    def __init__(self, mode: str, input_size: int, hidden_size: int, num_layers: int = 1,
                 bias: bool = True, batch_first: bool = False, dropout: float = 0.0,
                 bidirectional: bool = False, proj_size: int = 0, device=None,
                 dtype=None) -> None:
        super().__init__()
        if (not isinstance(dropout, numbers.Number) or isinstance(dropout, bool)
                or not 0 <= dropout <= 1):
            raise ValueError("dropout should be a number in range [0, 1] representing the "
                             "probability of an element being zeroed")
        if dropout > 0 and num_layers == 1:
            warnings.warn("dropout option adds dropout after all but last recurrent layer, so "
                          "non-zero dropout expects num_layers greater than 1, but got "
                          f"dropout={dropout} and num_layers={num_layers}", stacklevel=3)
        if not isinstance(hidden_size, int) or isinstance(hidden_size, bool):
            raise TypeError(f"hidden_size should be of type int, got: "
                            f"{type(hidden_size).__name__}")
        if hidden_size <= 0:
            raise ValueError("hidden_size must be greater than zero")
        if num_layers <= 0:
            raise ValueError("num_layers must be greater than zero")
        if proj_size < 0:
            raise ValueError("proj_size should be a positive integer or zero to disable "
                             "projections")
        if proj_size >= hidden_size:
            raise ValueError("proj_size has to be smaller than hidden_size")
        if proj_size and mode != "LSTM":
            raise ValueError("proj_size argument is only supported for LSTM, not RNN or GRU")
        self.mode = mode
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        gate = _GATES[mode] * hidden_size
        dirs = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        self._flat_weights_names = []
        for layer in range(num_layers):
            for d in range(dirs):
                in_size = input_size if layer == 0 else real_hidden * dirs
                sfx = f"_l{layer}" + ("_reverse" if d == 1 else "")
                shapes = [("weight_ih", (gate, in_size)), ("weight_hh", (gate, real_hidden))]
                if bias:
                    shapes += [("bias_ih", (gate,)), ("bias_hh", (gate,))]
                if proj_size > 0:
                    shapes.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in shapes:
                    setattr(self, name + sfx,
                            Parameter(_empty(*shape, device=device, dtype=dtype)))
                    self._flat_weights_names.append(name + sfx)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def flatten_parameters(self) -> None:
        """A no-op (PyTorch compacts cuDNN weights here)."""

    @property
    def _flat_weights(self) -> list:
        return [getattr(self, n) for n in self._flat_weights_names]

    @property
    def all_weights(self) -> list:
        per = (4 if self.bias else 2) + (1 if self.proj_size > 0 else 0)
        w = self._flat_weights
        return [w[i:i + per] for i in range(0, len(w), per)]

    def _name(self) -> str:
        return {"RNN_TANH": "RNN", "RNN_RELU": "RNN"}.get(self.mode, self.mode)

    def _check_input(self, input: Tensor, packed: bool) -> None:
        if packed:
            if input.ndim != 2:
                raise RuntimeError(f"input must have 2 dimensions, got {input.ndim}")
        elif input.ndim not in (2, 3):
            tail = " tensor" if self._name() == "RNN" else ""
            raise ValueError(f"{self._name()}: Expected input to be 2D or 3D, got {input.ndim}D"
                             f"{tail} instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input.size(-1) must be equal to input_size. Expected "
                               f"{self.input_size}, got {input.shape[-1]}")

    def _check_hidden(self, hx: Tensor, expected: tuple, msg: str) -> None:
        if tuple(hx.shape) != expected:
            raise RuntimeError(msg.format(expected, list(hx.shape)))

    def _weights(self, layer: int, d: int):
        sfx = f"_l{layer}" + ("_reverse" if d == 1 else "")
        get = (lambda n: getattr(self, n + sfx))
        b_ih, b_hh = (get("bias_ih"), get("bias_hh")) if self.bias else (None, None)
        w_hr = get("weight_hr") if self.proj_size > 0 else None
        return get("weight_ih"), get("weight_hh"), b_ih, b_hh, w_hr

    def _run(self, input: Tensor, h0: Tensor, c0, sizes=None):
        """The layer/direction loop; returns (output, h_n, c_n).

        ``input`` is (L, N, H_in), or a packed (sum(sizes), H_in) with per-step batch sizes.
        """
        base_step = _step_fn(self.mode)
        run = _run_packed if sizes is not None else _run_padded
        fused = (self.mode == "LSTM" and self.proj_size == 0 and sizes is None
                 and str(input.dtype) == "torch.float32" and _mkldnn_enabled())
        dirs = 2 if self.bidirectional else 1
        layer_input = input
        hs, cs = [], []
        for layer in range(self.num_layers):
            outs = []
            for d in range(dirs):
                w_ih, w_hh, b_ih, b_hh, w_hr = self._weights(layer, d)
                h = h0[layer * dirs + d]
                c = c0[layer * dirs + d] if c0 is not None else None
                if fused:
                    if not layer_input.is_contiguous():
                        layer_input = layer_input.contiguous()
                    out, h, c = _LstmLayer.apply(layer_input, w_ih, w_hh, b_ih, b_hh, h, c,
                                                 reverse=d == 1)
                else:
                    step = base_step if w_hr is None else _projected(base_step, w_hr)
                    xw = F.linear(layer_input, w_ih, b_ih)
                    out, h, c = run(step, xw, h, c, w_hh, b_hh, d == 1, sizes)
                outs.append(out)
                hs.append(h)
                cs.append(c)
            layer_input = outs[0] if dirs == 1 else _cat(outs, outs[0].ndim - 1)
            if self.dropout and self.training and layer < self.num_layers - 1:
                layer_input = F.dropout(layer_input, self.dropout, True)
        return layer_input, _stack(hs, 0), (_stack(cs, 0) if c0 is not None else None)

    def _initial_state(self, hx, n: int, like: Tensor):
        lstm = self.mode == "LSTM"
        dirs = 2 if self.bidirectional else 1
        out_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        expected = (self.num_layers * dirs, n, out_size)
        expected_c = (self.num_layers * dirs, n, self.hidden_size)
        if hx is None:
            h0 = _zeros(*expected, like=like)
            c0 = _zeros(*expected_c, like=like) if lstm else None
        elif lstm:
            h0, c0 = hx
            self._check_hidden(h0, expected, "Expected hidden[0] size {}, got {}")
            self._check_hidden(c0, expected_c, "Expected hidden[1] size {}, got {}")
        else:
            h0, c0 = hx, None
            self._check_hidden(h0, expected, "Expected hidden size {}, got {}")
        return h0, c0

    def _forward_packed(self, input, hx):
        from ..utils.rnn import PackedSequence

        lstm = self.mode == "LSTM"
        data, batch_sizes, sorted_indices, unsorted_indices = input
        self._check_input(data, True)
        sizes = [int(b) for b in batch_sizes.tolist()]
        if hx is not None and sorted_indices is not None:
            hx = ((hx[0].index_select(1, sorted_indices), hx[1].index_select(1, sorted_indices))
                  if lstm else hx.index_select(1, sorted_indices))
        h0, c0 = self._initial_state(hx, sizes[0], data)
        out, h_n, c_n = self._run(data, h0, c0, sizes)
        output = PackedSequence(out, batch_sizes, sorted_indices, unsorted_indices)
        if unsorted_indices is not None:
            h_n = h_n.index_select(1, unsorted_indices)
            c_n = c_n.index_select(1, unsorted_indices) if c_n is not None else None
        return (output, (h_n, c_n)) if lstm else (output, h_n)

    def forward(self, input, hx=None):
        if not isinstance(input, Tensor) and _is_packed(input):
            return self._forward_packed(input, hx)
        self._check_input(input, False)
        lstm = self.mode == "LSTM"
        batched = input.ndim == 3
        if not batched:
            input = input.unsqueeze(1)
            if hx is not None:
                if lstm:
                    if hx[0].ndim != 2 or hx[1].ndim != 2:
                        raise RuntimeError("For unbatched 2-D input, hx and cx should also be "
                                           f"2-D but got ({hx[0].ndim}-D, {hx[1].ndim}-D) "
                                           "tensors")
                    hx = (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
                else:
                    if hx.ndim != 2:
                        raise RuntimeError("For unbatched 2-D input, hx should also be 2-D but "
                                           f"got {hx.ndim}-D tensor")
                    hx = hx.unsqueeze(1)
        elif hx is not None:
            if lstm and (hx[0].ndim != 3 or hx[1].ndim != 3):
                raise RuntimeError("For batched 3-D input, hx and cx should also be 3-D but got "
                                   f"({hx[0].ndim}-D, {hx[1].ndim}-D) tensors")
            if not lstm and hx.ndim != 3:
                raise RuntimeError("For batched 3-D input, hx should also be 3-D but got "
                                   f"{hx.ndim}-D tensor")
        if self.batch_first:
            input = input.transpose(0, 1)
        h0, c0 = self._initial_state(hx, input.shape[1], input)
        out, h_n, c_n = self._run(input, h0, c0)
        if self.batch_first:
            out = out.transpose(0, 1) if lstm else _BatchFirstTranspose.apply(out)
        if not batched:
            out = out.squeeze(1)
            h_n = h_n.squeeze(1)
            c_n = c_n.squeeze(1) if c_n is not None else None
        return (out, (h_n, c_n)) if lstm else (out, h_n)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.proj_size != 0:
            s += f", proj_size={self.proj_size}"
        if self.num_layers != 1:
            s += f", num_layers={self.num_layers}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        if self.batch_first is not False:
            s += f", batch_first={self.batch_first}"
        if self.dropout != 0:
            s += f", dropout={self.dropout}"
        if self.bidirectional is not False:
            s += f", bidirectional={self.bidirectional}"
        return s


def _is_packed(input) -> bool:
    from ..utils.rnn import PackedSequence

    return isinstance(input, PackedSequence)


def _run_padded(step, xw, h, c, w_hh, b_hh, reverse, sizes):
    length = xw.shape[0]
    inputs = xw.unbind(0)
    ys = [None] * length
    for t in (range(length - 1, -1, -1) if reverse else range(length)):
        h, c = step(inputs[t], h, c, w_hh, b_hh)
        ys[t] = h
    return _stack(ys, 0), h, c


def _run_packed(step, xw, h0, c0, w_hh, b_hh, reverse, sizes):
    """One direction over packed steps: the batch shrinks (or, reversed, grows) with time."""
    offsets = [0]
    for b in sizes:
        offsets.append(offsets[-1] + b)
    ys = [None] * len(sizes)
    if reverse:
        h = h0[:sizes[-1]]
        c = c0[:sizes[-1]] if c0 is not None else None
        for t in range(len(sizes) - 1, -1, -1):
            b, have = sizes[t], h.shape[0]
            if b > have:
                h = _cat([h, h0[have:b]], 0)
                c = _cat([c, c0[have:b]], 0) if c0 is not None else None
            h, c = step(xw[offsets[t]:offsets[t + 1]], h, c, w_hh, b_hh)
            ys[t] = h
        return _cat(ys, 0), h, c
    h, c = h0, c0
    done_h, done_c = [], []
    for t, b in enumerate(sizes):
        if b < h.shape[0]:
            done_h.append(h[b:])
            h = h[:b]
            if c is not None:
                done_c.append(c[b:])
                c = c[:b]
        h, c = step(xw[offsets[t]:offsets[t + 1]], h, c, w_hh, b_hh)
        ys[t] = h
    done_h.append(h)
    h_n = done_h[0] if len(done_h) == 1 else _cat(done_h[::-1], 0)
    c_n = None
    if c is not None:
        done_c.append(c)
        c_n = done_c[0] if len(done_c) == 1 else _cat(done_c[::-1], 0)
    return _cat(ys, 0), h_n, c_n


def _bind(names, defaults, args, kwargs) -> dict:
    vals = dict(zip(names, args))
    vals.update(kwargs)
    for k, v in defaults.items():
        vals.setdefault(k, v)
    return vals


class RNN(RNNBase):
    """``nn.RNN`` (Elman RNN, tanh or relu)."""

    def __init__(self, *args, **kwargs) -> None:
        names = ["input_size", "hidden_size", "num_layers", "nonlinearity", "bias",
                 "batch_first", "dropout", "bidirectional"]
        v = _bind(names, {"num_layers": 1, "nonlinearity": "tanh", "bias": True,
                          "batch_first": False, "dropout": 0.0, "bidirectional": False},
                  args, kwargs)
        nl = v.pop("nonlinearity")
        if nl == "tanh":
            mode = "RNN_TANH"
        elif nl == "relu":
            mode = "RNN_RELU"
        else:
            raise ValueError(f"Unknown nonlinearity '{nl}'. Select from 'tanh' or 'relu'.")
        super().__init__(mode, **v)
        self.nonlinearity = nl


class LSTM(RNNBase):
    """``nn.LSTM``: returns ``(output, (h_n, c_n))``."""

    def __init__(self, *args, **kwargs) -> None:
        names = ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                 "bidirectional", "proj_size"]
        super().__init__("LSTM", **_bind(names, {}, args, kwargs))


class GRU(RNNBase):
    """``nn.GRU``."""

    def __init__(self, *args, **kwargs) -> None:
        names = ["input_size", "hidden_size", "num_layers", "bias", "batch_first", "dropout",
                 "bidirectional"]
        super().__init__("GRU", **_bind(names, {}, args, kwargs))


# -- cells ----------------------------------------------------------------------------------------
class RNNCellBase(Module):
    __constants__ = ["input_size", "hidden_size", "bias"]
    _mode = "RNN_TANH"

    def __init__(self, input_size: int, hidden_size: int, bias: bool, num_chunks: int,
                 device=None, dtype=None) -> None:
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.weight_ih = Parameter(_empty(num_chunks * hidden_size, input_size, device=device,
                                          dtype=dtype))
        self.weight_hh = Parameter(_empty(num_chunks * hidden_size, hidden_size, device=device,
                                          dtype=dtype))
        if bias:
            self.bias_ih = Parameter(_empty(num_chunks * hidden_size, device=device, dtype=dtype))
            self.bias_hh = Parameter(_empty(num_chunks * hidden_size, device=device, dtype=dtype))
        else:
            self.register_parameter("bias_ih", None)
            self.register_parameter("bias_hh", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0
        for weight in self.parameters():
            init.uniform_(weight, -stdv, stdv)

    def extra_repr(self) -> str:
        s = f"{self.input_size}, {self.hidden_size}"
        if self.bias is not True:
            s += f", bias={self.bias}"
        nl = getattr(self, "nonlinearity", "tanh")
        if nl != "tanh":
            s += f", nonlinearity={nl}"
        return s

    def _prepare(self, input: Tensor, hx):
        if input.ndim not in (1, 2):
            raise ValueError(f"{type(self).__name__}: Expected input to be 1D or 2D, got "
                             f"{input.ndim}D instead")
        if input.shape[-1] != self.input_size:
            raise RuntimeError(f"input has inconsistent input_size: got {input.shape[-1]} "
                               f"expected {self.input_size}")
        batched = input.ndim == 2
        if not batched:
            input = input.unsqueeze(0)
        return input, batched

    def _hidden(self, input: Tensor, h, batched: bool) -> Tensor:
        if h is None:
            return _zeros(input.shape[0], self.hidden_size, like=input)
        return h if batched else h.unsqueeze(0)

    def forward(self, input: Tensor, hx=None):
        input, batched = self._prepare(input, hx)
        h = self._hidden(input, hx, batched)
        xw = F.linear(input, self.weight_ih, self.bias_ih)
        h, _ = _step_fn(self._mode)(xw, h, None, self.weight_hh, self.bias_hh)
        return h if batched else h.squeeze(0)


class RNNCell(RNNCellBase):
    """``nn.RNNCell``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True,
                 nonlinearity: str = "tanh", device=None, dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 1, device, dtype)
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.nonlinearity = nonlinearity
        self._mode = "RNN_TANH" if nonlinearity == "tanh" else "RNN_RELU"


class GRUCell(RNNCellBase):
    """``nn.GRUCell``."""

    _mode = "GRU"

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 3, device, dtype)


class LSTMCell(RNNCellBase):
    """``nn.LSTMCell``: returns ``(h', c')``."""

    def __init__(self, input_size: int, hidden_size: int, bias: bool = True, device=None,
                 dtype=None) -> None:
        super().__init__(input_size, hidden_size, bias, 4, device, dtype)

    def forward(self, input: Tensor, hx=None):
        input, batched = self._prepare(input, hx)
        if hx is None:
            h = c = _zeros(input.shape[0], self.hidden_size, like=input)
        else:
            h, c = (hx if batched else (hx[0].unsqueeze(0), hx[1].unsqueeze(0)))
        xw = F.linear(input, self.weight_ih, self.bias_ih)
        h, c = _lstm_step(xw, h, c, self.weight_hh, self.bias_hh)
        return (h, c) if batched else (h.squeeze(0), c.squeeze(0))
