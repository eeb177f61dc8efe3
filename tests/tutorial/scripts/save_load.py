# The "Save and Load the Model" page with a model defined in the script: state_dict, whole
# model (pickled class), a training checkpoint.
import torch
from torch import nn

torch.manual_seed(3)


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.stack = nn.Sequential(nn.Linear(28 * 28, 64), nn.ReLU(), nn.Dropout(0.2),
                                   nn.Linear(64, 10))

    def forward(self, x):
        return self.stack(self.flatten(x))


model = NeuralNetwork()
torch.save(model.state_dict(), "model_weights.pth")

model2 = NeuralNetwork()
print(model2.load_state_dict(torch.load("model_weights.pth", weights_only=True)))
model2.eval()
x = torch.rand(2, 28, 28)
print(torch.equal(model.eval()(x), model2(x)))
print(model2(x))

torch.save(model, "model.pth")
model3 = torch.load("model.pth", weights_only=False)
print(type(model3).__name__, model3.training)
print(torch.equal(model3(x), model2(x)))

try:
    torch.load("model.pth", weights_only=True)
except Exception as e:
    print("weights_only refuses the pickled class:", type(e).__name__)

sd = torch.load("model_weights.pth")
print(sorted(sd), sd["stack.0.weight"].shape, sd["stack.3.bias"].dtype)

optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
model.train()
for epoch in range(3):  # noqa: B007
    optimizer.zero_grad()
    loss = nn.functional.cross_entropy(model(x), torch.tensor([1, 7]))
    loss.backward()
    optimizer.step()
print(round(loss.item(), 4))
torch.save({
    "epoch": epoch,
    "model_state_dict": model.state_dict(),
    "optimizer_state_dict": optimizer.state_dict(),
    "loss": loss,
}, "checkpoint.tar")

ckpt = torch.load("checkpoint.tar", weights_only=True)
resumed = NeuralNetwork()
resumed_opt = torch.optim.Adam(resumed.parameters(), lr=1e-3)
resumed.load_state_dict(ckpt["model_state_dict"])
resumed_opt.load_state_dict(ckpt["optimizer_state_dict"])
print(ckpt["epoch"], ckpt["loss"])
print(resumed_opt.state_dict()["param_groups"][0]["lr"],
      resumed_opt.state_dict()["state"][0]["step"])
resumed.eval()
print(torch.equal(resumed(x), model.eval()(x)))
