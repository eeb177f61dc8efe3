"""Runs under ``mpiexec -n N python tests/distributed/_worker_script.py SCENARIO...``.

Each scenario checks numtorch.distributed on every rank and raises on a mismatch (which, through
numtorch's excepthook, aborts the job with a non-zero exit). Rank 0 prints ``OK <scenario>`` per
scenario that passed; test_distributed.py launches this script and reads that.
"""

from __future__ import annotations

import os
import signal
import sys
import time

import numpy as np

import numtorch as torch
import numtorch.distributed as dist
import numtorch.nn.parallel  # noqa: F401 - makes nn.parallel an attribute
from numtorch import nn

DTYPES = ["float32", "float64", "float16", "int8", "int16", "int32", "int64", "uint8", "bool",
          "complex64", "complex128"]


def rank_data(r: int, dtype: str, shape=(3, 5)) -> np.ndarray:
    """What rank ``r`` contributes: small values so products and sums stay exact-ish."""
    rng = np.random.default_rng(100 + r)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    if dtype.startswith("complex"):
        return (rng.integers(-3, 4, shape) + 1j * rng.integers(-3, 4, shape)).astype(dtype)
    if dtype == "uint8":
        return rng.integers(0, 4, shape).astype(dtype)
    return rng.integers(-3, 4, shape).astype(dtype)


def expected(op: str, parts: list, dtype: str) -> np.ndarray:
    stack = np.stack(parts)
    if dtype == "bool":
        return {"SUM": stack.any(0), "MAX": stack.any(0), "PRODUCT": stack.all(0),
                "MIN": stack.all(0)}[op]
    if op == "SUM":
        return stack.sum(0, dtype=dtype)
    if op == "PRODUCT":
        return stack.prod(0, dtype=dtype)
    if op == "MIN":
        return stack.min(0)
    if op == "MAX":
        return stack.max(0)
    if op in ("BAND", "BOR", "BXOR"):
        fn = {"BAND": np.bitwise_and, "BOR": np.bitwise_or, "BXOR": np.bitwise_xor}[op]
        return fn.reduce(stack, axis=0)
    s = stack.sum(0, dtype=dtype)
    if np.dtype(dtype).kind in "fc":
        return s / len(parts)
    q = np.abs(s) // len(parts)
    return np.where(s < 0, -q, q).astype(dtype)


def close(a: np.ndarray, b: np.ndarray, what: str) -> None:
    a, b = np.asarray(a), np.asarray(b)
    if a.dtype != b.dtype or a.shape != b.shape:
        raise AssertionError(f"{what}: got {a.dtype}{a.shape}, expected {b.dtype}{b.shape}")
    tol = 1e-2 if a.dtype == np.float16 else 1e-6
    if a.dtype.kind in "fc":
        ok = np.allclose(a, b, rtol=tol, atol=tol)
    else:
        ok = np.array_equal(a, b)
    if not ok:
        raise AssertionError(f"{what}: got\n{a}\nexpected\n{b}")


def expect_error(fn, exc_type, text: str, what: str) -> str:
    try:
        fn()
    except exc_type as e:
        if text not in str(e):
            raise AssertionError(f"{what}: message {str(e)!r} lacks {text!r}") from e
        return str(e)
    raise AssertionError(f"{what}: no {exc_type.__name__} raised")


