"""Incremental clusters: ``clusters.update`` after each write gives what a full rebuild gives."""

from __future__ import annotations

import math
import random
from dataclasses import replace
from datetime import date, timedelta

import pytest
from record_helpers import result, story_event, write_all

from frontwire.geo import haversine_km
from frontwire.model import Location, Result
from frontwire.record import clusters, dedup
from frontwire.store import open_store

CLUSTER_COLS = ", ".join(c for c in clusters._COLUMNS)
D0 = date(2023, 1, 3)
TOWNS = [  # name, lat, lon: a few within one town radius, others 60-300 km apart
    ("Kramatorsk", 48.7389, 37.5848), ("Sloviansk", 48.8530, 37.6050),
    ("Druzhkivka", 48.6300, 37.5600), ("Bakhmut", 48.5950, 38.0000),
    ("Izium", 49.2100, 37.2600), ("Zaporizhzhia", 47.8388, 35.1396),
]
TYPES = ["Explosions/Remote violence", "Battles", "explosions/remote violence"]
_WORD_LIST = ("shelling strike village road bridge market depot column convoy shelter brigade "
         "drone missile artillery rocket district station officials residents governor "
         "morning evening overnight reported damaged killed wounded regional council "
         "emergency service mayor police military statement claims footage witnesses")
WORDS = _WORD_LIST.split()


def snapshot(store) -> tuple[list[dict], list[dict]]:  # type: ignore[no-untyped-def]
    return (store.rows(f"SELECT {CLUSTER_COLS} FROM event_clusters ORDER BY id"),
            store.rows("SELECT * FROM cluster_events ORDER BY article_id, event_id"))


def assert_same_as_rebuild(store) -> None:  # type: ignore[no-untyped-def]
    got = snapshot(store)
    clusters.recompute(store)
    want = snapshot(store)
    assert got[1] == want[1]
    assert got[0] == want[0]


def text_for(rng: random.Random, n: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(40))
    return f"Report {n} {rng.random():.12f}: shelling hit the town. {words}."


def random_event(rng: random.Random, text: str, eid: str):  # type: ignore[no-untyped-def]
    name, lat, lon = rng.choice(TOWNS)
    day = D0 + timedelta(days=rng.randrange(8))
    ev = story_event(text, trigger="shelling hit the town", fatalities=rng.choice([None, 1, 4]),
                     claimed_by=rng.choice(["Pavlo Kyrylenko", "Russia's defence ministry",
                                            "a local resident"]),
                     lat=lat + rng.uniform(-0.05, 0.05), lon=lon + rng.uniform(-0.05, 0.05),
                     day=day, event_type=rng.choice(TYPES), eid=eid)
    precision = rng.choice([1, 1, 1, 2, 3, None])
    ev = replace(ev, location=replace(ev.location, name=name, precision=precision))
    kind = rng.random()
    if kind < 0.12:  # unlocated: matched on the place name, in any case
        ev = replace(ev, location=Location(name=rng.choice([name, name.lower(), name.upper()]),
                                           country="UA"))
    elif kind < 0.2:  # undated: matched over the week before publication
        ev = replace(ev, date_start=None, date_end=None)
    elif kind < 0.3:  # a span of days
        ev = replace(ev, date_end=day + timedelta(days=rng.randrange(1, 4)))
    elif kind < 0.33:  # nothing to place it by
        ev = replace(ev, location=None)
    return ev


def random_article(rng: random.Random, n: int, text: str | None = None) -> Result:
    text = text or text_for(rng, n)
    events = tuple(random_event(rng, text, f"e{i + 1}") for i in range(rng.randrange(0, 4)))
    return result(text, source=rng.choice(["Reuters", "AP", "Kyiv Daily", "TASS", None]),
                  url=f"https://news.example/{n}", events=events,
                  published=D0 + timedelta(days=rng.randrange(10)))


