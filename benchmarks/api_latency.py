"""API latency: ``/events`` p50/p95 on a generated database of 1,000,000 events.

Generates the database in bulk with DuckDB SQL (benchmarks/record_db.py) unless ``--db`` names
one, starts uvicorn on 127.0.0.1 (a free port), and times a fixed mix of requests with httpx,
one at a time, after one warm-up round. The request loop is bounded (``--rounds``).

    python benchmarks/api_latency.py [--events 1000000] [--rounds 20] [--db FILE]
    python benchmarks/api_latency.py --postgres [URL]   # the same rows copied to a PostgreSQL
                                                        # database (default: a throwaway server)

Prints a Markdown table: per query, p50 and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import httpx
import uvicorn
from record_db import copy_to_postgres, generate

from frontwire.api import create_app

QUERIES = [
    ("first page, no filter", "/events", {"limit": 100}),
    ("bbox (one region)", "/events", {"bbox": "30,46,36,50", "limit": 100}),
    ("type + since/until", "/events", {"type": "Battles", "since": "2023-03-01",
                                       "until": "2023-03-31", "limit": 100}),
    ("near + km", "/events", {"near": "48.5,37.5", "km": 50, "limit": 100}),
    ("actor country + sub-type", "/events", {"actor_country": "UA", "sub_type": "Attack"}),
    ("text search", "/events", {"q": "regional governor", "limit": 100}),
    ("cluster mode", "/events", {"mode": "cluster", "bbox": "30,46,36,50", "limit": 100}),
    ("one event", "/events/a000000000012345.e3", {}),
    ("grid, zoom 4 (map)", "/stats/grid", {"zoom": 4}),
    ("timeline, day (map)", "/stats/timeline", {"bucket": "day"}),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(db: Path | str) -> tuple[uvicorn.Server, str]:
    port = free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(db), host="127.0.0.1", port=port,
                                        log_level="warning"))
    threading.Thread(target=srv.run, daemon=True).start()
    deadline = time.monotonic() + 30
    while not srv.started:
        if time.monotonic() > deadline:
            raise SystemExit("uvicorn did not start")
        time.sleep(0.05)
    return srv, f"http://127.0.0.1:{port}"


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--db", default=None)
    ap.add_argument("--postgres", nargs="?", const="start", default=None,
                    help="serve a PostgreSQL copy: a server's maintenance URL, or none to start "
                         "a throwaway server (needs the Debian postgresql package)")
    a = ap.parse_args()
    tmp = tempfile.TemporaryDirectory()
    db = Path(a.db) if a.db else Path(tmp.name) / "bench.duckdb"
    if not db.exists():
        print(f"generating {a.events:,} events ...", file=sys.stderr)
        print(f"generated in {generate(db, events=a.events):.1f} s", file=sys.stderr)
    with ExitStack() as stack:
        target: Path | str = db
        if a.postgres:
            sys.path.insert(0, str(ROOT / "tests"))
            import pg_server

            admin = a.postgres if a.postgres != "start" else \
                stack.enter_context(pg_server.server(durable=True))
            target = pg_server.fresh_database(admin, "fw_bench_api")
            print(f"copied to PostgreSQL in {copy_to_postgres(db, target):.1f} s", file=sys.stderr)
        run(a, target)


def run(a: argparse.Namespace, db: Path | str) -> None:
    srv, base = serve(db)
    times: dict[str, list[float]] = {name: [] for name, _, _ in QUERIES}
    cursor_pages: list[float] = []
    with httpx.Client(base_url=base, timeout=60) as client:
        for rnd in range(a.rounds + 1):
            for name, path, params in QUERIES:
                t0 = time.perf_counter()
                r = client.get(path, params=params)
                dt = (time.perf_counter() - t0) * 1000
                if r.status_code != 200:
                    raise SystemExit(f"{name}: {r.status_code} {r.text[:200]}")
                if rnd:  # round 0 warms caches
                    times[name].append(dt)
        cursor = None
        for _ in range(a.rounds):  # walking pages with the cursor
            t0 = time.perf_counter()
            body = client.get("/events", params={"limit": 100, **({"cursor": cursor}
                                                                   if cursor else {})}).json()
            cursor_pages.append((time.perf_counter() - t0) * 1000)
            cursor = body["next_cursor"]
    srv.should_exit = True
    times["next pages (cursor)"] = cursor_pages
    allq = [t for k, v in times.items() if k not in ("grid, zoom 4 (map)", "timeline, day (map)")
            for t in v]
    print(f"| query ({a.events:,} events, {a.rounds} runs each) | p50 ms | p95 ms |")
    print("|---|---:|---:|")
    for name, vals in times.items():
        print(f"| {name} | {statistics.median(vals):.0f} | {pct(vals, 95):.0f} |")
    print(f"| **all /events queries** | **{statistics.median(allq):.0f}** | "
          f"**{pct(allq, 95):.0f}** |")


if __name__ == "__main__":
    main()
