"""The two stores side by side: DuckDB file vs PostgreSQL server, same results, same queries.

The corpus (``benchmarks/corpus.py``) is run through the pipeline once; the same Results are
then written to a fresh DuckDB file and to a fresh PostgreSQL database the way ``frontwire
ingest`` writes them (one transaction per article, with the near-duplicate index), and read
back with the CLI's and the API's queries. The server is the one in ``--pg URL`` (a database
on it is created and dropped), or a throwaway one started like the tests' (needs the Debian
``postgresql`` package).

    python benchmarks/stores.py --articles 200
    python benchmarks/stores.py --articles 200 --pg postgresql://me@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests"))

from corpus import generate

from frontwire.ingest import read_jsonl
from frontwire.model import Article, Result
from frontwire.pipeline import Pipeline
from frontwire.record import clusters, dedup
from frontwire.store import list_claims, list_events, list_sources, open_store
from frontwire.store.filters import EventFilter, select_events


def best_of(fn: Callable[[], Any], repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


@contextmanager
def server(url: str | None) -> Iterator[str]:
    import pg_server

    if url:
        yield url
        return
    why = pg_server.unavailable()
    if why:
        sys.exit(f"no PostgreSQL server: {why}; pass --pg URL")
    with pg_server.server(durable=True) as started:  # fsync on, as a real server
        yield started


def measure(target: str | Path, results: list[Result]) -> dict[str, float]:
    with open_store(target) as store:
        t0 = time.perf_counter()
        for r in results:
            store.write(r, origin="bench", on_insert=dedup.index_result)
        write = time.perf_counter() - t0
        t_clusters = best_of(lambda: clusters.recompute(store), repeat=2)
        f = EventFilter()
        return {
            "write_articles_per_s": len(results) / write,
            "write_ms_per_article": 1000 * write / len(results),
            "clusters_recompute_s": t_clusters,
            "list_events_ms": 1000 * best_of(lambda: list_events(store)),
            "list_claims_ms": 1000 * best_of(lambda: list_claims(store)),
            "list_sources_ms": 1000 * best_of(lambda: list_sources(store)),
            "api_events_page_ms": 1000 * best_of(lambda: select_events(store, f, limit=100)),
            "get_result_ms": 1000 * best_of(lambda: [store.get_result(r.id) for r in results[:20]])
            / 20,
            "find_duplicate_ms": 1000 * best_of(
                lambda: [dedup.find_duplicate(store, r.text) for r in results[:20]]) / 20,
        }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=200)
    ap.add_argument("--pg", default=None, help="a server's maintenance URL (default: start one)")
    args = ap.parse_args()

    records = generate(args.articles, words=500)
    articles = [a for a in read_jsonl("\n".join(json.dumps(r) for r in records), origin="bench")
                if isinstance(a, Article)]
    results = [r for r in Pipeline().process(articles) if isinstance(r, Result)]
    import pg_server

    with server(args.pg) as admin, tempfile.TemporaryDirectory() as tmp:
        pg = pg_server.fresh_database(admin, "fw_bench_stores")
        try:
            duck = measure(Path(tmp) / "bench.duckdb", results)
            post = measure(pg, results)
        finally:
            pg_server.drop_database(admin, "fw_bench_stores")
    print(f"{len(results)} articles, "
          f"{sum(len(r.events) + len(r.places) + len(r.claims) for r in results)} "
          "places+claims+events")
    print(f"{'measure':26} {'duckdb':>10} {'postgres':>10} {'pg/duck':>8}")
    for key in duck:
        print(f"{key:26} {duck[key]:10.2f} {post[key]:10.2f} {post[key] / duck[key]:8.2f}")


if __name__ == "__main__":
    main()
