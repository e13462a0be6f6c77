"""Map page load time at 100,000 events, in headless Chromium (Debian's /usr/bin/chromium).

Generates a database of ``--events`` events in bulk (benchmarks/record_db.py), serves it with
uvicorn on 127.0.0.1, and loads ``/`` ``--runs`` times in a fresh browser page each: the time
until the page has drawn the map, the timeline and its markers (``body[data-ready]``), the
bytes of JSON it fetched (the server aggregates, so this stays small), and the time to redraw
after zooming in and after brushing the timeline.

    python benchmarks/page_load.py [--events 100000] [--runs 5] [--db FILE]

Skips (exit 0) when /usr/bin/chromium or playwright is absent.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "benchmarks"))

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--db", default=None)
    a = ap.parse_args()
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        print("skipped: playwright is not installed")
        return
    if not CHROMIUM.exists():
        print("skipped: /usr/bin/chromium is absent")
        return
    from api_latency import serve
    from record_db import generate

    tmp = tempfile.TemporaryDirectory()
    db = Path(a.db) if a.db else Path(tmp.name) / "page.duckdb"
    if not db.exists():
        print(f"generated {a.events:,} events in {generate(db, events=a.events):.1f} s",
              file=sys.stderr)
    srv, base = serve(db)
    loads, json_kb, zooms, brushes = [], [], [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        for _ in range(a.runs):
            page = browser.new_page(viewport={"width": 1300, "height": 850})
            sizes: list[int] = []
            page.on("response", lambda r, sizes=sizes: sizes.append(len(r.body()))
                    if "json" in (r.headers.get("content-type") or "")
                    and "countries" not in r.url else None)
            t0 = time.perf_counter()
            page.goto(base + "/")
            page.wait_for_selector("body[data-ready='1']", state="attached", timeout=60_000)
            loads.append(time.perf_counter() - t0)
            json_kb.append(sum(sizes) / 1024)
            status = page.inner_text("#status")
            # zoom in by two levels and wait for the redraw
            t0 = time.perf_counter()
            page.evaluate("document.querySelector('#status').textContent = 'zooming'; "
                          "map.setZoom(map.getZoom() + 2); null")
            page.wait_for_function("!/zooming|loading/.test(document.querySelector('#status')"
                                   ".textContent)", timeout=60_000)
            zooms.append(time.perf_counter() - t0)
            box = page.locator("#timeline").bounding_box()
            assert box is not None
            t0 = time.perf_counter()
            y = box["y"] + box["height"] / 2
            page.mouse.move(box["x"] + box["width"] * 0.2, y)
            page.mouse.down()
            page.mouse.move(box["x"] + box["width"] * 0.4, y, steps=3)
            page.evaluate("document.querySelector('#status').textContent = 'brushing'")
            page.mouse.up()
            page.wait_for_function("!/brushing|loading/.test(document.querySelector('#status')"
                                   ".textContent)", timeout=60_000)
            brushes.append(time.perf_counter() - t0)
            page.close()
        browser.close()
    # Baseline: what a page that ships every row would have to download (all /events pages).
    import httpx

    t0, total, cursor = time.perf_counter(), 0, None
    with httpx.Client(base_url=base, timeout=120) as client:
        for _ in range(a.events // 1000 + 2):  # bounded: one request per 1,000 events
            r = client.get("/events", params={"limit": 1000, **({"cursor": cursor}
                                                                if cursor else {})})
            total += len(r.content)
            cursor = r.json()["next_cursor"]
            if not cursor:
                break
    naive_s, naive_kb = time.perf_counter() - t0, total / 1024
    srv.should_exit = True
    med = statistics.median
    print(f"| map page, {a.events:,} events ({a.runs} runs, median) | value |")
    print("|---|---:|")
    print(f"| load to markers drawn | {med(loads) * 1000:.0f} ms (max {max(loads) * 1000:.0f}) |")
    print(f"| JSON fetched on load | {med(json_kb):.0f} kB |")
    print(f"| redraw after zooming in 2 levels | {med(zooms) * 1000:.0f} ms |")
    print(f"| redraw after brushing the timeline | {med(brushes) * 1000:.0f} ms |")
    print(f"| baseline: every row fetched (1,000 per request) | {naive_s * 1000:.0f} ms, "
          f"{naive_kb / 1024:.0f} MB of JSON |")
    print(f"| status after load | {status} |")


if __name__ == "__main__":
    main()
