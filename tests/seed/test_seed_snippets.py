"""The seed document's snippets print the same text on numtorch (``numtorch run``) as on torch.

All snippets of a group run in one process per library (separated by markers) to keep the
cost at two interpreter starts per group.
"""

from __future__ import annotations

import math
import re
import subprocess
import sys

import pytest

from tests.seed import snippets

MARK = "=====SNIPPET {}====="


def _script(group: dict) -> str:
    parts = ["import sys, traceback"]
    for name, code in group.items():
        parts.append(f"print({MARK.format(name)!r}, flush=True)\n"
                     f"def _run():\n    try:\n        exec(compile({code!r}, {name!r}, 'exec'), "
                     f"{{'__name__': '__main__'}})\n"
                     "    except Exception as e:\n"
                     "        print('SNIPPET FAILED', type(e).__name__, e)\n"
                     f"_run()")
    return "\n".join(parts) + "\n"


def _run(script_path, numtorch: bool) -> dict:
    env_cmd = [sys.executable, "-m", "numtorch", "run", script_path] if numtorch else \
        [sys.executable, script_path]
    out = subprocess.run(env_cmd, capture_output=True, text=True, timeout=300,
                         env={"OMP_NUM_THREADS": "1", "PATH": "/usr/bin:/bin",
                              "PYTHONPATH": ":".join(sys.path)})
    assert out.returncode == 0, out.stderr[-3000:]
    res = {}
    current = None
    for line in out.stdout.splitlines():
        if line.startswith("=====SNIPPET "):
            current = line.split()[1].rstrip("=")
            res[current] = []
        elif current is not None:
            res[current].append(line)
    return {k: "\n".join(v) for k, v in res.items()}


_cache: dict = {}


def _outputs(group_name: str, tmp_path_factory):
    if group_name not in _cache:
        group = getattr(snippets, group_name)
        path = tmp_path_factory.mktemp("seed") / f"{group_name.lower()}.py"
        path.write_text(_script(group))
        _cache[group_name] = (_run(str(path), False), _run(str(path), True))
    return _cache[group_name]


CASES = [(g, n) for g in ("TENSOR", "AUTOGRAD", "COMMON", "BUILD_MODEL")
         for n in getattr(snippets, g)]


# snippets whose printed numbers come from long float32 training runs: summation order may
# move the 6th decimal, so numbers are compared to 1e-5 relative there (text exactly)
TOLERANT = {"optimization_loop"}
_NUM = re.compile(r"-?\d+\.\d+(?:e[-+]\d+)?")


def _same_text_close_numbers(a: str, b: str) -> bool:
    if _NUM.sub("#", a) != _NUM.sub("#", b):
        return False
    xs, ys = _NUM.findall(a), _NUM.findall(b)
    return all(math.isclose(float(x), float(y), rel_tol=1e-5, abs_tol=2e-6)
               for x, y in zip(xs, ys))


@pytest.mark.parametrize("group,name", CASES)
def test_snippet_prints_like_torch(group, name, tmp_path_factory):
    theirs, ours = _outputs(group, tmp_path_factory)
    assert "SNIPPET FAILED" not in theirs[name], theirs[name]
    if name in TOLERANT and ours[name] != theirs[name]:
        assert _same_text_close_numbers(ours[name], theirs[name]), (ours[name], theirs[name])
    else:
        assert ours[name] == theirs[name]


def test_seed_document_printed_values(tmp_path_factory):
    """The values the seed document shows come out of numtorch (and torch) unchanged."""
    theirs, ours = _outputs("AUTOGRAD", tmp_path_factory)
    for out in (theirs, ours):
        text = out["seed_1998"]
        assert "tensor([1., 1., 1., 1., 1.])" in text
        assert "tensor([-2.9086,  0.8690,  1.4758], grad_fn=<AddBackward0>)" in text
        assert "tensor([0.0172, 0.2348, 0.2713])" in text
        assert "Trying to backward through the graph a second time" in text
        assert "grad can be implicitly created only for scalar outputs" in text
        assert "tensor([5., 5., 5., 5., 5., 5., 5., 5., 5., 5.])" in out["detach_modes"]
        assert "tensor([2., 2., 2., 2., 2., 2., 2., 2., 2., 2.])" in out["detach_modes"]
