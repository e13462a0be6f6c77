"""Readers: plain text, HTML, JSON Lines, directories and stdin -> Article.

Each reader yields ``Article`` records, or ``Rejection`` records for inputs that cannot be
read (with the file and line), so one bad input never stops the others.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import BadRecord, InputError, InputTooLarge, MissingInput, NoArticleText
from ..model import Article, Rejection
from .decode import decode_bytes

TEXT_EXTENSIONS = {".txt", ".text"}
HTML_EXTENSIONS = {".html", ".htm", ".xhtml"}
JSONL_EXTENSIONS = {".jsonl", ".ndjson"}
KNOWN_EXTENSIONS = TEXT_EXTENSIONS | HTML_EXTENSIONS | JSONL_EXTENSIONS
WARC_SUFFIXES = (".warc", ".warc.gz")  # read by .warc.read_warc, record by record
INPUT_SUFFIXES = (*sorted(KNOWN_EXTENSIONS), *WARC_SUFFIXES)  # what a folder of inputs holds
DEFAULT_MAX_BYTES = 5_000_000
MIN_HTML_WORDS = 12


def parse_date(value: Any, *, origin: str, field: str = "published") -> date | None:
    """An ISO date (or datetime) from an input record; a clear error otherwise."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError as exc:
        raise BadRecord(f"{field} {value!r} is not an ISO date (YYYY-MM-DD)", origin=origin) from exc


def article_from_text(text: str, *, origin: str, published: date | None = None,
                      **meta: Any) -> Article:
    return Article(text=text, published=published, origin=origin, **meta).with_id()


def article_from_html(html: str, *, origin: str, published: date | None = None,
                      url: str | None = None, **meta: Any) -> Article:
    """Main text, title, date and site name of an HTML page via trafilatura."""
    import trafilatura

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False)
    text = getattr(doc, "text", None) if doc is not None else None
    # A page whose "main text" is a few menu words is an index or error page, not an article.
    if not text or len(text.split()) < MIN_HTML_WORDS:
        raise NoArticleText("holds no article text (trafilatura found no main content); is it "
                            "an index or error page?", origin=origin)
    found_date = parse_date(getattr(doc, "date", None), origin=origin) if getattr(doc, "date", None) else None
    return Article(
        text=text,
        url=url or getattr(doc, "url", None),
        title=meta.pop("title", None) or getattr(doc, "title", None),
        source=meta.pop("source", None) or getattr(doc, "sitename", None),
        published=found_date or published,
        origin=origin,
        **meta,
    ).with_id()


def _read_bytes(path: Path, *, origin: str, max_bytes: int) -> bytes:
    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise InputTooLarge(f"is {size / 1e6:.1f} MB, more than the {max_bytes / 1e6:.0f} MB "
                                f"an article may have; split it into articles (JSON Lines)",
                                origin=origin)
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise MissingInput("does not exist", origin=origin) from exc
    except IsADirectoryError as exc:
        raise MissingInput("is a directory", origin=origin) from exc
    except PermissionError as exc:
        raise MissingInput("cannot be read (permission denied)", origin=origin) from exc


def _sniff(text: str) -> str:
    head = text.lstrip()[:1000].lower()
    if head.startswith("{"):
        return "jsonl"
    if head.startswith("<") and ("<html" in head or "<!doctype" in head or "<body" in head
                                 or "<article" in head or "<p" in head):
        return "html"
    return "text"


def read_jsonl(text: str, *, origin: str, published: date | None = None) -> Iterator[Article | Rejection]:
    """Records with ``text`` or ``html``; optional id, url, title, source, published."""
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{origin}:{lineno}"
        try:
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise BadRecord(f"is not valid JSON ({exc.msg} at column {exc.colno})",
                                origin=where) from exc
            if not isinstance(rec, dict):
                raise BadRecord("is not a JSON object", origin=where)
            meta = {k: rec.get(k) for k in ("id", "url", "title", "source")}
            meta = {k: (str(v) if v is not None else None) for k, v in meta.items()}
            when = parse_date(rec.get("published"), origin=where) or published
            if isinstance(rec.get("text"), str) and rec["text"].strip():
                yield article_from_text(rec["text"], origin=where, published=when, **meta)
            elif isinstance(rec.get("html"), str) and rec["html"].strip():
                url = meta.pop("url")
                yield article_from_html(rec["html"], origin=where, published=when, url=url, **meta)
            else:
                raise BadRecord("has no non-empty \"text\" or \"html\" field", origin=where)
        except InputError as exc:
            yield _reject(exc, where)


def _reject(exc: InputError, origin: str) -> Rejection:
    return Rejection(origin=exc.origin or origin, stage="ingest", code=exc.code, message=exc.message)


def read_document(data: bytes, *, origin: str, kind: str | None,
                  published: date | None = None) -> Iterator[Article | Rejection]:
    """One file's (or stdin's) bytes -> articles. ``kind`` None means sniff the content."""
    try:
        text = decode_bytes(data, origin=origin, html=None if kind is None else kind == "html")
        kind = kind or _sniff(text)
        if kind == "jsonl":
            yield from read_jsonl(text, origin=origin, published=published)
        elif kind == "html":
            yield article_from_html(text, origin=origin, published=published)
        else:
            yield article_from_text(text, origin=origin, published=published)
    except InputError as exc:
        yield _reject(exc, origin)


def _kind_of(path: Path) -> str | None:
    ext = path.suffix.lower()
    if ext in HTML_EXTENSIONS:
        return "html"
    if ext in JSONL_EXTENSIONS:
        return "jsonl"
    if ext in TEXT_EXTENSIONS:
        return "text"
    return None


def expand_paths(paths: Iterable[str], *,
                 suffixes: tuple[str, ...] = INPUT_SUFFIXES) -> Iterator[str | Path]:
    """Files named, and files under directories (recursive, sorted, hidden ones skipped).

    Under a directory only names ending in one of ``suffixes`` count (any case); a file named
    is kept whatever its name, and a missing one too, so its reader rejects it by name. ``-``
    (stdin) passes through. The one walker of inputs: ``read_inputs`` and batch shards use it.
    """
    for p in paths:
        if p == "-":
            yield p
            continue
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.name.lower().endswith(suffixes) and not any(
                        part.startswith(".") for part in child.relative_to(path).parts):
                    yield child
        else:
            yield path


def read_inputs(paths: Iterable[str], *, published: date | None = None,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Article | Rejection]:
    """Read every input named by ``paths`` (files, directories, ``-`` for stdin)."""
    for item in expand_paths(paths):
        if item == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
            if len(data) > max_bytes:
                yield Rejection(origin="<stdin>", stage="ingest", code=InputTooLarge.code,
                                message=f"is larger than {max_bytes / 1e6:.0f} MB")
                continue
            yield from read_document(data, origin="<stdin>", kind=None, published=published)
            continue
        path = Path(item)
        origin = str(path)
        if path.name.lower().endswith(WARC_SUFFIXES):  # an archive of many pages: streamed
            from .warc import read_warc

            yield from read_warc(path, published=published, max_bytes=max_bytes)
            continue
        try:
            data = _read_bytes(path, origin=origin, max_bytes=max_bytes)
        except InputError as exc:
            yield _reject(exc, origin)
            continue
        yield from read_document(data, origin=origin, kind=_kind_of(path), published=published)