# -- scenarios ------------------------------------------------------------------------------------
def collectives() -> None:
    r, n = dist.get_rank(), dist.get_world_size()
    for dtype in DTYPES:
        parts = [rank_data(k, dtype) for k in range(n)]
        ops = ["SUM", "PRODUCT", "MIN", "MAX", "AVG"]
        if dtype == "bool":
            ops = ["SUM", "PRODUCT", "MIN", "MAX"]
        if dtype.startswith("complex"):
            ops = ["SUM", "PRODUCT", "AVG"]
        if np.dtype(dtype).kind in "iu":
            ops += ["BAND", "BOR", "BXOR"]
        for op in ops:
            t = torch.from_numpy(parts[r].copy())
            dist.all_reduce(t, op=getattr(dist.ReduceOp, op))
            close(t.numpy(), expected(op, parts, dtype), f"all_reduce {op} {dtype}")
            # async, on a non-contiguous view
            base = torch.from_numpy(np.ascontiguousarray(parts[r].T)).t()
            work = dist.all_reduce(base, op=getattr(dist.ReduceOp, op), async_op=True)
            work.wait()
            close(base.numpy(), expected(op, parts, dtype), f"async all_reduce {op} {dtype}")
            # reduce to the last rank
            t = torch.from_numpy(parts[r].copy())
            dist.reduce(t, dst=n - 1, op=getattr(dist.ReduceOp, op))
            want = expected(op, parts, dtype) if r == n - 1 else parts[r]
            close(t.numpy(), want, f"reduce {op} {dtype}")
        # reduce_scatter_tensor: each rank contributes n chunks
        big = [np.concatenate([rank_data(k * 10 + j, dtype, (2, 3)) for j in range(n)])
               for k in range(n)]
        out = torch.from_numpy(np.zeros((2, 3), dtype))
        dist.reduce_scatter_tensor(out, torch.from_numpy(big[r].copy()))
        close(out.numpy(), expected("SUM", [b[2 * r:2 * r + 2] for b in big], dtype),
              f"reduce_scatter_tensor {dtype}")
        # broadcast from the last rank
        t = torch.from_numpy(parts[r].copy())
        dist.broadcast(t, src=n - 1)
        close(t.numpy(), parts[n - 1], f"broadcast {dtype}")
        # all_gather and all_gather_into_tensor (concatenated and stacked output)
        outs = [torch.from_numpy(np.zeros((3, 5), dtype)) for _ in range(n)]
        dist.all_gather(outs, torch.from_numpy(parts[r]))
        for k in range(n):
            close(outs[k].numpy(), parts[k], f"all_gather {dtype}")
        cat = torch.from_numpy(np.zeros((3 * n, 5), dtype))
        dist.all_gather_into_tensor(cat, torch.from_numpy(parts[r]))
        close(cat.numpy(), np.concatenate(parts), f"all_gather_into_tensor {dtype}")
        stacked = torch.from_numpy(np.zeros((n, 3, 5), dtype))
        dist.all_gather_into_tensor(stacked, torch.from_numpy(parts[r]), async_op=True).wait()
        close(stacked.numpy(), np.stack(parts), f"all_gather_into_tensor stacked {dtype}")
        # gather to rank 0, scatter from the last rank
        gl = [torch.from_numpy(np.zeros((3, 5), dtype)) for _ in range(n)] if r == 0 else None
        dist.gather(torch.from_numpy(parts[r]), gl, dst=0)
        if r == 0:
            for k in range(n):
                close(gl[k].numpy(), parts[k], f"gather {dtype}")
        sl = [torch.from_numpy(p) for p in parts] if r == n - 1 else None
        t = torch.from_numpy(np.zeros((3, 5), dtype))
        dist.scatter(t, sl, src=n - 1)
        close(t.numpy(), parts[r], f"scatter {dtype}")
    if n > 1:
        point_to_point(r, n)
    objects_and_groups(r, n)


def point_to_point(r: int, n: int) -> None:
    """A ring of sends, blocking and non-blocking."""
    nxt, prv = (r + 1) % n, (r - 1) % n
    msg = torch.arange(6, dtype=torch.float32) * (r + 1)
    got = torch.zeros(6)
    if r % 2 == 0:
        dist.send(msg, nxt)
        src = dist.recv(got, prv)
    else:
        src = dist.recv(got)
        dist.send(msg, nxt)
    assert src == prv, (src, prv)
    close(got.numpy(), np.arange(6, dtype=np.float32) * (prv + 1), "send/recv")
    got2 = torch.zeros(6)
    works = [dist.isend(msg, nxt, tag=3), dist.irecv(got2, prv, tag=3)]
    for w in works:
        w.wait()
    close(got2.numpy(), got.numpy(), "isend/irecv")


