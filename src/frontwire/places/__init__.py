"""Places: the gazetteer, recognition, resolution, and "where" for a clause.

Public interface used by the pipeline::

    gaz = load_gazetteer()                     # built on first use, cached per process
    places = extract_places(doc, gazetteer=gaz)
    where = place_for(start, end, places, doc)  # the place of a clause's locative phrase

The gazetteer, one job a module: ``names`` (how a name becomes a key), ``gazetteer`` (the
index in memory and its lookups), ``sources`` (what the index is compiled from), ``cache``
(the index file, its key, the one loaded per process), ``geonames_import`` (GeoNames dumps a
user adds). Then ``recognize``, ``resolve`` and ``locate``. A stage: it imports the model, the
data files, ``nlp``, ``geo`` and ``config``, never the store, the record, jobs, API or CLI.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ..model import Place
from .cache import load_gazetteer
from .gazetteer import Gazetteer
from .locate import place_for
from .recognize import recognize as _recognize
from .resolve import THRESHOLD
from .resolve import resolve as _resolve


def extract_places(doc: Doc, *, gazetteer: Gazetteer) -> list[Place]:
    """Every place the article names, in text order; unresolved ones keep lat/lon None."""
    return _resolve(doc, _recognize(doc, gazetteer=gazetteer), gazetteer=gazetteer)


__all__ = ["THRESHOLD", "Gazetteer", "extract_places", "load_gazetteer", "place_for"]
