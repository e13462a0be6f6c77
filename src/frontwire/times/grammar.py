"""Patterns for time expressions and the rules that resolve each against a publication date.

Each rule is a regex built from ``data/times.yaml`` plus a resolver. ``scan`` finds every
expression in a text (longest match wins where rules overlap), then joins "since X",
"from X to Y" and "between X and Y" into intervals. ``resolve`` turns one hit into a
calendar ``Interval`` — or None when the text does not anchor one (durations such as "for
months", or a relative expression with no publication date): never a made-up day.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from . import calendar as cal
from .absolute import parse_absolute
from .vocab import Vocab, alt, vocab

Tense = Literal["past", "future"] | None

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


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Resolver
    kind: str = "point"  # point | duration (value null) | anchor
    needs_cue: bool = False  # in a parsed document: only inside a DATE entity or after a cue


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
    return vocab().default_direction.get(kind, "past")  # type: ignore[return-value]


def _year(s: str | None) -> int | None:
    if not s:
        return None
    return int(s)


# -------------------------------------------------------------------------------- resolvers

def _iso(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    try:
        return cal.day(date(int(hit.groups["y"]), int(hit.groups["m"]), int(hit.groups["d"])))  # type: ignore[arg-type]
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
    return cal.pick(cands, pub, _direction("month_day", None, tense))


def _month(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    m = vocab().month(hit.groups["mon"])  # type: ignore[arg-type]
    y = _year(hit.groups.get("y"))
    if y is not None:
        return cal.month(y, m)
    if pub is None:
        return None
    cands = [cal.month(pub.year + k, m) for k in (-1, 0, 1)]
    return cal.pick(cands, pub, _direction("month", _g(hit, "rel"), tense))


def _year_rule(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    return cal.year(int(hit.groups["y"]))  # type: ignore[arg-type]


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
        return _weekend(pub, {"past": "past", "future": "future", "nearest": "nearest"}[direction]
                        if direction in ("past", "future", "nearest") else direction)
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
    wd = vocab().weekday_of[_g(hit, "wd") or ""]
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
    v = vocab()
    q_text = _g(hit, "q")
    q = int(q_text) if q_text else v.ordinals[_g(hit, "ord") or ""]
    if q == -1:
        q = 4
    y = _year(hit.groups.get("y"))
    if y is not None:
        return cal.quarter(y, q)
    if pub is None:
        return None
    which = _g(hit, "which")
    if which:
        step = {"last": -1, "next": 1}.get(which.split()[0], 0)
        return cal.quarter(pub.year + step, q)
    cands = [cal.quarter(pub.year + k, q) for k in (-1, 0, 1)]
    return cal.pick(cands, pub, _direction("quarter", None, tense))


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
    d = _shift(pub, n, unit, -1)
    if u.startswith(("day", "hour")):
        return cal.day(d)
    if u.startswith(("week", "fortnight")):
        return cal.week(d)
    if u.startswith("month"):
        return cal.month(d.year, d.month)
    return cal.year(d.year)


def _fuzzy(hit: Hit, pub: date | None, tense: Tense) -> cal.Interval | None:
    """"early January", "mid-2022", "late last year": a third of the inner expression."""
    inner_text = hit.groups.get("what") or ""
    part = int(vocab().key(vocab().fuzzy, hit.groups.get("fz") or ""))
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


# ---------------------------------------------------------------------------------- grammar

def _build(v: Vocab) -> list[Rule]:
    raw = v.raw
    mon = rf"(?P<mon>\b(?:{alt(list(v.month_of))})\b\.?)"
    wd = rf"(?P<wd>\b(?:{alt(list(v.weekday_of))})\b\.?)"
    num = rf"(?:{alt(list(v.numbers))}|\d+)"
    unit_words = list(v.units)
    unit = rf"(?P<unit>(?:{alt(unit_words)})s?)"
    units_any = rf"(?:{alt(unit_words)})s?"
    pod = rf"(?:{alt(raw['parts_of_day'])})"
    year = r"(?P<y>(?:1[89]|20)\d{2})(?![\d,]|\s*%|\s*percent)"
    ords = alt(list(v.ordinals))
    which_year = r"(?:(?P<which>the|this|the\s+current|last|next)\s+year|" + year + ")"
    season = rf"(?P<season>{alt(list(v.seasons))})"
    fuzzy = rf"(?P<fz>{alt(list(v.fuzzy))})"
    vague = alt(raw["vague_quantities"])
    nth = r"(?:st|nd|rd|th)?"

    def r(p: str) -> re.Pattern[str]:
        return re.compile(p, re.IGNORECASE)

    inner_what = (rf"(?P<what>(?:{alt(list(v.month_of))})\b\.?(?:,?\s+(?:1[89]|20)\d{{2}})?"
                  rf"|(?:1[89]|20)\d{{2}}(?![\d,])"
                  r"|(?:this|last|next|the)\s+(?:year|month|week)"
                  rf"|(?:(?:this|last|next|the)\s+)?(?:{alt(list(v.seasons))})(?:\s+(?:1[89]|20)\d{{2}})?)")
    return [
        Rule("iso_day", r(r"\b(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"), _iso),
        Rule("month_day", r(rf"(?:{wd},?\s+)?{mon}\s+(?:the\s+)?(?P<d>[0-3]?\d){nth}\b"
                            rf"(?:\s*[-\u2013]\s*(?P<d2>[0-3]?\d){nth}\b)?(?:,?\s+{year})?"),
             _month_day),
        Rule("day_month", r(rf"(?:{wd},?\s+)?(?:the\s+)?(?P<d>[0-3]?\d){nth}"
                            rf"(?:\s*[-\u2013]\s*(?P<d2>[0-3]?\d){nth})?\s+(?:of\s+)?{mon}"
                            rf"(?:,?\s+{year})?"),
             _month_day),
        Rule("month_year", r(rf"{mon}(?:\s+of)?,?\s+{year}"), _month),
        Rule("month", r(rf"(?:(?P<rel>last|this|next|this\s+past|this\s+coming|past|coming)\s+)?"
                        rf"{mon}(?!\w)"), _month, needs_cue=True),
        Rule("fuzzy", r(rf"{fuzzy}(?:\s+|-)(?:of\s+)?{inner_what}"), _fuzzy),
        Rule("quarter", r(rf"(?:the\s+)?(?P<ord>{ords})\s+(?:fiscal\s+)?quarter"
                          rf"(?:\s+of\s+(?:fiscal\s+)?{which_year})?"), _quarter),
        Rule("quarter_q", r(rf"\bQ(?P<q>[1-4])(?:\s+(?:of\s+)?{year})?\b"), _quarter),
        Rule("quarter_rel", r(r"(?P<rel>this|last|next|the\s+current|the\s+previous|the\s+past)"
                              r"\s+(?P<pu>quarter)\b"), _period),
        Rule("half", r(rf"(?:the\s+)?(?P<ord>first|second|1st|2nd|last)\s+half\s+of\s+"
                       rf"(?:the\s+)?{which_year}"), _half),
        Rule("season", r(rf"(?:(?P<rel>this|last|next|this\s+past|this\s+coming|the\s+coming|"
                         rf"the\s+past|past|coming)\s+|the\s+)?{season}(?:\s+(?:of\s+)?{year})?"
                         r"(?![\w-])"),
             _season, needs_cue=True),
        Rule("year", r(rf"(?<![\d,.$\u00a3\u20ac-])(?:(?P<pre>in|since|by|during|until|of|"
                       rf"from|before|after|fiscal)\s+)?{year}(?![\w-])"),
             _year_rule, needs_cue=True),
        Rule("decade", r(r"(?:the\s+)?(?P<dec>(?:1[89]|20)\d0)'?s\b"), _decade),
        Rule("day_word", r(rf"(?<![\w-])(?P<dw>{alt(list(v.day_words))})(?:\s+{pod})?\b"),
             _day_word),
        Rule("weekday", r(rf"(?:(?P<rel>last|this|next|this\s+past|this\s+coming|past|coming|"
                          rf"early|late|earlier|later)\s+(?:on\s+)?)?{wd}(?:\s+{pod})?"),
             _weekday),
        Rule("period", r(r"(?:(?P<mod>earlier|later)\s+(?:in\s+)?)?(?P<rel>this|last|next|"
                         r"the\s+previous|this\s+past)\s+(?P<pu>week|month|year)\b"), _period),
        Rule("period_in_the", r(r"(?P<mod>earlier|later)\s+in\s+the\s+(?P<pu>week|month|year)\b"),
             _period),
        Rule("of_the_year", r(r"(?<=\bof )the\s+year\b(?!s|'s)"), _of_the_year),
        Rule("past_n", r(rf"(?:the\s+)?(?P<rel>past|last|next|coming)\s+(?P<n>{num})\s+{unit}\b"),
             _past_n),
        Rule("past_1", r(rf"the\s+(?P<rel>past|last|next|coming)\s+(?P<unit>"
                         rf"(?:{alt(unit_words)}))\b(?!\s+of\b)"), _past_n),
        Rule("this_past", r(rf"this\s+(?P<rel>past)\s+(?P<unit>week|month|year)\b"), _past_n),
        Rule("ago", r(rf"(?P<n>{num})\s+{unit}\s+ago\b"), _ago),
        Rule("named", r(rf"(?P<named>{alt(list(v.named_dates))})"), _named, kind="anchor"),
        Rule("holiday", r(rf"(?:(?P<rel>last|this|next)\s+)?(?:the\s+)?"
                          rf"(?P<hol>{alt(list(v.holidays))})(?:\s+{year})?(?![\w'])"), _holiday),
        # Durations and vague spans: kept as time expressions, value null.
        Rule("vague_ago", r(rf"(?:a\s+)?(?:{vague})\s+{units_any}\s+(?:ago|earlier|later|before|"
                            rf"after)\b"), _none, kind="duration"),
        Rule("relative_n", r(rf"(?:{num})\s+{units_any}\s+(?:earlier|later|before|after)\b"),
             _none, kind="duration"),
        Rule("vague_past", r(rf"(?:in\s+)?the\s+(?:past|last|next|coming)\s+(?:{vague})\s+"
                             rf"{units_any}\b"), _none, kind="duration"),
        Rule("recent", r(rf"(?:in\s+)?recent\s+{units_any}\b"), _none, kind="duration"),
        Rule("duration", r(rf"(?:(?:for|over|within)\s+)?(?:(?:(?:a\s+)?(?:{vague})|{num})"
                           rf"(?:\s+|-))?(?:more\s+)?(?:{alt(unit_words)})s?(?:-long)?\b"),
             _none, kind="duration", needs_cue=True),
    ]


@functools.lru_cache(maxsize=1)
def rules() -> tuple[Rule, ...]:
    return tuple(_build(vocab()))


RULES_BY_NAME: dict[str, Rule] = {}


def rule(name: str) -> Rule:
    if not RULES_BY_NAME:
        RULES_BY_NAME.update({r.name: r for r in rules()})
    return RULES_BY_NAME[name]


# ----------------------------------------------------------------------------------- scan

_CONNECT_RANGE = re.compile(r"^\s*(?:to|through|until|till|-|\u2013|and)\s*$", re.IGNORECASE)
_SINCE = re.compile(r"(?:\b(?P<w>since|from|between))\s+$", re.IGNORECASE)


def _uppercase_ok(text: str, m: re.Match[str]) -> bool:
    """Month, weekday and holiday names are capitalized in news text."""
    for g in ("mon", "wd", "hol"):
        if m.groupdict().get(g) and not text[m.start(g)].isupper():
            return False
    return True


def find(text: str, *, accept: Callable[[Rule, re.Match[str]], bool] | None = None,
         strict_case: bool = False) -> list[Hit]:
    """All time expressions in ``text``: longest first where they overlap, then joined into
    "since X" / "from X to Y" / "between X and Y" intervals."""
    cands: list[tuple[Hit, int]] = []
    for order, ru in enumerate(rules()):
        for m in ru.pattern.finditer(text):
            if m.end() == m.start():
                continue
            if strict_case and not _uppercase_ok(text, m):
                continue
            if accept is not None and not accept(ru, m):
                continue
            cands.append((Hit(m.start(), m.end(), ru.name, m.groupdict()), order))
    cands.sort(key=lambda c: (-c[0].length, c[1], c[0].start))
    taken: list[Hit] = []
    for hit, _ in cands:
        if all(hit.end <= t.start or hit.start >= t.end for t in taken):
            taken.append(hit)
    taken.sort(key=lambda h: h.start)
    return _join(text, taken)


def _join(text: str, hits: list[Hit]) -> list[Hit]:
    out: list[Hit] = []
    i = 0
    while i < len(hits):
        h = hits[i]
        before = _SINCE.search(text[max(0, h.start - 12):h.start])
        word = before.group("w").lower() if before else None
        start = h.start - (len(text[max(0, h.start - 12):h.start]) - before.start()) if before else h.start
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        between = text[h.end:nxt.start] if nxt else ""
        if word in ("from", "between") and nxt and _CONNECT_RANGE.match(between) and \
                (word == "between") == (between.strip().lower() == "and") and \
                rule(h.rule).kind != "duration" and rule(nxt.rule).kind != "duration":
            out.append(Hit(start, nxt.end, "range", {}, (h, nxt)))
            i += 2
            continue
        if word is None and nxt and rule(h.rule).kind == "point" and \
                rule(nxt.rule).kind == "point" and re.match(r"^\s*(?:-|\u2013|to|through)\s*$",
                                                            between, re.IGNORECASE) and \
                h.rule in ("month", "month_year", "month_day", "day_month", "year", "weekday"):
            out.append(Hit(h.start, nxt.end, "range", {}, (h, nxt)))
            i += 2
            continue
        if word == "since" and rule(h.rule).kind != "duration":
            out.append(Hit(start, h.end, "since", {}, (h,)))
        elif rule(h.rule).kind == "anchor":
            pass  # "the full-scale invasion" is a time only as the anchor of "since"
        else:
            out.append(h)
        i += 1
    return out


def resolve(hit: Hit, *, published: date | None, tense: Tense) -> cal.Interval | None:
    """The calendar interval of one hit, or None when the text does not anchor one."""
    if hit.rule == "since":
        if published is None:
            return None
        a = resolve(hit.parts[0], published=published, tense="past")
        if a is None or a.start > published:
            return None
        return cal.span(a.start, published)
    if hit.rule == "range":
        a = resolve(hit.parts[0], published=published, tense=tense)
        b = resolve(hit.parts[1], published=published, tense=tense)
        if a is None or b is None or b.end < a.start:
            return None
        return cal.Interval(a.start, b.end, "range")
    return rule(hit.rule).resolve(hit, published, tense)


def resolve_text(text: str, *, published: date | None, tense: Tense) -> cal.Interval | None:
    """Resolve an isolated expression: the longest hit, else dateparser for absolute dates."""
    hits = find(text)
    if hits:
        best = max(hits, key=lambda h: h.length)
        if rule(best.rule).kind == "duration" if best.rule in RULES_BY_NAME or rules() else False:
            return None
        return resolve(best, published=published, tense=tense)
    return absolute(text, published=published, tense=tense)


_ABSOLUTE_HINT = re.compile(r"\d")


def absolute(text: str, *, published: date | None, tense: Tense) -> cal.Interval | None:
    """dateparser for absolute dates the patterns above miss; never for words without digits."""
    if not _ABSOLUTE_HINT.search(text):
        return None
    direction: cal.Direction = tense if tense in ("past", "future") else "nearest"
    return parse_absolute(text, published=published, direction=direction)


__all__ = ["Hit", "Rule", "absolute", "find", "replace", "resolve", "resolve_text", "rules"]
