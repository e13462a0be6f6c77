"""Read-back queries behind ``frontwire events|places|claims|articles``.

Filters are keyword-only and always passed as SQL parameters, never formatted into SQL.
Events are filtered by ``filters.EventFilter`` and ``filters.where`` (the exports' and the
API's builder), not here.
``list_places`` and ``list_claims`` also serve the API's ``/places`` and ``/claims`` pages: the
columns it returns, and keyset pagination on (article_id, seq).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any, Literal

from .base import Reader, Store
from .filters import EventFilter, from_clause, where


def _where(clauses: list[tuple[str, Any]]) -> tuple[str, list[Any]]:
    """The WHERE of the clauses whose value is not None; a tuple value fills several ``?``."""
    active = [(sql, v) for sql, v in clauses if v is not None]
    if not active:
        return "", []
    params: list[Any] = []
    for _, v in active:
        params.extend(v if isinstance(v, tuple) else (v,))
    return " WHERE " + " AND ".join(sql for sql, _ in active), params


def list_events(store: Store, *, limit: int = 1000, **filters: Any) -> list[dict[str, Any]]:
    """Stored events for ``frontwire events``; ``filters`` are ``EventFilter``'s fields.

    The WHERE is ``filters.where``'s, the one that exports and the API use, so ``country``
    means the same everywhere: where the event happened (``actor_country`` is either actor's).
    """
    f = EventFilter(**filters).check()
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


# The columns ``frontwire places`` and ``frontwire claims`` list, in this order; the API asks
# for its own (with ``seq``, its cursor key). Names from the code, never from a request.
PLACE_COLUMNS = ("article_id", "text", "start", "end", "name", "feature", "admin1", "country",
                 "lat", "lon", "score", "geonameid")
CLAIM_COLUMNS = ("article_id", "id", "speaker", "speaker_type", "speaker_role", "cue", "channel",
                 "direct", "date_start", "date_end", "cites", "text")


def _columns(alias: str, columns: Sequence[str]) -> str:
    if not all(c.isidentifier() for c in columns):
        raise ValueError(f"not column names: {columns!r}")
    return ", ".join(f'{alias}."{c}"' for c in columns)


def _and(where: str, cond: str) -> str:
    return (where + " AND " if where else " WHERE ") + cond


def _after(where: str, params: list[Any], alias: str,
           after: tuple[str, int] | None) -> tuple[str, list[Any]]:
    """Keyset pagination: only rows after (article_id, seq) ``after``, in that order."""
    if after is None:
        return where, params
    return _and(where, f"({alias}.article_id, {alias}.seq) > (?, ?)"), params + list(after)


def list_places(store: Store | Reader, *, country: str | None = None, name: str | None = None,
                article: str | None = None, resolved: bool | None = None,
                limit: int = 1000, after: tuple[str, int] | None = None,
                columns: Sequence[str] = PLACE_COLUMNS) -> list[dict[str, Any]]:
    """Place mentions in (article_id, seq) order; ``after`` starts past that key (a page)."""
    where, params = _where([
        ("p.country = upper(?)", country),
        ("(lower(p.name) = lower(?) OR lower(p.text) = lower(?))",
         None if name is None else (name, name)),
        ("p.article_id = ?", article),
    ])
    if resolved is not None:
        cond = "p.geonameid IS NOT NULL OR p.lat IS NOT NULL" if resolved else \
            "p.geonameid IS NULL AND p.lat IS NULL"
        where = _and(where, f"({cond})")
    where, params = _after(where, params, "p", after)
    return store.rows(
        f"SELECT {_columns('p', columns)} FROM places p{where} "
        "ORDER BY p.article_id, p.seq LIMIT ?", params + [limit])


def list_claims(store: Store | Reader, *, speaker: str | None = None,
                channel: str | None = None, since: date | None = None,
                article: str | None = None, limit: int = 1000,
                order: Literal["published", "article"] = "published",
                after: tuple[str, int] | None = None,
                columns: Sequence[str] = CLAIM_COLUMNS) -> list[dict[str, Any]]:
    """Claims, by their article's publication date or (``order="article"``) in (article_id,
    seq) order, where ``after`` starts past that key (a page)."""
    if after is not None and order != "article":
        raise ValueError("after is a key of the article order")
    where, params = _where([
        ("lower(c.speaker) LIKE '%' || lower(?) || '%'", speaker),
        ("lower(c.channel) = lower(?)", channel),
        ("coalesce(c.date_end, c.date_start, a.published) >= ?", since),
        ("c.article_id = ?", article),
    ])
    where, params = _after(where, params, "c", after)
    by_date = order == "published"
    # The article is joined only for what needs it: its date (to filter or to order by).
    join = " JOIN articles a ON a.id = c.article_id" if by_date or since is not None else ""
    return store.rows(
        f"SELECT {_columns('c', columns)} FROM claims c{join}{where} ORDER BY "
        f"{'a.published NULLS LAST, ' if by_date else ''}c.article_id, c.seq LIMIT ?",
        params + [limit])


def list_articles(store: Store, *, source: str | None = None, since: date | None = None,
                  until: date | None = None, search: str | None = None,
                  limit: int = 1000) -> list[dict[str, Any]]:
    where, params = _where([
        ("lower(source) = lower(?)", source),
        ("published >= ?", since),
        ("published <= ?", until),
        ("(lower(text) LIKE '%' || lower(?) || '%' OR lower(title) LIKE '%' || lower(?) || '%')",
         None if search is None else (search, search)),
    ])
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
