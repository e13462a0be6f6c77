"""Event clusters: one incident reported by many articles, with every source and every version.

Which events are one incident is decided in ``linking`` (same type, near enough for how
precisely each place is known, overlapping dates); this module stores the clusters, the
connected components of those links, and keeps them current. Raw events are never
changed: clusters live in ``event_clusters`` / ``cluster_events``. ``recompute`` rebuilds them
from scratch; ``update`` (what ingest, load, feeds and the API call) re-links only the clusters
that the given articles can touch, and gives the same rows as a rebuild (see its docstring).

For each cluster we keep its number of sources (outlets, counting the near-duplicate sources of
each article group), the claimants grouped by the side they speak for, and the details on which
its events disagree (for example different fatality counts by different claimants).
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from ..geo import EARTH_RADIUS_KM
from ..store.base import Store
from .linking import (
    Ev,
    event_of,
    link,
    linked,
    record_config,
    summarize,
)

_EVENT_ROWS = ("SELECT e.*, a.published, a.source AS article_source FROM events e "
               "JOIN articles a ON a.id = e.article_id")


def _load(store: Store) -> list[Ev]:
    return [event_of(r) for r in store.rows(_EVENT_ROWS + " ORDER BY e.article_id, e.seq")]


def _sources_by_article(store: Store, article_ids: Iterable[str] | None = None
                        ) -> dict[str, list[str]]:
    """Every outlet of each article's group (of the given articles only, when named)."""
    sql = ("SELECT a.id, s.source, s.url, a.source AS asource, a.url AS aurl "
           "FROM articles a LEFT JOIN article_sources s ON s.article_id = a.id")
    if article_ids is None:
        found = store.rows(sql + " ORDER BY a.id, s.seq")
    else:
        found = []
        for chunk in _chunks(sorted(set(article_ids))):
            found += store.rows(f"{sql} WHERE a.id IN ({_marks(len(chunk))}) "
                                "ORDER BY a.id, s.seq", chunk)
    out: dict[str, list[str]] = defaultdict(list)
    for r in found:
        name = r["source"] or r["url"] or r["asource"] or r["aurl"] or f"article:{r['id']}"
        if name not in out[r["id"]]:
            out[r["id"]].append(name)
    return out


@dataclass(frozen=True, slots=True)
class ClusterSummary:
    events: int  # events linked (all of them, or those re-linked by an update)
    clusters: int  # clusters written
    multi: int  # of those, clusters with events from more than one article
    full: bool = True  # False when only the touched clusters were rewritten


_COLUMNS = ["id", "event_type", "sub_event_type", "location_name", "country", "lat", "lon",
            "geo_precision", "date_start", "date_end", "n_events", "n_articles", "n_sources",
            "sources", "claimants", "conflicts", "fatalities_min", "fatalities_max"]
_CHUNK = 500  # keys per ``IN (...)`` list, far below PostgreSQL's 65,535 parameters
# An update that would re-link more than this share of all events (and more than
# ``_FULL_MIN`` of them) rebuilds everything instead: same rows, fewer queries.
_FULL_SHARE = 0.25
_FULL_MIN = 2000


def recompute(store: Store) -> ClusterSummary:
    """Rebuild every cluster from the raw events, in one transaction."""
    with store.transaction():
        # PostgreSQL: concurrent ingests recompute one after the other, each from the events
        # committed before it took the lock (a no-op on DuckDB's single writer).
        store.lock("clusters")
        return _rebuild(store)


def _rebuild(store: Store) -> ClusterSummary:
    events = _load(store)
    sources = _sources_by_article(store)
    rows = [summarize(g, sources=sources) for g in link(events)]
    store.execute("DELETE FROM cluster_events")
    store.execute("DELETE FROM event_clusters")
    _insert(store, rows)
    return ClusterSummary(events=len(events), clusters=len(rows),
                          multi=sum(1 for r in rows if r["n_articles"] > 1))


def _insert(store: Store, rows: list[dict[str, Any]]) -> None:
    """Write cluster rows and their members with multi-row INSERTs.

    ``executemany`` costs about a millisecond per row on DuckDB (one statement each), which
    made writing 100,000 clusters take minutes; one statement per few thousand rows does not.
    """
    now = datetime.now(UTC).replace(tzinfo=None)
    _insert_many(store, "event_clusters", [[r[c] for c in _COLUMNS] + [now] for r in rows])
    _insert_many(store, "cluster_events",
                 [(r["id"], a, e) for r in rows for a, e in r["members"]])


