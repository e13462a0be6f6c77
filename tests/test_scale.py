"""The scale layer: WARC input, the worker pool, shard batches (local and Ray), load, bulk writes."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from news_texts import REPORTS

from frontwire.ingest import read_inputs
from frontwire.jobs.batch import run_batch
from frontwire.jobs.shards import find_shards, read_shard, shard_key
from frontwire.model import Article, Rejection, Result
from frontwire.pipeline.pool import LocalPool

SAMPLES = Path(__file__).resolve().parents[1] / "src" / "frontwire" / "data" / "samples"

# Real news phrasing, one short article per line (the project's own text).
ARTICLES = REPORTS[:4]


def _jsonl(path: Path, texts: list[str], *, published: str = "2024-03-14") -> Path:
    path.write_text("".join(json.dumps({"text": t, "published": published, "source": "test"})
                            + "\n" for t in texts), encoding="utf-8")
    return path


def _warc(path: Path) -> Path:
    """A WARC with one article page, a 404, an image, a request and a page with no text."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    article = (SAMPLES / "gaza-aid.html").read_bytes()
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=path.name.endswith(".gz"))

        def response(url: str, status: str, ctype: str, body: bytes) -> None:
            http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
            rec = w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                       http_headers=http,
                                       warc_headers_dict={"WARC-Date": "2024-02-20T10:00:00Z"})
            w.write_record(rec)

        w.write_record(w.create_warc_record("https://news.example/a", "request",
                                            payload=io.BytesIO(b"GET /a HTTP/1.1\r\n\r\n")))
        response("https://news.example/a", "200 OK", "text/html; charset=utf-8", article)
        response("https://news.example/gone", "404 Not Found", "text/html", b"<html>gone</html>")
        response("https://news.example/pic.jpg", "200 OK", "image/jpeg", b"\xff\xd8\xff")
        response("https://news.example/menu", "200 OK", "text/html",
                 b"<html><body><nav>Home News Sport</nav></body></html>")
    return path


# -- WARC ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["crawl.warc", "crawl.warc.gz"])
def test_warc_html_responses_become_articles_with_url_and_date(tmp_path, name):
    out = list(read_inputs([str(_warc(tmp_path / name))]))
    arts = [o for o in out if isinstance(o, Article)]
    rejected = [o for o in out if isinstance(o, Rejection)]
    assert [a.url for a in arts] == ["https://news.example/a"]
    assert "Rafah" in arts[0].text
    assert arts[0].published is not None  # the page's date, else the crawl date
    # The nav-only page is reported (with its URL); the 404, the image and the request are not.
    assert len(rejected) == 1 and "news.example/menu" in rejected[0].message


