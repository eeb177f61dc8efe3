"""torchmetrics Accuracy, F1Score, MeanSquaredError (and AUROC, ConfusionMatrix)
accumulated over batches."""

import torch
import torchmetrics
from _common import emit

torch.manual_seed(0)
acc = torchmetrics.Accuracy(task="multiclass", num_classes=5)
f1 = torchmetrics.F1Score(task="multiclass", num_classes=5, average="macro")
bin_acc = torchmetrics.classification.BinaryAccuracy()
mse = torchmetrics.MeanSquaredError()
auroc = torchmetrics.AUROC(task="multiclass", num_classes=5)
confusion = torchmetrics.ConfusionMatrix(task="multiclass", num_classes=5)
per_batch = []
for _ in range(4):
    logits = torch.randn(16, 5)
    target = torch.randint(0, 5, (16,))
    per_batch.append(float(acc(logits, target)))
    f1.update(logits, target)
    auroc.update(logits.softmax(-1), target)
    confusion.update(logits, target)
    bin_acc.update(torch.rand(16), torch.randint(0, 2, (16,)))
    mse.update(torch.randn(16), torch.randn(16))
collection = torchmetrics.MetricCollection({"acc": torchmetrics.Accuracy(
    task="multiclass", num_classes=5), "mse": torchmetrics.MeanSquaredError()})
emit(per_batch=per_batch, accuracy=float(acc.compute()), f1=float(f1.compute()),
     binary_accuracy=float(bin_acc.compute()), mse=float(mse.compute()),
     f1_dtype=str(f1.compute().dtype), auroc=float(auroc.compute()),
     confusion=confusion.compute().tolist(), collection=sorted(collection.keys()))
