"""The public namespace of numtorch.nn.functional: what it exports and where it comes from."""

from __future__ import annotations

import importlib
import inspect

import torch.nn.functional as TF

import numtorch.nn.functional as F

TOPICS = ("activation", "attention", "conv", "ctc", "distance", "dropout", "fractional",
          "linear", "loss", "normalization", "pooling", "sparse", "vision")
CONSTANTS = {"GRID_SAMPLE_INTERPOLATION_MODES", "GRID_SAMPLE_PADDING_MODES"}


def _topic(name: str):
    return importlib.import_module(f"numtorch.nn._functional.{name}")


def test_all_is_the_union_of_the_topic_modules():
    assert len(F.__all__) == len(set(F.__all__))
    union = [n for t in TOPICS for n in _topic(t).__all__]
    assert len(union) == len(set(union)), "a name is exported by two topic modules"
    assert set(F.__all__) == set(union)


def test_every_name_resolves_to_the_topic_function():
    for t in TOPICS:
        mod = _topic(t)
        for n in mod.__all__:
            public = getattr(F, n)
            if getattr(public, "_torch_name", None):  # the __torch_function__ dispatch wrapper
                public = public.__wrapped__
            assert public is getattr(mod, n), n
            assert callable(getattr(F, n)) or n in CONSTANTS, n


def test_names_match_torch():
    assert [n for n in F.__all__ if not hasattr(TF, n)] == []


def test_no_internal_names_leak():
    public = {n for n in dir(F) if not n.startswith("_")}
    assert public - set(F.__all__) <= {"annotations"}
    for n in F.__all__:
        assert not inspect.ismodule(getattr(F, n)), n