def test_warc_crawl_date_is_used_when_the_page_has_none(tmp_path):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = ("<html><body><article><p>" + " ".join([ARTICLES[0]] * 3)
            + "</p></article></body></html>").encode()
    path = tmp_path / "nodate.warc"
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=False)
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(
            "https://news.example/k", "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict={"WARC-Date": "2024-02-20T10:00:00Z"}))
    (art,) = [o for o in read_inputs([str(path)]) if isinstance(o, Article)]
    assert art.published == date(2024, 2, 20)


def test_a_corrupt_warc_is_one_rejection_not_a_crash(tmp_path):
    bad = tmp_path / "bad.warc.gz"
    bad.write_bytes(b"\x1f\x8b\x08\x00garbage that is not a gzip member")
    out = list(read_inputs([str(bad)]))
    assert len(out) == 1 and isinstance(out[0], Rejection)
    assert out[0].code == "FW104" and "WARC" in out[0].message


def test_folders_list_warc_files(tmp_path):
    _warc(tmp_path / "x.warc.gz")
    assert find_shards([str(tmp_path)]) == [tmp_path / "x.warc.gz"]
    from frontwire.ingest import expand_paths

    assert list(expand_paths([str(tmp_path)])) == [tmp_path / "x.warc.gz"]


# -- the per-batch function and the local pool -----------------------------------------------


def test_pool_of_two_workers_gives_the_same_results_in_order(pipeline):
    arts = [Article(text=t, published=date(2024, 3, 14), origin=f"t{i}").with_id()
            for i, t in enumerate(ARTICLES * 3)]
    bad = Rejection(origin="in", stage="ingest", code="FW104", message="not JSON")
    items: list[Article | Rejection] = [*arts[:5], bad, *arts[5:]]
    expected = list(pipeline.process(items))
    with LocalPool(pipeline, workers=2, chunk=3) as pool:
        got = list(pool.process(items))
        assert pool._pool is not None  # more than one chunk: the workers did the work
    assert [g.id if isinstance(g, Result) else g.origin for g in got] == \
        [e.id if isinstance(e, Result) else e.origin for e in expected]
    assert got == expected


def test_an_error_in_the_writer_ends_the_workers_at_once(pipeline):
    arts = [Article(text=t, origin=f"e{i}").with_id() for i, t in enumerate(ARTICLES)]
    pool = LocalPool(pipeline, workers=2, chunk=1)
    with pytest.raises(KeyError), pool:
        for _ in pool.process(arts):
            raise KeyError("the writer failed")
    assert pool._pool is None


def test_a_small_job_runs_in_process(pipeline):
    arts = [Article(text=ARTICLES[0], origin="one").with_id()]
    with LocalPool(pipeline, workers=2) as pool:
        (res,) = pool.process(arts)
        assert pool._pool is None
    assert isinstance(res, Result) and res.events


# -- shards: local engine, resume, failures, load --------------------------------------------


def _shards(tmp_path: Path) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "in"
    src.mkdir()
    _jsonl(src / "a.jsonl", ARTICLES[:2])
    pq.write_table(pa.Table.from_pylist([{"text": t, "published": "2024-03-15", "url": None}
                                         for t in ARTICLES[2:]]), src / "b.parquet")
    _warc(src / "c.warc.gz")
    return src


def test_batch_writes_partitions_skips_finished_shards_and_loads(tmp_path, pipeline):
    import duckdb

    from frontwire.jobs.batch import load
    from frontwire.store import open_store

    src = _shards(tmp_path)
    out = tmp_path / "out"
    seen: list[tuple[str, str]] = []
    s = run_batch([str(src)], out=out, workers=1,
                  on_shard=lambda p, status, d: seen.append((Path(p).name, status)))
    assert sorted(seen) == [("a.jsonl", "done"), ("b.parquet", "done"), ("c.warc.gz", "done")]
    assert s.articles == 5 and s.rejected == 1 and not s.failed
    con = duckdb.connect()
    n = con.execute(f"SELECT count(*) FROM read_parquet('{out}/articles/*/*.parquet')").fetchone()
    assert n == (5,)
    ev = con.execute(f"SELECT count(*), count(DISTINCT article_id) FROM "
                     f"read_parquet('{out}/events/*/*.parquet')").fetchone()
    assert ev[0] >= 4 and ev[1] >= 4
    url = con.execute(f"SELECT url FROM read_parquet('{out}/articles/*/*.parquet') "
                      f"WHERE url IS NOT NULL").fetchall()
    assert url == [("https://news.example/a",)]

    again = run_batch([str(src)], out=out, workers=1)
    assert len(again.skipped) == 3 and not again.done

    db = tmp_path / "news.duckdb"
    with open_store(db) as st:
        first = load(out, store=st)
        second = load(out, store=st)
        assert first.stored == 5 and second.stored == 0 and second.already == 5
        # Lossless: the stored article is the one the pipeline made.
        (res,) = [r for r in pipeline.process([Article(text=ARTICLES[0],
                                                       published=date(2024, 3, 14),
                                                       source="test").with_id()])]
        assert st.get_result(res.id) == res


def test_a_failed_shard_is_retried_reported_and_the_rest_go_on(tmp_path, monkeypatch):
    from frontwire.jobs import batch

    src = tmp_path / "in"
    src.mkdir()
    _jsonl(src / "good.jsonl", ARTICLES[:1])
    (src / "broken.parquet").write_bytes(b"PAR1 this is not parquet")
    _jsonl(src / "flaky.jsonl", ARTICLES[1:2])
    real = batch.read_shard
    calls = {"flaky": 0}

    def flaky(path, **kw):
        if Path(path).name == "flaky.jsonl":
            calls["flaky"] += 1
            if calls["flaky"] == 1:
                raise OSError("network file system hiccup")
        return real(path, **kw)

    monkeypatch.setattr(batch, "read_shard", flaky)
    events: list[tuple[str, str]] = []
    s = run_batch([str(src)], out=tmp_path / "out", workers=1, retries=1,
                  on_shard=lambda p, status, d: events.append((Path(p).name, status)))
    assert ("flaky.jsonl", "retry") in events and ("flaky.jsonl", "done") in events
    assert ("broken.parquet", "retry") in events and ("broken.parquet", "failed") in events
    assert ("good.jsonl", "done") in events
    assert list(s.failed) == [str(src / "broken.parquet")]
    failed = json.loads((tmp_path / "out" / "_shards"
                         / f"{shard_key(src / 'broken.parquet')}.failed.json").read_text())
    assert failed["attempts"] == 2 and failed["error"]


def test_batch_and_load_commands(tmp_path):
    from click.testing import CliRunner

    from frontwire.cli.scale import batch_cmd, load_cmd

    src = tmp_path / "in"
    src.mkdir()
    _jsonl(src / "a.jsonl", ARTICLES[:2])
    (src / "z.parquet").write_bytes(b"not parquet")
    out = tmp_path / "out"
    r = CliRunner().invoke(batch_cmd, [str(src), "--out", str(out), "--workers", "1",
                                       "--retries", "0"])
    assert r.exit_code == 1, r.output  # one shard failed: reported, and the exit code says so
    assert "failed" in r.output and "z.parquet" in r.output
    assert "1 shard(s) done (2 article(s)" in r.output
    r = CliRunner().invoke(load_cmd, [str(out), "--db", str(tmp_path / "x.duckdb")])
    assert r.exit_code == 0, r.output
    assert "loaded 2 new article(s)" in r.output


def test_read_shard_of_a_missing_file_raises(tmp_path):
    with pytest.raises(OSError):
        list(read_shard(tmp_path / "nope.jsonl"))


# -- Ray Data --------------------------------------------------------------------------------


def test_ray_engine_gives_the_same_partitions_as_local(tmp_path):
    ray = pytest.importorskip("ray", reason="Ray is an extra: pip install 'frontwire[ray]'")
    import duckdb

    src = tmp_path / "in"
    src.mkdir()
    _jsonl(src / "a.jsonl", ARTICLES[:2])
    _jsonl(src / "b.jsonl", ARTICLES[2:])
    (src / "c.parquet").write_bytes(b"not parquet")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        s = run_batch([str(src)], out=tmp_path / "ray", engine="ray", workers=1, retries=0)
    finally:
        ray.shutdown()
    local = run_batch([str(src)], out=tmp_path / "local", engine="local", workers=1, retries=0)
    assert sorted(Path(p).name for p in s.done) == ["a.jsonl", "b.jsonl"]
    assert list(s.failed) == [str(src / "c.parquet")]
    assert s.articles == local.articles == 4

    def rows(d: Path, table: str) -> list[tuple]:
        return duckdb.connect().execute(
            f"SELECT * EXCLUDE (seq) FROM read_parquet('{d}/{table}/*/*.parquet') "
            f"ORDER BY ALL").fetchall()

    for table in ("places", "times", "claims", "events"):
        assert rows(tmp_path / "ray", table) == rows(tmp_path / "local", table), table

    def articles(d: Path) -> list[tuple]:
        return duckdb.connect().execute(
            f"SELECT id, origin, model, result_json FROM read_parquet('{d}/articles/*/*.parquet') "
            "ORDER BY id").fetchall()

    ray_articles = articles(tmp_path / "ray")
    assert ray_articles == articles(tmp_path / "local")
    assert all(origin and model for _, origin, model, _ in ray_articles)  # where, and by what


# -- bulk writes and the cached Doc text -----------------------------------------------------


@pytest.mark.parametrize("arrow", [True, False], ids=["arrow", "values-in-chunks"])
def test_bulk_inserts_keep_every_row(tmp_path, pipeline, monkeypatch, arrow):
    import frontwire.store.base as sb
    import frontwire.store.duckdb as sd
    from frontwire.store import open_store

    monkeypatch.setattr(sb, "_MAX_PARAMS", 30)  # a few rows per VALUES statement
    if not arrow:
        monkeypatch.setattr(sd, "_ARROW_MIN_ROWS", 10**9)
    res = next(iter(pipeline.process([Article(text=" ".join(ARTICLES),
                                              published=date(2024, 3, 14)).with_id()])))
    assert isinstance(res, Result) and len(res.entities) > 8  # the Arrow path, on DuckDB
    with open_store(tmp_path / "c.duckdb") as st:
        assert st.write(res)
        assert st.get_result(res.id) == res
        assert st.incomplete_articles() == []


def test_doc_text_is_the_doc_text_built_once(nlp):
    from frontwire.nlp import doc_text

    doc = nlp(ARTICLES[0])
    assert doc_text(doc) == doc.text
    assert doc_text(doc) is doc_text(doc)
