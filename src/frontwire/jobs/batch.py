"""The batch job: ``run_batch`` turns shards into Parquet partitions, ``load`` imports them.

An engine turns the pending shards into ``ShardOutput``s: the local one here (a ``LocalPool``
kept for every round, so models load once) or Ray Data (``jobs.ray``, imported only for
``engine="ray"``). Workers only extract; this process writes each shard (``shards``), so the
partitions of a shard are written whole or not at all. A shard with a marker is skipped on
the next run; a shard that fails (unreadable file, worker crash) is retried, and if it still
fails it is reported in ``OUT/_shards/<key>.failed.json`` while the rest go on.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol, Self

from ..model import Article, Result
from ..nlp import model_name
from ..pipeline import Pipeline
from ..pipeline.pool import LocalPool, default_workers
from ..record import Recorder
from .shards import (
    SHARD_ERRORS,
    ShardOutput,
    failure,
    find_shards,
    read_shard,
    shard_key,
    write_shard,
)

OnShard = Callable[[str, str, str], None]


@dataclass
class BatchSummary:
    done: list[str] = field(default_factory=list)      # shards finished in this run
    skipped: list[str] = field(default_factory=list)   # shards finished by an earlier run
    failed: dict[str, str] = field(default_factory=dict)  # shard path -> last error
    articles: int = 0
    rejected: int = 0


def run_batch(inputs: Iterable[str], *, out: str | Path, engine: str = "local",
              workers: int | None = None, model: str | None = None,
              published: date | None = None, retries: int = 1,
              on_shard: OnShard | None = None) -> BatchSummary:
    """Process every pending shard of ``inputs`` into Parquet partitions under ``out``.

    ``on_shard(path, status, detail)`` is told of each shard: done, skipped, retry, failed.
    """
    outdir = Path(out)
    outdir.mkdir(parents=True, exist_ok=True)
    summary = BatchSummary()
    pending: dict[str, Path] = {}
    for p in find_shards(inputs):
        key = shard_key(p)
        if (outdir / "_shards" / f"{key}.json").exists():
            summary.skipped.append(str(p))
            if on_shard:
                on_shard(str(p), "skipped", "finished by an earlier run")
        else:
            pending[key] = p
    if not pending:
        return summary
    with _engine(engine, workers=workers or default_workers(), model=model) as runner:
        for attempt in range(retries + 1):
            failed: dict[str, str] = {}
            for shard in runner.run(pending, published=published):
                if shard.error is not None:
                    failed[shard.key] = shard.error
                else:
                    _finish(outdir, shard, summary, on_shard)
            pending = {k: p for k, p in pending.items() if k in failed}
            if not pending:
                break
            for key, p in pending.items():
                status = "retry" if attempt < retries else "failed"
                if on_shard:
                    on_shard(str(p), status, failed[key])
                if status == "failed":
                    summary.failed[str(p)] = failed[key]
                    (outdir / "_shards" / f"{key}.failed.json").write_text(json.dumps(
                        {"shard": key, "path": str(p), "error": failed[key],
                         "attempts": retries + 1}, indent=1), encoding="utf-8")
    return summary


class Engine(Protocol):
    """Turns pending shards (key -> path) into their outputs; kept for every round of a run."""

    def __enter__(self) -> Self: ...

    def __exit__(self, exc_type: object, *exc: object) -> None: ...

    def run(self, pending: dict[str, Path], *,
            published: date | None) -> Iterator[ShardOutput]: ...


def _engine(name: str, *, workers: int, model: str | None) -> Engine:
    if name == "ray":
        from .ray import RayEngine

        return RayEngine(workers=workers, model=model)
    return LocalEngine(workers=workers, model=model)


class LocalEngine:
    """A process pool here: one shard at a time, its batches across the workers."""

    def __init__(self, *, workers: int, model: str | None) -> None:
        self.workers, self.model = workers, model
        self._pool: LocalPool | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._pool is not None:
            self._pool.close(abort=exc_type is not None)

    def run(self, pending: dict[str, Path], *, published: date | None) -> Iterator[ShardOutput]:
        if self._pool is None:
            self._pool = LocalPool(Pipeline(model=self.model), workers=self.workers)
        pool = self._pool
        model = model_name(pool.nlp)
        for key, path in pending.items():
            try:
                items = list(read_shard(path, published=published))
                origins = {a.id: a.origin for a in items if isinstance(a, Article) and a.id}
                outs = list(pool.process(items))
            except SHARD_ERRORS as exc:  # the shard, not one article
                yield ShardOutput(key, path, error=failure(exc))
                continue
            yield ShardOutput(key, path, outs, origins, model)


def _finish(out: Path, shard: ShardOutput, summary: BatchSummary,
            on_shard: OnShard | None) -> None:
    marker = write_shard(out, shard)
    summary.done.append(str(shard.path))
    summary.articles += marker["articles"]
    summary.rejected += marker["rejected"]
    if on_shard:
        on_shard(str(shard.path), "done",
                 f"{marker['articles']} article(s), {marker['rejected']} rejected")


# -- load -----------------------------------------------------------------------------------


@dataclass
class LoadSummary:
    stored: int = 0
    already: int = 0
    duplicates: int = 0


def load(directory: str | Path, *, store: Any) -> LoadSummary:
    """Import the article partitions written by ``run_batch`` into a store.

    Each article is rebuilt losslessly from its ``result_json`` column and written as
    ``frontwire ingest`` writes it: already-stored ids are skipped, near-duplicates become
    sources of the stored article, and the clusters they touch are updated once at the end.
    """
    import pyarrow.parquet as pq

    summary = LoadSummary()
    files = sorted(Path(directory).glob("articles/shard=*/part-0.parquet"))
    with Recorder(store) as rec:
        for f in files:
            table = pq.read_table(f, columns=["id", "origin", "model", "result_json"])
            for row in table.to_pylist():
                if store.has_article(row["id"]):  # before parsing the JSON: a re-run is cheap
                    summary.already += 1
                    continue
                res = Result.from_dict(json.loads(row["result_json"]))
                rec.add(res, origin=row["origin"], model=row["model"])
    summary.stored += rec.stored
    summary.already += rec.already
    summary.duplicates += rec.duplicates
    return summary
