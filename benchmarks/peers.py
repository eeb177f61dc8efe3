"""Peer adapters: workloads 1-3 on other NumPy-era frameworks (Chainer, mygrad, HIPS autograd,
tinygrad on CPU), with the same model, data and step as the numtorch/torch workloads.

Each peer is an object with a ``__name__`` and ``build(workload)`` returning a zero-argument step,
so ``benchmarks.__main__.time_workload`` can time it next to numtorch and torch. A peer that is not
installed (or does not import) raises :class:`NotInstalled`; a workload the peer has no layer for
raises :class:`NotAvailable`.

Models (as in ``workloads.py``): MLP 784-512-512-10 with ReLU; CNN conv 1-32 3x3, ReLU,
conv 32-64 3x3, ReLU, maxpool 2, linear 9216-128, ReLU, linear 128-10; mean cross-entropy; plain
SGD with lr 1e-3. Weights use PyTorch's default ranges (uniform in +-1/sqrt(fan_in)).
"""

from __future__ import annotations

import importlib
import os

import numpy as np

PEER_WORKLOADS = ["mlp_train_b64", "mlp_train_b512", "cnn_train_b64", "epoch_workers0"]
LR = 1e-3


class NotInstalled(Exception):
    """The peer framework cannot be imported."""


class NotAvailable(Exception):
    """The peer has no layer for this workload (reported as n/a)."""


def _params(shapes, seed=0):
    """Weights ``(fan_in..., out)`` and biases in PyTorch's default init range, float32."""
    rng = np.random.default_rng(seed)
    out = []
    for w_shape, fan_in in shapes:
        bound = 1.0 / np.sqrt(fan_in)
        out.append(rng.uniform(-bound, bound, w_shape).astype(np.float32))
        out.append(rng.uniform(-bound, bound, w_shape[0] if len(w_shape) == 4 else w_shape[-1])
                   .astype(np.float32))
    return out


MLP_SHAPES = [((784, 512), 784), ((512, 512), 512), ((512, 10), 512)]
CNN_SHAPES = [((32, 1, 3, 3), 9), ((64, 32, 3, 3), 288), ((9216, 128), 9216), ((128, 10), 128)]


def _data(batch, shape=(1, 28, 28), seed=0):
    rng = np.random.default_rng(seed)
    return rng.random((batch,) + shape, dtype=np.float32), rng.integers(0, 10, batch)


def _epoch_batches(n=6000, batch=64):
    """The epoch workload's data pipeline in NumPy: read the IDX files once, then per epoch a
    shuffled pass in batches of float32 images scaled to [0, 1] (what ToTensor produces)."""
    import tempfile

    from benchmarks.fashion import _read_idx, make_fashion_folder

    raw = os.path.join(make_fashion_folder(tempfile.mkdtemp(prefix="nt-peer-"), n),
                       "FashionMNIST", "raw")
    images = _read_idx(os.path.join(raw, "train-images-idx3-ubyte.gz"))
    labels = _read_idx(os.path.join(raw, "train-labels-idx1-ubyte.gz")).astype(np.int64)
    rng = np.random.default_rng(0)

    def batches():
        order = rng.permutation(len(images))
        for i in range(0, len(order), batch):
            idx = order[i:i + batch]
            yield (images[idx].astype(np.float32) / np.float32(255)).reshape(-1, 1, 28, 28), \
                labels[idx]
    return batches


class Peer:
    """Base adapter: subclasses give ``module`` and ``mlp_step`` / ``cnn_step``."""

    module = ""

    def __init__(self, name: str | None = None):
        self.__name__ = name or self.module

    def available(self) -> bool:
        try:
            importlib.import_module(self.module)
        except Exception:  # noqa: BLE001 - e.g. chainer 7 fails on NumPy 2 at import
            return False
        return True

    def build(self, workload: str):
        if not self.available():
            raise NotInstalled(self.module)
        if workload == "mlp_train_b64":
            return self.train(self.mlp_step, *_data(64))
        if workload == "mlp_train_b512":
            return self.train(self.mlp_step, *_data(512))
        if workload == "cnn_train_b64":
            return self.train(self.cnn_step, *_data(64))
        if workload == "epoch_workers0":
            batches = _epoch_batches()
            step = self.mlp_step()

            def epoch():
                for x, y in batches():
                    step(x, y)
            return epoch
        raise NotAvailable(workload)

    def train(self, make_step, x, y):
        step = make_step()
        if getattr(self, "jit", False):
            step(x, y)  # TinyJit captures on its second call; time_workload warms up once more
        return lambda: step(x, y)

    def mlp_step(self):
        raise NotAvailable("mlp")

    def cnn_step(self):
        raise NotAvailable("no conv layer")


