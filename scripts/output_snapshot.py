"""Snapshot the JSON output of the pipeline on fixed corpora, to prove a change alters nothing.

    python scripts/output_snapshot.py write before.jsonl     # before a refactor
    python scripts/output_snapshot.py check before.jsonl     # after it: exit 1 on any difference

The corpora: every gold-annotated article under eval/ (with its gold publication date), the
bundled samples, and, when present beside the project, ../shared/examples and the VOA stories
(../shared/data/news/voa-dev.jsonl; read from there, never copied). One JSON line per article,
keys sorted, so a refactor that claims "no behaviour change" is checked byte for byte.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def corpus() -> list[tuple[str, str, date | None]]:
    items: list[tuple[str, str, date | None]] = []
    golds = sorted(ROOT.glob("eval/*/*.gold.json")) + sorted(SHARED.glob("examples/*.gold.json"))
    for gold in golds:
        art = json.loads(gold.read_text(encoding="utf-8"))["article"]
        if "file" not in art:  # annotates a JSON Lines record (eval/voa): its corpus is below
            continue
        text = (gold.parent / art["file"]).read_text(encoding="utf-8")
        pub = date.fromisoformat(art["published"]) if art.get("published") else None
        items.append((str(gold.relative_to(gold.parents[1])), text, pub))
    samples = ROOT / "src" / "frontwire" / "data" / "samples" / "samples.jsonl"
    voa = SHARED / "data" / "news" / "voa-dev.jsonl"
    for path in (samples, voa):
        if not path.exists():
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            rec = json.loads(line)
            if not rec.get("text"):
                continue
            pub = rec.get("published") or rec.get("date")
            items.append((f"{path.name}:{n}", rec["text"],
                          date.fromisoformat(str(pub)[:10]) if pub else None))
    return items


def snapshot() -> list[str]:
    sys.path.insert(0, str(ROOT / "src"))
    from frontwire import Pipeline

    pipe = Pipeline(model="auto")
    lines = []
    for name, text, pub in corpus():
        out = pipe.extract(text, published=pub).to_dict()
        lines.append(json.dumps({"name": name, "output": out}, sort_keys=True, ensure_ascii=False))
    return lines


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[1] not in ("write", "check"):
        print(__doc__.strip().splitlines()[0], "\nusage: output_snapshot.py write|check FILE")
        return 2
    lines = snapshot()
    target = Path(argv[2])
    if argv[1] == "write":
        target.write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"wrote {len(lines)} outputs to {target}")
        return 0
    before = target.read_text(encoding="utf-8").splitlines()
    changed = [json.loads(b)["name"] for b, a in zip(before, lines, strict=False) if a != b]
    if len(before) != len(lines):
        print(f"{len(before)} outputs before, {len(lines)} now")
        return 1
    for name in changed:
        print(f"changed: {name}")
    print(f"{len(lines) - len(changed)} of {len(lines)} outputs byte-identical")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