def objects_and_groups(r: int, n: int) -> None:
    objs = [None] * n
    dist.all_gather_object(objs, {"rank": r, "name": f"r{r}"})
    assert objs == [{"rank": k, "name": f"r{k}"} for k in range(n)], objs
    src = n - 1
    lst = [src, "x", torch.ones(2) * src] if r == src else [None, None, None]
    dist.broadcast_object_list(lst, src=src)
    assert lst[:2] == [src, "x"] and lst[2].tolist() == [float(src)] * 2, lst
    # groups: the even ranks
    evens = list(range(0, n, 2))
    g = dist.new_group(evens)
    t = torch.tensor([float(r)])
    if r in evens:
        dist.all_reduce(t, group=g)
        close(t.numpy(), np.array([float(sum(evens))], np.float32), "group all_reduce")
        assert dist.get_world_size(g) == len(evens) and dist.get_rank(g) == evens.index(r)
        t2 = torch.tensor([float(r)])
        dist.broadcast(t2, src=evens[-1], group=g)
        close(t2.numpy(), np.array([float(evens[-1])], np.float32), "group broadcast")
    else:
        assert g is dist.GroupMember.NON_GROUP_MEMBER
        assert dist.get_rank(g) == -1 and dist.get_world_size(g) == -1
    assert dist.get_process_group_ranks(dist.group.WORLD) == list(range(n))
    gathered = [None] * n if r == 0 else None
    dist.gather_object(("hi", r), gathered, dst=0)
    assert r != 0 or gathered == [("hi", k) for k in range(n)], gathered
    out = [None]
    dist.scatter_object_list(out, [{"to": k} for k in range(n)] if r == 0 else None, src=0)
    assert out == [{"to": r}], out
    # reduce_scatter of a list, and all_to_all_single with equal and uneven splits
    inputs = [torch.full((2,), float(10 * r + k)) for k in range(n)]
    res = torch.zeros(2)
    dist.reduce_scatter(res, inputs)
    close(res.numpy(), np.full(2, float(sum(10 * k + r for k in range(n))), np.float32),
          "reduce_scatter")
    src = torch.arange(2 * n, dtype=torch.int64) + 100 * r
    dst = torch.zeros(2 * n, dtype=torch.int64)
    dist.all_to_all_single(dst, src)
    want = np.concatenate([np.arange(2 * r, 2 * r + 2) + 100 * k for k in range(n)])
    close(dst.numpy(), want, "all_to_all_single")
    # rank k sends k + 1 rows to every rank
    send_sizes = [r + 1] * n
    recv_sizes = [k + 1 for k in range(n)]
    src = torch.full((n * (r + 1), 3), float(r))
    dst = torch.zeros(sum(recv_sizes), 3)
    dist.all_to_all_single(dst, src, recv_sizes, send_sizes)
    want = np.concatenate([np.full((k + 1, 3), float(k), np.float32) for k in range(n)])
    close(dst.numpy(), want, "all_to_all_single uneven")
    dist.barrier()
    dist.barrier(async_op=True).wait()


