"""Feeds: poll RSS/Atom feeds, fetch new article pages politely, ingest them.

Politeness is not optional: every request names frontwire in its User-Agent, a host is asked
at most once per ``min_interval`` seconds, robots.txt is read once per host and obeyed, every
request has a timeout, transient failures (timeouts, connection errors, 429 and 5xx) are
retried with exponential backoff, and feeds are fetched conditionally (ETag /
Last-Modified), so an unchanged feed costs the publisher a 304.

What a poll remembers (validators per feed, pages already fetched) is kept in a JSON file
beside the database (``<db>.feeds.json``), so ``frontwire watch --once`` from cron works as
well as the long-running loop. Failures are reported and never stop the other feeds.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from . import __version__
from .errors import FetchError, FrontwireError, InputError, NotAFeed
from .model import Article, Rejection, Result

USER_AGENT = f"frontwire/{__version__} (conflict news research; polite bot)"
RETRY_STATUS = {429, 500, 502, 503, 504}
_EVERY = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$")


def parse_every(value: str) -> float:
    """'15m' -> 900.0 seconds ('30s', '2h', '1d'; a bare number is seconds)."""
    m = _EVERY.match(value)
    if not m:
        raise ValueError(f"{value!r} is not an interval like 30s, 15m or 2h")
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def read_feed_list(path: str | Path) -> list[str]:
    """Feed URLs, one a line; blank lines and '#' comments are skipped."""
    urls = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            urls.append(line)
    return urls


@dataclass
class Fetched:
    status: int
    text: str  # httpx's decoding (header charset, else UTF-8): for robots.txt only
    headers: dict[str, str]
    content: bytes = b""  # the body as sent: pages and feeds decode it by what it declares

    def page_text(self, *, origin: str) -> str:
        """An HTML page's text: BOM, header charset, <meta charset>, then a detector."""
        from .ingest.decode import decode_bytes

        return decode_bytes(self.content, origin=origin, html=True,
                            content_type=self.headers.get("content-type"))


