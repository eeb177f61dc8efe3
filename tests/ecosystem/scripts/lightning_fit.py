"""PyTorch Lightning ``Trainer(max_epochs=1).fit`` of a tiny module, with the progress bar and
a checkpoint (its path is printed for the test to load with torch); then test, predict, the
model summary's FLOPs and resuming from the checkpoint."""

import os
import sys

import pytorch_lightning as pl
import torch
import torch.nn as nn
from _common import emit, flat
from pytorch_lightning.utilities.model_summary import ModelSummary
from torch.utils.data import DataLoader, TensorDataset


class Tiny(pl.LightningModule):
    def __init__(self, hidden: int = 8):
        super().__init__()
        self.save_hyperparameters()
        self.net = nn.Sequential(nn.Linear(4, hidden), nn.Tanh(), nn.Linear(hidden, 1))
        self.example_input_array = torch.zeros(2, 4)  # the model summary counts FLOPs with it

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

    def test_step(self, batch, batch_idx):
        x, y = batch
        self.log("test_loss", nn.functional.mse_loss(self(x), y))

    def predict_step(self, batch, batch_idx):
        return self(batch[0])

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
weights = {k: flat(v) for k, v in model.state_dict().items()}
metrics = {k: float(v) for k, v in trainer.callback_metrics.items()}
tested = trainer.test(model, val, verbose=False)
predicted = flat(torch.cat(trainer.predict(model, val)))
flops = ModelSummary(model).total_flops
# resume from the checkpoint for one more epoch
resumed = pl.Trainer(max_epochs=2, default_root_dir=out_dir, accelerator="cpu", devices=1,
                     logger=False, enable_progress_bar=False, enable_model_summary=False,
                     enable_checkpointing=False, num_sanity_val_steps=0)
again = Tiny()
resumed.fit(again, train, val, ckpt_path=ckpt)
emit(checkpoint=os.path.abspath(ckpt), weights=weights, metrics=metrics,
     global_step=trainer.global_step, epoch=trainer.current_epoch, tested=tested,
     predicted=predicted, flops=flops, resumed_step=resumed.global_step,
     resumed_weights={k: flat(v) for k, v in again.state_dict().items()})
