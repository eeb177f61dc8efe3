"""Transforms against reference computations: Pillow for PIL images, and for tensors torch's
own kernels (``F.interpolate`` is what torchvision's tensor Resize calls) or the torch
expressions torchvision's tensor code evaluates (written out in each test), since torchvision
itself cannot be installed beside torch 2.13 here. Random transforms are checked by drawing
torchvision's parameters with torch's RNG under the same seed."""

import colorsys
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import numtorch
from numtorch import _random as nrandom
from numtorch.vision import transforms as T
from numtorch.vision.transforms import functional as F

PIL = pytest.importorskip("PIL", reason="needs Pillow (the vision extra)")
from PIL import Image  # noqa: E402

RNG = np.random.default_rng(0)
U8 = RNG.integers(0, 256, (3, 11, 14), dtype=np.uint8)
F32 = RNG.random((3, 11, 14), dtype=np.float32)


def nt(a):
    return numtorch.from_numpy(np.ascontiguousarray(a))


def tt(a):
    return torch.from_numpy(np.ascontiguousarray(a))


def pil_rgb():
    return Image.fromarray(U8.transpose(1, 2, 0))


def seed_both(s):
    torch.manual_seed(s)
    nrandom.manual_seed(s)


def test_to_tensor_and_pil_to_tensor():
    img = pil_rgb()
    ref = tt(np.array(img)).permute(2, 0, 1).float().div(255)
    assert np.array_equal(T.ToTensor()(img).numpy(), ref.numpy())
    gray = img.convert("L")
    assert T.ToTensor()(gray).shape == (1, 11, 14)
    assert np.array_equal(T.PILToTensor()(img).numpy(), U8)
    assert T.PILToTensor()(img).dtype == numtorch.uint8
    arr = U8.transpose(1, 2, 0)
    assert np.array_equal(T.ToTensor()(arr).numpy(), ref.numpy())
    assert repr(T.Compose([T.ToTensor(), T.Normalize((0.5,), (0.5,))])) == \
        "Compose(\n    ToTensor()\n    Normalize(mean=(0.5,), std=(0.5,))\n)"


def test_to_pil_image():
    x = (F32 - 0.2) * 1.3
    img = T.ToPILImage()(nt(x))
    ref = tt(x).mul(255).byte().permute(1, 2, 0).numpy()
    assert img.mode == "RGB" and np.array_equal(np.array(img), ref)
    one = T.ToPILImage()(nt(U8[:1]))
    assert one.mode == "L" and np.array_equal(np.array(one), U8[0])


@pytest.mark.parametrize("src,dst", [("uint8", "float32"), ("float32", "uint8"),
                                     ("uint8", "int32"), ("int32", "uint8"),
                                     ("float64", "float32")])
def test_convert_image_dtype(src, dst):
    a = (U8 if src == "uint8" else F32 if src.startswith("float") else
         U8.astype(np.int32) * 8388608).astype(src)
    t = tt(a)
    tdst = getattr(torch, dst)
    # torchvision: int->float x / max; float->int (x * (max + 1 - 1e-3)).to(int);
    # int->int: multiply or floor-divide by the ratio of the ranges (2**31 / 2**8)
    if t.is_floating_point():
        ref = t.to(tdst) if tdst.is_floating_point else t.mul(255 + 1.0 - 1e-3).to(tdst)
    elif tdst.is_floating_point:
        ref = t.to(tdst).div(torch.iinfo(t.dtype).max)
    elif torch.iinfo(t.dtype).max > torch.iinfo(tdst).max:
        ref = torch.div(t, 2**23, rounding_mode="floor").to(tdst)
    else:
        ref = t.to(tdst) * 2**23
    out = T.ConvertImageDtype(getattr(numtorch, dst))(nt(a))
    assert out.dtype.np == np.dtype(dst)
    np.testing.assert_array_equal(out.numpy(), ref.numpy())


def test_normalize():
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    ref = (tt(F32) - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]
    np.testing.assert_array_equal(T.Normalize(mean, std)(nt(F32)).numpy(), ref.numpy())
    with pytest.raises(TypeError, match="Input tensor should be a float tensor. Got torch.uint8"):
        T.Normalize(mean, std)(nt(U8))
    with pytest.raises(ValueError, match="std evaluated to zero"):
        F.normalize(nt(F32), mean, (1, 0, 1))


