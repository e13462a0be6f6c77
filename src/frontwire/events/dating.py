"""When an event happened, with precision.

1. A time expression attached to the trigger's own clause ("shelled Kherson on Tuesday").
2. Else the date of the claim that reports it: a time attached only to the reporting verb
   ("the ministry said on Wednesday that border guards repelled ...") bounds the event
   from above. A present or progressive report ("are slowing down the offensive") is dated
   the day of the report; a past one the week up to it (range).
3. Else the publication date bounds it: the week up to publication (range).
4. Else None: the date is not guessed from the clock.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, timedelta

from spacy.tokens import Doc, Token

from ..model import Claim, TimeSpan
from ..nlp import doc_text
from ..times import time_for
from .lexicon import lexicon

REPORT_WINDOW_DAYS = 7
# "PESHAWAR, Pakistan, July 31 (Reuters) - A suicide bomber ...": the date of a dateline is the
# date of the report, never the event's own date, even when the parser hangs it on the trigger
_DATELINE_TAIL = re.compile(r"\s*(?:\([^()\n]{1,40}\))?\s*[-–—]\s")


def _is_past(verb: Token | None) -> bool:
    """Whether the clause reports something finished (past, perfect) rather than going on."""
    if verb is None:
        return True
    while verb.dep_ in ("xcomp",) and verb.head.i != verb.i:
        verb = verb.head  # "is trying to advance": the tense is the head's
    toks = [verb, *[c for c in verb.children if c.dep_ in ("aux", "auxpass")]]
    if verb.tag_ == "VBG" and any(t.lemma_ == "be" and t.tag_ in ("VBZ", "VBP") for t in toks[1:]):
        return False  # "are slowing down": going on at the time of the report
    return not (verb.tag_ in ("VBZ", "VBP") and not any(t.lemma_ == "have" for t in toks[1:]))


def _bounded(report: date, *, past: bool) -> tuple[date, date, str]:
    if not past:
        return report, report, "day"
    return report - timedelta(days=REPORT_WINDOW_DAYS), report, "range"


def date_event(doc: Doc, *, anchor: Token, verb: Token | None, times: Sequence[TimeSpan],
               claim: Claim | None, published: date | None
               ) -> tuple[date | None, date | None, str | None, str]:
    """(start, end, precision, source) with source one of own | claim | published | none."""
    lex = lexicon()
    text = doc_text(doc)
    times = [t for t in times if not _DATELINE_TAIL.match(text, t.end)]
    start, end = anchor.idx, anchor.idx + len(anchor.text)
    t = time_for(start, end, times, doc)
    if t is None and verb is not None and verb is not anchor:
        t = time_for(verb.idx, verb.idx + len(verb.text), times, doc)
    past = _is_past(verb)
    if t is not None and t.start_date is not None and t.end_date is not None:
        outside_claim = claim is not None and not (claim.start <= t.start < claim.end)
        tspan = doc.char_span(t.start, t.end, alignment_mode="expand")
        on_speech = False
        if tspan is not None:
            h = tspan.root
            for _ in range(4):
                if h.pos_ == "VERB":
                    break
                h = h.head
            on_speech = h.lemma_.lower() in lex.speech_verbs and h is not anchor
        if outside_claim or on_speech:
            s, e, p = _bounded(t.end_date, past=past)
            return s, e, p, "claim"
        return t.start_date, t.end_date, t.precision, "own"
    if claim is not None and claim.date_end is not None:
        s, e, p = _bounded(claim.date_end, past=past)
        return s, e, p, "claim"
    if published is not None:
        # the journalist's present tense ("are attempting to advance") is about recent days,
        # not the day of publication: always the week up to it
        s, e, p = _bounded(published, past=True)
        return s, e, p, "published"
    return None, None, None, "none"
