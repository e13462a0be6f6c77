"""Faults: a worker killed with SIGKILL, systemic failures that stop a run, and a watch that
forgets nothing (503 then 200, Retry-After, robots.txt wildcards and Crawl-delay, a bounded
seen-set), against real processes, real spaCy models and a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import time
from http.server import BaseHTTPRequestHandler
from itertools import pairwise
from pathlib import Path

import faulty_model
import pytest
from news_texts import REPORTS
from site_helpers import Site, rss

from frontwire import jobs
from frontwire.errors import (
    GaveUp,
    HostDeferred,
    OutOfMemory,
    RepeatedFailure,
    SystemicFailure,
    WorkerDied,
)
from frontwire.jobs.feeds import (
    SEEN_DAYS,
    Fetcher,
    load_state,
    poll,
    retry_after,
    save_state,
)
from frontwire.pipeline import Pipeline

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "src" / "frontwire" / "data" / "samples"
ARTICLE = (SAMPLES / "gaza-aid.html").read_bytes()

TEXTS = REPORTS


def _jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t, "published": "2024-03-14", "source": "test"})
                            + "\n" for t in texts), encoding="utf-8")
    return path


# -- a worker killed with SIGKILL ------------------------------------------------------------


def test_a_killed_worker_fails_only_its_batch_and_the_run_finishes(tmp_path):
    """``ingest --workers 2`` with batches of two; an article makes its worker kill -9 itself.

    The batch holding it is rejected (both articles, each named), the other three are stored
    and the run exits 0. Every batch runs in a worker (more than one batch), so the parent
    never runs the killing component itself.
    """
    model = faulty_model.save_model("fw_test_kill_on_marker", tmp_path / "kill-model")
    texts = list(TEXTS[:5])
    texts[2] += f" {faulty_model.KILL_MARKER}"
    src = _jsonl(tmp_path / "in.jsonl", texts)
    db = tmp_path / "k.duckdb"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "FRONTWIRE_BATCH_SIZE": "2"}
    run = subprocess.run([sys.executable, str(Path(faulty_model.__file__)), "ingest", str(src),
                          "--db", str(db), "--workers", "2", "--model", str(model)],
                         env=env, capture_output=True, text=True, timeout=600, cwd=tmp_path,
                         check=False)
    assert run.returncode == 0, run.stderr
    died = [line for line in run.stderr.splitlines() if f"[{WorkerDied.code}]" in line]
    assert [line.split(": ", 2)[1] for line in died] == [f"skipped {src}:3",
                                                          f"skipped {src}:4"], run.stderr
    assert "worker process died" in died[0]
    assert "stored 3 new article(s), 0 already present, 2 rejected" in run.stderr
    assert "Traceback" not in run.stderr

    from frontwire.store import open_store

    with open_store(db) as store:
        stored = {store.get_result(i).text[:20] for i in store.article_ids()}
    assert stored == {texts[i][:20] for i in (0, 1, 4)}


# -- systemic failures -----------------------------------------------------------------------


class _OutOfMemoryOn(Pipeline):
    """The session's pipeline, whose analysis runs out of memory on one text."""

    def __init__(self, base: Pipeline, marker: str) -> None:
        self.settings, self.nlp, self._resources = base.settings, base.nlp, base._resources
        self._succeeded, self._streak = False, (("", ""), 0)
        self.marker = marker

    def analyze(self, doc, *, article, cleaned):
        if self.marker in doc.text:
            raise MemoryError()
        return super().analyze(doc, article=article, cleaned=cleaned)


