"""vision.io (PNG/JPEG via Pillow) and vision.utils (make_grid, save_image, boxes) on generated
files, compared with Pillow's own decoding/drawing and with the layout torchvision documents."""

import io

import numpy as np
import pytest
import torch

import numtorch
from numtorch.vision import io as vio
from numtorch.vision import utils as vutils

PIL = pytest.importorskip("PIL", reason="needs Pillow (the vision extra)")
from PIL import Image, ImageDraw  # noqa: E402

RNG = np.random.default_rng(3)
RGB = RNG.integers(0, 256, (9, 12, 3), dtype=np.uint8)


def test_png_roundtrip_and_modes(tmp_path):
    p = tmp_path / "a.png"
    vio.write_png(numtorch.from_numpy(RGB.transpose(2, 0, 1).copy()), p)
    img = Image.open(p)
    assert np.array_equal(np.array(img), RGB)
    t = vio.read_image(p)
    assert t.dtype == numtorch.uint8 and np.array_equal(t.numpy(), RGB.transpose(2, 0, 1))
    g = vio.read_image(p, vio.ImageReadMode.GRAY)
    assert np.array_equal(g.numpy()[0], np.array(img.convert("L")))
    rgba = vio.read_image(str(p), vio.ImageReadMode.RGB_ALPHA)
    assert rgba.shape == (4, 9, 12) and (rgba.numpy()[3] == 255).all()
    data = vio.read_file(p)
    assert np.array_equal(vio.decode_image(data).numpy(), t.numpy())
    assert np.array_equal(vio.decode_png(vio.encode_png(t)).numpy(), t.numpy())


def test_jpeg_matches_pillow(tmp_path):
    buf = io.BytesIO()
    Image.fromarray(RGB).save(buf, format="JPEG", quality=90)
    p = tmp_path / "a.jpg"
    p.write_bytes(buf.getvalue())
    ref = np.array(Image.open(p))
    assert np.array_equal(vio.read_image(p).numpy(), ref.transpose(2, 0, 1))
    out = tmp_path / "b.jpg"
    vio.write_jpeg(numtorch.from_numpy(RGB.transpose(2, 0, 1).copy()), out, quality=95)
    ref_buf = io.BytesIO()
    Image.fromarray(RGB).save(ref_buf, format="JPEG", quality=95)
    assert np.array_equal(np.array(Image.open(out)), np.array(Image.open(ref_buf)))


def test_bad_image_names_the_file(tmp_path):
    p = tmp_path / "broken.png"
    p.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    with pytest.raises(RuntimeError, match=r"Could not decode image .*broken.png"):
        vio.read_image(p)
    with pytest.raises(ValueError, match="Image quality should be a positive number between 1 "
                                         "and 100"):
        vio.encode_jpeg(numtorch.zeros(3, 2, 2, dtype=numtorch.uint8), quality=0)


def _grid_ref(batch, nrow, padding, pad_value):
    """torchvision's layout: ceil(B / nrow) rows, each tile offset by padding on both axes."""
    b, c, h, w = batch.shape
    xmaps = min(nrow, b)
    ymaps = -(-b // xmaps)
    grid = np.full((c, (h + padding) * ymaps + padding, (w + padding) * xmaps + padding),
                   pad_value, dtype=batch.dtype)
    for k in range(b):
        y, x = divmod(k, xmaps)
        grid[:, y * (h + padding) + padding:(y + 1) * (h + padding),
             x * (w + padding) + padding:(x + 1) * (w + padding)] = batch[k]
    return grid


def test_make_grid():
    batch = RNG.random((5, 3, 4, 6), dtype=np.float32)
    got = vutils.make_grid(numtorch.from_numpy(batch), nrow=2, padding=1, pad_value=0.5)
    assert np.array_equal(got.numpy(), _grid_ref(batch, 2, 1, 0.5))
    gray = batch[:, :1]
    got = vutils.make_grid(numtorch.from_numpy(gray.copy()))
    assert got.shape == (3, 8, 42)
    norm = vutils.make_grid(numtorch.from_numpy(batch * 4 - 1), normalize=True)
    t = torch.from_numpy(batch * 4 - 1)
    t = (t - t.min()) / (t.max() - t.min())
    np.testing.assert_allclose(norm.numpy(), _grid_ref(t.numpy(), 8, 2, 0.0), atol=1e-6)
    single = vutils.make_grid(numtorch.from_numpy(batch[:1].copy()))
    assert np.array_equal(single.numpy(), batch[0])


def test_save_image(tmp_path):
    batch = RNG.random((3, 3, 4, 5), dtype=np.float32) * 1.2 - 0.1
    p = tmp_path / "grid.png"
    vutils.save_image(numtorch.from_numpy(batch), p, nrow=3)
    grid = torch.from_numpy(_grid_ref(batch, 3, 2, 0.0))
    ref = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to(torch.uint8).numpy()
    assert np.array_equal(np.array(Image.open(p)), ref)


def test_draw_bounding_boxes():
    img = numtorch.from_numpy(RGB.transpose(2, 0, 1).copy())
    boxes = numtorch.tensor([[1, 1, 6, 5], [2, 3, 10, 8]])
    out = vutils.draw_bounding_boxes(img, boxes, colors=["red", (0, 255, 0)], width=1)
    ref = Image.fromarray(RGB.copy())
    d = ImageDraw.Draw(ref)
    d.rectangle([1, 1, 6, 5], width=1, outline=(255, 0, 0))
    d.rectangle([2, 3, 10, 8], width=1, outline=(0, 255, 0))
    assert out.dtype == numtorch.uint8
    assert np.array_equal(out.numpy(), np.array(ref).transpose(2, 0, 1))
    with pytest.raises(ValueError, match=r"Boxes need to be in \(xmin, ymin, xmax, ymax\)"):
        vutils.draw_bounding_boxes(img, numtorch.tensor([[5, 1, 1, 5]]))
    labelled = vutils.draw_bounding_boxes(img, boxes, labels=["a", "b"], fill=True)
    assert labelled.shape == (3, 9, 12)
