"""When two reported events are one incident: the linking rule of the event clusters.

Two events from *different* articles are linked when they have the same event type, their
locations are within a radius that depends on how precisely each is known, and their date
intervals overlap (JRC's conflict-event deduplication, Zavarella, Piskorski et al. 2020, matches
on the same signals). Clusters are the connected components of those links (``link``);
``summarize`` makes one cluster's row. The radii, slack and claimant sides are data
(``data/record.yaml``). ``clusters`` stores and updates what this module decides.
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from .. import data
from ..geo import haversine_km
from ..model import record_id


@lru_cache(maxsize=1)
def record_config() -> dict[str, Any]:
    """The record layer's data file (``data/record.yaml``): radii, claimant sides, ACLED codes."""
    return data.load("record.yaml")


@dataclass
class Ev:
    article_id: str
    id: str
    event_type: str
    lat: float | None
    lon: float | None
    precision: int | None
    place: str | None
    start: date | None
    end: date | None
    row: dict[str, Any] = field(repr=False, default_factory=dict)


@lru_cache(maxsize=1)
def _radii() -> dict[int, float]:
    return {int(k): float(v) for k, v in record_config()["clusters"]["radius_km"].items()}


def radius_km(precision_a: int | None, precision_b: int | None) -> float | None:
    """Largest distance at which two locations can be the same incident; None if unknown."""
    radii = _radii()
    got = [radii.get(p) for p in (precision_a, precision_b) if p is not None]
    if len(got) < 2 or None in got:
        return None
    return max(r for r in got if r is not None)


def same_place(a: Ev, b: Ev) -> bool:
    """Whether two events' locations are close enough for one incident."""
    if None not in (a.lat, a.lon, b.lat, b.lon):
        r = radius_km(a.precision, b.precision)
        if r is None:
            r = float(record_config()["clusters"]["unknown_precision_km"])
        return haversine_km(a.lat, a.lon, b.lat, b.lon) <= r  # type: ignore[arg-type]
    return bool(a.place and b.place and a.place.lower() == b.place.lower())


def dates_overlap(a: Ev, b: Ev, *, slack_days: int) -> bool:
    if a.start is None or b.start is None:
        return False
    slack = timedelta(days=slack_days)
    return a.start <= (b.end or b.start) + slack and b.start <= (a.end or a.start) + slack


def claimant_side(claimant: str | None, *, actors: Iterable[tuple[str | None, str | None]] = ()
                  ) -> str | None:
    """The country a claimant speaks for (ISO alpha-2), or None when the data does not say."""
    if not claimant:
        return None
    low = claimant.lower()
    for side, words in record_config()["claimant_sides"].items():
        for w in words:
            if re.search(r"(?<!\w)" + re.escape(str(w).lower()), low):
                return str(side)
    for name, country in actors:
        if name and country and (name.lower() in low or low in name.lower()):
            return country
    return None


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def event_of(r: dict[str, Any]) -> Ev:
    """An event as the linker sees it: an undated one spans the week before publication."""
    window = int(record_config()["clusters"]["undated_window_days"])
    start, end = r["date_start"], r["date_end"]
    if start is None and end is not None:
        start = end
    if start is None and r["published"] is not None:
        start, end = r["published"] - timedelta(days=window), r["published"]
    return Ev(article_id=r["article_id"], id=r["id"], event_type=r["event_type"],
               lat=r["lat"], lon=r["lon"], precision=r["geo_precision"],
               place=r["location_name"], start=start, end=end or start, row=r)


def linked(a: Ev, b: Ev, *, slack_days: int) -> bool:
    """The pairwise match whose connected components are the clusters."""
    return (a.article_id != b.article_id and a.event_type.lower() == b.event_type.lower()
            and dates_overlap(a, b, slack_days=slack_days) and same_place(a, b))