@pytest.mark.parametrize("seed", range(6))
def test_updates_after_random_steps_equal_a_full_rebuild(db_target, seed):
    rng = random.Random(seed)
    stored: list[Result] = []
    n = 0
    with open_store(db_target) as store:
        for _step in range(5):
            touched: list[str] = []
            for _ in range(rng.randrange(1, 6)):
                n += 1
                roll = rng.random()
                if stored and roll < 0.2:  # replaced with --force: same text, new events
                    old = rng.choice(stored)
                    new = random_article(rng, n, text=old.text)
                    store.write(new, replace=True, on_insert=dedup.index_result)
                    stored[stored.index(old)] = new
                    touched.append(new.id)
                elif stored and roll < 0.35:  # a reprint: becomes a source of the stored one
                    old = rng.choice(stored)
                    copy = result(old.text + " With agency reporting.", source=f"Outlet {n}",
                                  url=f"https://copy.example/{n}")
                    write_all(store, [copy])
                    touched.append(copy.id)
                else:
                    new = random_article(rng, n)
                    write_all(store, [new])
                    stored.append(new)
                    touched.append(new.id)
            summary = clusters.update(store, touched)
            assert not summary.full
            assert_same_as_rebuild(store)
        assert store.rows("SELECT count(*) AS n FROM event_clusters")[0]["n"] > 0


# -- targeted cases ------------------------------------------------------------------------

def _article(n: int, *events_spec: dict, source: str = "Reuters") -> Result:
    text = f"Dispatch number {n} from the front: shelling hit the town " + " ".join(
        WORDS[(n * 7 + i) % len(WORDS)] + str(n) for i in range(30))
    events = []
    for i, spec in enumerate(events_spec):
        ev = story_event(text, trigger="shelling hit the town", fatalities=spec.get("dead"),
                         claimed_by=spec.get("by", "Pavlo Kyrylenko"), eid=f"e{i + 1}",
                         day=spec.get("day", D0), lat=spec.get("lat", 48.7389),
                         event_type=spec.get("type", "Explosions/Remote violence"))
        events.append(replace(ev, date_end=spec.get("end", ev.date_end)))
    return result(text, source=source, url=f"https://news.example/{n}", events=tuple(events))


def _groups(store) -> list[list[str]]:  # type: ignore[no-untyped-def]
    by: dict[str, list[str]] = {}
    for r in store.rows("SELECT * FROM cluster_events ORDER BY article_id, event_id"):
        by.setdefault(r["cluster_id"], []).append(r["article_id"])
    return sorted(sorted(v) for v in by.values())


def test_a_bridging_event_merges_two_clusters(db_target):
    a = _article(1, {"day": D0})
    b = _article(2, {"day": D0 + timedelta(days=3)}, source="AP")
    bridge = _article(3, {"day": D0 + timedelta(days=1), "end": D0 + timedelta(days=2)},
                      source="Kyiv Daily")
    with open_store(db_target) as store:
        for art in (a, b):
            write_all(store, [art])
            clusters.update(store, [art.id])
        assert _groups(store) == sorted([[a.id], [b.id]])
        write_all(store, [bridge])
        summary = clusters.update(store, [bridge.id])
        assert (summary.events, summary.clusters, summary.full) == (3, 1, False)
        assert _groups(store) == [sorted([a.id, b.id, bridge.id])]
        assert store.rows("SELECT count(*) AS n FROM event_clusters")[0]["n"] == 1
        assert_same_as_rebuild(store)


def test_a_force_replaced_article_splits_its_cluster(db_target):
    a = _article(1, {"day": D0})
    b = _article(2, {"day": D0 + timedelta(days=1)}, source="AP")
    c = _article(3, {"day": D0 + timedelta(days=2)}, source="TASS")
    with open_store(db_target) as store:
        write_all(store, [a, b, c])
        clusters.update(store, [a.id, b.id, c.id])
        assert _groups(store) == [sorted([a.id, b.id, c.id])]
        # b re-extracted: its event is now a battle, so it no longer bridges a and c.
        b2 = replace(b, events=tuple(replace(e, event_type="Battles") for e in b.events))
        assert b2.id == b.id
        store.write(b2, replace=True, on_insert=dedup.index_result)
        clusters.update(store, [b2.id])
        assert _groups(store) == sorted([[a.id], [b.id], [c.id]])
        assert_same_as_rebuild(store)
        # and with no events at all its old cluster rows go too
        store.write(replace(b, events=()), replace=True, on_insert=dedup.index_result)
        clusters.update(store, [b.id])
        assert _groups(store) == sorted([[a.id], [c.id]])
        assert_same_as_rebuild(store)


