"""Generate a benchmark corpus from the project's own sample articles.

Paragraphs of the bundled samples (``src/frontwire/data/samples``) and of the project's eval
articles (``eval/articles``, ``eval/events``) are shuffled and recombined into articles of about
``--words`` words each, written as JSON Lines with an id, a source and a publication date. The
same seed gives the same corpus, so runs compare like with like.

    python benchmarks/corpus.py OUT.jsonl --articles 500 --words 500
"""

from __future__ import annotations

import argparse
import json
import random
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "src" / "frontwire" / "data" / "samples", ROOT / "eval" / "articles",
           ROOT / "eval" / "events"]


def paragraphs() -> list[str]:
    """Every non-trivial paragraph of the project's own articles."""
    texts: list[str] = []
    for folder in SOURCES:
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix == ".txt":
                texts.append(path.read_text(encoding="utf-8"))
            elif path.suffix == ".jsonl":
                for line in path.read_text(encoding="utf-8").splitlines():
                    if line.strip():
                        rec = json.loads(line)
                        if isinstance(rec.get("text"), str):
                            texts.append(rec["text"])
    out = []
    for text in texts:
        out.extend(p.strip() for p in text.split("\n") if len(p.split()) >= 8)
    return out


def generate(n: int, *, words: int = 500, seed: int = 13) -> list[dict[str, str]]:
    """``n`` article records of about ``words`` words each."""
    rnd = random.Random(seed)
    paras = paragraphs()
    if not paras:
        raise SystemExit("no sample articles found under " + ", ".join(map(str, SOURCES)))
    records = []
    for i in range(n):
        chosen: list[str] = []
        count = 0
        while count < words:
            p = rnd.choice(paras)
            chosen.append(p)
            count += len(p.split())
        day = date(2023, 1, 1) + timedelta(days=rnd.randrange(700))
        records.append({"id": f"bench-{seed}-{i:06d}", "source": "frontwire bench",
                        "url": f"https://example.org/bench/{i}", "published": day.isoformat(),
                        "text": "\n".join(chosen)})
    return records


def write_jsonl(path: str | Path, records: list[dict[str, str]]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(rec, ensure_ascii=False) + "\n" for rec in records)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--articles", type=int, default=500)
    ap.add_argument("--words", type=int, default=500)
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()
    write_jsonl(args.out, generate(args.articles, words=args.words, seed=args.seed))


if __name__ == "__main__":
    main()