def test_memory_error_in_a_stage_stops_the_run_and_keeps_what_was_stored(tmp_path, pipeline):
    from frontwire.record.clusters import _clusters_of
    from frontwire.store import open_store

    src = _jsonl(tmp_path / "in.jsonl", [TEXTS[0], TEXTS[1] + " Zaporizhzhia.", TEXTS[2]])
    pipe = _OutOfMemoryOn(pipeline, "Zaporizhzhia.")
    with open_store(tmp_path / "m.duckdb") as store:
        with pytest.raises(OutOfMemory) as err:
            jobs.ingest([str(src)], store=store, pipeline=pipe)
        assert err.value.origin == f"{src}:2"
        assert "ran out of memory" in str(err.value)
        (kept,) = store.article_ids()  # the article before it is stored, with its cluster
        assert store.get_result(kept).text.startswith("Russian forces")
        assert _clusters_of(store, [kept])[0]


def test_a_model_that_fails_on_every_text_stops_with_one_line(tmp_path):
    from click.testing import CliRunner

    from frontwire.cli import main

    model = faulty_model.save_model("fw_test_fail_always", tmp_path / "broken-model")
    src = _jsonl(tmp_path / "in.jsonl", TEXTS)
    db = tmp_path / "b.duckdb"
    r = CliRunner().invoke(main, ["ingest", str(src), "--db", str(db), "--workers", "1",
                                  "--model", str(model)])
    assert r.exit_code == 1, r.output
    errors = [line for line in r.output.splitlines() if line.startswith("frontwire: error:")]
    assert len(errors) == 1 and f"[{RepeatedFailure.code}]" in errors[0], r.output
    assert "the first 5 articles all failed in the nlp stage" in errors[0]
    assert "this test model cannot run" in errors[0]
    assert f"{src}:5" in errors[0]
    assert "stored" not in r.output  # no summary claiming a finished run


def test_failures_after_a_success_are_the_articles_own(pipeline):
    """After one article succeeded, identical failures are rejections, not a stop."""
    pipe = _OutOfMemoryOn(pipeline, "never")
    pipe._succeeded = True
    for _ in range(6):
        pipe._failed("x", "analyze", "internal error: KeyError('a')")  # does not raise
    fresh = _OutOfMemoryOn(pipeline, "never")
    with pytest.raises(RepeatedFailure):
        for _ in range(5):
            fresh._failed("x", "analyze", "internal error: KeyError('a')")


def test_systemic_failures_cross_process_boundaries_whole():
    err = pickle.loads(pickle.dumps(RepeatedFailure("broken", origin="a.jsonl:3")))
    assert isinstance(err, SystemicFailure) and str(err) == "a.jsonl:3: broken"
    assert err.code == RepeatedFailure.code


# -- watch: a local news site with faults ----------------------------------------------------


class _Site(Site):
    """127.0.0.1 only. ``script[path]`` is a list of (status, headers) answers, used in turn
    (the last one repeats); a 200 for a /news/ page serves the sample article."""

    def __init__(self, robots: str, links: list[str]) -> None:
        self.robots, self.links = robots, links
        self.script: dict[str, list[tuple[int, dict[str, str]]]] = {}
        super().__init__()

    def route(self, req: BaseHTTPRequestHandler) -> tuple[int, bytes, dict[str, str]]:
        path = req.path
        if path == "/robots.txt":
            return 200, self.robots.encode(), {"Content-Type": "text/plain"}
        if path == "/feed.xml":
            return 200, rss(self.base, self.links), {"Content-Type": "application/rss+xml"}
        answers = self.script.get(path, [(200, {})])
        status, headers = answers.pop(0) if len(answers) > 1 else answers[0]
        body = ARTICLE if status == 200 else b"<html><body>Busy</body></html>"
        return status, body, {"Content-Type": "text/html; charset=utf-8", **headers}


def _poll(site: _Site, db: Path, pipeline, fetcher: Fetcher):
    from frontwire.store import open_store

    state = load_state(db)
    with open_store(db) as store:
        s = poll([f"{site.base}/feed.xml"], store=store, pipeline=pipeline, fetcher=fetcher,
                 state=state)
        n = len(store.article_ids())
    save_state(db, state)
    return s, n, state


