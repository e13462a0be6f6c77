"""Quotation spans in raw text: curly, straight, low-9 and guillemet marks, quotes that run
over several paragraphs, and the dash quotes of Polish and other translated news.

Quotes are paired on characters, before any parsing, because the parser often attaches a
closing mark to the next sentence. A quotation that never closes is dropped (never guess),
except the newspaper convention for a quote running over paragraphs: a paragraph that ends
inside a quote and a next paragraph that opens with a quotation mark continue one quote.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

OPENERS = {"“": "”", "„": "”“", "«": "»", "»": "«"}
STRAIGHT = '"'
# A dash quote: the paragraph opens with a dash, the quote ends at a spaced dash followed by
# a lower-case word (the cue: "says", "said", "adds") - "- We will hold - says Syrskyi."
_DASH_OPEN = re.compile(r"[ \t]*[-–—][ \t]+")  # used with .match(text, pos)
_DASH_CLOSE = re.compile(r"[ \t]+[-–—][ \t]+(?=[a-z])")
# Every character the scan below acts on; all others only advance it, so it jumps between them.
_MARK = re.compile("[\"“”„«»'`]")


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: ``start``/``end`` delimit the words inside the marks."""

    start: int
    end: int
    open: int  # offset of the opening mark
    close: int  # offset just after the closing mark
    dash: bool = False

    def words(self, text: str) -> int:
        return len(text[self.start:self.end].split())


def paragraphs(text: str) -> list[tuple[int, int]]:
    """Character spans of the paragraphs (runs of text between newlines)."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+", text) if m.group().strip()]


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def find_quotes(text: str) -> list[Quote]:
    """All top-level quotations in ``text``, in order. Nested single quotes stay inside."""
    return list(_find_quotes(text))


@functools.lru_cache(maxsize=8)  # the claims and the speaker stages both ask, per article
def _find_quotes(text: str) -> tuple[Quote, ...]:
    paras = paragraphs(text)
    quotes: list[Quote] = []
    pending: tuple[int, str] | None = None  # (opening offset, closers) carried to next paragraph
    for pi, (ps, pe) in enumerate(paras):
        dash = _DASH_OPEN.match(text, ps, pe)
        if dash and pending is None and not any(c in text[ps:pe] for c in '"“”«»„'):
            close = _DASH_CLOSE.search(text, dash.end(), pe)
            if close:
                s, e = _trim(text, dash.end(), close.start())
                quotes.append(Quote(start=s, end=e, open=ps, close=close.end(), dash=True))
            continue
        i = ps
        open_at, closers = (pending if pending else (None, ""))
        if pending:
            # the continued quote re-opens with a mark at the paragraph start: skip it
            j = ps
            while j < pe and text[j].isspace():
                j += 1
            if j < pe and (text[j] in OPENERS or text[j] == STRAIGHT):
                i = j + 1
            pending = None
        while i < pe:
            mark = _MARK.search(text, i, pe)
            if mark is None:
                break
            i = mark.start()
            ch = text[i]
            pair = text[i:i + 2]
            if pair in ("''", "``"):
                # old typewriter style: ``quote'' or ''quote'' (two marks = one)
                if open_at is None:
                    open_at, closers, i = i + 1, "''", i + 2
                    continue
                if pair == "''" and closers == "''":
                    s_, e_ = _trim(text, open_at + 1, i)
                    if e_ > s_:
                        quotes.append(Quote(start=s_, end=e_, open=open_at - 1, close=i + 2))
                    open_at, closers, i = None, "", i + 2
                    continue
            if closers == "''":
                i += 1
                continue
            if open_at is None:
                if ch in OPENERS:
                    open_at, closers = i, OPENERS[ch]
                elif ch == STRAIGHT:
                    open_at, closers = i, STRAIGHT
            elif ch in closers:
                s, e = _trim(text, open_at + 1, i)
                if e > s:
                    quotes.append(Quote(start=s, end=e, open=open_at, close=i + 1))
                open_at, closers = None, ""
            elif ch == "“" and closers == "”":
                # a new opening mark while one is open: the first was never closed; restart
                open_at = i
            i += 1
        if open_at is not None:
            nxt = paras[pi + 1] if pi + 1 < len(paras) else None
            if nxt is not None:
                head = text[nxt[0]:nxt[1]].lstrip()
                if head[:1] in OPENERS or head[:1] == STRAIGHT:
                    pending = (open_at, closers)
    return tuple(quotes)


def quote_at(quotes: list[Quote], start: int, end: int) -> Quote | None:
    """The quote whose inner span holds most of [start, end), if any."""
    best, best_ov = None, 0
    for q in quotes:
        ov = min(end, q.end) - max(start, q.start)
        if ov > best_ov:
            best, best_ov = q, ov
    if best is not None and best_ov * 2 >= (end - start):
        return best
    return None


def inside_quote(quotes: list[Quote], pos: int) -> bool:
    return any(q.start <= pos < q.end for q in quotes)
