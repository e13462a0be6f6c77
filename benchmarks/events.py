"""Events benchmark: the project's own gold set (eval/events) and, when present, the shared
Bakhmut example, scored with ``frontwire.evaluate.score`` (the rules of
../shared/examples/README.md).

It runs clean -> spaCy -> places -> times -> claims -> events itself, so it measures the
events stage before the pipeline wires it in.

    python benchmarks/events.py [GOLD.json ...] [--json] [-v]

Prints event precision, recall, F1 and attribute accuracies (Markdown).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "eval" / "events"
BAKHMUT = ROOT.parent / "shared" / "examples" / "bakhmut-2023-01-04.gold.json"


def _guard_place_for() -> None:
    """Temporary: places.locate._relation loops forever at the root (``cur.head is cur`` is
    never true for spaCy tokens). Reported to the lead; this patch applies only while the
    buggy line is present."""
    import inspect

    import frontwire.places.locate as L

    if "cur.head is cur" not in inspect.getsource(L._relation):
        return

    def _relation(anchor: set[int], tok: Any) -> int | None:
        depth, cur = 0, tok
        while True:
            if cur.i in anchor:
                return depth
            if cur.head.i == cur.i or (cur.dep_ in L._CLAUSE_LINKS and cur.pos_ in ("VERB", "AUX")):
                break
            cur, depth = cur.head, depth + 1
        for i in anchor:
            node, steps = tok.doc[i], 0
            while node.head.i != node.i and steps < 4:
                node, steps = node.head, steps + 1
                if node.i == tok.i:
                    return 10 + steps
        return None

    L._relation = _relation


def run_article(text: str, *, published: dt.date | None, nlp: Any, gazetteer: Any) -> Any:
    """One article through every stage, as a ``Result``."""
    from frontwire.claims import extract_claims
    from frontwire.clean import clean
    from frontwire.events import extract_events
    from frontwire.model import Result, content_id
    from frontwire.places import extract_places
    from frontwire.times import extract_times

    cl = clean(text)
    doc = nlp(cl.text)
    places = extract_places(doc, gazetteer=gazetteer)
    times = extract_times(doc, published=published)
    claims = extract_claims(doc, published=published, times=times)
    events = extract_events(doc, places=places, times=times, claims=claims, published=published)
    return Result(id=content_id(cl.text), text=doc.text, published=published,
                  removed=cl.removed, places=tuple(places), times=tuple(times),
                  claims=tuple(claims), events=tuple(events))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="*")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    from frontwire.evaluate import Score, load_gold, score
    from frontwire.nlp import load_model
    from frontwire.places import load_gazetteer

    _guard_place_for()
    paths = [Path(p) for p in args.gold] or sorted(EVAL.glob("*.gold.json"))
    if not paths:
        print("no gold files", file=sys.stderr)
        return 0
    t0 = time.perf_counter()
    nlp, gaz = load_model("auto"), load_gazetteer()
    t_load = time.perf_counter() - t0
    total = Score()
    files = []
    t0 = time.perf_counter()
    for p in paths:
        gold = load_gold(p)
        art = gold["article"]
        text = (p.parent / art["file"]).read_text(encoding="utf-8")
        pub = dt.date.fromisoformat(art["published"]) if art.get("published") else None
        res = run_article(text, published=pub, nlp=nlp, gazetteer=gaz)
        s = score(res, gold)["events"]
        total.add(s)
        files.append((p.name, s))
        if args.verbose:
            print(f"## {p.name}: P={s.precision:.2f} R={s.recall:.2f}")
            for m in s.misses:
                print("   MISS ", m)
            for w in s.wrong:
                print("   EXTRA", w)
            for e in res.events:
                loc = e.location
                print(f"   OUT {e.event_type} / {e.sub_event_type} @ {loc.name if loc else None}"
                      f" ({loc.country if loc else ''}) {e.date_start}..{e.date_end} "
                      f"a1={e.actor1.country if e.actor1 else None}/{e.actor1.kind if e.actor1 else None} "
                      f"a2={e.actor2.country if e.actor2 else None}/{e.actor2.kind if e.actor2 else None} "
                      f"fat={e.fatalities} by={e.claimed_by}")
            for k, (r, t) in s.attributes.items():
                if r < t:
                    print(f"   attr {k}: {r}/{t}")
    t_run = time.perf_counter() - t0
    d = total.to_dict()
    if args.json:
        print(json.dumps({"events": d, "files": len(paths), "seconds": round(t_run, 2)}, indent=2))
        return 0
    print("| files | P | R | F1 | matched/required | output |\n|---|---|---|---|---|---|")
    print(f"| {len(paths)} | {d['precision']:.3f} | {d['recall']:.3f} | {d['f1']:.3f} | "
          f"{d['matched']}/{d['required']} | {d['output']} |")
    print("\n| attribute | accuracy | right/total |\n|---|---|---|")
    for k, a in d["attributes"].items():
        print(f"| {k} | {a['accuracy']:.3f} | {a['right']}/{a['total']} |")
    print(f"\nmodel+gazetteer load {t_load:.1f} s; {len(paths)} articles in {t_run:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
