"""PostgreSQL as the shared store: the same rows, queries and commands as the DuckDB file.

These run against a real server (tests/pg_server.py starts one, or set
FRONTWIRE_TEST_POSTGRES); they skip, saying why, where PostgreSQL is not installed. The API,
export, cluster and dedup tests also run on both engines (the ``db_target`` fixture and the
parametrized module fixtures in those files).
"""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontwire import jobs
from frontwire.errors import SchemaTooNew, StoreError, StoreUnreachable
from frontwire.record import clusters
from frontwire.store import (
    describe,
    list_articles,
    list_claims,
    list_events,
    list_places,
    list_sources,
    open_store,
)
from frontwire.store.postgres import display_url, to_pyformat
from frontwire.store.schema import MIGRATIONS

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "frontwire" / "data" / "samples"


# -- pure helpers (no server) ----------------------------------------------------------------

@pytest.mark.parametrize("sql, expected", [
    ("SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = %s AND b = %s"),
    ("lower(x) LIKE '%' || lower(?) || '%'", "lower(x) LIKE '%%' || lower(%s) || '%%'"),
    ("SELECT 'why?' , ?", "SELECT 'why?' , %s"),  # a ? inside quotes is text
    ("SELECT 'it''s ?', ?", "SELECT 'it''s ?', %s"),
    ("SELECT 5 % 3", "SELECT 5 %% 3"),
])
def test_placeholders_become_pyformat(sql, expected):
    assert to_pyformat(sql) == expected


@pytest.mark.parametrize("url, shown", [
    ("postgresql://ana:s3cret@db.example:5433/news", "postgresql://ana@db.example:5433/news"),
    ("postgres://localhost/news", "postgresql://localhost/news"),
    ("postgresql:///news?host=/var/run/postgresql", "postgresql:///var/run/postgresql/news"),
])
def test_urls_are_shown_without_password(url, shown):
    assert display_url(url) == shown
    assert describe(url) == shown


def test_an_unreachable_server_is_one_clear_error():
    with pytest.raises(StoreUnreachable) as err:
        open_store("postgresql://ana:s3cret@127.0.0.1:1/news")
    msg = str(err.value)
    assert "cannot connect to PostgreSQL" in msg and "127.0.0.1:1/news" in msg
    assert "s3cret" not in msg and "\n" not in msg


def test_cli_reports_an_unreachable_server_in_one_line():
    from frontwire.cli import main

    r = CliRunner().invoke(main, ["events", "--db", "postgresql://ana:s3cret@127.0.0.1:1/x"])
    assert r.exit_code == 1
    lines = [ln for ln in r.output.splitlines() if ln.strip()]
    assert len(lines) == 1 and "FW304" in lines[0] and "s3cret" not in lines[0]
    assert "Traceback" not in r.output


# -- against a server --------------------------------------------------------------------------

@pytest.fixture(scope="module")
def both(pg_server, pipeline, tmp_path_factory):
    """The bundled samples ingested through the real pipeline into a file and a server."""
    import pg_server as pgs

    targets = {"duckdb": tmp_path_factory.mktemp("pg") / "same.duckdb",
               "postgres": pgs.fresh_database(pg_server, "fw_parity")}
    summaries = {}
    for name, target in targets.items():
        with open_store(target) as store:
            summaries[name] = jobs.ingest([str(SAMPLES)], store=store, pipeline=pipeline)
    return targets, summaries


def test_same_records_as_duckdb(both):
    targets, summaries = both
    assert summaries["duckdb"].ids == summaries["postgres"].ids
    assert summaries["postgres"].stored >= 4
    with open_store(targets["duckdb"], read_only=True) as d, \
            open_store(targets["postgres"], read_only=True) as p:
        assert d.article_ids() == p.article_ids()
        for aid in d.article_ids():
            assert p.get_result(aid) == d.get_result(aid), aid
        assert p.incomplete_articles() == []
        for query in (list_events, list_places, list_claims, list_articles, list_sources):
            assert query(p) == query(d), query.__name__
        assert list_events(p, event_type="battles", since=date(2000, 1, 1)) == \
            list_events(d, event_type="battles", since=date(2000, 1, 1))
        cols = "id, n_events, n_articles, n_sources, sources, claimants, conflicts"
        assert p.rows(f"SELECT {cols} FROM event_clusters ORDER BY id") == \
            d.rows(f"SELECT {cols} FROM event_clusters ORDER BY id")
        assert p.rows("SELECT count(*) AS n FROM event_clusters")[0]["n"] > 0


def test_reingest_is_a_no_op_and_force_replaces(both, pipeline):
    targets, summaries = both
    with open_store(targets["postgres"]) as store:
        again = jobs.ingest([str(SAMPLES)], store=store, pipeline=pipeline)
        assert again.stored == 0 and again.already == summaries["postgres"].stored
        forced = jobs.ingest([str(SAMPLES)], store=store, pipeline=pipeline, force=True)
        assert forced.stored == summaries["postgres"].stored
        assert store.incomplete_articles() == []
        assert len(store.article_ids()) == summaries["postgres"].stored


