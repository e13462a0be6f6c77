"""The record: results become stored, deduplicated, sourced and clustered events.

This package owns what happens to a ``Result`` after the pipeline: ``store_result`` is the one
path into the record, used by ``ingest``, batch ``load``, ``watch`` and ``POST /articles``
alike; ``Recorder`` collects what changed and updates the clusters once at the end. Beside it:
``dedup`` (near-duplicate articles kept as sources), ``linking`` (when two events are one
incident) and ``clusters`` (storing and updating those incidents), ``export`` (ACLED CSV, GeoJSON, Parquet, ...) and ``arrow`` (the one set of
Arrow schemas for stored records, shared by the batch partitions and the Parquet export).

May import: ``model``, ``errors``, ``data``, ``store``, ``geo``/``countries``. Never the
pipeline, the stages, ``jobs``, ``api`` or the CLI.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from types import TracebackType
from typing import Literal, Self

from ..model import Result
from ..store.base import Store
from . import clusters, dedup

Outcome = Literal["stored", "duplicate", "already"]


@dataclass(frozen=True, slots=True)
class Stored:
    """What became of one result.

    ``outcome``: "stored" (a new article), "duplicate" (a near-duplicate of the stored
    ``article_id``, kept as one of its sources), "already" (this id was stored before).
    ``changed``: whether ``article_id``'s events or sources changed, so its clusters need an
    update.
    """

    article_id: str
    outcome: Outcome
    changed: bool


def store_result(store: Store, result: Result, *, origin: str | None = None,
                 model: str | None = None, replace: bool = False) -> Stored:
    """Put one result into the record, in one transaction, holding the store only meanwhile.

    An id already stored is left alone (unless ``replace``); a near-duplicate of a stored
    article (syndicated copy, light edit) is not stored again but added to that article's
    sources; anything else is written with its dedup signature. Clusters are not touched
    here: update them for the changed articles once per batch (``Recorder`` does).
    """
    with store.hold():
        if not replace and store.has_article(result.id):
            return Stored(result.id, "already", False)
        dup = None if replace else dedup.find_duplicate(store, result.text, exclude=result.id)
        if dup is not None:
            return Stored(dup.article_id, "duplicate", dedup.add_source(store, dup, result))
        if store.write(result, origin=origin, model=model, replace=replace,
                       on_insert=dedup.index_result):
            return Stored(result.id, "stored", True)
        return Stored(result.id, "already", False)


@dataclass
class Recorder:
    """Results into one store, counted; clusters of what changed updated once, on ``settle``.

    As a context manager it settles on the way out, also when the run stops early (an error,
    Ctrl-C): what was stored is clustered, and the original error is the one raised.
    """

    store: Store
    stored: int = 0
    already: int = 0
    duplicates: int = 0  # near-duplicates added as sources (counted in ``already`` too)
    changed: list[str] = field(default_factory=list)

    def add(self, result: Result, *, origin: str | None = None, model: str | None = None,
            replace: bool = False) -> Stored:
        got = store_result(self.store, result, origin=origin, model=model, replace=replace)
        if got.outcome == "stored":
            self.stored += 1
        else:
            self.already += 1
            self.duplicates += got.outcome == "duplicate"
        if got.changed:
            self.changed.append(got.article_id)
        return got

    def settle(self) -> None:
        """Update the clusters of the articles that changed since the last settle."""
        if self.changed:
            changed, self.changed = self.changed, []
            clusters.update(self.store, changed)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        if exc_type is None:
            self.settle()
            return
        with contextlib.suppress(Exception):  # the error that stopped the run is the one to tell
            self.settle()


__all__ = ["Outcome", "Recorder", "Stored", "store_result"]
