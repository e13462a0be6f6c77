"""Time expressions resolved against the article's publication date.

"on Tuesday", "last month", "the past six months", "since February 2022", "Jan. 3" become
calendar intervals with an honest precision (day | week | month | quarter | year | range).
Candidates come from the vocabulary patterns of ``grammar`` (``data/times.yaml``) and from
spaCy's DATE entities; the patterns fix the extent of an expression ("the past six months",
not "months"; "Tuesday", not "on Tuesday"), the parse gives the tense that decides
direction ("will meet on Friday"), and dateparser reads absolute dates in formats the
patterns miss. "since February 2022" gives the interval to publication and, as news
annotation (TimeML, our gold files) marks it, "February 2022" as a time of its own. With no publication date, relative expressions stay unresolved (value
null): the machine's clock is never read.

A stage: may import ``model``, ``nlp``, ``data``, ``errors``; never the store, the record, jobs,
the API or the CLI.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from ..model import TimeSpan
from ..nlp import doc_text
from . import calendar as cal
from .grammar import Hit, Rule, absolute, find, kind_of, resolve, resolve_parts
from .resolvers import for_n
from .tense import Tense, attached_verb, governing_verb, present_perfect, span_of, tense_at
from .vocab import alt, vocab

__all__ = ["extract_times", "resolve_phrase", "time_for"]


def _timespan(text: str, start: int, end: int, iv: cal.Interval | None) -> TimeSpan:
    if iv is None:
        return TimeSpan(text=text, start=start, end=end)
    return TimeSpan(text=text, start=start, end=end, value=iv.value, start_date=iv.start,
                    end_date=iv.end, precision=iv.precision)


def resolve_phrase(text: str, *, published: date | None, future: bool = False
                   ) -> TimeSpan | None:
    """Resolve an isolated time expression (offsets 0..len(text)).

    None when the text holds no time expression; a TimeSpan with ``value`` None for a
    duration or for a relative expression when ``published`` is unknown.
    """
    tense: Tense = "future" if future else None
    hits = find(text)
    if hits:
        best = max(hits, key=lambda h: h.length)
        iv = None if kind_of(best) in ("duration", "anaphor") else resolve(
            best, published=published, tense=tense)
        return _timespan(text, 0, len(text), iv)
    iv = absolute(text, published=published, tense=tense)
    return _timespan(text, 0, len(text), iv) if iv else None


# ------------------------------------------------------------------------------ documents

class _Filter:
    """Decides, in a parsed document, whether a pattern hit that needs a cue is a time."""

    def __init__(self, doc: Doc) -> None:
        v = vocab()
        self.doc = doc
        self.ents = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("DATE", "TIME")]
        self.full_months = {ws[0] for ws in v.raw["months"].values()} | {"may", "june", "july"}
        self.cue = _patterns().cue

    def _is_verb(self, start: int, end: int) -> bool:
        span = span_of(self.doc, start, end)
        return span is not None and span.root.pos_ in ("VERB", "AUX")

    def in_entity(self, start: int, end: int) -> bool:
        return any(s < end and start < e for s, e in self.ents)

    def __call__(self, ru: Rule, m: re.Match[str]) -> bool:
        text = doc_text(self.doc)
        gd = m.groupdict()
        mon = gd.get("mon")
        if mon and mon.lower().rstrip(".") in ("may", "march", "mar") and ru.name == "month":
            span = span_of(self.doc, m.start("mon"), m.end("mon"))
            if span is not None and span.root.pos_ in ("VERB", "AUX"):
                return False
        if mon and ru.name == "month" and mon.lower().rstrip(".") not in self.full_months \
                and not mon.endswith("."):
            return False  # "Jan Kavan": a bare abbreviation is a month only with its dot
        if ru.name in ("season", "month") and self._is_verb(m.start(), m.end()):
            return False  # "prices continued to fall", "troops march"
        if re.search(r"\s(?:Week|Month|Year|Morning|Night)\b", m.group(0)) and \
                ru.name in ("period", "day_word"):
            return False  # a title: ABC's "This Week"
        if not ru.needs_cue:
            return True
        if ru.name == "year" and gd.get("y") and not gd["y"][0].isdigit():
            return True  # "nineteen ninety-six" is a year wherever it stands
        if self.in_entity(m.start(), m.end()):
            return True
        if ru.kind == "duration" or ru.name in ("the_year", "the_quarter"):
            return False
        if gd.get("rel") or gd.get("pre") or (ru.name != "year" and gd.get("y")):
            return True
        return bool(self.cue.search(text[max(0, m.start() - 20):m.start()]))


class _Patterns(NamedTuple):
    lead: re.Pattern[str]  # words a DATE entity carries before its expression ("on")
    not_times: re.Pattern[str]  # DATE entities that are not times ("44", "annual")
    cue: re.Pattern[str]  # what makes a bare "March" or "2014" a time ("in", "since")
    time_word: re.Pattern[str]  # what an unmatched DATE entity needs to be kept
    future_cue: re.Pattern[str]  # "ahead of" right before an expression


@functools.lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    v = vocab()
    words = [*v.units, *v.raw["entity_time_words"]]
    return _Patterns(
        lead=re.compile(rf"^(?:{alt(v.raw['leading_trim'])})\s+", re.IGNORECASE),
        not_times=re.compile("|".join(v.raw["not_times"]), re.IGNORECASE),
        cue=re.compile(rf"(?:^|\W)(?:{alt(v.raw['bare_name_cues'])})[\s-]*$", re.IGNORECASE),
        time_word=re.compile(rf"\d|\b(?:{alt(words)})", re.IGNORECASE),
        future_cue=re.compile(rf"\b(?:{alt(v.tense['future_cues'])})\s+(?:the\s+)?$",
                              re.IGNORECASE),
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrow a DATE entity to its expression: "on Tuesday" -> "Tuesday"."""
    lead = _patterns().lead
    while True:
        m = lead.match(text[start:end])
        if not m or m.end() >= end - start:
            break
        start += m.end()
    while end > start and text[end - 1] in " ,.;:'\u2019":
        end -= 1
    return start, end


