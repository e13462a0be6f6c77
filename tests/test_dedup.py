"""Near-duplicate articles: found at ingest with MinHash LSH, stored once with every source."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from record_helpers import REPRINT, REWRITE, WIRE, result, story_event, write_all

from frontwire import jobs
from frontwire.record import dedup
from frontwire.store import open_store

# Real kinds of edits syndicated copy goes through, each with whether it is the same article.
EDITS = [
    ("dateline added", "KRAMATORSK (Reuters) - " + WIRE, True),
    ("sign-off added", WIRE + " Reporting by Tom Balmforth; editing by Mark Heinrich.", True),
    ("one word changed", WIRE.replace("power had been cut", "electricity had been cut"), True),
    ("last sentence dropped", WIRE.rsplit(". ", 1)[0] + ".", True),
    ("British spelling", WIRE.replace("storey", "story").replace("defence", "defense"), True),
    ("rewritten", REWRITE, False),
    ("other story", ("Protesters gathered in Tbilisi on Sunday against a draft law on foreign "
                     "agents, and police used water cannon to disperse them late in the evening."),
     False),
]


@pytest.mark.parametrize("label, text, same", EDITS, ids=[e[0] for e in EDITS])
def test_near_duplicates_are_found_and_rewrites_are_not(db_target, tmp_path, label, text, same):
    with open_store(db_target) as store:
        write_all(store, [result(WIRE, source="Reuters", url="https://wire.example/1")])
        dup = dedup.find_duplicate(store, text)
        assert (dup is not None) == same, label
        if same:
            assert dup is not None and dup.similarity >= dedup.THRESHOLD


@pytest.mark.parametrize("a, b, low, high", [
    (WIRE, REPRINT, 0.8, 1.0),
    (WIRE, REWRITE, 0.0, 0.1),
    ("", WIRE, 0.0, 0.0),
])
def test_signature_estimates_jaccard(a, b, low, high):
    sa, sb = dedup.signature(a), dedup.signature(b)
    est = 0.0 if sa.is_empty() or sb.is_empty() else sa.jaccard(sb)
    assert low <= est <= high


def test_bands_cover_the_signature():
    b, r = dedup.bands()
    assert b * r <= dedup.NUM_PERM and b > 1 and r > 1


def test_group_keeps_every_source_and_url_once(db_target, tmp_path):
    wire = result(WIRE, source="Reuters", url="https://wire.example/1", title="Missile hits")
    reprint = result(REPRINT, source="Kyiv Daily", url="https://kyivdaily.example/2")
    with open_store(db_target) as store:
        write_all(store, [wire, reprint, reprint])  # the reprint arrives twice
        assert store.article_ids() == [wire.id]
        srcs = dedup.sources(store, wire.id)
        assert [(s["source"], s["url"]) for s in srcs] == [
            ("Reuters", "https://wire.example/1"), ("Kyiv Daily", "https://kyivdaily.example/2")]
        assert srcs[1]["duplicate_id"] == reprint.id and srcs[1]["similarity"] > 0.8


def test_index_commits_with_the_article(db_target, tmp_path):
    """A failing hook rolls the whole article back: no article without its index, or vice versa."""
    wire = result(WIRE, source="Reuters", url="https://wire.example/1")

    def broken(store, res):  # type: ignore[no-untyped-def]
        dedup.index_result(store, res)
        raise RuntimeError("disk full")

    with open_store(db_target) as store:
        with pytest.raises(RuntimeError):
            store.write(wire, on_insert=broken)
        assert store.article_ids() == []
        assert store.rows("SELECT count(*) AS n FROM article_lsh")[0]["n"] == 0
        assert store.rows("SELECT count(*) AS n FROM article_sources")[0]["n"] == 0


def test_three_outlets_give_one_group_and_one_cluster_with_three_sources(db_target, tmp_path, pipeline):
    """Done-when: two near-verbatim copies and one rewrite of a story, through ``jobs.ingest``
    and the real pipeline (its events stage codes the strike in all three)."""
    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in [
        {"text": WIRE, "source": "Reuters", "url": "https://wire.example/kramatorsk",
         "published": "2023-01-04"},
        {"text": REPRINT, "source": "Kyiv Daily", "url": "https://kyivdaily.example/a/123",
         "published": "2023-01-04"},
        {"text": REWRITE, "source": "Example Post", "url": "https://post.example/kramatorsk",
         "published": "2023-01-04"},
    ]) + "\n", encoding="utf-8")
    with open_store(db_target) as store:
        summary = jobs.ingest([str(feed)], store=store, pipeline=pipeline)
        assert (summary.stored, summary.duplicates, summary.rejected) == (2, 1, [])
        groups = store.rows("SELECT article_id, count(*) AS n, array_agg(source ORDER BY seq) AS s "
                            "FROM article_sources GROUP BY 1 HAVING count(*) > 1")
        assert len(groups) == 1 and groups[0]["s"] == ["Reuters", "Kyiv Daily"]
        multi = store.rows("SELECT * FROM event_clusters WHERE n_articles > 1")
        assert len(multi) == 1
        assert multi[0]["n_sources"] == 3
        assert sorted(multi[0]["sources"]) == ["Example Post", "Kyiv Daily", "Reuters"]
        # re-ingesting the same feed changes nothing
        again = jobs.ingest([str(feed)], store=store, pipeline=pipeline)
        assert again.stored == 0
        assert store.rows("SELECT count(*) AS n FROM article_sources")[0]["n"] == 3


def test_force_reingest_keeps_one_index_entry(db_target, tmp_path):
    wire = result(WIRE, source="Reuters", url="https://wire.example/1")
    with open_store(db_target) as store:
        store.write(wire, on_insert=dedup.index_result)
        store.write(replace(wire, title="updated"), replace=True, on_insert=dedup.index_result)
        b, _ = dedup.bands()
        assert store.rows("SELECT count(*) AS n FROM article_lsh")[0]["n"] == b
        assert store.rows("SELECT count(*) AS n FROM article_minhash")[0]["n"] == 1
        assert len(dedup.sources(store, wire.id)) == 1


def test_story_event_helper_spans_point_into_text():
    e = story_event(WIRE, trigger="killing at least four people", fatalities=4, claimed_by="x",
                    day=date(2023, 1, 3))
    v = e.evidence[0]
    assert WIRE[v.start:v.end] == v.text
