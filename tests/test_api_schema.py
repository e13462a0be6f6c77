"""The API does what its OpenAPI schema says: schemathesis against a real `frontwire serve`.

A small database from the bundled samples (`frontwire ingest`), the server as a subprocess on
127.0.0.1 with a token (so POST /articles is covered too), then the schemathesis CLI with a
fixed seed and a bounded number of examples, configured by tests/schemathesis/ (the rules
between parameters that OpenAPI cannot state, and 422 for well-formed non-articles). Every
failure it reports (an undeclared status, a response off its schema, a 500, a valid request
refused or an invalid one accepted) fails the test, with schemathesis' report printed.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import pytest

httpx = pytest.importorskip("httpx")
pytest.importorskip("schemathesis")

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
CONFIG = HERE / "schemathesis" / "schemathesis.toml"
TOKEN = "schemathesis-token-1234"
FRONTWIRE = [sys.executable, "-c", "from frontwire.cli import main; main()"]
ST = [sys.executable, "-c",
      "import sys; from schemathesis.cli import schemathesis; sys.exit(schemathesis())"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env() -> dict[str, str]:
    # The hooks module sits in tests/schemathesis; the source tree comes first when the tests
    # run from a checkout without an install (PYTHONPATH=src).
    paths = [str(HERE / "schemathesis"), os.environ.get("PYTHONPATH", "")]
    return {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p),
            "FRONTWIRE_API_TOKEN": ""}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`frontwire serve` over the ingested samples, with a token; yields its base URL."""
    tmp = tmp_path_factory.mktemp("schema")
    db, token_file = tmp / "samples.duckdb", tmp / "token"
    token_file.write_text(TOKEN + "\n")
    samples = Path(str(resources.files("frontwire.data").joinpath("samples", "samples.jsonl")))
    ing = subprocess.run([*FRONTWIRE, "ingest", str(samples), "--db", str(db), "--workers", "1"],
                         check=False, capture_output=True, text=True, timeout=300, env=_env())
    assert ing.returncode == 0, ing.stderr
    port = _free_port()
    log = (tmp / "serve.log").open("w")
    proc = subprocess.Popen([*FRONTWIRE, "serve", "--db", str(db), "--port", str(port),
                             "--token-file", str(token_file)], stdout=log,
                            stderr=subprocess.STDOUT, env=_env())
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(url + "/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert proc.poll() is None, (tmp / "serve.log").read_text()
            assert time.monotonic() < deadline, "the server did not answer within 60 s"
            time.sleep(0.3)
        # The first POST builds the spaCy pipeline (seconds); do it before schemathesis, whose
        # requests have a shorter timeout.
        warm = httpx.post(url + "/articles", json={"text": "Shelling hit Kherson on Monday, "
                                                           "the regional governor said."},
                          headers={"Authorization": f"Bearer {TOKEN}"}, timeout=300)
        assert warm.status_code == 201, warm.text
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_schemathesis_finds_nothing(served, tmp_path):
    out = subprocess.run(
        [*ST, "--config-file", str(CONFIG), "--no-color", "run", served + "/openapi.json",
         "--max-examples", "12", "--seed", "20240601", "--workers", "1",
         "--request-timeout", "60", "--header", f"Authorization: Bearer {TOKEN}",
         "--generation-database", "none", "--report-dir", str(tmp_path)],
        check=False, capture_output=True, text=True, timeout=400, cwd=tmp_path, env=_env())
    assert out.returncode == 0, out.stdout[-20000:] + out.stderr[-5000:]
    assert "9 selected" in out.stdout, out.stdout  # every operation was tested
