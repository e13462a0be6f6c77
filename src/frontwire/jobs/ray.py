"""The Ray Data engine of ``frontwire batch --engine ray``.

Read tasks turn each shard into rows, an actor pool of extractors (one model per actor)
processes them, and the driver gathers every shard's outputs for the one writer (``batch``).
Ray is an extra (``pip install 'frontwire[ray]'``): it is imported only when this engine runs.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any, Self

from ..model import Article, Rejection, Result
from ..pipeline.pool import Extractor
from .shards import SHARD_ERRORS, ShardOutput, failure, read_shard


class RayExtractor(Extractor):
    """An ``Extractor`` that Ray Data's actors call on a batch of rows."""

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        """Ray Data form: columns shard, kind, payload (JSON) in; plus origin and model out.

        A Result does not carry where its article was read from, nor which model made it;
        both travel beside it so the driver writes the same ``origin`` and ``model`` columns
        as the local pool (and never loads a model of its own to learn the name).
        """
        from ..nlp import model_name

        shards, kinds, payloads = (list(batch[c]) for c in ("shard", "kind", "payload"))
        items: list[Article | Rejection] = []
        passed: list[tuple[str, str, str]] = []  # shard failures pass through untouched
        owner: list[str] = []
        for shard, kind, payload in zip(shards, kinds, payloads):
            if kind == "failed":
                passed.append((shard, kind, payload))
                continue
            items.append(_from_row(kind, payload))
            owner.append(shard)
        out: dict[str, list[Any]] = {"shard": [], "kind": [], "payload": [], "origin": [],
                                     "model": []}
        model = model_name(self.pipeline.nlp)
        for shard, item, res in zip(owner, items, self.process(items)):
            out["shard"].append(shard)
            out["kind"].append("result" if isinstance(res, Result) else "rejection")
            out["payload"].append(json.dumps(res.to_dict()))
            out["origin"].append(item.origin)
            out["model"].append(model)
        for shard, kind, payload in passed:
            out["shard"].append(shard)
            out["kind"].append(kind)
            out["payload"].append(payload)
            out["origin"].append(None)
            out["model"].append(None)
        return out


def _from_row(kind: str, payload: str) -> Article | Rejection:
    d = json.loads(payload)
    if kind == "rejection":
        return Rejection(**d)
    published = d.pop("published", None)
    return Article(**d, published=date.fromisoformat(published) if published else None)


def _to_row(shard: str, item: Article | Rejection) -> dict[str, str]:
    kind = "article" if isinstance(item, Article) else "rejection"
    return {"shard": shard, "kind": kind, "payload": json.dumps(item.to_dict())}


def _read_rows(row: dict[str, Any], *, published: str | None) -> list[dict[str, str]]:
    """Ray read task: one shard -> rows; a shard that cannot be read -> one 'failed' row."""
    when = date.fromisoformat(published) if published else None
    try:
        return [_to_row(row["shard"], item) for item in read_shard(row["path"], published=when)]
    except SHARD_ERRORS as exc:
        return [{"shard": row["shard"], "kind": "failed", "payload": failure(exc)}]


class RayEngine:
    """Ray Data: read tasks per shard, an actor pool of extractors, the driver gathers.

    Actors ask for half a CPU each: on a 2-CPU machine a pool claiming every CPU leaves none
    for the read tasks and the job hangs. Outputs are grouped by shard on the driver and
    handed on once the dataset is drained, so an interrupted run writes no shard.
    """

    def __init__(self, *, workers: int, model: str | None) -> None:
        self.workers, self.model = workers, model

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        pass

    def run(self, pending: dict[str, Path], *, published: date | None) -> Iterator[ShardOutput]:
        import ray
        from ray.data import ActorPoolStrategy

        if not ray.is_initialized():
            ray.init(include_dashboard=False, log_to_driver=False,
                     ignore_reinit_error=True)  # RAY_ADDRESS in the environment joins a cluster
        ds = ray.data.from_items([{"shard": k, "path": str(p)} for k, p in pending.items()])
        ds = ds.flat_map(_read_rows, fn_kwargs={"published": published.isoformat()
                                                if published else None})
        ds = ds.map_batches(RayExtractor, fn_constructor_kwargs={"model": self.model},
                            compute=ActorPoolStrategy(size=self.workers), num_cpus=0.5,
                            batch_size=16, batch_format="default")
        by_shard: dict[str, list[Result | Rejection]] = {k: [] for k in pending}
        failed: dict[str, str] = {}
        origins: dict[str, str | None] = {}
        model = None
        for row in ds.iter_rows():
            key, kind, payload = row["shard"], row["kind"], row["payload"]
            if kind == "failed":
                failed[key] = payload
            elif kind == "result":
                res = Result.from_dict(json.loads(payload))
                by_shard[key].append(res)
                origins[res.id] = row.get("origin")
                model = model or row.get("model")
            else:
                by_shard[key].append(Rejection(**json.loads(payload)))
        for key, outs in by_shard.items():  # one origins map for all shards
            if key in failed:
                yield ShardOutput(key, pending[key], error=failed[key])
            else:
                yield ShardOutput(key, pending[key], outs, origins, model)
