"""``GET /articles/{id}`` (the text with its spans) and ``POST /articles`` (token only).

A POST is read from a JSON, HTML or plain-text body (metadata in the query), run through the
pipeline off the event loop (``run_in_threadpool``), one at a time under the service's lock,
and stored by ``frontwire.record.Recorder``, the one path for a result into the record.
"""

from __future__ import annotations

import hmac
import json
from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.concurrency import run_in_threadpool

from ...errors import (
    BadRequest,
    InputError,
    NotFound,
    PostDisabled,
    TokenMissing,
    TokenWrong,
    UnsupportedMediaType,
)
from ...model import Rejection, Result
from ...record import Recorder, dedup
from ..errors import Unprocessable, problems, responses
from ..params import IsoDate, Service, ServiceDep

router = APIRouter()


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


@router.get("/articles/{article_id}", summary="An article's text with the spans to highlight",
            responses=responses(400, 404))
def get_article(svc: ServiceDep, article_id: Annotated[str, PathParam(min_length=1,
                                                                      max_length=200)]
                ) -> dict[str, Any]:
    with svc.view() as v:
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


@router.post("/articles", status_code=201, summary="Process and store an article (token only)",
             responses=responses(400, 401, 403, 413, 415, 422),
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
async def post_article(svc: ServiceDep, request: Request) -> JSONResponse:
    token = svc.token
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
    return JSONResponse(await run_in_threadpool(_ingest, svc, art_in), status_code=201)


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
        details = problems(exc.errors())
        raise BadRequest("invalid article: " + "; ".join(
            f"{d['where'] or 'body'}: {d['problem']}" for d in details),
            details=details) from exc


def _ingest(svc: Service, a: ArticleIn) -> dict[str, Any]:
    from ...ingest.readers import article_from_html, article_from_text

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
    with svc.lock:
        if svc.pipeline is None:
            if svc.pipeline_factory is not None:
                svc.pipeline = svc.pipeline_factory()
            else:
                from ...pipeline import Pipeline
                svc.pipeline = Pipeline(settings=svc.settings)
        (out,) = list(svc.pipeline.process([article]))
        if isinstance(out, Rejection):
            raise Unprocessable(out.code, out.message)
        return _store(svc, out)


def _store(svc: Service, result: Result) -> dict[str, Any]:
    with Recorder(svc.store) as rec:
        got = rec.add(result, origin="POST /articles")
    if got.outcome == "already":
        return {"id": got.article_id, "status": "already stored", "events": len(result.events)}
    status = "stored" if got.outcome == "stored" else "near-duplicate: added as a source"
    return {"id": got.article_id, "status": status, "events": len(result.events),
            "url": f"/articles/{got.article_id}"}