class Fetcher:
    """An HTTP client that is polite per host: rate limit, robots.txt, retries, timeouts."""

    def __init__(self, *, user_agent: str = USER_AGENT, timeout: float = 20.0,
                 min_interval: float = 2.0, retries: int = 2, backoff: float = 1.0,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.user_agent = user_agent
        self.min_interval, self.retries, self.backoff = min_interval, retries, backoff
        self.sleep, self.clock = sleep, clock
        self.client = httpx.Client(headers={"User-Agent": user_agent}, timeout=timeout,
                                   follow_redirects=True, transport=transport)
        self._last: dict[str, float] = {}
        self._robots: dict[str, RobotFileParser | None] = {}

    def close(self) -> None:
        self.client.close()

    def _wait_turn(self, host: str) -> None:
        last = self._last.get(host)
        if last is not None:
            wait = self.min_interval - (self.clock() - last)
            if wait > 0:
                self.sleep(wait)
        self._last[host] = self.clock()

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our user agent fetch ``url`` (read once per host).

        A missing robots.txt (4xx) allows everything; one that cannot be fetched (timeout,
        5xx) allows nothing on that host for this run, as crawlers conventionally do.
        """
        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base not in self._robots:
            rp: RobotFileParser | None = RobotFileParser()
            try:
                got = self._get(f"{base}/robots.txt", retries=0)
                if got.status >= 500:
                    rp = None
                elif got.status >= 400:
                    rp.allow_all = True  # type: ignore[union-attr]
                else:
                    rp.parse(got.text.splitlines())  # type: ignore[union-attr]
            except FetchError:
                rp = None
            self._robots[base] = rp
        rp = self._robots[base]
        return rp is not None and rp.can_fetch(self.user_agent, url)

    def _get(self, url: str, *, headers: dict[str, str] | None = None,
             retries: int | None = None) -> Fetched:
        host = urlsplit(url).netloc
        tries = (self.retries if retries is None else retries) + 1
        last_error = ""
        for attempt in range(tries):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            self._wait_turn(host)
            try:
                r = self.client.get(url, headers=headers or {})
            except httpx.TimeoutException:
                last_error = "timed out"
                continue
            except httpx.TransportError as exc:
                last_error = f"connection failed ({exc.__class__.__name__})"
                continue
            if r.status_code in RETRY_STATUS:
                last_error = f"HTTP {r.status_code}"
                continue
            return Fetched(r.status_code, r.text, dict(r.headers), r.content)
        raise FetchError(f"{last_error} after {tries} attempt(s); the server may be down or "
                         f"slow, it is tried again at the next poll", origin=url)

    def get(self, url: str, *, headers: dict[str, str] | None = None) -> Fetched:
        """GET with robots.txt, rate limit and retries; raises FetchError."""
        if not self.allowed(url):
            raise FetchError("is disallowed for frontwire by the site's robots.txt (or the "
                             "robots.txt could not be read)", origin=url)
        return self._get(url, headers=headers)


@dataclass
class PollSummary:
    feeds: int = 0
    unchanged: int = 0  # feeds that answered 304 Not Modified
    pages: int = 0      # article pages fetched
    stored: int = 0
    already: int = 0
    problems: list[Rejection] = field(default_factory=list)


def _state_path(db: str | Path) -> Path:
    """Beside a DuckDB file; for a PostgreSQL URL, in the user cache (one file per server/db)."""
    from .store import is_postgres_url

    if is_postgres_url(db):
        from platformdirs import user_cache_dir

        from .store.postgres import display_url

        key = hashlib.sha1(display_url(str(db)).encode()).hexdigest()[:16]
        folder = Path(user_cache_dir("frontwire"))
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"watch-{key}.feeds.json"
    return Path(f"{db}.feeds.json")


def load_state(db: str | Path) -> dict[str, Any]:
    p = _state_path(db)
    if p.is_file():
        return json.loads(p.read_text(encoding="utf-8"))
    return {"feeds": {}, "seen": []}


def save_state(db: str | Path, state: dict[str, Any]) -> None:
    p = _state_path(db)
    tmp = p.with_name(p.name + ".tmp")
    tmp.write_text(json.dumps(state, indent=1), encoding="utf-8")
    tmp.replace(p)


def _problem(origin: str, stage: str, exc: FrontwireError) -> Rejection:
    return Rejection(origin=exc.origin or origin, stage=stage, code=exc.code, message=exc.message)


def _entry_date(entry: Any) -> date | None:
    for key in ("published_parsed", "updated_parsed"):
        t = entry.get(key)
        if t:
            return date(t.tm_year, t.tm_mon, t.tm_mday)
    return None


def poll(feeds: Iterable[str], *, store: Any, pipeline: Any, fetcher: Fetcher,
         state: dict[str, Any]) -> PollSummary:
    """Fetch every feed once, fetch and ingest the pages of its new entries."""
    import feedparser

    from .batch import LoadSummary, store_result
    from .ingest import article_from_html
    from .nlp import model_name

    summary = PollSummary()
    seen: set[str] = set(state.setdefault("seen", []))
    validators: dict[str, dict[str, str]] = state.setdefault("feeds", {})
    articles: list[Article] = []
    for feed_url in feeds:
        summary.feeds += 1
        v = validators.get(feed_url, {})
        cond = {k: val for k, val in (("If-None-Match", v.get("etag")),
                                      ("If-Modified-Since", v.get("last_modified"))) if val}
        try:
            got = fetcher.get(feed_url, headers=cond)
        except FetchError as exc:
            summary.problems.append(_problem(feed_url, "feed", exc))
            continue
        if got.status == 304:
            summary.unchanged += 1
            continue
        if got.status != 200:
            summary.problems.append(Rejection(origin=feed_url, stage="feed", code=FetchError.code,
                                              message=f"answered HTTP {got.status}"))
            continue
        # Bytes and headers: feedparser honours the XML declaration and the header charset.
        parsed = feedparser.parse(got.content, response_headers=got.headers)
        if parsed.bozo and not parsed.entries:
            reason = getattr(parsed.get("bozo_exception"), "getMessage", lambda: "")() or \
                str(parsed.get("bozo_exception", "not RSS or Atom"))
            summary.problems.append(Rejection(
                origin=feed_url, stage="feed", code=NotAFeed.code,
                message=f"is not a readable RSS or Atom feed ({reason}); check the URL"))
            continue
        validators[feed_url] = {k: got.headers[h] for k, h in
                                (("etag", "etag"), ("last_modified", "last-modified"))
                                if h in got.headers}
        for entry in parsed.entries:
            link = entry.get("link")
            if not link or link in seen:
                continue
            try:
                page = fetcher.get(link)
            except FetchError as exc:
                summary.problems.append(_problem(link, "fetch", exc))
                if "robots.txt" in exc.message:
                    seen.add(link)  # will not become allowed by asking again soon
                continue
            summary.pages += 1
            if page.status != 200:
                summary.problems.append(Rejection(origin=link, stage="fetch", code=FetchError.code,
                                                  message=f"answered HTTP {page.status}"))
                if page.status in (404, 410):
                    seen.add(link)
                continue
            seen.add(link)
            try:
                html = page.page_text(origin=link)
                articles.append(article_from_html(html, origin=link, url=link,
                                                  published=_entry_date(entry),
                                                  title=entry.get("title")))
            except InputError as exc:
                summary.problems.append(_problem(link, "ingest", exc))
    model = model_name(pipeline.nlp)
    counts = LoadSummary()
    handled: list[str] = []
    for out in pipeline.process(articles):
        if isinstance(out, Result):
            if store.has_article(out.id):
                counts.already += 1
            else:
                store_result(store, out, origin=out.url, model=model, summary=counts)
                handled.append(out.id)
        else:
            summary.problems.append(out)
    summary.stored, summary.already = counts.stored, counts.already
    if counts.stored or counts.duplicates:
        from .clusters import update as update_clusters

        update_clusters(store, handled)
    state["seen"] = sorted(seen)
    return summary
