"""The REST API: events, articles, places, claims and timeline over one frontwire database.

Read endpoints open the database read-only (other processes may read it at the same time).
``POST /articles`` runs the pipeline and stores the result; it exists only when the operator
configures a token (there is no default token), and then the server holds the database for
writing. Every value from a request reaches SQL as a parameter; errors are JSON bodies
``{"error": {"status", "code", "message", "details"}}`` with a status that fits (400 bad input,
401/403 token, 404 unknown id, 413 body too large, 415 media type, 422 unprocessable article).
"""

from __future__ import annotations

import hmac
import json
import math
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Query, Request
from fastapi import Path as PathParam
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, Field, model_validator
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import clusters as clusters_mod
from .. import dedup
from ..config import Settings, load_settings
from ..errors import FrontwireError, InputError, StoreError
from ..eventquery import (
    BadQuery,
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
from ..model import Rejection, Result
from ..store import Reader, open_store

MAX_BODY = 2_000_000  # bytes; a long article is ~100 kB of text, a page a few hundred kB
MAX_LIMIT = 1000


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, details: Any = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details


def _error(status: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body: dict[str, Any] = {"status": status, "code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status)


class BodyLimit:
    """Refuse request bodies over ``limit`` bytes with 413, by header and while streaming."""

    def __init__(self, app: ASGIApp, *, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for k, v in scope.get("headers", []):
            if k == b"content-length":
                try:
                    too_big = int(v) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _error(413, "body_too_large",
                                 f"request body over {self.limit} bytes")(scope, receive, send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise ApiError(413, "body_too_large", f"request body over {self.limit} bytes")
            return msg

        try:
            await self.app(scope, limited, send)
        except ApiError as exc:
            await _error(exc.status, exc.code, exc.message)(scope, receive, send)


class ArticleIn(BaseModel):
    """An article to process: ``text`` or ``html`` (exactly one), with optional metadata."""

    text: str | None = Field(default=None, min_length=1)
    html: str | None = Field(default=None, min_length=1)
    id: str | None = Field(default=None, max_length=200, pattern=r"^[\w.:-]+$")
    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=1000)
    source: str | None = Field(default=None, max_length=200)
    published: date | None = None

    @model_validator(mode="after")
    def one_body(self) -> ArticleIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self




def _parse_floats(value: str, n: int, name: str) -> tuple[float, ...]:
    parts = value.split(",")
    try:
        nums = tuple(float(p) for p in parts)
    except ValueError:
        nums = ()
    if len(nums) != n or not all(math.isfinite(x) for x in nums):
        raise BadQuery(f"{name} must be {n} comma-separated numbers")
    return nums


# -- shared parameters (module level: FastAPI resolves annotations in module globals) ------

def event_filter(
    bbox: Annotated[str | None, Query(description="west,south,east,north",
                                      examples=["36,47,39,49.5"], max_length=100)] = None,
    near: Annotated[str | None, Query(description="lat,lon", max_length=60)] = None,
    km: Annotated[float | None, Query(gt=0, le=20000)] = None,
    since: date | None = None,
    until: date | None = None,
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
Cursor = Annotated[str | None, Query(max_length=500)]


def create_app(db_path: str | Path, *, token: str | None = None,
               settings: Settings | None = None, max_body: int = MAX_BODY,
               pipeline_factory: Callable[[], Any] | None = None,
               tile_url: str | None = None) -> FastAPI:
    """Build the app over ``db_path``. ``token`` turns ``POST /articles`` on (no default).

    ``pipeline_factory`` builds the pipeline on the first POST (default: ``Pipeline``); tests
    pass a small one. ``tile_url`` is an optional XYZ tile template for the map page; without
    it the page draws the bundled country layer and needs no internet.
    """
    settings = settings or load_settings()
    tile_url = tile_url or getattr(settings, "tile_url", None)  # a config setting, when defined
    if token is not None and len(token) < 8:
        raise FrontwireError("the API token must be at least 8 characters")
    writable = token is not None
    store = open_store(db_path, read_only=not writable)
    lock = threading.Lock()
    state: dict[str, Any] = {}

    app = FastAPI(title="frontwire", version="1", docs_url=None, redoc_url=None,
                  description="Events, claims and places extracted from conflict reporting, "
                              "each traceable to the sentence that states it.")

    @app.get("/docs", include_in_schema=False)
    def docs() -> Any:
        # Swagger UI from the vendored copy, not a CDN: the docs work with no internet.
        return get_swagger_ui_html(openapi_url="/openapi.json", title="frontwire API",
                                   swagger_js_url="/static/vendor/swagger-ui/swagger-ui-bundle.js",
                                   swagger_css_url="/static/vendor/swagger-ui/swagger-ui.css",
                                   swagger_favicon_url="/static/vendor/swagger-ui/favicon-32x32.png")
    app.add_middleware(BodyLimit, limit=max_body)

    def view() -> AbstractContextManager[Reader]:
        # One read view per request: a DuckDB cursor, or a pooled PostgreSQL connection.
        return store.reader()

    # -- errors ------------------------------------------------------------------------------

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": e.get("msg")}
                   for e in exc.errors()]
        return _error(400, "bad_request", "invalid request: " + "; ".join(
            f"{d['where']}: {d['problem']}" for d in details), details)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail))

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.code, exc.message, exc.details)

    @app.exception_handler(BadQuery)
    async def _bad(request: Request, exc: BadQuery) -> JSONResponse:
        return _error(400, "bad_request", exc.message)

    @app.exception_handler(FrontwireError)
    async def _fw(request: Request, exc: FrontwireError) -> JSONResponse:
        status = 503 if isinstance(exc, StoreError) else 422
        return _error(status, exc.code, str(exc))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        return _error(500, "internal", "internal error; the server log has the details")

    # -- events ------------------------------------------------------------------------------

    @app.get("/events", summary="Events, raw or clustered, filtered, with cursor pagination")
    def list_events(f: Filter, mode: Literal["raw", "cluster"] = "raw", limit: Limit = 100,
                    cursor: Cursor = None) -> dict[str, Any]:
        with view() as v:
            if mode == "raw":
                rows, nxt = select_events(v, f, limit=limit, cursor=cursor)  # type: ignore[arg-type]
            else:
                rows, nxt = _clusters_page(v, f, limit=limit, cursor=cursor)
        return {"items": rows, "next_cursor": nxt, "mode": mode}

    @app.get("/events/{event_id}", summary="One event with evidence, claim, sources, cluster")
    def get_event(event_id: Annotated[str, PathParam(max_length=300)]) -> dict[str, Any]:
        article_id, eid = split_event_id(event_id)
        with view() as v:
            rows = rows_for(v, [(article_id, eid)])  # type: ignore[arg-type]
            attach(v, rows, evidence=False)  # type: ignore[arg-type]
            ev = rows[0] if rows else None
            if ev is None:
                raise ApiError(404, "not_found", f"no event {event_id!r}")
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

    # -- articles ----------------------------------------------------------------------------

    @app.get("/articles/{article_id}", summary="An article's text with the spans to highlight")
    def get_article(article_id: Annotated[str, PathParam(max_length=200)]) -> dict[str, Any]:
        with view() as v:
            rows = v.rows("SELECT id, url, title, source, published, language, text "
                          "FROM articles WHERE id = ?", [article_id])
            if not rows:
                raise ApiError(404, "not_found", f"no article {article_id!r}")
            art = rows[0]
            spans: list[dict[str, Any]] = []
            for kind, sql in (
                ("place", "SELECT start, \"end\", text, name AS label FROM places"),
                ("time", "SELECT start, \"end\", text, value AS label FROM times"),
                ("claim", "SELECT start, \"end\", text, speaker AS label FROM claims"),
                ("evidence", "SELECT start, \"end\", text, event_id AS label FROM evidence"),
            ):
                for r in v.rows(sql + " WHERE article_id = ? ORDER BY start", [article_id]):
                    spans.append({"kind": kind, **r})
            art["spans"] = spans
            art["sources"] = dedup.sources(v, article_id)  # type: ignore[arg-type]
            art["events"] = [r["id"] for r in v.rows(
                "SELECT article_id || '.' || id AS id FROM events WHERE article_id = ? ORDER BY seq",
                [article_id])]
        return art

    @app.post("/articles", status_code=201, summary="Process and store an article (token only)",
              openapi_extra={"requestBody": {"content": {
                  "application/json": {"schema": ArticleIn.model_json_schema()},
                  "text/html": {"schema": {"type": "string"}},
                  "text/plain": {"schema": {"type": "string"}}}}})
    async def post_article(request: Request) -> JSONResponse:
        if token is None:
            raise ApiError(403, "disabled", "POST /articles is off: the operator has not "
                           "configured a token (frontwire serve --token-file FILE)")
        given = request.headers.get("authorization", "")
        if not given.lower().startswith("bearer "):
            raise ApiError(401, "unauthorized", "send 'Authorization: Bearer <token>'")
        if not hmac.compare_digest(given[7:].strip().encode(), token.encode()):
            raise ApiError(403, "forbidden", "wrong token")
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        raw = await request.body()
        try:
            body = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ApiError(400, "bad_request", "the body must be UTF-8") from exc
        if ctype == "application/json":
            try:
                data = json.loads(body)
            except json.JSONDecodeError as exc:
                raise ApiError(400, "bad_request", f"not JSON: {exc.msg}") from exc
            if not isinstance(data, dict):
                raise ApiError(400, "bad_request", "send a JSON object")
            try:
                art_in = ArticleIn.model_validate(data)
            except ValueError as exc:
                errs = getattr(exc, "errors", list)()
                raise ApiError(400, "bad_request", "invalid article", [
                    {"where": ".".join(str(p) for p in e.get("loc", ())),
                     "problem": e.get("msg")} for e in errs]) from exc
        elif ctype in ("text/html", "text/plain"):
            q = request.query_params
            pub = q.get("published")
            try:
                art_in = ArticleIn(**{"html" if ctype == "text/html" else "text": body},
                                   url=q.get("url"), title=q.get("title"), source=q.get("source"),
                                   published=date.fromisoformat(pub) if pub else None)
            except ValueError as exc:
                raise ApiError(400, "bad_request", f"invalid article: {exc}") from exc
        else:
            raise ApiError(415, "unsupported_media_type",
                           "send application/json, text/html or text/plain")
        return JSONResponse(_ingest(art_in), status_code=201)

    def _ingest(a: ArticleIn) -> dict[str, Any]:
        from ..ingest.readers import article_from_html, article_from_text

        meta = {"url": a.url, "title": a.title, "source": a.source, "id": a.id}
        try:
            if a.html is not None:
                article = article_from_html(a.html, origin="POST /articles",
                                            published=a.published, **meta)
            else:
                article = article_from_text(a.text or "", origin="POST /articles",
                                            published=a.published, **meta)
        except InputError as exc:
            raise ApiError(422, exc.code, exc.message) from exc
        with lock:
            if "pipeline" not in state:
                if pipeline_factory is not None:
                    state["pipeline"] = pipeline_factory()
                else:
                    from ..pipeline import Pipeline
                    state["pipeline"] = Pipeline(settings=settings)
            (out,) = list(state["pipeline"].process([article]))
            if isinstance(out, Rejection):
                raise ApiError(422, out.code, out.message)
            return _store(out)

    def _store(result: Result) -> dict[str, Any]:
        if store.has_article(result.id):
            return {"id": result.id, "status": "already stored", "events": len(result.events)}
        dup = dedup.find_duplicate(store, result.text, exclude=result.id)  # type: ignore[arg-type]
        if dup is not None:
            dedup.add_source(store, dup, result)
            status, aid = "near-duplicate: added as a source", dup.article_id
        else:
            store.write(result, on_insert=dedup.index_result, origin="POST /articles")
            status, aid = "stored", result.id
        clusters_mod.update(store, [aid])
        return {"id": aid, "status": status, "events": len(result.events),
                "url": f"/articles/{aid}"}

    # -- places, claims, stats ---------------------------------------------------------------

    @app.get("/places", summary="Place mentions, filtered, with cursor pagination")
    def list_places(country: Annotated[str | None, Query(pattern="^[A-Za-z]{2}$")] = None,
                    name: Annotated[str | None, Query(max_length=200)] = None,
                    article: Annotated[str | None, Query(max_length=200)] = None,
                    limit: Limit = 100, cursor: Cursor = None) -> dict[str, Any]:
        conds, params = [], []
        if country:
            conds.append("country = upper(?)")
            params.append(country)
        if name:
            conds.append("(lower(name) = lower(?) OR lower(text) = lower(?))")
            params += [name, name]
        if article:
            conds.append("article_id = ?")
            params.append(article)
        return _keyset_page("SELECT article_id, seq, text, start, \"end\", name, feature, "
                            "country, admin1, lat, lon, score, geonameid FROM places",
                            conds, params, limit=limit, cursor=cursor)

    @app.get("/claims", summary="Claims (who said what), filtered, with cursor pagination")
    def list_claims(speaker: Annotated[str | None, Query(max_length=200)] = None,
                    channel: Annotated[str | None, Query(max_length=80)] = None,
                    article: Annotated[str | None, Query(max_length=200)] = None,
                    limit: Limit = 100, cursor: Cursor = None) -> dict[str, Any]:
        conds, params = [], []
        if speaker:
            conds.append("lower(speaker) LIKE '%' || lower(?) || '%'")
            params.append(speaker)
        if channel:
            conds.append("lower(channel) = lower(?)")
            params.append(channel)
        if article:
            conds.append("article_id = ?")
            params.append(article)
        return _keyset_page("SELECT article_id, seq, id, speaker, speaker_role, speaker_type, "
                            "cue, channel, direct, date_start, date_end, text, start, \"end\" "
                            "FROM claims", conds, params, limit=limit, cursor=cursor)

    def _keyset_page(select: str, conds: list[str], params: list[Any], *, limit: int,
                     cursor: str | None) -> dict[str, Any]:
        if cursor:
            _, a, s = decode_cursor(cursor)
            if not s.isdigit():
                raise BadQuery("cursor is not one this server gave out; start again without it")
            conds = conds + ["(article_id, seq) > (?, ?)"]
            params = params + [a, int(s)]
        sql = select + (" WHERE " + " AND ".join(conds) if conds else "") + \
            " ORDER BY article_id, seq LIMIT ?"
        with view() as v:
            rows = v.rows(sql, params + [limit + 1])
        nxt = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            nxt = encode_cursor({"date_start": None, "article_id": last["article_id"],
                                 "event_id": str(last["seq"])})
        return {"items": rows, "next_cursor": nxt}

    @app.get("/stats/timeline", summary="Event counts per day, week or month")
    def timeline(f: Filter, bucket: Literal["day", "week", "month"] = "day") -> dict[str, Any]:
        sql_where, params = where(f)
        extra = "e.date_start IS NOT NULL"
        sql_where = sql_where + " AND " + extra if sql_where else " WHERE " + extra
        with view() as v:
            rows = v.rows(f"SELECT date_trunc('{bucket}', e.date_start)::DATE AS date, "
                          f"count(*) AS count {from_clause(f)}{sql_where} GROUP BY 1 ORDER BY 1",
                          params)
        return {"bucket": bucket, "items": rows}

    @app.get("/stats/grid", summary="Events aggregated in grid cells (for the map at low zoom)")
    def grid(f: Filter, zoom: Annotated[int, Query(ge=0, le=22)] = 3) -> dict[str, Any]:
        cell = 360.0 / (2 ** zoom * 8)
        sql_where, params = where(f)
        extra = "e.lat IS NOT NULL AND e.lon IS NOT NULL"
        sql_where = sql_where + " AND " + extra if sql_where else " WHERE " + extra
        with view() as v:
            rows = v.rows(
                "SELECT floor(e.lat / ?)::BIGINT AS gy, floor(e.lon / ?)::BIGINT AS gx, "
                "count(*) AS count, avg(e.lat) AS lat, avg(e.lon) AS lon, "
                "mode() WITHIN GROUP (ORDER BY e.event_type) AS event_type "
                f"{from_clause(f)}{sql_where} GROUP BY 1, 2 ORDER BY count DESC LIMIT 5000",
                [cell, cell] + params)
        return {"cell_degrees": cell, "items": [
            {"lat": r["lat"], "lon": r["lon"], "count": r["count"], "event_type": r["event_type"]}
            for r in rows]}

    @app.get("/stats/summary", summary="Totals, event types and date range (for the page)")
    def summary() -> dict[str, Any]:
        with view() as v:
            tot = v.rows("SELECT count(*) AS events, min(date_start) AS first, "
                         "max(coalesce(date_end, date_start)) AS last, "
                         "count(lat) AS located, min(lat) AS south, max(lat) AS north, "
                         "min(lon) AS west, max(lon) AS east FROM events")[0]
            types = v.rows("SELECT event_type, count(*) AS count FROM events GROUP BY 1 "
                           "ORDER BY 2 DESC")
            tot["articles"] = v.rows("SELECT count(*) AS n FROM articles")[0]["n"]
            tot["clusters"] = v.rows("SELECT count(*) AS n FROM event_clusters")[0]["n"]
        return {**tot, "types": types, "post_enabled": token is not None, "tile_url": tile_url}

    # -- the map page ------------------------------------------------------------------------

    static = Path(str(resources.files("frontwire.web").joinpath("static")))
    app.mount("/static", StaticFiles(directory=static), name="static")

    # A second wall behind app.js's text-only rendering: scripts only from this server (no
    # inline handlers such as onerror=, no javascript: URLs), no plugins, no <base> rewrite.
    # Styles stay inline-able (Leaflet positions tiles with style attributes); images may come
    # from the operator's tile server, whatever its host.
    csp = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
           "img-src 'self' data: http: https:; connect-src 'self'; object-src 'none'; "
           "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static / "index.html", media_type="text/html",
                            headers={"Content-Security-Policy": csp,
                                     "X-Content-Type-Options": "nosniff"})

    app.state.store = store
    app.router.add_event_handler("shutdown", store.close)
    return app


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
