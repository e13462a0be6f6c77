"""``GET /stats/*``: the timeline, the map's grid cells and the page's summary."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from ...store.filters import from_clause, where
from ..errors import responses
from ..params import Filter, ServiceDep

router = APIRouter()


@router.get("/stats/timeline", summary="Event counts per day, week or month",
            responses=responses(400))
def timeline(svc: ServiceDep, f: Filter,
             bucket: Literal["day", "week", "month"] = "day") -> dict[str, Any]:
    sql_where, params = where(f)
    extra = "e.date_start IS NOT NULL"
    sql_where = sql_where + " AND " + extra if sql_where else " WHERE " + extra
    with svc.view() as v:
        rows = v.rows(f"SELECT date_trunc('{bucket}', e.date_start)::DATE AS date, "
                      f"count(*) AS count {from_clause(f)}{sql_where} GROUP BY 1 ORDER BY 1",
                      params)
    return {"bucket": bucket, "items": rows}


@router.get("/stats/grid", summary="Events aggregated in grid cells (for the map at low zoom)",
            responses=responses(400))
def grid(svc: ServiceDep, f: Filter,
         zoom: Annotated[int, Query(ge=0, le=22)] = 3) -> dict[str, Any]:
    cell = 360.0 / (2 ** zoom * 8)
    sql_where, params = where(f)
    extra = "e.lat IS NOT NULL AND e.lon IS NOT NULL"
    sql_where = sql_where + " AND " + extra if sql_where else " WHERE " + extra
    with svc.view() as v:
        rows = v.rows(
            "SELECT floor(e.lat / ?)::BIGINT AS gy, floor(e.lon / ?)::BIGINT AS gx, "
            "count(*) AS count, avg(e.lat) AS lat, avg(e.lon) AS lon, "
            "mode() WITHIN GROUP (ORDER BY e.event_type) AS event_type "
            f"{from_clause(f)}{sql_where} GROUP BY 1, 2 ORDER BY count DESC LIMIT 5000",
            [cell, cell] + params)
    return {"cell_degrees": cell, "items": [
        {"lat": r["lat"], "lon": r["lon"], "count": r["count"], "event_type": r["event_type"]}
        for r in rows]}


@router.get("/stats/summary", summary="Totals, event types and date range (for the page)",
            responses=responses())
def summary(svc: ServiceDep) -> dict[str, Any]:
    with svc.view() as v:
        tot = v.rows("SELECT count(*) AS events, min(date_start) AS first, "
                     "max(coalesce(date_end, date_start)) AS last, "
                     "count(lat) AS located, min(lat) AS south, max(lat) AS north, "
                     "min(lon) AS west, max(lon) AS east FROM events")[0]
        types = v.rows("SELECT event_type, count(*) AS count FROM events GROUP BY 1 "
                       "ORDER BY 2 DESC")
        tot["articles"] = v.rows("SELECT count(*) AS n FROM articles")[0]["n"]
        tot["clusters"] = v.rows("SELECT count(*) AS n FROM event_clusters")[0]["n"]
    return {**tot, "types": types, "post_enabled": svc.token is not None,
            "tile_url": svc.tile_url}
