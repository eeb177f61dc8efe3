"""``numtorch quickstart``: PyTorch's quickstart tutorial (data, model, optimisation loop, save,
load, export) as one command.

It trains the tutorial's ``NeuralNetwork`` (or a small CNN) on Fashion-MNIST, MNIST or
scikit-learn's 8x8 digits, prints the tutorial's per-epoch test report, and leaves in ``--out``:
TensorBoard logs (``runs/``), a checkpoint per epoch (``checkpoints/epoch_N.pth``, resumable with
``--resume``), the final ``model_weights.pth`` (a state_dict that ``torch.load`` reads),
``model.onnx`` (when ONNX export is available) and ``predictions.png`` (test images with
predicted and true labels).

Inputs are ``ToTensor()`` images normalised with the training set's mean and std (recorded in every
checkpoint under ``config``); the tutorial itself skips the normalisation, which costs a few points
of accuracy in the first epochs.
"""

from __future__ import annotations

import argparse
import math
import os
import re
import struct
import sys
import time
import zlib
from pathlib import Path
from typing import Any

__all__ = ["QuickstartError", "add_arguments", "build_model", "export_onnx", "latest_checkpoint",
           "load_datasets", "main", "run", "run_from_args", "save_predictions"]

# dataset name -> (numtorch.vision.datasets class, training-set mean, training-set std)
DATASETS = {"fashion-mnist": ("FashionMNIST", 0.2860, 0.3530),
            "mnist": ("MNIST", 0.1307, 0.3081),
            "digits": ("Digits", 0.3054, 0.3753)}
OPTIMIZERS = {"sgd": "SGD", "adam": "Adam", "adamw": "AdamW", "rmsprop": "RMSprop",
              "adagrad": "Adagrad", "adadelta": "Adadelta", "adamax": "Adamax", "nadam": "NAdam",
              "radam": "RAdam"}
GRID = (4, 4)  # rows, columns of predictions.png


class QuickstartError(Exception):
    """A problem the user can fix (missing data, bad --resume): printed without a traceback."""


