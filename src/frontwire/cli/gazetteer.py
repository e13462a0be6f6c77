"""``frontwire gazetteer ...``: import GeoNames dumps, rebuild and describe the index.

The lead CLI registers this group with ``main.add_command(gazetteer)``.
"""

from __future__ import annotations

import json
import time

import click

from ..errors import FrontwireError


def _cache_dir(cache_dir: str | None) -> str:
    if cache_dir:
        return cache_dir
    from ..config import load_settings

    return load_settings().cache_dir


_CACHE = click.option("--cache-dir", type=click.Path(file_okay=False), default=None,
                      help="Where the index lives (default: the setting cache_dir).")


@click.group()
def gazetteer() -> None:
    """The place-name index: GeoNames cities >= 500, countries, admin1 regions, news regions.

    \b
    Examples:
      frontwire gazetteer info
      frontwire gazetteer import UA.zip admin1CodesASCII.txt
      frontwire gazetteer build
    """


@gazetteer.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
@_CACHE
def import_cmd(files: tuple[str, ...], cache_dir: str | None) -> None:
    """Import GeoNames dumps for village-level coverage, then rebuild the index.

    FILE may be allCountries, a country file (UA.txt), cities500/1000/5000/15000,
    admin1CodesASCII.txt or alternateNamesV2.txt, each plain or zipped. Malformed lines
    are skipped and counted.

    \b
    Examples:
      frontwire gazetteer import UA.zip
      frontwire gazetteer import cities500.zip admin1CodesASCII.txt alternateNamesV2.zip
    """
    from ..places.cache import build, clear_cache
    from ..places.geonames_import import import_files

    cache = _cache_dir(cache_dir)
    try:
        reports = import_files(list(files), cache_dir=cache)
    except FrontwireError as exc:
        raise click.ClickException(str(exc)) from exc
    for r in reports:
        click.echo(r.line())
    started = time.perf_counter()
    path = build(cache_dir=cache)
    clear_cache()
    click.echo(f"gazetteer rebuilt in {time.perf_counter() - started:.1f} s: {path}")


@gazetteer.command("build")
@_CACHE
def build_cmd(cache_dir: str | None) -> None:
    """Compile the index now (it is otherwise built on first use).

    \b
    Example:
      frontwire gazetteer build
    """
    from ..places.cache import build, clear_cache

    started = time.perf_counter()
    path = build(cache_dir=_cache_dir(cache_dir))
    clear_cache()
    click.echo(f"gazetteer built in {time.perf_counter() - started:.1f} s: {path}")


@gazetteer.command("info")
@_CACHE
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def info_cmd(cache_dir: str | None, as_json: bool) -> None:
    """Describe the index: where it is, its size, entries per kind, its sources.

    \b
    Example:
      frontwire gazetteer info --json
    """
    from ..places.cache import load_gazetteer

    started = time.perf_counter()
    info = load_gazetteer(cache_dir=_cache_dir(cache_dir)).info()
    info["load_seconds"] = round(time.perf_counter() - started, 3)
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    click.echo(f"index: {info['path']} ({(info['bytes'] or 0) / 1e6:.0f} MB)")
    kinds = ", ".join(f"{k} {v}" for k, v in info["features"].items() if v)
    click.echo(f"entries: {info['entries']} ({kinds})")
    click.echo(f"name keys: {info['names']}")
    click.echo(f"sources: {info['sources']}")
    click.echo("GeoNames data (geonames.org) is licensed CC BY 4.0.")
