"""Benchmark the claims stage against a simple baseline, in one run.

Corpora:

1. PolNeAR attribution relations (``../shared/data/attribution/dev``, BRAT standoff: Source /
   Cue / Content spans tied by ``E`` lines). A gold attribution is *found* when one claim's text
   covers more than half of its Content span (one claim per gold item, best coverage first);
   *strict* also asks the claim to lie mostly (>50%) inside that Content. The speaker is right
   when the claim's speaker names the gold Source: their head words (last content word) meet.
   A pronoun Source ("he", "they") is first resolved to the nearest preceding non-pronoun gold
   Source, so a system that resolves pronouns to the fullest name is not punished for it.
   Attributions without a Source count for recall, not for speaker accuracy.
2. The project's own war-reporting gold set (``eval/articles/*.gold.json``) and the worked
   example (``../shared/examples``), scored by ``frontwire.evaluation.score_claims`` (the rules
   of ``../shared/examples/README.md``).

The baseline: every sentence holding a verb said/says/say is a claim whose text is the whole
sentence and whose speaker is that verb's ``nsubj`` phrase, as written (no pronoun resolution).

Run: ``python benchmarks/claims.py [--limit N] [--markdown]``. Skips a corpus that is absent.
"""

from __future__ import annotations

import argparse
import datetime
import json
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
POLNEAR = SHARED / "data" / "attribution" / "dev"
EVAL = ROOT / "eval" / "articles"
EXAMPLES = SHARED / "examples"

PRONOUNS = {"he", "she", "they", "it", "we", "i", "you", "him", "her", "them", "us", "me"}
STOP = {"the", "a", "an", "of", "and", "'s", "’s", "in", "for", "on", "at", "to", "by", "with",
        "his", "her", "their", "its", "this", "that", "these", "those", "who", "which"}


@dataclass
class Gold:
    content: list[tuple[int, int]]
    source: str | None
    source_start: int | None
    resolved: str | None = None


@dataclass
class Out:
    start: int
    end: int
    speaker: str | None


@dataclass
class Tally:
    gold: int = 0
    out: int = 0
    found: int = 0
    strict: int = 0
    spk_n: int = 0
    spk_ok: int = 0
    per: list[str] = field(default_factory=list)

    def row(self, name: str) -> dict[str, Any]:
        p = self.found / self.out if self.out else 0.0
        r = self.found / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        ps = self.strict / self.out if self.out else 0.0
        rs = self.strict / self.gold if self.gold else 0.0
        fs = 2 * ps * rs / (ps + rs) if ps + rs else 0.0
        sa = self.spk_ok / self.spk_n if self.spk_n else 0.0
        return {"system": name, "gold": self.gold, "output": self.out, "found": self.found,
                "P": p, "R": r, "F1": f, "strict_F1": fs, "speaker_acc": sa,
                "speaker_n": self.spk_n}


# -- PolNeAR -----------------------------------------------------------------------------

def read_brat(ann: Path) -> list[Gold]:
    spans: dict[str, tuple[str, list[tuple[int, int]], str]] = {}
    rels: list[dict[str, str]] = []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 3:
            kind, _, offs = parts[1].partition(" ")
            frags = [tuple(int(x) for x in f.split()) for f in offs.split(";")]
            spans[parts[0]] = (kind, frags, parts[2])  # type: ignore[assignment]
        elif line.startswith("E") and len(parts) >= 2:
            rels.append(dict(x.split(":", 1) for x in parts[1].split() if ":" in x))
    out = []
    for r in rels:
        c = spans.get(r.get("Content", ""))
        if c is None:
            continue
        s = spans.get(r.get("Source", ""))
        out.append(Gold(content=c[1], source=s[2] if s else None,
                        source_start=s[1][0][0] if s else None))
    # pronoun Sources: the nearest preceding non-pronoun gold Source
    named = sorted((g.source_start, g.source) for g in out
                   if g.source and g.source.lower() not in PRONOUNS)
    for g in out:
        if g.source is None:
            continue
        if g.source.lower() not in PRONOUNS:
            g.resolved = g.source
            continue
        prev = [s for pos, s in named if pos < (g.source_start or 0)]
        g.resolved = prev[-1] if prev else None
    return out


def head_words(name: str | None) -> list[str]:
    words = [w.lower() for w in re.findall(r"[\w’'-]+", name or "")]
    return [w for w in words if w not in STOP and w not in PRONOUNS]


def names(speaker: str | None, gold: str | None) -> bool:
    a, b = head_words(speaker), head_words(gold)
    if not a or not b:
        return False
    return a[-1] in b or b[-1] in a


def overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_doc(golds: list[Gold], outs: list[Out], t: Tally) -> None:
    t.gold += len(golds)
    t.out += len(outs)
    used: set[int] = set()
    for g in golds:
        size = sum(e - s for s, e in g.content) or 1
        best, best_cov = None, 0.5
        for i, o in enumerate(outs):
            if i in used:
                continue
            cov = sum(overlap((o.start, o.end), f) for f in g.content) / size
            if cov > best_cov:
                best, best_cov = i, cov
        if best is None:
            continue
        used.add(best)
        o = outs[best]
        t.found += 1
        inside = sum(overlap((o.start, o.end), f) for f in g.content)
        if inside * 2 > (o.end - o.start):
            t.strict += 1
        if g.resolved:
            t.spk_n += 1
            t.spk_ok += names(o.speaker, g.resolved)


