"""The seed's "Build Models" and autograd snippets print exactly what torch prints."""

import contextlib
import io

import pytest

BUILD_MODELS = """
import torch
from torch import nn

device = 'cuda' if torch.cuda.is_available() else 'cpu'
print('Using {} device'.format(device))
torch.manual_seed(SEED)

class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        x = self.flatten(x)
        print(x.shape)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print("Model structure: ", model, "\\n\\n")
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \\n")

X = torch.randn(3, 1, 28, 28, device=device)
logits = model(X)
print(f'logits: {logits.shape}')
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
print(pred_probab)
print(logits)
"""

AUTOGRAD = """
import torch
torch.manual_seed(1998)
x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(x)
print(z)
print(loss)
loss.backward()
print(b.grad)
print(w.grad)
"""

ERRORS = """
import torch
from torch import nn
model = nn.Sequential(nn.Linear(28 * 28, 512), nn.ReLU())
try:
    model(torch.ones(28, 28))
except RuntimeError as e:
    print(type(e).__name__, e)
loss_fn = nn.CrossEntropyLoss()
try:
    loss_fn(torch.ones(3, 10), torch.ones(3))
except RuntimeError as e:
    print(type(e).__name__, e)
try:
    loss_fn(torch.ones(3, 10), torch.tensor([1, 2, 10]))
except IndexError as e:
    print(type(e).__name__, e)
"""


def _run(code: str, lib: str) -> str:
    if lib == "numtorch":
        code = code.replace("from torch import nn", "from numtorch import nn")
        code = code.replace("import torch\n", "import numtorch as torch\n")
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"<seed-{lib}>", "exec"), {"__name__": "__seed__"})
    return out.getvalue()


@pytest.mark.parametrize("seed", [0, 1234])
def test_build_models_prints_like_torch(seed):
    code = BUILD_MODELS.replace("SEED", str(seed))
    ours, theirs = _run(code, "numtorch"), _run(code, "torch")
    assert ours == theirs


def test_autograd_snippet_prints_like_torch():
    assert _run(AUTOGRAD, "numtorch") == _run(AUTOGRAD, "torch")


def test_error_messages_like_torch():
    assert _run(ERRORS, "numtorch") == _run(ERRORS, "torch")
