"""Absolute dates in formats the patterns of ``grammar`` do not cover, via dateparser.

dateparser reads the format ("3/1/2023", "the 3rd of January", "January the 3rd"); the year,
when the text has none, is filled in by ``calendar.pick`` from the publication date and
the clause's direction, never from the machine's clock: the parser's RELATIVE_BASE is the
publication date (or a fixed sentinel when there is none, and then a yearless date stays
unresolved) and its relative-time parser is switched off.
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from typing import Any

from . import calendar as cal

# A date no article is published on: with no publication date known, dateparser fills
# missing parts from here, and any result that needed filling is rejected.
_SENTINEL = datetime(1900, 1, 1)
_HAS_YEAR = re.compile(r"(?<!\d)(?:1[89]|20)\d{2}(?!\d)|\b'\d{2}\b")


@functools.lru_cache(maxsize=64)
def _parser(base: date | None) -> Any:
    # dateparser is slow to import; only the first absolute date that needs it pays.
    from dateparser.date import DateDataParser

    relative_base = datetime(base.year, base.month, base.day) if base else _SENTINEL
    return DateDataParser(
        languages=["en"],
        settings={
            "RELATIVE_BASE": relative_base,
            "PREFER_DATES_FROM": "past",
            "PARSERS": ["custom-formats", "absolute-time"],
            "STRICT_PARSING": False,
        },
    )


def parse_absolute(text: str, *, published: date | None, direction: cal.Direction
                   ) -> cal.Interval | None:
    """An absolute date with its precision (day, month or year), or None."""
    data = _parser(published).get_date_data(text)
    if data is None or data.date_obj is None:
        return None
    parts = tuple(getattr(data, "parts", ()) or ())
    has_year = "year" in parts if parts else bool(_HAS_YEAR.search(text))
    d = data.date_obj.date()
    period = data.period or "day"

    def build(y: int) -> cal.Interval:
        if period == "year":
            return cal.year(y)
        if period == "month":
            return cal.month(y, d.month)
        return cal.day(date(y, d.month, min(d.day, cal.month(y, d.month).end.day)))

    if has_year:
        return build(d.year)
    if published is None or period == "year":
        return None
    return cal.pick((build(published.year + k) for k in (-1, 0, 1)), published, direction)