def test_cli_ingest_and_readers_on_a_server(pg_url, pipeline):
    from frontwire.cli import main

    runner = CliRunner()
    r = runner.invoke(main, ["ingest", str(SAMPLES / "samples.jsonl"), "--db", pg_url,
                             "--workers", "1"])
    assert r.exit_code == 0, r.output
    assert "stored" in r.output and "postgresql://frontwire@127.0.0.1" in r.output
    for cmd in ("events", "places", "claims", "articles", "sources"):
        r = runner.invoke(main, [cmd, "--db", pg_url, "--format", "json"])
        assert r.exit_code == 0, (cmd, r.output)
        assert json.loads(r.stdout), cmd
    r = runner.invoke(main, ["export", "--db", pg_url, "--format", "geojson"])
    assert r.exit_code == 0 and json.loads(r.stdout)["type"] == "FeatureCollection"


def test_batch_partitions_load_into_a_server(pg_url, tmp_path):
    from frontwire.jobs.batch import load, run_batch

    out = tmp_path / "parts"
    summary = run_batch([str(SAMPLES / "samples.jsonl")], out=out, workers=1)
    assert summary.failed == [] or not summary.failed
    with open_store(pg_url) as store:
        loaded = load(out, store=store)
        assert loaded.stored > 0 and store.incomplete_articles() == []
        n = len(store.article_ids())
    with open_store(pg_url) as store:  # loading again adds nothing
        assert load(out, store=store).stored == 0
        assert len(store.article_ids()) == n


def _one_result(pipeline):
    from frontwire.model import Article

    text = ("Russian forces shelled Nikopol overnight, killing two civilians, the regional "
            "governor Serhiy Lysak said on Telegram on Tuesday.")
    return next(iter(pipeline.process([Article(text=text, published=date(2024, 5, 7)).with_id()])))


def test_a_second_writer_storing_the_same_article_is_told_already_stored(pg_url, pipeline):
    res = _one_result(pipeline)
    with open_store(pg_url) as a, open_store(pg_url) as b:
        assert a.write(res)
        b.has_article = lambda _id: False  # as if b checked just before a committed
        assert b.write(res) is False  # the primary key decides; b's transaction rolls back
        assert a.article_ids() == [res.id] and a.incomplete_articles() == []


def test_writers_in_parallel_store_each_article_once(pg_url, pipeline):
    res = _one_result(pipeline)
    others = [replace(res, id=f"{res.id}-{i}") for i in range(6)]
    outcomes: list[bool] = []
    start = threading.Barrier(3)

    def work() -> None:
        with open_store(pg_url) as store:
            start.wait()
            for r in [res, *others]:
                outcomes.append(store.write(r))
            clusters.recompute(store)  # serialized by the advisory lock

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert outcomes.count(True) == 7 and outcomes.count(False) == 14
    with open_store(pg_url, read_only=True) as store:
        assert len(store.article_ids()) == 7 and store.incomplete_articles() == []
        assert store.rows("SELECT count(*) AS n FROM schema_version")[0]["n"] == len(MIGRATIONS)


def test_a_newer_schema_is_refused(pg_url):
    with open_store(pg_url) as store:
        store.execute("INSERT INTO schema_version VALUES (99, 'from the future', now())")
    with pytest.raises(SchemaTooNew):
        open_store(pg_url)


def test_reading_a_database_without_tables_says_to_ingest_first(pg_url):
    with pytest.raises(StoreError, match="ingest"):
        open_store(pg_url, read_only=True)


def test_read_only_stores_cannot_write(pg_url, pipeline):
    open_store(pg_url).close()
    with open_store(pg_url, read_only=True) as store, pytest.raises(Exception, match="read-only"):
        store.write(_one_result(pipeline))


def test_server_only_indexes_are_made_on_postgres_alone(pg_url, tmp_path):
    with open_store(pg_url) as pg, open_store(tmp_path / "x.duckdb") as duck:
        names = {r["indexname"] for r in pg.rows("SELECT indexname FROM pg_indexes")}
        assert {"events_page", "cluster_events_cluster", "event_clusters_page"} <= names
        assert pg.schema_version() == duck.schema_version() == MIGRATIONS[-1][0]
        duck_idx = {r["index_name"] for r in duck.rows("SELECT index_name FROM duckdb_indexes()")}
        assert "events_page" not in duck_idx and "article_lsh_key" in duck_idx


def test_watch_state_for_a_server_lives_in_the_user_cache(tmp_path, monkeypatch):
    from frontwire.jobs.feeds import load_state, save_state

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.chdir(tmp_path)
    url = "postgresql://ana:s3cret@db.example/news"
    state = load_state(url)
    state["seen"]["https://news.example/a"] = "2024-03-05T10:00:00+00:00"
    save_state(url, state)
    assert list(load_state(url)["seen"]) == ["https://news.example/a"]
    assert not load_state("postgresql://ana@db.example/other")["seen"]  # one file per database
    files = [p for p in tmp_path.rglob("*.feeds.json")]
    assert len(files) == 1 and files[0].is_relative_to(tmp_path / "cache")
    assert "s3cret" not in files[0].name


def test_a_missing_database_says_to_create_it(pg_server):
    base = pg_server.rsplit("/", 1)[0]
    with pytest.raises(StoreUnreachable, match="createdb"):
        open_store(f"{base}/no_such_database")
