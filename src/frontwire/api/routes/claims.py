"""``GET /claims``: who said what, filtered, a keyset page at a time (``store.list_claims``)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query

from ...store import list_claims as select_claims
from ..errors import responses
from ..params import Cursor, Limit, ServiceDep, after, keyset_page

router = APIRouter()

# What a claim item holds: seq is its position in the article (and the cursor's key).
COLUMNS = ("article_id", "seq", "id", "speaker", "speaker_role", "speaker_type", "cue",
           "channel", "direct", "date_start", "date_end", "text", "start", "end")


@router.get("/claims", summary="Claims (who said what), filtered, with cursor pagination",
            responses=responses(400))
def list_claims(svc: ServiceDep, speaker: Annotated[str | None, Query(max_length=200)] = None,
                channel: Annotated[str | None, Query(max_length=80)] = None,
                article: Annotated[str | None, Query(max_length=200)] = None,
                limit: Limit = 100, cursor: Cursor = None) -> dict[str, Any]:
    # An empty value filters nothing.
    with svc.view() as v:
        rows = select_claims(v, speaker=speaker or None, channel=channel or None,
                             article=article or None, limit=limit + 1, order="article",
                             after=after(cursor), columns=COLUMNS)
    return keyset_page(rows, limit)
