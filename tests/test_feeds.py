"""Feeds against a local HTTP server: new pages ingested, a malformed feed, a page that times
out, a 404, robots.txt, the user agent, conditional requests and the per-host rate limit."""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler
from itertools import pairwise
from pathlib import Path

import pytest
from site_helpers import Site, rss

from frontwire.jobs.feeds import USER_AGENT, Fetcher, load_state, parse_every, poll, save_state

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "frontwire" / "data" / "samples"
ARTICLE = (SAMPLES / "gaza-aid.html").read_bytes()


class _Server(Site):
    """127.0.0.1 only; records every request (path, user agent, time, status)."""

    def route(self, req: BaseHTTPRequestHandler) -> tuple[int, bytes, dict[str, str]]:
        html = {"Content-Type": "text/html; charset=utf-8"}
        if req.path == "/robots.txt":
            return 200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}
        if req.path == "/feed.xml":
            if req.headers.get("If-None-Match") == '"v1"':
                return 304, b"", {"ETag": '"v1"'}
            links = ["/news/rafah", "/news/slow", "/news/gone", "/private/memo"]
            return 200, rss(self.base, links), {"Content-Type": "application/rss+xml",
                                                 "ETag": '"v1"'}
        if req.path == "/broken.xml":
            return 200, b"<html><body>Oops, <b>this is not a feed", html
        if req.path == "/news/rafah":
            return 200, ARTICLE, html
        if req.path == "/news/slow":
            return -1, b"", {}
        return 404, b"<html><body>Not found</body></html>", html


@pytest.fixture()
def server():
    with _Server() as s:
        yield s


@pytest.mark.parametrize(("value", "seconds"), [("15m", 900), ("30s", 30), ("2h", 7200),
                                                ("45", 45), ("1.5m", 90)])
def test_intervals(value, seconds):
    assert parse_every(value) == seconds


@pytest.mark.parametrize("value", ["soon", "15 minutes", "-5m", ""])
def test_bad_intervals_are_refused(value):
    with pytest.raises(ValueError):
        parse_every(value)


def test_poll_ingests_new_pages_and_reports_every_failure(tmp_path, server, pipeline):
    from frontwire.store import open_store

    db = tmp_path / "news.duckdb"
    fetcher = Fetcher(timeout=0.3, min_interval=0.05, retries=1, backoff=0.01)
    released: list[float] = []
    wait_turn = fetcher._wait_turn

    def timed_wait_turn(host: str) -> None:
        wait_turn(host)
        released.append(time.monotonic())

    fetcher._wait_turn = timed_wait_turn  # type: ignore[method-assign]
    feeds = [f"{server.base}/feed.xml", f"{server.base}/broken.xml"]
    try:
        state = load_state(db)
        with open_store(db) as store:
            s = poll(feeds, store=store, pipeline=pipeline, fetcher=fetcher, state=state)
            assert s.stored == 1 and store.article_ids()
            (res,) = [store.get_result(i) for i in store.article_ids()]
            assert res.url == f"{server.base}/news/rafah" and "Rafah" in res.text
        save_state(db, state)
        problems = {p.origin.replace(server.base, ""): p.message for p in s.problems}
        assert "not a readable RSS or Atom feed" in problems["/broken.xml"]
        assert "timed out after 2 attempt(s)" in problems["/news/slow"]
        assert problems["/news/gone"] == "answered HTTP 404"
        assert "robots.txt" in problems["/private/memo"]
        assert server.count("/news/slow") == 2      # retried once, with backoff
        assert server.count("/private/memo") == 0   # robots.txt obeyed: never asked
        assert server.count("/robots.txt") == 1     # read once per host
        assert {h.user_agent for h in server.hits} == {USER_AGENT}
        # Per-host rate limit, timed where requests leave (the server stamps a hit when its
        # handler thread runs, which under load can lag one request and not the next).
        assert len(released) == len(server.hits)
        assert all(b - a >= 0.045 for a, b in pairwise(released))

        # Second poll: the feed answers 304 to the conditional request; nothing is refetched
        # except the page that timed out (it may answer next time).
        before = {p: server.count(p) for p in ("/news/rafah", "/news/gone")}
        state = load_state(db)
        with open_store(db) as store:
            s2 = poll([f"{server.base}/feed.xml"], store=store, pipeline=pipeline,
                      fetcher=fetcher, state=state)
        assert s2.unchanged == 1 and s2.pages == 0 and s2.stored == 0
        assert {p: server.count(p) for p in before} == before
        assert server.hits[-1].status == 304
    finally:
        fetcher.close()


def test_a_feed_whose_server_is_down_is_reported_and_the_rest_go_on(tmp_path, server, pipeline):
    import socket

    from frontwire.store import open_store

    with socket.socket() as sock:  # a port with nothing listening
        sock.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{sock.getsockname()[1]}/feed.xml"
    fetcher = Fetcher(timeout=0.3, min_interval=0.0, retries=0)
    try:
        with open_store(tmp_path / "x.duckdb") as store:
            s = poll([dead, f"{server.base}/feed.xml"], store=store, pipeline=pipeline,
                     fetcher=fetcher, state={})
    finally:
        fetcher.close()
    assert s.stored == 1
    assert any(p.origin == dead for p in s.problems)


def test_watch_once_command(tmp_path, server):
    from click.testing import CliRunner

    from frontwire.cli.scale import watch_cmd

    feeds = tmp_path / "feeds.txt"
    feeds.write_text(f"# test wire\n{server.base}/feed.xml\n\n", encoding="utf-8")
    db = tmp_path / "w.duckdb"
    r = CliRunner().invoke(watch_cmd, [str(feeds), "--db", str(db), "--once", "--timeout", "0.3",
                                       "--host-interval", "0"])
    assert r.exit_code == 0, r.output
    assert "stored 1 new article(s)" in r.output
    assert "answered HTTP 404" in r.output
    assert Path(f"{db}.feeds.json").is_file()