def errors() -> None:
    r, n = dist.get_rank(), dist.get_world_size()
    # mismatched shapes: a clear error on every rank, and the data left alone
    t = torch.ones(3 + r)
    msg = expect_error(lambda: dist.all_reduce(t), RuntimeError, "different arguments",
                       "mismatched all_reduce")
    assert "rank 0: float32 tensor of shape [3]" in msg and "rank 1: float32 tensor of shape [4]" \
        in msg, msg
    assert t.tolist() == [1.0] * (3 + r)
    t = torch.ones(4, dtype=torch.float64 if r else torch.float32)
    expect_error(lambda: dist.broadcast(t, 0), RuntimeError, "float64", "mismatched dtype")
    # an argument error on one rank reaches every rank
    gl = None
    if r == 0:
        expect_error(lambda: dist.gather(torch.ones(2), gl, dst=0), ValueError,
                     "Argument ``gather_list`` must be specified on destination rank.", "gather")
    else:
        expect_error(lambda: dist.gather(torch.ones(2), gl, dst=0), RuntimeError,
                     "ValueError", "gather peer")
    expect_error(lambda: dist.broadcast(torch.ones(2), src=n), RuntimeError,
                 f"broadcast: invalid root rank: {n}", "root")
    expect_error(lambda: dist.send(torch.ones(2), r), ValueError,
                 "Invalid destination rank: destination rank should not be the same as the "
                 "rank of the current process.", "self send")
    # recv of a tensor with the wrong size
    if r == 0:
        dist.send(torch.ones(5), 1)
    elif r == 1:
        expect_error(lambda: dist.recv(torch.zeros(3), 0), RuntimeError,
                     "expected 12 bytes", "recv size")
    if r == 0:
        dist.send(torch.ones(5), 1, tag=7)
    elif r == 1:
        w = dist.irecv(torch.zeros(3), 0, tag=7)
        expect_error(w.wait, RuntimeError, "rank 0 sent 20 bytes", "irecv size")
    expect_error(lambda: dist.init_process_group("mpi"), ValueError,
                 "trying to initialize the default process group twice!", "init twice")
    # the group still works after all these errors
    t = torch.ones(2)
    dist.all_reduce(t)
    close(t.numpy(), np.full(2, float(n), np.float32), "after errors")
    # DDP: models that differ across ranks
    m = nn.Linear(2, 3) if r == 0 else nn.Sequential(nn.Linear(2, 3), nn.Linear(3, 1))
    expect_error(lambda: nn.parallel.DistributedDataParallel(m), RuntimeError,
                 "DDP expects same model across all ranks", "DDP model mismatch")
    expect_error(lambda: nn.parallel.DistributedDataParallel(nn.ReLU()), RuntimeError,
                 "DistributedDataParallel is not needed when a module doesn't have any "
                 "parameter that requires a gradient.", "DDP no params")


class NeuralNetwork(nn.Module):
    """The seed's tutorial MLP (Flatten, 784-512-512-10 with ReLUs)."""

    def __init__(self) -> None:
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(28 * 28, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(),
            nn.Linear(512, 10))

    def forward(self, x):
        return self.linear_relu_stack(self.flatten(x))


def _train(model, batches, step_fn) -> None:
    opt = torch.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)
    for x, y in batches:
        opt.zero_grad()
        step_fn(model, x, y)
        opt.step()


