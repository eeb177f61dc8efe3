"""PyTorch Lightning ``Trainer(max_epochs=1).fit`` of a tiny module, with the progress bar and
a checkpoint (its path is printed for the test to load with torch)."""

import os
import sys

import pytorch_lightning as pl
import torch
import torch.nn as nn
from _common import emit, flat
from torch.utils.data import DataLoader, TensorDataset


class Tiny(pl.LightningModule):
    def __init__(self, hidden: int = 8):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(4, hidden), nn.Tanh(), nn.Linear(hidden, 1))

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = nn.functional.mse_loss(self(x), y)
        self.log("train_loss", loss, prog_bar=True)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val_loss", nn.functional.mse_loss(self(x), y), prog_bar=True)

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=0.1)


out_dir = sys.argv[1]
pl.seed_everything(0)
x = torch.randn(64, 4)
y = x.sum(1, keepdim=True) * 0.5
train = DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True)
val = DataLoader(TensorDataset(x[:32], y[:32]), batch_size=16)
model = Tiny()
trainer = pl.Trainer(max_epochs=1, default_root_dir=out_dir, accelerator="cpu", devices=1,
                     logger=False, enable_progress_bar=True, enable_model_summary=True,
                     num_sanity_val_steps=0)
trainer.fit(model, train, val)
ckpt = trainer.checkpoint_callback.best_model_path or trainer.checkpoint_callback.last_model_path
emit(checkpoint=os.path.abspath(ckpt), weights={k: flat(v) for k, v in
                                                model.state_dict().items()},
     metrics={k: float(v) for k, v in trainer.callback_metrics.items()},
     global_step=trainer.global_step, epoch=trainer.current_epoch)
