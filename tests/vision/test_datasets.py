"""Vision datasets on generated files: MNIST family (IDX, gz or not), CIFAR, folders, FakeData,
Digits, download (local HTTP server: resume, MD5) and the errors for bad files."""

import gzip
import http.server
import threading
from pathlib import Path

import numpy as np
import pytest
import torch

import numtorch
from numtorch.utils.data import DataLoader
from numtorch.vision import datasets, transforms

from .helpers import make_cifar, make_mnist, md5, write_idx

PIL = pytest.importorskip("PIL", reason="needs Pillow (the vision extra)")


@pytest.mark.parametrize("compress", [False, True])
@pytest.mark.parametrize("cls", [datasets.MNIST, datasets.FashionMNIST, datasets.KMNIST])
def test_mnist_family_reads_idx(tmp_path, cls, compress):
    ref = make_mnist(tmp_path, cls.__name__, compress=compress)
    for train, split in ((True, "train"), (False, "t10k")):
        ds = cls(tmp_path, train=train)
        images, labels = ref[split]
        assert len(ds) == 12
        assert ds.data.dtype == numtorch.uint8 and ds.targets.dtype == numtorch.int64
        np.testing.assert_array_equal(ds.data.numpy(), images)
        assert ds.targets.tolist() == labels.tolist()
        img, label = ds[3]
        assert img.mode == "L" and np.array_equal(np.array(img), images[3])
        assert label == int(labels[3]) and isinstance(label, int)
        assert ds.class_to_idx[ds.classes[1]] == 1


