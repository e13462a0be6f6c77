"""The map page in a real browser: markers, timeline brush, event panel with evidence.

Playwright (from PyPI) drives Debian's /usr/bin/chromium (``.ci/run`` installs it); the server
is uvicorn on 127.0.0.1 over a small test database. A screenshot goes to test-artifacts/.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from record_helpers import result, three_outlets, write_all

from frontwire.model import Actor, Event, Evidence, Location
from frontwire.record import clusters
from frontwire.store import open_store

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (apt-get "
                                                     "install chromium; .ci/run does)"),
]
playwright = pytest.importorskip("playwright.sync_api")
uvicorn = pytest.importorskip("uvicorn")

TOWNS = [("Kherson", 46.64, 32.61), ("Kharkiv", 49.99, 36.23), ("Zaporizhzhia", 47.84, 35.14),
         ("Odesa", 46.48, 30.72), ("Sumy", 50.91, 34.80)]
TYPES = [("Battles", "Armed clash"), ("Explosions/Remote violence", "Air/drone strike"),
         ("Violence against civilians", "Attack")]


def _town_results() -> list:
    """30 events in five towns over two months, and one alone in Lviv (to click)."""
    out = []
    for i in range(31):
        town, lat, lon = TOWNS[i % len(TOWNS)] if i < 30 else ("Lviv", 49.84, 24.03)
        etype, sub = TYPES[i % len(TYPES)]
        day = date(2023, 1, 1) + timedelta(days=2 * i)
        sentence = (f"Report {i}: a {sub.lower()} was reported in {town} on "
                    f"{day.strftime('%d %B %Y')}, officials in the region said.")
        text = sentence + f" Residents described the day in detail to reporter number {i}."
        ev = Event(id="e1", event_type=etype, sub_event_type=sub,
                   actor1=Actor(name="Military Forces of Russia", country="RU", kind="military"),
                   location=Location(name=town, country="UA", lat=lat, lon=lon, precision=1),
                   date_start=day, date_end=day, date_precision="day", fatalities=i % 4,
                   claimed_by="regional governor",
                   evidence=(Evidence(text=sentence, start=0, end=len(sentence)),), confidence=0.7)
        out.append(result(text, source=f"Outlet {i % 3}", url=f"https://news.example/{i}",
                          events=(ev,), published=day, title=f"{town} report {i}"))
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    path = tmp_path_factory.mktemp("web") / "web.duckdb"
    with open_store(path) as store:
        write_all(store, three_outlets())
        for r in _town_results():  # templated texts: stored one by one, not deduplicated
            store.write(r)
        clusters.recompute(store)
    yield from _serve(path)


def _serve(path: Path):  # type: ignore[no-untyped-def]
    """Serve the database at ``path`` with uvicorn on 127.0.0.1; yields the base URL."""
    from frontwire.api import create_app

    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(create_app(path), host="127.0.0.1", port=port,
                                        log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            pytest.fail("uvicorn did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def page(server):
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        # bypass_csp: Playwright's wait_for_function evaluates strings, which the page's CSP
        # (script-src 'self') forbids; the harness, not the page, needs that.
        pg = browser.new_page(viewport={"width": 1300, "height": 850}, bypass_csp=True)
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        pg.on("requestfailed", lambda req: errors.append(f"{req.url} failed")
              if not req.url.startswith(server) else None)
        pg.goto(server + "/")
        pg.wait_for_selector("body[data-ready='1']", state="attached", timeout=15_000)
        pg.errors = errors  # type: ignore[attr-defined]
        yield pg
        browser.close()


def _shown(pg) -> int:  # type: ignore[no-untyped-def]
    """Events the status line reports, once the map has finished (re)loading."""
    # Read the text in the same evaluation that checks it: a reload may start right after.
    handle = pg.wait_for_function(
        "(() => { const t = document.querySelector('#status').textContent;"
        " return /^\\d[\\d,]* /.test(t) ? t : false; })()", timeout=10_000)
    text = handle.json_value()
    return int(text.split()[0].replace(",", ""))


def test_markers_appear_and_page_needs_no_internet(page):
    # fitBounds fires a moveend that reloads the markers after the page says ready: wait for
    # the status line of the finished load, then for its markers
    assert _shown(page) == 33
    page.wait_for_selector(".leaflet-marker-icon", timeout=10_000)
    assert page.locator(".leaflet-marker-icon").count() > 0
    assert _shown(page) == 33  # 31 town events and the two of the Kramatorsk story
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1  # bundled country outlines
    assert page.errors == []  # no request left this machine, no script error


def test_brushing_the_timeline_filters_the_map(page):
    box = page.locator("#timeline").bounding_box()
    assert box is not None
    before = _shown(page)
    y = box["y"] + box["height"] / 2
    page.mouse.move(box["x"] + box["width"] * 0.05, y)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] * 0.30, y, steps=5)
    page.mouse.up()
    page.wait_for_function(f"!document.querySelector('#status').textContent.startsWith('{before} ')"
                           " && !document.querySelector('#status').textContent.startsWith('load')",
                           timeout=10_000)
    after = _shown(page)
    assert 0 < after < before
    assert page.locator("#timeline rect.brush").count() == 1
    page.dblclick("#timeline")
    page.wait_for_function(f"document.querySelector('#status').textContent.startsWith('{before} ')",
                           timeout=10_000)


def test_clicking_an_event_shows_its_evidence(page):
    page.locator(".event-marker[title*='Lviv']").click()
    page.wait_for_selector("#panel mark.evidence", timeout=10_000)
    mark = page.inner_text("#panel mark.evidence")
    assert "was reported in Lviv" in mark
    assert page.inner_text("#panel .claimant") == "regional governor"
    assert "Outlet" in page.inner_text("#panel")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "map.png"), full_page=True)
    assert (ARTIFACTS / "map.png").stat().st_size > 10_000


def test_cluster_sources_in_the_panel(page):
    # open the Kramatorsk story through the API id of its wire event
    ids = page.evaluate("fetch('/events?q=residential').then(r => r.json())"
                        ".then(b => b.items.map(e => e.id))")
    page.evaluate(f"showEvent({ids[0]!r})")
    page.wait_for_selector("#panel mark.evidence", timeout=10_000)
    panel = page.inner_text("#panel")
    assert "Cluster: 3 source(s)" in panel
    assert "Example Post" in panel and "Kyiv Daily" in panel
    assert "fatalities: 4" in panel and "30" in panel


def test_api_docs_render_offline(page, server):
    ctx = page.context.browser.new_context()
    docs = ctx.new_page()
    failed: list[str] = []
    docs.on("requestfailed", lambda req: failed.append(req.url))
    docs.goto(server + "/docs")
    docs.wait_for_selector(".swagger-ui .opblock", timeout=15_000)
    assert docs.locator(".opblock").count() >= 8
    assert failed == []
    ctx.close()


# -- hostile input: what feeds and files carry must stay text on the page ---------------------

HOSTILE_TITLE = 'Kherson <img src=x onerror="window.__pwned=1;alert(1)"> report'
HOSTILE_TEXT = ("Russian forces shelled Kherson on 3 March 2023, killing two civilians, the "
                "regional governor said. <script>window.__pwned=2</script> Residents said "
                "<b onmouseover=alert(3)>bold</b> claims spread online.")


def test_hostile_record_stays_text_in_the_browser(tmp_path, pipeline, page):
    """A JSONL record with a javascript: URL, markup in its title, source and text goes through
    the real ingest into DuckDB; the page shows it as text, links nothing, runs nothing."""
    from frontwire import jobs

    records = [
        {"id": "hostile", "url": "javascript:alert(document.domain)", "title": HOSTILE_TITLE,
         "source": "<img src=x onerror=alert(4)>Evil Wire", "published": "2023-03-03",
         "text": HOSTILE_TEXT},
        {"id": "benign", "url": "https://news.example/odesa", "title": "Odesa report",
         "source": "Odesa Daily", "published": "2023-03-05",
         "text": "Russian drones struck Odesa on 5 March 2023, killing one person, the "
                 "city's mayor said on Sunday."},
    ]
    src = tmp_path / "hostile.jsonl"
    src.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    db = tmp_path / "hostile.duckdb"
    with open_store(db) as store:
        summary = jobs.ingest([str(src)], store=store, pipeline=pipeline)
        assert summary.stored == 2, summary.rejected
    server = _serve(db)
    base = next(server)
    # Without the page's CSP, so that app.js's own rendering is what is tested (the CSP is a
    # second wall, checked by its header below). The module's browser is reused.
    ctx = page.context.browser.new_context(viewport={"width": 1300, "height": 850},
                                           bypass_csp=True)
    try:
        pg = ctx.new_page()
        dialogs: list[str] = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        response = pg.goto(base + "/")
        assert response is not None
        assert "script-src 'self'" in response.headers["content-security-policy"]
        pg.wait_for_selector("body[data-ready='1']", state="attached", timeout=15_000)
        events = pg.evaluate("fetch('/events?limit=50').then(r => r.json())"
                             ".then(b => b.items.map(e => [e.id, e.article_id]))")
        by_article = {a: e for e, a in events}
        assert {"hostile", "benign"} <= set(by_article), events
        pg.evaluate(f"showEvent({by_article['hostile']!r})")
        pg.wait_for_selector("#panel .article", timeout=10_000)
        panel = pg.inner_text("#panel")
        assert HOSTILE_TITLE in panel  # the markup is shown, as text
        assert "<script>window.__pwned=2</script>" in panel
        assert "<img src=x onerror=alert(4)>Evil Wire" in panel
        assert pg.locator("#panel img, #panel script, #panel b, #panel [onerror]").count() == 0
        assert pg.locator("#panel a").count() == 0  # javascript: is no link at all
        # the benign article's https URL is a link, opened without the opener
        pg.evaluate(f"showEvent({by_article['benign']!r})")
        pg.wait_for_selector("#panel a[href='https://news.example/odesa']", timeout=10_000)
        rel = pg.get_attribute("#panel a", "rel") or ""
        assert {"noopener", "noreferrer"} <= set(rel.split())
        assert pg.locator("a[href^='javascript:' i]").count() == 0
        assert pg.evaluate("window.__pwned") is None
        assert dialogs == []
    finally:
        ctx.close()
        next(server, None)
