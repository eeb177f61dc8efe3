# A user's training script on in-memory data: TensorDataset, random_split, shuffled DataLoader,
# a CNN, Adam with a scheduler, evaluation, checkpointing.
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset, random_split

torch.manual_seed(1234)
n = 256
X = torch.randn(n, 1, 12, 12)
y = (X.mean(dim=(1, 2, 3)) > 0).long() + 2 * (X[:, 0, :6].mean(dim=(1, 2)) > 0).long()
full = TensorDataset(X, y)
train_set, val_set = random_split(full, [200, 56], generator=torch.Generator().manual_seed(5))
print(len(train_set), len(val_set), train_set.indices[:8])
train_loader = DataLoader(train_set, batch_size=32, shuffle=True, drop_last=True)
val_loader = DataLoader(val_set, batch_size=32)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 8, 3, padding=1)
        self.bn = nn.BatchNorm2d(8)
        self.conv2 = nn.Conv2d(8, 16, 3)
        self.fc = nn.Linear(16 * 5 * 5, 4)
        self.drop = nn.Dropout(0.1)

    def forward(self, x):
        x = F.relu(self.bn(self.conv1(x)))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = self.drop(torch.flatten(x, 1))
        return self.fc(x)


model = Net()
opt = torch.optim.Adam(model.parameters(), lr=3e-3, weight_decay=1e-4)
sched = torch.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
for epoch in range(4):
    model.train()
    total = 0.0
    for xb, yb in train_loader:
        opt.zero_grad()
        loss = F.cross_entropy(model(xb), yb)
        loss.backward()
        opt.step()
        total += loss.item()
    sched.step()
    model.eval()
    correct = 0
    with torch.no_grad():
        for xb, yb in val_loader:
            correct += (model(xb).argmax(dim=1) == yb).sum().item()
    print(f"epoch {epoch} train loss {total / len(train_loader):.6f} "
          f"val acc {correct}/{len(val_set)} lr {sched.get_last_lr()[0]:.6f}")

torch.save({"model": model.state_dict(), "opt": opt.state_dict()}, "ckpt.pt")
state = torch.load("ckpt.pt")
print(sorted(state["model"])[:4], state["model"]["bn.num_batches_tracked"])
print(model.bn.running_mean)