def test_an_added_source_counts_in_the_cluster(db_target):
    a = _article(1, {"day": D0})
    b = _article(2, {"day": D0}, source="AP")
    reprint = result(a.text + " With agency reporting.", source="Kyiv Daily",
                     url="https://kyivdaily.example/1")
    with open_store(db_target) as store:
        write_all(store, [a, b])
        clusters.update(store, [a.id, b.id])
        assert store.rows("SELECT n_sources FROM event_clusters") == [{"n_sources": 2}]
        write_all(store, [reprint])  # not stored: a source of a
        assert not store.has_article(reprint.id)
        clusters.update(store, [reprint.id])  # the reprint's id stands for a
        (row,) = store.rows("SELECT n_sources, sources FROM event_clusters")
        assert row["n_sources"] == 3 and "Kyiv Daily" in row["sources"]
        assert_same_as_rebuild(store)


def test_events_stored_without_an_update_are_taken_in(db_target):
    quiet = [_article(i, {"day": D0 + timedelta(days=i)}, source=f"S{i}") for i in range(2)]
    named = [_article(i, {"day": D0, "lat": 46.0}, source=f"S{i}") for i in range(2, 4)]
    with open_store(db_target) as store:
        write_all(store, [*quiet, named[0]])  # never clustered
        summary = clusters.update(store, [named[1].id])  # nothing stored under this id yet
        assert (summary.events, summary.full) == (3, False)
        write_all(store, [named[1]])
        clusters.update(store, [named[1].id])
        assert _groups(store) == sorted([sorted(a.id for a in quiet),
                                         sorted(a.id for a in named)])
        assert_same_as_rebuild(store)
        # an article deleted behind the update's back leaves member rows without events
        store.execute("DELETE FROM events WHERE article_id = ?", [quiet[0].id])
        clusters.update(store, [])
        assert_same_as_rebuild(store)


def test_far_away_clusters_are_not_rewritten(db_target):
    near = [_article(1, {"day": D0}), _article(2, {"day": D0}, source="AP")]
    far = _article(3, {"day": D0, "lat": 46.0})  # ~300 km south
    with open_store(db_target) as store:
        write_all(store, [*near, far])
        clusters.recompute(store)
        before = store.rows("SELECT id, computed_at FROM event_clusters ORDER BY id")
        late = _article(4, {"day": D0}, source="TASS")
        write_all(store, [late])
        summary = clusters.update(store, [late.id])
        assert (summary.events, summary.clusters) == (3, 1)
        after = {r["id"]: r["computed_at"] for r in store.rows(
            "SELECT id, computed_at FROM event_clusters")}
        far_id = store.rows("SELECT cluster_id FROM cluster_events WHERE article_id = ?",
                            [far.id])[0]["cluster_id"]
        assert after[far_id] == {r["id"]: r["computed_at"] for r in before}[far_id]
        assert_same_as_rebuild(store)


def test_a_large_share_of_new_events_rebuilds_everything(db_target, monkeypatch):
    monkeypatch.setattr(clusters, "_FULL_MIN", 1)
    arts = [_article(i, {"day": D0}, source=f"S{i}") for i in range(4)]
    with open_store(db_target) as store:
        write_all(store, arts)
        assert clusters.update(store, [a.id for a in arts]).full
        assert not clusters.update(store, [arts[0].id]).full
        assert_same_as_rebuild(store)


@pytest.mark.parametrize("lat, lon, km", [
    (48.7, 37.6, 25), (48.7, 37.6, 600), (0.0, 0.0, 100), (-33.9, 151.2, 25),
    (78.2, 15.6, 600), (89.5, 10.0, 100),  # the circle reaches the pole
    (64.8, 179.9, 100), (-17.7, -179.95, 25),  # across the antimeridian
])
def test_the_prefilter_box_holds_every_point_within_the_radius(lat, lon, km):
    lat0, lat1, lons = clusters._box(lat, lon, km)
    rng = random.Random(1)
    for _ in range(2000):
        # a random point at a random bearing and distance up to exactly km
        d, bearing = km * math.sqrt(rng.random()) / 6371.0088, rng.uniform(0, 2 * math.pi)
        if rng.random() < 0.2:
            d = km / 6371.0088
        p1, l1 = math.radians(lat), math.radians(lon)
        p2 = math.asin(math.sin(p1) * math.cos(d) + math.cos(p1) * math.sin(d) * math.cos(bearing))
        l2 = l1 + math.atan2(math.sin(bearing) * math.sin(d) * math.cos(p1),
                             math.cos(d) - math.sin(p1) * math.sin(p2))
        plat, plon = math.degrees(p2), (math.degrees(l2) + 540) % 360 - 180
        if haversine_km(lat, lon, plat, plon) > km:
            continue
        assert lat0 <= plat <= lat1
        if lons is not None:
            assert lons[0] <= plon <= lons[1]
