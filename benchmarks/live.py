"""What sharing a DuckDB file costs: a store that takes the file only while in use ("live", the
default since ``serve`` and writers run side by side) vs one that keeps it for its life ("held",
the old behaviour, reproduced by wrapping the whole job in ``store.hold()``).

Three measures, each made for both modes in the same run on the same articles:

- ingest: ``jobs.ingest`` with one in-process pipeline (NLP, dedup, writes, clusters), the
  ``frontwire ingest`` path; articles/s.
- writes only: the same Results stored back to back (``record.store_result`` + cluster update, the
  ``frontwire load`` path): the worst case for "live", which then lets go and retakes the file
  every second with no NLP pause to hide it.
- API: ``GET /events?limit=100`` over a real server, requests 0.2 s apart (longer than the
  linger, so "live" reopens the file for each one) and back to back; median ms.

    python benchmarks/live.py --articles 80
"""

from __future__ import annotations

import argparse
import itertools
import json
import socket
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from contextlib import nullcontext
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import generate

from frontwire import jobs
from frontwire.model import Result
from frontwire.pipeline import Pipeline
from frontwire.record import store_result
from frontwire.record.clusters import update as update_clusters
from frontwire.store import open_store


def _hold(store: Any, held: bool) -> Any:
    return store.hold() if held else nullcontext()


def ingest(pipe: Pipeline, inputs: Path, db: Path, *, held: bool) -> float:
    with open_store(db) as store, _hold(store, held):
        t0 = time.perf_counter()
        s = jobs.ingest([str(inputs)], store=store, pipeline=pipe)
        return s.stored / (time.perf_counter() - t0)


def writes(results: list[Result], db: Path, *, held: bool) -> float:
    with open_store(db) as store, _hold(store, held):
        t0 = time.perf_counter()
        for r in results:
            store_result(store, r, origin="bench", model="bench")
        update_clusters(store, [r.id for r in results])
        return len(results) / (time.perf_counter() - t0)


def api(db: Path, *, held: bool, rounds: int) -> dict[str, float]:
    import uvicorn

    from frontwire.api import create_app

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app = create_app(db)
    store = app.state.store
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    while not srv.started:
        time.sleep(0.05)
    url = f"http://127.0.0.1:{port}/events?limit=100"

    def once() -> float:
        t0 = time.perf_counter()
        with urllib.request.urlopen(url) as r:
            json.loads(r.read())
        return (time.perf_counter() - t0) * 1000

    out = {}
    with _hold(store, held):
        once()
        spaced = []
        for _ in range(rounds):
            time.sleep(0.2)
            spaced.append(once())
        burst = [once() for _ in range(rounds)]
        out = {"spaced_ms": round(statistics.median(spaced), 1),
               "burst_ms": round(statistics.median(burst), 1)}
    srv.should_exit = True
    time.sleep(0.3)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=80)
    ap.add_argument("--rounds", type=int, default=30)
    a = ap.parse_args()
    pipe = Pipeline()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        inputs = folder / "corpus.jsonl"
        inputs.write_text("\n".join(json.dumps(r) for r in generate(a.articles)) + "\n")
        warm = list(itertools.islice(jobs.read_inputs([str(inputs)]), 8))
        list(pipe.process(warm))  # warm-up: model and data files
        # "live" runs first each time: a first pass is a few % slower, which counts against it
        report: dict[str, Any] = {"articles": a.articles}
        for mode, held in (("live", False), ("held", True)):  # same order for each measure
            report.setdefault("ingest_articles_s", {})[mode] = round(
                ingest(pipe, inputs, folder / f"ingest-{mode}.duckdb", held=held), 2)
        with open_store(folder / "ingest-held.duckdb", read_only=True) as st:
            results = [r for i in st.article_ids() if (r := st.get_result(i)) is not None]
        for mode, held in (("live", False), ("held", True)):
            report.setdefault("writes_articles_s", {})[mode] = round(
                writes(results, folder / f"writes-{mode}.duckdb", held=held), 1)
        for mode, held in (("live", False), ("held", True)):
            report.setdefault("api", {})[mode] = api(folder / "ingest-held.duckdb", held=held,
                                                     rounds=a.rounds)
        for key in ("ingest_articles_s", "writes_articles_s"):
            report[key]["ratio_live_to_held"] = round(report[key]["live"] / report[key]["held"], 3)
    print(json.dumps(report, indent=1))


if __name__ == "__main__":
    main()