class MyGrad(Peer):
    module = "mygrad"

    def mlp_step(self):
        import mygrad as mg
        from mygrad.nnet.activations import relu
        from mygrad.nnet.losses import softmax_crossentropy

        w1, b1, w2, b2, w3, b3 = ps = [mg.tensor(p) for p in _params(MLP_SHAPES)]

        def step(x, y):
            h = relu(mg.matmul(x.reshape(len(x), -1), w1) + b1)
            h = relu(mg.matmul(h, w2) + b2)
            softmax_crossentropy(mg.matmul(h, w3) + b3, y).backward()
            for p in ps:
                p.data -= LR * p.grad
        return step

    def cnn_step(self):
        import mygrad as mg
        from mygrad.nnet.activations import relu
        from mygrad.nnet.layers import conv_nd, max_pool
        from mygrad.nnet.losses import softmax_crossentropy

        ps = [mg.tensor(p) for p in _params(CNN_SHAPES)]
        c1, cb1, c2, cb2, w3, b3, w4, b4 = ps

        def step(x, y):
            h = relu(conv_nd(x, c1, stride=1) + cb1.reshape(1, -1, 1, 1))
            h = relu(conv_nd(h, c2, stride=1) + cb2.reshape(1, -1, 1, 1))
            h = max_pool(h, (2, 2), 2).reshape(len(x), -1)
            h = relu(mg.matmul(h, w3) + b3)
            softmax_crossentropy(mg.matmul(h, w4) + b4, y).backward()
            for p in ps:
                p.data -= LR * p.grad
        return step


class HipsAutograd(Peer):
    module = "autograd"

    def mlp_step(self):
        import autograd.numpy as anp

        from autograd import grad

        ps = _params(MLP_SHAPES)

        def loss(ps, x, y):
            w1, b1, w2, b2, w3, b3 = ps
            h = anp.maximum(anp.dot(x, w1) + b1, 0)
            h = anp.maximum(anp.dot(h, w2) + b2, 0)
            z = anp.dot(h, w3) + b3
            m = anp.max(z, axis=1, keepdims=True)
            logp = z - m - anp.log(anp.sum(anp.exp(z - m), axis=1, keepdims=True))
            return -anp.mean(logp[anp.arange(len(y)), y])
        dloss = grad(loss)

        def step(x, y):
            for p, g in zip(ps, dloss(ps, x.reshape(len(x), -1), y)):
                p -= np.float32(LR) * g
        return step


class Chainer(Peer):
    module = "chainer"

    def _train(self, link):
        import chainer
        import chainer.functions as F

        opt = chainer.optimizers.SGD(lr=LR)
        opt.setup(link)

        def step(x, y):
            loss = F.softmax_cross_entropy(link(x), y)
            link.cleargrads()
            loss.backward()
            opt.update()
        return step

    def mlp_step(self):
        import chainer
        import chainer.functions as F
        import chainer.links as L

        seq = chainer.Sequential(L.Linear(784, 512), F.relu, L.Linear(512, 512), F.relu,
                                 L.Linear(512, 10))
        return self._train(seq)

    def cnn_step(self):
        import chainer
        import chainer.functions as F
        import chainer.links as L

        seq = chainer.Sequential(L.Convolution2D(1, 32, 3), F.relu, L.Convolution2D(32, 64, 3),
                                 F.relu, lambda h: F.max_pooling_2d(h, 2),
                                 L.Linear(9216, 128), F.relu, L.Linear(128, 10))
        return self._train(seq)


class TinyGrad(Peer):
    """tinygrad on its CPU device (needs a C compiler); ``jit`` wraps the step in TinyJit."""

    module = "tinygrad"

    def __init__(self, jit: bool, threads: int | None = None):
        super().__init__("tinygrad_jit" if jit else "tinygrad")
        self.jit = jit
        self.threads = threads

    def available(self) -> bool:
        if self.threads:
            os.environ.setdefault("PARALLEL", str(self.threads))
        os.environ.setdefault("DEV", "CPU")
        if not super().available():
            return False
        try:
            from tinygrad import Tensor
            (Tensor([1.0]) + 1).realize()
        except Exception:  # noqa: BLE001 - no usable CPU backend (e.g. no clang)
            return False
        return True

    def _train(self, layers, forward):
        from tinygrad import Context, Tensor, TinyJit, nn

        opt = nn.optim.SGD(nn.state.get_parameters(layers), lr=LR)

        def inner(x, y):
            opt.zero_grad()
            loss = forward(x).sparse_categorical_crossentropy(y)
            loss.backward()
            opt.step()
            return loss.realize()
        jitted = {}  # TinyJit replays one input shape: one per batch size (epoch's last batch)

        def step(x, y):
            fn = jitted.setdefault(len(x), TinyJit(inner)) if self.jit else inner
            with Context(TRAINING=1):
                fn(Tensor(x), Tensor(y)).item()
        return step

    def mlp_step(self):
        from tinygrad import Tensor, nn

        Tensor.manual_seed(0)
        l1, l2, l3 = nn.Linear(784, 512), nn.Linear(512, 512), nn.Linear(512, 10)
        return self._train([l1, l2, l3],
                           lambda x: l3(l2(l1(x.flatten(1)).relu()).relu()))

    def cnn_step(self):
        from tinygrad import Tensor, nn

        Tensor.manual_seed(0)
        c1, c2 = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3)
        l3, l4 = nn.Linear(9216, 128), nn.Linear(128, 10)
        return self._train([c1, c2, l3, l4], lambda x: l4(
            l3(c2(c1(x).relu()).relu().max_pool2d(2).flatten(1)).relu()))


def peers(threads: int | None = None) -> list[Peer]:
    """The adapters, in report order."""
    return [Chainer(), MyGrad(), HipsAutograd(), TinyGrad(False, threads), TinyGrad(True, threads)]
