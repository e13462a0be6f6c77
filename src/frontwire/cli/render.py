"""Text renderings for people: aligned tables, CSV and JSON of rows and results."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from ..model import Result

MAX_CELL = 60


def _cell(value: Any, *, width: int = MAX_CELL) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".") if abs(value) < 1000 else f"{value:.1f}"
    elif isinstance(value, (date, datetime)):
        text = value.isoformat()
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    else:
        text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None, *,
          width: int = MAX_CELL) -> str:
    """An aligned plain-text table; long cells are cut with an ellipsis."""
    if not rows:
        return "(none)"
    cols = list(columns or rows[0].keys())
    cells = [[_cell(r.get(c), width=width) for c in cols] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(cols)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(cols, widths)).rstrip(),
             "  ".join("-" * w for w in widths)]
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip() for row in cells]
    return "\n".join(lines)


def to_csv(rows: Sequence[dict[str, Any]]) -> str:
    buf = io.StringIO()
    if rows:
        writer = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), lineterminator="\n")
        writer.writeheader()
        for r in rows:
            writer.writerow({k: (v.isoformat() if isinstance(v, (date, datetime)) else v)
                             for k, v in r.items()})
    return buf.getvalue()


def to_json(value: Any, *, indent: int | None = 2) -> str:
    def default(o: Any) -> Any:
        if isinstance(o, (date, datetime)):
            return o.isoformat()
        raise TypeError(f"not JSON serializable: {type(o).__name__}")

    return json.dumps(value, ensure_ascii=False, indent=indent, default=default)


RESULT_KINDS = ("places", "times", "claims", "events", "entities", "removed")


def _rows(result: Result, kind: str) -> tuple[list[dict[str, Any]], list[str]]:
    d = result.to_dict()
    if kind == "places":
        return d["places"], ["text", "name", "feature", "admin1", "country", "lat", "lon", "score"]
    if kind == "times":
        return d["times"], ["text", "value", "precision", "start_date", "end_date"]
    if kind == "claims":
        return d["claims"], ["speaker", "speaker_type", "cue", "channel", "direct", "date_start",
                             "text"]
    if kind == "events":
        rows = []
        def actor(a: dict[str, Any]) -> str | None:
            if not a:
                return None
            name = a.get("name") or ""
            return name if name.endswith(")") else f"{name} ({a.get('country') or '?'})"

        for e in d["events"]:
            a1, a2, loc = e.get("actor1") or {}, e.get("actor2") or {}, e.get("location") or {}
            rows.append({
                "type": e["event_type"], "sub_type": e.get("sub_event_type"),
                "actor1": actor(a1), "actor2": actor(a2),
                "location": loc.get("name"), "date": "/".join(
                    x for x in (e.get("date_start"), e.get("date_end")) if x) or None,
                "fatalities": e.get("fatalities"), "claimed_by": e.get("claimed_by"),
                "confidence": e.get("confidence"),
                "evidence": " … ".join(v["text"] for v in e.get("evidence", [])),
            })
        return rows, ["type", "sub_type", "actor1", "actor2", "location", "date", "fatalities",
                      "claimed_by", "confidence", "evidence"]
    if kind == "entities":
        return d["entities"], ["text", "label", "start", "end"]
    if kind == "removed":
        return d["removed"], ["reason", "rule", "text"]
    raise ValueError(f"unknown kind {kind!r}")


def result_tables(result: Result, kinds: Sequence[str]) -> str:
    """One titled table per kind for one article."""
    head = f"== {result.title or result.id}"
    if result.published:
        head += f" (published {result.published.isoformat()})"
    parts = [head]
    for kind in kinds:
        rows, cols = _rows(result, kind)
        parts.append(f"\n{kind} ({len(rows)})\n{table(rows, cols)}")
    return "\n".join(parts) + "\n"
