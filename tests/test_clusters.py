"""Event clusters across articles: type, distance by precision, overlapping dates, other article."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date

import pytest
from record_helpers import REWRITE, WIRE, result, story_event, three_outlets, write_all

from frontwire.model import Location
from frontwire.record import clusters, linking
from frontwire.store import open_store

D = date(2023, 1, 3)


def _pair(db_target, *, b_lat=48.7389, b_lon=37.5848, b_prec=1, a_prec=1, b_day=D, b_end=None,
          b_type="Explosions/Remote violence", same_article=False, incremental=False):
    a = story_event(WIRE, trigger="A Russian missile struck", fatalities=4, claimed_by="Pavlo "
                    "Kyrylenko", day=D)
    a = replace(a, location=replace(a.location, precision=a_prec))
    b = story_event(REWRITE, trigger="a precision strike", fatalities=30,
                    claimed_by="Russian defence ministry", lat=b_lat, lon=b_lon, day=b_day,
                    event_type=b_type, eid="e2")
    b = replace(b, location=replace(b.location, precision=b_prec), date_end=b_end or b_day)
    if same_article:
        res = [result(WIRE, source="Reuters", url="u1", events=(a, replace(b, evidence=a.evidence)))]
    else:
        res = [result(WIRE, source="Reuters", url="u1", events=(a,)),
               result(REWRITE, source="Example Post", url="u2", events=(b,))]
    with open_store(db_target) as store:
        if incremental:  # one article at a time, each followed by an update
            for r in res:
                write_all(store, [r])
                clusters.update(store, [r.id])
        else:
            write_all(store, res)
            clusters.recompute(store)
        return store.rows("SELECT * FROM event_clusters ORDER BY n_events DESC")


# (label, pair options, one cluster?)
CASES = [
    ("same town, same day", {}, True),
    ("15 km apart, towns", {"b_lat": 48.60}, True),
    ("60 km apart, towns", {"b_lat": 48.20}, False),
    ("60 km apart, one region-level", {"b_lat": 48.20, "b_prec": 2}, True),
    ("300 km apart, region-level", {"b_lat": 46.0, "b_prec": 2}, False),
    ("300 km apart, one country-level", {"b_lat": 46.0, "b_prec": 3}, True),
    ("next day (night attack)", {"b_day": date(2023, 1, 4)}, True),
    ("a week later", {"b_day": date(2023, 1, 10)}, False),
    ("interval covering the day", {"b_day": date(2022, 12, 30), "b_end": date(2023, 1, 5)}, True),
    ("different type", {"b_type": "Battles"}, False),
    ("same article", {"same_article": True}, False),
]


@pytest.mark.parametrize("incremental", [False, True], ids=["recompute", "update"])
@pytest.mark.parametrize("label, opts, one", CASES, ids=[c[0] for c in CASES])
def test_pairs(db_target, label, opts, one, incremental):
    rows = _pair(db_target, incremental=incremental, **opts)
    assert (len(rows) == 1) == one, label
    assert sum(r["n_events"] for r in rows) == 2


@pytest.mark.parametrize("precisions, radius", [
    ((1, 1), 25.0), ((1, 2), 100.0), ((2, 3), 600.0), ((None, 1), None),
])
def test_radius_depends_on_precision(precisions, radius):
    assert linking.radius_km(*precisions) == radius


@pytest.mark.parametrize("claimant, side", [
    ("Russia's defence ministry", "RU"),
    ("the Kremlin", "RU"),
    ("Ukraine's General Staff", "UA"),
    ("Pavlo Kyrylenko", "UA"),
    ("Israel Defense Forces", "IL"),
    ("Gaza health ministry", "PS"),
    ("the Rapid Support Forces", "SD"),
    ("a local resident", None),
    (None, None),
])
def test_claimant_side(claimant, side):
    assert linking.claimant_side(claimant) == side


def test_claimant_side_falls_back_to_named_actor():
    assert linking.claimant_side("Azov brigade", actors=[("Azov brigade", "UA")]) == "UA"


def test_cluster_keeps_claimants_by_side_and_conflicts(db_target, tmp_path):
    with open_store(db_target) as store:
        write_all(store, three_outlets())
        summary = clusters.recompute(store)
        assert (summary.events, summary.clusters, summary.multi) == (2, 1, 1)
        (cid,) = [r["id"] for r in store.rows("SELECT id FROM event_clusters")]
        c = clusters.get_cluster(store, cid)
        assert c is not None
        assert c["claimants"] == {"UA": ["Pavlo Kyrylenko"], "RU": ["Russian defence ministry"]}
        fat = {v["value"]: v["claimed_by"] for v in c["conflicts"]["fatalities"]}
        assert fat == {4: ["Pavlo Kyrylenko"], 30: ["Russian defence ministry"]}
        assert (c["fatalities_min"], c["fatalities_max"]) == (4, 30)
        assert c["n_sources"] == 3 and len(c["events"]) == 2


def test_recompute_is_repeatable_and_leaves_raw_events(db_target, tmp_path):
    with open_store(db_target) as store:
        write_all(store, three_outlets())
        raw = store.rows("SELECT * FROM events ORDER BY article_id, id")
        first = clusters.recompute(store)
        ids = store.rows("SELECT id, n_sources FROM event_clusters ORDER BY id")
        second = clusters.recompute(store)
        assert first == second
        assert store.rows("SELECT id, n_sources FROM event_clusters ORDER BY id") == ids
        assert store.rows("SELECT * FROM events ORDER BY article_id, id") == raw


def test_undated_events_match_within_the_week_before_publication(db_target, tmp_path):
    a = story_event(WIRE, trigger="A Russian missile struck", fatalities=4, claimed_by="x", day=D)
    b = replace(story_event(REWRITE, trigger="a precision strike", fatalities=None,
                            claimed_by="y", eid="e2"), date_start=None, date_end=None)
    with open_store(db_target) as store:
        write_all(store, [result(WIRE, source="A", url="u1", events=(a,)),
                          result(REWRITE, source="B", url="u2", events=(b,),
                                 published=date(2023, 1, 5))])
        clusters.recompute(store)
        rows = store.rows("SELECT n_events, date_start FROM event_clusters")
        assert rows == [{"n_events": 2, "date_start": D}]


def test_events_without_coordinates_match_on_place_name(db_target, tmp_path):
    a = story_event(WIRE, trigger="A Russian missile struck", fatalities=4, claimed_by="x")
    b = story_event(REWRITE, trigger="a precision strike", fatalities=4, claimed_by="y", eid="e2")
    a = replace(a, location=Location(name="Kramatorsk", country="UA"))
    b = replace(b, location=Location(name="kramatorsk", country="UA"))
    with open_store(db_target) as store:
        write_all(store, [result(WIRE, source="A", url="u1", events=(a,)),
                          result(REWRITE, source="B", url="u2", events=(b,))])
        clusters.recompute(store)
        (row,) = store.rows("SELECT n_events, conflicts FROM event_clusters")
        assert row["n_events"] == 2 and json.loads(row["conflicts"]).get("fatalities") is None
