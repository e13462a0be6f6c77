"""Events benchmark: the project's own gold set (eval/events, or the gold files given, such as
eval/voa/*.gold.json on the VOA stories) and, when present, the shared Bakhmut example, scored with ``frontwire.evaluation.score`` (the rules of
../shared/examples/README.md).

Each article goes through the whole ``frontwire.Pipeline`` (clean -> spaCy -> places -> times
-> claims -> events), exactly as ``frontwire eval`` runs it, with per-event detail for -v.

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

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "eval" / "events"
BAKHMUT = ROOT.parent / "shared" / "examples" / "bakhmut-2023-01-04.gold.json"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", nargs="*")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)
    from frontwire.evaluation import Score, article_text, load_gold, score
    from frontwire.pipeline import Pipeline

    paths = [Path(p) for p in args.gold] or sorted(EVAL.glob("*.gold.json"))
    if not paths:
        print("no gold files", file=sys.stderr)
        return 0
    t0 = time.perf_counter()
    pipe = Pipeline(model="auto")
    pipe.gazetteer  # load now, so the run time below is processing only
    t_load = time.perf_counter() - t0
    total = Score()
    files = []
    quiet: list[int] = []  # output events on each article whose gold has no (required) event
    t0 = time.perf_counter()
    for p in paths:
        gold = load_gold(p)
        art = gold["article"]
        text = article_text(p, gold)
        pub = dt.date.fromisoformat(art["published"]) if art.get("published") else None
        res = pipe.extract(text, published=pub)
        s = score(res, gold)["events"]
        total.add(s)
        files.append((p.name, s))
        if not [e for e in gold.get("events", []) if not e.get("optional")]:
            quiet.append(len(res.events))
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
    if quiet:
        print(f"\narticles with no gold event: {len(quiet)}; given at least one event: "
              f"{sum(1 for n in quiet if n)}; events output on them: {sum(quiet)}")
    print(f"\nmodel+gazetteer load {t_load:.1f} s; {len(paths)} articles in {t_run:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
