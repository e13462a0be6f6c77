"""Local pool and Ray Data runners of ``pipeline.py``.

One callable class, ``Extractor``, loads the pipeline once in ``__init__`` and processes a
batch per call; the same class serves the local process pool (``frontwire ingest --workers``),
the local shard runner and the Ray Data actor pool (``frontwire batch --engine ray``). Workers
only extract; one writer (the parent process, or the Ray driver) stores, so the DuckDB file
has one owner and Parquet partitions are written whole or not at all.

Shards (``frontwire batch``): every input file is a shard. Its rows are written to
``OUT/<table>/shard=<key>/part-0.parquet`` for the tables articles, places, times, claims,
events and rejections, then a marker ``OUT/_shards/<key>.json``. A shard with a marker is
skipped on the next run; a shard that fails (unreadable file, worker crash) is retried, and
if it still fails it is reported in ``OUT/_shards/<key>.failed.json`` while the rest go on.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import re
import types
import typing
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Self

from ..config import Settings
from ..errors import WorkerDied, WorkersKeepDying
from ..model import (
    Actor,
    Article,
    Claim,
    Event,
    Evidence,
    Location,
    Place,
    Rejection,
    Result,
    TimeSpan,
)
from ..pipeline import Pipeline
from ..record import Recorder

SHARD_SUFFIXES = (".jsonl", ".ndjson", ".parquet", ".warc", ".warc.gz")
TABLES = ("articles", "places", "times", "claims", "events", "rejections")

# -- the per-batch function -----------------------------------------------------------------


class Extractor:
    """Loads the pipeline once; each call processes one batch (the unit every runner ships)."""

    def __init__(self, *, model: str | None = None, settings: Settings | None = None) -> None:
        self.pipeline = Pipeline(model=model, settings=settings)
        _ = self.pipeline.gazetteer  # load now, not inside the first batch

    def process(self, items: list[Article | Rejection]) -> list[Result | Rejection]:
        return list(self.pipeline.process(items))

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        """Ray Data form: columns shard, kind, payload (JSON) in; plus origin and model out.

        A Result does not carry where its article was read from, nor which model made it;
        both travel beside it so the driver writes the same ``origin`` and ``model`` columns
        as the local pool (and never loads a model of its own to learn the name).
        """
        from ..nlp import model_name

        shards, kinds, payloads = (list(batch[c]) for c in ("shard", "kind", "payload"))
        items: list[Article | Rejection] = []
        passed: list[tuple[str, str, str]] = []  # shard failures pass through untouched
        owner: list[str] = []
        for shard, kind, payload in zip(shards, kinds, payloads):
            if kind == "failed":
                passed.append((shard, kind, payload))
                continue
            items.append(_from_row(kind, payload))
            owner.append(shard)
        out: dict[str, list[Any]] = {"shard": [], "kind": [], "payload": [], "origin": [],
                                     "model": []}
        model = model_name(self.pipeline.nlp)
        for shard, item, res in zip(owner, items, self.process(items)):
            out["shard"].append(shard)
            out["kind"].append("result" if isinstance(res, Result) else "rejection")
            out["payload"].append(json.dumps(res.to_dict()))
            out["origin"].append(item.origin)
            out["model"].append(model)
        for shard, kind, payload in passed:
            out["shard"].append(shard)
            out["kind"].append(kind)
            out["payload"].append(payload)
            out["origin"].append(None)
            out["model"].append(None)
        return out


def _from_row(kind: str, payload: str) -> Article | Rejection:
    d = json.loads(payload)
    if kind == "rejection":
        return Rejection(**d)
    published = d.pop("published", None)
    return Article(**d, published=date.fromisoformat(published) if published else None)


def _to_row(shard: str, item: Article | Rejection) -> dict[str, str]:
    kind = "article" if isinstance(item, Article) else "rejection"
    return {"shard": shard, "kind": kind, "payload": json.dumps(item.to_dict())}


# -- local parallelism: one model per worker process, one writer ---------------------------

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


# -- shards ---------------------------------------------------------------------------------


def shard_key(path: str | Path) -> str:
    """A stable, file-system-safe key: the file name plus a hash of its absolute path."""
    p = Path(path)
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", p.name)[:60]
    digest = hashlib.sha1(str(p.resolve()).encode()).hexdigest()[:10]
    return f"{stem}-{digest}"


def find_shards(inputs: Iterable[str]) -> list[Path]:
    """Input files, and shard files under input folders (sorted, hidden ones skipped)."""
    out: list[Path] = []
    for item in inputs:
        p = Path(item)
        if p.is_dir():
            out.extend(c for c in sorted(p.rglob("*")) if c.is_file()
                       and c.name.lower().endswith(SHARD_SUFFIXES)
                       and not any(part.startswith(".") for part in c.relative_to(p).parts))
        else:
            out.append(p)
    return out


def read_shard(path: str | Path, *, published: date | None = None,
               max_bytes: int = 50_000_000) -> Iterator[Article | Rejection]:
    """Articles of one shard: JSON Lines, Parquet (columns as in JSON Lines) or WARC.

    Raises ``OSError`` or ``ValueError`` when the shard as a whole cannot be read; a bad
    record inside a readable shard is a Rejection.
    """
    from ..ingest import read_inputs, read_jsonl

    p = Path(path)
    name = p.name.lower()
    if name.endswith(".parquet"):
        import pyarrow.parquet as pq

        table = pq.read_table(p)
        lines = (json.dumps(row, default=str) for row in table.to_pylist())
        yield from read_jsonl("\n".join(lines), origin=str(p), published=published)
    elif name.endswith((".jsonl", ".ndjson")):
        if not p.is_file():
            raise FileNotFoundError(f"{p}: no such shard")
        yield from read_jsonl(p.read_text(encoding="utf-8"), origin=str(p), published=published)
    else:  # WARC, text, HTML: the ordinary readers
        if not p.exists():
            raise FileNotFoundError(f"{p}: no such shard")
        yield from read_inputs([str(p)], published=published, max_bytes=max_bytes)


# -- Parquet output -------------------------------------------------------------------------


def _arrow_type(hint: Any) -> Any:
    import pyarrow as pa

    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return _arrow_type(args[0])
    if origin is typing.Literal or hint is str:
        return pa.string()
    if origin is tuple:
        return pa.list_(_arrow_type(typing.get_args(hint)[0]))
    simple = {int: pa.int64(), float: pa.float64(), bool: pa.bool_(), date: pa.date32()}
    if hint in simple:
        return simple[hint]
    if isinstance(hint, type) and hasattr(hint, "__dataclass_fields__"):
        return pa.struct([pa.field(n, _arrow_type(t)) for n, t in _hints(hint).items()])
    raise TypeError(f"no Arrow type for {hint!r}")


def _hints(cls: type) -> dict[str, Any]:
    hints = typing.get_type_hints(cls)
    return {f.name: hints[f.name] for f in fields(cls)}


def _schema(cls: type, *, extra: dict[str, Any] | None = None) -> Any:
    import pyarrow as pa

    cols = [pa.field("article_id", pa.string()), pa.field("seq", pa.int64())]
    cols += [pa.field(n, _arrow_type(t)) for n, t in _hints(cls).items()]
    return pa.schema(cols + [pa.field(n, t) for n, t in (extra or {}).items()])


def _article_schema() -> Any:
    import pyarrow as pa

    return pa.schema([("id", pa.string()), ("url", pa.string()), ("title", pa.string()),
                      ("source", pa.string()), ("published", pa.date32()),
                      ("language", pa.string()), ("origin", pa.string()),
                      ("model", pa.string()), ("n_places", pa.int64()), ("n_times", pa.int64()),
                      ("n_claims", pa.int64()), ("n_events", pa.int64()), ("text", pa.string()),
                      ("result_json", pa.string())])


_REJECTION_COLUMNS = ("origin", "stage", "code", "message", "article_id")


def _rows(results: list[Result], rejections: list[Rejection], *, origins: dict[str, str | None],
          model: str | None) -> dict[str, list[dict[str, Any]]]:
    def kids(r: Result, items: tuple[Any, ...]) -> list[dict[str, Any]]:
        return [{"article_id": r.id, "seq": i, **_plain(x)} for i, x in enumerate(items)]

    tables: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
    for r in results:
        tables["articles"].append({
            "id": r.id, "url": r.url, "title": r.title, "source": r.source,
            "published": r.published, "language": r.language, "origin": origins.get(r.id),
            "model": model, "n_places": len(r.places), "n_times": len(r.times),
            "n_claims": len(r.claims), "n_events": len(r.events), "text": r.text,
            "result_json": json.dumps(r.to_dict(), ensure_ascii=False)})
        tables["places"] += kids(r, r.places)
        tables["times"] += kids(r, r.times)
        tables["claims"] += kids(r, r.claims)
        tables["events"] += kids(r, r.events)
    tables["rejections"] = [{k: getattr(x, k) for k in _REJECTION_COLUMNS} for x in rejections]
    return tables


def _plain(record: Any) -> dict[str, Any]:
    """A record as a dict of Python values (dates kept as dates, nested records as dicts)."""
    out = {}
    for f in fields(record):
        v = getattr(record, f.name)
        if hasattr(v, "__dataclass_fields__"):
            v = _plain(v)
        elif isinstance(v, tuple):
            v = [_plain(x) if hasattr(x, "__dataclass_fields__") else x for x in v]
        out[f.name] = v
    return out


SCHEMAS: dict[str, Callable[[], Any]] = {
    "articles": _article_schema,
    "places": lambda: _schema(Place),
    "times": lambda: _schema(TimeSpan),
    "claims": lambda: _schema(Claim),
    "events": lambda: _schema(Event),
}
_ = (Actor, Location, Evidence)  # nested in Event's schema


def write_shard(out: Path, key: str, *, path: str, results: list[Result],
                rejections: list[Rejection], origins: dict[str, str | None],
                model: str | None) -> dict[str, Any]:
    """Write one shard's partitions, then its marker (so a crash leaves no marker)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    tables = _rows(results, rejections, origins=origins, model=model)
    for name, rows in tables.items():
        folder = out / name / f"shard={key}"
        target = folder / "part-0.parquet"
        if not rows:
            target.unlink(missing_ok=True)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        if name == "rejections":
            table = pa.Table.from_pylist(rows, schema=pa.schema(
                [(c, pa.string()) for c in _REJECTION_COLUMNS]))
        else:
            table = pa.Table.from_pylist(rows, schema=SCHEMAS[name]())
        tmp = folder / "part-0.parquet.tmp"
        pq.write_table(table, tmp)
        tmp.replace(target)
    marker = {"shard": key, "path": path, "articles": len(results),
              "rejected": len(rejections), "model": model,
              "finished_at": datetime.now(UTC).isoformat(timespec="seconds")}
    shards = out / "_shards"
    shards.mkdir(parents=True, exist_ok=True)
    (shards / f"{key}.failed.json").unlink(missing_ok=True)
    tmp = shards / f"{key}.json.tmp"
    tmp.write_text(json.dumps(marker, indent=1), encoding="utf-8")
    tmp.replace(shards / f"{key}.json")
    return marker


