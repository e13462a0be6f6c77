"""Resolvers: one function per kind of time expression, turning a pattern hit into a
calendar interval against the publication date (or, for anaphoric ones, the previous time
the article resolved). Each returns None when the text does not anchor an interval: never a
made-up day. The patterns that produce the hits are in ``grammar``."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from . import calendar as cal
from .vocab import spelled_year, vocab

Tense = Literal["past", "present", "future"] | None

# A hit's resolver: (match groups, publication date, tense) -> Interval or None.
Resolver = Callable[["Hit", date | None, Tense], cal.Interval | None]


@dataclass(frozen=True)
class Hit:
    """One time expression found in a text."""

    start: int
    end: int
    rule: str
    groups: dict[str, str | None] = field(default_factory=dict)
    parts: tuple[Hit, ...] = ()  # the two ends of a "from X to Y" / the X of "since X"

    @property
    def length(self) -> int:
        return self.end - self.start



# ---------------------------------------------------------------------------------- helpers

def _g(hit: Hit, name: str) -> str | None:
    v = hit.groups.get(name)
    return v.lower() if v else None


def _rel_direction(rel: str | None) -> cal.Direction | None:
    """Words that fix direction whatever the tense: "last Tuesday", "next month"."""
    if not rel:
        return None
    rel = re.sub(r"\s+", " ", rel)
    if rel in ("last", "past", "this past", "previous", "the past", "the previous"):
        return "strict_past"
    if rel in ("next", "coming", "this coming", "the coming", "upcoming", "the next"):
        return "strict_future"
    if rel in ("this", "the current", "current"):
        return "nearest"
    return None


def _direction(kind: str, rel: str | None, tense: Tense) -> cal.Direction:
    fixed = _rel_direction(rel)
    if fixed:
        return fixed
    if tense in ("past", "future"):
        return tense
    if tense == "present":
        return "nearest"
    return vocab().default_direction.get(kind, "past")  # type: ignore[return-value]


def _year(s: str | None) -> int | None:
    if not s:
        return None
    return int(s) if s.isdigit() else spelled_year(s)


# -------------------------------------------------------------------------------- resolvers

def _iso(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    try:
        return cal.day(date(int(hit.groups["y"]), int(hit.groups["m"]), int(hit.groups["d"])))  # type: ignore[arg-type]
    except ValueError:
        return None


def _numeric(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    """31.12.2022 is day.month.year wherever dots are used; with slashes the order is only
    known when one number exceeds 12 (24/02/2022, 2/24/2022): 01/03/2023 stays unresolved."""
    a, b, y = int(hit.groups["a"]), int(hit.groups["b"]), int(hit.groups["y"])  # type: ignore[arg-type]
    if hit.groups["sep"] == "." or a > 12 >= b:
        d, m = a, b
    elif b > 12 >= a:
        d, m = b, a
    else:
        return None
    try:
        return cal.day(date(y, m, d))
    except ValueError:
        return None


def _month_day(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    v = vocab()
    m = v.month(hit.groups["mon"])  # type: ignore[arg-type]
    d1 = int(hit.groups["d"])  # type: ignore[arg-type]
    d2 = int(hit.groups["d2"]) if hit.groups.get("d2") else None
    y = _year(hit.groups.get("y"))

    def build(yy: int) -> cal.Interval | None:
        try:
            a = date(yy, m, d1)
            return cal.span(a, date(yy, m, d2)) if d2 and d2 > d1 else cal.day(a)
        except ValueError:
            return None

    if y is not None:
        return build(y)
    if pub is None:
        return None
    cands = [iv for iv in (build(pub.year + k) for k in (-1, 0, 1)) if iv]
    return cal.pick(cands, pub, _direction("month_day", _g(hit, "rel"), tense))


def _month(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    m = vocab().month(hit.groups["mon"])  # type: ignore[arg-type]
    y = _year(hit.groups.get("y"))
    if y is not None:
        return cal.month(y, m)
    if pub is None:
        return None
    which = _g(hit, "which")
    if which:  # "June last year"
        return cal.month(pub.year + {"last": -1, "next": 1}.get(which, 0), m)
    if _g(hit, "rel") == "this":
        return cal.month(pub.year, m)
    cands = [cal.month(pub.year + k, m) for k in (-1, 0, 1)]
    return cal.pick(cands, pub, _direction("month", _g(hit, "rel"), tense))


def _year_rule(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    y = _year(hit.groups.get("y"))
    return cal.year(y) if y is not None else None


def _decade(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    y = int(hit.groups["dec"])  # type: ignore[arg-type]
    return cal.Interval(date(y, 1, 1), date(y + 9, 12, 31), "range")


def _day_word(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    if pub is None:
        return None
    spec = vocab().key(vocab().day_words, hit.groups["dw"] or "")
    if "weekend" in spec:
        how = spec["weekend"]
        direction = _direction("weekend", None, tense) if how == "tense" else how
        return _weekend(pub, direction)
    a = pub + timedelta(days=int(spec["from"]))
    b = pub + timedelta(days=int(spec.get("to", spec["from"])))
    return cal.span(a, b)


def _weekend(pub: date, direction: cal.Direction) -> cal.Interval | None:
    sat = pub - timedelta(days=(pub.weekday() - 5) % 7)
    cands = [cal.span(sat + timedelta(days=7 * k), sat + timedelta(days=7 * k + 1))
             for k in (-1, 0, 1)]
    return cal.pick(cands, pub, direction)


def _weekday(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    if pub is None:
        return None
    wd = vocab().weekday_of[(_g(hit, "wd") or "").rstrip(".")]
    base = pub - timedelta(days=(pub.weekday() - wd) % 7)  # latest on or before pub
    cands = [cal.day(base + timedelta(days=7 * k)) for k in (-1, 0, 1)]
    return cal.pick(cands, pub, _direction("weekday", _g(hit, "rel"), tense))


def _period(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    """this/last/next week|month|quarter|year, and "earlier this week", "later this year"."""
    if pub is None:
        return None
    unit = _g(hit, "pu") or ""
    rel = re.sub(r"\s+", " ", _g(hit, "rel") or "this")
    step = {"last": -1, "previous": -1, "the previous": -1, "past": -1, "this past": -1,
            "the past": -1, "the latest": -1, "the most recent": -1,
            "next": 1, "the next": 1, "coming": 1, "the coming": 1}.get(rel, 0)
    if unit == "week":
        iv = cal.week(pub + timedelta(days=7 * step))
    elif unit == "month":
        first = cal.add_months(pub.replace(day=1), step)
        iv = cal.month(first.year, first.month)
    elif unit == "quarter":
        first = cal.add_months(pub.replace(day=1), 3 * step)
        iv = cal.quarter(first.year, (first.month - 1) // 3 + 1)
    else:
        iv = cal.year(pub.year + step)
    mod = _g(hit, "mod")
    if mod == "earlier" and step == 0:
        return cal.span(iv.start, pub)
    if mod == "later" and step == 0:
        return cal.span(pub, iv.end)
    return iv


def _of_the_year(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    return cal.year(pub.year) if pub else None


def _quarter(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    """A quarter named without its year. Results are announced after a quarter ends, so
    a future clause ("expects to report third-quarter earnings") does not move it on a year:
    only a past tense or an explicit year decides, else the nearest quarter."""
    v = vocab()
    q_text = _g(hit, "q")
    q = int(q_text) if q_text else v.ordinals[_g(hit, "ord") or ""]
    if q == -1:
        q = 4
    y = _year(hit.groups.get("y") or hit.groups.get("y0"))
    if y is not None:
        return cal.quarter(y, q)
    if pub is None:
        return None
    which = _g(hit, "which")
    if which:
        step = {"last": -1, "next": 1}.get(which.split()[0], 0)
        return cal.quarter(pub.year + step, q)
    cands = [cal.quarter(pub.year + k, q) for k in (-1, 0, 1)]
    return cal.pick(cands, pub, _direction("quarter", None, "past" if tense == "past" else None))


def _half(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    h = vocab().ordinals[_g(hit, "ord") or ""]
    h = 2 if h == -1 else h
    y = _year(hit.groups.get("y"))
    if y is None:
        if pub is None:
            return None
        which = _g(hit, "which") or "this"
        y = pub.year + {"last": -1, "next": 1}.get(which.split()[0], 0)
    return cal.months_span(y, 6 * (h - 1) + 1, 6)


def _season_iv(name: str, y: int) -> cal.Interval:
    spec = vocab().seasons[name]
    return cal.months_span(y, int(spec["start_month"]), int(spec["months"]))


def _season(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    name = _g(hit, "season") or ""
    y = _year(hit.groups.get("y"))
    if y is not None:
        return _season_iv(name, y)
    if pub is None:
        return None
    cands = [_season_iv(name, pub.year + k) for k in (-2, -1, 0, 1)]
    if _g(hit, "rel") == "this":  # the one under way, else the one starting this year
        return next((c for c in cands if c.start <= pub <= c.end),
                    _season_iv(name, pub.year))
    return cal.pick(cands, pub, _direction("season", _g(hit, "rel"), tense))


def _holiday(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    spec = vocab().key(vocab().holidays, hit.groups["hol"] or "")
    y = _year(hit.groups.get("y"))
    if y is not None:
        return cal.day(cal.holiday(spec, y))
    if pub is None:
        return None
    cands = [cal.day(cal.holiday(spec, pub.year + k)) for k in (-1, 0, 1)]
    return cal.pick(cands, pub, _direction("holiday", _g(hit, "rel"), tense))


def _shift(pub: date, n: int, unit: dict[str, int], sign: int) -> date:
    if "months" in unit:
        return cal.add_months(pub, sign * n * int(unit["months"]))
    if "hours" in unit:
        return pub + timedelta(days=sign * ((n * int(unit["hours"]) + 23) // 24))
    return pub + timedelta(days=sign * n * int(unit["days"]))


def _past_n(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    """"the past six months" = the interval from six months before publication to it."""
    if pub is None:
        return None
    v = vocab()
    n = v.number(hit.groups.get("n") or "1")
    if n is None:
        return None
    unit = v.unit(_g(hit, "unit") or "")
    if (_g(hit, "rel") or "") in ("next", "coming"):
        return cal.span(pub, _shift(pub, n, unit, +1))
    return cal.span(_shift(pub, n, unit, -1), pub)


def _recent(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    """"in recent days": how far back a reporter's "recent" reaches is the convention in
    ``data/times.yaml`` (``recent``), an interval ending at publication; a unit it leaves out
    ("in recent months") stays unresolved."""
    if pub is None:
        return None
    u = (_g(hit, "unit") or "").rstrip("s")
    reach = (vocab().raw.get("recent") or {}).get(u)
    if not reach:
        return None
    return cal.span(_shift(pub, 1, reach, -1), pub)


def for_n(hit: Hit, pub: date | None) -> cal.Interval | None:
    """"(have been without water) for two days": in the present perfect a duration runs up
    to the time of writing, so it is the past N units ending at publication. The caller
    checks the tense; without a number ("for days") it stays unresolved."""
    if pub is None or _g(hit, "fw") != "for" or not hit.groups.get("n"):
        return None
    return _past_n(Hit(hit.start, hit.end, "past_n", {"n": hit.groups["n"], "unit":
                                                        hit.groups.get("unit"), "rel": "past"}),
                   pub, None)


def _ago(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    """"two days ago" is a day; "three weeks ago" a week; "six months ago" a month."""
    if pub is None:
        return None
    v = vocab()
    n = v.number(hit.groups.get("n") or "")
    if n is None:
        return None
    u = _g(hit, "unit") or ""
    unit = v.unit(u)
    if u.startswith("hour"):  # the hour of publication is unknown: "two hours ago" may be
        hours = n * int(unit["hours"])  # the day before
        return cal.span(pub - timedelta(days=-(-hours // 24)), pub - timedelta(days=hours // 24))
    d = _shift(pub, n, unit, -1)
    if u.startswith("day"):
        return cal.day(d)
    if u.startswith(("week", "fortnight")):
        return cal.week(d)
    if u.startswith("month"):
        return cal.month(d.year, d.month)
    return cal.year(d.year)


def _fuzzy(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    """"early January", "mid-2022", "late last year": a third of the inner expression."""
    inner_text = re.sub(r"^the\s+(year|month|week)$", r"this \1", hit.groups.get("what") or "",
                        flags=re.IGNORECASE)
    part = int(vocab().key(vocab().fuzzy, hit.groups.get("fz") or ""))
    from .grammar import resolve_text  # the inner expression is itself a pattern hit

    inner = resolve_text(inner_text, published=pub, tense=tense)
    if inner is None:
        return None
    if inner.precision == "range" and (inner.end - inner.start).days > 31 and \
            (inner.end - inner.start).days < 100:  # a season
        return cal.third(inner, part)
    if inner.precision not in ("month", "year", "week", "quarter"):
        return None
    return cal.third(inner, part)


def _named(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    return cal.day(date.fromisoformat(vocab().key(vocab().named_dates, hit.groups["named"] or "")))


def _none(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    return None


# ---------------------------------------------------------------------------------- anaphora

def _like(ref: cal.Interval, start: date) -> cal.Interval:
    """An interval of ``ref``'s precision starting at ``start``."""
    if ref.precision == "day":
        return cal.day(start)
    if ref.precision == "week":
        return cal.week(start)
    if ref.precision == "month":
        return cal.month(start.year, start.month)
    if ref.precision == "quarter":
        return cal.quarter(start.year, (start.month - 1) // 3 + 1)
    return cal.year(start.year)


_GRAIN = {"day": 0, "week": 1, "month": 2, "quarter": 3, "year": 4}


def _year_ago(hit: Hit, ref: cal.Interval) -> cal.Interval | None:
    """"the year-earlier quarter", "year-ago results" in an earnings report: the period the
    article has just named, a year before. A named unit must match that period's grain
    ("the year-ago quarter" after "the third quarter"), else it stays unresolved."""
    ordinal = _g(hit, "ord")
    unit = _g(hit, "pu")
    if ordinal and unit == "quarter":
        q = vocab().ordinals.get(ordinal)
        return cal.quarter(ref.start.year - 1, q if q and q > 0 else 4)
    if unit in ("quarter", "month") and ref.precision != unit:
        return None
    if ref.precision not in ("month", "quarter", "year"):
        return None  # after "Sept. 30" the period compared is not a day: no guess
    return _like(ref, cal.add_months(ref.start, -12))


def resolve_anaphor(hit: Hit, ref: cal.Interval | None) -> cal.Interval | None:
    """"three days later", "that year", "the following month": shifted from ``ref``, the
    previous time the article resolved, and never finer than ``ref`` itself is."""
    if ref is None or ref.precision == "range":
        return None
    if hit.rule == "year_ago":
        return _year_ago(hit, ref)
    unit = (_g(hit, "pu") or _g(hit, "pu2") or _g(hit, "unit") or "").rstrip("s")
    unit = "day" if unit in ("morning", "evening", "night") else unit
    if unit not in _GRAIN or _GRAIN[unit] < _GRAIN[ref.precision]:
        return None  # "the next day" after "in March": no day to count from
    d = _g(hit, "dir") or _g(hit, "dir2")
    if hit.rule == "relative_n":
        n = vocab().number(hit.groups.get("n") or "")
        if n is None:
            return None
        sign = -1 if d == "earlier" else 1
    elif hit.rule == "following_unit":
        n, sign = 1, (1 if d in ("following", "next") else -1)
    else:
        n, sign = 0, 1
    base = ref.start
    if unit == "quarter":
        q = cal.add_months(base, 3 * sign * n)
        iv = cal.quarter(q.year, (q.month - 1) // 3 + 1)
    elif unit == "day":
        iv = cal.day(base + timedelta(days=sign * n))
    elif unit == "week":
        iv = cal.week(base + timedelta(days=7 * sign * n))
    elif unit == "month":
        first = cal.add_months(base.replace(day=1), sign * n)
        iv = cal.month(first.year, first.month)
    elif n and hit.rule == "relative_n":  # "a year earlier": the same period a year before
        iv = _like(ref, cal.add_months(base, 12 * sign * n))
    else:
        iv = cal.year(base.year + sign * n)
    mod = _g(hit, "mod")
    if mod == "earlier" and _GRAIN[ref.precision] < _GRAIN[unit]:
        return cal.span(iv.start, ref.start)
    if mod == "later" and _GRAIN[ref.precision] < _GRAIN[unit]:
        return cal.span(ref.end, iv.end)
    return iv



# The resolvers by name, as the patterns of ``grammar`` refer to them.
BY_NAME: dict[str, Resolver] = {
    "ago": _ago,
    "day_word": _day_word,
    "decade": _decade,
    "fuzzy": _fuzzy,
    "half": _half,
    "holiday": _holiday,
    "iso": _iso,
    "month": _month,
    "month_day": _month_day,
    "named": _named,
    "none": _none,
    "numeric": _numeric,
    "of_the_year": _of_the_year,
    "past_n": _past_n,
    "period": _period,
    "quarter": _quarter,
    "recent": _recent,
    "season": _season,
    "weekday": _weekday,
    "year_rule": _year_rule,
}
