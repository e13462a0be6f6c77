"""Calendar intervals with an honest precision, and how to pick one occurrence of a
recurring name ("Tuesday", "January", "Christmas") relative to the publication date."""

from __future__ import annotations

import calendar as _cal
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from dateutil.easter import EASTER_ORTHODOX, EASTER_WESTERN, easter

Precision = Literal["day", "week", "month", "quarter", "year", "range"]
Direction = Literal["past", "future", "nearest", "strict_past", "strict_future"]


@dataclass(frozen=True, slots=True)
class Interval:
    """Inclusive calendar interval; ``value`` is its ISO 8601 / TimeML form."""

    start: date
    end: date
    precision: Precision

    @property
    def value(self) -> str:
        s = self.start
        if self.precision == "day":
            return s.isoformat()
        if self.precision == "week":
            iso = s.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
        if self.precision == "month":
            return f"{s.year:04d}-{s.month:02d}"
        if self.precision == "quarter":
            return f"{s.year:04d}-Q{(s.month - 1) // 3 + 1}"
        if self.precision == "year":
            return f"{s.year:04d}"
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


def add_months(d: date, n: int) -> date:
    """``d`` shifted by n calendar months, the day clamped to the month's length."""
    m = d.month - 1 + n
    y = d.year + m // 12
    m = m % 12 + 1
    return date(y, m, min(d.day, _cal.monthrange(y, m)[1]))


def day(d: date) -> Interval:
    return Interval(d, d, "day")


def span(a: date, b: date) -> Interval:
    if a == b:
        return day(a)
    return Interval(min(a, b), max(a, b), "range")


def week(d: date) -> Interval:
    monday = d - timedelta(days=d.weekday())
    return Interval(monday, monday + timedelta(days=6), "week")


def month(y: int, m: int) -> Interval:
    return Interval(date(y, m, 1), date(y, m, _cal.monthrange(y, m)[1]), "month")


def quarter(y: int, q: int) -> Interval:
    first = 3 * (q - 1) + 1
    return Interval(date(y, first, 1), month(y, first + 2).end, "quarter")


def year(y: int) -> Interval:
    return Interval(date(y, 1, 1), date(y, 12, 31), "year")


def months_span(y: int, m: int, count: int) -> Interval:
    """``count`` whole months starting at (y, m): seasons, halves, thirds of a year."""
    start = date(y, m, 1)
    last = add_months(start, count - 1)
    return Interval(start, month(last.year, last.month).end, "range")


def third(iv: Interval, part: int) -> Interval:
    """The early (1), middle (2) or late (3) third of a month or a year."""
    if iv.precision == "month":
        last = iv.end.day
        bounds = {1: (1, 10), 2: (11, 20), 3: (21, last)}[part]
        return Interval(iv.start.replace(day=bounds[0]), iv.start.replace(day=bounds[1]), "range")
    if iv.precision == "year":
        return months_span(iv.start.year, 4 * (part - 1) + 1, 4)
    n = (iv.end - iv.start).days + 1
    a = iv.start + timedelta(days=n * (part - 1) // 3)
    b = iv.start + timedelta(days=n * part // 3 - 1)
    return Interval(a, b, "range")


def holiday(spec: dict[str, object], y: int) -> date:
    """The date of a holiday (``data/times.yaml``) in year ``y``."""
    if "easter" in spec:
        method = EASTER_ORTHODOX if spec["easter"] == "orthodox" else EASTER_WESTERN
        d = easter(y, method)
    elif "nth" in spec:
        m, wd, n = (int(x) for x in spec["nth"])  # type: ignore[attr-defined]
        if n > 0:
            first = date(y, m, 1)
            d = first + timedelta(days=(wd - first.weekday()) % 7 + 7 * (n - 1))
        else:
            last = month(y, m).end
            d = last - timedelta(days=(last.weekday() - wd) % 7)
    else:
        mm, dd = str(spec["date"]).split("-")
        d = date(y, int(mm), int(dd))
    return d + timedelta(days=int(spec.get("offset", 0)))  # type: ignore[call-overload]


def _distance(iv: Interval, ref: date) -> int:
    if iv.start <= ref <= iv.end:
        return 0
    return min(abs((iv.start - ref).days), abs((iv.end - ref).days))


def pick(candidates: Iterable[Interval], ref: date, direction: Direction) -> Interval | None:
    """One occurrence of a recurring name, relative to ``ref`` (the publication date).

    past: the latest that starts on or before ref (so the publication weekday is that day);
    future: the earliest that ends on or after ref; strict_*: excluding the one holding ref
    ("last Tuesday", "next January"); nearest: the closest, ties going to the past.
    """
    cands = sorted(candidates, key=lambda iv: iv.start)
    if direction == "past":
        ok = [c for c in cands if c.start <= ref]
        return ok[-1] if ok else None
    if direction == "strict_past":
        ok = [c for c in cands if c.end < ref]
        return ok[-1] if ok else None
    if direction == "future":
        ok = [c for c in cands if c.end >= ref]
        return ok[0] if ok else None
    if direction == "strict_future":
        ok = [c for c in cands if c.start > ref]
        return ok[0] if ok else None
    if not cands:
        return None
    return min(cands, key=lambda c: (_distance(c, ref), c.start > ref))
