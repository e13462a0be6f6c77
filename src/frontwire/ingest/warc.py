"""WARC reader: HTML responses of a web archive (Common Crawl News, Heritrix) -> Article.

Each ``response`` record with HTTP status 200 and an HTML content type becomes an article via
trafilatura, with the record's target URI as its URL. Its publication date is the one the page
states; when the page states none, the record's ``WARC-Date`` (when the crawler fetched it) is
used, since news crawls fetch articles as they are published. Other records (requests,
metadata, images, redirects) are skipped silently; a page without article text becomes a
Rejection naming the file, the record offset and the URL. Needs ``warcio``.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from ..errors import BadRecord, InputError, MissingInput
from ..model import Article, Rejection
from .decode import decode_bytes
from .readers import article_from_html, parse_date


def _is_html(content_type: str | None) -> bool:
    ct = (content_type or "").lower()
    return "html" in ct


def read_warc(path: str | Path, *, published: date | None = None,
              max_bytes: int = 5_000_000) -> Iterator[Article | Rejection]:
    """Articles from the HTML responses of one WARC file (plain or gzipped)."""
    try:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed
    except ImportError as exc:  # pragma: no cover - an install problem, not input
        raise MissingInput("needs the 'warcio' package to read WARC files; "
                           "pip install warcio", origin=str(path)) from exc
    origin = str(path)
    try:
        fh = open(path, "rb")  # noqa: SIM115 - closed in finally; the iterator reads lazily
    except OSError as exc:
        yield Rejection(origin=origin, stage="ingest", code=MissingInput.code,
                        message=f"cannot be read ({exc.strerror})")
        return
    try:
        records = ArchiveIterator(fh)
        seen = 0
        for record in records:
            if record.format != "warc":  # warcio reads any garbage as a one-record ARC file
                continue
            seen += 1
            if record.rec_type != "response" or record.http_headers is None:
                continue
            if record.http_headers.get_statuscode() != "200":
                continue
            if not _is_html(record.http_headers.get_header("Content-Type")):
                continue
            url = record.rec_headers.get_header("WARC-Target-URI")
            body = record.content_stream().read(max_bytes + 1)
            where = f"{origin}@{records.get_record_offset()}"  # after the read: it skips the rest
            try:
                if len(body) > max_bytes:
                    raise InputError(f"page {url} is larger than {max_bytes / 1e6:.0f} MB",
                                     origin=where)
                crawled = parse_date(record.rec_headers.get_header("WARC-Date"), origin=where,
                                     field="WARC-Date")
                html = decode_bytes(body, origin=where, html=True,  # the header's charset first
                                    content_type=record.http_headers.get_header("Content-Type"))
                yield article_from_html(html, origin=where, url=url,
                                        published=published or crawled)
            except InputError as exc:
                yield Rejection(origin=exc.origin or where, stage="ingest", code=exc.code,
                                message=f"{exc.message} ({url})")
        if seen == 0:
            yield Rejection(origin=origin, stage="ingest", code=BadRecord.code,
                            message="holds no WARC records; is it truncated or not a WARC file?")
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:  # bad archive
        yield Rejection(origin=origin, stage="ingest", code=BadRecord.code,
                        message=f"is not a readable WARC file ({exc.__class__.__name__}: {exc}); "
                                f"is it truncated?")
    finally:
        fh.close()