def ddp() -> None:
    r, n = dist.get_rank(), dist.get_world_size()
    torch.set_default_dtype(torch.float64)
    gen = np.random.default_rng(7)
    batches = [(torch.from_numpy(gen.random((24, 1, 28, 28))),
                torch.from_numpy(gen.integers(0, 10, 24))) for _ in range(4)]
    loss_fn = nn.CrossEntropyLoss()
    torch.manual_seed(0)
    reference = NeuralNetwork()
    state = {k: v.clone() for k, v in reference.state_dict().items()}

    def whole(model, x, y):
        loss_fn(model(x), y).backward()

    _train(reference, batches, whole)

    torch.manual_seed(1 + r)  # different initial weights: DDP must broadcast rank 0's
    local = NeuralNetwork()
    if r == 0:
        local.load_state_dict(state)
    model = nn.parallel.DistributedDataParallel(local, bucket_cap_mb=1)
    assert len(model.reducer.buckets) > 2, len(model.reducer.buckets)
    assert list(model.state_dict())[0] == "module.linear_relu_stack.0.weight"
    per = 24 // n  # 24 splits evenly on 1, 2, 3 and 4 ranks

    def shard(model, x, y):
        loss_fn(model(x[r * per:(r + 1) * per]), y[r * per:(r + 1) * per]).backward()

    _train(model, batches, shard)
    for (name, p), q in zip(local.named_parameters(), reference.parameters()):
        close(p.detach().numpy(), q.detach().numpy(), f"DDP vs single process: {name}")
        everyone = [None] * n
        dist.all_gather_object(everyone, p.detach().numpy())
        for k in range(n):
            if not np.array_equal(everyone[k], everyone[0]):
                raise AssertionError(f"{name} differs between rank 0 and rank {k}")

    # no_sync: accumulate two half-steps locally, average on the second
    torch.manual_seed(0)
    reference = NeuralNetwork()
    ref_opt = torch.optim.SGD(reference.parameters(), lr=0.1)
    x, y = batches[0]
    for half in (slice(0, 12), slice(12, 24)):
        (loss_fn(reference(x[half]), y[half]) / 2).backward()
    ref_opt.step()
    torch.manual_seed(0)
    model = nn.parallel.DistributedDataParallel(NeuralNetwork())
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    q = 12 // n
    for i, half in enumerate((slice(0, 12), slice(12, 24))):
        xs, ys = x[half][r * q:(r + 1) * q], y[half][r * q:(r + 1) * q]
        if i == 0:
            with model.no_sync():
                (loss_fn(model(xs), ys) / 2).backward()
        else:
            (loss_fn(model(xs), ys) / 2).backward()
    opt.step()
    for p, q_ in zip(model.module.parameters(), reference.parameters()):
        close(p.detach().numpy(), q_.detach().numpy(), "no_sync accumulation")

    # find_unused_parameters: layer 1 unused everywhere, layer 2 unused on rank 0 only
    torch.manual_seed(0)
    seq = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2), nn.Linear(2, 2))
    seq.forward = (lambda v: seq[0](v)) if r == 0 else (lambda v: seq[2](seq[0](v)))
    model = nn.parallel.DistributedDataParallel(seq, find_unused_parameters=True)
    model(torch.ones(1, 2) * (r + 1)).sum().backward()
    grads = [None if p.grad is None else p.grad.numpy() for p in seq.parameters()]
    assert grads[2] is None and grads[3] is None, grads
    close(grads[5], np.full(2, (n - 1) / n), "bias unused on rank 0 only")
    everyone = [None] * n
    dist.all_gather_object(everyone, [g for g in grads if g is not None])
    for k in range(n):
        for a, b in zip(everyone[k], everyone[0]):
            assert np.array_equal(a, b), "find_unused grads differ across ranks"

    # without find_unused_parameters the next forward raises PyTorch's error
    seq2 = nn.Sequential(nn.Linear(2, 2), nn.Linear(2, 2))
    model = nn.parallel.DistributedDataParallel(seq2)
    seq2.forward = lambda v: seq2[0](v)
    model(torch.ones(1, 2)).sum().backward()
    expect_error(lambda: model(torch.ones(1, 2)), RuntimeError,
                 f"Parameter indices which did not receive grad for rank {r}: 2 3",
                 "unused parameter error")
    torch.set_default_dtype(torch.float32)


def sampler() -> None:
    from numtorch.utils.data import DistributedSampler

    r, n = dist.get_rank(), dist.get_world_size()
    s = DistributedSampler(list(range(10)), shuffle=True, seed=3)
    assert s.rank == r and s.num_replicas == n, (s.rank, s.num_replicas)
    mine = list(s)
    everyone = [None] * n
    dist.all_gather_object(everyone, mine)
    flat = sorted(i for part in everyone for i in part)
    assert set(flat) == set(range(10)), flat
    s.set_epoch(1)
    assert list(s) != mine or n == 1


