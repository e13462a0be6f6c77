"""The REST API: events, articles, places, claims and timeline over one frontwire database.

Read endpoints open the database read-only; ``POST /articles`` runs the pipeline and stores the
result, and exists only when the operator configures a token (there is no default token), when
the database is opened for writing. A DuckDB file is taken only per request (``Store.hold``), so
``ingest``, ``watch`` and ``load`` can write it while the server runs. Every value from a request reaches SQL as a parameter; errors are JSON bodies
``{"error": {"status", "code", "message", "details"}}`` (``ErrorBody``; ``code`` is the FW code of
an ``errors`` class) with a status that fits (400 bad input, 401/403 token, 404 unknown id,
413 body too large, 415 media type, 422 unprocessable article, 503 database unavailable), and
the OpenAPI schema declares each one per endpoint, with every parameter's format, so a
schemathesis run finds nothing undeclared (tests/test_api_schema.py).
"""

from __future__ import annotations

import hmac
import json
import math
import re
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
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings, load_settings
from ..errors import (
    ApiError,
    BadRequest,
    BodyTooLarge,
    FrontwireError,
    InputError,
    InternalError,
    MethodNotAllowed,
    NotFound,
    PostDisabled,
    StoreError,
    TokenMissing,
    TokenWrong,
    UnsupportedMediaType,
)
from ..model import Rejection, Result
from ..record import Recorder, dedup
from ..record import clusters as clusters_mod
from ..store import Reader, open_store
from ..store.filters import (
    CURSOR_PATTERN,
    BadQuery,
    EventFilter,
    attach,
    decode_cursor,
    decode_position,
    encode_cursor,
    encode_position,
    from_clause,
    rows_for,
    select_events,
    split_event_id,
    where,
)

MAX_BODY = 2_000_000  # bytes; a long article is ~100 kB of text, a page a few hundred kB
MAX_LIMIT = 1000


# -- the one error shape ---------------------------------------------------------------------

class Problem(BaseModel):
    where: str = Field(description="the parameter or body field, dotted (e.g. query.limit)")
    problem: str


class ErrorInfo(BaseModel):
    status: int = Field(ge=400, le=599, description="the HTTP status, repeated")
    code: str = Field(pattern=r"^FW[0-9]{3}$", description="the stable error code "
                      "(docs/record.md lists them)")
    message: str = Field(description="one line: what is wrong and how to fix it")
    details: list[Problem] | None = Field(description="one entry per invalid value, or null")


class ErrorBody(BaseModel):
    """Every error the API answers with, whatever its status."""

    error: ErrorInfo


def _error(status: int, code: str, message: str, details: Any = None,
           headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"status": status, "code": code, "message": message, "details": details}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def _refusal(exc: ApiError) -> JSONResponse:
    return _error(exc.status, exc.code, exc.message, exc.details, exc.headers)


_WHY = {400: "a parameter or body has the wrong type, format or range, or a cursor is not "
             "one the server gave out",
        401: "no bearer token", 403: "wrong token, or POST /articles is off (no token set)",
        404: "no such id", 413: "the body is over the server's limit",
        415: "the Content-Type is not application/json, text/html or text/plain",
        422: "the article cannot be processed (no text, binary, rejected by the pipeline)",
        500: "a server bug (the log has the details)",
        503: "the database cannot be opened or read"}


