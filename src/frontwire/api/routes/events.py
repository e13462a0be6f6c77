"""``GET /events`` (raw events or their clusters, filtered, paged) and ``GET /events/{id}``."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from fastapi import APIRouter
from fastapi import Path as PathParam

from ...errors import NotFound
from ...record import clusters as clusters_mod
from ...record import dedup
from ...store import Reader
from ...store.filters import (
    EventFilter,
    attach,
    decode_cursor,
    encode_cursor,
    from_clause,
    rows_for,
    select_events,
    split_event_id,
    where,
)
from ..errors import responses
from ..params import Cursor, Filter, Limit, ServiceDep

router = APIRouter()


@router.get("/events", summary="Events, raw or clustered, filtered, with cursor pagination",
            responses=responses(400))
def list_events(svc: ServiceDep, f: Filter, mode: Literal["raw", "cluster"] = "raw",
                limit: Limit = 100, cursor: Cursor = None) -> dict[str, Any]:
    with svc.view() as v:
        if mode == "raw":
            rows, nxt = select_events(v, f, limit=limit, cursor=cursor)  # type: ignore[arg-type]
        else:
            rows, nxt = _clusters_page(v, f, limit=limit, cursor=cursor)
    return {"items": rows, "next_cursor": nxt, "mode": mode}


@router.get("/events/{event_id}", summary="One event with evidence, claim, sources, cluster",
            responses=responses(400, 404))
def get_event(svc: ServiceDep, event_id: Annotated[str, PathParam(
        max_length=300, pattern=r"^.+\.[^.]+$",
        description="ARTICLE_ID.EVENT_ID, as /events returns it")]) -> dict[str, Any]:
    article_id, eid = split_event_id(event_id)
    with svc.view() as v:
        rows = rows_for(v, [(article_id, eid)])  # type: ignore[arg-type]
        attach(v, rows, evidence=False)  # type: ignore[arg-type]
        ev = rows[0] if rows else None
        if ev is None:
            raise NotFound(f"no event {event_id!r}")
        ev["evidence"] = v.rows("SELECT text, start, \"end\" FROM evidence WHERE article_id = ? "
                                "AND event_id = ? ORDER BY seq", [article_id, eid])
        claim = v.rows("SELECT id, speaker, speaker_role, speaker_type, cue, channel, text, "
                       "start, \"end\", direct FROM claims WHERE article_id = ? AND id = ?",
                       [article_id, ev["claim_id"]]) if ev["claim_id"] else []
        ev["claim"] = claim[0] if claim else None
        ev["sources"] = dedup.sources(v, article_id)  # type: ignore[arg-type]
        ev["article"] = v.rows("SELECT id, title, url, source, published FROM articles "
                               "WHERE id = ?", [article_id])[0]
        ev["cluster"] = clusters_mod.get_cluster(v, ev["cluster_id"]) \
            if ev["cluster_id"] else None  # type: ignore[arg-type]
    return ev


def _clusters_page(v: Reader, f: EventFilter, *, limit: int,
                   cursor: str | None) -> tuple[list[dict[str, Any]], str | None]:
    """One page of clusters that have at least one event matching the filter."""
    sql_where, params = where(f)
    key = "coalesce(c.date_start, DATE '9999-12-31'), c.id, c.id"
    cond = (f"c.id IN (SELECT ce.cluster_id FROM cluster_events ce WHERE (ce.article_id, "
            f"ce.event_id) IN (SELECT e.article_id, e.id {from_clause(f)}{sql_where}))")
    if cursor:
        d, a, i = decode_cursor(cursor)
        cond += f" AND ({key}) > (?, ?, ?)"
        params = params + [d, a, i]
    rows = v.rows("SELECT c.* FROM event_clusters c "
                  f"WHERE {cond} ORDER BY {key} LIMIT ?", params + [limit + 1])
    for r in rows:
        r.pop("computed_at", None)
        r["claimants"] = json.loads(r["claimants"]) if r["claimants"] else {}
        r["conflicts"] = json.loads(r["conflicts"]) if r["conflicts"] else {}
    more = len(rows) > limit
    rows = rows[:limit]
    nxt = encode_cursor({"date_start": rows[-1]["date_start"], "article_id": rows[-1]["id"],
                         "event_id": rows[-1]["id"]}) if more and rows else None
    return rows, nxt
