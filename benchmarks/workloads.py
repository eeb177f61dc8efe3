"""The workloads. Each builder takes the library module (numtorch or torch) and returns a
zero-argument callable doing one unit of work (one training step, one epoch, one op)."""

from __future__ import annotations

import numpy as np


def _mlp(lib):
    nn = lib.nn
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512),
                         nn.ReLU(), nn.Linear(512, 10))


def _cnn(lib):
    nn = lib.nn
    return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(),
                         nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 12 * 12, 128), nn.ReLU(),
                         nn.Linear(128, 10))


def _basic_block(lib, cin, cout, stride):
    """A ResNet BasicBlock (two 3x3 convs with BatchNorm, identity or 1x1 projection)."""
    nn = lib.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)
            self.down = None
            if stride != 1 or cin != cout:
                self.down = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False),
                                          nn.BatchNorm2d(cout))

        def forward(self, x):
            y = self.bn1(self.conv1(x)).relu()
            y = self.bn2(self.conv2(y))
            return (y + (x if self.down is None else self.down(x))).relu()
    return Block()


def _resnet(lib, widths, strides, stem):
    """A ResNet: a stem, BasicBlocks of the given widths/strides, global pooling, a classifier."""
    nn = lib.nn
    if stem == "cifar":
        layers = [nn.Conv2d(3, widths[0], 3, 1, 1, bias=False), nn.BatchNorm2d(widths[0]),
                  nn.ReLU()]
    else:  # ImageNet stem: 7x7 stride 2, max pooling
        layers = [nn.Conv2d(3, widths[0], 7, 2, 3, bias=False), nn.BatchNorm2d(widths[0]),
                  nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    cin = widths[0]
    for w, s in zip(widths, strides):
        layers.append(_basic_block(lib, cin, w, s))
        cin = w
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(cin, 10)]
    return nn.Sequential(*layers)


def _resnet_cifar(lib):
    """CIFAR-size ResNet: 3x3 stem, four BasicBlocks (16, 32 /2, 64 /2, 64)."""
    return _resnet(lib, (16, 32, 64, 64), (1, 2, 2, 1), "cifar")


def _resnet18(lib):
    """ResNet-18's layout (64-128-256-512, two BasicBlocks per stage), 10 classes."""
    return _resnet(lib, (64, 64, 128, 128, 256, 256, 512, 512), (1, 1, 2, 1, 2, 1, 2, 1),
                   "imagenet")


def _data(lib, batch, shape=(1, 28, 28), seed=0):
    rng = np.random.default_rng(seed)
    x = lib.tensor(rng.random((batch,) + shape, dtype=np.float32))
    y = lib.tensor(rng.integers(0, 10, batch))
    return x, y


def train_step(model_fn, batch, shape=(1, 28, 28)):
    def build(lib):
        lib.manual_seed(0)
        model = model_fn(lib)
        opt = lib.optim.SGD(model.parameters(), lr=1e-3)
        loss_fn = lib.nn.CrossEntropyLoss()
        x, y = _data(lib, batch, shape)

        def step():
            loss = loss_fn(model(x), y)
            opt.zero_grad()
            loss.backward()
            opt.step()
        return step
    return build


def inference(batch):
    def build(lib):
        lib.manual_seed(0)
        model = _mlp(lib)
        x, _ = _data(lib, batch)

        def step():
            with lib.no_grad():
                model(x)
        return step
    return build


def vgg_block(lib):
    nn = lib.nn
    lib.manual_seed(0)
    conv = nn.Conv2d(64, 64, 3, padding=1)
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.random((8, 64, 32, 32), dtype=np.float32), requires_grad=True)

    def step():
        out = conv(x).relu().sum()
        out.backward()
    return step


def add_scalar_tensors(requires_grad):
    def build(lib):
        a = lib.ones(1, requires_grad=requires_grad)
        b = lib.ones(1, requires_grad=requires_grad)

        def step():
            for _ in range(100):
                a + b
        return step
    return build


def elementwise_chain(lib):
    rng = np.random.default_rng(0)
    x = lib.tensor(rng.random(1000, dtype=np.float32), requires_grad=True)

    def step():
        y = x
        for _ in range(2):
            y = (y * 1.5 + 0.5).exp().log().sigmoid().tanh() - 0.1
        y = y.relu().sum()
        y.backward()
    return step


def linear_batch1(lib):
    lib.manual_seed(0)
    lin = lib.nn.Linear(64, 64)
    x = lib.ones(1, 64, requires_grad=True)

    def step():
        lin(x).sum().backward()
    return step


def epoch(num_workers, n=6000, batch=64):
    """The tutorial's epoch on FashionMNIST-format data generated in a temporary folder.

    numtorch uses its FashionMNIST dataset (whole-batch fetching); torch uses a per-sample
    dataset doing what torchvision's does (PIL image, then ToTensor).
    """
    def build(lib):
        import tempfile

        from benchmarks.fashion import make_fashion_folder, torch_style_dataset

        root = make_fashion_folder(tempfile.mkdtemp(prefix="nt-bench-"), n)
        if lib.__name__ == "numtorch":
            from numtorch.vision import datasets, transforms

            ds = datasets.FashionMNIST(root, train=True, download=False,
                                       transform=transforms.ToTensor())
        else:
            ds = torch_style_dataset(lib, root)
        lib.manual_seed(0)
        model = _mlp(lib)
        opt = lib.optim.SGD(model.parameters(), lr=1e-3)
        loss_fn = lib.nn.CrossEntropyLoss()
        loader = lib.utils.data.DataLoader(ds, batch_size=batch, shuffle=True,
                                           num_workers=num_workers)

        def step():
            for x, y in loader:
                loss = loss_fn(model(x), y)
                opt.zero_grad()
                loss.backward()
                opt.step()
        return step
    return build


WORKLOADS = {
    "mlp_train_b64": (train_step(_mlp, 64), 20),
    "mlp_train_b512": (train_step(_mlp, 512), 5),
    "mlp_infer_b64": (inference(64), 30),
    "mlp_infer_b1000": (inference(1000), 5),
    "cnn_train_b64": (train_step(_cnn, 64), 2),
    "vgg_block_fwd_bwd": (vgg_block, 2),
    "resnet_cifar_train_b32": (train_step(_resnet_cifar, 32, (3, 32, 32)), 2),
    "resnet18_64_train_b8": (train_step(_resnet18, 8, (3, 64, 64)), 1),
    "epoch_workers0": (epoch(0), 1),
    "epoch_workers2": (epoch(2), 1),
    "op_add_x100": (add_scalar_tensors(False), 50),
    "op_add_grad_x100": (add_scalar_tensors(True), 50),
    "chain10_fwd_bwd": (elementwise_chain, 100),
    "linear64_b1_fwd_bwd": (linear_batch1, 200),
}
QUICK = ["mlp_train_b64", "mlp_infer_b64", "cnn_train_b64", "vgg_block_fwd_bwd",
         "resnet_cifar_train_b32", "resnet18_64_train_b8", "op_add_x100", "op_add_grad_x100",
         "chain10_fwd_bwd", "linear64_b1_fwd_bwd"]
