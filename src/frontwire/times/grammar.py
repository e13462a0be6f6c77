"""Patterns for time expressions, built from ``data/times.yaml``, and the scan that finds
them in a text.

``find`` runs every rule (longest match wins where rules overlap), then joins "since X",
"from X to Y" and "between X and Y" into intervals. ``resolve`` hands a hit to its resolver
(``resolvers``); ``absolute`` reads the absolute dates the patterns miss with dateparser.
"""

from __future__ import annotations

import functools
import re
import re._constants as _C  # the parsed-pattern opcodes (_with_first_chars)
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from re import _parser
from typing import Any

from . import calendar as cal
from .absolute import parse_absolute
from .resolvers import BY_NAME as R
from .resolvers import Hit, Resolver, Tense, resolve_anaphor
from .vocab import Vocab, alt, spelled_year_pattern, vocab


@dataclass(frozen=True)
class Rule:
    name: str
    pattern: re.Pattern[str]
    resolve: Resolver
    kind: str = "point"  # point | duration (value null) | anchor ("since X") | anaphor
    needs_cue: bool = False  # in a parsed document: only inside a DATE entity or after a cue
    span_group: str | None = None  # the expression is this group; the rest is a cue ("in")



# ---------------------------------------------------------------------------------- grammar

def _names(table: dict[int, list[str]]) -> str:
    """Full names and abbreviations, an abbreviation taking its dot: "Jan." but "January"."""
    words = sorted(((w, i > 0 and w != "may") for ws in table.values() for i, w in enumerate(ws)),
                   key=lambda x: len(x[0]), reverse=True)
    return "|".join(rf"{re.escape(w)}\b" + (r"\.?" if abbr else "") for w, abbr in words)


_DIGIT = "\\d"  # stands for the category in a set of first characters


def _first_chars(items: list[tuple[Any, Any]]) -> tuple[set[str] | None, bool]:
    """The characters a match of ``items`` (a parsed pattern) can start with, and whether it
    can match the empty string; None when that is not a plain set of characters."""
    out: set[str] = set()
    for op, av in items:
        if op is _C.LITERAL:
            return out | {chr(av)}, False
        if op is _C.IN:
            for o, a in av:
                if o is _C.LITERAL:
                    out.add(chr(a))
                elif o is _C.RANGE:
                    out |= {chr(c) for c in range(a[0], a[1] + 1)}
                elif o is _C.CATEGORY and a is _C.CATEGORY_DIGIT:
                    out.add(_DIGIT)
                else:
                    return None, False  # another category (\w) or a negated class
            return out, False
        if op in (_C.AT, _C.ASSERT, _C.ASSERT_NOT):
            continue  # zero-width: \b, lookarounds
        if op is _C.SUBPATTERN:
            first, nullable = _first_chars(av[3].data)
        elif op is _C.BRANCH:
            parts = [_first_chars(b.data) for b in av[1]]
            if any(f is None for f, _ in parts):
                return None, False
            first = set().union(*(f for f, _ in parts if f is not None))
            nullable = any(n for _, n in parts)
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT):
            first, nullable = _first_chars(av[2].data)
            nullable = nullable or av[0] == 0
        else:
            return None, False
        if first is None:
            return None, False
        out |= first
        if not nullable:
            return out, False
    return out, True


def _with_first_chars(pattern: re.Pattern[str]) -> re.Pattern[str]:
    """The same pattern behind a lookahead for the characters a match can start with.

    The scan tries a rule at every word start; the lookahead turns away in one step the
    positions where none of the rule's first words can begin, instead of trying each
    alternative (half the scan time; the same matches, since it only restates what the
    pattern already requires). ``\\d`` stays apart from the letters, so that these make a
    bitmap the engine tests at once.
    """
    first, nullable = _first_chars(list(_parser.parse(pattern.pattern, pattern.flags)))
    if first is None or nullable:
        return pattern
    chars = "".join(sorted(re.escape(c) for c in first - {_DIGIT}))
    # (?i:): a superset whatever the flags, since a scoped (?i:...) inside may match either case
    ahead = "|".join(([f"(?i:[{chars}])"] if chars else []) + ([r"\d"] if _DIGIT in first else []))
    return re.compile(rf"(?={ahead})" + pattern.pattern, pattern.flags)


