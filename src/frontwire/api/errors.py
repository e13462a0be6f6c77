"""The API's one error shape, and what the OpenAPI document declares about errors.

Every error is ``{"error": {"status", "code", "message", "details"}}`` (``ErrorBody``; ``code`` is
the FW code of a ``frontwire.errors`` class). ``responses`` declares, per endpoint, the statuses
it can answer with; ``declare_errors_only`` takes FastAPI's generated 422 out of the document,
since this API answers invalid parameters with a declared 400.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from ..errors import ApiError


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


class Unprocessable(ApiError):
    """An article the readers or the pipeline refused (422), under their code (FW1xx, FW9xx)."""

    status = 422

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def error(status: int, code: str, message: str, details: Any = None,
          headers: dict[str, str] | None = None) -> JSONResponse:
    body = {"status": status, "code": code, "message": message, "details": details}
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def refusal(exc: ApiError) -> JSONResponse:
    return error(exc.status, exc.code, exc.message, exc.details, exc.headers)


def problems(errors: Any) -> list[dict[str, Any]]:
    """Pydantic's validation errors as ``details`` entries."""
    return [{"where": ".".join(str(p) for p in e.get("loc", ())), "problem": str(e.get("msg"))}
            for e in errors]


_WHY = {400: "a parameter or body has the wrong type, format or range, or a cursor is not "
             "one the server gave out",
        401: "no bearer token", 403: "wrong token, or POST /articles is off (no token set)",
        404: "no such id", 413: "the body is over the server's limit",
        415: "the Content-Type is not application/json, text/html or text/plain",
        422: "the article cannot be processed (no text, binary, rejected by the pipeline)",
        500: "a server bug (the log has the details)",
        503: "the database cannot be opened or read"}


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI declarations of the error statuses one endpoint can answer with."""
    return {s: {"model": ErrorBody, "description": _WHY[s]} for s in (*statuses, 500, 503)}


def declare_errors_only(app: FastAPI) -> None:
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
