"""Jobs the CLI (and other programs) run: read inputs, process, store, report.

Kept out of ``cli.py`` so tests and notebooks call them directly.

Owns the runners, not stages: the ingest job (here), ``batch`` (shards, Parquet partitions,
Ray) and ``feeds`` (``watch``). May import the pipeline, ``ingest``, the record and the store;
never the API or the CLI.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from ..ingest import read_inputs
from ..model import Article, Rejection, Result
from ..nlp import model_name
from ..pipeline import Pipeline
from ..record import Recorder
from ..store import Store


@dataclass
class IngestSummary:
    stored: int = 0
    already: int = 0
    duplicates: int = 0  # near-duplicates of a stored article: added as its sources (in already)
    rejected: list[Rejection] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)

    @property
    def processed(self) -> int:
        return self.stored + self.already


def ingest(paths: Iterable[str], *, store: Store, pipeline: Pipeline,
           published: date | None = None, force: bool = False,
           on_item: Callable[[Result | Rejection | Article], None] | None = None) -> IngestSummary:
    """Read, process and store articles; each article in its own transaction.

    Articles already stored (same id) are skipped before processing unless ``force``, so
    re-ingesting is a cheap no-op. Rejections are collected, never raised. At the end the
    clusters of the articles stored, replaced or given a new source are updated (not rebuilt).
    """
    summary = IngestSummary()
    model = model_name(pipeline.nlp)
    origins: dict[str, str | None] = {}

    def fresh() -> Iterator[Article | Rejection]:
        for item in read_inputs(paths, published=published, max_bytes=pipeline.settings.max_bytes):
            if isinstance(item, Article) and not force and item.id and store.has_article(item.id):
                summary.already += 1
                summary.ids.append(item.id)
                if on_item:
                    on_item(item)
                continue
            if isinstance(item, Article) and item.id:
                origins[item.id] = item.origin
            yield item

    # The recorder clusters what was stored also when processing stops the run (a
    # ``SystemicFailure``, Ctrl-C): the next run skips those articles as already stored.
    with Recorder(store) as rec:
        for out in pipeline.process(fresh()):
            if isinstance(out, Rejection):
                summary.rejected.append(out)
            else:
                got = rec.add(out, origin=origins.pop(out.id, None), model=model, replace=force)
                summary.ids.append(got.article_id)
            if on_item:
                on_item(out)
    summary.stored += rec.stored
    summary.already += rec.already
    summary.duplicates += rec.duplicates
    return summary


def sample_dir() -> Path:
    """The folder of bundled sample articles (the project's own text)."""
    return Path(str(resources.files("frontwire.data").joinpath("samples")))