def _insert_many(store: Store, table: str, rows: list[Any]) -> None:
    if not rows:
        return
    one = "(" + _marks(len(rows[0])) + ")"
    step = max(1, 10_000 // len(rows[0]))
    for i in range(0, len(rows), step):
        chunk = rows[i:i + step]
        store.execute(f"INSERT INTO {table} VALUES " + ", ".join([one] * len(chunk)),
                      [v for row in chunk for v in row])


def _chunks(keys: list[Any], size: int = _CHUNK) -> Iterable[list[Any]]:
    for i in range(0, len(keys), size):
        yield keys[i:i + size]


def _marks(n: int) -> str:
    return ", ".join("?" * n)


# -- incremental update ------------------------------------------------------------------------

def update(store: Store, article_ids: Iterable[str]) -> ClusterSummary:
    """Re-cluster after the given articles were stored, replaced, or gained a source.

    ``article_ids`` may also name a near-duplicate that was not stored but added as a source of
    a stored article (``dedup.add_source``): it stands for that article. The result equals a
    full ``recompute`` because clusters are connected components: an edge can only appear
    between a changed event and its neighbours, so only the clusters holding the given
    articles' old events, and the clusters of every event their current events link to, can
    change. Those are found with one SQL prefilter (same type; date intervals that can overlap
    with the slack, undated events over their window; a latitude/longitude box for each radius
    the pair could use, or unlocated events by place name), checked with the same pairwise
    match as ``link``, then re-linked together and rewritten in one transaction.

    It relies on the stored clusters being those of a full rebuild of the other events. Events
    written without a cluster row (or cluster rows whose event is gone) are noticed by two
    counts and re-linked too. When the events to place are a large share of the archive (the
    first update of an archive that never had clusters, a large ``load``), it rebuilds
    everything: the same rows, with fewer queries. What the counts cannot see is an article
    replaced with the same number of events and not named here: its clusters stay as they were
    until the next update that touches them, or ``frontwire clusters``.
    """
    wanted = sorted(set(article_ids))
    with store.transaction():
        store.lock("clusters")  # writers update one after the other (PostgreSQL)
        return _update(store, wanted)


def _update(store: Store, wanted: list[str]) -> ClusterSummary:
    ids = set(wanted)
    for chunk in _chunks(wanted):  # near-duplicates stand for the article they joined
        ids.update(r["article_id"] for r in store.rows(
            "SELECT DISTINCT article_id FROM article_sources "
            f"WHERE duplicate_id IN ({_marks(len(chunk))})", chunk))
    n_events = _count(store, "events")
    n_members = _count(store, "cluster_events")
    seeds = _events_of(store, ids)
    touched, n_rows = _clusters_of(store, ids)
    if n_events - len(seeds) != n_members - n_rows:
        # Some events were stored, or removed, without a cluster update: take them in too.
        extra = {r["article_id"] for r in store.rows(
            "SELECT DISTINCT e.article_id FROM events e LEFT JOIN cluster_events c "
            "ON c.article_id = e.article_id AND c.event_id = e.id WHERE c.cluster_id IS NULL")}
        extra.update(r["article_id"] for r in store.rows(
            "SELECT DISTINCT c.article_id FROM cluster_events c LEFT JOIN events e "
            "ON e.article_id = c.article_id AND e.id = c.event_id WHERE e.id IS NULL"))
        extra -= ids
        ids |= extra
        seeds += _events_of(store, extra)
        touched |= _clusters_of(store, extra)[0]
    if len(seeds) > max(_FULL_MIN, _FULL_SHARE * n_events):
        return _rebuild(store)
    seed_evs = [event_of(r) for r in seeds]
    keys = {(e.article_id, e.id) for e in seed_evs}
    unclustered: set[tuple[str, str]] = set()
    for cluster_id, key in _neighbours(store, seed_evs):
        if cluster_id is not None:
            touched.add(cluster_id)
        elif key not in keys:
            unclustered.add(key)  # stored by a writer whose own update is still to come
    members = [event_of(r) for r in _members_of(store, sorted(touched), unclustered)
               if (r["article_id"], r["id"]) not in keys]
    events = seed_evs + members
    sources = _sources_by_article(store, {e.article_id for e in events})
    rows = [summarize(g, sources=sources) for g in link(events)]
    gone = sorted(set(touched) | {r["id"] for r in rows})
    for chunk in _chunks(sorted(touched)):
        store.execute(f"DELETE FROM cluster_events WHERE cluster_id IN ({_marks(len(chunk))})",
                      chunk)
    for chunk in _chunks(sorted(ids)):
        store.execute(f"DELETE FROM cluster_events WHERE article_id IN ({_marks(len(chunk))})",
                      chunk)
    for chunk in _chunks(gone):
        store.execute(f"DELETE FROM event_clusters WHERE id IN ({_marks(len(chunk))})", chunk)
    _insert(store, rows)
    return ClusterSummary(events=len(events), clusters=len(rows),
                          multi=sum(1 for r in rows if r["n_articles"] > 1), full=False)


def _count(store: Store, table: str) -> int:
    row = store.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _events_of(store: Store, article_ids: Iterable[str]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for chunk in _chunks(sorted(article_ids)):
        out += store.rows(f"{_EVENT_ROWS} WHERE e.article_id IN ({_marks(len(chunk))}) "
                          "ORDER BY e.article_id, e.seq", chunk)
    return out


def _clusters_of(store: Store, article_ids: Iterable[str]) -> tuple[set[str], int]:
    """The clusters the articles' events are in now, and how many member rows they have
    there (counted against their events, to notice rows written without an update)."""
    found: set[str] = set()
    n = 0
    for chunk in _chunks(sorted(article_ids)):
        for r in store.rows("SELECT cluster_id, count(*) AS n FROM cluster_events "
                            f"WHERE article_id IN ({_marks(len(chunk))}) GROUP BY cluster_id",
                            chunk):
            found.add(r["cluster_id"])
            n += int(r["n"])
    return found, n


def _members_of(store: Store, cluster_ids: list[str],
                keys: Iterable[tuple[str, str]]) -> list[dict[str, Any]]:
    """The current rows of every event in the clusters, and of the events named by key."""
    out: list[dict[str, Any]] = []
    for chunk in _chunks(cluster_ids):
        out += store.rows(
            "SELECT e.*, a.published, a.source AS article_source FROM cluster_events c "
            "JOIN events e ON e.article_id = c.article_id AND e.id = c.event_id "
            "JOIN articles a ON a.id = e.article_id "
            f"WHERE c.cluster_id IN ({_marks(len(chunk))})", chunk)
    for chunk in _chunks(sorted(keys)):
        out += store.rows(f"{_EVENT_ROWS} WHERE (e.article_id, e.id) IN "
                          f"({', '.join(['(?, ?)'] * len(chunk))})",
                          [v for k in chunk for v in k])
    return out


def _neighbours(store: Store, seeds: list[Ev]
                ) -> Iterable[tuple[str | None, tuple[str, str]]]:
    """(cluster id or None, event key) of every stored event that links to a seed."""
    cfg = record_config()["clusters"]
    slack = int(cfg["date_slack_days"])
    by_type: dict[str, list[Ev]] = defaultdict(list)
    for e in seeds:
        by_type[e.event_type.lower()].append(e)
    clauses = [c for c in (_prefilter(e, slack=slack) for e in seeds) if c is not None]
    step = 50
    for i in range(0, len(clauses), step):
        part = clauses[i:i + step]
        found = store.rows(
            "SELECT e.article_id, e.id, e.event_type, e.lat, e.lon, e.geo_precision, "
            "e.location_name, e.date_start, e.date_end, a.published, c.cluster_id "
            "FROM events e JOIN articles a ON a.id = e.article_id LEFT JOIN cluster_events c "
            "ON c.article_id = e.article_id AND c.event_id = e.id WHERE "
            + " OR ".join(f"({sql})" for sql, _ in part), [v for _, p in part for v in p])
        for r in found:
            cand = event_of(r)
            if any(linked(cand, s, slack_days=slack)
                   for s in by_type.get(cand.event_type.lower(), ())):
                yield r["cluster_id"], (r["article_id"], r["id"])


def _prefilter(e: Ev, *, slack: int) -> tuple[str, list[Any]] | None:
    """SQL that keeps every stored event that may link to ``e`` (and some that do not).

    Lower-casing in SQL agrees with Python's for ASCII text (the ACLED types, most place
    names); for other text the name or type is left to the exact check in Python.
    """
    if e.start is None:
        return None  # an event without any date links to nothing
    cfg = record_config()["clusters"]
    window = timedelta(days=int(cfg["undated_window_days"]))
    lo, hi = e.start - timedelta(days=slack), (e.end or e.start) + timedelta(days=slack)
    conds = ["e.article_id <> ?"]
    params: list[Any] = [e.article_id]
    kind = e.event_type.lower()
    if kind.isascii():
        conds.append("lower(e.event_type) = ?")
        params.append(kind)
    # The candidate's interval as ``_ev`` makes it, overlapping [lo, hi].
    conds.append("((coalesce(e.date_start, e.date_end) <= ? AND "
                 "coalesce(e.date_end, e.date_start) >= ?) OR (e.date_start IS NULL AND "
                 "e.date_end IS NULL AND a.published <= ? AND a.published >= ?))")
    params += [hi, lo, hi + window, lo]
    name_sql, name_params = "", []
    if e.place:
        key = e.place.lower()
        name_sql, name_params = (("lower(e.location_name) = ?", [key]) if key.isascii()
                                 else ("e.location_name IS NOT NULL", []))
    if e.lat is None or e.lon is None:
        if not name_sql:
            return None  # neither coordinates nor a name: nothing can be the same place
        conds.append(name_sql)
        params += name_params
        return " AND ".join(conds), params
    boxes, box_params = [], []
    for km, precisions in _radius_classes(e.precision):
        lat0, lat1, lon_range = _box(e.lat, e.lon, km)
        sql = "e.lat BETWEEN ? AND ?"
        p: list[Any] = [lat0, lat1]
        if lon_range is not None:
            sql += " AND e.lon BETWEEN ? AND ?"
            p += list(lon_range)
        if precisions is not None:
            known, other = precisions
            if other:
                sql += (" AND (e.geo_precision IS NULL OR e.geo_precision NOT IN "
                        f"({_marks(len(known))}))")
            else:
                sql += f" AND e.geo_precision IN ({_marks(len(known))})"
            p += known
        boxes.append(f"({sql})")
        box_params += p
    place = "(e.lat IS NOT NULL AND e.lon IS NOT NULL AND (" + " OR ".join(boxes) + "))"
    if name_sql:
        place = f"({place} OR ((e.lat IS NULL OR e.lon IS NULL) AND {name_sql}))"
        box_params += name_params
    conds.append(place)
    params += box_params
    return " AND ".join(conds), params


def _radius_classes(precision: int | None
                    ) -> list[tuple[float, tuple[list[int], bool] | None]]:
    """The radii a pair with this precision can use, each with the candidate precisions that
    give it: (km, (precisions, False)) for those listed, (km, (listed, True)) for the others,
    (km, None) when every candidate gets the same radius."""
    cfg = record_config()["clusters"]
    radii = {int(k): float(v) for k, v in cfg["radius_km"].items()}
    unknown = float(cfg["unknown_precision_km"])
    if precision is None or precision not in radii:
        return [(unknown, None)]
    by_km: dict[float, list[int]] = defaultdict(list)
    for p, km in sorted(radii.items()):
        by_km[max(radii[precision], km)].append(p)
    return [(km, (ps, False)) for km, ps in by_km.items()] + [(unknown, (sorted(radii), True))]


def _box(lat: float, lon: float, km: float
         ) -> tuple[float, float, tuple[float, float] | None]:
    """A latitude range and longitude range (None: any) holding every point within ``km``.

    The longitude half-width is the exact one at the circle's widest point (asin of sin d over
    cos lat); 1% is added so rounding never drops a pair the distance check would keep.
    """
    d = km * 1.01 / EARTH_RADIUS_KM
    dlat = math.degrees(d)
    if abs(lat) + dlat >= 90:
        return lat - dlat, lat + dlat, None  # the circle reaches a pole
    dlon = math.degrees(math.asin(min(1.0, math.sin(d) / math.cos(math.radians(lat)))))
    if lon - dlon < -180 or lon + dlon > 180:
        return lat - dlat, lat + dlat, None  # across the antimeridian: no longitude bound
    return lat - dlat, lat + dlat, (lon - dlon, lon + dlon)


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


__all__ = ["ClusterSummary", "get_cluster", "recompute", "update"]
