"""skorch ``NeuralNetClassifier`` fit and predict on scikit-learn's digits."""

import numpy as np
import torch
import torch.nn as nn
from _common import emit
from sklearn.datasets import load_digits
from skorch import NeuralNetClassifier


class MLP(nn.Module):
    def __init__(self, hidden=32):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(64, hidden), nn.ReLU(), nn.Linear(hidden, 10))

    def forward(self, X):
        return self.net(X)


X, y = load_digits(return_X_y=True)
X = (X / 16.0).astype(np.float32)
y = y.astype(np.int64)
torch.manual_seed(0)
net = NeuralNetClassifier(MLP, max_epochs=5, lr=0.1, batch_size=64,
                          criterion=nn.CrossEntropyLoss, optimizer=torch.optim.SGD,
                          optimizer__momentum=0.9,
                          iterator_train__shuffle=True, verbose=1)
net.fit(X[:1400], y[:1400])
pred = net.predict(X[1400:])
proba = net.predict_proba(X[1400:])
emit(train_loss=[float(v) for v in net.history[:, "train_loss"]],
     valid_loss=[float(v) for v in net.history[:, "valid_loss"]],
     valid_acc=[float(v) for v in net.history[:, "valid_acc"]],
     test_acc=float((pred == y[1400:]).mean()), pred=pred.tolist(),
     proba_sum=float(proba.sum()))
