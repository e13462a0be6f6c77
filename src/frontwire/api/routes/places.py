"""``GET /places``: place mentions, filtered, a keyset page at a time (``store.list_places``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ...store import list_places as select_places
from ..errors import responses
from ..params import Cursor, Limit, ServiceDep, after, keyset_page

router = APIRouter()

# What a place item holds: seq is its position in the article (and the cursor's key).
COLUMNS = ("article_id", "seq", "text", "start", "end", "name", "feature", "country", "admin1",
           "lat", "lon", "score", "geonameid")


@router.get("/places", summary="Place mentions, filtered, with cursor pagination",
            responses=responses(400))
def list_places(svc: ServiceDep, country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$")]
                = None, name: Annotated[str | None, Query(max_length=200)] = None,
                article: Annotated[str | None, Query(max_length=200)] = None,
                limit: Limit = 100, cursor: Cursor = None) -> dict[str, Any]:
    # An empty value filters nothing.
    with svc.view() as v:
        rows = select_places(v, country=country or None, name=name or None,
                             article=article or None, limit=limit + 1, after=after(cursor),
                             columns=COLUMNS)
    return keyset_page(rows, limit)
