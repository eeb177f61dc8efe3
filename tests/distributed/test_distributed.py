"""numtorch.distributed and DistributedDataParallel, run for real under ``mpiexec`` on loopback.

Each test launches ``mpiexec -n N python tests/distributed/_worker_script.py SCENARIO`` (ranks
oversubscribe the 2 cores) and reads its exit status and output. Skipped without the
``distributed`` extra (mpi4py and an MPI implementation's mpiexec).
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
import time

import pytest
import torch
import torch.distributed as tdist

import numtorch
import numtorch.distributed as dist

WORKER = os.path.join(os.path.dirname(__file__), "_worker_script.py")
SRC = os.path.dirname(os.path.dirname(numtorch.__file__))


def _mpiexec() -> str | None:
    here = os.path.join(os.path.dirname(sys.executable), "mpiexec")
    return here if os.path.exists(here) else shutil.which("mpiexec")


MPIEXEC = _mpiexec()
needs_mpi = pytest.mark.skipif(
    importlib.util.find_spec("mpi4py") is None or MPIEXEC is None,
    reason="needs the distributed extra: pip install -e '.[distributed]' (mpi4py + mpich)")


def _env() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = SRC + os.pathsep + env.get("PYTHONPATH", "")
    env.update({
        "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
        # MPICH: yield the core while waiting (ranks oversubscribe 2 cores)
        "MPIR_CVAR_ENABLE_HEAVY_YIELD": "1", "MPIR_CVAR_POLLS_BEFORE_YIELD": "1",
        # Open MPI, should it be the MPI installed: allow root, oversubscribe, yield when idle
        "OMPI_ALLOW_RUN_AS_ROOT": "1", "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
        "OMPI_MCA_rmaps_base_oversubscribe": "1", "OMPI_MCA_mpi_yield_when_idle": "1",
    })
    return env


def launch(n: int, *scenarios: str, timeout: float = 60) -> tuple[int, str, float]:
    cmd = [MPIEXEC, "-n", str(n), sys.executable, WORKER, *scenarios]
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=_env(),
                          stdin=subprocess.DEVNULL)
    return proc.returncode, proc.stdout + proc.stderr, time.monotonic() - start


def run_ok(n: int, *scenarios: str) -> None:
    rc, out, _ = launch(n, *scenarios)
    assert rc == 0, out
    for s in scenarios:
        assert f"OK {s} on {n} ranks" in out, out


@needs_mpi
def test_collectives_errors_and_sampler_on_2_ranks():
    run_ok(2, "collectives", "errors", "sampler")


@needs_mpi
def test_collectives_on_4_ranks():
    run_ok(4, "collectives", "sampler")


@needs_mpi
def test_collectives_with_a_timeout_on_3_ranks():
    run_ok(3, "timed", "collectives", "ddp")


@needs_mpi
def test_ddp_matches_single_process_training():
    run_ok(2, "ddp")


@needs_mpi
def test_sync_batchnorm_matches_whole_batch_on_2_ranks():
    run_ok(2, "syncbn")


@needs_mpi
def test_single_process_world():
    proc = subprocess.run([sys.executable, WORKER, "collectives", "sampler"],
                          capture_output=True, text=True, timeout=60, env=_env())
    assert proc.returncode == 0 and "OK collectives on 1 ranks" in proc.stdout, proc.stderr


@needs_mpi
def test_a_rank_that_raises_fails_the_job():
    rc, out, took = launch(2, "raise")
    assert rc != 0 and took < 30, out
    assert "rank 1" in out and "raised an uncaught ValueError" in out, out
    assert "ValueError: deliberate failure on rank 1" in out, out
    assert "died without an error message" not in out, out


@needs_mpi
def test_a_killed_rank_fails_the_job():
    rc, out, took = launch(2, "kill")
    assert rc != 0 and took < 30, out
    assert "rank 1 (pid" in out and "died without an error message" in out, out
    assert "rank 0 (pid" not in out, "the rank the launcher stopped was blamed: " + out


@needs_mpi
@pytest.mark.parametrize("timed", [False, True], ids=["no-timeout", "timeout"])
def test_a_rank_that_leaves_fails_the_job_naming_it(timed):
    rc, out, took = launch(2, *(["timed"] if timed else []), "leave")
    assert rc != 0 and took < 20, out
    assert "all_reduce cannot finish: rank 1 (pid" in out, out
    assert "has left the job" in out and "died without" not in out, out


@needs_mpi
def test_a_stuck_collective_times_out():
    rc, out, took = launch(2, "stuck")
    assert rc != 0 and took < 25, out
    assert "all_reduce did not finish within 0:00:03" in out, out


# -- in this process: nothing here initialises MPI ----------------------------------------------
@pytest.mark.parametrize("call", [
    lambda lib: lib.distributed.get_rank(),
    lambda lib: lib.distributed.get_world_size(),
    lambda lib: lib.distributed.all_reduce(lib.ones(2)),
    lambda lib: lib.distributed.broadcast(lib.ones(2), 0),
    lambda lib: lib.distributed.barrier(),
    lambda lib: lib.distributed.new_group([0]),
    lambda lib: lib.distributed.all_gather_object([None], 1),
    lambda lib: lib.distributed.destroy_process_group(),
])
def test_calls_before_init_raise_torchs_error(call):
    with pytest.raises(Exception) as expected:
        call(torch)
    with pytest.raises(type(expected.value)) as got:
        call(numtorch)
    assert str(got.value) == str(expected.value)


def test_reduce_op_and_flags_match_torch():
    for name in ["SUM", "AVG", "PRODUCT", "MIN", "MAX", "BAND", "BOR", "BXOR", "PREMUL_SUM"]:
        assert repr(getattr(dist.ReduceOp, name)) == repr(getattr(tdist.ReduceOp, name))
    assert dist.is_initialized() is False
    assert dist.group.WORLD is None and repr(dist.GroupMember.NON_GROUP_MEMBER) == "-100"
    assert dist.Backend.MPI == tdist.Backend.MPI


def test_ddp_needs_a_process_group():
    from numtorch.nn.parallel import DistributedDataParallel

    with pytest.raises(ValueError, match="Default process group has not been initialized"):
        DistributedDataParallel(numtorch.nn.Linear(2, 2))