@pytest.mark.parametrize("size", [(5, 6), (20, 31), (11, 7), 6])
@pytest.mark.parametrize("mode", ["bilinear", "bicubic", "nearest"])
def test_resize_tensor_matches_interpolate(size, mode):
    h, w = 11, 14
    if isinstance(size, int):   # the smaller edge becomes size, the other keeps the ratio
        out = (size, int(size * w / h)) if h <= w else (int(size * h / w), size)
    else:
        out = size
    aa = mode != "nearest"
    ref = TF.interpolate(tt(F32)[None], size=out, mode=mode, antialias=aa,
                         align_corners=None if mode == "nearest" else False)[0]
    got = T.Resize(size, getattr(T.InterpolationMode, mode.upper()))(nt(F32))
    assert tuple(got.shape) == tuple(ref.shape)
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=0, atol=2e-6)
    if mode == "bilinear":
        ref8 = TF.interpolate(tt(U8)[None], size=out, mode=mode, antialias=True,
                              align_corners=False)[0]
        got8 = T.Resize(size)(nt(U8))
        assert got8.dtype == numtorch.uint8
        assert np.abs(got8.numpy().astype(int) - ref8.numpy().astype(int)).max() <= 1


def test_resize_no_antialias_and_pil():
    ref = TF.interpolate(tt(F32)[None], size=(5, 6), mode="bilinear", antialias=False,
                         align_corners=False)[0]
    got = T.Resize((5, 6), antialias=False)(nt(F32))
    np.testing.assert_allclose(got.numpy(), ref.numpy(), atol=2e-6)
    img = pil_rgb()
    out = T.Resize(6)(img)
    assert np.array_equal(np.array(out), np.array(img.resize((7, 6), Image.BILINEAR)))
    assert repr(T.Resize(6)) == "Resize(size=6, interpolation=bilinear, max_size=None, " \
                                "antialias=True)"


@pytest.mark.parametrize("size", [(5, 6), (11, 14), (4, 4), (15, 17)])
def test_center_crop(size):
    th, tw = size
    h, w = 11, 14
    padded = U8
    if th > h or tw > w:
        pl, pt = (tw - w) // 2 if tw > w else 0, (th - h) // 2 if th > h else 0
        pr, pb = (tw - w + 1) // 2 if tw > w else 0, (th - h + 1) // 2 if th > h else 0
        padded = np.pad(U8, [(0, 0), (pt, pb), (pl, pr)])
    ph, pw = padded.shape[1:]
    top, left = int(round((ph - th) / 2.0)), int(round((pw - tw) / 2.0))
    ref = padded[:, top:top + th, left:left + tw]
    assert np.array_equal(T.CenterCrop(size)(nt(U8)).numpy(), ref)
    assert np.array_equal(np.array(T.CenterCrop(size)(pil_rgb())), ref.transpose(1, 2, 0))


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect", "symmetric"])
def test_pad(mode):
    kw = {"constant_values": 7} if mode == "constant" else {}
    ref = np.pad(U8, [(0, 0), (2, 4), (1, 3)], mode=mode, **kw)
    fill = 7 if mode == "constant" else 0
    assert np.array_equal(T.Pad((1, 2, 3, 4), fill, mode)(nt(U8)).numpy(), ref)
    assert np.array_equal(np.array(T.Pad((1, 2, 3, 4), fill, mode)(pil_rgb())),
                          ref.transpose(1, 2, 0))


def test_flips_follow_torch_rand():
    for s in range(6):
        torch.manual_seed(s)
        h = bool(torch.rand(1) < 0.5)
        v = bool(torch.rand(1) < 0.3)
        nrandom.manual_seed(s)
        out = T.RandomVerticalFlip(0.3)(T.RandomHorizontalFlip()(nt(U8))).numpy()
        ref = U8[:, :, ::-1] if h else U8
        ref = ref[:, ::-1] if v else ref
        assert np.array_equal(out, ref)
    assert np.array_equal(np.array(F.hflip(pil_rgb())), U8.transpose(1, 2, 0)[:, ::-1])


