"""Long runs as jobs: bounded in number, reported as they go, cached by what decides their numbers.

A job's id is the hash of its inputs (kind, scenario content, parameters, runs, seed), so the same
request finds the same job: a finished one is answered at once and identically, a running one is
joined. At most ``Limits.max_jobs`` run at once (a request beyond is refused with the limit named);
the ``Limits.max_cached`` most recent finished jobs are kept.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from brink.errors import BrinkError


class TooBusy(Exception):
    """More long runs at once than the server allows."""


@dataclass
class Job:
    id: str
    kind: str
    total: int
    status: str = "running"        # running | done | failed
    done: int = 0
    result: dict | None = None
    error: str | None = None
    started: float = field(default_factory=time.time)
    finished: float | None = None

    def to_dict(self, with_result: bool = True) -> dict:
        out = {"id": self.id, "kind": self.kind, "status": self.status, "done": self.done, "total": self.total,
               "progress": self.done / self.total if self.total else 1.0, "error": self.error,
               "seconds": (self.finished or time.time()) - self.started}
        if with_result and self.status == "done":
            out["result"] = self.result
        return out


class Jobs:
    def __init__(self, max_jobs: int, max_cached: int):
        self.max_jobs, self.max_cached = max_jobs, max_cached
        self._pool = ThreadPoolExecutor(max_jobs, thread_name_prefix="brink-job")
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def submit(self, job_id: str, kind: str, total: int, fn: Callable[[Callable[[int], None]], dict]) -> Job:
        """The job ``job_id`` (found, or started with ``fn(progress)``); ``TooBusy`` when full."""
        with self._lock:
            job = self._jobs.get(job_id)
            if job is not None and job.status != "failed":
                self._jobs.move_to_end(job_id)
                return job
            running = sum(1 for j in self._jobs.values() if j.status == "running")
            if running >= self.max_jobs:
                raise TooBusy(f"{running} runs are going on and this server allows {self.max_jobs} at once "
                              "(brink serve --max-jobs); try again when one has finished")
            job = Job(job_id, kind, total)
            self._jobs[job_id] = job
            self._evict()
        self._pool.submit(self._run, job, fn)
        return job

    def _run(self, job: Job, fn) -> None:
        def progress(k: int) -> None:
            job.done = min(job.total, job.done + int(k))
        try:
            result = fn(progress)
        except BrinkError as exc:
            job.status, job.error = "failed", str(exc)
        except Exception as exc:  # noqa: BLE001 - reported in the job, never a 500 page
            job.status, job.error = "failed", f"internal error ({type(exc).__name__}: {exc})"
        else:
            job.result, job.done, job.status = result, job.total, "done"
        job.finished = time.time()

    def _evict(self) -> None:
        finished = [k for k, j in self._jobs.items() if j.status != "running"]
        while len(finished) > self.max_cached:
            self._jobs.pop(finished.pop(0), None)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)
