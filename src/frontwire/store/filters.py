"""Event filters shared by the exports and the API, always compiled to parameterized SQL.

Every user value travels as a SQL parameter; only fixed fragments written here become SQL.
Pagination is by keyset (a cursor holding the last row's sort key), so pages stay stable while
new articles are ingested: a row never moves between pages already served.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..errors import BadQuery
from .base import Reader, Store


@dataclass(frozen=True, slots=True)
class EventFilter:
    """What to select: the one meaning of each event filter, for the CLI, exports and the API.

    Every field is optional; an empty one selects everything. ``frontwire events``,
    ``frontwire export`` and ``GET /events`` all turn their options into this and ``where``.

    - ``bbox``: (west, south, east, north) in degrees around the event's location; west > east
      crosses the antimeridian.
    - ``near`` and ``km``: within ``km`` of (lat, lon), great-circle distance; they go together.
    - ``since``: events ending on or after this date; ``until``: starting on or before it
      (an event whose interval overlaps [since, until] matches).
    - ``event_type``, ``sub_event_type``: ACLED's names, any case.
    - ``country``: ISO alpha-2 of where the event happened (its location's country), as ACLED's
      ``country``; an actor's country does not count.
    - ``actor_country``: ISO alpha-2 of either actor (actor1 or actor2).
    - ``q``: text (any case) in the location, an actor's name, the claimant or the evidence.
    - ``article``: events of this article id; ``cluster``: events of this cluster id.
    """

    bbox: tuple[float, float, float, float] | None = None
    near: tuple[float, float] | None = None  # (lat, lon)
    km: float | None = None
    since: date | None = None
    until: date | None = None
    event_type: str | None = None
    sub_event_type: str | None = None
    actor_country: str | None = None
    country: str | None = None
    q: str | None = None
    article: str | None = None
    cluster: str | None = None

    def check(self) -> EventFilter:
        """Raise ``BadQuery`` for values no query can satisfy sensibly."""
        if self.bbox is not None:
            w, s, e, n = self.bbox
            if not (-180 <= w <= 180 and -180 <= e <= 180 and -90 <= s <= n <= 90):
                raise BadQuery("bbox must be west,south,east,north in degrees, south <= north")
        if (self.near is None) != (self.km is None):
            raise BadQuery("near and km go together: near=LAT,LON&km=50")
        if self.near is not None:
            lat, lon = self.near
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                raise BadQuery("near must be LAT,LON in degrees")
            if self.km is None or not (0 < self.km <= 20000):
                raise BadQuery("km must be between 0 and 20000")
        if self.since and self.until and self.since > self.until:
            raise BadQuery("since is after until")
        return self


EVENT_COLUMNS = (
    "e.article_id, e.id AS event_id, e.article_id || '.' || e.id AS id, e.event_type, "
    "e.sub_event_type, e.actor1_name, e.actor1_country, e.actor1_kind, e.actor2_name, "
    "e.actor2_country, e.actor2_kind, e.location_name, e.geonameid, e.country, e.admin1, e.lat, "
    "e.lon, e.geo_precision, e.date_start, e.date_end, e.date_precision, e.fatalities, "
    "e.claimed_by, e.claim_id, e.channel, e.confidence, ce.cluster_id")

# The output name of each column above (what follows "AS", or the bare column name).
EVENT_NAMES = [c.rsplit(" AS ", 1)[-1].rsplit(".", 1)[-1] for c in EVENT_COLUMNS.split(", ")]

EVENT_FROM = ("FROM events e LEFT JOIN cluster_events ce "
              "ON ce.article_id = e.article_id AND ce.event_id = e.id")

SORT_KEY = "coalesce(e.date_start, DATE '9999-12-31'), e.article_id, e.id"


def from_clause(f: EventFilter) -> str:
    """The FROM of a filtered scan: the cluster join only when the filter needs it.

    Joining a million events with their cluster rows before filtering costs seconds; pages
    and aggregates scan ``events`` alone and join clusters to the few rows they return.
    """
    return EVENT_FROM if f.cluster else "FROM events e"


def where(f: EventFilter) -> tuple[str, list[Any]]:
    """SQL conditions (joined with AND, prefixed with WHERE) and their parameters."""
    conds: list[str] = []
    params: list[Any] = []
    if f.bbox is not None:
        w, s, e, n = f.bbox
        conds.append("e.lat BETWEEN ? AND ?")
        params += [s, n]
        if w <= e:
            conds.append("e.lon BETWEEN ? AND ?")
            params += [w, e]
        else:  # crosses the antimeridian
            conds.append("(e.lon >= ? OR e.lon <= ?)")
            params += [w, e]
    if f.near is not None and f.km is not None:
        lat, lon = f.near
        dlat = f.km / 111.0
        dlon = f.km / max(1e-6, 111.0 * math.cos(math.radians(lat)))
        conds.append("e.lat BETWEEN ? AND ?")
        params += [lat - dlat, lat + dlat]
        if dlon < 180:
            conds.append("e.lon BETWEEN ? AND ?")
            params += [lon - dlon, lon + dlon]
        conds.append("2 * 6371.0088 * asin(least(1, sqrt(pow(sin(radians(e.lat - ?) / 2), 2) + "
                     "cos(radians(?)) * cos(radians(e.lat)) * "
                     "pow(sin(radians(e.lon - ?) / 2), 2)))) <= ?")
        params += [lat, lat, lon, f.km]
    if f.since is not None:
        conds.append("coalesce(e.date_end, e.date_start) >= ?")
        params.append(f.since)
    if f.until is not None:
        conds.append("coalesce(e.date_start, e.date_end) <= ?")
        params.append(f.until)
    if f.event_type:
        conds.append("lower(e.event_type) = lower(?)")
        params.append(f.event_type)
    if f.sub_event_type:
        conds.append("lower(e.sub_event_type) = lower(?)")
        params.append(f.sub_event_type)
    if f.actor_country:
        conds.append("(e.actor1_country = upper(?) OR e.actor2_country = upper(?))")
        params += [f.actor_country, f.actor_country]
    if f.country:
        conds.append("e.country = upper(?)")
        params.append(f.country)
    if f.article:
        conds.append("e.article_id = ?")
        params.append(f.article)
    if f.cluster:
        conds.append("ce.cluster_id = ?")
        params.append(f.cluster)
    if f.q:
        # strpos(lower(...)) > 0 is a plain substring test: no wildcard to escape, far faster
        # in DuckDB than LIKE ... ESCAPE, and the same function in PostgreSQL.
        conds.append(
            "(strpos(lower(e.location_name), ?) > 0 OR strpos(lower(e.actor1_name), ?) > 0 "
            "OR strpos(lower(e.actor2_name), ?) > 0 OR strpos(lower(e.claimed_by), ?) > 0 "
            "OR EXISTS (SELECT 1 FROM evidence v WHERE v.article_id = e.article_id "
            "AND v.event_id = e.id AND strpos(lower(v.text), ?) > 0))")
        like = f.q.lower()
        params += [like] * 5
    return (" WHERE " + " AND ".join(conds)) if conds else "", params


# A cursor is a position in a sort order: ``N.A.B`` with N a number (a date's ordinal, or a
# row's seq) and A, B two strings in unpadded base64url. Every string that matches the pattern
# decodes to *some* position, so the API can declare the format exactly and a hand-made cursor
# means "start after this key", never a server error. (The former base64-of-JSON cursor had no
# format a schema could state: most strings of its alphabet were not JSON.)
_B64 = "(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2,3})?"
CURSOR_PATTERN = rf"^[0-9]{{1,7}}\.{_B64}\.{_B64}$"
_CURSOR = re.compile(CURSOR_PATTERN)
_FAR = date(9999, 12, 31)  # the sort key of undated events: after every date


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _unb64(part: str) -> str:
    raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    # Any bytes are a position; NUL is replaced because PostgreSQL refuses it in text.
    return raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")


def encode_position(n: int, a: str, b: str) -> str:
    """The cursor for the key (n, a, b)."""
    return f"{n}.{_b64(a)}.{_b64(b)}"


def decode_position(cursor: str) -> tuple[int, str, str]:
    """(n, a, b) from a cursor; ``BadQuery`` when it does not match ``CURSOR_PATTERN``."""
    if not _CURSOR.fullmatch(cursor):
        raise BadQuery("cursor is not one this server gave out; start again without it")
    n, a, b = cursor.split(".")
    return int(n), _unb64(a), _unb64(b)


def encode_cursor(row: dict[str, Any]) -> str:
    d = row.get("date_start") or _FAR
    return encode_position(d.toordinal(), row["article_id"], row["event_id"])


def decode_cursor(cursor: str) -> tuple[date, str, str]:
    n, a, i = decode_position(cursor)
    return date.fromordinal(min(max(n, 1), _FAR.toordinal())), a, i


def select_events(store: Store | Reader, f: EventFilter, *, limit: int = 100, cursor: str | None = None,
                  evidence: bool = True) -> tuple[list[dict[str, Any]], str | None]:
    """One page of events in a stable order, and the cursor of the next page (None at the end)."""
    sql_where, params = where(f.check())
    if cursor:
        d, a, i = decode_cursor(cursor)
        sql_where += (" AND " if sql_where else " WHERE ") + f"({SORT_KEY}) > (?, ?, ?)"
        params += [d, a, i]
    # One statement: the page is a top-N over ``events`` alone (materialized), and clusters and
    # evidence are joined to those rows only. Joining them to every event first, or a correlated
    # evidence subquery, costs seconds on a million events.
    cols = EVENT_COLUMNS.replace(", ce.cluster_id", "")
    ev = ("LEFT JOIN (SELECT v.article_id, v.event_id, string_agg(v.text, ' … ' ORDER BY v.seq) "
          "AS evidence FROM evidence v WHERE (v.article_id, v.event_id) IN "
          "(SELECT article_id, event_id FROM page) GROUP BY 1, 2) ev "
          "ON ev.article_id = page.article_id AND ev.event_id = page.event_id ") if evidence else ""
    rows = store.rows(
        f"WITH page AS MATERIALIZED (SELECT {cols}, coalesce(e.date_start, DATE '9999-12-31') "
        f"AS k0 FROM {from_clause(f)[5:]}{sql_where} ORDER BY {SORT_KEY} LIMIT ?) "
        f"SELECT {', '.join('page.' + n for n in EVENT_NAMES if n != 'cluster_id')}, "
        f"ce.cluster_id{', ev.evidence' if evidence else ''} "
        "FROM page LEFT JOIN (SELECT c.article_id, c.event_id, c.cluster_id FROM cluster_events c "
        "WHERE (c.article_id, c.event_id) IN (SELECT article_id, event_id FROM page)) ce "
        f"ON ce.article_id = page.article_id AND ce.event_id = page.event_id {ev}"
        "ORDER BY page.k0, page.article_id, page.event_id", params + [limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (encode_cursor(rows[-1]) if more and rows else None)


def rows_for(store: Store | Reader, keys: list[tuple[str, str]]) -> list[dict[str, Any]]:
    """Event rows for (article_id, event_id) keys, in the keys' order."""
    ids = list(dict.fromkeys(a for a, _ in keys))
    if not ids:
        return []
    cols = EVENT_COLUMNS.replace(", ce.cluster_id", "")
    found = {(r["article_id"], r["event_id"]): r for r in store.rows(
        f"SELECT {cols} FROM events e WHERE e.article_id IN ({', '.join('?' * len(ids))})", ids)}
    return [found[k] for k in keys if k in found]


def attach(store: Store | Reader, rows: list[dict[str, Any]], *, evidence: bool = True) -> None:
    """Add ``cluster_id`` (and ``evidence``, the spans' text joined) to event rows in place."""
    ids = list(dict.fromkeys(r["article_id"] for r in rows))
    if not ids:
        return
    marks = ", ".join("?" * len(ids))
    cl = {(r["article_id"], r["event_id"]): r["cluster_id"] for r in store.rows(
        f"SELECT article_id, event_id, cluster_id FROM cluster_events WHERE article_id IN ({marks})",
        ids)}
    ev = {(r["article_id"], r["event_id"]): r["text"] for r in store.rows(
        "SELECT article_id, event_id, string_agg(text, ' … ' ORDER BY seq) AS text FROM evidence "
        f"WHERE article_id IN ({marks}) GROUP BY 1, 2", ids)} if evidence else {}
    for r in rows:
        key = (r["article_id"], r["event_id"])
        r["cluster_id"] = cl.get(key)
        if evidence:
            r["evidence"] = ev.get(key)


def split_event_id(public_id: str) -> tuple[str, str]:
    """``ARTICLE.EVENT`` -> (article_id, event_id)."""
    article_id, dot, event_id = public_id.rpartition(".")
    if not dot or not article_id or not event_id:
        raise BadQuery("an event id looks like ARTICLE_ID.EVENT_ID (as /events returns it)")
    return article_id, event_id


__all__ = [
    "CURSOR_PATTERN",
    "EVENT_COLUMNS",
    "EVENT_FROM",
    "SORT_KEY",
    "BadQuery",
    "EventFilter",
    "attach",
    "decode_cursor",
    "decode_position",
    "encode_cursor",
    "encode_position",
    "from_clause",
    "select_events",
    "split_event_id",
    "where",
]