def link(events: list[Ev]) -> list[list[Ev]]:
    """Group events into clusters (connected components of the pairwise match)."""
    slack = int(record_config()["clusters"]["date_slack_days"])
    uf = UnionFind()
    by_type: dict[str, list[int]] = defaultdict(list)
    for i, e in enumerate(events):
        uf.find(i)
        by_type[e.event_type.lower()].append(i)
    for idx in by_type.values():
        # Sweep in date order: only events whose interval can still overlap stay active.
        dated = sorted((i for i in idx if events[i].start is not None),
                       key=lambda i: events[i].start)  # type: ignore[arg-type, return-value]
        active: list[int] = []
        for i in dated:
            e = events[i]
            horizon = e.start - timedelta(days=slack)  # type: ignore[operator]
            active = [j for j in active if (events[j].end or events[j].start) >= horizon]
            for j in active:
                o = events[j]
                if o.article_id != e.article_id and dates_overlap(e, o, slack_days=slack) \
                        and same_place(e, o):
                    uf.union(i, j)
            active.append(i)
    groups: dict[int, list[Ev]] = defaultdict(list)
    for i, e in enumerate(events):
        groups[uf.find(i)].append(e)
    return list(groups.values())


def summarize(members: list[Ev], *, sources: dict[str, list[str]]) -> dict[str, Any]:
    """One cluster's row: representative place and dates, sources, claimants, conflicts."""
    members = sorted(members, key=lambda e: (e.article_id, e.id))
    rows = [m.row for m in members]
    cid = record_id(members[0].article_id, members[0].id, prefix="k")
    located = [r for r in rows if r["lat"] is not None]
    best = min(located or rows, key=lambda r: (r["geo_precision"] or 9, r["article_id"]))
    srcs: list[str] = []
    for aid in dict.fromkeys(m.article_id for m in members):
        for s in sources.get(aid) or [f"article:{aid}"]:
            if s not in srcs:
                srcs.append(s)
    claimants: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        name = r["claimed_by"]
        if not name:
            continue
        side = claimant_side(name, actors=[(r["actor1_name"], r["actor1_country"]),
                                           (r["actor2_name"], r["actor2_country"])]) or "unknown"
        if name not in claimants[side]:
            claimants[side].append(name)
    conflicts: dict[str, list[dict[str, Any]]] = {}
    for key in record_config()["clusters"]["compare"]:
        versions: dict[str, dict[str, Any]] = {}
        for r in rows:
            v = r.get(key)
            if v is None:
                continue
            label = v.isoformat() if isinstance(v, date) else v
            ver = versions.setdefault(str(label), {"value": label, "claimed_by": [],
                                                   "articles": []})
            if r["claimed_by"] and r["claimed_by"] not in ver["claimed_by"]:
                ver["claimed_by"].append(r["claimed_by"])
            if r["article_id"] not in ver["articles"]:
                ver["articles"].append(r["article_id"])
        if len(versions) > 1:
            conflicts[key] = list(versions.values())
    fats = [r["fatalities"] for r in rows if r["fatalities"] is not None]
    starts = [m.row["date_start"] for m in members if m.row["date_start"] is not None]
    ends = [m.row["date_end"] or m.row["date_start"] for m in members
            if (m.row["date_end"] or m.row["date_start"]) is not None]
    subtypes = Counter(r["sub_event_type"] for r in rows if r["sub_event_type"])
    return {
        "id": cid, "event_type": members[0].event_type,
        "sub_event_type": subtypes.most_common(1)[0][0] if subtypes else None,
        "location_name": best["location_name"], "country": best["country"],
        "lat": best["lat"], "lon": best["lon"], "geo_precision": best["geo_precision"],
        "date_start": min(starts) if starts else None, "date_end": max(ends) if ends else None,
        "n_events": len(members), "n_articles": len({m.article_id for m in members}),
        "n_sources": len(srcs), "sources": srcs, "claimants": json.dumps(dict(claimants)),
        "conflicts": json.dumps(conflicts), "fatalities_min": min(fats) if fats else None,
        "fatalities_max": max(fats) if fats else None,
        "members": [(m.article_id, m.id) for m in members],
    }
