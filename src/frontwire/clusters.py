"""Event clusters: one incident reported by many articles, with every source and every version.

Two events from *different* articles are linked when they have the same event type, their
locations are within a radius that depends on how precisely each is known, and their date
intervals overlap (JRC's conflict-event deduplication, Zavarella, Piskorski et al. 2020, matches
on the same signals). Clusters are the connected components of those links. Raw events are never
changed: clusters live in ``event_clusters`` / ``cluster_events`` and ``recompute`` rebuilds
them from scratch.

For each cluster we keep its number of sources (outlets, counting the near-duplicate sources of
each article group), the claimants grouped by the side they speak for, and the details on which
its events disagree (for example different fatality counts by different claimants).
"""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from .geo import haversine_km
from .model import record_id
from .store.base import Store


@lru_cache(maxsize=1)
def record_config() -> dict[str, Any]:
    """The record layer's data file (``data/record.yaml``): radii, claimant sides, ACLED codes."""
    text = resources.files("frontwire.data").joinpath("record.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


@dataclass
class _Ev:
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


def radius_km(precision_a: int | None, precision_b: int | None) -> float | None:
    """Largest distance at which two locations can be the same incident; None if unknown."""
    radii = {int(k): float(v) for k, v in record_config()["clusters"]["radius_km"].items()}
    got = [radii.get(p) for p in (precision_a, precision_b) if p is not None]
    if len(got) < 2 or None in got:
        return None
    return max(r for r in got if r is not None)


def same_place(a: _Ev, b: _Ev) -> bool:
    """Whether two events' locations are close enough for one incident."""
    if None not in (a.lat, a.lon, b.lat, b.lon):
        r = radius_km(a.precision, b.precision)
        if r is None:
            r = float(record_config()["clusters"]["unknown_precision_km"])
        return haversine_km(a.lat, a.lon, b.lat, b.lon) <= r  # type: ignore[arg-type]
    return bool(a.place and b.place and a.place.lower() == b.place.lower())


def dates_overlap(a: _Ev, b: _Ev, *, slack_days: int) -> bool:
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


class _UnionFind:
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


def _load(store: Store) -> list[_Ev]:
    window = int(record_config()["clusters"]["undated_window_days"])
    rows = store.rows(
        "SELECT e.*, a.published, a.source AS article_source FROM events e "
        "JOIN articles a ON a.id = e.article_id ORDER BY e.article_id, e.seq")
    out = []
    for r in rows:
        start, end = r["date_start"], r["date_end"]
        if start is None and end is not None:
            start = end
        if start is None and r["published"] is not None:
            start, end = r["published"] - timedelta(days=window), r["published"]
        out.append(_Ev(article_id=r["article_id"], id=r["id"], event_type=r["event_type"],
                       lat=r["lat"], lon=r["lon"], precision=r["geo_precision"],
                       place=r["location_name"], start=start, end=end or start, row=r))
    return out


def link(events: list[_Ev]) -> list[list[_Ev]]:
    """Group events into clusters (connected components of the pairwise match)."""
    slack = int(record_config()["clusters"]["date_slack_days"])
    uf = _UnionFind()
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
    groups: dict[int, list[_Ev]] = defaultdict(list)
    for i, e in enumerate(events):
        groups[uf.find(i)].append(e)
    return list(groups.values())


def _sources_by_article(store: Store) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for r in store.rows("SELECT a.id, s.source, s.url, a.source AS asource, a.url AS aurl "
                        "FROM articles a LEFT JOIN article_sources s ON s.article_id = a.id "
                        "ORDER BY a.id, s.seq"):
        name = r["source"] or r["url"] or r["asource"] or r["aurl"] or f"article:{r['id']}"
        if name not in out[r["id"]]:
            out[r["id"]].append(name)
    return out


def summarize(members: list[_Ev], *, sources: dict[str, list[str]]) -> dict[str, Any]:
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


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    events: int
    clusters: int
    multi: int  # clusters with events from more than one article


def recompute(store: Store) -> ClusterSummary:
    """Rebuild every cluster from the raw events, in one transaction."""
    cols = ["id", "event_type", "sub_event_type", "location_name", "country", "lat", "lon",
            "geo_precision", "date_start", "date_end", "n_events", "n_articles", "n_sources",
            "sources", "claimants", "conflicts", "fatalities_min", "fatalities_max"]
    with store.transaction():
        # PostgreSQL: concurrent ingests recompute one after the other, each from the events
        # committed before it took the lock (a no-op on DuckDB's single writer).
        store.lock("clusters")
        events = _load(store)
        groups = link(events)
        sources = _sources_by_article(store)
        rows = [summarize(g, sources=sources) for g in groups]
        now = datetime.now(UTC).replace(tzinfo=None)
        store.execute("DELETE FROM cluster_events")
        store.execute("DELETE FROM event_clusters")
        if rows:
            marks = ", ".join("?" * (len(cols) + 1))
            store.executemany(f"INSERT INTO event_clusters ({', '.join(cols)}, computed_at) "
                              f"VALUES ({marks})", [[r[c] for c in cols] + [now] for r in rows])
            store.executemany("INSERT INTO cluster_events VALUES (?, ?, ?)",
                              [(r["id"], a, e) for r in rows for a, e in r["members"]])
    return ClusterSummary(events=len(events), clusters=len(rows),
                          multi=sum(1 for r in rows if r["n_articles"] > 1))


def get_cluster(store: Store, cluster_id: str) -> dict[str, Any] | None:
    """A cluster with its member events (claimants and conflicts decoded)."""
    rows = store.rows("SELECT * FROM event_clusters WHERE id = ?", [cluster_id])
    if not rows:
        return None
    c = rows[0]
    c.pop("computed_at", None)
    c["claimants"] = json.loads(c["claimants"]) if c["claimants"] else {}
    c["conflicts"] = json.loads(c["conflicts"]) if c["conflicts"] else {}
    c["events"] = store.rows(
        "SELECT e.article_id, e.id, e.event_type, e.sub_event_type, e.claimed_by, e.fatalities, "
        "e.location_name, e.date_start, e.date_end, a.source, a.url, a.title "
        "FROM cluster_events ce JOIN events e ON e.article_id = ce.article_id "
        "AND e.id = ce.event_id JOIN articles a ON a.id = e.article_id "
        "WHERE ce.cluster_id = ? ORDER BY e.article_id, e.seq", [cluster_id])
    return c


__all__ = ["ClusterSummary", "claimant_side", "get_cluster", "haversine_km", "link",
           "radius_km", "recompute", "record_config", "summarize"]
