"""Jobs the CLI (and other programs) run: read inputs, process, store, report.

Kept out of ``cli.py`` so tests and notebooks call them directly.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path

from . import dedup
from .clusters import update as update_clusters
from .ingest import read_inputs
from .model import Article, Rejection, Result
from .nlp import model_name
from .pipeline import Pipeline
from .store import Store


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
    changed: list[str] = []
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

    def settled(outs: Iterator[Result | Rejection]) -> Iterator[Result | Rejection]:
        """The outputs; when processing stops the run (a ``SystemicFailure``, Ctrl-C), what
        was stored so far is clustered first: the next run skips it as already stored."""
        try:
            yield from outs
        except BaseException:
            if changed:
                with contextlib.suppress(Exception):  # the original error is the one to tell
                    update_clusters(store, changed)
            raise

    for out in settled(pipeline.process(fresh())):
        if isinstance(out, Rejection):
            summary.rejected.append(out)
        else:
            dup = None if force else dedup.find_duplicate(store, out.text, exclude=out.id)
            if dup is not None:  # syndicated copy or light edit: stored once, with this source
                if dedup.add_source(store, dup, out):
                    changed.append(dup.article_id)
                summary.already += 1
                summary.duplicates += 1
                summary.ids.append(dup.article_id)
            else:
                if store.write(out, origin=origins.pop(out.id, None), model=model, replace=force,
                               on_insert=dedup.index_result):
                    summary.stored += 1
                    changed.append(out.id)
                else:
                    summary.already += 1
                summary.ids.append(out.id)
        if on_item:
            on_item(out)
    if changed:
        update_clusters(store, changed)
    return summary


def sample_dir() -> Path:
    """The folder of bundled sample articles (the project's own text)."""
    return Path(str(resources.files("frontwire.data").joinpath("samples")))
