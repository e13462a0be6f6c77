"""Exports: ACLED-style CSV with ACLED's exact columns and conventions, CSV, JSON, GeoJSON, Parquet."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import click
import pytest
from click.testing import CliRunner
from record_helpers import three_outlets, write_all

from frontwire import jobs
from frontwire.record import clusters, export
from frontwire.store import open_store
from frontwire.store.filters import EventFilter

pd = pytest.importorskip("pandas")

ACLED = ["event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
         "sub_event_type", "actor1", "inter1", "actor2", "inter2", "interaction",
         "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "location",
         "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
         "fatalities", "tags", "timestamp"]


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def db(request, tmp_path_factory):
    import pg_server

    path = pg_server.module_target(request, tmp_path_factory, "fw_export")
    with open_store(path) as store:
        write_all(store, three_outlets())
        clusters.recompute(store)
    return path


def _acled(db, **filters) -> list[dict[str, str]]:
    with open_store(db, read_only=True) as store:
        text = export.to_string(store, fmt="acled-csv", filters=EventFilter(**filters))
    return list(csv.DictReader(io.StringIO(text)))


def test_acled_columns_exactly():
    assert export.ACLED_COLUMNS == ACLED


def test_acled_csv_loads_with_pandas(db):
    with open_store(db, read_only=True) as store:
        text = export.to_string(store, fmt="acled-csv")
    df = pd.read_csv(io.StringIO(text))
    assert list(df.columns) == ACLED and len(df) == 2
    assert df["iso"].dtype.kind == "i" and set(df["iso"]) == {804}
    assert df["fatalities"].dtype.kind == "i"
    assert set(df["geo_precision"]) == {1} and set(df["time_precision"]) == {1}
    assert df["interaction"].dtype.kind == "i"


@pytest.mark.parametrize("column, expected", [
    ("event_date", "2023-01-03"),
    ("year", "2023"),
    ("disorder_type", "Political violence"),
    ("event_type", "Explosions/Remote violence"),
    ("sub_event_type", "Shelling/artillery/missile attack"),
    ("actor1", "Military Forces of Russia"),
    ("inter1", "8"),  # Russian state forces acting in Ukraine: External/Other forces
    ("actor2", "Civilians (Ukraine)"),
    ("inter2", "7"),
    ("interaction", "78"),
    ("civilian_targeting", "Civilian targeting"),
    ("iso", "804"),
    ("region", "Europe"),
    ("country", "Ukraine"),
    ("admin1", "Donetsk"),
    ("admin2", ""),
    ("location", "Kramatorsk"),
    ("latitude", "48.7389"),
    ("longitude", "37.5848"),
    ("source", "Reuters; Kyiv Daily"),
    ("source_scale", "International-Other"),
    ("fatalities", "4"),
])
def test_acled_conventions(db, column, expected):
    row = next(r for r in _acled(db) if r["event_date"] == "2023-01-03")
    assert row[column] == expected


def test_acled_notes_are_built_from_evidence(db):
    row = next(r for r in _acled(db) if r["event_date"] == "2023-01-04")
    assert row["notes"] == ("On 4 January 2023, a precision strike had eliminated up to 30 "
                            "Ukrainian servicemen [claimed by Russian defence ministry]")
    assert row["event_id_cnty"].startswith("UKR") and row["event_id_cnty"][3:].isdigit()
    assert int(row["timestamp"]) > 1_600_000_000


@pytest.mark.parametrize("kinds, code", [
    (("military", None), 10), (("military", "civilians"), 17), (("protesters", None), 60),
    (("rioters", "police"), 15), ((None, None), 0),
])
def test_interaction_codes(kinds, code):
    i1 = export._inter(kinds[0], "UA", "UA")
    i2 = export._inter(kinds[1], "UA", "UA")
    assert export._interaction(i1, i2) == code


@pytest.mark.parametrize("filters, n", [
    ({}, 2), ({"since": date(2023, 1, 4)}, 1), ({"event_type": "Battles"}, 0),
    ({"bbox": (37.57, 48.73, 37.6, 48.75)}, 1),
])
def test_filters(db, filters, n):
    assert len(_acled(db, **filters)) == n


def test_json_geojson_csv_parquet(db, tmp_path):
    with open_store(db, read_only=True) as store:
        js = json.loads(export.to_string(store, fmt="json"))
        gj = json.loads(export.to_string(store, fmt="geojson"))
        plain = list(csv.DictReader(io.StringIO(export.to_string(store, fmt="csv"))))
        n = export.export(store, tmp_path / "x.parquet", fmt="parquet")
    assert len(js) == 2 and js[0]["cluster_id"] == js[1]["cluster_id"]
    assert gj["type"] == "FeatureCollection" and gj["features"][0]["geometry"]["type"] == "Point"
    assert gj["features"][0]["geometry"]["coordinates"] == [37.5848, 48.7389]
    assert plain[0]["sources"] == "Reuters | Kyiv Daily"
    df = pd.read_parquet(tmp_path / "x.parquet")
    assert n == 2 and len(df) == 2 and list(df["sources"].iloc[0]) == ["Reuters", "Kyiv Daily"]


@pytest.fixture()
def cli():
    import frontwire.cli  # noqa: F401  (cli_record is a part of the CLI; load the whole first)
    from frontwire.cli.record import register

    @click.group()
    def main() -> None:
        """test group"""

    register(main)
    return main


@pytest.mark.parametrize("args, code, needle", [
    (["--format", "acled-csv"], 0, "event_id_cnty,event_date"),
    (["--format", "geojson", "--type", "Battles"], 0, '"features": ['),
    (["--format", "parquet"], 2, "parquet is binary"),
    (["--format", "xml"], 2, "Invalid value"),
    (["--format", "csv", "--bbox", "1,2"], 2, "comma-separated"),
    (["--format", "csv", "--since", "2023-02-01", "--until", "2023-01-01"], 2, "after until"),
])
def test_cli_export(cli, db, args, code, needle):
    r = CliRunner().invoke(cli, ["export", "--db", str(db), *args])
    assert r.exit_code == code, r.output
    assert needle in r.output


@pytest.mark.parametrize("flags, n", [
    (["--country", "RU"], 0),  # Russian forces (actor1) in Ukraine: not an event in Russia
    (["--country", "ua"], 2),
    (["--actor-country", "RU"], 2),
    (["--actor-country", "RU", "--country", "PL"], 0),
])
def test_country_means_one_thing_in_events_export_and_the_api(db, flags, n):
    """``--country`` is where the event happened (ACLED's country) in every reader."""
    from fastapi.testclient import TestClient

    from frontwire.api import create_app
    from frontwire.cli import main

    runner = CliRunner()
    ev = runner.invoke(main, ["events", "--db", str(db), "--format", "json", *flags])
    ex = runner.invoke(main, ["export", "--db", str(db), "--format", "json", *flags])
    assert ev.exit_code == 0 and ex.exit_code == 0, ev.output + ex.output
    listed = sorted(f"{r['article_id']}.{r['id']}" for r in json.loads(ev.stdout))
    exported = sorted(r["id"] for r in json.loads(ex.stdout))
    query = {flag.lstrip("-").replace("-", "_"): value for flag, value in zip(flags[::2], flags[1::2])}
    with TestClient(create_app(db)) as c:
        served = sorted(e["id"] for e in c.get("/events", params=query).json()["items"])
    assert listed == exported == served and len(listed) == n


def test_cli_help_has_examples(cli):
    for cmd in ("export", "serve", "clusters"):
        r = CliRunner().invoke(cli, [cmd, "--help"])
        assert r.exit_code == 0 and "Example" in r.output, cmd


def test_cli_clusters(cli, db, tmp_path):
    r = CliRunner().invoke(cli, ["clusters", "--db", str(db)])
    assert r.exit_code == 0 and "2 event(s) in 1 cluster(s)" in r.output


def test_demo_database_acled_csv_loads_with_pandas(tmp_path, pipeline):
    """Done-when: the ACLED CSV of the demo database (the bundled samples) has ACLED's columns."""
    with open_store(tmp_path / "demo.duckdb") as store:
        jobs.ingest([str(jobs.sample_dir())], store=store, pipeline=pipeline)
        text = export.to_string(store, fmt="acled-csv")
    df = pd.read_csv(io.StringIO(text))
    assert list(df.columns) == ACLED


def test_cli_serve_refuses_a_missing_database(cli, tmp_path):
    r = CliRunner().invoke(cli, ["serve", "--db", str(tmp_path / "none.duckdb")])
    assert r.exit_code == 1 and "no such database" in r.output
