"""Feeds: poll RSS/Atom feeds, fetch new article pages politely, ingest them.

Politeness is not optional: every request names frontwire in its User-Agent, a host is asked
at most once per ``min_interval`` seconds (or its robots.txt ``Crawl-delay``, if longer) and
not before its ``Retry-After``, robots.txt is read once a day per host and obeyed (protego:
wildcards too), every request has a timeout, transient failures (timeouts, connection errors,
429 and 5xx) are retried with exponential backoff, and feeds are fetched conditionally (ETag
/ Last-Modified), so an unchanged feed costs the publisher a 304.

What a poll remembers (validators per feed, links settled, tries of links that failed,
hosts deferred) is kept in a JSON file beside the database (``<db>.feeds.json``), so
``frontwire watch --once`` from cron works as well as the long-running loop. Failures are
reported and never stop the other feeds; a page that failed transiently is fetched again.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
from protego import Protego

from .. import __version__
from ..errors import (
    FetchError,
    FrontwireError,
    GaveUp,
    HostDeferred,
    InputError,
    NotAFeed,
    RobotsDisallowed,
    StoreError,
)
from ..model import Article, Rejection, Result
from ..record import Recorder

USER_AGENT = f"frontwire/{__version__} (conflict news research; polite bot)"
RETRY_STATUS = {429, 500, 502, 503, 504}
# A page that fails transiently (5xx, timeout, store busy) is tried at up to this many polls.
PAGE_TRIES = 5
# The seen-set keeps the links listed (or settled) in the last SEEN_DAYS days, at most
# SEEN_MAX of them (the newest); a link that drops out is, if a feed lists it again, fetched
# again and found already stored.
SEEN_DAYS = 30
SEEN_MAX = 50_000
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
        from ..ingest.decode import decode_bytes

        return decode_bytes(self.content, origin=origin, html=True,
                            content_type=self.headers.get("content-type"))


def retry_after(value: str | None, *, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delay-seconds or an HTTP-date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None  # unparseable: fall back to the ordinary backoff
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


class Fetcher:
    """An HTTP client that is polite per host: rate limit, robots.txt, retries, timeouts.

    A host is asked at most once per ``max(min_interval, its robots.txt Crawl-delay)``
    seconds, and not before the time its ``Retry-After`` (on 429/503) named. When a host's
    next turn is more than ``max_wait`` seconds away the request is not sent: it raises
    ``HostDeferred`` and the page is tried again at a later poll, so one slow host does not
    stall the others. robots.txt is parsed by protego (Google's wildcard rules: ``*``, ``$``)
    and read again after ``robots_ttl`` seconds.
    """

    ROBOTS_RETRY = 300.0  # an unreadable robots.txt is asked for again after this

    def __init__(self, *, user_agent: str = USER_AGENT, timeout: float = 20.0,
                 min_interval: float = 2.0, retries: int = 2, backoff: float = 1.0,
                 max_wait: float = 60.0, robots_ttl: float = 86400.0,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic,
                 wall: Callable[[], float] = time.time,
                 transport: httpx.BaseTransport | None = None) -> None:
        self.user_agent = user_agent
        self.min_interval, self.retries, self.backoff = min_interval, retries, backoff
        self.max_wait, self.robots_ttl = max_wait, robots_ttl
        self.sleep, self.clock, self.wall = sleep, clock, wall
        self.client = httpx.Client(headers={"User-Agent": user_agent}, timeout=timeout,
                                   follow_redirects=True, transport=transport)
        self._last: dict[str, float] = {}
        self._robots: dict[str, tuple[Protego | None, float]] = {}  # base -> (rules, expiry)
        self._delay: dict[str, float] = {}     # host -> robots.txt Crawl-delay
        self.deferred: dict[str, float] = {}   # host -> wall-clock time before which not asked

    def close(self) -> None:
        self.client.close()

    def _interval(self, host: str) -> float:
        return max(self.min_interval, self._delay.get(host, 0.0))

    def _wait_turn(self, host: str) -> None:
        wait = self.deferred.get(host, 0.0) - self.wall()
        last = self._last.get(host)
        if last is not None:
            wait = max(wait, self._interval(host) - (self.clock() - last))
        if wait > self.max_wait:
            raise HostDeferred(f"was not asked: its host's next turn is {wait:.0f} s away "
                               f"(Retry-After or robots.txt Crawl-delay); it is tried again at "
                               f"a later poll")
        if wait > 0:
            self.sleep(wait)
        self._last[host] = self.clock()

    def _rules(self, base: str, host: str) -> Protego | None:
        """robots.txt of a site, cached; None when it cannot be read (5xx, timeout)."""
        cached = self._robots.get(base)
        if cached is not None and cached[1] > self.clock():
            return cached[0]
        rules: Protego | None = None
        ttl = self.ROBOTS_RETRY
        try:
            got = self._get(f"{base}/robots.txt", retries=0)
            if got.status < 500:  # a missing robots.txt (4xx) allows everything
                rules = Protego.parse(got.text if got.status < 400 else "")
                ttl = self.robots_ttl
        except HostDeferred:
            raise  # not a verdict on robots.txt: ask again when the host lets us
        except FetchError:
            pass
        self._robots[base] = (rules, self.clock() + ttl)
        delay = rules.crawl_delay(self.user_agent) if rules is not None else None
        if delay:
            self._delay[host] = float(delay)
        elif rules is not None:
            self._delay.pop(host, None)
        return rules

    def allowed(self, url: str) -> bool:
        """Whether robots.txt lets our user agent fetch ``url`` (read once per host).

        A missing robots.txt (4xx) allows everything; one that cannot be fetched (timeout,
        5xx) allows nothing on that host until it is read, as crawlers conventionally do.
        """
        parts = urlsplit(url)
        rules = self._rules(f"{parts.scheme}://{parts.netloc}", parts.netloc)
        return rules is not None and rules.can_fetch(url, self.user_agent)

    def _get(self, url: str, *, headers: dict[str, str] | None = None,
             retries: int | None = None) -> Fetched:
        host = urlsplit(url).netloc
        tries = (self.retries if retries is None else retries) + 1
        last_error = ""
        for attempt in range(tries):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                self._wait_turn(host)
            except HostDeferred as exc:
                raise HostDeferred(exc.message, origin=url) from None
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
                wait = retry_after(r.headers.get("retry-after"), now=self.wall())
                if wait is not None and r.status_code in (429, 503):
                    self.deferred[host] = self.wall() + wait
                    if wait > self.max_wait or attempt == tries - 1:
                        raise HostDeferred(f"answered HTTP {r.status_code} asking to wait "
                                           f"{wait:.0f} s (Retry-After); its host is not asked "
                                           f"before then, the page is tried again at a later "
                                           f"poll", origin=url)
                continue
            return Fetched(r.status_code, r.text, dict(r.headers), r.content)
        raise FetchError(f"{last_error} after {tries} attempt(s); the server may be down or "
                         f"slow, it is tried again at the next poll", origin=url)

    def get(self, url: str, *, headers: dict[str, str] | None = None) -> Fetched:
        """GET with robots.txt, rate limit and retries.

        Raises ``RobotsDisallowed`` (final), ``HostDeferred`` (asked to wait) or
        ``FetchError`` (transient: down, slow, robots.txt unreadable).
        """
        if not self.allowed(url):
            if self._robots.get(_base(url), (None, 0.0))[0] is None:
                raise FetchError("was not asked: the site's robots.txt could not be read; it "
                                 "is tried again at a later poll", origin=url)
            raise RobotsDisallowed("is disallowed for frontwire by the site's robots.txt",
                                   origin=url)
        return self._get(url, headers=headers)


def _base(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


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
    from ..store import is_postgres_url

    if is_postgres_url(db):
        from platformdirs import user_cache_dir

        from ..store.postgres import display_url

        key = hashlib.sha1(display_url(str(db)).encode()).hexdigest()[:16]
        folder = Path(user_cache_dir("frontwire"))
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"watch-{key}.feeds.json"
    return Path(f"{db}.feeds.json")


def load_state(db: str | Path) -> dict[str, Any]:
    p = _state_path(db)
    if p.is_file():
        return json.loads(p.read_text(encoding="utf-8"))
    return {"feeds": {}, "seen": {}}


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


def _bounded_seen(state: dict[str, Any], now: float) -> dict[str, float]:
    """The seen-set as link -> when last listed (or settled); older states held a list."""
    raw = state.get("seen") or {}
    if isinstance(raw, list):
        return dict.fromkeys(raw, now)
    return {str(k): float(v) for k, v in raw.items()}


def _prune(seen: dict[str, float], now: float) -> dict[str, float]:
    """Keep links listed or settled within SEEN_DAYS days, at most SEEN_MAX (the newest)."""
    cutoff = now - SEEN_DAYS * 86400
    kept = sorted(((t, k) for k, t in seen.items() if t >= cutoff), reverse=True)[:SEEN_MAX]
    return {k: round(t) for t, k in sorted(kept, key=lambda x: x[1])}


def poll(feeds: Iterable[str], *, store: Any, pipeline: Any, fetcher: Fetcher,
         state: dict[str, Any]) -> PollSummary:
    """Fetch every feed once, fetch and ingest the pages of its new entries.

    A link is remembered as seen only once it is settled: stored (or already stored), or
    rejected for good (4xx, robots.txt disallows it, not an article). A transient failure
    (5xx, timeout, connection error, store busy) leaves it to be tried at the next poll, up
    to PAGE_TRIES polls; a host's deferral (Retry-After) neither counts nor is forgotten.
    """
    import feedparser

    from ..ingest import article_from_html
    from ..nlp import model_name

    summary = PollSummary()
    now = fetcher.wall()
    seen = _bounded_seen(state, now)
    # link -> [failed polls, when last]; dated so links that left their feed are dropped
    tries: dict[str, list[float]] = {k: list(v) for k, v in state.get("tries", {}).items()}
    fetcher.deferred.update({h: float(t) for h, t in state.get("deferred", {}).items()
                             if float(t) > fetcher.deferred.get(h, 0.0)})
    validators: dict[str, dict[str, str]] = state.setdefault("feeds", {})

    def settle(link: str) -> None:
        seen[link] = now
        tries.pop(link, None)

    def transient(link: str, stage: str, exc: FrontwireError) -> None:
        if isinstance(exc, HostDeferred):  # nothing was asked: not a failed try
            summary.problems.append(_problem(link, stage, exc))
            return
        n = int(tries.get(link, [0, now])[0]) + 1
        tries[link] = [n, now]
        if n < PAGE_TRIES:
            summary.problems.append(_problem(link, stage, exc))
            return
        settle(link)
        summary.problems.append(_problem(link, stage, GaveUp(
            f"{exc.message}; failed at {PAGE_TRIES} polls, given up (not asked again)",
            origin=link)))

    articles: list[Article] = []
    link_of: dict[str | None, str] = {}  # article id -> the link it was fetched from
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
            if not link:
                continue
            if link in seen:
                seen[link] = now  # still listed: kept while the feed lists it
                continue
            try:
                page = fetcher.get(link)
            except RobotsDisallowed as exc:
                summary.problems.append(_problem(link, "fetch", exc))
                settle(link)  # will not become allowed by asking again soon
                continue
            except FetchError as exc:
                transient(link, "fetch", exc)
                continue
            summary.pages += 1
            if page.status != 200:  # 4xx (429 and 5xx were retried, then raised)
                summary.problems.append(Rejection(origin=link, stage="fetch",
                                                  code=FetchError.code,
                                                  message=f"answered HTTP {page.status}"))
                settle(link)
                continue
            try:
                html = page.page_text(origin=link)
                article = article_from_html(html, origin=link, url=link,
                                            published=_entry_date(entry),
                                            title=entry.get("title"))
                articles.append(article)
                link_of[article.id] = link
            except InputError as exc:
                summary.problems.append(_problem(link, "ingest", exc))
                settle(link)
    model = model_name(pipeline.nlp)
    with Recorder(store) as rec:
        for out in pipeline.process(articles):
            if isinstance(out, Result):
                link = link_of.get(out.id) or out.url or ""
                try:
                    rec.add(out, origin=out.url, model=model)
                except StoreError as exc:  # busy or unreachable: the page is fetched again later
                    transient(link, "store", exc)
                    continue
                settle(link)
            else:
                summary.problems.append(out)
                settle(out.origin)  # not an article, or a stage failed on it: final
    summary.stored, summary.already = rec.stored, rec.already
    state["seen"] = _prune(seen, now)
    cutoff = now - SEEN_DAYS * 86400
    state["tries"] = {k: [int(n), round(t)] for k, (n, t) in tries.items()
                      if k not in seen and t >= cutoff}
    state["deferred"] = {h: round(t, 1) for h, t in fetcher.deferred.items() if t > now}
    return summary
