"""``frontwire export``, ``serve`` and ``clusters``: the record layer's commands.

Thin wrappers over ``frontwire.export``, ``frontwire.api`` and ``frontwire.clusters``;
``register(main)`` adds them to the ``frontwire`` group. ``country_options`` are the
``--country``/``--actor-country`` options that ``export`` and ``events`` share.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Any

import click

from .common import ISO_DATE, _fail, friendly


def _floats(value: str | None, n: int, name: str) -> tuple[float, ...] | None:
    if value is None:
        return None
    try:
        nums = tuple(float(x) for x in value.split(","))
    except ValueError:
        nums = ()
    if len(nums) != n:
        raise click.BadParameter(f"expected {n} comma-separated numbers", param_hint=name)
    return nums


def country_options(func: Any) -> Any:
    """``--country`` and ``--actor-country`` for ``events`` and ``export``: one meaning each.

    They become ``EventFilter.country`` and ``EventFilter.actor_country`` (see its docstring).
    """
    func = click.option("--actor-country", default=None, metavar="CC",
                        help="Either actor's country (ISO alpha-2): actor1 or actor2.")(func)
    return click.option("--country", default=None, metavar="CC",
                        help="Where the event happened (ISO alpha-2), as ACLED's country; "
                             "an actor's country does not count (see --actor-country).")(func)


@click.command()
@click.option("--db", required=True, metavar="FILE|URL",
              help="DuckDB file or postgresql:// URL to read.")
@click.option("--format", "fmt", required=True,
              type=click.Choice(["acled-csv", "csv", "json", "geojson", "parquet"]),
              help="acled-csv: ACLED's columns and conventions; csv/json/geojson/parquet: "
                   "frontwire's fields with cluster ids.")
@click.option("-o", "--output", default="-", metavar="FILE",
              help="Where to write (default: stdout; parquet needs a file).")
@click.option("--since", type=ISO_DATE, default=None, help="Events ending on or after this date.")
@click.option("--until", type=ISO_DATE, default=None, help="Events starting on or before it.")
@click.option("--type", "event_type", default=None, help="ACLED event type, e.g. Battles.")
@click.option("--sub-type", default=None, help="ACLED sub-event type.")
@country_options
@click.option("--bbox", default=None, metavar="W,S,E,N", help="Bounding box in degrees.")
@click.option("--search", "q", default=None, help="Text in evidence, place, actor or claimant.")
@friendly
def export(db: str, fmt: str, output: str, since: date | None, until: date | None,
           event_type: str | None, sub_type: str | None, country: str | None,
           actor_country: str | None, bbox: str | None, q: str | None) -> None:
    """Export events as ACLED-style CSV, CSV, JSON, GeoJSON or Parquet.

    \b
    Examples:
      frontwire export --db news.duckdb --format acled-csv > events.csv
      frontwire export --db news.duckdb --format geojson --since 2023-01-01 -o events.geojson
      frontwire export --db news.duckdb --format parquet --type Battles -o battles.parquet
    """
    from ..record import export as exp
    from ..store import open_store
    from ..store.filters import BadQuery, EventFilter

    if fmt == "parquet" and output == "-":
        raise click.UsageError("parquet is binary: pass -o FILE.parquet")
    try:
        f = EventFilter(since=since, until=until, event_type=event_type, sub_event_type=sub_type,
                        country=country, actor_country=actor_country, q=q,
                        bbox=_floats(bbox, 4, "--bbox")).check()  # type: ignore[arg-type]
    except BadQuery as exc:
        raise click.BadParameter(exc.message) from exc
    with open_store(db, read_only=True) as store:
        if output == "-":
            n = exp.export(store, sys.stdout, fmt=fmt, filters=f)
        else:
            n = exp.export(store, Path(output), fmt=fmt, filters=f)
    click.echo(f"exported {n} event(s)" + ("" if output == "-" else f" -> {output}"), err=True)


@click.command()
@click.option("--db", required=True, metavar="FILE|URL",
              help="DuckDB file or postgresql:// URL to serve.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--token-file", default=None, metavar="FILE", type=click.Path(dir_okay=False),
              help="File holding the token that turns on POST /articles (also "
                   "$FRONTWIRE_API_TOKEN). Without one, POST /articles is off.")
@click.option("--tile-url", default=None, metavar="URL",
              help="Optional XYZ tile template for the map; default: bundled country outlines.")
@click.option("--max-body", default=2_000_000, show_default=True, type=click.IntRange(1000),
              help="Largest request body in bytes.")
@friendly
def serve(db: str, host: str, port: int, token_file: str | None, tile_url: str | None,
          max_body: int) -> None:
    """Serve the REST API and the map page (OpenAPI docs at /docs).

    \b
    Examples:
      frontwire serve --db news.duckdb
      frontwire serve --db news.duckdb --port 8080 --token-file ~/.frontwire-token
    Then open http://127.0.0.1:8000/ for the map, /docs for the API. Writers ('ingest',
    'watch', 'load') may run on the same DuckDB file meanwhile: each side takes the file only
    for a moment, and new events show up on the next request.
    """
    import os

    import uvicorn

    from ..api import create_app

    token = os.environ.get("FRONTWIRE_API_TOKEN") or None
    if token_file:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip() or None
        except OSError as exc:
            _fail(f"{token_file}: cannot read the token file ({exc.strerror})")
    from ..store import describe

    app = create_app(db, token=token, tile_url=tile_url, max_body=max_body)
    click.echo(f"serving {describe(db)} on http://{host}:{port}/ (docs: /docs; POST /articles "
               f"{'on' if token else 'off'})", err=True)
    uvicorn.run(app, host=host, port=port, log_level="warning")


@click.command(name="clusters")
@click.option("--db", required=True, metavar="FILE|URL",
              help="DuckDB file or postgresql:// URL to update.")
@friendly
def clusters_cmd(db: str) -> None:
    """Recompute the event clusters from the raw events (raw events are not changed).

    \b
    Example:
      frontwire clusters --db news.duckdb
    """
    from ..record.clusters import recompute
    from ..store import open_store

    with open_store(db) as store:
        s = recompute(store)
    click.echo(f"{s.events} event(s) in {s.clusters} cluster(s), {s.multi} reported by more "
               f"than one article", err=True)


def register(main: Any) -> None:
    """Add the record layer's commands to the ``frontwire`` click group."""
    for cmd in (export, serve, clusters_cmd):
        main.add_command(cmd)
