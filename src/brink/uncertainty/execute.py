"""Where parameter sets run: here, in a local process pool, or on a Dask distributed cluster.

One code path for all three: the work is cut into chunks, each chunk a task (a few seconds of
simulation), submitted to a ``concurrent.futures`` executor — ``ProcessPoolExecutor`` locally,
``distributed.Client.get_executor()`` on a cluster (``--cluster tcp://HOST:PORT`` or
``BRINK_DASK_SCHEDULER``). A task that fails for a reason other than the input (a worker lost, say)
is submitted again, up to ``RETRIES`` times, and each retry is reported; a ``BrinkError`` (bad
input) stops the run at once. Nothing here knows what a chunk computes.

``ChunkStore`` keeps each finished chunk as a Parquet file in a results folder, written whole
(temporary file, then rename), beside a manifest of what the run is; ``--resume`` skips the chunks
already there, so an interrupted run gives the same numbers as an uninterrupted one.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from pathlib import Path

import pandas as pd

from brink.errors import BrinkError

RETRIES = 2
SCHEDULER_ENV = "BRINK_DASK_SCHEDULER"


@contextlib.contextmanager
def executor(workers: int = 1, cluster=None) -> Iterator[Executor | None]:
    """The executor for ``workers`` local processes, or for ``cluster`` (an address, a
    ``distributed.Client``; default ``$BRINK_DASK_SCHEDULER``); None: run in this process."""
    cluster = cluster if cluster is not None else os.environ.get(SCHEDULER_ENV) or None
    if cluster is not None:
        from distributed import Client

        if isinstance(cluster, Client):
            yield cluster.get_executor(pure=False)
            return
        try:
            client = Client(str(cluster), timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise BrinkError(f"--cluster {cluster}: cannot reach a Dask scheduler there ({exc})") from None
        try:
            yield client.get_executor(pure=False)
        finally:
            client.close()
        return
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(workers) as ex:  # as brink.sim.simulate's pool: the platform's default start
        yield ex


def run_chunks(fn: Callable, payloads: dict[int, object], ex: Executor | None,
               on_done: Callable[[int, object], None], on_retry: Callable[[int, BaseException], None] | None = None,
               retries: int = RETRIES) -> None:
    """Call ``fn(payload)`` for every chunk (``payloads``: chunk number -> payload) on ``ex`` and hand
    each result to ``on_done(chunk, result)`` as it arrives; retry failures (see the module docs)."""
    if ex is None:
        for k, payload in payloads.items():
            on_done(k, fn(payload))
        return
    tries = dict.fromkeys(payloads, 0)
    pending: dict[Future, int] = {ex.submit(fn, p): k for k, p in payloads.items()}
    try:
        while pending:
            done, _ = wait(list(pending), return_when=FIRST_COMPLETED)
            for fut in done:
                k = pending.pop(fut)
                exc = fut.exception()
                if exc is None:
                    on_done(k, fut.result())
                    continue
                if isinstance(exc, BrinkError) or tries[k] >= retries:
                    if isinstance(exc, BrinkError):
                        raise exc
                    raise BrinkError(f"chunk {k} failed {tries[k] + 1} times; the last error: "
                                     f"{type(exc).__name__}: {exc}") from None
                tries[k] += 1
                if on_retry is not None:
                    on_retry(k, exc)
                try:
                    pending[ex.submit(fn, payloads[k])] = k
                except RuntimeError as again:  # a broken local pool takes no more work
                    raise BrinkError(f"chunk {k} failed ({type(exc).__name__}: {exc}) and cannot be retried: "
                                     f"{again}") from None
    finally:
        for fut in pending:
            fut.cancel()


class ChunkStore:
    """Finished chunks of one run in ``folder/chunks/part-NNNNN.parquet``, with ``manifest.json``
    naming the run (``key``: a hash of everything that decides the numbers, and ``what``)."""

    def __init__(self, folder: Path, key: str, what: dict, *, resume: bool = False, overwrite: bool = False):
        self.folder = Path(folder)
        self.parts = self.folder / "chunks"
        manifest = self.folder / "manifest.json"
        if self.folder.exists() and not self.folder.is_dir():
            raise BrinkError(f"--out {self.folder}: is a file, not a folder")
        held = None
        if manifest.is_file():
            try:
                held = json.loads(manifest.read_text()).get("key")
            except (OSError, ValueError):
                held = "unreadable"
        busy = self.folder.is_dir() and any(self.folder.iterdir())
        if resume:
            if held is None:
                raise BrinkError(f"--resume: {self.folder} holds no run to resume" if busy else
                                 f"--resume: {self.folder} does not exist yet (start the run without --resume)")
            if held != key:
                raise BrinkError(f"--resume: {self.folder} holds another run (other scenario, judgements, "
                                 "samples, questions, runs or seed); --overwrite starts this one there afresh")
        elif busy:  # the same run is started afresh (as a results folder is replaced); another needs --overwrite
            if held != key and not overwrite:
                raise BrinkError(f"{self.folder} already holds other files or another run (--out elsewhere, "
                                 "--overwrite replaces it)")
            shutil.rmtree(self.folder)
        self.parts.mkdir(parents=True, exist_ok=True)
        if not manifest.is_file() or held != key:
            _atomic_text(manifest, json.dumps({"key": key, **what}, indent=2, default=str))

    def path(self, k: int) -> Path:
        return self.parts / f"part-{k:05d}.parquet"

    def done(self) -> set[int]:
        return {int(p.stem.split("-")[1]) for p in self.parts.glob("part-*.parquet")}

    def read(self, k: int) -> pd.DataFrame:
        return pd.read_parquet(self.path(k))

    def write(self, k: int, frame: pd.DataFrame) -> None:
        tmp = self.parts / f".part-{k:05d}.{os.getpid()}.tmp"
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, self.path(k))


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)
