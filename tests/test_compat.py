"""``numtorch run`` / ``python -m numtorch run``: the torch/torchvision alias, sys.argv,
``__main__``, sibling imports, exit codes, missing-API messages, worker processes.

Every run happens in a subprocess: installing the alias in the test process would replace the
real ``torch`` the other tests use.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import torch

from numtorch import compat

ENV = {"OMP_NUM_THREADS": "1", "PATH": os.path.dirname(sys.executable) + ":/usr/bin:/bin",
       "PYTHONPATH": os.pathsep.join(sys.path)}


def _write(folder: Path, name: str, code: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(code))
    return path


def _run(folder: Path, *args: str, numtorch: bool = True, timeout: float = 120):
    cmd = [sys.executable, "-m", "numtorch", "run", *args] if numtorch else \
        [sys.executable, *args]
    return subprocess.run(cmd, capture_output=True, text=True, cwd=folder, env=ENV,
                          timeout=timeout)


def test_target_and_torch_names():
    assert compat.target_name("torch") == "numtorch"
    assert compat.target_name("torch.nn.functional") == "numtorch.nn.functional"
    assert compat.target_name("torchvision.transforms") == "numtorch.vision.transforms"
    assert compat.target_name("numpy") is None and compat.target_name("torchaudio") is None
    assert compat.torch_name("numtorch.vision.io") == "torchvision.io"
    assert compat.torch_name("numtorch.nn") == "torch.nn"
    assert compat.torch_name("numtorch") == "torch"
    assert issubclass(compat.MissingAPIError, AttributeError)
    assert issubclass(compat.MissingAPIError, NotImplementedError)


def test_script_sees_torch_argv_main_and_siblings(tmp_path):
    _write(tmp_path, "helper.py", """
        import torch
        def double(x):
            return torch.as_tensor(x) * 2
    """)
    _write(tmp_path, "main.py", """
        import sys
        import numtorch
        import torch
        import torch.nn as nn
        import torchvision
        import torchvision.transforms.functional as TF
        from torch.utils.data import DataLoader
        from torchvision import datasets
        import helper

        def main():
            print(sys.argv)
            print(torch is numtorch, nn.Linear is numtorch.nn.Linear)
            print(torchvision is numtorch.vision, TF is numtorch.vision.transforms.functional)
            print(DataLoader is numtorch.utils.data.DataLoader, datasets.MNIST.__name__)
            print(helper.double([1, 2]), __file__.endswith("main.py"))
            print(torch.__spec__.name, torchvision.__spec__.name)

        if __name__ == "__main__":
            main()
    """)
    out = _run(tmp_path, "main.py", "a", "--flag", "--", "--help")
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == [
        "['main.py', 'a', '--flag', '--', '--help']", "True True", "True True", "True MNIST",
        "tensor([2, 4]) True", "numtorch numtorch.vision"]
    script = shutil.which("numtorch", path=ENV["PATH"])
    if script is not None:
        again = subprocess.run([script, "run", "main.py", "x"], capture_output=True, text=True,
                               cwd=tmp_path, env=ENV, timeout=120)
        assert again.returncode == 0, again.stderr
        assert again.stdout.splitlines()[0] == "['main.py', 'x']"


def test_exit_codes_and_tracebacks(tmp_path):
    _write(tmp_path, "exit4.py", "import sys\nimport torch\nsys.exit(4)\n")
    _write(tmp_path, "exitmsg.py", "import sys\nsys.exit('bye')\n")
    _write(tmp_path, "boom.py", """
        import torch
        def f():
            raise ValueError("bad value")
        f()
    """)
    assert _run(tmp_path, "exit4.py").returncode == 4
    out = _run(tmp_path, "exitmsg.py")
    assert (out.returncode, out.stderr.strip()) == (1, "bye")
    out, ref = _run(tmp_path, "boom.py"), _run(tmp_path, "boom.py", numtorch=False)
    assert out.returncode == ref.returncode == 1
    # the traceback starts at the script, as the interpreter prints it
    assert out.stderr == ref.stderr
    out = _run(tmp_path, "missing.py")
    assert out.returncode == 2 and "can't open file" in out.stderr


def test_missing_api_messages(tmp_path):
    _write(tmp_path, "probe.py", """
        import torch
        from numtorch.compat import MissingAPIError
        probes = {
            "missing": lambda: torch.not_an_api_xyz,
            "functional": lambda: torch.nn.functional.not_an_op_xyz,
            "tensor": lambda: torch.ones(2).not_a_method_xyz(),
            "cuda": lambda: torch.cuda.not_a_thing_xyz,
            "vision": lambda: __import__("torchvision").not_a_thing_xyz,
        }
        for key, probe in probes.items():
            try:
                probe()
            except MissingAPIError as e:
                print(key, isinstance(e, NotImplementedError), isinstance(e, AttributeError), e)
        print(hasattr(torch, "not_an_api_xyz"), getattr(torch.nn, "not_an_op_xyz", "default"))
        try:
            import torch.not_a_module_xyz
        except ModuleNotFoundError as e:
            print("import", e)
        torch.not_an_api_xyz(lambda x: x)
    """)
    out = _run(tmp_path, "probe.py")
    assert out.returncode == 1
    lines = out.stdout.splitlines()
    assert lines[0] == ("missing True True module 'torch' has no attribute 'not_an_api_xyz': "
                        "numtorch does not implement torch.not_an_api_xyz")
    assert lines[1].endswith("numtorch does not implement torch.nn.functional.not_an_op_xyz")
    assert lines[1].startswith("functional True True module 'torch.nn.functional' has no ")
    assert lines[2] == ("tensor True True 'Tensor' object has no attribute 'not_a_method_xyz': "
                        "numtorch does not implement torch.Tensor.not_a_method_xyz")
    assert lines[3].endswith("does not implement torch.cuda.not_a_thing_xyz")
    assert lines[4].endswith("does not implement torchvision.not_a_thing_xyz")
    assert lines[5] == "False default"
    assert lines[6].startswith("import numtorch does not implement torch.not_a_module_xyz")
    last = out.stderr.strip().splitlines()[-1]
    assert last == ("numtorch.compat.MissingAPIError: module 'torch' has no attribute "
                    "'not_an_api_xyz': numtorch does not implement torch.not_an_api_xyz")


def test_dataloader_workers_see_the_alias(tmp_path):
    _write(tmp_path, "tags.py", "def tag(i):\n    return f't{i}'\n")
    _write(tmp_path, "workers.py", """
        import sys
        import torch
        from torch.utils.data import DataLoader, Dataset
        import tags

        class Squares(Dataset):
            def __len__(self):
                return 6

            def __getitem__(self, i):
                info = torch.utils.data.get_worker_info()
                return torch.tensor([float(i * i)]), tags.tag(i), info.id, torch.__name__

        if __name__ == "__main__":
            for method in sys.argv[1:]:
                loader = DataLoader(Squares(), batch_size=2, num_workers=2,
                                    multiprocessing_context=method)
                for x, tag, wid, name in loader:
                    print(method, x.flatten().tolist(), list(tag), wid.tolist(), set(name))
    """)
    out = _run(tmp_path, "workers.py", "fork", "spawn", "forkserver", timeout=180)
    assert out.returncode == 0, out.stderr
    for method in ("fork", "spawn", "forkserver"):
        got = [line.split(" ", 1)[1] for line in out.stdout.splitlines()
               if line.startswith(method + " ")]
        assert got == ["[0.0, 1.0] ['t0', 't1'] [0, 0] {'numtorch'}",
                       "[4.0, 9.0] ['t2', 't3'] [1, 1] {'numtorch'}",
                       "[16.0, 25.0] ['t4', 't5'] [0, 0] {'numtorch'}"], (method, out.stdout)


def test_torch_multiprocessing_matches_torch(tmp_path):
    """Errors from child processes as torch reports them (torch runs with fork: fast)."""
    _write(tmp_path, "mp.py", """
        import sys
        import warnings
        import torch
        import torch.multiprocessing as mp

        def work(i, x):
            if i == 1:
                raise ValueError(f"boom {x} {torch.ones(1).sum().item()} {torch.__name__}")

        def leave(i):
            sys.exit(3)

        if __name__ == "__main__":
            method = sys.argv[1]
            try:
                mp.start_processes(work, args=(5,), nprocs=2, start_method=method)
            except mp.ProcessRaisedException as e:
                text = str(e).splitlines()
                print(type(e).__name__, e.error_index, text[:3], text[-1])
            try:
                mp.start_processes(leave, nprocs=1, start_method=method)
            except mp.ProcessExitedException as e:
                print(type(e).__name__, e.error_index, e.exit_code, e)
            ctx = mp.start_processes(work, args=(0,), nprocs=1, join=False,
                                     start_method=method)
            print(type(ctx).__name__, ctx.join(), len(ctx.pids()))
            print(mp.get_sharing_strategy(), sorted(mp.get_all_sharing_strategies()))
            print(mp.Queue is not None, mp.cpu_count() > 0)
            if len(sys.argv) > 2:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    mp.spawn(work, args=(0,), nprocs=1, start_method="fork")
                print(caught[0].category.__name__, str(caught[0].message).splitlines()[0])
    """)
    ref = _run(tmp_path, "mp.py", "fork", numtorch=False)
    assert ref.returncode == 0, ref.stderr
    assert "ValueError: boom 5 1.0 torch" in ref.stdout
    for args in (["fork"], ["spawn", "and-spawn"]):
        out = _run(tmp_path, "mp.py", *args)
        assert out.returncode == 0, out.stderr
        assert "ValueError: boom 5 1.0 numtorch" in out.stdout  # the child ran numtorch
        lines = out.stdout.replace("1.0 numtorch", "1.0 torch").splitlines()
        assert lines[:len(ref.stdout.splitlines())] == ref.stdout.splitlines()
    assert lines[-1:] == [
        "FutureWarning This method only supports start_method=spawn (got: fork)."]


def test_loads_a_model_pickled_by_torch(tmp_path):
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.Tanh(), torch.nn.Linear(4, 2))
    torch.save(model, tmp_path / "whole.pt")
    x = torch.arange(6.0).view(2, 3) / 7
    with torch.no_grad():
        want = model(x)
    _write(tmp_path, "load.py", """
        import torch
        model = torch.load("whole.pt", weights_only=False)
        print(type(model).__name__, len(model))
        with torch.no_grad():
            print(model(torch.arange(6.0).view(2, 3) / 7).tolist())
    """)
    out = _run(tmp_path, "load.py")
    assert out.returncode == 0, out.stderr
    first, values = out.stdout.splitlines()
    assert first == "Sequential 3"
    got = torch.tensor(eval(values))
    torch.testing.assert_close(got, want, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("module", ["torchvision.transforms.v2", "torch.not_a_submodule_xyz"])
def test_missing_submodule_import_names_it(tmp_path, module):
    _write(tmp_path, "imp.py", f"import {module}\n")
    out = _run(tmp_path, "imp.py")
    assert out.returncode == 1
    assert re.search(rf"ModuleNotFoundError: numtorch does not implement {module}\b",
                     out.stderr), out.stderr


def test_stand_in_packages_refuse_other_names():
    """Importing the child-process stand-ins under numtorch's own names changes nothing."""
    for name in ("torch", "torchvision"):
        with pytest.raises(ImportError, match="stand-in"):
            __import__(f"numtorch._alias_path.{name}")
    assert compat._finder not in sys.meta_path and compat.ALIAS_PATH not in sys.path
    assert torch.__name__ == "torch" and sys.modules["torch"] is torch
