"""The DEFAULT and AVX2 kernels (forced with ATEN_CPU_CAPABILITY in a subprocess) round some
transforms differently; numtorch follows the same variable, so both must match torch there."""

import os
import platform
import subprocess
import sys
import textwrap

import pytest

from numtorch._random._cpu import _cpu_flags

_SCRIPT = textwrap.dedent(
    """
    import math
    import numpy as np
    import torch
    import numtorch._random as R
    from numtorch._random._cpu import cpu_capability

    assert cpu_capability() == torch.backends.cpu.get_cpu_capability(), cpu_capability()
    g = R.default_generator

    def check(name, ours, theirs):
        t = theirs.contiguous().numpy()
        st = g._get_state_array().tobytes() == torch.get_rng_state().numpy().tobytes()
        assert ours.dtype == t.dtype and ours.tobytes() == t.ravel().tobytes() and st, name

    for np_dt, t_dt in [(np.float32, torch.float32), (np.float64, torch.float64)]:
        for lo, hi in [(-0.3, 0.7), (-1 / math.sqrt(3), 1 / math.sqrt(3)), (2.5, 1000.1)]:
            torch.manual_seed(1); R.manual_seed(1)
            check("uniform", g._uniform(20000, np_dt, lo, hi),
                  torch.empty(20000, dtype=t_dt).uniform_(lo, hi))
        for n in [3, 15, 16, 17, 100, 1003]:
            for mean, std in [(0.0, 1.0), (0.5, 0.02), (-3.0, 7.3)]:
                torch.manual_seed(n); R.manual_seed(n)
                check(f"normal{n}", g._normal(n, np_dt, mean, std),
                      torch.empty(n, dtype=t_dt).normal_(mean, std))
        torch.manual_seed(2); R.manual_seed(2)
        a = torch.empty(60, 10, dtype=t_dt)
        a.t().normal_(0.5, 3.3)
        check("non-contiguous", g._normal(600, np_dt, 0.5, 3.3, contiguous=False), a)
        torch.manual_seed(3); R.manual_seed(3)
        check("exponential", g._exponential(5000, np_dt, 2.5),
              torch.empty(5000, dtype=t_dt).exponential_(2.5))
        check("log_normal", g._log_normal(5000, np_dt, 0.5, 2.0),
              torch.empty(5000, dtype=t_dt).log_normal_(0.5, 2.0))
    torch.manual_seed(4); R.manual_seed(4)
    check("half", g._uniform(5000, np.float16, -0.3, 0.77),
          torch.empty(5000, dtype=torch.float16).uniform_(-0.3, 0.77))
    print("OK")
    """
)

_X86 = platform.machine() in ("x86_64", "AMD64")


@pytest.mark.parametrize("kernel", ["default", "avx2"])
def test_forced_kernel(kernel):
    if not _X86:
        pytest.skip("ATEN_CPU_CAPABILITY kernels are modelled for x86-64 only")
    if kernel == "avx2" and not {"avx2", "fma"} <= _cpu_flags():
        pytest.skip("this CPU has no AVX2/FMA")
    env = dict(os.environ, ATEN_CPU_CAPABILITY=kernel)
    res = subprocess.run(
        [sys.executable, "-c", _SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert res.returncode == 0 and res.stdout.strip().endswith("OK"), res.stderr[-3000:]
