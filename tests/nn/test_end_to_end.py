"""The seed's NeuralNetwork trained for 200 SGD steps on the same batches in numtorch and torch:
same manual_seed, so the same initial weights; the loss curves agree at every step."""

import numpy as np
import torch

import numtorch


def _train(lib, steps=200, batch=64):
    lib.manual_seed(0)
    nn = lib.nn

    class NeuralNetwork(nn.Module):
        def __init__(self):
            super().__init__()
            self.flatten = nn.Flatten()
            self.linear_relu_stack = nn.Sequential(
                nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                nn.Linear(512, 10))

        def forward(self, x):
            return self.linear_relu_stack(self.flatten(x))

    model = NeuralNetwork()
    loss_fn = nn.CrossEntropyLoss()
    opt = lib.optim.SGD(model.parameters(), lr=1e-3)  # the seed's learning rate
    rng = np.random.default_rng(0)
    images = rng.random((steps, batch, 1, 28, 28), dtype=np.float32)
    labels = rng.integers(0, 10, (steps, batch))
    losses = []
    first_weight = model.linear_relu_stack[0].weight.detach().numpy().copy()
    for i in range(steps):
        x, y = lib.tensor(images[i]), lib.tensor(labels[i])
        loss = loss_fn(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return np.array(losses), first_weight


def test_seed_network_200_sgd_steps_match_torch():
    ours, w_ours = _train(numtorch)
    theirs, w_theirs = _train(torch)
    assert w_ours.tobytes() == w_theirs.tobytes()  # bit-identical default initialisation
    rel = np.abs(ours - theirs) / np.abs(theirs)
    assert rel.max() < 1e-4, (rel.argmax(), ours[rel.argmax()], theirs[rel.argmax()])
    assert ours[-20:].mean() < ours[:20].mean()