def _responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the error statuses one endpoint can answer with."""
    return {s: {"model": ErrorBody, "description": _WHY[s]} for s in (*statuses, 500, 503)}


def _problems(errors: Any) -> list[dict[str, Any]]:
    return [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": str(e.get("msg"))}
            for e in errors]


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
                    await _refusal(BodyTooLarge(f"request body over {self.limit} bytes"))(
                        scope, receive, send)
                    return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            msg = await receive()
            if msg["type"] == "http.request":
                seen += len(msg.get("body", b""))
                if seen > self.limit:
                    raise BodyTooLarge(f"request body over {self.limit} bytes")
            return msg

        try:
            await self.app(scope, limited, send)
        except BodyTooLarge as exc:
            await _refusal(exc)(scope, receive, send)


def _iso_date(value: Any) -> Any:
    # pydantic's lax date also takes "0" (a timestamp) and datetimes; the schema says
    # format: date, so the server takes YYYY-MM-DD and nothing else.
    # (ValueError, not TypeError: pydantic turns only the former into a 400.)
    iso = isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value)
    if not (iso or isinstance(value, date)):
        raise ValueError("a date is YYYY-MM-DD")
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date)]


def _one_of_text_html(schema: dict[str, Any]) -> None:
    # "Exactly one of text and html", said in the schema, so generated requests know it.
    schema["oneOf"] = [{"required": ["text"]}, {"required": ["html"]}]
    for name in ("text", "html"):
        schema["properties"][name].pop("default", None)


class ArticleMeta(BaseModel):
    """An article's metadata: in a JSON body, or in the query beside an HTML or text body."""

    url: str | None = Field(default=None, max_length=2000)
    title: str | None = Field(default=None, max_length=1000)
    source: str | None = Field(default=None, max_length=200)
    published: IsoDate | None = None


class ArticleIn(ArticleMeta):
    """An article to process: ``text`` or ``html`` (exactly one), with optional metadata."""

    model_config = ConfigDict(json_schema_extra=_one_of_text_html)

    # Typed ``str`` with a None default: absent is fine, an explicit null is refused.
    text: str = Field(default=None, min_length=1)  # type: ignore[assignment]
    html: str = Field(default=None, min_length=1)  # type: ignore[assignment]
    id: str | None = Field(default=None, max_length=200, pattern=r"^[A-Za-z0-9_.:-]+$")

    @model_validator(mode="after")
    def one_body(self) -> ArticleIn:
        if (self.text is None) == (self.html is None):
            raise ValueError("give exactly one of 'text' or 'html'")
        return self


class Unprocessable(ApiError):
    """An article the readers or the pipeline refused (422), under their code (FW1xx, FW9xx)."""

    status = 422

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def _article_in(content_type: str, raw: bytes, query: Any) -> ArticleIn:
    """The posted article from a JSON, HTML or plain-text body (metadata in the query)."""
    ctype = content_type.split(";")[0].strip().lower()
    if ctype not in ("application/json", "text/html", "text/plain"):
        raise UnsupportedMediaType("send application/json, text/html or text/plain")
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BadRequest("the body must be UTF-8") from exc
    try:
        # Query metadata is checked whatever the body; a JSON body's own fields win over it.
        meta = ArticleMeta.model_validate(
            {k: query[k] for k in ArticleMeta.model_fields if k in query}).model_dump(
                exclude_unset=True)
        if ctype == "application/json":
            try:
                data = json.loads(body)
            except json.JSONDecodeError as exc:
                raise BadRequest(f"not JSON: {exc.msg}") from exc
            if not isinstance(data, dict):
                raise BadRequest("send a JSON object")
            return ArticleIn.model_validate({**meta, **data})
        return ArticleIn.model_validate(
            {"html" if ctype == "text/html" else "text": body, **meta})
    except ValidationError as exc:
        details = _problems(exc.errors())
        raise BadRequest("invalid article: " + "; ".join(
            f"{d['where'] or 'body'}: {d['problem']}" for d in details),
            details=details) from exc


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


