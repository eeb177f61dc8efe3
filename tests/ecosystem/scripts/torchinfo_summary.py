"""torchinfo ``summary`` of a CNN and of a Transformer encoder."""

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
cnn = summary(CNN(), input_size=(2, 3, 16, 16), verbose=0,
              col_names=("input_size", "output_size", "num_params", "mult_adds"))
tokens = torch.randint(0, 100, (2, 7))
tf = summary(TinyTransformer(), input_data=[tokens], verbose=0, depth=4)
print(cnn)
print(tf)
emit(cnn=str(cnn), transformer=str(tf), cnn_params=cnn.total_params,
     tf_params=tf.total_params, cnn_mult_adds=cnn.total_mult_adds)