def extract_times(doc: Doc, *, published: date | None) -> list[TimeSpan]:
    """Every time expression in a parsed article, resolved against ``published``."""
    text = doc_text(doc)
    future_cue = _patterns().future_cue
    accept = _Filter(doc)
    hits: list[Hit] = find(text, accept=accept, strict_case=True)
    out: list[TimeSpan] = []
    ref: cal.Interval | None = None  # the anchor of "the following day", "that year"
    for h in hits:
        if kind_of(h) == "duration":
            iv = for_n(h, published) if present_perfect(doc, h.start, h.end) else None
        else:
            tense = "future" if future_cue.search(text[max(0, h.start - 30):h.start]) \
                else tense_at(doc, h.start, h.end)
            iv = resolve(h, published=published, tense=tense, ref=ref)
        if iv is not None and iv.precision != "range" and h.rule != "year_ago":
            ref = iv  # a year-ago comparison does not move the period under discussion
        out.append(_timespan(text[h.start:h.end], h.start, h.end, iv))
        for part, piv in resolve_parts(h, published=published, tense=tense if kind_of(h)
                                       != "duration" else None):
            out.append(_timespan(text[part.start:part.end], part.start, part.end, piv))
    not_times = _patterns().not_times
    time_word = _patterns().time_word
    for ent in doc.ents:
        if ent.label_ != "DATE" or any(h.start < ent.end_char and ent.start_char < h.end
                                       for h in hits):
            continue
        if not_times.search(ent.text) or not time_word.search(ent.text):
            continue  # "annual", "44" (an age), "as early as": not an expression of time
        s, e = _trim(text, ent.start_char, ent.end_char)
        if e <= s:
            continue
        iv = absolute(text[s:e], published=published, tense=tense_at(doc, s, e))
        out.append(_timespan(text[s:e], s, e, iv))
    out.sort(key=lambda t: t.start)
    return out


# ------------------------------------------------------------------------------- time_for

def _root(doc: Doc, start: int, end: int) -> Token | None:
    span: Span | None = span_of(doc, start, end)
    return span.root if span is not None else None


def time_for(start: int, end: int, times: Sequence[TimeSpan], doc: Doc) -> TimeSpan | None:
    """The time expression governing the clause or trigger at [start, end), or None.

    The time attached (through its preposition) to the trigger's own verb wins; else the
    one attached to the nearest verb above it in the same sentence ("said on Wednesday that
    border guards repelled an attack"). Resolved expressions are preferred to durations, and
    a whole "since X" to the X inside it.
    """
    root = _root(doc, start, end)
    if root is None:
        return None
    verb = governing_verb(root)
    # A noun trigger heading its own clause ("airstrikes that killed 15 overnight", or the
    # small model's misparse of "airstrikes killed 15 overnight"): its verb is below it.
    own = [c for c in root.children if c.dep_ in ("acl", "relcl") and c.pos_ in ("VERB", "AUX")]
    if verb is None and not own:
        return None
    sent = root.sent
    by_verb: dict[int, list[TimeSpan]] = {}
    for t in times:
        if not (sent.start_char <= t.start < sent.end_char):
            continue
        if any(o is not t and o.start <= t.start and t.end <= o.end and o.end - o.start >
               t.end - t.start for o in times):
            continue  # the "February 2022" of "since February 2022": the clause has the whole
        troot = _root(doc, t.start, t.end)
        tverb = attached_verb(doc, troot) if troot is not None else None
        if tverb is not None:
            by_verb.setdefault(tverb.i, []).append(t)
    for c in own:
        if by_verb.get(c.i):
            mid = (start + end) / 2
            return min(by_verb[c.i], key=lambda t: (t.value is None, abs((t.start + t.end) / 2 - mid)))
    v: Token | None = verb if verb is not None else own[0]
    seen: set[int] = set()
    while v is not None and v.i not in seen:
        seen.add(v.i)
        cands = by_verb.get(v.i)
        if cands:
            mid = (start + end) / 2
            return min(cands, key=lambda t: (t.value is None, abs((t.start + t.end) / 2 - mid)))
        if v.head.i == v.i:
            break
        v = governing_verb(v.head)
    return None
