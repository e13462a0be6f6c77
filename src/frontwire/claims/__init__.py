"""Claims: who says so, in which words, through which channel.

``extract_claims`` finds the attributed statements of an article (direct quotes, indirect
speech, "according to", dash quotes) with their speaker, role, type, cue, channel and date;
``claim_for`` tells the event stage which claim, if any, reports a piece of text. The method
is described in ``core`` and ``speakers``; the word lists are data in ``frontwire/data``
(``speech_cues.yaml``, ``channels.yaml``, ``sources.yaml``).

A stage: may import ``model``, ``nlp``, ``data``, ``errors``; never the store, the record, jobs,
the API or the CLI.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence

from spacy.tokens import Doc

from ..errors import FrontwireError
from ..model import Claim, TimeSpan
from .core import extract
from .lexicon import load_lexicon
from .quotes import Quote, find_quotes
from .summary import SourceRow, summarize_sources


def extract_claims(doc: Doc, *, published: datetime.date | None,
                   times: Sequence[TimeSpan] = ()) -> list[Claim]:
    """All claims of a parsed article, in text order.

    ``times`` (from the times stage, same offsets) dates a statement when a time expression
    attaches to its cue ("said on Wednesday"); ``published`` is accepted for symmetry with the
    other stages: a statement's date is never filled from the publication date alone.
    """
    del published  # never used to guess a statement's date (see docstring)
    if len(doc) and not doc.has_annotation("DEP"):
        raise FrontwireError(
            "the claims stage needs a dependency parse; load a spaCy pipeline with its "
            "'parser' component enabled (frontwire.nlp.load_model does)")
    return extract(doc, times=times)


def claim_for(start: int, end: int, claims: Sequence[Claim]) -> Claim | None:
    """The claim whose content covers the text span [start, end), or None.

    None means the journalist states it in their own voice. When several claims cover the
    span the narrowest wins (a quote inside a longer report). A span only partly inside a
    claim counts when more than half of it is inside.
    """
    if end <= start:
        return None
    covering = [c for c in claims if c.start <= start and end <= c.end]
    if covering:
        return min(covering, key=lambda c: c.end - c.start)
    best, best_ov = None, 0
    for c in claims:
        ov = min(end, c.end) - max(start, c.start)
        if ov > best_ov:
            best, best_ov = c, ov
    if best is not None and best_ov * 2 > end - start:
        return best
    return None


__all__ = ["Quote", "SourceRow", "claim_for", "extract_claims", "find_quotes", "load_lexicon",
           "summarize_sources"]
