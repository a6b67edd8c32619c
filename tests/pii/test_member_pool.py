"""Probes trained side by side in worker processes (member_pool): the same probes as trained here
with the worker's thread count, each under its own key, and the rows packed only as workers free up."""

from __future__ import annotations

import contextlib

import numpy as np
import pytest
import torch
from sae_pii.pii.member_pool import TrainJob, train_members, worker_count
from sae_pii.pii.probes import ProbeTrainConfig, pack


def _jobs(n: int = 2) -> list[TrainJob]:
    """Alternately a dense (raw-like) and a sparse (SAE-like) job, each with its own data and seed,
    so that a result handed back under the wrong key cannot match."""
    jobs = []
    for j in range(n):
        g = torch.Generator().manual_seed(10 + j)
        feats = [torch.randn(40, 6, generator=g) * (j + 1) for _ in range(8)]
        labels = [(f[:, j % 6] > 0.3).long().numpy().astype(np.int64) for f in feats]
        cfg = ProbeTrainConfig(context=1, hidden=4, hidden_context=1, epochs=3, chunk_tokens=64, seed=j)
        packed = pack(feats, labels, cfg.reach, sparse_keep=4 if j % 2 else None)
        jobs.append(TrainJob(f"job{j}", packed, cfg, 0))
    return jobs


@contextlib.contextmanager
def _with_threads(n: int):
    before = torch.get_num_threads()
    torch.set_num_threads(n)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def test_workers_train_the_probes_this_process_would():
    jobs = _jobs()
    with _with_threads(1):
        here = {t.key: t.probe for t in train_members(jobs, workers=1, log=lambda *_: None)}
    lines: list[str] = []
    with _with_threads(2):  # two workers, one thread each: as `here` was trained
        there = {t.key: t.probe for t in train_members(iter(jobs), workers=2, log=lines.append)}
    assert set(there) == set(here) == {"job0", "job1"}
    assert not torch.equal(here["job0"].bias, here["job1"].bias)
    for key, probe in here.items():
        theirs = there[key].state_dict()
        for name, tensor in probe.state_dict().items():
            assert torch.equal(theirs[name], tensor), (key, name)
    # Each worker's epoch log comes back, under its probe's name.
    assert sum("probe trained" in line for line in lines) == 2
    assert "training the probes in 2 worker processes, 1 thread(s) each" in lines
    assert sum("epoch" in line for line in lines) >= 2


def test_jobs_are_packed_only_as_workers_free_up():
    made, finished = [], []

    def lazily():
        for job in _jobs(4):
            made.append(len(finished))  # results handed back when this job's rows were packed
            yield job

    with _with_threads(2):
        for trained in train_members(lazily(), workers=2, log=lambda *_: None):
            finished.append(trained.key)
    assert sorted(finished) == ["job0", "job1", "job2", "job3"]
    assert made[:2] == [0, 0] and made[2] >= 1 and made[3] >= 2  # never more than two packed sets waiting


@pytest.mark.parametrize(("device", "n_jobs", "requested", "threads", "expected"), [
    ("cpu", 2, None, 2, 2),   # one worker per thread torch uses
    ("cpu", 1, None, 2, 1),   # but never more than probes
    ("cpu", 4, 3, 2, 3),      # --workers wins
    ("cpu", 4, None, 1, 1),   # one thread: train here
    ("cuda", 4, 2, 2, 1),     # a GPU trains one at a time, in this process
])
def test_worker_count(device, n_jobs, requested, threads, expected):
    with _with_threads(threads):
        assert worker_count(device, n_jobs, requested) == expected


class _RowsProxy:
    """Stands for a job's packed rows in this process; the subclasses misbehave on the way to a worker."""

    def __init__(self, packed):
        self.packed = packed

    def __getattr__(self, name):
        return getattr(self.__dict__["packed"], name)

    def __len__(self):
        return len(self.packed)


class _DiesInAWorker(_RowsProxy):
    """Training rows that kill the worker process they are sent to (as the OOM killer would)."""

    def __setstate__(self, state):
        import multiprocessing
        import os

        if multiprocessing.parent_process() is not None:
            os._exit(3)
        self.__dict__.update(state)


class _CannotBeSent(_RowsProxy):
    """Training rows that cannot reach a worker (as when /dev/shm is full)."""

    def __reduce__(self):
        raise OSError(28, "No space left on device")


@pytest.mark.parametrize(("rows", "reason"), [(_DiesInAWorker, "BrokenProcessPool"),
                                              (_CannotBeSent, "No space left on device")])
def test_a_failed_worker_leaves_its_probe_to_this_process(rows, reason):
    jobs = _jobs(3)
    jobs[1] = jobs[1]._replace(packed=rows(jobs[1].packed))
    lines: list[str] = []
    with _with_threads(2):
        trained = {t.key: t.probe for t in train_members(iter(jobs), workers=2, log=lines.append)}
    assert sorted(trained) == ["job0", "job1", "job2"]
    assert any("worker process failed" in line and reason in line and "--workers 1" in line for line in lines)
    with _with_threads(2):  # as the fallback trained it: here, with this process's threads
        here = next(train_members([jobs[1]], workers=1, log=lambda *_: None)).probe
    assert torch.equal(trained["job1"].bias, here.bias)


def test_an_error_of_the_training_itself_is_raised_here():
    jobs = _jobs(2)
    bad = jobs[1]._replace(cfg=ProbeTrainConfig(context=3, hidden=4, hidden_context=1, epochs=1))  # reads past the gaps
    with _with_threads(2), pytest.raises(ValueError, match="packed 2 rows apart"):
        list(train_members([jobs[0], bad], workers=2, log=lambda *_: None))