def test_random_crop_params_follow_torch():
    for s in range(4):
        torch.manual_seed(s)
        i = torch.randint(0, 11 + 4 - 6 + 1, size=(1,)).item()
        j = torch.randint(0, 14 + 4 - 8 + 1, size=(1,)).item()
        nrandom.manual_seed(s)
        out = T.RandomCrop((6, 8), padding=2)(nt(U8)).numpy()
        ref = np.pad(U8, [(0, 0), (2, 2), (2, 2)])[:, i:i + 6, j:j + 8]
        assert np.array_equal(out, ref)
    with pytest.raises(ValueError, match=r"Required crop size \(20, 20\) is larger than input "
                                         r"image size \(11, 14\)"):
        T.RandomCrop(20)(nt(U8))


def _torch_rrc_params(height, width, scale, ratio):
    """torchvision's RandomResizedCrop.get_params written with torch (its reference code)."""
    area = height * width
    log_ratio = torch.log(torch.tensor(ratio))
    for _ in range(10):
        target_area = area * torch.empty(1).uniform_(scale[0], scale[1]).item()
        aspect = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
        w = int(round(math.sqrt(target_area * aspect)))
        h = int(round(math.sqrt(target_area / aspect)))
        if 0 < w <= width and 0 < h <= height:
            i = torch.randint(0, height - h + 1, size=(1,)).item()
            j = torch.randint(0, width - w + 1, size=(1,)).item()
            return i, j, h, w
    return None


def test_random_resized_crop_params_follow_torch():
    for s in range(8):
        torch.manual_seed(s)
        ref = _torch_rrc_params(11, 14, (0.08, 1.0), (3 / 4, 4 / 3))
        nrandom.manual_seed(s)
        got = T.RandomResizedCrop.get_params(nt(U8), (0.08, 1.0), (3 / 4, 4 / 3))
        assert got == ref
    nrandom.manual_seed(0)
    assert T.RandomResizedCrop(7)(nt(F32)).shape == (3, 7, 7)
    assert T.RandomResizedCrop((5, 9))(pil_rgb()).size == (9, 5)


def test_rotation():
    sq = U8[:, :11, :11]
    assert np.array_equal(F.rotate(nt(sq), 90).numpy(), np.rot90(sq, 1, axes=(1, 2)))
    assert np.array_equal(F.rotate(nt(sq), 180).numpy(), sq[:, ::-1, ::-1])
    img = pil_rgb()
    assert np.array_equal(np.array(F.rotate(img, 33)), np.array(img.rotate(33, 0, False)))
    torch.manual_seed(5)
    angle = float(torch.empty(1).uniform_(-30.0, 30.0).item())
    nrandom.manual_seed(5)
    assert T.RandomRotation.get_params([-30.0, 30.0]) == angle
    nrandom.manual_seed(5)
    assert np.array_equal(np.array(T.RandomRotation(30)(img)), np.array(img.rotate(angle, 0)))


def _blend(a, b, r, bound=1.0):
    """torchvision's tensor _blend: (r * a + (1 - r) * b).clamp(0, bound).to(a.dtype)."""
    return (r * a + (1.0 - r) * b).clamp(0, bound).to(a.dtype)


def _gray(t):
    r, g, b = t.unbind(dim=-3)
    return (0.2989 * r + 0.587 * g + 0.114 * b).to(t.dtype).unsqueeze(dim=-3)


def test_color_adjustments_on_tensors():
    t = tt(F32)
    np.testing.assert_array_equal(F.adjust_brightness(nt(F32), 1.3).numpy(),
                                  _blend(t, torch.zeros_like(t), 1.3).numpy())
    mean = torch.mean(_gray(t), dim=(-3, -2, -1), keepdim=True)
    np.testing.assert_allclose(F.adjust_contrast(nt(F32), 0.6).numpy(),
                               _blend(t, mean, 0.6).numpy(), atol=1e-7)
    np.testing.assert_allclose(F.adjust_saturation(nt(F32), 1.7).numpy(),
                               _blend(t, _gray(t), 1.7).numpy(), atol=1e-7)
    t8 = tt(U8)
    np.testing.assert_array_equal(F.adjust_brightness(nt(U8), 0.7).numpy(),
                                  _blend(t8.float(), 0, 0.7, 255).to(torch.uint8).numpy())
    np.testing.assert_array_equal(F.rgb_to_grayscale(nt(U8)).numpy(),
                                  _gray(t8.float()).to(torch.uint8).numpy())
    hue = F.adjust_hue(nt(F32), 0.2).numpy()
    ref = np.empty_like(F32)
    for y in range(11):
        for x in range(14):
            hh, ss, vv = colorsys.rgb_to_hsv(*F32[:, y, x].astype(np.float64))
            ref[:, y, x] = colorsys.hsv_to_rgb((hh + 0.2) % 1.0, ss, vv)
    np.testing.assert_allclose(hue, ref, atol=2e-6)