# -- the batch job --------------------------------------------------------------------------


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
              on_shard: Callable[[str, str, str], None] | None = None) -> BatchSummary:
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
    workers = workers or default_workers()
    run = _run_ray if engine == "ray" else _run_local
    with _Runner(engine=engine, workers=workers, model=model) as runner:
        for attempt in range(retries + 1):
            failed = run(runner, pending, outdir, published=published, summary=summary,
                         on_shard=on_shard)
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


class _Runner:
    """What a run keeps between rounds: the local pool or Ray's actors (models loaded once)."""

    def __init__(self, *, engine: str, workers: int, model: str | None) -> None:
        self.engine, self.workers, self.model = engine, workers, model
        self._pool: LocalPool | None = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        if self._pool is not None:
            self._pool.close(abort=exc_type is not None)

    def pool(self) -> LocalPool:
        if self._pool is None:
            self._pool = LocalPool(Pipeline(model=self.model), workers=self.workers)
        return self._pool


def _model_name(pool: LocalPool) -> str:
    from ..nlp import model_name

    return model_name(pool.nlp)


def _run_local(runner: _Runner, pending: dict[str, Path], out: Path, *,
               published: date | None, summary: BatchSummary,
               on_shard: Callable[[str, str, str], None] | None) -> dict[str, str]:
    failed: dict[str, str] = {}
    pool = runner.pool()
    model = _model_name(pool)
    for key, path in pending.items():
        try:
            items = list(read_shard(path, published=published))
            origins = {a.id: a.origin for a in items if isinstance(a, Article) and a.id}
            outs = list(pool.process(items))
        except (OSError, ValueError, RuntimeError) as exc:  # the shard, not one article
            failed[key] = f"{exc.__class__.__name__}: {exc}"
            continue
        _finish(out, key, path, outs, origins, model, summary, on_shard)
    return failed