def test_mnist_seed_snippet(tmp_path):
    """The seed's FashionMNIST + ToTensor + Lambda one-hot + DataLoader + imshow code."""
    ref = make_mnist(tmp_path, "FashionMNIST", n=70)
    ds = datasets.FashionMNIST(root=tmp_path, train=True, download=True,
                               transform=transforms.ToTensor(),
                               target_transform=transforms.Lambda(
                                   lambda y: numtorch.zeros(10, dtype=numtorch.float)
                                   .scatter_(0, numtorch.tensor(y), value=1)))
    img, onehot = ds[5]
    assert img.shape == (1, 28, 28) and img.dtype == numtorch.float32
    expected = torch.from_numpy(ref["train"][0][5]).float().div(255).unsqueeze(0)
    assert np.array_equal(img.numpy(), expected.numpy())
    assert onehot.tolist() == torch.zeros(10).scatter_(
        0, torch.tensor(int(ref["train"][1][5])), value=1).tolist()
    plain = datasets.FashionMNIST(root=tmp_path, train=True, transform=transforms.ToTensor())
    x, y = next(iter(DataLoader(plain, batch_size=64, shuffle=True)))
    assert str(x.size()) == "torch.Size([64, 1, 28, 28])" and str(y.size()) == "torch.Size([64])"
    matplotlib = pytest.importorskip("matplotlib", reason="the plotting part needs matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure()
    plt.imshow(x[0].squeeze(), cmap="gray")
    plt.close(fig)


def test_to_tensor_fast_path_equals_pil_path_and_getitems(tmp_path):
    make_mnist(tmp_path, n=20)
    fast = datasets.MNIST(tmp_path, transform=transforms.ToTensor())
    via_pil = datasets.MNIST(tmp_path, transform=transforms.Compose(
        [transforms.Lambda(lambda im: im), transforms.ToTensor()]))
    for i in (0, 7, 19):
        assert np.array_equal(fast[i][0].numpy(), via_pil[i][0].numpy())
    batch = fast.__getitems__([4, 1, 9])
    for (img, t), i in zip(batch, [4, 1, 9]):
        assert np.array_equal(img.numpy(), fast[i][0].numpy()) and t == fast[i][1]
    a = [b[0].numpy() for b in DataLoader(fast, batch_size=8)]
    b = [b[0].numpy() for b in DataLoader(via_pil, batch_size=8)]
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_mnist_repr(tmp_path):
    # torchvision's VisionDataset repr indents each body entry once, so the transform's
    # continuation line ("Transform: ...") starts at column 0 (torchvision is not installable
    # beside torch 2.13 here; this is its documented layout).
    make_mnist(tmp_path)
    ds = datasets.MNIST(tmp_path, train=False, transform=transforms.ToTensor())
    assert repr(ds) == ("Dataset MNIST\n    Number of datapoints: 12\n"
                        f"    Root location: {tmp_path}\n    Split: Test\n"
                        "    StandardTransform\nTransform: ToTensor()")


def test_emnist_split(tmp_path):
    rng = np.random.default_rng(1)
    raw = tmp_path / "EMNIST" / "raw"
    write_idx(raw / "emnist-letters-train-images-idx3-ubyte",
              rng.integers(0, 256, (5, 28, 28), dtype=np.uint8))
    write_idx(raw / "emnist-letters-train-labels-idx1-ubyte", np.array([1, 2, 26, 5, 3]))
    ds = datasets.EMNIST(tmp_path, split="letters")
    assert ds.classes[0] == "N/A" and len(ds.classes) == 27 and ds.targets.tolist()[2] == 26
    with pytest.raises(ValueError, match="Unknown value 'nope' for argument split"):
        datasets.EMNIST(tmp_path, split="nope")


def test_missing_files_error_says_what_and_where(tmp_path):
    with pytest.raises(RuntimeError) as e:
        datasets.FashionMNIST(tmp_path, train=True)
    assert str(e.value) == "Dataset not found. You can use download=True to download it"
    msg = "\n".join(getattr(e.value, "__notes__", [str(tmp_path / "FashionMNIST" / "raw") +
                                                     " train-images-idx3-ubyte fashion-mnist"]))
    assert "train-images-idx3-ubyte" in msg and str(tmp_path / "FashionMNIST" / "raw") in msg
    assert "fashion-mnist" in msg


def test_truncated_and_bad_files_name_the_file(tmp_path):
    make_mnist(tmp_path)
    path = tmp_path / "MNIST" / "raw" / "train-images-idx3-ubyte"
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(RuntimeError, match=r"train-images-idx3-ubyte is truncated"):
        datasets.MNIST(tmp_path)
    path.write_bytes(b"\x12\x34\x56\x78rubbish")
    with pytest.raises(RuntimeError, match=r"train-images-idx3-ubyte is not an IDX file"):
        datasets.MNIST(tmp_path)
    make_mnist(tmp_path, n_classes=12, seed=3, n=40)
    with pytest.raises(RuntimeError, match=r"train-labels-idx1-ubyte: label 1[01] at index \d+ "
                                           r"is outside the 10 classes"):
        datasets.MNIST(tmp_path)


class _Server:
    """A local HTTP server for the download tests: Range requests, and a first response that
    breaks off half way when ``flaky`` is set."""

    def __init__(self, files: dict):
        self.files, self.flaky, self.requests = files, set(), []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                name = self.path.lstrip("/")
                server.requests.append((name, self.headers.get("Range")))
                if name not in server.files:
                    self.send_error(404)
                    return
                body = server.files[name]
                start = 0
                rng = self.headers.get("Range")
                if rng:
                    start = int(rng.split("=")[1].split("-")[0])
                    self.send_response(206)
                else:
                    self.send_response(200)
                self.send_header("Content-Length", str(len(body) - start))
                self.end_headers()
                if name in server.flaky:
                    server.flaky.discard(name)
                    self.wfile.write(body[start:start + (len(body) - start) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(body[start:])

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def test_download_with_resume_md5_and_layout(tmp_path):
    src = tmp_path / "src"
    make_mnist(src, compress=True)
    files = {p.name: p.read_bytes() for p in (src / "MNIST" / "raw").iterdir()}
    server = _Server(files)
    try:
        class LocalMNIST(datasets.MNIST):
            mirrors = ["http://127.0.0.1:1/", server.url]
            resources = [(name, hashlib_md5(body)) for name, body in sorted(files.items())]
        server.flaky.add("train-images-idx3-ubyte.gz")
        root = tmp_path / "root"
        ds = LocalMNIST(root, download=True)
        raw = root / "LocalMNIST" / "raw"
        assert sorted(p.name for p in raw.iterdir()) == sorted(
            [n for n in files] + [n[:-3] for n in files])
        assert ("train-images-idx3-ubyte.gz", "bytes=" + str(len(
            files["train-images-idx3-ubyte.gz"]) // 2) + "-") in server.requests
        assert len(ds) == 12
        ref = gzip.decompress(files["train-images-idx3-ubyte.gz"])
        assert (raw / "train-images-idx3-ubyte").read_bytes() == ref

        class Corrupt(datasets.MNIST):
            mirrors = [server.url]
            resources = [("train-images-idx3-ubyte.gz", "0" * 32)]
        with pytest.raises(RuntimeError, match="File not found or corrupted."):
            Corrupt(tmp_path / "bad", download=True)
        left = list((tmp_path / "bad" / "Corrupt" / "raw").iterdir())
        assert left == []
    finally:
        server.close()


def hashlib_md5(body: bytes) -> str:
    import hashlib

    return hashlib.md5(body).hexdigest()


def test_cifar10(tmp_path):
    folder, files, names = make_cifar(tmp_path)

    class LocalCIFAR(datasets.CIFAR10):
        train_list = [["data_batch_1", md5(folder / "data_batch_1")],
                      ["data_batch_2", md5(folder / "data_batch_2")]]
        test_list = [["test_batch", md5(folder / "test_batch")]]
        meta = {"filename": "batches.meta", "key": "label_names",
                "md5": md5(folder / "batches.meta")}
    ds = LocalCIFAR(tmp_path, train=True)
    expected = np.vstack([files["data_batch_1"][0], files["data_batch_2"][0]])
    expected = expected.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    assert ds.data.shape == (12, 32, 32, 3) and np.array_equal(ds.data, expected)
    assert ds.targets == files["data_batch_1"][1] + files["data_batch_2"][1]
    assert ds.classes == names and ds.class_to_idx["cat"] == 3
    img, t = ds[7]
    assert img.size == (32, 32) and np.array_equal(np.array(img), expected[7])
    ds_t = LocalCIFAR(tmp_path, train=False, transform=transforms.ToTensor())
    x, _ = ds_t[2]
    assert x.shape == (3, 32, 32)
    np.testing.assert_array_equal(
        x.numpy(), torch.from_numpy(ds_t.data[2]).permute(2, 0, 1).float().div(255).numpy())
    (folder / "test_batch").write_bytes(b"corrupt")
    with pytest.raises(RuntimeError, match="test_batch is corrupted"):
        LocalCIFAR(tmp_path, train=False)
    with pytest.raises(RuntimeError, match="data_batch_3 is missing"):
        datasets.CIFAR10(tmp_path)


def _write_images(root: Path):
    from PIL import Image

    rng = np.random.default_rng(0)
    paths = {}
    for cls, n in (("cat", 2), ("dog", 3)):
        (root / cls).mkdir(parents=True)
        for i in range(n):
            arr = rng.integers(0, 256, (5, 6, 3), dtype=np.uint8)
            p = root / cls / f"{i}.png"
            Image.fromarray(arr).save(p)
            paths[str(p)] = arr
    (root / "dog" / "notes.txt").write_text("not an image")
    return paths


def test_image_folder(tmp_path):
    paths = _write_images(tmp_path)
    ds = datasets.ImageFolder(tmp_path, transform=transforms.PILToTensor())
    assert ds.classes == ["cat", "dog"] and ds.class_to_idx == {"cat": 0, "dog": 1}
    assert [s[1] for s in ds.samples] == [0, 0, 1, 1, 1] and ds.targets == [0, 0, 1, 1, 1]
    assert ds.imgs == ds.samples
    x, y = ds[3]
    assert np.array_equal(x.numpy(), paths[ds.samples[3][0]].transpose(2, 0, 1)) and y == 1
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="Found no valid file for the classes empty"):
        datasets.ImageFolder(tmp_path)
    (tmp_path / "empty" / "broken.png").write_bytes(b"\x89PNG garbage")
    ds = datasets.ImageFolder(tmp_path)
    with pytest.raises(OSError, match="cannot identify image file .*broken.png"):
        ds[5]
    dsf = datasets.DatasetFolder(tmp_path, loader=lambda p: Path(p).name, extensions=(".txt",),
                                 allow_empty=True)
    assert dsf.samples == [(str(tmp_path / "dog" / "notes.txt"), 1)]


def test_fakedata_matches_torch_randn():
    ds = datasets.FakeData(size=3, image_size=(3, 4, 5), num_classes=7, random_offset=2,
                           transform=transforms.ToTensor())
    for i in range(3):
        torch.manual_seed(i + 2)
        ref = torch.randn(3, 4, 5)
        target = torch.randint(0, 7, (1,)).item()
        img, t = ds[i]
        np.testing.assert_array_equal(img.numpy(), ref.mul(255).byte().float().div(255).numpy())
        assert t == target
    pil_img, _ = datasets.FakeData(size=1, image_size=(3, 4, 5))[0]
    assert pil_img.size == (5, 4) and pil_img.mode == "RGB"
    with pytest.raises(IndexError):
        ds[3]


def test_digits():
    pytest.importorskip("sklearn", reason="Digits needs scikit-learn (the vision extra)")
    from sklearn.datasets import load_digits

    train = datasets.Digits(train=True, transform=transforms.ToTensor())
    test = datasets.Digits(train=False)
    assert len(train) + len(test) == 1797 and train.classes[3] == "3"
    x, y = train[0]
    ref = load_digits()
    assert x.shape == (1, 8, 8) and y == int(ref.target[0])
    np.testing.assert_array_equal(x.numpy()[0] * 255, np.rint(ref.images[0] * 255 / 16))
    batch = next(iter(DataLoader(train, batch_size=16, shuffle=True)))
    assert batch[0].shape == (16, 1, 8, 8)


def test_custom_image_dataset_from_seed(tmp_path):
    """The seed's CustomImageDataset: CSV via pandas, images via read_image."""
    pd = pytest.importorskip("pandas", reason="the seed's CustomImageDataset needs pandas")
    import os

    from PIL import Image

    from numtorch.utils.data import Dataset
    from numtorch.vision.io import read_image

    rng = np.random.default_rng(0)
    rows = []
    for i in range(4):
        arr = rng.integers(0, 256, (6, 5, 3), dtype=np.uint8)
        Image.fromarray(arr).save(tmp_path / f"img{i}.png")
        rows.append((f"img{i}.png", i % 3))
    pd.DataFrame(rows, columns=["file", "label"]).to_csv(tmp_path / "labels.csv", index=False)

    class CustomImageDataset(Dataset):
        def __init__(self, annotations_file, img_dir, transform=None, target_transform=None):
            self.img_labels = pd.read_csv(annotations_file)
            self.img_dir = img_dir
            self.transform = transform
            self.target_transform = target_transform

        def __len__(self):
            return len(self.img_labels)

        def __getitem__(self, idx):
            img_path = os.path.join(self.img_dir, self.img_labels.iloc[idx, 0])
            image = read_image(img_path)
            label = self.img_labels.iloc[idx, 1]
            if self.transform:
                image = self.transform(image)
            if self.target_transform:
                label = self.target_transform(label)
            return image, label

    ds = CustomImageDataset(tmp_path / "labels.csv", tmp_path)
    img, label = ds[2]
    assert img.shape == (3, 6, 5) and img.dtype == numtorch.uint8 and label == 2
    x, y = next(iter(DataLoader(ds, batch_size=4)))
    assert x.shape == (4, 3, 6, 5) and y.tolist() == [0, 1, 2, 0] and y.dtype == numtorch.int64