def raise_on_rank1() -> None:
    if dist.get_rank() == 1:
        time.sleep(0.3)
        raise ValueError("deliberate failure on rank 1")
    dist.all_reduce(torch.ones(2))
    dist.barrier()


def kill_rank1() -> None:
    if dist.get_rank() == 1:
        time.sleep(0.3)
        os.kill(os.getpid(), signal.SIGKILL)
    dist.all_reduce(torch.ones(2))
    dist.barrier()


def leave_rank1() -> None:
    """Rank 1's program ends normally while rank 0 waits for it in a collective."""
    if dist.get_rank() == 1:
        time.sleep(0.3)
        sys.exit(0)
    dist.all_reduce(torch.ones(2))


def syncbn() -> None:
    """SyncBatchNorm over the ranks' shards equals BatchNorm over the whole batch: outputs,
    input gradients, summed parameter gradients and running statistics."""
    r, n = dist.get_rank(), dist.get_world_size()
    gen = np.random.default_rng(3)
    x_all = gen.standard_normal((4 * n, 3, 5, 5))
    g_all = gen.standard_normal((4 * n, 3, 5, 5))
    torch.set_default_dtype(torch.float64)
    ref = nn.BatchNorm2d(3)
    with torch.no_grad():
        ref.weight.copy_(torch.tensor([1.0, 2.0, -0.5]))
        ref.bias.copy_(torch.tensor([0.1, 0.0, 0.3]))
    x = torch.tensor(x_all, requires_grad=True)
    out = ref(x)
    out.backward(torch.tensor(g_all))
    sync = nn.SyncBatchNorm.convert_sync_batchnorm(nn.Sequential(nn.BatchNorm2d(3)))[0]
    with torch.no_grad():
        sync.weight.copy_(torch.tensor([1.0, 2.0, -0.5]))
        sync.bias.copy_(torch.tensor([0.1, 0.0, 0.3]))
    part = slice(4 * r, 4 * (r + 1))
    xs = torch.tensor(x_all[part], requires_grad=True)
    outs = sync(xs)
    outs.backward(torch.tensor(g_all[part]))
    close(outs.detach().numpy(), out.detach().numpy()[part], "SyncBatchNorm output")
    close(xs.grad.numpy(), x.grad.numpy()[part], "SyncBatchNorm input gradient")
    for name in ("weight", "bias"):
        grad = getattr(sync, name).grad.clone()
        dist.all_reduce(grad)
        close(grad.numpy(), getattr(ref, name).grad.numpy(), f"SyncBatchNorm {name} gradient")
    close(sync.running_mean.numpy(), ref.running_mean.numpy(), "running_mean")
    close(sync.running_var.numpy(), ref.running_var.numpy(), "running_var")
    torch.set_default_dtype(torch.float32)


def stuck_rank1() -> None:
    if dist.get_rank() == 1:
        time.sleep(30)
    dist.all_reduce(torch.ones(2))


SCENARIOS = {"collectives": collectives, "errors": errors, "ddp": ddp, "sampler": sampler,
             "raise": raise_on_rank1, "kill": kill_rank1, "stuck": stuck_rank1,
             "leave": leave_rank1, "timed": lambda: None, "syncbn": syncbn}


def main(names: list[str]) -> None:
    import datetime

    # "timed" runs the scenarios after it with a timeout: every op then goes through MPI's
    # non-blocking calls and a deadline
    timeout = None
    if "stuck" in names:
        timeout = datetime.timedelta(seconds=3)
    elif "timed" in names:
        timeout = datetime.timedelta(seconds=60)
    dist.init_process_group("mpi", timeout=timeout)
    for name in names:
        SCENARIOS[name]()
        dist.barrier()
        if dist.get_rank() == 0:
            print(f"OK {name} on {dist.get_world_size()} ranks", flush=True)
    dist.destroy_process_group()


if __name__ == "__main__":
    main(sys.argv[1:])
