"""The worker pool: one model per worker process, results back to one writer, in order.

``Extractor`` loads the pipeline once and processes a batch per call: the unit every runner
ships (the local pool here, and the Ray actors of ``jobs.ray``). ``LocalPool`` is a Pipeline
look-alike that fans batches out to worker processes; ``frontwire ingest --workers`` and
``frontwire batch`` use it. Workers only extract; the process that owns the pool stores.

May import the pipeline and what it imports; never the store, the record or the jobs.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Self

from ..config import Settings
from ..errors import WorkerDied, WorkersKeepDying
from ..model import Article, Rejection, Result
from . import Pipeline


class Extractor:
    """Loads the pipeline once; ``process`` runs one batch (the unit every runner ships)."""

    def __init__(self, *, model: str | None = None, settings: Settings | None = None) -> None:
        self.pipeline = Pipeline(model=model, settings=settings)
        _ = self.pipeline.gazetteer  # load now, not inside the first batch

    def process(self, items: list[Article | Rejection]) -> list[Result | Rejection]:
        return list(self.pipeline.process(items))


_WORKER: Extractor | None = None


def _init_worker(model: str | None, settings: Settings | None) -> None:
    global _WORKER
    _WORKER = Extractor(model=model, settings=settings)


def _work(items: list[Article | Rejection]) -> list[Result | Rejection]:
    if _WORKER is None:  # pragma: no cover - the pool initializer always ran
        raise RuntimeError("worker used before its initializer ran")
    return _WORKER.process(items)


def default_workers() -> int:
    """The CPUs this process may use (cgroup/affinity aware where the OS tells)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


class LocalPool:
    """A Pipeline look-alike whose ``process`` fans batches out to worker processes.

    Each worker (started with ``spawn``: no inherited threads or locks) loads its own model;
    results come back in input order to the one process that writes. A job of one batch or
    less runs in this process instead, so small ingests do not pay for starting workers.
    At most ``2 * workers`` batches are in flight, so memory stays flat on long inputs.

    A worker that dies (kill -9, the out-of-memory killer) breaks the pool: every batch in
    flight is lost with it, and which one killed it is unknown. So the pool is restarted and
    those batches are run again one at a time; a batch whose worker dies again is rejected
    (each article a ``WorkerDied`` Rejection naming its origin) and the run goes on.
    ``DEATHS_IN_A_ROW`` such deaths with no batch finishing between them mean the workers
    cannot run at all: ``WorkersKeepDying`` stops the run.
    (``concurrent.futures`` rather than ``multiprocessing.Pool``: the latter replaces a dead
    worker but never fails its task, so the run waited forever.)
    """

    DEATHS_IN_A_ROW = 3

    def __init__(self, pipeline: Pipeline, *, workers: int, chunk: int | None = None) -> None:
        self.pipeline = pipeline
        self.settings = pipeline.settings
        self.nlp = pipeline.nlp
        self.workers = max(1, workers)
        self.chunk = chunk or self.settings.batch_size
        self._pool: ProcessPoolExecutor | None = None
        self._deaths = 0  # batches whose worker died again, since the last batch finished

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        self.close(abort=exc_type is not None)

    def close(self, *, abort: bool = False) -> None:
        """Stop the workers: let them finish, or (on an error or Ctrl-C) end them at once."""
        pool, self._pool = self._pool, None
        if pool is None:
            return
        if abort:
            # Python 3.14 has pool.terminate_workers(); before it, the processes themselves.
            for proc in list(getattr(pool, "_processes", {}).values()):
                proc.terminate()
        pool.shutdown(wait=True, cancel_futures=abort)

    def _start(self) -> ProcessPoolExecutor:
        if self._pool is None:
            ctx = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(self.workers, mp_context=ctx,
                                             initializer=_init_worker,
                                             initargs=(self.settings.model, self.settings))
        return self._pool

    def process(self, articles: Iterable[Article | Rejection]) -> Iterator[Result | Rejection]:
        chunks = _chunks(articles, self.chunk)
        first = next(chunks, None)
        if first is None:
            return
        second = next(chunks, None)
        if self.workers == 1 or second is None:
            yield from self.pipeline.process(first)
            if second is not None:
                for c in (second, *chunks):
                    yield from self.pipeline.process(c)
            return
        pending: deque[tuple[list[Article | Rejection], Future[list[Result | Rejection]]]] = deque()
        for c in _prepend([first, second], chunks):
            pending.append((c, self._submit(c)))
            if len(pending) >= 2 * self.workers:
                yield from self._next(pending)
        while pending:
            yield from self._next(pending)

    def _submit(self, chunk: list[Article | Rejection]) -> Future[list[Result | Rejection]]:
        try:
            return self._start().submit(_work, chunk)
        except BrokenProcessPool as exc:  # broke since the last result was taken
            lost: Future[list[Result | Rejection]] = Future()
            lost.set_exception(exc)  # so it is run again with the other batches lost
            return lost

    def _next(self, pending: deque[tuple[list[Article | Rejection],
                                         Future[list[Result | Rejection]]]]
              ) -> Iterator[Result | Rejection]:
        """The outputs of the oldest batch in flight (all of them, after a worker died)."""
        _, fut = pending[0]
        try:
            out = fut.result()
        except BrokenProcessPool:
            outs = self._recover(list(pending))
            pending.clear()
            for o in outs:
                yield from o
            return
        pending.popleft()
        self._deaths = 0
        yield from out

    def _recover(self, lost: list[tuple[list[Article | Rejection],
                                        Future[list[Result | Rejection]]]]
                 ) -> list[list[Result | Rejection]]:
        """Run the batches of a broken pool again one at a time, in input order."""
        errors = [fut.exception() for _, fut in lost]  # a broken pool fails all it holds
        for err in errors:
            if err is not None and not isinstance(err, BrokenProcessPool):
                self.close(abort=True)
                raise err  # a systemic failure in a worker: stop as in a healthy pool
        failed = [err is not None for err in errors]
        self.close(abort=True)
        outs: list[list[Result | Rejection]] = []
        for (chunk, fut), lost_it in zip(lost, failed):
            if not lost_it:  # finished before the pool broke
                outs.append(fut.result())
                continue
            try:
                outs.append(self._start().submit(_work, chunk).result())
                self._deaths = 0
            except BrokenProcessPool:
                self.close(abort=True)
                self._deaths += 1
                died = _died(chunk)
                if self._deaths >= self.DEATHS_IN_A_ROW:
                    raise WorkersKeepDying(
                        f"worker processes died on {self._deaths} batches in a row, each run "
                        f"alone (killed, or out of memory); use fewer --workers or add memory",
                        origin=died[0].origin if died else None) from None
                outs.append(died)
        return outs


def _died(chunk: list[Article | Rejection]) -> list[Result | Rejection]:
    """The Rejections of a batch whose worker died twice (input Rejections pass through)."""
    return [item if isinstance(item, Rejection) else Rejection(
        origin=item.origin or item.id or "?", stage="worker", code=WorkerDied.code,
        message=f"the worker process died (killed, or out of memory) on the batch of "
                f"{len(chunk)} article(s) holding it, twice; rejected with its batch, the "
                f"run goes on", article_id=item.id)
        for item in chunk]


def _chunks(items: Iterable[Any], n: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= n:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _prepend(head: list[Any], rest: Iterator[Any]) -> Iterator[Any]:
    yield from head
    yield from rest