# -- shared parameters (module level: FastAPI resolves annotations in module globals) ------

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
        details = _problems(exc.errors())
        return _refusal(BadRequest("invalid request: " + "; ".join(
            f"{d['where']}: {d['problem']}" for d in details), details=details))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Routing's 404 and 405 (with its Allow header, which RFC 9110 requires), and whatever
        # else Starlette raises (static files), in the one error shape.
        kind = {404: NotFound, 405: MethodNotAllowed}.get(exc.status_code, ApiError)
        return _refusal(kind(str(exc.detail), status=exc.status_code,
                             headers=dict(exc.headers or {})))

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return _refusal(exc)

    @app.exception_handler(BadQuery)
    async def _bad(request: Request, exc: BadQuery) -> JSONResponse:
        return _error(400, exc.code, exc.message)

    @app.exception_handler(FrontwireError)
    async def _fw(request: Request, exc: FrontwireError) -> JSONResponse:
        status = 503 if isinstance(exc, StoreError) else 422
        return _error(status, exc.code, str(exc))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        return _refusal(InternalError("internal error; the server log has the details"))

    # -- events ------------------------------------------------------------------------------

    @app.get("/events", summary="Events, raw or clustered, filtered, with cursor pagination",
             responses=_responses(400))
    def list_events(f: Filter, mode: Literal["raw", "cluster"] = "raw", limit: Limit = 100,
                    cursor: Cursor = None) -> dict[str, Any]:
        with view() as v:
            if mode == "raw":
                rows, nxt = select_events(v, f, limit=limit, cursor=cursor)  # type: ignore[arg-type]
            else:
                rows, nxt = _clusters_page(v, f, limit=limit, cursor=cursor)
        return {"items": rows, "next_cursor": nxt, "mode": mode}

    @app.get("/events/{event_id}", summary="One event with evidence, claim, sources, cluster",
             responses=_responses(400, 404))
    def get_event(event_id: Annotated[str, PathParam(
            max_length=300, pattern=r"^.+\.[^.]+$",
            description="ARTICLE_ID.EVENT_ID, as /events returns it")]) -> dict[str, Any]:
        article_id, eid = split_event_id(event_id)
        with view() as v:
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

    # -- articles ----------------------------------------------------------------------------

    @app.get("/articles/{article_id}", summary="An article's text with the spans to highlight",
             responses=_responses(400, 404))
    def get_article(article_id: Annotated[str, PathParam(min_length=1, max_length=200)]
                    ) -> dict[str, Any]:
        with view() as v:
            rows = v.rows("SELECT id, url, title, source, published, language, text "
                          "FROM articles WHERE id = ?", [article_id])
            if not rows:
                raise NotFound(f"no article {article_id!r}")
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
              responses=_responses(400, 401, 403, 413, 415, 422),
              openapi_extra={
                  "security": [{"bearerToken": []}],
                  "parameters": [
                      {"name": n, "in": "query", "required": False, "schema": sch,
                       "description": "article metadata (a JSON body's own field wins)"}
                      for n, sch in (("url", {"type": "string", "maxLength": 2000}),
                                     ("title", {"type": "string", "maxLength": 1000}),
                                     ("source", {"type": "string", "maxLength": 200}),
                                     ("published", {"type": "string", "format": "date"}))],
                  "requestBody": {"required": True, "content": {
                      "application/json": {"schema": ArticleIn.model_json_schema()},
                      "text/html": {"schema": {"type": "string", "minLength": 1}},
                      "text/plain": {"schema": {"type": "string", "minLength": 1}}}}})
    async def post_article(request: Request) -> JSONResponse:
        if token is None:
            raise PostDisabled("POST /articles is off: the operator has not configured a token "
                               "(frontwire serve --token-file FILE)")
        given = request.headers.get("authorization", "")
        if not given.lower().startswith("bearer "):
            raise TokenMissing("send 'Authorization: Bearer <token>'",
                               headers={"WWW-Authenticate": "Bearer"})
        if not hmac.compare_digest(given[7:].strip().encode(), token.encode()):
            raise TokenWrong("wrong token")
        art_in = _article_in(request.headers.get("content-type", ""), await request.body(),
                             request.query_params)
        # Parsing, the pipeline (its first build takes seconds), the write and the cluster
        # update block; in a worker thread they leave the event loop free for other requests.
        return JSONResponse(await run_in_threadpool(_ingest, art_in), status_code=201)

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
            raise Unprocessable(exc.code, exc.message) from exc
        # One POST at a time: one pipeline (not thread-safe) and one writer.
        with lock:
            if "pipeline" not in state:
                if pipeline_factory is not None:
                    state["pipeline"] = pipeline_factory()
                else:
                    from ..pipeline import Pipeline
                    state["pipeline"] = Pipeline(settings=settings)
            (out,) = list(state["pipeline"].process([article]))
            if isinstance(out, Rejection):
                raise Unprocessable(out.code, out.message)
            return _store(out)

    def _store(result: Result) -> dict[str, Any]:
        with Recorder(store) as rec:
            got = rec.add(result, origin="POST /articles")
        if got.outcome == "already":
            return {"id": got.article_id, "status": "already stored", "events": len(result.events)}
        status = "stored" if got.outcome == "stored" else "near-duplicate: added as a source"
        return {"id": got.article_id, "status": status, "events": len(result.events),
                "url": f"/articles/{got.article_id}"}

    # -- places, claims, stats ---------------------------------------------------------------

    @app.get("/places", summary="Place mentions, filtered, with cursor pagination",
             responses=_responses(400))
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

    @app.get("/claims", summary="Claims (who said what), filtered, with cursor pagination",
             responses=_responses(400))
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
            seq, a, _ = decode_position(cursor)
            conds = conds + ["(article_id, seq) > (?, ?)"]
            params = params + [a, seq]
        sql = select + (" WHERE " + " AND ".join(conds) if conds else "") + \
            " ORDER BY article_id, seq LIMIT ?"
        with view() as v:
            rows = v.rows(sql, params + [limit + 1])
        nxt = None
        if len(rows) > limit:
            rows = rows[:limit]
            last = rows[-1]
            nxt = encode_position(last["seq"], last["article_id"], "")
        return {"items": rows, "next_cursor": nxt}

    @app.get("/stats/timeline", summary="Event counts per day, week or month",
             responses=_responses(400))
    def timeline(f: Filter, bucket: Literal["day", "week", "month"] = "day") -> dict[str, Any]:
        sql_where, params = where(f)
        extra = "e.date_start IS NOT NULL"
        sql_where = sql_where + " AND " + extra if sql_where else " WHERE " + extra
        with view() as v:
            rows = v.rows(f"SELECT date_trunc('{bucket}', e.date_start)::DATE AS date, "
                          f"count(*) AS count {from_clause(f)}{sql_where} GROUP BY 1 ORDER BY 1",
                          params)
        return {"bucket": bucket, "items": rows}

    @app.get("/stats/grid", summary="Events aggregated in grid cells (for the map at low zoom)",
             responses=_responses(400))
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

    @app.get("/stats/summary", summary="Totals, event types and date range (for the page)",
             responses=_responses())
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

    _declare_errors_only(app)
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


def _declare_errors_only(app: FastAPI) -> None:
    """Fix up the generated OpenAPI schema: the statuses it declares are the ones served.

    FastAPI adds a 422 "validation error" to every operation with parameters; this API answers
    those with 400 (declared), so the added ones go. POST's bearer token becomes a security
    scheme, so clients and schemathesis know to send it.
    """
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        for ops in schema.get("paths", {}).values():
            for op in ops.values():
                bad = op.get("responses", {}).get("422", {})
                ref = bad.get("content", {}).get("application/json", {}).get("schema", {})
                if ref.get("$ref", "").endswith("/HTTPValidationError"):
                    del op["responses"]["422"]
        comps = schema.setdefault("components", {})
        for name in ("HTTPValidationError", "ValidationError"):
            comps.get("schemas", {}).pop(name, None)
        comps.setdefault("securitySchemes", {})["bearerToken"] = {
            "type": "http", "scheme": "bearer",
            "description": "the token given to frontwire serve (--token-file)"}
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
