"""Train several probes side by side, each in a single-threaded worker process.

One probe's training step is small (a 2,048-row batch through a 128-unit layer): two CPU threads
do not make it twice as fast as one. So on a CPU the probes `fit-probes` trains (one per kind and
seed) go to worker processes, each with its share of the threads, instead of one after the other
with all of them: on 2 cores two single-threaded workers train an SAE probe and a raw probe 1.26x
sooner (`make bench`, "two probes side by side"), after ~5 s of starting. Processes, not threads,
because the training loop's Python holds the GIL between operations.

The training rows travel to a worker through shared memory (torch.multiprocessing), not copies.
A probe comes out the same as when trained in this process with the worker's thread count (the
demo's probes came out bit for bit as with two threads, too).
"""

from __future__ import annotations

import importlib
import itertools
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import NamedTuple

import torch

from sae_pii.pii.probes import PackedFeatures, ProbeTrainConfig, TokenProbe, train_probe


class TrainJob(NamedTuple):
    key: str  # the caller's name for the probe; results come back under it
    packed: PackedFeatures
    cfg: ProbeTrainConfig
    n_shapes: int


class Trained(NamedTuple):
    key: str
    probe: TokenProbe
    seconds: float  # training alone (in a worker: not starting it)


def worker_count(device, n_jobs: int, requested: int | None = None) -> int:
    """How many workers train `n_jobs` probes: `requested` if given, else one per CPU thread torch
    uses; never more than one per probe, and 1 (train in this process) on a GPU."""
    if torch.device(device or "cpu").type != "cpu":
        return 1
    wanted = requested if requested is not None else torch.get_num_threads()
    return max(1, min(wanted, n_jobs))


def train_members(jobs: Iterable[TrainJob], workers: int, device=None, log=print) -> Iterator[Trained]:
    """Train each job's probe; yield them as they finish. `jobs` is read lazily, one job per free
    worker, so a caller that packs each job's rows in a generator holds at most `workers` packed
    sets at once. With workers <= 1 the probes train here, in order, logging their epochs as they
    go; a worker's epoch lines are logged when its probe is done. Should a worker fail, the probes
    not yet trained are trained here instead."""
    if workers <= 1:
        for job in jobs:
            t0 = time.perf_counter()
            probe = train_probe(job.packed, job.cfg, log=log, n_shapes=job.n_shapes, device=device)
            yield Trained(job.key, probe, time.perf_counter() - t0)
        return
    threads = max(1, torch.get_num_threads() // workers)
    log(f"training the probes in {workers} worker processes, {threads} thread(s) each")
    # spawn: a forked child would inherit this process's OpenMP thread pool, which deadlocks it.
    ctx = torch.multiprocessing.get_context("spawn")
    pending = iter(jobs)
    running: dict[Future, TrainJob] = {}
    broken = None
    with ProcessPoolExecutor(workers, mp_context=ctx, initializer=_init_worker, initargs=(threads,)) as pool:
        while broken is None:
            while len(running) < workers and (job := next(pending, None)) is not None:
                running[pool.submit(_train_in_worker, job)] = job
            if not running:
                return
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                try:
                    probe, lines, seconds = future.result()
                except Exception as exc:  # noqa: BLE001 - whatever it was, this process tries the job itself
                    # A worker died (killed, out of memory, could not start), the rows could not
                    # reach it (/dev/shm full), or training raised: an error of the training itself
                    # is raised again here, with this process's traceback.
                    broken = exc
                    break
                key = running.pop(future).key
                log(f"{key} probe trained:")
                for line in lines:
                    log(line)
                yield Trained(key, probe, seconds)
    log(f"warning: a probe-training worker process failed ({type(broken).__name__}: {broken}); training the "
        "remaining probes in this process (--workers 1 does so from the start)")
    yield from train_members(itertools.chain(running.values(), pending), 1, device, log)


def _init_worker(threads: int) -> None:
    torch.set_num_threads(threads)
    # An optimizer's first construction imports torch._dynamo (~2.5 s): here, once per worker, so
    # that Trained.seconds is the training's time alone.
    importlib.import_module("torch._dynamo")


def _train_in_worker(job: TrainJob) -> tuple[TokenProbe, list[str], float]:
    lines: list[str] = []
    t0 = time.perf_counter()
    probe = train_probe(job.packed, job.cfg, log=lines.append, n_shapes=job.n_shapes)
    return probe, lines, time.perf_counter() - t0