def _required(items: list[tuple[Any, Any]]) -> frozenset[str] | None:
    """Words one of which every match of ``items`` (a parsed pattern) contains, in lower
    case: the longest run of letters and digits the pattern cannot do without, or the union
    over the alternatives of a group it cannot do without; None when there is none."""
    best: frozenset[str] | None = None

    def keep(words: frozenset[str] | None) -> None:
        nonlocal best
        if words and (best is None or (min(map(len, words)), -len(words))
                      > (min(map(len, best)), -len(best))):
            best = words

    run = ""
    for op, av in items:
        if op is _C.LITERAL and chr(av).isascii() and chr(av).isalnum():
            run += chr(av).lower()
            continue
        keep(frozenset([run]) if run else None)
        run = ""
        if op is _C.SUBPATTERN:
            keep(_required(av[3].data))
        elif op is _C.BRANCH:
            parts = [_required(b.data) for b in av[1]]
            keep(None if any(p is None for p in parts) else frozenset().union(*parts))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, _C.POSSESSIVE_REPEAT) and av[0] >= 1:
            keep(_required(av[2].data))
    keep(frozenset([run]) if run else None)
    return best


# The four characters that re.IGNORECASE matches to an ASCII letter besides its two cases
# (tests/test_times.py checks the list against every code point): folded to that letter, a
# text holds a rule's required word wherever the rule can match.
_FOLD = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})


@functools.lru_cache(maxsize=1)
def _needs() -> dict[str, frozenset[str]]:
    """Per rule, the words one of which a text must hold for the rule to match at all (rules
    whose words are shorter than three letters, found in any text, are always run)."""
    out: dict[str, frozenset[str]] = {}
    for ru in rules():
        words = _required(list(_parser.parse(ru.pattern.pattern, ru.pattern.flags)))
        if words is not None and min(map(len, words)) >= 3:
            out[ru.name] = words
    return out


