"""Train the tutorial's NeuralNetwork for a few SGD steps on random data; the loss falls."""

import numtorch as torch
from numtorch import nn

torch.manual_seed(0)


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512),
            nn.ReLU(),
            nn.Linear(512, 512),
            nn.ReLU(),
            nn.Linear(512, 10),
        )

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


model = NeuralNetwork()
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.05)
X = torch.rand(64, 1, 28, 28)
y = torch.randint(0, 10, (64,))
for step in range(20):
    loss = loss_fn(model(X), y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    if step % 4 == 0 or step == 19:
        print(f"step {step:2d}  loss {loss.item():.6f}")
