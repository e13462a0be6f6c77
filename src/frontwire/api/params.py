"""What the routes share: the service they reach through a dependency, and their parameters.

``Service`` is what ``create_app`` sets up once (the store, the settings, the token, the
POST pipeline); each route takes it as ``ServiceDep`` from ``app.state``, not from a closure.
The query parameters are declared here once, with the formats the OpenAPI schema states: the
event filter, ``limit``, and the ``cursor`` with its keyset page over (article_id, seq). They are
module-level because FastAPI resolves annotations in module globals.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from pydantic import BeforeValidator

from ..config import Settings
from ..store import Reader, Store
from ..store.filters import (
    CURSOR_PATTERN,
    BadQuery,
    EventFilter,
    decode_position,
    encode_position,
)

MAX_LIMIT = 1000


@dataclass
class Service:
    """The app's one store and its settings; ``token`` set means POST /articles is on."""

    store: Store
    settings: Settings
    token: str | None
    tile_url: str | None
    pipeline_factory: Callable[[], Any] | None = None
    # One POST at a time: one pipeline (not thread-safe, built by the first POST), one writer.
    lock: threading.Lock = field(default_factory=threading.Lock)
    pipeline: Any = None

    def view(self) -> AbstractContextManager[Reader]:
        """One read view per request: a DuckDB cursor, or a pooled PostgreSQL connection."""
        return self.store.reader()


async def service(request: Request) -> Service:
    return request.app.state.service  # type: ignore[no-any-return]


ServiceDep = Annotated[Service, Depends(service)]


def _iso_date(value: Any) -> Any:
    # pydantic's lax date also takes "0" (a timestamp) and datetimes; the schema says
    # format: date, so the server takes YYYY-MM-DD and nothing else.
    # (ValueError, not TypeError: pydantic turns only the former into a 400.)
    iso = isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)
    if not (iso or isinstance(value, date)):
        raise ValueError("a date is YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]

# Formats of the coordinate parameters, as patterns the OpenAPI schema declares (the checks in
# EventFilter.check() stay: they also guard the CLI). Plain decimals, in range.
LAT = r"-?(?:90(?:\.0+)?|[1-8]?[0-9](?:\.[0-9]+)?)"
LON = r"-?(?:180(?:\.0+)?|(?:1[0-7][0-9]|[1-9]?[0-9])(?:\.[0-9]+)?)"
BBOX_PATTERN = rf"^{LON},{LAT},{LON},{LAT}$"
NEAR_PATTERN = rf"^{LAT},{LON}$"


def _parse_floats(value: str, n: int, name: str) -> tuple[float, ...]:
    parts = value.split(",")
    try:
        nums = tuple(float(p) for p in parts)
    except ValueError:
        nums = ()
    if len(nums) != n or not all(math.isfinite(x) for x in nums):
        raise BadQuery(f"{name} must be {n} comma-separated numbers")
    return nums


def event_filter(
    bbox: Annotated[str | None, Query(
        description="WEST,SOUTH,EAST,NORTH in degrees, SOUTH <= NORTH (else 400); "
                    "WEST > EAST crosses the antimeridian",
        examples=["36,47,39,49.5"], max_length=100, pattern=BBOX_PATTERN)] = None,
    near: Annotated[str | None, Query(
        description="LAT,LON in degrees; needs km (either alone is a 400)",
        max_length=60, pattern=NEAR_PATTERN)] = None,
    km: Annotated[float | None, Query(
        gt=0, le=20000, description="radius around near, which it needs (else 400)")] = None,
    since: Annotated[IsoDate | None, Query(
        description="events that end on or after this day; not after until (else 400)")] = None,
    until: Annotated[IsoDate | None, Query(
        description="events that start on or before this day")] = None,
    type: Annotated[str | None, Query(max_length=80)] = None,
    sub_type: Annotated[str | None, Query(max_length=120)] = None,
    actor_country: Annotated[str | None, Query(min_length=2, max_length=2,
                                               pattern="^[A-Za-z]{2}$")] = None,
    country: Annotated[str | None, Query(min_length=2, max_length=2,
                                         pattern="^[A-Za-z]{2}$")] = None,
    q: Annotated[str | None, Query(max_length=200, description="text search")] = None,
    cluster: Annotated[str | None, Query(max_length=100, description="events of one cluster")]
    = None,
) -> EventFilter:
    return EventFilter(
        bbox=_parse_floats(bbox, 4, "bbox") if bbox else None,  # type: ignore[arg-type]
        near=_parse_floats(near, 2, "near") if near else None,  # type: ignore[arg-type]
        km=km, since=since, until=until, event_type=type, sub_event_type=sub_type,
        actor_country=actor_country, country=country, q=q, cluster=cluster).check()


Filter = Annotated[EventFilter, Depends(event_filter)]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT)]
Cursor = Annotated[str | None, Query(max_length=500, pattern=CURSOR_PATTERN, description=(
    "next_cursor of the previous page (any value of this format is a position: the page "
    "starts after it)"))]


def after(cursor: str | None) -> tuple[str, int] | None:
    """The (article_id, seq) key a page of places or claims starts after."""
    if not cursor:
        return None
    seq, article_id, _ = decode_position(cursor)
    return article_id, seq


def keyset_page(rows: list[dict[str, Any]], limit: int) -> dict[str, Any]:
    """A page from ``limit + 1`` rows in (article_id, seq) order: the extra one says there is more."""
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        last = rows[-1]
        nxt = encode_position(last["seq"], last["article_id"], "")
    return {"items": rows, "next_cursor": nxt}
