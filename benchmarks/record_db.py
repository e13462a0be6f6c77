"""Generate a large synthetic frontwire database in bulk with DuckDB SQL (for the API benchmarks).

Events are spread over 40 towns in Ukraine, the Middle East, Sudan and the Sahel over 2022-2024,
10 events per article, one evidence span each, every event in a singleton cluster. Generated
in a few INSERT ... SELECT statements: a million events take seconds, not hours.

    python benchmarks/record_db.py OUT.duckdb --events 1000000
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from frontwire.store import open_store

TYPES = ["Battles", "Explosions/Remote violence", "Violence against civilians", "Protests",
         "Riots", "Strategic developments"]
SUBTYPES = ["Armed clash", "Shelling/artillery/missile attack", "Attack", "Peaceful protest",
            "Mob violence", "Looting/property destruction"]


def generate(path: str | Path, *, events: int, per_article: int = 10, seed: int = 7) -> float:
    """Create ``path`` with ``events`` events; return the seconds it took."""
    t0 = time.perf_counter()
    rnd = random.Random(seed)
    towns = [(f"Town {i}", rnd.uniform(44, 52), rnd.uniform(22, 40), "UA") for i in range(20)]
    towns += [(f"City {i}", rnd.uniform(29, 37), rnd.uniform(34, 45), "SY") for i in range(10)]
    towns += [(f"Place {i}", rnd.uniform(10, 18), rnd.uniform(-5, 35), "SD") for i in range(10)]
    n_articles = max(1, events // per_article)
    with open_store(path) as store, store.hold() as con:
        con.execute("CREATE TEMP TABLE towns (t INTEGER, name VARCHAR, lat DOUBLE, lon DOUBLE, "
                    "country VARCHAR)")
        con.executemany("INSERT INTO towns VALUES (?, ?, ?, ?, ?)",
                        [(i, *t) for i, t in enumerate(towns)])
        con.execute("CREATE TEMP TABLE kinds (k INTEGER, event_type VARCHAR, sub VARCHAR)")
        con.executemany("INSERT INTO kinds VALUES (?, ?, ?)",
                        [(i, t, s) for i, (t, s) in enumerate(zip(TYPES, SUBTYPES))])
        con.execute(
            "INSERT INTO articles SELECT printf('a%015d', i), 'https://news.example/' || i, "
            "'Report ' || i, 'Outlet ' || (i % 50), DATE '2022-01-01' + CAST(i % 1000 AS INTEGER), "
            "'en', 'Report ' || i || ': shelling hit the town; officials said troops fought near "
            "the river and civilians were evacuated.', NULL, 'bench', now()::TIMESTAMP, "
            f"0, 0, 0, 0, 0, {per_article} FROM range(?) t(i)", [n_articles])
        con.execute(
            "INSERT INTO events SELECT printf('a%015d', i // ?), 'e' || (i % ?), i % ?, "
            "k.event_type, k.sub, 'Military Forces of Russia', 'RU', 'military', "
            "CASE WHEN i % 3 = 0 THEN 'Civilians' END, CASE WHEN i % 3 = 0 THEN 'UA' END, "
            "CASE WHEN i % 3 = 0 THEN 'civilians' END, tw.name, NULL, tw.country, NULL, "
            "tw.lat + ((i * 7919) % 1000) / 5000.0, tw.lon + ((i * 104729) % 1000) / 5000.0, 1, "
            "DATE '2022-01-01' + CAST((i // ?) % 1000 AS INTEGER), "
            "DATE '2022-01-01' + CAST((i // ?) % 1000 AS INTEGER), 'day', i % 7, "
            "'regional governor', NULL, 'statement', 0.7, NULL, NULL, NULL "
            "FROM range(?) t(i) JOIN towns tw ON tw.t = (i * 31) % 40 "
            "JOIN kinds k ON k.k = (i * 17) % 6",
            [per_article, per_article, per_article, per_article, per_article,
             n_articles * per_article])
        con.execute("INSERT INTO evidence SELECT article_id, id, 0, 'shelling hit the town', "
                    "length('Report ') + 5, length('Report ') + 26 FROM events")
        con.execute("INSERT INTO event_clusters SELECT 'k' || article_id || id, event_type, "
                    "sub_event_type, location_name, country, lat, lon, geo_precision, date_start, "
                    "date_end, 1, 1, 1, ['Outlet'], '{}', '{}', fatalities, fatalities, "
                    "now()::TIMESTAMP FROM events")
        con.execute("INSERT INTO cluster_events SELECT 'k' || article_id || id, article_id, id "
                    "FROM events")
        con.execute("CHECKPOINT")
    return time.perf_counter() - t0


def copy_to_postgres(path: str | Path, url: str, *, chunk: int = 50_000) -> float:
    """Copy a generated DuckDB database into a PostgreSQL database (COPY, chunk by chunk).

    The frontwire tables are created (migrated) on ``url`` first, so the server has the same
    schema, indexes and migrations as one ``frontwire ingest`` would make.
    """
    import psycopg

    t0 = time.perf_counter()
    open_store(url).close()
    tables = ["articles", "events", "evidence", "event_clusters", "cluster_events"]
    with open_store(path, read_only=True) as src, src.hold() as src_con, \
            psycopg.connect(url) as dst:
        for table in tables:
            cols = [r["column_name"] for r in src.rows(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position", [table])]
            quoted = ", ".join(f'"{c}"' for c in cols)
            cur = src_con.execute(f"SELECT {quoted} FROM {table}")
            with dst.cursor() as out, out.copy(f"COPY {table} ({quoted}) FROM STDIN") as cp:
                while rows := cur.fetchmany(chunk):
                    for row in rows:
                        cp.write_row(row)
        dst.execute("ANALYZE")
    return time.perf_counter() - t0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--events", type=int, default=1_000_000)
    a = ap.parse_args()
    if Path(a.out).exists():
        sys.exit(f"{a.out} exists; remove it first")
    print(f"generated {a.events:,} events in {generate(a.out, events=a.events):.1f} s -> {a.out}")
