"""Geoparsing quality and gazetteer cost on GeoWebNews (Gritta, Pilehvar, Collier 2019).

Usage::

    python benchmarks/geoparse.py [../shared/data/geoparsing/GWN.xml] [--limit N] [--json]

Scores the toponyms that carry coordinates (all pragmatic types: literal, metonymic, modifier...)
for two systems computed in the same run over the same spaCy parses:

* **frontwire**: ``extract_places`` (entities + gazetteer matcher, scored ranker);
* **baseline**: spaCy GPE/LOC/FAC entities, each resolved to the most populous gazetteer entry
  with exactly that name (same gazetteer).

Metrics, as in the paper: recall of recognition (a gold toponym counts as recognized when a
predicted place overlaps its span); accuracy within 161 km and 25 km, median error and AUC of
the error curve (area under sorted ln(error+1)/ln(20039), lower is better). "End to end" counts a
missed or unresolved toponym as the maximum error (20,039 km); "resolved" uses only toponyms the
system recognized and placed; "gold spans" resolves the gold spans themselves (resolution alone).
Also reports the gazetteer's build time (fresh cache), load time and memory (fresh process).
Skips cleanly when the corpus is absent.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import statistics
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "data" / "geoparsing" / "GWN.xml"
MAX_KM = 20039.0


@dataclass
class Gold:
    start: int
    end: int
    name: str
    type: str
    lat: float
    lon: float


ALL_SPANS: dict[int, list[tuple[int, int]]] = {}  # article index -> every annotated span


def read_gwn(path: Path) -> list[tuple[str, list[Gold]]]:
    root = ET.parse(path).getroot()
    out = []
    for n, art in enumerate(root.iter("article")):
        text = art.findtext("text") or ""
        golds = []
        ALL_SPANS[n] = []
        for tp in art.iter("toponym"):
            ALL_SPANS[n].append((int(tp.findtext("start")), int(tp.findtext("end"))))
            lat, lon = tp.findtext("latitude"), tp.findtext("longitude")
            if not lat or not lon:
                continue
            golds.append(Gold(int(tp.findtext("start")), int(tp.findtext("end")),
                              tp.findtext("extractedName") or "", tp.findtext("type") or "",
                              float(lat), float(lon)))
        out.append((text, golds))
    return out


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    from frontwire.places.resolve import haversine_km

    return haversine_km(lat1, lon1, lat2, lon2)


def auc(errors: list[float]) -> float:
    """Gritta et al.: area under the sorted, log-scaled error curve, normalized to [0, 1]."""
    if len(errors) < 2:
        return float("nan")
    scaled = sorted(math.log(e + 1) / math.log(MAX_KM) for e in errors)
    area = sum((a + b) / 2 for a, b in itertools.pairwise(scaled))
    return area / (len(scaled) - 1)


def summarize(errors: list[float | None], recognized: int, total: int) -> dict[str, float]:
    e2e = [MAX_KM if e is None else e for e in errors]
    res = [e for e in errors if e is not None]

    def acc(xs: list[float], km: float) -> float:
        return sum(x <= km for x in xs) / len(xs) if xs else float("nan")

    return {
        "recall": recognized / total,
        "acc161": acc(e2e, 161), "acc25": acc(e2e, 25), "median_km": statistics.median(e2e),
        "auc": auc(e2e),
        "resolved": len(res), "res_acc161": acc(res, 161), "res_acc25": acc(res, 25),
        "res_median_km": statistics.median(res) if res else float("nan"), "res_auc": auc(res),
    }


def score(preds: list[list[tuple[int, int, float | None, float | None]]],
          corpus: list[tuple[str, list[Gold]]]) -> dict[str, float]:
    errors: list[float | None] = []
    recognized = total = 0
    predicted = annotated = 0
    for n, spans in enumerate(preds):
        marked = ALL_SPANS.get(n, [])
        predicted += len(spans)
        annotated += sum(1 for s, e, _la, _lo in spans if any(s < b and e > a for a, b in marked))
    for spans, (_text, golds) in zip(preds, corpus):
        for g in golds:
            total += 1
            hits = [(min(e, g.end) - max(s, g.start), lat, lon) for s, e, lat, lon in spans
                    if s < g.end and e > g.start]
            if not hits:
                errors.append(None)
                continue
            recognized += 1
            placed = [h for h in hits if h[1] is not None]
            if not placed:
                errors.append(None)
                continue
            _, lat, lon = max(placed, key=lambda h: h[0])
            errors.append(haversine(g.lat, g.lon, lat, lon))  # type: ignore[arg-type]
    out = summarize(errors, recognized, total)
    out["precision"] = annotated / predicted if predicted else float("nan")
    return out


def baseline(doc, gaz) -> list[tuple[int, int, float | None, float | None]]:
    from frontwire.places.names import normalize

    out = []
    for ent in doc.ents:
        if ent.label_ not in ("GPE", "LOC", "FAC"):
            continue
        text = ent.text
        start = ent.start_char
        if text.lower().startswith("the "):
            text, start = text[4:], start + 4
        entries = [gaz.entry(i) for i in gaz.lookup(normalize(text))]
        entries = [e for e in entries if e.lat is not None]
        if entries:
            best = max(entries, key=lambda e: e.population)
            out.append((start, ent.end_char, best.lat, best.lon))
        else:
            out.append((start, ent.end_char, None, None))
    return out


def gold_span_run(doc, golds: list[Gold], gaz) -> list[tuple[int, int, float | None, float | None]]:
    """Resolution alone: the gold spans are the mentions (recognizer's evidence kept)."""
    from frontwire.places.names import normalize
    from frontwire.places.recognize import Mention, recognize
    from frontwire.places.resolve import resolve

    found = recognize(doc, gazetteer=gaz)
    mentions = []
    for g in golds:
        same = [m for m in found if m.start < g.end and m.end > g.start]
        if same:
            mentions.extend(same)
            continue
        span = doc.char_span(g.start, g.end, alignment_mode="expand")
        if span is None:
            continue
        key = normalize(doc.text[g.start:g.end])
        ids = gaz.lookup(key)
        folded = not ids
        if folded:
            ids = gaz.lookup_folded(key)
        mentions.append(Mention(g.start, g.end, span.start, span.end, key, candidates=ids,
                                folded=folded and bool(ids), source="ner", label="GPE"))
    uniq = {id(m): m for m in mentions}
    ordered = sorted(uniq.values(), key=lambda m: m.start)
    for i, m in enumerate(ordered):  # containers refer to positions in this list
        m.container = None
        if i + 1 < len(ordered) and ordered[i + 1].start - m.end <= 2 \
                and doc.text[m.end:ordered[i + 1].start].strip() == ",":
            m.container = i + 1
    places = resolve(doc, ordered, gazetteer=gaz)
    return [(p.start, p.end, p.lat, p.lon) for p in places]


_COST = r"""
import json, sys, time, tracemalloc
from frontwire.places.cache import build, open_index, index_path
cache = sys.argv[1]
t = time.perf_counter(); build(cache_dir=cache); built = time.perf_counter() - t
path = index_path(cache)
tracemalloc.start()
t = time.perf_counter(); g = open_index(path); loaded = time.perf_counter() - t
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"build_s": built, "load_s": loaded, "heap_mb": peak / 1e6,
                  "file_mb": path.stat().st_size / 1e6, "entries": len(g),
                  "names": g.info()["names"]}))
"""

_LOAD = r"""
import json, sys, time
def rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
from frontwire.places.cache import open_index, index_path
rss0 = rss()
t = time.perf_counter(); g = open_index(index_path(sys.argv[1])); loaded = time.perf_counter() - t
rss1 = rss()
print(json.dumps({"load_s": loaded, "rss_mb": rss1, "rss_delta_mb": rss1 - rss0}))
"""


def gazetteer_cost() -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        first = json.loads(subprocess.run([sys.executable, "-c", _COST, tmp], check=True,
                                          capture_output=True, text=True).stdout)
        second = json.loads(subprocess.run([sys.executable, "-c", _LOAD, tmp], check=True,
                                           capture_output=True, text=True).stdout)
    return {**first, "load_fresh_process_s": second["load_s"],
            "rss_after_load_mb": second["rss_mb"], "rss_delta_mb": second["rss_delta_mb"]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", default=str(DEFAULT))
    ap.add_argument("--limit", type=int, default=0, help="first N articles only")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--no-cost", action="store_true", help="skip the gazetteer build/load timing")
    args = ap.parse_args(argv)
    path = Path(args.path)
    if not path.exists():
        print(f"skip: {path} is absent (GeoWebNews lives in ../shared/data/geoparsing)")
        return 0
    from frontwire.nlp import load_model
    from frontwire.places import extract_places, load_gazetteer

    corpus = read_gwn(path)
    if args.limit:
        corpus = corpus[: args.limit]
    nlp = load_model("auto")
    gaz = load_gazetteer()
    t0 = time.perf_counter()
    docs = list(nlp.pipe([text for text, _ in corpus], batch_size=16))
    t_nlp = time.perf_counter() - t0
    t0 = time.perf_counter()
    ours = [[(p.start, p.end, p.lat, p.lon) for p in extract_places(d, gazetteer=gaz)] for d in docs]
    t_ours = time.perf_counter() - t0
    base = [baseline(d, gaz) for d in docs]
    oracle = [gold_span_run(d, golds, gaz) for d, (_t, golds) in zip(docs, corpus)]
    results = {"frontwire": score(ours, corpus), "baseline": score(base, corpus),
               "frontwire, gold spans": score(oracle, corpus)}
    n_gold = sum(len(g) for _t, g in corpus)
    meta = {"articles": len(corpus), "toponyms_with_coordinates": n_gold,
            "spacy_seconds": round(t_nlp, 1), "places_seconds": round(t_ours, 2)}
    cost = {} if args.no_cost else gazetteer_cost()
    if args.json:
        print(json.dumps({"meta": meta, "results": results, "gazetteer": cost}, indent=2))
        return 0
    print(f"GeoWebNews: {meta['articles']} articles, {n_gold} toponyms with coordinates; "
          f"spaCy {meta['spacy_seconds']} s, places stage {meta['places_seconds']} s")
    print()
    print("| system | recall | precision | acc@161km | acc@25km | median km | AUC | resolved "
          "| acc@161 of resolved | AUC of resolved |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, r in results.items():
        print(f"| {name} | {r['recall']:.3f} | {r['precision']:.3f} | {r['acc161']:.3f} | "
              f"{r['acc25']:.3f} | {r['median_km']:.0f} | {r['auc']:.3f} | {r['resolved']} | {r['res_acc161']:.3f} | "
              f"{r['res_auc']:.3f} |")
    if cost:
        print()
        print(f"gazetteer: build {cost['build_s']:.1f} s (fresh cache), load {cost['load_s']:.2f} s "
              f"(fresh process {cost['load_fresh_process_s']:.2f} s), Python heap "
              f"{cost['heap_mb']:.0f} MB, process RSS +{cost['rss_delta_mb']:.0f} MB for the index "
              f"({cost['rss_after_load_mb']:.0f} MB with spaCy imported), "
              f"file {cost['file_mb']:.0f} MB, "
              f"{cost['entries']} entries, {cost['names']} name keys")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
