"""torchinfo ``summary`` of a CNN (argument ``cnn``) or of a Transformer encoder
(``transformer``)."""

import sys

import torch
import torch.nn as nn
from _common import emit
from torchinfo import summary


class CNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.AdaptiveAvgPool2d(1))
        self.head = nn.Linear(16, 10)

    def forward(self, x):
        return self.head(torch.flatten(self.features(x), 1))


class TinyTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(100, 32)
        layer = nn.TransformerEncoderLayer(32, 4, dim_feedforward=64, batch_first=True,
                                           dropout=0.0)
        self.encoder = nn.TransformerEncoder(layer, num_layers=2, enable_nested_tensor=False)
        self.out = nn.Linear(32, 100)

    def forward(self, tokens):
        return self.out(self.encoder(self.embed(tokens)))


torch.manual_seed(0)
if sys.argv[1] == "cnn":
    stats = summary(CNN(), input_size=(2, 3, 16, 16), verbose=0,
                    col_names=("input_size", "output_size", "num_params", "mult_adds"))
else:
    tokens = torch.randint(0, 100, (2, 7))
    stats = summary(TinyTransformer(), input_data=[tokens], verbose=0, depth=4)
print(stats)
emit(text=str(stats), params=stats.total_params, trainable=stats.trainable_params,
     mult_adds=stats.total_mult_adds, output_bytes=stats.total_output_bytes)
