"""Schemathesis hooks: the rules between query parameters that OpenAPI cannot express.

The API documents them in each parameter's description and answers 400 when they are broken:
``near`` and ``km`` go together, ``since`` is not after ``until``, a bbox's SOUTH <= NORTH.
Generated requests are adjusted to obey them, so that "schema-valid" means valid; requests
that break a single parameter's declared format are left as generated.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import schemathesis


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


@schemathesis.hook
def map_case(context: Any, case: Any) -> Any:
    q = case.query
    if not isinstance(q, dict):
        return case
    if "near" in q and "km" not in q:
        q["km"] = 50
    elif "km" in q and "near" not in q:
        q["near"] = "49.7,37.6"
    since, until = _day(q.get("since")), _day(q.get("until"))
    if since and until and since > until:
        q["since"], q["until"] = q["until"], q["since"]
    bbox = q.get("bbox")
    if isinstance(bbox, str) and bbox.count(",") == 3:
        w, s, e, n = bbox.split(",")
        try:
            if float(s) > float(n):
                q["bbox"] = f"{w},{n},{e},{s}"
        except ValueError:
            pass
    return case