def test_color_on_pil_uses_pillow():
    from PIL import ImageEnhance

    img = pil_rgb()
    assert np.array_equal(np.array(F.adjust_contrast(img, 0.5)),
                          np.array(ImageEnhance.Contrast(img).enhance(0.5)))
    assert np.array_equal(np.array(T.Grayscale()(img)), np.array(img.convert("L")))
    assert T.Grayscale(3)(img).mode == "RGB"


def test_color_jitter_params_follow_torch():
    torch.manual_seed(7)
    order = torch.randperm(4).tolist()
    vals = [float(torch.empty(1).uniform_(lo, hi)) for lo, hi in
            ((0.6, 1.4), (0.8, 1.2), (0.5, 1.5), (-0.1, 0.1))]
    nrandom.manual_seed(7)
    got = T.ColorJitter.get_params((0.6, 1.4), (0.8, 1.2), (0.5, 1.5), (-0.1, 0.1))
    assert got[0] == order and list(got[1:]) == vals
    cj = T.ColorJitter(brightness=0.4, contrast=0.2, saturation=0.5, hue=0.1)
    assert cj.brightness == (0.6, 1.4) and cj.hue == (-0.1, 0.1)
    nrandom.manual_seed(7)
    assert cj(nt(F32)).shape == (3, 11, 14)
    with pytest.raises(ValueError, match="hue values should be between"):
        T.ColorJitter(hue=0.7)


def test_random_erasing_follows_torch():
    for s in range(5):
        torch.manual_seed(s)
        applied = bool(torch.rand(1) < 0.5)
        params = None
        if applied:
            area = 11 * 14
            log_ratio = torch.log(torch.tensor((0.3, 3.3)))
            for _ in range(10):
                ea = area * torch.empty(1).uniform_(0.02, 0.33).item()
                ar = torch.exp(torch.empty(1).uniform_(log_ratio[0], log_ratio[1])).item()
                h, w = int(round(math.sqrt(ea * ar))), int(round(math.sqrt(ea / ar)))
                if not (h < 11 and w < 14):
                    continue
                i = torch.randint(0, 11 - h + 1, size=(1,)).item()
                j = torch.randint(0, 14 - w + 1, size=(1,)).item()
                params = (i, j, h, w)
                break
        nrandom.manual_seed(s)
        out = T.RandomErasing()(nt(F32)).numpy()
        ref = F32.copy()
        if params:
            i, j, h, w = params
            ref[:, i:i + h, j:j + w] = 0
        assert np.array_equal(out, ref)


def test_gaussian_blur_matches_conv():
    k, sigma = 5, 1.3
    x = torch.linspace(-(k - 1) * 0.5, (k - 1) * 0.5, steps=k)
    pdf = torch.exp(-0.5 * (x / sigma).pow(2))
    k1 = pdf / pdf.sum()
    kernel = (k1[:, None] * k1[None, :]).expand(3, 1, k, k)
    padded = TF.pad(tt(F32)[None], [k // 2] * 4, mode="reflect")
    ref = TF.conv2d(padded, kernel, groups=3)[0]
    got = F.gaussian_blur(nt(F32), [k, k], [sigma, sigma])
    np.testing.assert_allclose(got.numpy(), ref.numpy(), atol=2e-6)
    torch.manual_seed(1)
    s = torch.empty(1).uniform_(0.1, 2.0).item()
    nrandom.manual_seed(1)
    np.testing.assert_allclose(T.GaussianBlur(3)(nt(F32)).numpy(),
                               F.gaussian_blur(nt(F32), [3, 3], [s, s]).numpy())
    assert T.GaussianBlur(3)(pil_rgb()).size == (14, 11)


def test_lambda_and_errors():
    assert T.Lambda(lambda x: x + 1)(1) == 2
    with pytest.raises(TypeError, match="Argument lambd should be callable"):
        T.Lambda(3)
    with pytest.raises(TypeError, match="img should be PIL Image or Tensor"):
        F.hflip([1, 2])
