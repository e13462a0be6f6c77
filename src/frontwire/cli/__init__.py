"""The ``frontwire`` command: parses arguments, calls the library, prints.

Errors a user can fix are printed as one line naming the file (and line) and the fix; no
traceback unless ``--debug``. Exit codes: 0 success (some inputs may have been rejected),
1 nothing could be processed, an error, or a systemic failure that stopped the run
(``SystemicFailure``), 2 usage error.

Owns every command (``common``, ``record``, ``scale``, ``gazetteer``, ``render`` for tables),
thin over the library. May import anything; nothing imports the CLI.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from ..errors import FrontwireError
from ..model import Rejection, Result
from . import render
from .common import ISO_DATE, _fail, friendly, model_option, published_option
from .record import country_options

KIND_CHOICES = render.RESULT_KINDS




def _kinds(value: str | None) -> list[str]:
    if not value:
        return list(KIND_CHOICES[:4])
    kinds = [k.strip() for k in value.split(",") if k.strip()]
    bad = [k for k in kinds if k not in KIND_CHOICES]
    if bad:
        raise click.BadParameter(f"unknown kind(s) {', '.join(bad)}; choose from "
                                 f"{', '.join(KIND_CHOICES)}", param_hint="--only")
    return kinds


def _pipeline(model: str | None) -> Any:
    from ..pipeline import Pipeline

    return Pipeline(model=model)


def _report_rejection(rej: Rejection) -> None:
    click.echo(f"frontwire: skipped {rej.origin}: {rej.message} [{rej.code}]", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show tracebacks for errors.")
@click.version_option(package_name="frontwire")
def main(debug: bool) -> None:
    """frontwire: war and conflict reporting in, a traceable event record out.

    \b
    Examples:
      frontwire demo
      frontwire extract article.txt --published 2023-01-04 --format table
      frontwire ingest articles/ --db news.duckdb
      frontwire events --db news.duckdb --since 2023-01-01
    """




@main.command()
@click.argument("paths", nargs=-1, required=True)
@published_option
@click.option("--format", "fmt", type=click.Choice(["json", "jsonl", "table"]), default="json",
              show_default=True, help="Output format.")
@click.option("--only", default=None, metavar="KINDS",
              help=f"Comma-separated kinds to show ({', '.join(KIND_CHOICES)}).")
@model_option
@friendly
def extract(paths: tuple[str, ...], published: date | None, fmt: str, only: str | None,
            model: str | None) -> None:
    """Extract places, times, claims and events from articles; print them, store nothing.

    PATHS are .txt, .html or .jsonl files, folders (read recursively), or - for stdin.

    \b
    Examples:
      frontwire extract article.txt --published 2023-01-04
      frontwire extract article.txt --published 2023-01-04 --format table --only places,times
      curl -s https://example.org/story | frontwire extract - --format table
    """
    from ..ingest import read_inputs

    kinds = _kinds(only)
    pipe = _pipeline(model)
    results: list[Result] = []
    processed = rejected = 0
    for out in pipe.process(read_inputs(paths, published=published,
                                        max_bytes=pipe.settings.max_bytes)):
        if isinstance(out, Rejection):
            rejected += 1
            _report_rejection(out)
            continue
        processed += 1
        if fmt == "table":
            click.echo(render.result_tables(out, kinds))
        elif fmt == "jsonl":
            click.echo(render.to_json(_limit(out.to_dict(), only, kinds), indent=None))
        else:
            results.append(out)
    if fmt == "json" and results:
        dicts = [_limit(r.to_dict(), only, kinds) for r in results]
        click.echo(render.to_json(dicts[0] if len(dicts) == 1 else dicts))
    if processed == 0 and rejected:
        sys.exit(1)


def _count_inputs(paths: tuple[str, ...]) -> int:
    from ..ingest import expand_paths

    return sum(1 for _ in expand_paths(paths))


def _limit(d: dict[str, Any], only: str | None, kinds: list[str]) -> dict[str, Any]:
    if not only:
        return d
    listed = {"removed", "entities", "places", "times", "claims", "events"}
    return {k: v for k, v in d.items() if k not in listed or k in kinds}


@main.command()
@click.argument("paths", nargs=-1, required=True)
@click.option("--db", default=None, metavar="FILE|URL",
              help="DuckDB file or postgresql:// URL (default: frontwire.duckdb).")
@published_option
@click.option("--force", is_flag=True, help="Re-process and replace articles already stored.")
@click.option("--workers", type=click.IntRange(1), default=None,
              help="Worker processes, each with its own model (default: CPU count).")
@model_option
@friendly
def ingest(paths: tuple[str, ...], db: str | None, published: date | None, force: bool,
           workers: int | None, model: str | None) -> None:
    """Process articles and store them; re-ingesting the same article is a no-op.

    With --workers, a worker process that dies (killed, out of memory) fails only its batch:
    the batches it took down are run again one at a time, and a batch whose worker dies
    again has its articles rejected; the run goes on (exit 0 if anything was stored).
    A systemic failure stops the run with one error line and exit 1, keeping what was
    stored: out of memory, the model failing mid-run, the first 5 articles failing in one
    stage with the same error, or workers dying on 3 batches in a row.

    \b
    Examples:
      frontwire ingest articles/ --db news.duckdb
      frontwire ingest feed.jsonl --published 2023-01-04
      cat story.txt | frontwire ingest - --db news.duckdb
    """
    from .. import jobs
    from ..pipeline.pool import LocalPool, default_workers
    from ..store import describe, open_store

    pipe = _pipeline(model)
    db = db or pipe.settings.db
    # One writer (this process) and a pool of extracting workers (frontwire.pipeline.pool).
    with open_store(db) as store, LocalPool(pipe, workers=workers or default_workers()) as pool:
        total = _count_inputs(paths)
        show_bar = total > 1 and sys.stderr.isatty()
        bar = click.progressbar(length=total, label="ingesting", file=sys.stderr) if show_bar else None

        def on_item(item: Any) -> None:
            if isinstance(item, Rejection):
                if bar is not None:
                    click.echo("", err=True)
                _report_rejection(item)
            if bar is not None:
                bar.update(1)

        try:
            summary = jobs.ingest(paths, store=store, pipeline=pool, published=published,
                                  force=force, on_item=on_item)
        finally:
            if bar is not None:
                bar.render_finish()
    click.echo(f"stored {summary.stored} new article(s), {summary.already} already present, "
               f"{len(summary.rejected)} rejected -> {describe(db)}", err=True)
    if summary.processed == 0 and summary.rejected:
        sys.exit(1)


def _reader_output(rows: list[dict[str, Any]], fmt: str, columns: list[str] | None = None) -> None:
    if fmt == "json":
        click.echo(render.to_json(rows))
    elif fmt == "csv":
        click.echo(render.to_csv(rows), nl=False)
    else:
        click.echo(render.table(rows, columns))


db_option = click.option("--db", default=None, metavar="FILE|URL",
                         help="DuckDB file or postgresql:// URL (default: frontwire.duckdb).")
reader_format = click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]),
                             default="table", show_default=True)
limit_option = click.option("--limit", type=click.IntRange(1), default=1000, show_default=True)


def _open_read(db: str | None) -> Any:
    from ..config import load_settings
    from ..store import open_store

    return open_store(db or load_settings().db, read_only=True)


@main.command()
@db_option
@click.option("--type", "event_type", default=None, help="Event type, e.g. Battles.")
@country_options
@click.option("--since", type=ISO_DATE, default=None, help="Events ending on or after this date.")
@click.option("--until", type=ISO_DATE, default=None, help="Events starting on or before it.")
@click.option("--article", default=None, help="Only this article id.")
@reader_format
@limit_option
@friendly
def events(db: str | None, event_type: str | None, country: str | None,
           actor_country: str | None, since: date | None, until: date | None,
           article: str | None, fmt: str, limit: int) -> None:
    """List stored events (the filters mean what they mean in 'export' and GET /events).

    \b
    Examples:
      frontwire events --db news.duckdb --type Battles --since 2023-01-01
      frontwire events --country UA --format csv > events.csv
      frontwire events --actor-country RU --country UA
    """
    from ..errors import BadQuery
    from ..store import list_events

    with _open_read(db) as store:
        try:
            rows = list_events(store, event_type=event_type, country=country,
                               actor_country=actor_country, since=since, until=until,
                               article=article, limit=limit)
        except BadQuery as exc:  # a usage error, as in 'export'
            raise click.BadParameter(exc.message) from exc
    _reader_output(rows, fmt, None if fmt != "table" else [
        "date_start", "date_end", "event_type", "sub_event_type", "actor1_name", "actor2_name",
        "location_name", "country", "fatalities", "claimed_by", "confidence", "evidence"])


@main.command()
@db_option
@click.option("--country", default=None, help="ISO country code, e.g. UA.")
@click.option("--name", default=None, help="Place name or mention.")
@click.option("--article", default=None, help="Only this article id.")
@click.option("--unresolved", is_flag=True, help="Only mentions left unresolved.")
@reader_format
@limit_option
@friendly
def places(db: str | None, country: str | None, name: str | None, article: str | None,
           unresolved: bool, fmt: str, limit: int) -> None:
    """List stored place mentions and where they were resolved.

    \b
    Examples:
      frontwire places --db news.duckdb --country UA
      frontwire places --unresolved --format csv
    """
    from ..store import list_places

    with _open_read(db) as store:
        rows = list_places(store, country=country, name=name, article=article,
                           resolved=False if unresolved else None, limit=limit)
    _reader_output(rows, fmt, None if fmt != "table" else [
        "article_id", "text", "name", "feature", "admin1", "country", "lat", "lon", "score"])


@main.command()
@db_option
@click.option("--speaker", default=None, help="Speaker name (substring, any case).")
@click.option("--channel", default=None, help="Telegram, Facebook, TV, statement, ...")
@click.option("--since", type=ISO_DATE, default=None)
@click.option("--article", default=None, help="Only this article id.")
@reader_format
@limit_option
@friendly
def claims(db: str | None, speaker: str | None, channel: str | None, since: date | None,
           article: str | None, fmt: str, limit: int) -> None:
    """List stored claims: who says what, through which channel.

    \b
    Examples:
      frontwire claims --db news.duckdb --speaker Malyar
      frontwire claims --channel Telegram --since 2023-01-01 --format json
    """
    from ..store import list_claims

    with _open_read(db) as store:
        rows = list_claims(store, speaker=speaker, channel=channel, since=since, article=article,
                           limit=limit)
    _reader_output(rows, fmt, None if fmt != "table" else [
        "date_start", "speaker", "speaker_type", "cue", "channel", "direct", "text"])


@main.command()
@db_option
@click.option("--since", type=ISO_DATE, default=None, help="Only claims made since this date.")
@reader_format
@limit_option
@friendly
def sources(db: str | None, since: date | None, fmt: str, limit: int) -> None:
    """Summarize who claims what: claims per speaker, channels, places their claims name.

    \b
    Examples:
      frontwire sources --db news.duckdb
      frontwire sources --since 2023-01-01 --format csv
    """
    from ..store import list_sources

    with _open_read(db) as store:
        rows = list_sources(store, since=since, limit=limit)
    _reader_output(rows, fmt)


@main.command()
@db_option
@click.option("--source", default=None, help="Source (site name).")
@click.option("--since", type=ISO_DATE, default=None)
@click.option("--until", type=ISO_DATE, default=None)
@click.option("--search", default=None, help="Text that the article or title contains.")
@click.option("--id", "article_id", default=None,
              help="Print this article's full record (JSON output contract).")
@reader_format
@limit_option
@friendly
def articles(db: str | None, source: str | None, since: date | None, until: date | None,
             search: str | None, article_id: str | None, fmt: str, limit: int) -> None:
    """List stored articles, or print one article's full record with --id.

    \b
    Examples:
      frontwire articles --db news.duckdb --since 2023-01-01
      frontwire articles --id 3f2a9c1d0b7e4a55 > record.json
    """
    from ..store import list_articles

    with _open_read(db) as store:
        if article_id:
            result = store.get_result(article_id)
            if result is None:
                _fail(f"no article with id {article_id!r} in {store.path}")
            assert result is not None  # for the type checker; _fail exits
            click.echo(render.to_json(result.to_dict()))
            return
        rows = list_articles(store, source=source, since=since, until=until, search=search,
                             limit=limit)
    _reader_output(rows, fmt)


@main.command()
@click.option("--db", default="frontwire-demo.duckdb", show_default=True, metavar="FILE",
              help="DuckDB file to create or update.")
@model_option
@friendly
def demo(db: str, model: str | None) -> None:
    """Process the bundled sample articles into a DuckDB file and print the record.

    \b
    Example:
      frontwire demo && frontwire events --db frontwire-demo.duckdb
    """
    from .. import jobs
    from ..store import open_store

    pipe = _pipeline(model)
    samples = jobs.sample_dir()
    with open_store(db) as store:
        summary = jobs.ingest([str(samples)], store=store, pipeline=pipe)
        for rej in summary.rejected:
            _report_rejection(rej)
        for article_id in summary.ids:
            result = store.get_result(article_id)
            if result is not None:
                click.echo(render.result_tables(result, ["places", "times", "claims", "events"]))
    where = Path(db).resolve()
    click.echo(f"{summary.stored} new, {summary.already} already stored; database: {where}")
    click.echo(f"next: frontwire events --db {db}   |   frontwire places --db {db}")


@main.command(name="eval")
@click.argument("gold", nargs=-1, required=True, type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@click.option("--floors", type=click.Path(exists=True, dir_okay=False), default=None,
              help="YAML file of minimum scores (kind: {metric: value}); exit 1 if any is missed.")
@click.option("--verbose", "-v", is_flag=True, help="List misses and wrong items.")
@model_option
@friendly
def eval_(gold: tuple[str, ...], as_json: bool, floors: str | None, verbose: bool,
          model: str | None) -> None:
    """Score the pipeline against gold files (format frontwire-gold/1).

    Each gold file names its article (next to it); prints precision, recall, F1 and attribute
    accuracies per kind: clean, places, times, events, claims.

    \b
    Examples:
      frontwire eval ../shared/examples/bakhmut-2023-01-04.gold.json
      frontwire eval eval/events/*.gold.json --floors eval/events/floors.yaml
    """
    from ..evaluation import evaluate

    report = evaluate(list(gold), pipeline=_pipeline(model))
    if as_json:
        click.echo(render.to_json(report.to_dict()))
    else:
        rows = []
        for kind, sc in report.totals.items():
            attrs = ", ".join(f"{k} {r}/{t}" for k, (r, t) in sorted(sc.attributes.items()))
            rows.append({"kind": kind, "precision": sc.precision, "recall": sc.recall,
                         "f1": sc.f1, "matched": f"{sc.matched}/{sc.required}",
                         "attributes": attrs})
        click.echo(f"{len(report.files)} gold file(s)")
        click.echo(render.table(rows, width=120))
        if verbose:
            for kind, sc in report.totals.items():
                for label, items in (("missed", sc.misses), ("wrong", sc.wrong),
                                     ("extra", sc.extra)):
                    for item in items:
                        click.echo(f"  {kind} {label}: {item}")
    if floors:
        failures = check_floors(report, floors)
        for f in failures:
            click.echo(f"frontwire: below floor: {f}", err=True)
        if failures:
            sys.exit(1)


def check_floors(report: Any, path: str) -> list[str]:
    """Compare a report with a floors file; return the misses (empty when all floors hold)."""
    import yaml

    spec = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    failures = []
    for kind, metrics in spec.items():
        sc = report.totals.get(kind)
        if sc is None:
            raise FrontwireError(f"unknown kind {kind!r} in floors file", origin=path)
        for metric, floor in (metrics or {}).items():
            if metric in ("precision", "recall", "f1"):
                value = getattr(sc, metric)
            else:
                right, total = sc.attributes.get(metric, [0, 0])
                value = right / total if total else 0.0
            if value + 1e-9 < float(floor):
                failures.append(f"{kind} {metric} {value:.3f} < {float(floor):.3f}")
    return failures


from .gazetteer import gazetteer as _gazetteer
from .record import register as _register_record
from .scale import register as _register_scale

_register_record(main)
_register_scale(main)
main.add_command(_gazetteer)