def test_a_page_that_fails_is_fetched_again_and_stored_at_the_next_poll(tmp_path, pipeline):
    with _Site("User-agent: *\nAllow: /\n", ["/news/a"]) as site:
        site.script["/news/a"] = [(503, {}), (200, {})]
        fetcher = Fetcher(timeout=5, min_interval=0, retries=0)
        try:
            s1, n1, state = _poll(site, tmp_path / "r.duckdb", pipeline, fetcher)
            assert n1 == 0 and f"{site.base}/news/a" not in state["seen"]
            assert [n for n, _ in state["tries"].values()] == [1]
            assert list(state["tries"]) == [f"{site.base}/news/a"]
            assert "HTTP 503" in s1.problems[0].message
            s2, n2, state = _poll(site, tmp_path / "r.duckdb", pipeline, fetcher)
        finally:
            fetcher.close()
    assert s2.stored == 1 and n2 == 1 and not s2.problems
    assert f"{site.base}/news/a" in state["seen"] and state["tries"] == {}


def test_a_page_that_keeps_failing_is_given_up_after_the_bound(tmp_path, pipeline):
    from frontwire.jobs.feeds import PAGE_TRIES

    with _Site("User-agent: *\nAllow: /\n", ["/news/down"]) as site:
        site.script["/news/down"] = [(500, {})]
        fetcher = Fetcher(timeout=5, min_interval=0, retries=0)
        try:
            for _ in range(PAGE_TRIES):
                s, _, _ = _poll(site, tmp_path / "g.duckdb", pipeline, fetcher)
            _poll(site, tmp_path / "g.duckdb", pipeline, fetcher)
        finally:
            fetcher.close()
    assert "given up" in s.problems[0].message and s.problems[0].code == GaveUp.code
    assert site.count("/news/down") == PAGE_TRIES  # then never asked again


def test_retry_after_defers_the_host_to_a_later_poll(tmp_path, pipeline):
    with _Site("User-agent: *\nAllow: /\n", ["/news/a", "/news/b"]) as site:
        site.script["/news/a"] = [(429, {"Retry-After": "2"}), (200, {})]
        fetcher = Fetcher(timeout=5, min_interval=0, retries=2, backoff=0, max_wait=1)
        try:
            s1, n1, state = _poll(site, tmp_path / "d.duckdb", pipeline, fetcher)
            # One request, no retry inside the poll; the host's other page was not asked.
            assert site.count("/news/a") == 1 and site.count("/news/b") == 0
            assert n1 == 0 and len(s1.problems) == 2
            assert "Retry-After" in s1.problems[0].message
            assert state["tries"] == {}  # deferred, not failed
            assert set(state["deferred"]) == {site.base.split("//")[1]}
            # A new process (watch --once from cron) remembers the deferral from the state.
            fresh = Fetcher(timeout=5, min_interval=0, retries=0, max_wait=1)
            _poll(site, tmp_path / "d.duckdb", pipeline, fresh)
            assert site.count("/news/a") == 1  # still deferred: nothing asked
            deadline = time.time() + 20
            while time.time() < state["deferred"][site.base.split("//")[1]] and \
                    time.time() < deadline:
                time.sleep(0.1)
            s3, n3, _ = _poll(site, tmp_path / "d.duckdb", pipeline, fresh)
            fresh.close()
        finally:
            fetcher.close()
    assert n3 == 1 and s3.stored == 1  # the two links hold one article
    assert site.count("/news/a") == 2 and site.count("/news/b") == 1


@pytest.mark.parametrize(("value", "seconds"), [
    ("120", 120.0), ("Wed, 21 Oct 2015 07:28:00 GMT", 30.0), ("soon", None), (None, None)])
def test_retry_after_seconds_and_http_dates(value, seconds):
    now = 1445412450.0  # 30 s before the date above
    assert retry_after(value, now=now) == seconds


