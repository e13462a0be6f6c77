"""Commands of the scale layer: ``frontwire batch`` and ``frontwire load``.

Registered on the main group by ``register(main)`` (see the end of ``cli.py``); thin wrappers
over ``frontwire.jobs.batch``.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from .common import ISO_DATE, friendly, model_option


@click.command(name="batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", required=True, metavar="DIR",
              help="Folder of Parquet partitions (created; finished shards are skipped).")
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="local: a process pool here; ray: Ray Data (RAY_ADDRESS joins a cluster).")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="Worker processes or Ray actors, each with one model (default: CPU count).")
@click.option("--retries", type=click.IntRange(0), default=1, show_default=True,
              help="How often a failed shard is tried again before it is reported.")
@click.option("--published", type=ISO_DATE, default=None,
              help="Publication date for inputs that carry none.")
@model_option
@friendly
def batch_cmd(inputs: tuple[str, ...], out: str, engine: str, workers: int | None, retries: int,
              published: date | None, model: str | None) -> None:
    """Process JSON Lines, Parquet or WARC shards into Parquet partitions.

    Each input file is a shard; a folder stands for the shards in it. Writes the tables
    articles, places, times, claims, events and rejections under DIR/<table>/shard=<key>/.
    Import them with 'frontwire load'.

    \b
    Examples:
      frontwire batch shards/ --out parts/
      frontwire batch crawl/*.warc.gz --out parts/ --engine ray --workers 8
      frontwire load parts/ --db news.duckdb
    """
    from ..jobs.batch import run_batch

    if engine == "ray":
        try:
            import ray  # noqa: F401
        except ImportError:
            raise click.UsageError("--engine ray needs Ray: pip install 'frontwire[ray]'") from None

    def on_shard(path: str, status: str, detail: str) -> None:
        click.echo(f"frontwire: {status} {path}: {detail}", err=True)

    summary = run_batch(inputs, out=out, engine=engine, workers=workers, model=model,
                        published=published, retries=retries, on_shard=on_shard)
    click.echo(f"{len(summary.done)} shard(s) done ({summary.articles} article(s), "
               f"{summary.rejected} rejected), {len(summary.skipped)} already done, "
               f"{len(summary.failed)} failed -> {Path(out).resolve()}", err=True)
    if summary.failed:
        sys.exit(1)


@click.command(name="load")
@click.argument("directory", type=click.Path(exists=True, file_okay=False))
@click.option("--db", default=None, metavar="FILE|URL",
              help="DuckDB file or postgresql:// URL (default: frontwire.duckdb).")
@friendly
def load_cmd(directory: str, db: str | None) -> None:
    """Import the Parquet partitions written by 'frontwire batch' into a database.

    Articles already stored are skipped, so loading twice is a no-op.

    \b
    Example:
      frontwire load parts/ --db news.duckdb
    """
    from ..config import load_settings
    from ..jobs.batch import load
    from ..store import describe, open_store

    db = db or load_settings().db
    with open_store(db) as store:
        summary = load(directory, store=store)
    click.echo(f"loaded {summary.stored} new article(s), {summary.already} already present "
               f"-> {describe(db)}", err=True)


class Interval(click.ParamType):
    name = "INTERVAL"

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> float:
        from ..jobs.feeds import parse_every

        if isinstance(value, float):
            return value
        try:
            return parse_every(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


@click.command(name="watch")
@click.argument("feeds", type=click.Path(exists=True, dir_okay=False))
@click.option("--db", default=None, metavar="FILE|URL",
              help="DuckDB file or postgresql:// URL (default: frontwire.duckdb).")
@click.option("--every", type=Interval(), default="15m", show_default=True,
              help="Time between polls: 30s, 15m, 2h.")
@click.option("--once", is_flag=True, help="Poll once and exit (for cron).")
@click.option("--timeout", type=float, default=20.0, show_default=True,
              help="Seconds to wait for one response.")
@click.option("--host-interval", type=float, default=2.0, show_default=True,
              help="Seconds between two requests to the same host.")
@model_option
@friendly
def watch_cmd(feeds: str, db: str | None, every: float, once: bool, timeout: float,
              host_interval: float, model: str | None) -> None:
    """Poll RSS/Atom feeds and ingest the new articles they link to.

    FEEDS is a text file of feed URLs, one a line ('#' starts a comment). Pages are fetched
    politely: robots.txt obeyed (wildcards too), one request per host every --host-interval
    seconds or its robots.txt Crawl-delay if longer, none before a Retry-After (429/503) has
    passed, retries with backoff, conditional requests for unchanged feeds. A host whose next
    turn is over 60 s away is left to a later poll.

    A link is remembered only once its article is stored or refused for good (4xx, robots.txt,
    not an article); one that fails for now (5xx, timeout, busy database) is fetched again at
    the next polls, at most 5. <db>.feeds.json keeps the links listed or
    settled in the last 30 days, at most 50,000. A systemic failure (see ingest) stops watch
    with exit 1 and leaves the state of that poll unsaved.

    \b
    Examples:
      frontwire watch feeds.txt --db news.duckdb --every 15m
      frontwire watch feeds.txt --db news.duckdb --once
    """
    import time

    from ..jobs.feeds import Fetcher, load_state, poll, read_feed_list, save_state
    from ..pipeline import Pipeline
    from ..store import describe, open_store

    urls = read_feed_list(feeds)
    if not urls:
        raise click.UsageError(f"{feeds} lists no feed URLs")
    pipe = Pipeline(model=model)
    db = db or pipe.settings.db
    fetcher = Fetcher(timeout=timeout, min_interval=host_interval)
    try:
        while True:
            state = load_state(db)
            with open_store(db) as store:
                s = poll(urls, store=store, pipeline=pipe, fetcher=fetcher, state=state)
            save_state(db, state)
            for p in s.problems:
                click.echo(f"frontwire: skipped {p.origin}: {p.message} [{p.code}]", err=True)
            click.echo(f"polled {s.feeds} feed(s) ({s.unchanged} unchanged), fetched "
                       f"{s.pages} page(s), stored {s.stored} new article(s), "
                       f"{len(s.problems)} problem(s) -> {describe(db)}", err=True)
            if once:
                break
            time.sleep(every)
    finally:
        fetcher.close()


def register(main: click.Group) -> None:
    """Add the scale commands to the ``frontwire`` group."""
    main.add_command(batch_cmd)
    main.add_command(load_cmd)
    main.add_command(watch_cmd)
