"""The time vocabulary (``data/times.yaml``) loaded once per process, with the regex
alternations built from it."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from .. import data


def alt(words: list[str]) -> str:
    """A regex alternation, longest first so "new year's eve" wins over "new year"."""
    ordered = sorted({w.lower() for w in words}, key=len, reverse=True)
    return "|".join(re.escape(w).replace(r"\ ", r"\s+").replace("'", "['\u2019]")
                    for w in ordered)


@dataclass(frozen=True)
class Vocab:
    raw: dict[str, Any]
    month_of: dict[str, int]
    weekday_of: dict[str, int]
    numbers: dict[str, int]
    units: dict[str, dict[str, int]]
    ordinals: dict[str, int]
    fuzzy: dict[str, int]
    seasons: dict[str, dict[str, int]]
    holidays: dict[str, dict[str, Any]]
    named_dates: dict[str, str]
    day_words: dict[str, dict[str, Any]]

    def month(self, word: str) -> int:
        return self.month_of[word.lower().rstrip(".")]

    def number(self, word: str) -> int | None:
        w = re.sub(r"\s+", " ", word.lower().strip())
        if w.isdigit():
            return int(w)
        return self.numbers.get(w)

    def unit(self, word: str) -> dict[str, int]:
        w = word.lower().rstrip("s") if word.lower() != "days" else "day"
        return self.units[w]

    def key(self, table: dict[str, Any], text: str) -> Any:
        return table[re.sub(r"\s+", " ", text.lower().replace("\u2019", "'"))]

    @property
    def tense(self) -> dict[str, list[str]]:
        return self.raw["tense"]

    @property
    def default_direction(self) -> dict[str, str]:
        return self.raw["default_direction"]


@functools.lru_cache(maxsize=1)
def vocab() -> Vocab:
    raw: dict[str, Any] = data.load("times.yaml")
    month_of = {w: int(n) for n, ws in raw["months"].items() for w in ws}
    weekday_of = {w: int(n) for n, ws in raw["weekdays"].items() for w in ws}
    return Vocab(
        raw=raw, month_of=month_of, weekday_of=weekday_of,
        numbers={str(k): int(v) for k, v in raw["numbers"].items()},
        units=raw["units"], ordinals={str(k): int(v) for k, v in raw["ordinals"].items()},
        fuzzy=raw["fuzzy_modifiers"], seasons=raw["seasons"], holidays=raw["holidays"],
        named_dates=raw["named_dates"], day_words=raw["day_words"],
    )


@functools.lru_cache(maxsize=1)
def spelled_year_pattern() -> str:
    """A regex (no groups) for a year spelled out: "nineteen ninety-six", "the year two
    thousand"; read by ``spelled_year``."""
    sp = vocab().raw["spelled_years"]
    cent, tens, ones = alt(list(sp["centuries"])), alt(list(sp["tens"])), alt(list(sp["ones"]))
    return (rf"(?:(?:{cent})[\s-](?:hundred|(?:{tens})(?:[\s-](?:{ones}))?|oh[\s-](?:{ones}))"
            rf"|(?:the\s+year\s+)?two\s+thousand(?:\s+and)?[\s-](?:{tens}|{ones})"
            rf"|the\s+year\s+two\s+thousand)(?![\w-])")


def spelled_year(text: str) -> int | None:
    """1996 for "nineteen ninety-six", 2000 for "the year two thousand"; None otherwise."""
    sp = vocab().raw["spelled_years"]
    words = [w for w in re.split(r"[\s-]+", text.lower()) if w not in ("the", "year", "and")]
    if words[:2] == ["two", "thousand"]:
        rest = words[2:]
        base = 2000
    elif words and words[0] in sp["centuries"]:
        base, rest = int(sp["centuries"][words[0]]), words[1:]
        if rest == ["hundred"]:
            return base
        if rest[:1] == ["oh"]:
            rest = rest[1:]
    else:
        return None
    n = 0
    for w in rest:
        if w in sp["tens"]:
            n += int(sp["tens"][w])
        elif w in sp["ones"]:
            n += int(sp["ones"][w])
        else:
            return None
    return base + n
