"""Places: gazetteer build and import, recognition, resolution, and "where" for a clause.

Public interface used by the pipeline::

    gaz = load_gazetteer()                     # built on first use, cached per process
    places = extract_places(doc, gazetteer=gaz)
    where = place_for(start, end, places, doc)  # the place of a clause's locative phrase

A stage: may import ``model``, ``nlp``, ``data``, ``errors``, ``geo``/``countries``; never the
store, the record, jobs, the API or the CLI.
"""

from __future__ import annotations

from spacy.tokens import Doc

from ..model import Place
from .gazetteer import Gazetteer, load_gazetteer
from .locate import place_for
from .recognize import recognize as _recognize
from .resolve import THRESHOLD
from .resolve import resolve as _resolve


def extract_places(doc: Doc, *, gazetteer: Gazetteer) -> list[Place]:
    """Every place the article names, in text order; unresolved ones keep lat/lon None."""
    return _resolve(doc, _recognize(doc, gazetteer=gazetteer), gazetteer=gazetteer)


__all__ = ["THRESHOLD", "Gazetteer", "extract_places", "load_gazetteer", "place_for"]