def _build(v: Vocab) -> list[Rule]:
    raw = v.raw
    mon = rf"(?P<mon>\b(?:{_names(raw['months'])}))"
    wd = rf"(?P<wd>\b(?:{_names(raw['weekdays'])}))"
    num = rf"(?:{alt(list(v.numbers))}|\d+)"
    unit_words = list(v.units)
    unit = rf"(?P<unit>(?:{alt(unit_words)})s?)"
    units_any = rf"(?:{alt(unit_words)})s?"
    pod = rf"(?:{alt(raw['parts_of_day'])})"
    pre_pod = rf"(?:(?:{alt(raw.get('day_part_prefixes', []))})\s+)?"
    year = (r"(?P<y>(?:1[89]|20)\d{2}(?!\d|,\d|\s*%|\s*percent)|"
            rf"{spelled_year_pattern()})")
    ords = alt(list(v.ordinals))
    which_year = r"(?:(?P<which>the|this|the\s+current|last|next)\s+year|" + year + ")"
    season = rf"(?P<season>{alt(list(v.seasons))})"
    fuzzy = rf"(?P<fz>{alt(list(v.fuzzy))})"
    vague = alt(raw["vague_quantities"])
    nth = r"(?:st|nd|rd|th)?"

    def r(p: str) -> re.Pattern[str]:
        # Every expression starts a word: anchoring at \b lets the scan skip positions inside
        # words (half the scan time; the same 3,162 hits on the benchmark corpus).
        return _with_first_chars(re.compile(r"\b(?:" + p + ")", re.IGNORECASE))

    inner_what = (rf"(?P<what>\b(?:{_names(raw['months'])})(?:,?\s+(?:1[89]|20)\d{{2}})?"
                  rf"|(?:1[89]|20)\d{{2}}(?!\d|,\d)"
                  r"|(?:this|last|next|the)\s+(?:year|month|week)"
                  rf"|(?:(?:this|last|next|the)\s+)?(?:{alt(list(v.seasons))})(?:\s+(?:1[89]|20)\d{{2}})?)")
    return [
        Rule("iso_day", r(r"\b(?P<y>\d{4})-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b"), R["iso"]),
        Rule("numeric_day", r(r"(?<![\d./-])(?P<a>[0-3]?\d)(?P<sep>[./])(?P<b>[01]?\d)(?P=sep)"
                              r"(?P<y>(?:1[89]|20)\d{2})(?![\d./-])"), R["numeric"]),
        Rule("month_day", r(rf"{pre_pod}(?:(?P<rel>last|this|next)\s+)?(?:{wd},?\s+)?{mon}\s+"
                            rf"(?:the\s+)?(?P<d>[0-3]?\d){nth}\b"
                            rf"(?:\s*[-\u2013]\s*(?P<d2>[0-3]?\d){nth}\b)?(?:,?\s+{year})?"),
             R["month_day"]),
        Rule("day_month", r(rf"{pre_pod}(?:{wd},?\s+)?(?:the\s+)?(?P<d>[0-3]?\d){nth}"
                            rf"(?:\s*[-\u2013]\s*(?P<d2>[0-3]?\d){nth})?\s+(?:of\s+)?{mon}"
                            rf"(?:,?\s+{year})?"),
             R["month_day"]),
        Rule("month_year", r(rf"{mon}(?:\s+of)?,?\s+(?:{year}|(?P<which>this|last|next)\s+year\b)"),
             R["month"]),
        Rule("month", r(rf"(?:(?P<rel>last|this|next|this\s+past|this\s+coming|past|coming)\s+)?"
                        rf"{mon}(?!\w)"), R["month"], needs_cue=True),
        Rule("fuzzy", r(rf"{fuzzy}(?:\s+|-)(?:of\s+)?{inner_what}"), R["fuzzy"]),
        Rule("quarter", r(rf"(?:the\s+)?(?:(?P<y0>(?:1[89]|20)\d{{2}})\s+)?(?:fiscal\s+)?"
                          rf"(?P<ord>{ords})[\s-]+(?:fiscal\s+)?quarter\b"
                          rf"(?:\s+of\s+(?:fiscal\s+)?{which_year})?"), R["quarter"]),
        Rule("quarter_q", r(rf"\bQ(?P<q>[1-4])(?:\s+(?:of\s+)?{year})?\b"), R["quarter"]),
        Rule("quarter_rel", r(r"(?P<rel>this|last|next|the\s+current|the\s+previous|the\s+past|"
                              r"the\s+latest|the\s+most\s+recent)"
                              r"\s+(?P<pu>quarter)\b"), R["period"]),
        Rule("half", r(rf"(?:the\s+)?(?P<ord>first|second|1st|2nd|last)\s+half\s+of\s+"
                       rf"(?:the\s+)?{which_year}"), R["half"]),
        Rule("season", r(rf"(?:(?P<rel>this|last|next|this\s+past|this\s+coming|the\s+coming|"
                         rf"the\s+past|past|coming)\s+|the\s+)?{season}(?:\s+(?:of\s+)?{year})?"
                         r"(?![\w-])"),
             R["season"], needs_cue=True),
        Rule("year", r(rf"(?<![\d,.$\u00a3\u20ac/-])(?:(?P<pre>in|since|by|during|until|of|"
                       rf"from|before|after)\s+)?(?P<x>(?:fiscal\s+)?{year})(?![\w/-])"),
             R["year_rule"], needs_cue=True, span_group="x"),
        Rule("decade", r(r"(?:the\s+)?(?P<dec>(?:1[89]|20)\d0)'?s\b"), R["decade"]),
        Rule("day_word", r(rf"(?<![\w-])(?P<dw>{alt(list(v.day_words))})(?:\s+{pod})?\b"),
             R["day_word"]),
        Rule("weekday", r(rf"{pre_pod}(?:(?P<rel>last|this|next|this\s+past|this\s+coming|past|coming|"
                          rf"early|late|earlier|later)\s+(?:on\s+)?)?{wd}(?:\s+{pod})?"),
             R["weekday"]),
        Rule("period", r(r"(?:(?P<mod>earlier|later)\s+(?:in\s+)?)?(?P<rel>this|last|next|"
                         r"the\s+previous|this\s+past)\s+(?P<pu>week|month|year)\b"), R["period"]),
        Rule("period_in_the", r(r"(?P<mod>earlier|later)\s+in\s+the\s+(?P<pu>week|month|year)\b"),
             R["period"]),
        Rule("of_the_year", r(r"(?<=\bof )the\s+year\b(?!s|'s)"), R["of_the_year"]),
        # Anaphoric: anchored on the previous resolved time of the document, not publication
        # (listed before "the next N units" so "the next day" is the day after that time).
        Rule("relative_n", r(rf"(?P<n>{num})\s+(?P<unit>{units_any})\s+(?P<dir>earlier|later)\b"
                             r"(?!\s+than)"), R["none"], kind="anaphor"),
        Rule("that_unit", r(r"(?:(?P<mod>earlier|later)\s+)?(?:that|the\s+same)\s+"
                            r"(?P<pu>day|week|month|quarter|year)\b"), R["none"], kind="anaphor"),
        # "the year-ago quarter", "year-earlier results": the period just named, a year before
        Rule("year_ago", r(rf"(?:the\s+)?(?:(?:comparable|same|corresponding)\s+)?"
                           rf"year-(?:ago|earlier)(?:\s+(?:fiscal\s+)?(?:(?P<ord>{ords})[\s-]+)?"
                           r"(?P<pu>quarter|period|month)\b)?"), R["none"], kind="anaphor"),
        # "the quarter" of an earnings report is the quarter it has just named
        Rule("the_quarter", r(r"the\s+(?P<pu>quarter)\b(?!ly)"), R["none"], kind="anaphor",
             needs_cue=True),
        Rule("following_unit", r(r"the\s+(?:(?P<dir>following|previous|preceding)\s+"
                                 r"(?P<pu>day|morning|evening|night|week|month|year)|"
                                 r"(?P<dir2>next)\s+(?P<pu2>day|morning|evening|night))\b"),
             R["none"], kind="anaphor"),
        Rule("past_n", r(rf"(?:the\s+)?(?P<rel>past|last|next|coming)\s+(?P<n>{num})\s+{unit}\b"),
             R["past_n"]),
        Rule("past_1", r(rf"the\s+(?P<rel>past|last|next|coming)\s+(?P<unit>"
                         rf"(?:{alt(unit_words)}))\b(?!\s+of\b)"), R["past_n"]),
        Rule("this_past", r(r"this\s+(?P<rel>past)\s+(?P<unit>week|month|year)\b"), R["past_n"]),
        Rule("ago", r(rf"(?P<n>{num})\s+{unit}\s+ago\b"), R["ago"]),
        Rule("named", r(rf"(?P<named>{alt(list(v.named_dates))})"), R["named"], kind="anchor"),
        Rule("holiday", r(rf"(?:(?P<rel>last|this|next)\s+)?"
                          rf"(?P<hol>{alt(list(v.holidays))})(?:\s+(?:in\s+|of\s+)?{year})?(?![\w'])"),
             R["holiday"]),
        # Durations and vague spans: kept as time expressions, value null.
        Rule("vague_ago", r(rf"(?:a\s+)?(?:{vague})\s+{units_any}\s+(?:ago|earlier|later|before|"
                            rf"after)\b"), R["none"], kind="duration"),
        Rule("relative_after", r(rf"(?:{num})\s+{units_any}\s+(?:earlier|later|before|after)\b"),
             R["none"], kind="duration"),
        Rule("vague_past", r(rf"(?:in\s+)?the\s+(?:past|last|next|coming)\s+(?:{vague})\s+"
                             rf"{units_any}\b"), R["none"], kind="duration"),
        Rule("recent", r(rf"(?:in\s+)?recent\s+{unit}\b"), R["recent"]),
        Rule("duration", r(rf"(?:(?P<fw>for|over|within)\s+)?(?:(?:a\s+)?(?:{vague})|(?P<n>{num}))"
                           rf"(?:\s+|-)(?:more\s+)?(?P<unit>{alt(unit_words)})s?(?:-long)?\b"),
             R["none"], kind="duration", needs_cue=True),
        Rule("duration_plural", r(rf"(?:(?:for|over|within)\s+)?(?:{alt(unit_words)})s\b"),
             R["none"], kind="duration", needs_cue=True),
        # "the year" alone is this year only where the statistical NER calls it a date.
        Rule("the_year", r(r"the\s+(?:current\s+|full\s+)?(?:fiscal\s+)?year\b"
                           r"(?![-'\u2019]|\s+(?:two|one|nineteen|\d))"),
             R["of_the_year"], needs_cue=True),
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
    folded = text.translate(_FOLD).lower()
    needs = _needs()
    for order, ru in enumerate(rules()):
        words = needs.get(ru.name)
        if words is not None and not any(w in folded for w in words):
            continue  # "ago" is not in the text: the "N days ago" rule cannot match
        for m in ru.pattern.finditer(text):
            if m.end() == m.start():
                continue
            if strict_case and not _uppercase_ok(text, m):
                continue
            if accept is not None and not accept(ru, m):
                continue
            a = m.start(ru.span_group) if ru.span_group else m.start()
            cands.append((Hit(a, m.end(), ru.name, m.groupdict()), order))
    cands.sort(key=lambda c: (-c[0].length, c[1], c[0].start))
    taken: list[Hit] = []
    for hit, _ in cands:
        if all(hit.end <= t.start or hit.start >= t.end for t in taken):
            taken.append(hit)
    taken.sort(key=lambda h: h.start)
    return _join(text, taken)


def _family(hit: Hit) -> str | None:
    """Without "from", only like joins like: "Jan. 3 to Jan. 5", "March-May", "2014-2015"."""
    return {"month_day": "day", "day_month": "day", "month": "month", "month_year": "month",
            "year": "year"}.get(hit.rule)


def _join(text: str, hits: list[Hit]) -> list[Hit]:
    out: list[Hit] = []
    i = 0
    while i < len(hits):
        h = hits[i]
        lo = max(0, h.start - 12)
        before = _SINCE.search(text[lo:h.start])
        word = before.group("w").lower() if before else None
        start = lo + before.start("w") if before else h.start
        nxt = hits[i + 1] if i + 1 < len(hits) else None
        between = text[h.end:nxt.start] if nxt else ""
        if word in ("from", "between") and nxt and _CONNECT_RANGE.match(between) and \
                (word == "between") == (between.strip().lower() == "and") and \
                rule(h.rule).kind != "duration" and rule(nxt.rule).kind != "duration":
            out.append(Hit(start, nxt.end, "range", {}, (h, nxt)))
            i += 2
            continue
        if word is None and nxt and _family(h) and _family(h) == _family(nxt) and \
                re.match(r"^\s*(?:-|\u2013|to|through)\s*$", between, re.IGNORECASE):
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


def kind_of(hit: Hit) -> str:
    """point | duration | anchor; joined hits ("since X", "X to Y") are points."""
    return rule(hit.rule).kind if hit.rule not in ("since", "range") else "point"



def resolve(hit: Hit, *, published: date | None, tense: Tense,
            ref: cal.Interval | None = None) -> cal.Interval | None:
    """The calendar interval of one hit, or None when the text does not anchor one.

    ``ref`` is the previous resolved time in the document, the anchor of anaphoric
    expressions ("the following day"); without it they stay unresolved."""
    if kind_of(hit) == "anaphor":
        return resolve_anaphor(hit, ref)
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
        if a is not None and b is not None and b.end < a.start:  # "Dec. 28 to Jan. 3"
            b = resolve(hit.parts[1], published=a.start, tense="future")
        if a is None or b is None or b.end < a.start:
            return None
        return cal.Interval(a.start, b.end, "range")
    return rule(hit.rule).resolve(hit, published, tense)


def resolve_parts(hit: Hit, *, published: date | None, tense: Tense
                  ) -> list[tuple[Hit, cal.Interval | None]]:
    """The ends of a joined hit, each resolved on its own: the "February 2022" of "since
    February 2022", the "Jan. 3" and "Jan. 5" of "from Jan. 3 to Jan. 5".

    News annotation (TimeML, our gold files) marks the date itself as the time expression
    and the joined interval is a relation to it; both are kept. Named anchors ("the
    full-scale invasion") and durations are not dates of their own."""
    if hit.rule == "since":
        a = hit.parts[0]
        if kind_of(a) in ("anchor", "duration"):
            return []
        return [(a, resolve(a, published=published, tense="past"))]
    if hit.rule != "range":
        return []
    a, b = hit.parts
    ia = resolve(a, published=published, tense=tense)
    ib = resolve(b, published=published, tense=tense)
    if ia is not None and ib is not None and ib.end < ia.start:  # "Dec. 28 to Jan. 3"
        ib = resolve(b, published=ia.start, tense="future")
    return [(h, iv) for h, iv in ((a, ia), (b, ib)) if kind_of(h) not in ("anchor", "duration")]


def resolve_text(text: str, *, published: date | None, tense: Tense) -> cal.Interval | None:
    """Resolve an isolated expression: the longest hit, else dateparser for absolute dates."""
    hits = find(text)
    if hits:
        best = max(hits, key=lambda h: h.length)
        if kind_of(best) == "duration":
            return None
        return resolve(best, published=published, tense=tense)
    return absolute(text, published=published, tense=tense)


@functools.lru_cache(maxsize=1)
def _absolute_hint() -> re.Pattern[str]:
    """What an absolute date needs: a month name, a four-digit year or a numeric date. A bare
    number ("Kopp, 44,", an age the NER calls a DATE) is not one."""
    return re.compile(rf"\b(?:{alt(list(vocab().month_of))})\b|(?<!\d)(?:1[89]|20)\d{{2}}(?!\d)"
                      r"|\b\d{1,4}[/.]\d{1,2}(?:[/.]\d{2,4})?\b", re.IGNORECASE)


def absolute(text: str, *, published: date | None, tense: Tense) -> cal.Interval | None:
    """dateparser for absolute dates the patterns above miss."""
    if not _absolute_hint().search(text):
        return None
    direction: cal.Direction = tense if tense in ("past", "future") else "nearest"
    return parse_absolute(text, published=published, direction=direction)


__all__ = ["Hit", "Rule", "absolute", "find", "kind_of", "resolve", "resolve_parts", "resolve_text",
           "rules"]

