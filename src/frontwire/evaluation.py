"""``frontwire eval``: score the pipeline against gold files (format ``frontwire-gold/1``).

The scoring rules are those of ``../shared/examples/README.md``, restated here. The gold names
its article as ``article.file`` (next to the gold file) or, for a corpus read where it lies, as
``article.jsonl`` (a JSON Lines file, relative to the gold file) and ``article.id`` (eval/voa).

- clean: every ``must_not_contain`` string is absent from the cleaned text and every
  ``must_contain`` string is present.
- places: a gold place is found when some output mention of that string (or a longer
  mention containing it) resolves within ``tolerance_km`` and in ``country`` (country-only
  gold: the country alone). Recall over required places; precision is the share of
  resolved output places, among those whose mention is a gold mention, that fall within
  max(25 km, tolerance) / in the country of a gold place with that mention. Resolved output
  places whose mention is in no gold item are listed as ``extra`` (the gold may not name
  every place, so they are shown, not scored).
- times: found when an output time with that mention resolves to an interval whose ends
  are each within ``tolerance_days``; precision likewise over output times with a gold
  mention.
- events: an output event matches a gold event when the types are equal, the output
  location is within the gold ``tolerance_km`` (no gold location: evidence alone), and the
  evidence contains ``evidence_contains``; one output per gold. Precision = matched
  required / output events not matching an optional gold event; recall = matched required
  / required; accuracies of sub-type, actors (country and kind, order-free), date (interval
  overlap after tolerance) and claimant (speaker name or alias) among matched events.
- claims: an output claim matches when its text contains ``contains`` and its speaker is
  the gold speaker or an alias (case-insensitive, leading "the" ignored); precision and
  recall as for events; channel accuracy among matched claims.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from .errors import GoldError
from .geo import haversine_km
from .model import Result

GOLD_FORMAT = "frontwire-gold/1"
KINDS = ("clean", "places", "times", "events", "claims")


def _norm(s: str | None) -> str:
    s = (s or "").replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    s = " ".join(s.lower().split())
    return s.removeprefix("the ")


def load_gold(path: str | Path) -> dict[str, Any]:
    """Read and check a gold file; ``GoldError`` names what is wrong."""
    p = Path(path)
    try:
        gold = json.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise GoldError("does not exist", origin=str(p)) from exc
    except json.JSONDecodeError as exc:
        raise GoldError(f"is not valid JSON (line {exc.lineno}: {exc.msg})", origin=str(p)) from exc
    if not isinstance(gold, dict) or gold.get("format") != GOLD_FORMAT:
        raise GoldError(f"is not a {GOLD_FORMAT} gold file (missing \"format\": \"{GOLD_FORMAT}\")",
                        origin=str(p))
    art = gold.get("article")
    if isinstance(art, dict) and "jsonl" in art:
        if "id" not in art:
            raise GoldError("names article.jsonl but no article.id", origin=str(p))
        if not (p.parent / art["jsonl"]).is_file():
            raise GoldError(f"names JSON Lines file {art['jsonl']!r}, which does not exist",
                            origin=str(p))
    elif not isinstance(art, dict) or "file" not in art:
        raise GoldError("has no article.file naming the article next to it (or article.jsonl "
                        "and article.id)", origin=str(p))
    elif not (p.parent / art["file"]).is_file():
        raise GoldError(f"names article {art['file']!r}, which is not next to it", origin=str(p))
    for kind in ("places", "times", "events", "claims"):
        if not isinstance(gold.get(kind, []), list):
            raise GoldError(f"{kind} must be a list", origin=str(p))
    return gold


def article_text(path: str | Path, gold: dict[str, Any]) -> str:
    """The text a gold file annotates: ``article.file`` next to it, or the record with
    ``article.id`` in the JSON Lines file ``article.jsonl`` (a corpus read where it lies, such as
    ``../shared/data/news/voa-dev.jsonl``, never copied beside the gold)."""
    p, art = Path(path), gold["article"]
    if "jsonl" not in art:
        return (p.parent / art["file"]).read_text(encoding="utf-8")
    with (p.parent / art["jsonl"]).open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try:
                rec = json.loads(line)
            except json.JSONDecodeError as exc:
                raise GoldError(f"{art['jsonl']} line {n} is not JSON ({exc.msg})",
                                origin=str(p)) from exc
            if isinstance(rec, dict) and str(rec.get("id")) == str(art["id"]):
                return str(rec["text"])
    raise GoldError(f"article.id {art['id']!r} is not in {art['jsonl']}", origin=str(p))


@dataclass
class Score:
    """Counts for one kind; add them up across files for micro-averages."""

    matched: int = 0
    required: int = 0
    output: int = 0  # output items in the precision denominator
    correct: int = 0  # output items in the denominator that are right
    attributes: dict[str, list[int]] = field(default_factory=dict)  # name -> [right, total]
    misses: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)
    extra: list[str] = field(default_factory=list)

    def attr(self, name: str, ok: bool) -> None:
        slot = self.attributes.setdefault(name, [0, 0])
        slot[0] += int(ok)
        slot[1] += 1

    def add(self, other: Score) -> None:
        self.matched += other.matched
        self.required += other.required
        self.output += other.output
        self.correct += other.correct
        for k, (r, t) in other.attributes.items():
            slot = self.attributes.setdefault(k, [0, 0])
            slot[0] += r
            slot[1] += t
        self.misses += other.misses
        self.wrong += other.wrong
        self.extra += other.extra

    @property
    def recall(self) -> float:
        return self.matched / self.required if self.required else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.output if self.output else (1.0 if not self.required else 0.0)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "precision": round(self.precision, 4), "recall": round(self.recall, 4),
            "f1": round(self.f1, 4), "matched": self.matched, "required": self.required,
            "output": self.output, "correct": self.correct,
            "attributes": {k: {"accuracy": round(r / t, 4) if t else None, "right": r, "total": t}
                           for k, (r, t) in sorted(self.attributes.items())},
            "misses": self.misses, "wrong": self.wrong, "extra": self.extra,
        }


def _d(value: Any) -> date | None:
    if value in (None, ""):
        return None
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def score_clean(out: dict[str, Any], gold: dict[str, Any]) -> Score:
    s = Score()
    text = out["text"]
    spec = gold.get("clean", {}) or {}
    for needle in spec.get("must_not_contain", []):
        s.required += 1
        s.output += 1
        ok = needle not in text
        s.matched += ok
        s.correct += ok
        if not ok:
            s.wrong.append(f"still contains {needle!r}")
    for needle in spec.get("must_contain", []):
        s.required += 1
        s.output += 1
        ok = needle in text
        s.matched += ok
        s.correct += ok
        if not ok:
            s.misses.append(f"lost {needle!r}")
    return s


def _mention_matches(output_text: str, gold_mention: str) -> bool:
    return _norm(gold_mention) in _norm(output_text)


def _place_ok(p: dict[str, Any], g: dict[str, Any], *, min_km: float = 0.0) -> bool:
    if g.get("country") and (p.get("country") or "").upper() != g["country"].upper():
        return False
    if g.get("lat") is None or g.get("lon") is None:
        return bool(p.get("country"))
    if p.get("lat") is None or p.get("lon") is None:
        return False
    tol = max(min_km, float(g.get("tolerance_km", 25)))
    return haversine_km(p["lat"], p["lon"], g["lat"], g["lon"]) <= tol


def score_places(out: dict[str, Any], gold: dict[str, Any]) -> Score:
    s = Score()
    gplaces = gold.get("places", [])
    for g in gplaces:
        if g.get("optional"):
            continue
        s.required += 1
        hits = [p for p in out["places"] if _mention_matches(p["text"], g["mention"])]
        if any(_place_ok(p, g) for p in hits):
            s.matched += 1
        else:
            got = ", ".join(f"{p.get('name')} ({p.get('country')}, {p.get('lat')}, {p.get('lon')})"
                            for p in hits) or "no mention"
            s.misses.append(f"{g['mention']}: {got}")
    for p in out["places"]:
        if p.get("lat") is None and not p.get("country"):
            continue  # unresolved: no claim of a location
        same = [g for g in gplaces if _mention_matches(p["text"], g["mention"])]
        if not same:
            s.extra.append(f"{p['text']} -> {p.get('name')} ({p.get('country')})")
            continue
        s.output += 1
        if any(_place_ok(p, g, min_km=25.0) for g in same):
            s.correct += 1
        else:
            s.wrong.append(f"{p['text']} -> {p.get('name')} ({p.get('country')}, "
                           f"{p.get('lat')}, {p.get('lon')})")
    return s


def _time_ok(t: dict[str, Any], g: dict[str, Any]) -> bool:
    tol = timedelta(days=int(g.get("tolerance_days", 0)))
    ts, te = _d(t.get("start_date")), _d(t.get("end_date"))
    gs, ge = _d(g.get("start")), _d(g.get("end"))
    if ts is None or te is None or gs is None or ge is None:
        return False
    return abs(ts - gs) <= tol and abs(te - ge) <= tol


def score_times(out: dict[str, Any], gold: dict[str, Any]) -> Score:
    s = Score()
    gtimes = gold.get("times", [])

    def same(t: dict[str, Any], g: dict[str, Any]) -> bool:
        a, b = _norm(t["text"]), _norm(g["mention"])
        return b in a or (a in b and len(a) >= len(b) / 2)

    for g in gtimes:
        if g.get("optional"):
            continue
        s.required += 1
        hits = [t for t in out["times"] if same(t, g)]
        if any(_time_ok(t, g) for t in hits):
            s.matched += 1
        else:
            got = ", ".join(f"{t['text']!r}={t.get('value')}" for t in hits) or "no mention"
            s.misses.append(f"{g['mention']}: {got}")
    for t in out["times"]:
        cands = [g for g in gtimes if same(t, g)]
        if not cands:
            if t.get("value"):
                s.extra.append(f"{t['text']} = {t.get('value')}")
            continue
        s.output += 1
        if any(_time_ok(t, g) for g in cands):
            s.correct += 1
        else:
            s.wrong.append(f"{t['text']} = {t.get('value')}")
    return s


def _speaker_names(gold: dict[str, Any], speaker: str | None) -> set[str]:
    """The gold speaker and every alias any gold claim gives that speaker."""
    if not speaker:
        return set()
    names = {_norm(speaker)}
    for c in gold.get("claims", []):
        if _norm(c.get("speaker")) == _norm(speaker):
            names |= {_norm(a) for a in c.get("aliases", [])}
    return names


def _claim_matches(c: dict[str, Any], g: dict[str, Any]) -> bool:
    if _norm(g["contains"]) not in _norm(c.get("text")):
        return False
    allowed = {_norm(g["speaker"])} | {_norm(a) for a in g.get("aliases", [])}
    return _norm(c.get("speaker")) in allowed


def _one_to_one(outputs: list[dict[str, Any]], golds: list[dict[str, Any]],
                match: Any) -> dict[int, int]:
    """Greedy one-to-one matching, required gold items first: gold index -> output index."""
    order = sorted(range(len(golds)), key=lambda i: bool(golds[i].get("optional")))
    taken: set[int] = set()
    pairs: dict[int, int] = {}
    for gi in order:
        for oi, o in enumerate(outputs):
            if oi not in taken and match(o, golds[gi]):
                pairs[gi] = oi
                taken.add(oi)
                break
    return pairs


def _precision_recall(s: Score, outputs: list[dict[str, Any]], golds: list[dict[str, Any]],
                      pairs: dict[int, int], label: Any) -> None:
    matched_optional = {oi for gi, oi in pairs.items() if golds[gi].get("optional")}
    s.required = sum(1 for g in golds if not g.get("optional"))
    s.matched = sum(1 for gi in pairs if not golds[gi].get("optional"))
    s.output = len(outputs) - len(matched_optional)
    s.correct = s.matched
    for gi, g in enumerate(golds):
        if gi not in pairs and not g.get("optional"):
            s.misses.append(label(g))
    used = set(pairs.values())
    for oi, o in enumerate(outputs):
        if oi not in used:
            s.wrong.append(label(o))


def score_claims(out: dict[str, Any], gold: dict[str, Any]) -> Score:
    s = Score()
    golds, outputs = gold.get("claims", []), out["claims"]
    pairs = _one_to_one(outputs, golds, _claim_matches)
    _precision_recall(s, outputs, golds, pairs, lambda x: f"{x.get('speaker')}: "
                      f"{(x.get('contains') or x.get('text') or '')[:70]!r}")
    for gi, oi in pairs.items():
        g, o = golds[gi], outputs[oi]
        if g.get("optional"):
            continue
        s.attr("channel", _norm(g.get("channel")) == _norm(o.get("channel")))
        if "direct" in g:
            s.attr("direct", bool(g["direct"]) == bool(o.get("direct")))
    return s


def _event_matches(o: dict[str, Any], g: dict[str, Any]) -> bool:
    if o.get("event_type") != g.get("event_type"):
        return False
    loc = g.get("location")
    if loc and loc.get("lat") is not None:
        ol = o.get("location") or {}
        if ol.get("lat") is None or ol.get("lon") is None:
            return False
        if haversine_km(ol["lat"], ol["lon"], loc["lat"], loc["lon"]) > float(
                loc.get("tolerance_km", 25)):
            return False
    evidence = " ".join(e.get("text", "") for e in o.get("evidence", []))
    return _norm(g.get("evidence_contains")) in _norm(evidence)


def _actors(e: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((str((a or {}).get("country") or "").upper(), str((a or {}).get("kind") or ""))
                  for a in (e.get("actor1"), e.get("actor2")) if a)


def score_events(out: dict[str, Any], gold: dict[str, Any]) -> Score:
    s = Score()
    golds, outputs = gold.get("events", []), out["events"]
    pairs = _one_to_one(outputs, golds, _event_matches)
    _precision_recall(s, outputs, golds, pairs, lambda x: f"{x.get('event_type')}: "
                      f"{x.get('evidence_contains') or ' '.join(e['text'] for e in x.get('evidence', []))[:80]!r}")
    for gi, oi in pairs.items():
        g, o = golds[gi], outputs[oi]
        if g.get("optional"):
            continue
        s.attr("sub_event_type", g.get("sub_event_type") == o.get("sub_event_type"))
        s.attr("actors", _actors(g) == _actors(o))
        if g.get("date"):
            tol = timedelta(days=int(g["date"].get("tolerance_days", 0)))
            gs, ge = _d(g["date"].get("start")), _d(g["date"].get("end"))
            os_, oe = _d(o.get("date_start")), _d(o.get("date_end"))
            ok = bool(gs and ge and os_ and oe and os_ <= ge + tol and oe >= gs - tol)
            s.attr("date", ok)
        if g.get("claimed_by"):
            s.attr("claimed_by", _norm(o.get("claimed_by")) in _speaker_names(gold, g["claimed_by"]))
        if "fatalities" in g:
            s.attr("fatalities", g["fatalities"] == o.get("fatalities"))
    return s


SCORERS = {"clean": score_clean, "places": score_places, "times": score_times,
           "events": score_events, "claims": score_claims}


def score(result: Result | dict[str, Any], gold: dict[str, Any]) -> dict[str, Score]:
    """Score one output record against one gold object."""
    out = result.to_dict() if isinstance(result, Result) else result
    return {kind: fn(out, gold) for kind, fn in SCORERS.items()}


@dataclass
class Report:
    files: list[dict[str, Any]]
    totals: dict[str, Score]

    def to_dict(self) -> dict[str, Any]:
        return {"files": self.files, "totals": {k: v.to_dict() for k, v in self.totals.items()}}


def evaluate(gold_paths: list[str | Path], *, pipeline: Any) -> Report:
    """Run ``pipeline`` on each gold file's article and score it; micro-average over files.

    A gold file that cannot be read raises ``GoldError`` before anything runs.
    """
    golds = [(Path(p), load_gold(p)) for p in gold_paths]
    totals = {k: Score() for k in KINDS}
    files = []
    for path, gold in golds:
        art = gold["article"]
        text = article_text(path, gold)
        result = pipeline.extract(text, published=_d(art.get("published")))
        scores = score(result, gold)
        for kind, sc in scores.items():
            totals[kind].add(sc)
        files.append({"gold": str(path), "scores": {k: v.to_dict() for k, v in scores.items()}})
    return Report(files=files, totals=totals)
