"""Shards of ``frontwire batch``: finding, reading and writing them, and their markers.

Every input file is a shard. Its rows are written to ``OUT/<table>/shard=<key>/part-0.parquet``
for the tables articles, places, times, claims, events and rejections (schemas in
``record.arrow``), then a marker ``OUT/_shards/<key>.json``: a shard with a marker is finished.
A partition is written whole or not at all (a temporary file renamed), and the marker last, so
a crash leaves a shard to do again, never half of one.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from ..ingest.readers import JSONL_EXTENSIONS, WARC_SUFFIXES, expand_paths, read_inputs, read_jsonl
from ..model import Article, Rejection, Result
from ..record.arrow import ITEM_RECORDS, TABLES, partition_schema

SHARD_SUFFIXES = (*sorted(JSONL_EXTENSIONS), ".parquet", *WARC_SUFFIXES)
# What fails a shard as a whole (unreadable file, broken worker pool), not one of its articles.
SHARD_ERRORS = (OSError, ValueError, RuntimeError)


@dataclass
class ShardOutput:
    """What an engine made of one shard: its outputs, or why the shard as a whole failed."""

    key: str
    path: Path
    outs: list[Result | Rejection] = field(default_factory=list)
    origins: dict[str, str | None] = field(default_factory=dict)  # article id -> where read
    model: str | None = None
    error: str | None = None


def failure(exc: BaseException) -> str:
    """How a shard's failure is reported (on_shard, the ``.failed.json`` marker)."""
    return f"{exc.__class__.__name__}: {exc}"


def shard_key(path: str | Path) -> str:
    """A stable, file-system-safe key: the file name plus a hash of its absolute path."""
    p = Path(path)
    stem = re.sub(r"[^A-Za-z0-9_.-]", "_", p.name)[:60]
    digest = hashlib.sha1(str(p.resolve()).encode()).hexdigest()[:10]
    return f"{stem}-{digest}"


def find_shards(inputs: Iterable[str]) -> list[Path]:
    """Input files, and shard files under input folders (sorted, hidden ones skipped)."""
    return [Path(p) for p in expand_paths(inputs, suffixes=SHARD_SUFFIXES)]


def read_shard(path: str | Path, *, published: date | None = None,
               max_bytes: int = 50_000_000) -> Iterator[Article | Rejection]:
    """Articles of one shard: JSON Lines, Parquet (columns as in JSON Lines) or WARC.

    Raises ``OSError`` or ``ValueError`` when the shard as a whole cannot be read; a bad
    record inside a readable shard is a Rejection.
    """
    p = Path(path)
    name = p.name.lower()
    if name.endswith(".parquet"):
        import pyarrow.parquet as pq

        table = pq.read_table(p)
        lines = (json.dumps(row, default=str) for row in table.to_pylist())
        yield from read_jsonl("\n".join(lines), origin=str(p), published=published)
    elif name.endswith(tuple(JSONL_EXTENSIONS)):
        if not p.is_file():
            raise FileNotFoundError(f"{p}: no such shard")
        yield from read_jsonl(p.read_text(encoding="utf-8"), origin=str(p), published=published)
    else:  # WARC, text, HTML: the ordinary readers
        if not p.exists():
            raise FileNotFoundError(f"{p}: no such shard")
        yield from read_inputs([str(p)], published=published, max_bytes=max_bytes)


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
        for table in ITEM_RECORDS:  # places, times, claims, events: the Result's lists
            tables[table] += kids(r, getattr(r, table))
    tables["rejections"] = [_plain(x) for x in rejections]
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


def write_shard(out: Path, shard: ShardOutput) -> dict[str, Any]:
    """Write one shard's partitions, then its marker (so a crash leaves no marker)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    results = [o for o in shard.outs if isinstance(o, Result)]
    rejections = [o for o in shard.outs if isinstance(o, Rejection)]
    key = shard.key
    tables = _rows(results, rejections, origins=shard.origins, model=shard.model)
    for name, rows in tables.items():
        folder = out / name / f"shard={key}"
        target = folder / "part-0.parquet"
        if not rows:
            target.unlink(missing_ok=True)
            continue
        folder.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pylist(rows, schema=partition_schema(name))
        tmp = folder / "part-0.parquet.tmp"
        pq.write_table(table, tmp)
        tmp.replace(target)
    marker = {"shard": key, "path": str(shard.path), "articles": len(results),
              "rejected": len(rejections), "model": shard.model,
              "finished_at": datetime.now(UTC).isoformat(timespec="seconds")}
    shards = out / "_shards"
    shards.mkdir(parents=True, exist_ok=True)
    (shards / f"{key}.failed.json").unlink(missing_ok=True)
    tmp = shards / f"{key}.json.tmp"
    tmp.write_text(json.dumps(marker, indent=1), encoding="utf-8")
    tmp.replace(shards / f"{key}.json")
    return marker
