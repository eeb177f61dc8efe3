"""The datasets' errors carry torchvision's exact wording (torchvision 0.28's source is the
reference; torchvision is not installed here, so the expected strings are written out)."""

from __future__ import annotations

import gzip

import pytest

from numtorch.vision import datasets
from numtorch.vision.datasets import folder as folder_mod
from numtorch.vision.datasets import utils

from .helpers import make_cifar, md5

NOT_FOUND = "Dataset not found. You can use download=True to download it"
NOT_FOUND_OR_CORRUPTED = "Dataset not found or corrupted. You can use download=True to download it"
META = "Dataset metadata file not found or corrupted. You can use download=True to download it"
IMG_EXTS = ".jpg, .jpeg, .png, .ppm, .bmp, .pgm, .tif, .tiff, .webp"


def _raises(exc_type, text, fn, *args, **kwargs):
    with pytest.raises(exc_type) as e:
        fn(*args, **kwargs)
    assert type(e.value) is exc_type
    assert str(e.value) == text


@pytest.mark.parametrize("cls", ["MNIST", "FashionMNIST", "KMNIST"])
@pytest.mark.parametrize("train", [True, False])
def test_mnist_family_not_found(tmp_path, cls, train):
    _raises(RuntimeError, NOT_FOUND, getattr(datasets, cls), tmp_path, train=train)


def test_emnist_not_found_and_split_checks(tmp_path):
    _raises(RuntimeError, NOT_FOUND, datasets.EMNIST, tmp_path, split="letters")
    _raises(ValueError, "Unknown value 'nope' for argument split. Valid values are "
            "{'byclass', 'bymerge', 'balanced', 'letters', 'digits', 'mnist'}.",
            datasets.EMNIST, tmp_path, split="nope")
    _raises(ValueError, "Expected type str for argument split, but got type <class 'int'>.",
            datasets.EMNIST, tmp_path, split=1)


@pytest.mark.parametrize("cls", ["CIFAR10", "CIFAR100"])
@pytest.mark.parametrize("train", [True, False])
def test_cifar_not_found(tmp_path, cls, train):
    _raises(RuntimeError, NOT_FOUND_OR_CORRUPTED, getattr(datasets, cls), tmp_path, train=train)


def test_cifar_corrupted_batch_and_missing_meta(tmp_path):
    folder, _, _ = make_cifar(tmp_path)

    class Local(datasets.CIFAR10):
        train_list = [["data_batch_1", md5(folder / "data_batch_1")]]
        test_list = [["test_batch", md5(folder / "test_batch")]]
        meta = {"filename": "batches.meta", "key": "label_names", "md5": "0" * 32}

    _raises(RuntimeError, META, Local, tmp_path)
    (folder / "test_batch").write_bytes(b"corrupt")
    _raises(RuntimeError, NOT_FOUND_OR_CORRUPTED, Local, tmp_path)


def test_folder_messages(tmp_path):
    _raises(FileNotFoundError, f"Couldn't find any class folder in {tmp_path}.",
            datasets.ImageFolder, tmp_path)
    (tmp_path / "b").mkdir()
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "notes.txt").write_text("x")
    _raises(FileNotFoundError, "Found no valid file for the classes a, b. Supported extensions "
            f"are: {IMG_EXTS}", datasets.ImageFolder, tmp_path)
    _raises(FileNotFoundError, "Found no valid file for the classes b. Supported extensions are: "
            ".txt", datasets.DatasetFolder, tmp_path, loader=str, extensions=".txt")
    _raises(FileNotFoundError, "Found no valid file for the classes b. Supported extensions are: "
            ".txt, .csv", datasets.DatasetFolder, tmp_path, loader=str,
            extensions=(".txt", ".csv"))
    _raises(FileNotFoundError, "Found no valid file for the classes b. ", datasets.DatasetFolder,
            tmp_path, loader=str, is_valid_file=lambda p: p.endswith(".txt"))
    _raises(ValueError, "'class_to_index' must have at least one entry to collect any samples.",
            folder_mod.make_dataset, tmp_path, {}, extensions=".txt")
    _raises(ValueError, "Both extensions and is_valid_file cannot be None or not None at the same "
            "time", folder_mod.make_dataset, tmp_path, {"a": 0})
    _raises(ValueError, "The class_to_idx parameter cannot be None.",
            datasets.DatasetFolder.make_dataset, tmp_path, None, extensions=".txt")


def test_undecodable_image_is_pillows_error(tmp_path):
    from PIL import UnidentifiedImageError

    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "broken.png").write_bytes(b"\x89PNG garbage")
    ds = datasets.ImageFolder(tmp_path)
    with pytest.raises(UnidentifiedImageError, match="^cannot identify image file "):
        ds[0]


def test_fakedata_and_vision_dataset():
    _raises(IndexError, "FakeData index out of range", datasets.FakeData(size=2).__getitem__, 2)
    _raises(ValueError, "Only transforms or transform/target_transform can be passed as argument",
            datasets.VisionDataset, None, transforms=str, transform=str)


def test_download_url_md5_mismatch(tmp_path):
    src = tmp_path / "payload.bin"
    src.write_bytes(b"numtorch")
    _raises(RuntimeError, "File not found or corrupted.", utils.download_url, src.as_uri(),
            tmp_path / "out", md5="0" * 32)
    assert list((tmp_path / "out").iterdir()) == []


def test_extract_archive_suffixes(tmp_path):
    known = "['.bz2', '.gz', '.tar', '.tbz', '.tbz2', '.tgz', '.xz', '.zip']"
    _raises(RuntimeError, f"Unknown compression or archive type: '.rar'.\nKnown suffixes are: "
            f"'{known}'.", utils.extract_archive, tmp_path / "x.rar")
    _raises(RuntimeError, "File 'noext' has no suffixes that could be used to detect the archive "
            "type and compression.", utils.extract_archive, "noext")
    (tmp_path / "data.txt.gz").write_bytes(gzip.compress(b"hello"))
    out = utils.extract_archive(str(tmp_path / "data.txt.gz"), str(tmp_path / "x"))
    assert out == str(tmp_path / "x" / "data.txt")
    assert (tmp_path / "x" / "data.txt").read_bytes() == b"hello"