def test_robots_wildcards_and_crawl_delay_are_obeyed(tmp_path, pipeline):
    robots = ("User-agent: *\nDisallow: /*.pdf$\nDisallow: /*?print=\nCrawl-delay: 0.4\n")
    links = ["/news/report.pdf", "/news/a?print=1", "/news/a", "/news/report.pdf?x=1"]
    with _Site(robots, links) as site:
        fetcher = Fetcher(timeout=5, min_interval=0, retries=0)
        sent: list[float] = []
        wait_turn = fetcher._wait_turn

        def timed_wait_turn(host: str) -> None:
            wait_turn(host)
            sent.append(time.monotonic())

        fetcher._wait_turn = timed_wait_turn  # type: ignore[method-assign]
        try:
            s, _, state = _poll(site, tmp_path / "w.duckdb", pipeline, fetcher)
        finally:
            fetcher.close()
    asked = [h.path for h in site.hits]
    assert "/news/report.pdf" not in asked and "/news/a?print=1" not in asked
    assert "/news/a" in asked and "/news/report.pdf?x=1" in asked  # `$` anchors the end
    disallowed = sorted(p.origin for p in s.problems if "robots.txt" in p.message)
    assert disallowed == [f"{site.base}/news/a?print=1", f"{site.base}/news/report.pdf"]
    assert all(link in state["seen"] for link in disallowed)  # final: not asked again
    # Crawl-delay 0.4 s (longer than min_interval 0) spaces every request to the host.
    assert len(sent) == len(site.hits) >= 4
    assert all(b - a >= 0.39 for a, b in pairwise(sent))


def test_crawl_delay_longer_than_a_poll_waits_defers_the_page(tmp_path, pipeline):
    with _Site("User-agent: *\nCrawl-delay: 3600\n", ["/news/a"]) as site:
        fetcher = Fetcher(timeout=5, min_interval=0, retries=0, max_wait=1)
        try:
            s, _, _ = _poll(site, tmp_path / "c.duckdb", pipeline, fetcher)
        finally:
            fetcher.close()
    # robots.txt was the host's one request for the next hour: the feed itself waits.
    assert [h.path for h in site.hits] == ["/robots.txt"]
    assert "next turn" in s.problems[0].message and s.problems[0].code == HostDeferred.code


def test_the_seen_set_is_bounded_and_an_old_list_is_read(tmp_path, pipeline, monkeypatch):
    from frontwire.jobs import feeds

    with _Site("User-agent: *\nAllow: /\n", ["/news/a"]) as site:
        listed = f"{site.base}/news/a"
        old, recent = "https://old.example/1", "https://recent.example/1"
        now = time.time()
        db = tmp_path / "s.duckdb"
        save_state(db, {"feeds": {}, "seen": {old: now - (SEEN_DAYS + 1) * 86400,
                                              recent: now - 86400, listed: now - 86400 * 40}})
        fetcher = Fetcher(timeout=5, min_interval=0, retries=0)
        try:
            _, _, state = _poll(site, db, pipeline, fetcher)
            # Still listed by the feed: kept (and not fetched again); the stale one dropped.
            assert set(state["seen"]) == {recent, listed} and site.count("/news/a") == 0
            save_state(db, {"feeds": {}, "seen": [old]})  # the format before the bound
            _, _, state = _poll(site, db, pipeline, fetcher)
            # Kept (undated: counted from now); /news/a, no longer in the set, was asked
            # again, found already stored and settled.
            assert set(state["seen"]) == {old, listed} and site.count("/news/a") == 1
            monkeypatch.setattr(feeds, "SEEN_MAX", 1)
            save_state(db, {"feeds": {}, "seen": {recent: now - 86400, listed: now - 3 * 86400}})
            _, _, state = _poll(site, db, pipeline, fetcher)
            assert set(state["seen"]) == {listed}  # the newest: listed by the feed just now
        finally:
            fetcher.close()