def baseline_claims(doc: Any) -> list[Out]:
    out = []
    for sent in doc.sents:
        for tok in sent:
            if tok.lower_ in ("said", "says", "say") and tok.pos_ == "VERB":
                subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)
                speaker = None
                if subj is not None:
                    speaker = doc.text[subj.left_edge.idx:subj.right_edge.idx
                                       + len(subj.right_edge.text)]
                s = sent.text
                lead = len(s) - len(s.lstrip())
                out.append(Out(sent.start_char + lead, sent.start_char + len(s.rstrip()), speaker))
                break
    return out


def polnear(nlp: Any, limit: int | None) -> tuple[Tally, Tally, float, int] | None:
    if not POLNEAR.is_dir():
        print(f"skip PolNeAR: {POLNEAR} is absent", file=sys.stderr)
        return None
    from frontwire.claims import extract_claims

    anns = sorted((POLNEAR / "attributions").glob("*.ann"))[:limit]
    texts, golds = [], []
    for ann in anns:
        stem = ann.stem.rsplit("_", 1)[0]
        txt = POLNEAR / "text" / f"{stem}.txt"
        if not txt.is_file():
            continue
        texts.append(txt.read_text(encoding="utf-8"))
        golds.append(read_brat(ann))
    sys_t, base_t = Tally(), Tally()
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=16))
    parse_s = time.perf_counter() - t0
    t1 = time.perf_counter()
    for doc, gold in zip(docs, golds, strict=True):
        claims = extract_claims(doc, published=None)
        score_doc(gold, [Out(c.start, c.end, c.speaker) for c in claims], sys_t)
    claims_s = time.perf_counter() - t1
    for doc, gold in zip(docs, golds, strict=True):
        score_doc(gold, baseline_claims(doc), base_t)
    print(f"PolNeAR dev: {len(docs)} articles, parse {parse_s:.1f}s, claims stage {claims_s:.2f}s",
          file=sys.stderr)
    return sys_t, base_t, claims_s, len(docs)


# -- gold-format articles -----------------------------------------------------------------

def gold_sets(nlp: Any, paths: list[Path]) -> dict[str, dict[str, Any]]:
    from frontwire.claims import extract_claims
    from frontwire.evaluation import score_claims

    try:
        from frontwire.clean import clean
    except ImportError:  # the cleaning stage is optional here
        clean = None  # type: ignore[assignment]
    try:
        from frontwire.times import extract_times
    except ImportError:
        extract_times = None  # type: ignore[assignment]
    res = {"system": [0, 0, 0, 0, 0], "baseline": [0, 0, 0, 0, 0]}
    for g in paths:
        gold = json.loads(g.read_text(encoding="utf-8"))
        text = (g.parent / gold["article"]["file"]).read_text(encoding="utf-8")
        pub = datetime.date.fromisoformat(gold["article"]["published"])
        if clean is not None:
            text = clean(text).text
        doc = nlp(text)
        times = extract_times(doc, published=pub) if extract_times else []
        outs = {
            "system": [c.to_dict() for c in extract_claims(doc, published=pub, times=times)],
            "baseline": [{"text": doc.text[o.start:o.end], "speaker": o.speaker, "channel": None}
                         for o in baseline_claims(doc)],
        }
        for name, claims in outs.items():
            s = score_claims({"claims": claims}, gold)
            ch = s.attributes.get("channel", [0, 0])
            r = res[name]
            r[0] += s.matched
            r[1] += s.required
            r[2] += s.output
            r[3] += ch[0]
            r[4] += ch[1]
    table = {}
    for name, (m, req, out, cok, cn) in res.items():
        p = m / out if out else 0.0
        rc = m / req if req else 0.0
        table[name] = {"P": p, "R": rc, "F1": 2 * p * rc / (p + rc) if p + rc else 0.0,
                       "channel": cok / cn if cn else 0.0, "matched": m, "required": req,
                       "output": out}
    return table


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N PolNeAR articles")
    ap.add_argument("--markdown", action="store_true", help="print markdown tables")
    args = ap.parse_args(argv)
    from frontwire.nlp import load_model, model_name

    nlp = load_model("auto")
    print(f"model {model_name(nlp)}", file=sys.stderr)
    lines = []
    pn = polnear(nlp, args.limit)
    if pn is not None:
        sys_t, base_t, secs, n = pn
        lines += ["| PolNeAR dev | gold | output | found | P | R | F1 | strict F1 | speaker acc |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for name, t in (("frontwire claims", sys_t), ("baseline said/says + nsubj", base_t)):
            r = t.row(name)
            lines.append(f"| {name} | {r['gold']} | {r['output']} | {r['found']} | {r['P']:.3f} | "
                         f"{r['R']:.3f} | {r['F1']:.3f} | {r['strict_F1']:.3f} | "
                         f"{r['speaker_acc']:.3f} (n={r['speaker_n']}) |")
        lines.append(f"\nclaims stage time on PolNeAR dev: {secs:.2f} s for {n} articles "
                     f"(parsing excluded)\n")
    own = sorted(EVAL.glob("*.gold.json"))
    for label, paths in ((f"eval/articles ({len(own)} war reports)", own),
                         ("bakhmut example", sorted(EXAMPLES.glob("*.gold.json")))):
        if not paths:
            print(f"skip {label}: absent", file=sys.stderr)
            continue
        table = gold_sets(nlp, paths)
        lines += [f"| {label} | matched/required | output | P | R | F1 | channel acc |",
                  "|---|---|---|---|---|---|---|"]
        for name, r in table.items():
            nm = "frontwire claims" if name == "system" else "baseline said/says + nsubj"
            lines.append(f"| {nm} | {r['matched']}/{r['required']} | {r['output']} | "
                         f"{r['P']:.3f} | {r['R']:.3f} | {r['F1']:.3f} | {r['channel']:.3f} |")
        lines.append("")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
