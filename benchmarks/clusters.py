"""Event clusters at size: full ``recompute`` vs incremental ``update`` after 10 new articles.

A store is filled with N synthetic events (two per article on average) spread over a
600 x 700 km front and ``--days`` days: 2,000 towns, six ACLED types, ACLED geo precision 1
(town) for most events, 2 (region) for ``--region-share`` and 3 (country) for ``--country-share``
of them, a
few without coordinates (matched by name) or without a date. Rows are inserted directly (no
pipeline, no MinHash index: ``update`` does not need them), then clusters are built once with
``recompute``. Then, 10 times over: 10 new articles like the others, dated in the last week, are
written and clustered with ``update``; the store's clusters are then checked against a full
``recompute`` (same rows), whose time is the baseline.

    python benchmarks/clusters.py --events 20000 100000
    python benchmarks/clusters.py --events 100000 --pg            # throwaway server too
    python benchmarks/clusters.py --events 20000 --pg postgresql://me@127.0.0.1/postgres
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from frontwire.record import clusters
from frontwire.store import open_store

TYPES = [("Explosions/Remote violence", 0.55), ("Battles", 0.25), ("Violence against civilians",
         0.1), ("Strategic developments", 0.05), ("Protests", 0.03), ("Riots", 0.02)]
START = date(2023, 1, 1)


def towns(rng: random.Random, n: int = 2000) -> list[tuple[str, float, float]]:
    return [(f"Town {i}", rng.uniform(46.0, 51.5), rng.uniform(30.0, 40.0)) for i in range(n)]


def article_rows(rng: random.Random, n: int, *, places: list[tuple[str, float, float]],
                 days: int, country_share: float, region_share: float, recent: bool = False
                 ) -> tuple[tuple[Any, ...], list[tuple[Any, ...]]]:
    """One article row and its events (1-3), in the columns of ``articles`` and ``events``."""
    aid = f"a{n:08d}" if not recent else f"new{n:08d}"
    published = START + timedelta(days=(days - rng.randrange(7)) if recent else rng.randrange(days))
    now = datetime.now(UTC).replace(tzinfo=None)
    events = []
    k = rng.choice([1, 1, 2, 2, 3])
    for i in range(k):
        name, lat, lon = rng.choice(places)
        kind = rng.choices([t for t, _ in TYPES], weights=[w for _, w in TYPES])[0]
        day = published - timedelta(days=rng.choice([0, 0, 1, 1, 2, 5]))
        r = rng.random()
        precision: int | None = (3 if r < country_share else
                                 2 if r < country_share + region_share else 1)
        if precision == 3:
            lat, lon, name = 48.38, 31.17, "Ukraine"
        else:
            lat, lon = lat + rng.uniform(-0.03, 0.03), lon + rng.uniform(-0.03, 0.03)
        start: date | None = day
        x = rng.random()
        if x < 0.03:
            lat = lon = precision = None  # a place name the gazetteer did not resolve
        elif x < 0.06:
            start = None  # undated: matched over the week before publication
        events.append((aid, f"e{i + 1}", i, kind, None, "Military Forces of Russia", "RU",
                       "military", None, None, None, name, None, "UA", None, lat, lon, precision,
                       start, start, "day" if start else None, rng.choice([None, 0, 1, 3]),
                       rng.choice(["Ukraine's General Staff", "Russia's defence ministry", None]),
                       None, None, 0.8, None, None, None))
    outlet = rng.choice(["Reuters", "AP", "Kyiv Daily", "TASS", "Ukrainska Pravda"])
    article = (aid, f"https://news.example/{aid}", None, outlet, published, "en",
               f"text of {aid}", None, None, now, 0, 0, 0, 0, 0, len(events))
    return article, events


def insert(store: Any, rows: list[tuple[Any, ...]], table: str) -> None:
    if not rows:
        return
    one = "(" + ", ".join("?" * len(rows[0])) + ")"
    step = max(1, 10_000 // len(rows[0]))
    for i in range(0, len(rows), step):
        chunk = rows[i:i + step]
        store.execute(f"INSERT INTO {table} VALUES " + ", ".join([one] * len(chunk)),
                      [v for row in chunk for v in row])


def fill(store: Any, n_events: int, *, rng: random.Random, places: list[Any], **opts: Any
         ) -> int:
    arts, evs, n = [], [], 0
    while len(evs) < n_events:
        a, e = article_rows(rng, n, places=places, **opts)
        arts.append(a)
        evs += e
        n += 1
    with store.transaction():
        insert(store, arts, "articles")
        insert(store, evs, "events")
    return n


def snapshot(store: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    cols = ", ".join(clusters._COLUMNS)
    return (store.rows(f"SELECT {cols} FROM event_clusters ORDER BY id"),
            store.rows("SELECT * FROM cluster_events ORDER BY article_id, event_id"))


def run(target: str, engine: str, n_events: int, *, rounds: int, **opts: Any) -> dict[str, Any]:
    rng = random.Random(7)
    places = towns(rng)
    with open_store(target) as store:
        n = fill(store, n_events, rng=rng, places=places, **opts)
        t0 = time.perf_counter()
        s = clusters.recompute(store)
        first = time.perf_counter() - t0
        sizes = sorted((r["n_events"] for r in store.rows(
            "SELECT n_events FROM event_clusters")), reverse=True)
        inc, full, relinked, same = [], [], [], True
        for _ in range(rounds):
            new = [article_rows(rng, n + i, places=places, recent=True, **opts)
                   for i in range(10)]
            n += 10
            with store.transaction():
                insert(store, [a for a, _ in new], "articles")
                insert(store, [e for _, es in new for e in es], "events")
            t0 = time.perf_counter()
            u = clusters.update(store, [a[0] for a, _ in new])
            inc.append(time.perf_counter() - t0)
            relinked.append(u.events)
            got = snapshot(store)
            t0 = time.perf_counter()
            clusters.recompute(store)
            full.append(time.perf_counter() - t0)
            same = same and got == snapshot(store)
    return {
        "engine": engine, "region_share": opts["region_share"],
        "country_share": opts["country_share"], "events": s.events, "clusters": s.clusters,
        "largest_cluster": sizes[0] if sizes else 0, "first_recompute_s": round(first, 2),
        "recompute_s": round(statistics.median(full), 3),
        "update_10_articles_s": round(statistics.median(inc), 4),
        "update_max_s": round(max(inc), 4),
        "events_relinked_median": int(statistics.median(relinked)),
        "ratio": round(statistics.median(full) / statistics.median(inc), 1),
        "same_as_recompute": same,
    }


@contextmanager
def pg_database(url: str | None) -> Iterator[str]:
    import pg_server

    if url:
        admin = url
        cm = None
    else:
        why = pg_server.unavailable()
        if why:
            sys.exit(f"no PostgreSQL server: {why}; pass --pg URL")
        cm = pg_server.server()
        admin = cm.__enter__()
    try:
        name = "fw_bench_clusters"
        yield pg_server.fresh_database(admin, name)
        pg_server.drop_database(admin, name)
    finally:
        if cm is not None:
            cm.__exit__(None, None, None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, nargs="+", default=[20_000, 100_000])
    ap.add_argument("--rounds", type=int, default=5, help="updates of 10 articles per size")
    ap.add_argument("--days", type=int, default=730, help="days the archive spans")
    ap.add_argument("--region-share", type=float, default=0.02,
                    help="share of events located only to a region (precision 2, 100 km)")
    ap.add_argument("--country-share", type=float, default=0.0,
                    help="share of events located only to the country (precision 3, 600 km)")
    ap.add_argument("--pg", nargs="?", const="", default=None,
                    help="also on PostgreSQL: a server URL, or none for a throwaway server")
    ap.add_argument("--no-duckdb", action="store_true")
    args = ap.parse_args()
    opts = {"rounds": args.rounds, "days": args.days, "country_share": args.country_share,
            "region_share": args.region_share}
    for n in args.events:
        if not args.no_duckdb:
            with tempfile.TemporaryDirectory() as tmp:
                print(json.dumps(run(str(Path(tmp) / "c.duckdb"), "duckdb", n, **opts)),
                      flush=True)
        if args.pg is not None:
            with pg_database(args.pg or None) as url:
                print(json.dumps(run(url, "postgres", n, **opts)), flush=True)


if __name__ == "__main__":
    main()
