"""REST API: filters, pagination, detail endpoints, token-gated POST, and bad requests."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient
from record_helpers import REWRITE, WIRE, result, story_event, three_outlets, write_all

from frontwire.api import create_app
from frontwire.errors import MethodNotAllowed, PostDisabled
from frontwire.model import Result, content_id
from frontwire.record import clusters
from frontwire.store import open_store
from frontwire.store.filters import encode_position

TOKEN = "s3cret-token-for-tests"

# A second story far away and later, so filters have something to tell apart.
KHARKIV = ("Ukrainian troops repelled an assault near Kupiansk in the Kharkiv region on Friday, "
           "the General Staff said, adding that fighting continued along the Oskil river.")


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def db(request, tmp_path_factory):
    """The same records in a DuckDB file and on a PostgreSQL server: every test runs on both."""
    import pg_server

    path = pg_server.module_target(request, tmp_path_factory, "fw_api")
    with open_store(path) as store:
        write_all(store, three_outlets())
        write_all(store, [result(KHARKIV, source="Example Post", url="https://post.example/k",
                                 published=date(2023, 2, 11), events=(story_event(
                                     KHARKIV, trigger="repelled an assault near Kupiansk",
                                     fatalities=None, claimed_by="the General Staff",
                                     event_type="Battles", sub="Armed clash", lat=49.71,
                                     lon=37.61, day=date(2023, 2, 10)),))])
        clusters.recompute(store)
    return path


@pytest.fixture(scope="module")
def client(db):
    with TestClient(create_app(db)) as c:
        yield c


def _state(db_path) -> tuple:
    with open_store(db_path, read_only=True) as s:
        return tuple(s.rows("SELECT count(*) AS n FROM articles")[0].values()) + \
            tuple(s.rows("SELECT count(*) AS n FROM events")[0].values())


@pytest.mark.parametrize("params, expected", [
    ({}, 3),
    ({"type": "Battles"}, 1),
    ({"type": "explosions/remote violence"}, 2),
    ({"since": "2023-02-01"}, 1),
    ({"until": "2023-01-03"}, 1),
    ({"bbox": "37,48.5,38,48.9"}, 2),
    ({"near": "49.7,37.6", "km": "20"}, 1),
    ({"near": "49.7,37.6", "km": "200"}, 3),
    ({"actor_country": "ru"}, 3),
    ({"actor_country": "PL"}, 0),
    ({"q": "precision strike"}, 1),
    ({"q": "kupiansk"}, 1),
    ({"q": "'; DROP TABLE events; --"}, 0),
    ({"q": "100%_"}, 0),
    ({"sub_type": "Armed clash"}, 1),
])
def test_event_filters(client, params, expected):
    r = client.get("/events", params=params)
    assert r.status_code == 200, r.text
    assert len(r.json()["items"]) == expected


def test_cursor_pagination_is_complete_and_stable(client):
    seen, cursor = [], None
    for _ in range(5):
        page = client.get("/events", params={"limit": 1, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        body = page.json()
        seen += [e["id"] for e in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    everything = [e["id"] for e in client.get("/events").json()["items"]]
    assert seen == everything and len(set(seen)) == 3


def test_cluster_mode_merges_the_story(client):
    body = client.get("/events", params={"mode": "cluster"}).json()
    sizes = sorted(c["n_sources"] for c in body["items"])
    assert sizes == [1, 3]
    big = next(c for c in body["items"] if c["n_sources"] == 3)
    assert big["conflicts"]["fatalities"][0]["value"] != big["conflicts"]["fatalities"][1]["value"]
    assert "RU" in big["claimants"] and "UA" in big["claimants"]


def test_cluster_filter_lists_its_events(client):
    wire_event = f"{content_id(WIRE)}.e1"
    cid = client.get(f"/events/{wire_event}").json()["cluster_id"]
    items = client.get("/events", params={"cluster": cid}).json()["items"]
    assert sorted(e["source"] if "source" in e else e["article_id"] for e in items) == \
        sorted([content_id(WIRE), content_id(REWRITE)])
    assert client.get("/events", params={"cluster": "k-none"}).json()["items"] == []


def test_event_detail_has_evidence_claimant_sources_cluster(client):
    wire_event = f"{content_id(WIRE)}.e1"
    r = client.get(f"/events/{wire_event}")
    assert r.status_code == 200, r.text
    ev = r.json()
    assert ev["evidence"][0]["text"] == "A Russian missile struck a residential building"
    assert ev["claimed_by"] == "Pavlo Kyrylenko"
    assert [s["source"] for s in ev["sources"]] == ["Reuters", "Kyiv Daily"]
    assert ev["cluster"]["n_sources"] == 3 and len(ev["cluster"]["events"]) == 2


def test_article_has_text_and_spans(client):
    r = client.get(f"/articles/{content_id(REWRITE)}")
    assert r.status_code == 200
    art = r.json()
    ev = next(s for s in art["spans"] if s["kind"] == "evidence")
    assert art["text"][ev["start"]:ev["end"]] == ev["text"]


def test_timeline_grid_summary(client):
    tl = client.get("/stats/timeline").json()["items"]
    assert sum(d["count"] for d in tl) == 3
    assert client.get("/stats/timeline", params={"bucket": "month"}).json()["items"][0] == \
        {"date": "2023-01-01", "count": 2}
    grid = client.get("/stats/grid", params={"zoom": 2}).json()["items"]
    assert sum(c["count"] for c in grid) == 3
    s = client.get("/stats/summary").json()
    assert s["events"] == 3 and s["post_enabled"] is False


def test_places_and_claims_endpoints_answer(client):
    assert client.get("/places").json() == {"items": [], "next_cursor": None}
    assert client.get("/claims", params={"speaker": "x'--"}).status_code == 200


@pytest.mark.parametrize("path, params, status", [
    ("/events", {"since": "2023-13-45"}, 400),
    ("/events", {"since": "yesterday"}, 400),
    ("/events", {"since": "2023-02-01", "until": "2023-01-01"}, 400),
    ("/events", {"bbox": "1,2,3"}, 400),
    ("/events", {"bbox": "1,2,3,x"}, 400),
    ("/events", {"bbox": "0,80,10,10"}, 400),
    ("/events", {"near": "49,37"}, 400),
    ("/events", {"near": "99,37", "km": "5"}, 400),
    ("/events", {"km": "-5", "near": "49,37"}, 400),
    ("/events", {"limit": "0"}, 400),
    ("/events", {"limit": "100000"}, 400),
    ("/events", {"cursor": "not-a-cursor"}, 400),
    ("/events", {"actor_country": "UKR"}, 400),
    ("/events", {"mode": "everything"}, 400),
    ("/events", {"q": "x" * 500}, 400),
    ("/events/nodot", {}, 400),
    ("/events/abc.e1", {}, 404),
    ("/events/1' OR '1'='1.e1", {}, 404),
    ("/articles/0000000000000000", {}, 404),
    ("/articles/x' OR 1=1 --", {}, 404),
    ("/no-such-endpoint", {}, 404),
    ("/stats/grid", {"zoom": "99"}, 400),
])
def test_bad_requests_get_json_errors_and_change_nothing(client, db, path, params, status):
    before = _state(db)
    r = client.get(path, params=params)
    assert r.status_code == status, r.text
    err = r.json()["error"]
    assert err["status"] == status and err["message"]
    assert re.fullmatch(r"FW[0-9]{3}", err["code"]) and "details" in err
    assert _state(db) == before


def test_wrong_method_says_which_are_allowed(client):
    r = client.request("TRACE", "/stats/summary")
    assert r.status_code == 405 and "GET" in r.headers["allow"]
    assert r.json()["error"]["code"] == MethodNotAllowed.code


def test_any_cursor_of_the_declared_format_is_a_position(client):
    start = encode_position(0, "", "")  # before every key: the first page again
    assert client.get("/events", params={"cursor": start}).json()["items"] == \
        client.get("/events").json()["items"]
    assert client.get("/places", params={"cursor": start}).status_code == 200
    end = encode_position(9999999, "\uffff", "")
    assert client.get("/events", params={"cursor": end}).json()["items"] == []


def test_openapi_declares_each_error_status(client):
    paths = client.get("/openapi.json").json()["paths"]
    one = paths["/events/{event_id}"]["get"]
    assert {"400", "404", "500", "503"} <= set(one["responses"]) and "422" not in one["responses"]
    assert one["parameters"][0]["schema"]["pattern"]
    post = paths["/articles"]["post"]
    assert {"400", "401", "403", "413", "415", "422"} <= set(post["responses"])
    err = post["responses"]["415"]["content"]["application/json"]["schema"]["$ref"]
    assert err.endswith("/ErrorBody")
    since = next(p for p in paths["/events"]["get"]["parameters"] if p["name"] == "since")
    assert "date" in json.dumps(since["schema"])


def test_post_is_off_without_a_token(client):
    r = client.post("/articles", json={"text": "Shelling hit Kherson on Monday."})
    assert r.status_code == 403 and r.json()["error"]["code"] == PostDisabled.code


def test_openapi_docs(client):
    docs = client.get("/docs")
    assert docs.status_code == 200 and "cdn" not in docs.text.lower()
    assert client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js").status_code == 200
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/events", "/events/{event_id}", "/articles/{article_id}", "/places", "/claims",
              "/stats/timeline", "/articles"):
        assert p in paths


class _FakePipeline:
    """Stands in for the NLP pipeline: one event per article, located in Kherson."""

    def process(self, articles):
        for a in articles:
            trig = a.text.split(".")[0]
            yield Result(id=a.id, text=a.text, source=a.source, url=a.url, title=a.title,
                         published=a.published, events=(story_event(
                             a.text, trigger=trig, fatalities=1, claimed_by="Oleksandr Prokudin",
                             lat=46.64, lon=32.61, day=date(2023, 3, 6)),))


@pytest.fixture(params=["duckdb", "postgres"])
def writer(request, tmp_path):
    if request.param == "postgres":
        path = request.getfixturevalue("pg_url")
    else:
        path = tmp_path / "post.duckdb"
    open_store(path).close()
    app = create_app(path, token=TOKEN, pipeline_factory=_FakePipeline, max_body=20_000)
    with TestClient(app) as c:
        yield c, path


AUTH = {"Authorization": f"Bearer {TOKEN}"}
STORY = "Russian shelling hit a market in Kherson on Monday, killing one woman. " * 3


def test_post_with_token_stores_and_dedups(writer):
    c, _ = writer
    r = c.post("/articles", json={"text": STORY, "source": "Outlet A", "published": "2023-03-07"},
               headers=AUTH)
    assert r.status_code == 201, r.text
    stored = r.json()["id"]
    again = c.post("/articles", json={"text": STORY + " With agency reporting.",
                                      "source": "Outlet B"}, headers=AUTH)
    assert again.status_code == 201 and again.json()["id"] == stored
    assert "near-duplicate" in again.json()["status"]
    art = c.get(f"/articles/{stored}").json()
    assert [s["source"] for s in art["sources"]] == ["Outlet A", "Outlet B"]
    raw = c.post("/articles?source=Outlet+C", content="Drones struck Odesa port overnight. " * 3,
                 headers={**AUTH, "Content-Type": "text/plain"})
    assert raw.status_code == 201 and raw.json()["status"] == "stored"


@pytest.mark.parametrize("kwargs, status", [
    ({"json": {"text": STORY}}, 401),
    ({"json": {"text": STORY}, "headers": {"Authorization": "Bearer wrong-token"}}, 403),
    ({"json": {"text": STORY, "html": "<p>x</p>"}, "headers": AUTH}, 400),
    ({"json": {}, "headers": AUTH}, 400),
    ({"json": {"text": STORY, "published": "2023-02-30"}, "headers": AUTH}, 400),
    ({"json": ["not", "an", "object"], "headers": AUTH}, 400),
    ({"content": b"{not json", "headers": {**AUTH, "Content-Type": "application/json"}}, 400),
    ({"content": b"x" * 30_000, "headers": {**AUTH, "Content-Type": "text/plain"}}, 413),
    ({"content": b"\xff\xfe\x00", "headers": {**AUTH, "Content-Type": "text/plain"}}, 400),
    ({"content": b"%PDF-1.4", "headers": {**AUTH, "Content-Type": "application/pdf"}}, 415),
    ({"content": b"<html><body><nav>Home</nav></body></html>",
      "headers": {**AUTH, "Content-Type": "text/html"}}, 422),
])
def test_bad_posts_are_refused_and_change_nothing(writer, kwargs, status):
    c, _ = writer
    r = c.post("/articles", **kwargs)
    assert r.status_code == status, r.text
    assert r.json()["error"]["message"]
    assert c.get("/stats/summary").json()["articles"] == 0


def test_short_tokens_are_refused(tmp_path):
    from frontwire.errors import FrontwireError

    with pytest.raises(FrontwireError):
        create_app(tmp_path / "x.duckdb", token="short")


def test_cluster_mode_pagination(client):
    first = client.get("/events", params={"mode": "cluster", "limit": 1}).json()
    assert len(first["items"]) == 1 and first["next_cursor"]
    second = client.get("/events", params={"mode": "cluster", "limit": 1,
                                           "cursor": first["next_cursor"]}).json()
    assert len(second["items"]) == 1 and second["next_cursor"] is None
    assert first["items"][0]["id"] != second["items"][0]["id"]
