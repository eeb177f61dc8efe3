"""The seed document's snippets (the PyTorch beginner-tutorial study note), made concrete where
the note shows pseudo-code, each as a string. The tests run all of them in one process under
real torch and in one under ``numtorch run``, and compare what each prints."""

TENSOR = {
    "numpy_bridge": """
import torch
import numpy as np
x = torch.ones(2, 2)
n = x.numpy()
n[0, 0] = -1
print(x)
n = np.arange(12)
x = torch.from_numpy(n)
n[1] = 100
print(x)
""",
    "attributes": """
import torch
tensor = torch.rand(3,4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")
print(tensor.grad, tensor.requires_grad, tensor.data.shape)
if torch.cuda.is_available():
    tensor = tensor.to('cuda')
print(tensor.device)
""",
    "creation": """
import torch
torch.manual_seed(0)
x = torch.randn(2, 3)
print(x)
print(torch.ones(2, 3), torch.zeros(2))
x = torch.tensor([[1, 2], [3, 4]])
y = x.clone()
with torch.no_grad():
    z = torch.ones(2, requires_grad=True) * 2
print(y, z.requires_grad)
print(torch.ones_like(x), torch.zeros_like(x), x.new_zeros(2, 3))
""",
    "dimensionality": """
import torch
x = torch.arange(24.).reshape(2, 3, 4)
print(x.size())
print(torch.cat([x, x], dim=0).shape, torch.stack([x, x], dim=0).shape)
print(x.view(6, 4).shape, x.view(-1, 2).shape)
print(x.transpose(0, 2).shape, x.permute(2, 0, 1).shape)
print(x.unsqueeze(dim=2).shape, torch.ones(2, 1, 3, 1).squeeze().shape)
print(torch.ones(2, 1, 3, 1).squeeze(dim=1).shape)
print(torch.tensor([1, 2]).repeat(2, 2))
print(torch.tensor([1, 2]).repeat_interleave(2))
print(torch.tensor([1, 2]).repeat_interleave(torch.tensor([1, 3]), dim=0))
""",
    "algebra": """
import torch
A = torch.arange(6.).reshape(2, 3)
B = torch.arange(12.).reshape(3, 4)
v = torch.tensor([1., 2., 3.])
print(A.mm(B))
print(A.mv(v))
print(v.dot(v))
print(A.t())
print(A * A)
print(v.sum().item())
print(torch.cuda.is_available(), torch.version.cuda)
print(A.cpu().shape)
""",
}

AUTOGRAD = {
    "seed_1998": """
import torch
torch.manual_seed(1998)
x = torch.ones(5)  # input tensor
y = torch.zeros(3)  # expected output
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(x)
print(z)
loss.backward()
print(b.grad)
loss_2 = loss ** 2
try:
    loss_2.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
z = w ** 2
try:
    z.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
""",
    "nonleaf_grad": """
import warnings
import torch
torch.manual_seed(1998)
x = torch.ones(5)
w = torch.randn(5, 3, requires_grad=True)
z = torch.matmul(x, w)
loss = z.sum()
loss.backward()
with warnings.catch_warnings(record=True) as rec:
    warnings.simplefilter("always")
    print(z.grad)
print([str(r.message).split(" (Triggered")[0] for r in rec])
z2 = torch.matmul(x, w)
z2.retain_grad()
z2.sum().backward()
print(z2.grad)
""",
    "detach_modes": """
import torch
mode = ['no_detach', 'detach']
for mode_ in mode:
    print(f'MODE: {mode_}')
    x = torch.ones(10, requires_grad=True)
    y = x ** 2
    z = x ** 3
    if mode_ == 'detach':
        z.detach_()
    loss = (y+z).sum()
    print(f'parameter z:\\n{z}')
    loss.backward()
    print(f'x_grad:\\n{x.grad}','\\n')
""",
    "detach_after_graph": """
import torch
x = torch.ones(10, requires_grad=True)
y = x ** 2
z = x ** 3
loss = (y+z).sum()
print(f'parameter z:\\n{z}')
z.detach_()
print(f'parameter z_detached:\\n{z}')
loss.backward()
print(f'x_grad:\\n{x.grad}','\\n')
""",
    "function_exp": """
import torch
from torch.autograd import Function

class Exp(Function):

    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result

input = torch.ones(1) * 2
input.requires_grad = True
output = Exp.apply(input)
output.backward()
print(output)
print(input.grad)
""",
    "no_grad": """
import torch
x = torch.ones(3, requires_grad=True)
with torch.no_grad():
    y = x * 2
print(y.requires_grad, (x * 2).requires_grad)
""",
}

