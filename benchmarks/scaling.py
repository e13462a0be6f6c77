"""Scaling: the local worker pool at 1 and 2 workers, and the local pool vs Ray Data.

Same generated corpus (``benchmarks/corpus.py``, the project's own sample articles recombined
into ~500-word articles) for every run. Pool runs are timed after the workers have loaded
their models (a warm-up batch per worker), so the numbers are steady-state throughput;
the start-up cost is reported apart. The Ray comparison runs ``frontwire batch`` end to end
(read shards, extract, write Parquet) with both engines on the same shards, Ray's own start
excluded. Ray is optional: that part is skipped when it is not installed.

    python benchmarks/scaling.py --articles 120 [--ray]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from corpus import generate, write_jsonl

from frontwire.ingest import read_jsonl
from frontwire.jobs.batch import run_batch
from frontwire.model import Article
from frontwire.pipeline import Pipeline
from frontwire.pipeline.pool import LocalPool


def pool_rate(articles: list[Article], *, workers: int, pipe: Pipeline) -> dict[str, float]:
    t0 = time.perf_counter()
    with LocalPool(pipe, workers=workers, chunk=8) as pool:
        if workers > 1:  # start the workers and let each load its model
            list(pool.process(articles[: 8 * workers * 2]))
        startup = time.perf_counter() - t0
        t1 = time.perf_counter()
        n = sum(1 for _ in pool.process(articles))
        dt = time.perf_counter() - t1
    return {"workers": workers, "seconds": round(dt, 2), "articles_s": round(n / dt, 2),
            "startup_s": round(startup, 1)}


def batch_rate(shards: list[str], *, engine: str, workers: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        s = run_batch(shards, out=out, engine=engine, workers=workers, retries=0)
        dt = time.perf_counter() - t0
    return {"engine": engine, "workers": workers, "seconds": round(dt, 1),
            "articles": s.articles, "articles_s": round(s.articles / dt, 2)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--articles", type=int, default=120)
    ap.add_argument("--shards", type=int, default=4)
    ap.add_argument("--ray", action="store_true", help="also compare with Ray Data")
    args = ap.parse_args()
    records = generate(args.articles)
    text = "\n".join(json.dumps(r) for r in records)
    articles = [a for a in read_jsonl(text, origin="bench") if isinstance(a, Article)]
    pipe = Pipeline()
    list(pipe.process(articles[:4]))
    report: dict[str, Any] = {"articles": len(articles)}
    one = pool_rate(articles, workers=1, pipe=pipe)
    two = pool_rate(articles, workers=2, pipe=pipe)
    report["pool"] = [one, two]
    report["speedup_1_to_2"] = round(two["articles_s"] / one["articles_s"], 2)
    report["efficiency_1_to_2"] = round(two["articles_s"] / one["articles_s"] / 2, 2)
    if args.ray:
        import ray

        with tempfile.TemporaryDirectory() as tmp:
            per = -(-len(records) // args.shards)
            shards = []
            for i in range(args.shards):
                p = Path(tmp) / f"shard-{i}.jsonl"
                write_jsonl(p, records[i * per:(i + 1) * per])
                shards.append(str(p))
            report["batch_local"] = batch_rate(shards, engine="local", workers=2)
            ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
            try:
                report["batch_ray"] = batch_rate(shards, engine="ray", workers=2)
            finally:
                ray.shutdown()
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
