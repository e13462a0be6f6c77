"""The DuckDB store: idempotent writes, one transaction per article, clear errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
from pathlib import Path

import duckdb
import pytest

from frontwire import jobs
from frontwire.errors import SchemaTooNew, StoreLocked, StoreUnwritable
from frontwire.ingest import read_inputs
from frontwire.model import Result
from frontwire.store import list_articles, list_claims, list_events, list_places, open_store
from frontwire.store.duckdb import DuckDBStore
from frontwire.store.schema import LATEST

DATA = Path(__file__).parent / "data"


def test_ingest_is_idempotent_and_round_trips(tmp_path: Path, pipeline) -> None:
    db = tmp_path / "t.duckdb"
    with open_store(db) as store:
        first = jobs.ingest([str(DATA)], store=store, pipeline=pipeline)
        assert first.stored == 5 and first.already == 0 and not first.rejected
        again = jobs.ingest([str(DATA)], store=store, pipeline=pipeline)
        assert again.stored == 0 and again.already == 5
        assert store.rows("SELECT count(*) AS n FROM articles")[0]["n"] == 5
        assert store.incomplete_articles() == []
        # The stored record is the record the pipeline produced.
        art = next(iter(pipeline.process(read_inputs([str(DATA / "border-shelling.txt")]))))
        back = store.get_result(art.id)
        assert isinstance(back, Result)
        assert back.to_dict() == art.to_dict()


def test_force_replaces_in_place(tmp_path: Path, pipeline) -> None:
    with open_store(tmp_path / "t.duckdb") as store:
        jobs.ingest([str(DATA / "wire.jsonl")], store=store, pipeline=pipeline)
        again = jobs.ingest([str(DATA / "wire.jsonl")], store=store, pipeline=pipeline, force=True)
        assert again.stored == 3
        assert store.rows("SELECT count(*) AS n FROM articles")[0]["n"] == 3
        assert store.incomplete_articles() == []


def test_readers_filter_with_parameters(tmp_path: Path, pipeline) -> None:
    with open_store(tmp_path / "t.duckdb") as store:
        jobs.ingest([str(DATA)], store=store, pipeline=pipeline)
        from datetime import date

        rows = list_articles(store, since=date(2023, 7, 1))
        assert {r["id"] for r in rows} >= {"wire-001"}
        assert all(r["published"] is None or r["published"] >= date(2023, 7, 1) for r in rows)
        assert list_articles(store, search="M23")[0]["id"] == "wire-003"
        # SQL-ish input is data, not SQL.
        assert list_articles(store, search="'; DROP TABLE articles; --") == []
        assert store.rows("SELECT count(*) AS n FROM articles")[0]["n"] == 5
        assert isinstance(list_places(store, country="UA"), list)
        assert isinstance(list_events(store, event_type="Battles"), list)
        assert isinstance(list_claims(store, speaker="governor"), list)


def test_schema_version_and_newer_schema_refused(tmp_path: Path) -> None:
    db = tmp_path / "v.duckdb"
    with open_store(db) as store:
        assert store.schema_version() == LATEST
    con = duckdb.connect(str(db))
    con.execute("INSERT INTO schema_version VALUES (?, 'from the future', now())", [LATEST + 1])
    con.close()
    with pytest.raises(SchemaTooNew, match="newer frontwire"):
        open_store(db)


@pytest.mark.parametrize("make_path", [
    lambda tmp: tmp / "no" / "such" / "dir" / "x.duckdb",
    lambda tmp: (tmp / "afile").write_text("x") and tmp / "afile" / "x.duckdb",
    lambda tmp: tmp,
], ids=["missing-folder", "parent-is-file", "is-a-folder"])
def test_unwritable_db_is_a_clear_error(tmp_path: Path, make_path) -> None:
    with pytest.raises(StoreUnwritable) as err:
        open_store(make_path(tmp_path))
    assert "\n" not in str(err.value)


def test_second_process_waits_for_the_file_then_gets_a_clear_message(tmp_path: Path) -> None:
    """A store takes the file only while in use: another process waits for a busy file (and
    gets FW301 in one line when it stays busy), and opens an idle one at once."""
    db = tmp_path / "locked.duckdb"
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, time
            from frontwire.store import open_store
            s = open_store({str(db)!r})
            with s.hold():  # busy: a long transaction, say
                print("busy", flush=True)
                sys.stdin.readline()
                time.sleep(1.0)
            print("idle", flush=True)
            time.sleep(60)
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdin is not None
        assert holder.stdout.readline().strip() == "busy"
        with pytest.raises(StoreLocked, match="in use by another process") as err:
            DuckDBStore(db, read_only=True, wait=0.3)
        assert "\n" not in str(err.value) and err.value.code == "FW301"
        with pytest.raises(StoreLocked):
            DuckDBStore(db, wait=0.3)
        holder.stdin.write("go\n")
        holder.stdin.flush()
        with DuckDBStore(db, read_only=True, wait=20) as store:  # waits out the second
            assert store.schema_version() == LATEST
        assert holder.stdout.readline().strip() == "idle"
        with open_store(db) as store:  # the holder still has its store open, idle
            store.execute("CREATE TABLE IF NOT EXISTS probe (x INTEGER)")
    finally:
        holder.kill()
        holder.wait()
    with open_store(db, read_only=True) as store:  # the file is intact afterwards
        assert store.schema_version() == LATEST


def test_store_lets_go_of_the_file_when_idle(tmp_path: Path) -> None:
    store = DuckDBStore(tmp_path / "idle.duckdb", linger=0.05)
    try:
        assert store.execute("SELECT 42").fetchone() == (42,)
        deadline = time.monotonic() + 10
        while store.is_held() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not store.is_held()
        with store.hold():
            time.sleep(0.1)  # longer than linger: a held block is never let go under it
            assert store.is_held()
            assert store.execute("SELECT 1").fetchone() == (1,)
    finally:
        store.close()
    assert not store.is_held()


def test_process_killed_mid_article_leaves_no_partial_article(tmp_path: Path) -> None:
    """SIGKILL inside the third article's transaction, after its articles row is written."""
    db = tmp_path / "crash.duckdb"
    script = textwrap.dedent(f"""
        import os, signal
        from frontwire import jobs
        from frontwire.pipeline import Pipeline
        from frontwire.store import open_store
        from frontwire.store.duckdb import DuckDBStore as Store

        calls = {{"n": 0}}
        original = Store._many

        def dying_many(self, table, rows):
            original(self, table, rows)
            if table == "entities":
                calls["n"] += 1
                if calls["n"] == 3:
                    os.kill(os.getpid(), signal.SIGKILL)

        Store._many = dying_many
        store = open_store({str(db)!r})
        jobs.ingest([{str(DATA)!r}], store=store, pipeline=Pipeline())
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == -9, proc.stderr
    with open_store(db, read_only=True) as store:
        ids = store.article_ids()
        assert len(ids) == 2  # the two committed articles, not the third
        assert store.incomplete_articles() == []
        orphans = store.rows("SELECT count(*) AS n FROM entities WHERE article_id NOT IN "
                             "(SELECT id FROM articles)")[0]["n"]
        assert orphans == 0


def test_overlapping_leases_still_let_go_of_the_file(tmp_path: Path) -> None:
    """Two threads whose uses of the file always overlap (a busy API) must not keep it for
    ever: after max_hold a new use waits for the others, the file is let go and retaken."""
    import threading

    store = DuckDBStore(tmp_path / "busy.duckdb", max_hold=0.3)
    seen: list[object] = []
    stop = threading.Event()

    def busy(offset: float) -> None:
        time.sleep(offset)
        while not stop.is_set():
            with store.hold() as con:
                seen.append(con)
                time.sleep(0.05)

    threads = [threading.Thread(target=busy, args=(d,)) for d in (0.0, 0.025)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 20
    while len({id(c) for c in seen}) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join(10)
    store.close()
    assert len({id(c) for c in seen}) >= 3


def test_readers_take_empty_and_repeated_filter_values(tmp_path: Path) -> None:
    """A filter used twice in one clause gets its value twice, also when it is empty or equals
    another filter's value ('places --name ""' failed with a parameter count error)."""
    from frontwire.model import Place, Result
    from frontwire.store import list_articles, list_places

    res = Result(id="a1", text="Shelling hit UA today.", title="UA", places=[
        Place(text="UA", start=13, end=15, name="Ukraine", feature="country", country="UA")])
    with open_store(tmp_path / "r.duckdb") as store:
        store.write(res)
        assert list_places(store, name="") == []
        assert [p["text"] for p in list_places(store, country="UA", name="UA")] == ["UA"]
        assert [a["id"] for a in list_articles(store, search="")] == ["a1"]
        assert [a["id"] for a in list_articles(store, search="ua", source=None)] == ["a1"]
