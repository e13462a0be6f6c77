"""Read-back queries behind ``frontwire events|places|claims|articles``.

Filters are keyword-only and always passed as SQL parameters, never formatted into SQL.
Events are filtered by ``filters.EventFilter`` and ``filters.where`` (the exports' and the
API's builder), not here.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from .base import Store
from .filters import EventFilter, from_clause, where


def _where(clauses: list[tuple[str, Any]]) -> tuple[str, list[Any]]:
    active = [(sql, v) for sql, v in clauses if v is not None]
    if not active:
        return "", []
    return " WHERE " + " AND ".join(sql for sql, _ in active), [v for _, v in active]


def list_events(store: Store, *, limit: int = 1000, **filters: Any) -> list[dict[str, Any]]:
    """Stored events for ``frontwire events``; ``filters`` are ``EventFilter``'s fields.

    The WHERE is ``filters.where``'s, the one that exports and the API use, so ``country``
    means the same everywhere: where the event happened (``actor_country`` is either actor's).
    """
    f = EventFilter(**filters)
    sql_where, params = where(f)
    return store.rows(
        "SELECT e.article_id, e.id, e.event_type, e.sub_event_type, e.actor1_name, "
        "e.actor1_country, e.actor2_name, e.actor2_country, e.location_name, e.country, "
        "e.admin1, e.lat, e.lon, e.geo_precision, e.date_start, e.date_end, e.fatalities, "
        "e.claimed_by, e.channel, e.confidence, "
        "(SELECT string_agg(v.text, ' … ' ORDER BY v.seq) FROM evidence v "
        " WHERE v.article_id = e.article_id AND v.event_id = e.id) AS evidence "
        f"{from_clause(f)}{sql_where} "
        "ORDER BY e.date_start NULLS LAST, e.article_id, e.seq LIMIT ?",
        params + [limit])


def list_places(store: Store, *, country: str | None = None, name: str | None = None,
                article: str | None = None, resolved: bool | None = None,
                limit: int = 1000) -> list[dict[str, Any]]:
    where, params = _where([
        ("p.country = upper(?)", country),
        ("(lower(p.name) = lower(?) OR lower(p.text) = lower(?))", name),
        ("p.article_id = ?", article),
    ])
    if name:
        params.insert(params.index(name) + 1, name)
    if resolved is not None:
        cond = "p.geonameid IS NOT NULL OR p.lat IS NOT NULL" if resolved else \
            "p.geonameid IS NULL AND p.lat IS NULL"
        where = (where + " AND " if where else " WHERE ") + f"({cond})"
    return store.rows(
        "SELECT p.article_id, p.text, p.start, p.\"end\", p.name, p.feature, p.admin1, p.country, "
        f"p.lat, p.lon, p.score, p.geonameid FROM places p{where} "
        "ORDER BY p.article_id, p.seq LIMIT ?", params + [limit])


def list_claims(store: Store, *, speaker: str | None = None, channel: str | None = None,
                since: date | None = None, article: str | None = None,
                limit: int = 1000) -> list[dict[str, Any]]:
    where, params = _where([
        ("lower(c.speaker) LIKE '%' || lower(?) || '%'", speaker),
        ("lower(c.channel) = lower(?)", channel),
        ("coalesce(c.date_end, c.date_start, a.published) >= ?", since),
        ("c.article_id = ?", article),
    ])
    return store.rows(
        "SELECT c.article_id, c.id, c.speaker, c.speaker_type, c.speaker_role, c.cue, c.channel, "
        "c.direct, c.date_start, c.date_end, c.cites, c.text "
        f"FROM claims c JOIN articles a ON a.id = c.article_id{where} "
        "ORDER BY a.published NULLS LAST, c.article_id, c.seq LIMIT ?", params + [limit])


def list_articles(store: Store, *, source: str | None = None, since: date | None = None,
                  until: date | None = None, search: str | None = None,
                  limit: int = 1000) -> list[dict[str, Any]]:
    where, params = _where([
        ("lower(source) = lower(?)", source),
        ("published >= ?", since),
        ("published <= ?", until),
        ("(lower(text) LIKE '%' || lower(?) || '%' OR lower(title) LIKE '%' || lower(?) || '%')",
         search),
    ])
    if search:
        params.insert(params.index(search) + 1, search)
    return store.rows(
        "SELECT id, published, source, title, url, origin, n_places AS places, n_times AS times, "
        "n_claims AS claims, n_events AS events, length(text) AS chars "
        f"FROM articles{where} ORDER BY published NULLS LAST, id LIMIT ?", params + [limit])


def list_sources(store: Store, *, since: date | None = None, limit: int = 1000) -> list[dict[str, Any]]:
    """Who claims what: claims per speaker, their channels, and the places their claims name."""
    where, params = _where([("coalesce(c.date_end, c.date_start, a.published) >= ?", since)])
    # Place counts per speaker are computed once and ranked (a correlated subquery per speaker
    # re-scanned every claim's places: fine in DuckDB, 15x slower in PostgreSQL).
    return store.rows(
        "WITH c AS (SELECT c.* FROM claims c JOIN articles a ON a.id = c.article_id" + where + "), "
        "named AS (SELECT c.speaker, p.name AS place, count(*) AS n FROM c JOIN places p "
        "  ON p.article_id = c.article_id AND p.start >= c.start AND p.\"end\" <= c.\"end\" "
        "  WHERE p.name IS NOT NULL AND c.speaker IS NOT NULL GROUP BY c.speaker, p.name), "
        "ranked AS (SELECT speaker, place, n, row_number() OVER "
        "  (PARTITION BY speaker ORDER BY n DESC, place) AS r FROM named), "
        "top AS (SELECT speaker, string_agg(place || ' (' || n || ')', ', ' ORDER BY n DESC, place) "
        "  AS places FROM ranked WHERE r <= 8 GROUP BY speaker) "
        "SELECT c.speaker, min(c.speaker_type) AS speaker_type, count(*) AS claims, "
        "count(DISTINCT c.article_id) AS articles, "
        "string_agg(DISTINCT c.channel, ', ' ORDER BY c.channel) AS channels, "
        "min(top.places) AS places "
        "FROM c LEFT JOIN top ON top.speaker = c.speaker WHERE c.speaker IS NOT NULL "
        "GROUP BY c.speaker ORDER BY claims DESC, c.speaker LIMIT ?", params + [limit])