COMMON = {
    "common_functions": """
import torch
torch.manual_seed(0)
print(torch.eye(3), torch.eye(2, 3))
x = torch.tensor([[0., 1.], [2., 0.]])
print(torch.nonzero(x))
print(torch.where(x > 0, x, torch.zeros_like(x)))
print(torch.clamp(x, min=0.5, max=1.5))
print(torch.max(x, 1))
print(torch.norm(x), torch.norm(x, dim=1))
print(torch.randperm(10))
print(x.repeat(2, 1), x[0].expand(3, 2), x.t().contiguous().is_contiguous())
import torch.nn.functional as F
print(F.one_hot(torch.tensor([0, 2, 1]), num_classes=-1))
print(F.interpolate(torch.arange(4.).view(1, 1, 2, 2), size=(4, 4), mode='nearest'))
torch.set_printoptions(precision=2, sci_mode=False)
print(torch.tensor([1.23456, 0.000012345, 123.456]))
torch.set_printoptions(profile="default")
""",
    "grid_sample": """
import torch.nn.functional as F
import torch

input = torch.arange(4).view(1,1,2,2).float()
print(input.squeeze())

grid = torch.tensor((0., 0.)).view(1, 1, 1, 2)
out = F.grid_sample(input, grid)
print(out.squeeze())

grid = torch.tensor((0.5, 0.5)).float().view(1, 1, 1, 2)
out = F.grid_sample(input, grid)
print(out.squeeze())
""",
    "gather": """
import torch
def _gather_feat(feat, ind, mask=None):
    dim = feat.size(2)
    ind = ind.unsqueeze(2).expand(ind.size(0), ind.size(1), dim)
    feat = feat.gather(1, ind)  # (B, K, C)
    if mask is not None:
        mask = mask.unsqueeze(2).expand_as(feat)
        feat = feat[mask]
        feat = feat.view(-1, dim)
    return feat
feat = torch.arange(24.).view(2, 4, 3)
ind = torch.tensor([[0, 3], [2, 1]])
print(_gather_feat(feat, ind))
print(_gather_feat(feat, ind, mask=torch.tensor([[True, False], [True, True]])))
""",
    "anomaly": """
import torch
torch.autograd.set_detect_anomaly(True)
x = torch.tensor([-1.0, 4.0], requires_grad=True)
loss = torch.pow(x, 0.5).sum()
try:
    with torch.autograd.detect_anomaly():
        loss.backward()
except RuntimeError as e:
    print("RuntimeError:", e)
torch.autograd.set_detect_anomaly(False)
""",
}

BUILD_MODEL = {
    "neural_network": """
import torch
from torch import nn

torch.manual_seed(0)
device = 'cuda' if torch.cuda.is_available() else 'cpu'
print('Using {} device'.format(device))

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
""",
    "optimization_loop": """
import torch
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
X = torch.rand(256, 1, 28, 28)
Y = torch.randint(0, 10, (256,))
train_dataloader = DataLoader(TensorDataset(X[:192], Y[:192]), batch_size=64, shuffle=True)
test_dataloader = DataLoader(TensorDataset(X[192:], Y[192:]), batch_size=64)

class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28*28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))

def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        if batch % 1 == 0:
            loss, current = loss.item(), batch * len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")

def test_loop(dataloader, model, loss_fn):
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \\n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \\n")

model = NeuralNetwork()
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
for t in range(2):
    print(f"Epoch {t+1}\\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    test_loop(test_dataloader, model, loss_fn)
print("Done!")
""",
}
