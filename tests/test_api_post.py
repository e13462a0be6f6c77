"""POST /articles does not block the server: reads are answered while an article is processed.

A real uvicorn server on 127.0.0.1 with a token and the real pipeline. The first POST builds
the spaCy pipeline (seconds); the factory only signals when that build begins, so the test
knows the POST is inside its heavy work before it sends a read.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

httpx = pytest.importorskip("httpx")
uvicorn = pytest.importorskip("uvicorn")

from frontwire.store import open_store

TOKEN = "token-for-the-post-test"
STORY = ("Russian shelling hit a market in Kherson on Monday, killing one woman and wounding "
         "two men, regional governor Oleksandr Prokudin said on Tuesday.")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_reads_are_answered_while_a_post_is_processed(tmp_path):
    from frontwire.api import create_app
    from frontwire.pipeline import Pipeline

    db = tmp_path / "post.duckdb"
    open_store(db).close()
    building = threading.Event()

    def factory() -> Pipeline:
        building.set()
        return Pipeline()

    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(
        create_app(db, token=TOKEN, pipeline_factory=factory), host="127.0.0.1", port=port,
        log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start within 30 s"
            time.sleep(0.1)

        done: dict[str, object] = {}

        def post() -> None:
            r = httpx.post(url + "/articles", json={"text": STORY, "source": "Outlet A"},
                           headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300)
            done["post"] = (time.monotonic(), r)

        poster = threading.Thread(target=post)
        poster.start()
        assert building.wait(60), "the POST never reached the pipeline build"
        read = httpx.get(url + "/stats/summary", timeout=20)  # bounded: liveness, not speed
        read_done = time.monotonic()
        assert read.status_code == 200, read.text
        assert "post" not in done, "the read waited for the POST to finish"
        poster.join(300)
        assert not poster.is_alive()
        post_done, r = done["post"]  # type: ignore[misc]
        assert r.status_code == 201, r.text  # type: ignore[attr-defined]
        assert read_done < post_done  # type: ignore[operator]
        assert httpx.get(url + "/stats/summary", timeout=20).json()["articles"] == 1
    finally:
        server.should_exit = True
        thread.join(30)
