"""A live map: ``frontwire serve`` and ``frontwire ingest`` on one DuckDB file at the same time.

Real processes on 127.0.0.1: the server (read-only, no spaCy) is polled all along while a writer
ingests; the writer is killed with SIGKILL mid-run, a second writer finishes the job, and the
server is killed last. Only two spaCy-loading runs, each with one worker, to keep this quick.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from frontwire import jobs
from frontwire.store import open_store

ROOT = Path(__file__).resolve().parents[1]
EVAL_FOLDERS = [ROOT / "eval" / "articles", ROOT / "eval" / "events"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _frontwire(*args: str, **kw: Any) -> subprocess.Popen[str]:
    # The module, not the venv's script: the same code whatever PYTHONPATH points at.
    return subprocess.Popen([sys.executable, "-m", "frontwire.cli", *args], text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kw)


def _get(url: str) -> tuple[int, Any]:
    try:
        with urllib.request.urlopen(url, timeout=20) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read() or b"null")


class Poller(threading.Thread):
    """Reads /stats/summary and /events without pause, as a map left open would, and keeps
    every status and the article ids of every event seen."""

    def __init__(self, base: str) -> None:
        super().__init__(daemon=True)
        self.base, self.stop = base, threading.Event()
        self.statuses: list[int] = []
        self.errors: list[Any] = []
        self.articles = 0
        self.article_ids: set[str] = set()

    def run(self) -> None:
        while not self.stop.is_set():
            for path in ("/stats/summary", "/events?limit=1000"):
                status, body = _get(self.base + path)
                self.statuses.append(status)
                if status != 200:
                    self.errors.append(body)
                elif path == "/stats/summary":
                    self.articles = body["articles"]
                else:
                    self.article_ids |= {e["article_id"] for e in body["items"]}
            time.sleep(0.05)


def _wait(cond: Any, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not cond():
        assert time.monotonic() < deadline, f"{what} within {seconds:.0f} s"
        time.sleep(0.05)


def test_serve_and_ingest_share_one_duckdb_file(tmp_path: Path) -> None:
    db = tmp_path / "live.duckdb"
    inputs = tmp_path / "in"  # the bundled samples and the eval articles: ~70 articles, so
    shutil.copytree(jobs.sample_dir(), inputs)  # that a kill lands mid-run even on a fast box
    for folder in EVAL_FOLDERS:
        for p in sorted(folder.glob("*.txt")):
            shutil.copy(p, inputs / f"{folder.name}-{p.name}")
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    open_store(db).close()  # an empty database, as a first 'watch' leaves it (serve needs one)
    server = _frontwire("serve", "--db", str(db), "--port", str(port))
    poller = Poller(base)
    writer = None
    try:
        _wait(lambda: _reachable(base), 60, "serve answers")
        poller.start()
        writer = _frontwire("ingest", str(inputs), "--db", str(db), "--workers", "1")
        # events appear while the writer still runs; then SIGKILL it mid-run
        _wait(lambda: poller.article_ids, 180, "the first stored article's events are served")
        seen_ids = set(poller.article_ids)
        writer.send_signal(signal.SIGKILL)
        _, first_err = writer.communicate(timeout=60)
        assert "FW301" not in first_err, first_err

        # nothing it committed is lost, and the file still serves
        status, body = _get(base + "/events?limit=1000")
        assert status == 200, body
        assert seen_ids <= {e["article_id"] for e in body["items"]}
        stored_then = _get(base + "/stats/summary")[1]["articles"]
        assert stored_then > 0

        # a second writer (while serve still runs) finishes: its events are served within 20 s
        writer = _frontwire("ingest", str(inputs), "--db", str(db), "--workers", "1")
        _, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, err
        assert "FW301" not in err and "already present" in err, err
        new = int(re.search(r"stored (\d+) new", err).group(1))  # type: ignore[union-attr]
        assert new > 0, "the first writer was killed mid-run, leaving work for the second"
        total = stored_then + new
        finished = time.monotonic()
        _wait(lambda: poller.articles == total, 20, "every article is served")
        assert time.monotonic() - finished < 20
        poller.stop.set()
        poller.join(30)
        assert poller.statuses and not poller.errors, poller.errors[:3]
        served = _get(base + "/events?limit=1000")[1]["items"]
    finally:
        poller.stop.set()
        for proc in (writer, server):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(30)
    assert server.returncode == -signal.SIGKILL  # serve killed too: the file opens, all there
    with open_store(db, read_only=True) as store:
        assert len(store.article_ids()) == total
        assert store.incomplete_articles() == []
        stored = store.rows("SELECT article_id || '.' || id AS id FROM events")
    assert {e["id"] for e in served} == {r["id"] for r in stored}
    assert os.path.getsize(db) > 0


def _reachable(base: str) -> bool:
    try:
        return _get(base + "/stats/summary")[0] == 200
    except OSError:
        return False