def _finish(out: Path, key: str, path: Path, outs: list[Result | Rejection],
            origins: dict[str, str | None], model: str | None, summary: BatchSummary,
            on_shard: Callable[[str, str, str], None] | None) -> None:
    results = [o for o in outs if isinstance(o, Result)]
    rejections = [o for o in outs if isinstance(o, Rejection)]
    write_shard(out, key, path=str(path), results=results, rejections=rejections,
                origins=origins, model=model)
    summary.done.append(str(path))
    summary.articles += len(results)
    summary.rejected += len(rejections)
    if on_shard:
        on_shard(str(path), "done", f"{len(results)} article(s), {len(rejections)} rejected")


# -- Ray Data -------------------------------------------------------------------------------


def _read_rows(row: dict[str, Any], *, published: str | None) -> list[dict[str, str]]:
    """Ray read task: one shard -> rows; a shard that cannot be read -> one 'failed' row."""
    when = date.fromisoformat(published) if published else None
    try:
        return [_to_row(row["shard"], item) for item in read_shard(row["path"], published=when)]
    except (OSError, ValueError, RuntimeError) as exc:
        return [{"shard": row["shard"], "kind": "failed",
                 "payload": f"{exc.__class__.__name__}: {exc}"}]


def _run_ray(runner: _Runner, pending: dict[str, Path], out: Path, *,
             published: date | None, summary: BatchSummary,
             on_shard: Callable[[str, str, str], None] | None) -> dict[str, str]:
    """Ray Data: read tasks per shard, an actor pool of Extractors, the driver writes.

    Actors ask for half a CPU each: on a 2-CPU machine a pool claiming every CPU leaves none
    for the read tasks and the job hangs. Outputs are grouped by shard on the driver and each
    shard is written when the dataset is drained, so an interrupted run leaves no marker.
    """
    import ray
    from ray.data import ActorPoolStrategy

    if not ray.is_initialized():
        ray.init(include_dashboard=False, log_to_driver=False,
                 ignore_reinit_error=True)  # RAY_ADDRESS in the environment joins a cluster
    ds = ray.data.from_items([{"shard": k, "path": str(p)} for k, p in pending.items()])
    ds = ds.flat_map(_read_rows, fn_kwargs={"published": published.isoformat()
                                            if published else None})
    ds = ds.map_batches(Extractor, fn_constructor_kwargs={"model": runner.model},
                        compute=ActorPoolStrategy(size=runner.workers), num_cpus=0.5,
                        batch_size=16, batch_format="default")
    by_shard: dict[str, list[Result | Rejection]] = {k: [] for k in pending}
    failed: dict[str, str] = {}
    origins: dict[str, str | None] = {}
    model = None
    for row in ds.iter_rows():
        key, kind, payload = row["shard"], row["kind"], row["payload"]
        if kind == "failed":
            failed[key] = payload
        elif kind == "result":
            res = Result.from_dict(json.loads(payload))
            by_shard[key].append(res)
            origins[res.id] = row.get("origin")
            model = model or row.get("model")
        else:
            by_shard[key].append(Rejection(**json.loads(payload)))
    for key, outs in by_shard.items():
        if key in failed:
            continue
        _finish(out, key, pending[key], outs, origins, model, summary, on_shard)
    return failed


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
