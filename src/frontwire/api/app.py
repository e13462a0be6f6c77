"""The app factory: ``create_app`` sets up the settings, the store, the body limit, the error
handlers, the routers, the static files and the map page.

Read endpoints open the database read-only; ``POST /articles`` runs the pipeline and stores the
result, and exists only when the operator configures a token (there is no default token), when
the database is opened for writing. A DuckDB file is taken only per request (``Store.hold``), so
``ingest``, ``watch`` and ``load`` can write it while the server runs. Every value from a request
reaches SQL as a parameter; every error is a JSON body in the one shape of ``api.errors``, with a
status that fits (400 bad input, 401/403 token, 404 unknown id, 413 body too large, 415 media
type, 422 unprocessable article, 503 database unavailable), and the OpenAPI schema declares each
one per endpoint, with every parameter's format, so a schemathesis run finds nothing
undeclared (tests/test_api_schema.py).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Settings, load_settings
from ..errors import (
    ApiError,
    BadRequest,
    BodyTooLarge,
    FrontwireError,
    InternalError,
    MethodNotAllowed,
    NotFound,
    StoreError,
)
from ..store import open_store
from ..store.filters import BadQuery
from .errors import declare_errors_only, error, problems, refusal
from .params import Service
from .routes import ROUTERS

MAX_BODY = 2_000_000  # bytes; a long article is ~100 kB of text, a page a few hundred kB

# A second wall behind app.js's text-only rendering: scripts only from this server (no
# inline handlers such as onerror=, no javascript: URLs), no plugins, no <base> rewrite.
# Styles stay inline-able (Leaflet positions tiles with style attributes); images may come
# from the operator's tile server, whatever its host.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: http: https:; connect-src 'self'; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


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
                    await refusal(BodyTooLarge(f"request body over {self.limit} bytes"))(
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
            await refusal(exc)(scope, receive, send)


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
    store = open_store(db_path, read_only=token is None)

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
    _handle_errors(app)
    for router in ROUTERS:
        app.include_router(router)
    _serve_page(app)
    declare_errors_only(app)
    app.state.service = Service(store=store, settings=settings, token=token, tile_url=tile_url,
                                pipeline_factory=pipeline_factory)
    app.state.store = store
    app.router.add_event_handler("shutdown", store.close)
    return app


def _handle_errors(app: FastAPI) -> None:
    """Answer every error, raised or routed, in the one shape of ``api.errors``."""

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = problems(exc.errors())
        return refusal(BadRequest("invalid request: " + "; ".join(
            f"{d['where']}: {d['problem']}" for d in details), details=details))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # Routing's 404 and 405 (with its Allow header, which RFC 9110 requires), and whatever
        # else Starlette raises (static files), in the one error shape.
        kind = {404: NotFound, 405: MethodNotAllowed}.get(exc.status_code, ApiError)
        return refusal(kind(str(exc.detail), status=exc.status_code,
                            headers=dict(exc.headers or {})))

    @app.exception_handler(ApiError)
    async def _api(request: Request, exc: ApiError) -> JSONResponse:
        return refusal(exc)

    @app.exception_handler(BadQuery)
    async def _bad(request: Request, exc: BadQuery) -> JSONResponse:
        return error(400, exc.code, exc.message)

    @app.exception_handler(FrontwireError)
    async def _fw(request: Request, exc: FrontwireError) -> JSONResponse:
        status = 503 if isinstance(exc, StoreError) else 422
        return error(status, exc.code, str(exc))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        return refusal(InternalError("internal error; the server log has the details"))


def _serve_page(app: FastAPI) -> None:
    """The map page at ``/`` and its files (and the vendored Swagger UI) under ``/static``."""
    static = Path(str(resources.files("frontwire.web").joinpath("static")))
    app.mount("/static", StaticFiles(directory=static), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(static / "index.html", media_type="text/html",
                            headers={"Content-Security-Policy": CSP,
                                     "X-Content-Type-Options": "nosniff"})