# -- command line --------------------------------------------------------------------------------
def add_arguments(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    """Add the quickstart options to ``parser`` (used by ``numtorch quickstart``)."""
    a = parser.add_argument
    a("--dataset", choices=sorted(DATASETS), default="fashion-mnist",
      help="fashion-mnist (default) and mnist download to --data-dir when missing; digits "
           "(8x8, from scikit-learn) needs no download")
    a("--data-dir", default="data", help="where (Fashion-)MNIST lives (default: ./data)")
    a("--model", choices=["mlp", "cnn"], default="mlp",
      help="mlp: the tutorial's NeuralNetwork; cnn: conv32, conv64, maxpool, dropout, linear")
    a("--epochs", type=int, default=None,
      help="total epochs (default: 5; 10 for digits, a 40x smaller set)")
    a("--batch-size", type=int, default=64, help="images per batch (default: 64)")
    a("--lr", type=float, default=1e-3, help="learning rate (default: 1e-3)")
    a("--optimizer", choices=sorted(OPTIMIZERS), default="adam", metavar="NAME",
      help=f"one of {', '.join(sorted(OPTIMIZERS))} (default: adam; the tutorial uses sgd)")
    a("--seed", type=int, default=0, help="numtorch.manual_seed; same as torch's (default: 0)")
    a("--workers", type=int, default=0, help="DataLoader worker processes (default: 0)")
    a("--out", default="quickstart_out", help="output folder (default: ./quickstart_out)")
    a("--resume", metavar="CKPT", default=None,
      help="continue from a checkpoint file, or 'latest' for the newest in OUT/checkpoints")
    a("--progress", choices=["auto", "tqdm", "simple", "none"], default="auto",
      help="progress bar: tqdm when installed (auto), the built-in one, or none")
    return parser


def main(argv: list[str] | None = None) -> int:
    """``numtorch quickstart [options]``; returns the exit status."""
    parser = add_arguments(argparse.ArgumentParser(
        prog="numtorch quickstart", description="Train, evaluate, save and export a model as "
        "PyTorch's quickstart tutorial does."))
    return run_from_args(parser.parse_args(argv))


def run_from_args(args: argparse.Namespace) -> int:
    """Run with parsed arguments; a :class:`QuickstartError` becomes a message and status 1."""
    try:
        run(args)
    except QuickstartError as e:
        print(f"numtorch quickstart: error: {e}", file=sys.stderr)
        return 1
    return 0


# -- models --------------------------------------------------------------------------------------
def build_model(kind: str, image_size: tuple[int, int], num_classes: int = 10, nn: Any = None):
    """The quickstart's model for images of ``image_size`` (H, W), built with ``nn``.

    ``nn`` defaults to ``numtorch.nn``; passing ``torch.nn`` builds the same architecture in
    PyTorch (same state_dict keys and shapes), e.g. to load ``model_weights.pth`` there.
    """
    if nn is None:
        from . import nn
    h, w = image_size
    if kind == "mlp":
        class NeuralNetwork(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.flatten = nn.Flatten()
                self.linear_relu_stack = nn.Sequential(
                    nn.Linear(h * w, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
                    nn.Linear(512, num_classes))

            def forward(self, x):
                return self.linear_relu_stack(self.flatten(x))

        return NeuralNetwork()
    if kind == "cnn":
        class ConvNet(nn.Module):
            def __init__(self) -> None:
                super().__init__()
                self.features = nn.Sequential(
                    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.Conv2d(32, 64, 3), nn.ReLU(),
                    nn.MaxPool2d(2), nn.Dropout(0.25), nn.Flatten())
                self.classifier = nn.Linear(64 * ((h - 4) // 2) * ((w - 4) // 2), num_classes)

            def forward(self, x):
                return self.classifier(self.features(x))

        return ConvNet()
    raise ValueError(f"unknown model {kind!r}: expected 'mlp' or 'cnn'")


# -- data ----------------------------------------------------------------------------------------
def load_datasets(name: str, data_dir: str):
    """(train, test) datasets with ``ToTensor``; downloads (Fashion-)MNIST when missing."""
    from .vision import datasets
    from .vision.transforms import ToTensor

    cls = getattr(datasets, DATASETS[name][0])
    if name == "digits":
        try:
            return cls(train=True, transform=ToTensor()), cls(train=False, transform=ToTensor())
        except ImportError as e:
            raise QuickstartError(f"--dataset digits needs scikit-learn, which ships the images: "
                                  f"pip install 'numtorch[vision]' (or pip install scikit-learn)"
                                  f" [{e}]") from e
    try:
        return (cls(data_dir, train=True, download=True, transform=ToTensor()),
                cls(data_dir, train=False, download=True, transform=ToTensor()))
    except RuntimeError as e:
        raw = Path(data_dir) / cls.__name__ / "raw"
        missing = [f for f, _ in cls.resources
                   if not (raw / f).is_file() and not (raw / f[:-3]).is_file()]
        if not missing:
            raise QuickstartError(f"could not load {name} from {raw}: {e}") from e
        reason = "\n".join([str(e), *getattr(e, "__notes__", ())]).strip().splitlines()[-1]
        raise QuickstartError(
            f"{name} is not in {raw} and could not be downloaded ({reason}).\n"
            f"Missing files: {', '.join(missing)} (or the same without .gz).\n"
            f"Connect to the internet and run again, copy those files (from "
            f"{cls.mirrors[0]}) into {raw}, or try the offline '--dataset digits'.") from e


# -- progress ------------------------------------------------------------------------------------
class _SimpleBar:
    """A one-line progress bar on stderr (used when tqdm is not installed)."""

    def __init__(self, total: int, desc: str) -> None:
        self.total, self.desc, self.n, self.postfix = total, desc, 0, ""
        self._drawn, self._drawn_n = 0.0, -1

    def set_postfix_str(self, s: str, refresh: bool = True) -> None:
        self.postfix = s

    def update(self, n: int = 1) -> None:
        self.n += n
        now = time.monotonic()
        if now - self._drawn >= 0.1 or self.n >= self.total:
            self._drawn = now
            self._draw()

    def _draw(self) -> None:
        self._drawn_n = self.n
        filled = int(25 * self.n / max(self.total, 1))
        bar = "#" * filled + "-" * (25 - filled)
        sys.stderr.write(f"\r{self.desc} |{bar}| {self.n}/{self.total} {self.postfix}")
        sys.stderr.flush()

    def close(self) -> None:
        if self._drawn_n != self.n:
            self._draw()
        sys.stderr.write("\n")
        sys.stderr.flush()


class _NoBar(_SimpleBar):
    def update(self, n: int = 1) -> None:
        self.n += n

    def close(self) -> None:
        """Nothing was drawn."""


def _progress_bar(kind: str, total: int, desc: str):
    if kind in ("auto", "tqdm"):
        try:
            from tqdm import tqdm
        except ImportError as e:
            if kind == "tqdm":
                raise QuickstartError("--progress tqdm needs tqdm: pip install tqdm") from e
        else:
            return tqdm(total=total, desc=desc, unit="batch", file=sys.stderr, leave=True,
                        dynamic_ncols=True)
    if kind == "none":
        return _NoBar(total, desc)
    return _SimpleBar(total, desc)


# -- training and evaluation ---------------------------------------------------------------------
def train_loop(dataloader, model, loss_fn, optimizer, prepare, bar) -> tuple[float, float]:
    """One epoch of the tutorial's ``train_loop``; returns (mean batch loss, images per second)."""
    model.train()
    total_loss, seen, start = 0.0, 0, time.perf_counter()
    for batch, (X, y) in enumerate(dataloader, 1):
        X, y = prepare(X, y)
        loss = loss_fn(model(X), y)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item()
        seen += len(X)
        rate = seen / max(time.perf_counter() - start, 1e-9)
        bar.set_postfix_str(f"loss={total_loss / batch:.4f}, {rate:.0f} img/s", refresh=False)
        bar.update(1)
    bar.close()
    return total_loss / max(len(dataloader), 1), seen / max(time.perf_counter() - start, 1e-9)


def test_loop(dataloader, model, loss_fn, prepare) -> tuple[float, float]:
    """The tutorial's ``test_loop``: prints its report; returns (accuracy in 0..1, avg loss)."""
    from . import float32, no_grad

    model.eval()
    size, num_batches = len(dataloader.dataset), len(dataloader)
    test_loss, correct = 0.0, 0.0
    with no_grad():
        for X, y in dataloader:
            X, y = prepare(X, y)
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(float32).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100 * correct):>0.1f}%, Avg loss: {test_loss:>8f} \n",
          flush=True)
    return correct, test_loss


# -- checkpoints ---------------------------------------------------------------------------------
def _checkpoint_dir(out: Path) -> Path:
    return out / "checkpoints"


def latest_checkpoint(out: Path) -> Path | None:
    """The ``epoch_N.pth`` with the largest N in ``out/checkpoints``, or None."""
    found = []
    folder = _checkpoint_dir(out)
    if folder.is_dir():
        for p in folder.iterdir():
            m = re.fullmatch(r"epoch_(\d+)\.pth", p.name)
            if m and p.is_file():
                found.append((int(m.group(1)), p))
    return max(found)[1] if found else None


def _resume(spec: str, out: Path, config: dict, model, optimizer) -> int:
    """Load model, optimizer and RNG state from a checkpoint; returns its epoch."""
    from . import load, set_rng_state

    path = latest_checkpoint(out) if spec == "latest" else Path(spec)
    if path is None:
        raise QuickstartError(f"--resume latest: no checkpoint (epoch_N.pth) in "
                              f"{_checkpoint_dir(out)}")
    if not path.is_file():
        raise QuickstartError(f"--resume: checkpoint {path} does not exist")
    ckpt = load(path)
    saved = ckpt.get("config", {})
    for key in ("dataset", "model", "optimizer"):
        if saved.get(key) != config[key]:
            raise QuickstartError(f"--resume: {path} was trained with --{key} {saved.get(key)}, "
                                  f"this run uses --{key} {config[key]}")
    model.load_state_dict(ckpt["model"])
    optimizer.load_state_dict(ckpt["optimizer"])
    set_rng_state(ckpt["rng_state"])
    print(f"Resumed from {path} (epoch {ckpt['epoch']})")
    return int(ckpt["epoch"])


# -- artefacts -----------------------------------------------------------------------------------
def export_onnx(model, example, path: Path) -> str:
    """Export with ``numtorch.onnx.export``; returns a line saying what happened (never raises)."""
    try:
        from . import onnx
        export = onnx.export
    except (ImportError, AttributeError) as e:
        return f"ONNX export skipped: numtorch.onnx.export is not available ({e})"
    names = {"input_names": ["input"], "output_names": ["logits"],
             "dynamic_axes": {"input": {0: "batch"}, "logits": {0: "batch"}}}
    try:
        try:
            export(model, (example,), str(path), **names)
        except TypeError:
            export(model, (example,), str(path))
    except ImportError as e:
        hint = "" if "pip install" in str(e) else " (the onnx extra: pip install 'numtorch[onnx]')"
        return f"ONNX export skipped: {e}{hint}"
    except Exception as e:  # an export problem must not cost the user the trained model
        return f"ONNX export skipped: {type(e).__name__}: {e}"
    if not path.is_file():
        return "ONNX export skipped: numtorch.onnx.export wrote no file"
    return f"Exported the model to {path} (ONNX)"


def _write_png(path: Path, rgb) -> None:
    """Write an 8-bit RGB array [H, W, 3] as PNG with the standard library only."""
    h, w, _ = rgb.shape
    rows = b"".join(b"\x00" + rgb[i].tobytes() for i in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def save_predictions(images, preds: list[int], targets: list[int], classes: list[str],
                     out: Path, use_matplotlib: bool | None = None) -> str:
    """``out/predictions.png`` (grid of test images titled predicted/true) and ``.txt``.

    With matplotlib each image is titled "pred / true" (green when right, red when wrong);
    without it the PNG is ``vision.utils.make_grid`` of the images, enlarged to at least 64 pixels
    (Pillow's ``save_image``, or a built-in PNG writer) and ``predictions.txt`` (always written)
    gives the labels cell by cell. Returns a line describing what was written.
    """
    import numpy as np

    from ._tensor import Tensor
    from .vision.utils import make_grid, save_image

    rows, cols = GRID
    png, txt = out / "predictions.png", out / "predictions.txt"
    lines = ["row col predicted true"]
    for k, (p, t) in enumerate(zip(preds, targets)):
        lines.append(f"{k // cols + 1} {k % cols + 1} {classes[p]!r} {classes[t]!r}"
                     + ("" if p == t else "  WRONG"))
    txt.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if use_matplotlib is None:
        try:
            import matplotlib  # noqa: F401
            use_matplotlib = True
        except ImportError:
            use_matplotlib = False
    if use_matplotlib:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(1.9 * cols, 2.1 * rows))
        for k, (p, t) in enumerate(zip(preds, targets)):
            ax = fig.add_subplot(rows, cols, k + 1)
            ax.imshow(images[k]._data[0], cmap="gray", vmin=0.0, vmax=1.0)
            ax.set_title(f"pred: {classes[p]}\ntrue: {classes[t]}", fontsize=8,
                         color="green" if p == t else "red")
            ax.axis("off")
        fig.tight_layout()
        fig.savefig(png, dpi=100)
        return f"Saved {png} (matplotlib) and the labels in {txt}"
    scale = max(1, 64 // max(images[0].shape[-2:]))  # nearest-neighbour, so 8x8 digits show
    big = [Tensor._from_array(img._data.repeat(scale, -2).repeat(scale, -1)) for img in images]
    grid = make_grid(big, nrow=cols, padding=2, pad_value=1.0)
    try:
        save_image(grid, png)
    except ImportError:
        arr = np.clip(grid._data * 255 + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0)
        _write_png(png, np.ascontiguousarray(arr))
    return (f"Saved {png} (image grid, {rows}x{cols}, row by row; matplotlib not installed) "
            f"with the labels in {txt}")


# -- the workflow --------------------------------------------------------------------------------
def run(args: argparse.Namespace) -> dict:
    """Train, evaluate, checkpoint, save, export; returns the final metrics and paths."""
    import numtorch as nt
    from numtorch import nn
    from numtorch.utils.data import DataLoader
    from numtorch.utils.tensorboard import SummaryWriter

    epochs = args.epochs if args.epochs is not None else (10 if args.dataset == "digits" else 5)
    if epochs < 0 or args.batch_size < 1 or args.workers < 0:
        raise QuickstartError("--epochs and --workers must be >= 0 and --batch-size >= 1")
    out = Path(args.out)
    nt.manual_seed(args.seed)
    training_data, test_data = load_datasets(args.dataset, args.data_dir)
    image_size = tuple(int(s) for s in training_data.data.shape[1:])
    _, mean, std = DATASETS[args.dataset]
    classes = list(training_data.classes)
    config = {"dataset": args.dataset, "model": args.model, "optimizer": args.optimizer,
              "lr": args.lr, "batch_size": args.batch_size, "seed": args.seed,
              "image_size": list(image_size), "num_classes": len(classes), "classes": classes,
              "normalize_mean": mean, "normalize_std": std}

    device = "cuda" if nt.cuda.is_available() else "cpu"
    print(f"Using {device} device")
    train_dataloader = DataLoader(training_data, batch_size=args.batch_size, shuffle=True,
                                  num_workers=args.workers)
    test_dataloader = DataLoader(test_data, batch_size=args.batch_size,
                                 num_workers=args.workers)
    model = build_model(args.model, image_size, len(classes)).to(device)
    print(f"Model structure: {model}\n")
    loss_fn = nn.CrossEntropyLoss()
    optimizer = getattr(nt.optim, OPTIMIZERS[args.optimizer])(model.parameters(), lr=args.lr)

    def normalize(X):
        return ((X - mean) / std).to(device)

    def prepare(X, y):
        return normalize(X), y.to(device)

    start = _resume(args.resume, out, config, model, optimizer) if args.resume else 0
    if start >= epochs and args.resume:
        print(f"The checkpoint has already trained {start} epochs (--epochs {epochs}): "
              f"nothing to train.")
    (out / "checkpoints").mkdir(parents=True, exist_ok=True)
    metrics: dict[str, float] = {}
    with SummaryWriter(log_dir=str(out / "runs"), purge_step=start + 1 if start else None) as w:
        for t in range(start, epochs):
            print(f"Epoch {t + 1}\n-------------------------------", flush=True)
            bar = _progress_bar(args.progress, len(train_dataloader), f"Epoch {t + 1}/{epochs}")
            train_loss, rate = train_loop(train_dataloader, model, loss_fn, optimizer, prepare,
                                          bar)
            accuracy, test_loss = test_loop(test_dataloader, model, loss_fn, prepare)
            metrics = {"train_loss": train_loss, "test_loss": test_loss,
                       "test_accuracy": accuracy, "throughput": rate}
            w.add_scalar("Loss/train", train_loss, t + 1)
            w.add_scalar("Loss/test", test_loss, t + 1)
            w.add_scalar("Accuracy/test", accuracy, t + 1)
            w.add_scalar("Throughput/train_images_per_s", rate, t + 1)
            w.flush()
            nt.save({"epoch": t + 1, "model": model.state_dict(),
                     "optimizer": optimizer.state_dict(), "rng_state": nt.get_rng_state(),
                     "config": config, "metrics": metrics},
                    out / "checkpoints" / f"epoch_{t + 1}.pth")
    if not metrics:
        accuracy, test_loss = test_loop(test_dataloader, model, loss_fn, prepare)
        metrics = {"test_loss": test_loss, "test_accuracy": accuracy}
    print("Done!")

    onnx_note = _write_artefacts(model, test_data, classes, normalize, out)
    print(f"TensorBoard logs in {out / 'runs'}: tensorboard --logdir {out / 'runs'}")
    return {"epochs": epochs, "out": os.fspath(out), "onnx": onnx_note, **metrics}


def _write_artefacts(model, test_data, classes: list[str], normalize, out: Path) -> str:
    """model_weights.pth, model.onnx and predictions.png; returns the ONNX note."""
    import numtorch as nt

    weights = out / "model_weights.pth"
    nt.save(model.state_dict(), weights)
    print(f"Saved PyTorch model state to {weights} (load it with torch.load(..., "
          f"weights_only=True) into the same architecture)")
    model.eval()
    count = min(math.prod(GRID), len(test_data))
    images, targets = zip(*(test_data[i] for i in range(count)))
    batch = normalize(nt.stack(list(images)))
    with nt.no_grad():
        preds = model(batch).argmax(1).tolist()
    onnx_note = export_onnx(model, batch[:1], out / "model.onnx")
    print(onnx_note)
    print(save_predictions(images, preds, list(targets), classes, out))
    return onnx_note
