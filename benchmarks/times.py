"""Times benchmark: TempEval-3 (TimeBank + AQUAINT, TBAQ-cleaned) DATE expressions.

For every TIMEX3 of type DATE whose value is a day (1998-01-08), a month (1998-01), a
quarter (1998-Q1) or a year (1998), it reports how many the project finds (an output span
overlapping the gold span) and how many it resolves to exactly the gold interval, anchored
on the file's creation time (the TIMEX3 with functionInDocument="CREATION_TIME"). A
baseline runs in the same process on the same parses: spaCy's DATE entities resolved by
dateparser with RELATIVE_BASE = creation time and PREFER_DATES_FROM = past.

    python benchmarks/times.py [--data ../shared/data/timeml/TBAQ-cleaned] [--errors N]

Skips (exit 0) when the corpus is absent. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "timeml" / "TBAQ-cleaned"
VALUE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?|-Q([1-4]))?$")


@dataclass
class Gold:
    start: int
    end: int
    text: str
    value: str
    kind: str  # day | month | quarter | year
    interval: tuple[dt.date, dt.date]


@dataclass
class TimeDoc:
    name: str
    text: str
    dct: dt.date
    golds: list[Gold]
    all_spans: list[tuple[int, int]]  # every TIMEX3 in the body, any type


def interval_of(value: str) -> tuple[str, tuple[dt.date, dt.date]] | None:
    from frontwire.times import calendar as cal

    m = VALUE.match(value)
    if not m:
        return None
    y = int(m.group(1))
    try:
        if m.group(3):
            d = dt.date(y, int(m.group(2)), int(m.group(3)))
            return "day", (d, d)
        if m.group(2):
            iv = cal.month(y, int(m.group(2)))
            return "month", (iv.start, iv.end)
        if m.group(4):
            iv = cal.quarter(y, int(m.group(4)))
            return "quarter", (iv.start, iv.end)
        iv = cal.year(y)
        return "year", (iv.start, iv.end)
    except ValueError:
        return None


def read(path: Path) -> TimeDoc | None:
    root = ET.parse(path).getroot()
    dct_el = root.find(".//DCT/TIMEX3")
    if dct_el is None:
        return None
    dct = dt.date.fromisoformat(dct_el.get("value", "")[:10])
    body = root.find("TEXT")
    if body is None:
        return None
    parts: list[str] = []
    golds: list[Gold] = []
    spans: list[tuple[int, int]] = []
    pos = 0

    def walk(el: ET.Element) -> None:
        nonlocal pos
        start = pos
        if el.text:
            parts.append(el.text)
            pos += len(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)
                pos += len(child.tail)
        if el.tag == "TIMEX3":
            spans.append((start, pos))
            if el.get("type") == "DATE":
                got = interval_of(el.get("value", ""))
                if got:
                    golds.append(Gold(start, pos, "", el.get("value", ""), got[0], got[1]))

    walk(body)
    text = "".join(parts)
    for g in golds:
        g.text = text[g.start:g.end]
    return TimeDoc(path.name, text, dct, golds, spans)


def baseline_times(doc, dct: dt.date) -> list[tuple[int, int, dt.date | None, dt.date | None]]:
    """spaCy DATE entities + dateparser (RELATIVE_BASE = creation time, prefer past)."""
    from dateparser.date import DateDataParser

    from frontwire.times import calendar as cal

    parser = DateDataParser(languages=["en"], settings={
        "RELATIVE_BASE": dt.datetime(dct.year, dct.month, dct.day),
        "PREFER_DATES_FROM": "past"})
    out = []
    for ent in doc.ents:
        if ent.label_ != "DATE":
            continue
        data = parser.get_date_data(ent.text)
        if data is None or data.date_obj is None:
            out.append((ent.start_char, ent.end_char, None, None))
            continue
        d = data.date_obj.date()
        period = data.period
        if period == "year":
            iv = cal.year(d.year)
        elif period == "month":
            iv = cal.month(d.year, d.month)
        elif period == "week":
            iv = cal.week(d)
        else:
            iv = cal.day(d)
        out.append((ent.start_char, ent.end_char, iv.start, iv.end))
    return out


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score(golds: list[Gold], outs: list[tuple[int, int, dt.date | None, dt.date | None]],
          tally: Counter, prefix: str, errors: list[str] | None, name: str, text: str) -> None:
    for g in golds:
        hits = [o for o in outs if overlap((g.start, g.end), (o[0], o[1])) > 0]
        tally[f"{prefix}gold"] += 1
        tally[f"{prefix}gold_{g.kind}"] += 1
        if not hits:
            if errors is not None:
                errors.append(f"MISS  {name}: {g.text!r} {g.value}")
            continue
        tally[f"{prefix}found"] += 1
        # the largest overlap; of equal ones the tightest span ("1990" over "since 1990")
        best = max(hits, key=lambda o: (overlap((g.start, g.end), (o[0], o[1])),
                                        -(o[1] - o[0])))
        if (best[2], best[3]) == g.interval:
            tally[f"{prefix}right"] += 1
            tally[f"{prefix}right_{g.kind}"] += 1
        elif errors is not None:
            errors.append(f"WRONG {name}: {g.text!r} gold {g.value} got "
                          f"{text[best[0]:best[1]]!r} {best[2]}..{best[3]}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--errors", type=int, default=0, help="print N project errors")
    ap.add_argument("--limit", type=int, default=0, help="only the first N files")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"skip: {args.data} is absent")
        return 0
    from frontwire.nlp import load_model
    from frontwire.times import extract_times

    files = sorted(p for sub in ("TimeBank", "AQUAINT") for p in (args.data / sub).glob("*.tml"))
    if args.limit:
        files = files[: args.limit]
    docs = [d for d in (read(p) for p in files) if d is not None]
    nlp = load_model("auto")
    t0 = time.perf_counter()
    parsed = list(nlp.pipe([d.text for d in docs], batch_size=16))
    t_parse = time.perf_counter() - t0
    tally: Counter = Counter()
    errors: list[str] = []
    t_proj = t_base = 0.0
    spurious = {"": 0, "b_": 0}
    outputs = {"": 0, "b_": 0}
    for d, doc in zip(docs, parsed, strict=True):
        t = time.perf_counter()
        proj = [(x.start, x.end, x.start_date, x.end_date)
                for x in extract_times(doc, published=d.dct)]
        t_proj += time.perf_counter() - t
        t = time.perf_counter()
        base = baseline_times(doc, d.dct)
        t_base += time.perf_counter() - t
        score(d.golds, proj, tally, "", errors, d.name, d.text)
        score(d.golds, base, tally, "b_", None, d.name, d.text)
        for prefix, outs in (("", proj), ("b_", base)):
            for o in outs:
                if o[2] is None:
                    continue
                outputs[prefix] += 1
                if not any(overlap((o[0], o[1]), s) for s in d.all_spans):
                    spurious[prefix] += 1

    n = tally["gold"]

    def pct(a: int, b: int) -> str:
        return f"{a} ({100 * a / b:.1f}%)" if b else "0"

    kinds = ("day", "month", "quarter", "year")
    print(f"TempEval-3 TBAQ-cleaned: {len(docs)} files, {n} gold DATE expressions "
          f"({', '.join(k + ' ' + str(tally['gold_' + k]) for k in kinds)}); "
          f"spaCy parse {t_parse:.1f}s, project times {t_proj:.2f}s, baseline {t_base:.2f}s")
    print()
    print("| system | found (span overlap) | right interval | "
          + " | ".join(f"right {k}" for k in kinds) + " | resolved outputs | outside any TIMEX3 |")
    print("|---|---|---|" + "---|" * len(kinds) + "---|---|")
    for label, p in (("frontwire.times", ""), ("baseline: spaCy DATE + dateparser", "b_")):
        print(f"| {label} | {pct(tally[p + 'found'], n)} | {pct(tally[p + 'right'], n)} | "
              + " | ".join(pct(tally[p + 'right_' + k], tally['gold_' + k]) for k in kinds)
              + f" | {outputs[p]} | {spurious[p]} |")
    if args.errors:
        print()
        for line in errors[: args.errors]:
            print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
