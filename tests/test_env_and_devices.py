"""numtorch info / collect_env, the cuda and version modules, and device errors vs torch."""

import subprocess
import sys

import pytest
import torch

import numtorch


def test_info_command_reports_versions():
    out = subprocess.run([sys.executable, "-m", "numtorch", "info"], capture_output=True,
                         text=True, check=True).stdout
    assert "numtorch version: 0.1.0" in out
    assert "NumPy version:" in out and "BLAS:" in out and "Devices: cpu" in out


def test_collect_env_module():
    out = subprocess.run([sys.executable, "-m", "numtorch.utils.collect_env"],
                         capture_output=True, text=True, check=True).stdout
    assert "Threads" in out


def test_cuda_queries_match_cpu_build():
    assert numtorch.cuda.is_available() == torch.cuda.is_available()
    assert numtorch.cuda.device_count() == torch.cuda.device_count()
    assert numtorch.version.cuda == torch.version.cuda


@pytest.mark.parametrize("make", [lambda lib: lib.ones(2).cuda(),
                                  lambda lib: lib.ones(2, device="cuda"),
                                  lambda lib: lib.ones(2).to("cuda")])
def test_cuda_tensor_errors_like_torch(make):
    errs = []
    for lib in (torch, numtorch):
        with pytest.raises(Exception) as e:
            make(lib)
        errs.append((type(e.value), str(e.value)))
    assert errs[0] == errs[1]


def test_device_objects():
    for spec in ["cpu", "cuda", "cuda:1"]:
        assert repr(numtorch.device(spec)) == repr(torch.device(spec))
        assert str(numtorch.device(spec)) == str(torch.device(spec))
    assert numtorch.ones(1).device == numtorch.device("cpu")
    assert str(numtorch.ones(1).device) == "cpu"


def test_set_num_threads_roundtrip():
    prev = numtorch.get_num_threads()
    numtorch.set_num_threads(1)
    assert numtorch.get_num_threads() == 1
    numtorch.set_num_threads(prev)
