"""``torch.finfo`` / ``torch.iinfo`` against torch: every dtype, every attribute, repr/str,
equality and errors."""

import pytest
import torch

import numtorch

FLOATS = ["float16", "bfloat16", "float32", "float64", "complex64", "complex128",
          "float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"]
INTS = ["uint8", "int8", "int16", "int32", "int64", "uint16", "uint32", "uint64"]
FINFO_ATTRS = ["bits", "eps", "max", "min", "tiny", "smallest_normal", "resolution", "dtype"]
IINFO_ATTRS = ["bits", "max", "min", "dtype"]


@pytest.mark.parametrize("name", FLOATS)
def test_finfo(name):
    ours, theirs = numtorch.finfo(getattr(numtorch, name)), torch.finfo(getattr(torch, name))
    for attr in FINFO_ATTRS:
        o, t = getattr(ours, attr), getattr(theirs, attr)
        assert o == t and type(o) is type(t), (attr, o, t)
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)


@pytest.mark.parametrize("name", INTS)
def test_iinfo(name):
    ours, theirs = numtorch.iinfo(getattr(numtorch, name)), torch.iinfo(getattr(torch, name))
    for attr in IINFO_ATTRS:
        o, t = getattr(ours, attr), getattr(theirs, attr)
        assert o == t and type(o) is type(t), (attr, o, t)
    assert repr(ours) == repr(theirs)
    assert str(ours) == str(theirs)


@pytest.mark.parametrize("default", ["float32", "float64"])
def test_finfo_of_default_dtype(default):
    prev_t, prev_n = torch.get_default_dtype(), numtorch.get_default_dtype()
    torch.set_default_dtype(getattr(torch, default))
    numtorch.set_default_dtype(getattr(numtorch, default))
    try:
        assert repr(numtorch.finfo()) == repr(torch.finfo())
        assert numtorch.finfo().dtype == torch.finfo().dtype
    finally:
        torch.set_default_dtype(prev_t)
        numtorch.set_default_dtype(prev_n)


def test_equality_and_hash():
    for lib in (torch, numtorch):
        assert lib.finfo(lib.float32) == lib.finfo(lib.float32)
        assert lib.finfo(lib.float32) != lib.finfo(lib.float64)
        assert lib.iinfo(lib.int8) == lib.iinfo(lib.int8)
        assert lib.iinfo(lib.int8) != lib.iinfo(lib.uint8)
        with pytest.raises(TypeError):
            hash(lib.finfo(lib.float32))


CASES = [
    lambda lib: lib.finfo(lib.int32),
    lambda lib: lib.finfo(lib.bool),
    lambda lib: lib.finfo("float32"),
    lambda lib: lib.finfo(None),
    lambda lib: lib.iinfo(lib.float32),
    lambda lib: lib.iinfo(lib.complex64),
    lambda lib: lib.iinfo(lib.bool),
    lambda lib: lib.iinfo(),
    lambda lib: lib.iinfo(3),
    lambda lib: setattr(lib.finfo(lib.float32), "eps", 1.0),
    lambda lib: setattr(lib.iinfo(lib.int32), "max", 1),
]


@pytest.mark.parametrize("case", range(len(CASES)))
def test_errors(case):
    errs = []
    for lib in (torch, numtorch):
        with pytest.raises(Exception) as e:
            CASES[case](lib)
        errs.append(e.value)
    assert type(errs[1]) is type(errs[0])
    assert str(errs[1]) == str(errs[0])
