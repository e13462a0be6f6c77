"""Cleaning: keep the article's own reporting, strip captions, credits, bylines and boilerplate.

Scraped news fuses picture captions and their credits into the body
("... over the bodies of their own troops GEORGE IVANCHENKO/EPA-EFE/Shutterstock").
The rules, in the order they run:

1. A credit glued to the next paragraph's first word ("Getty ImagesThe Institute ...")
   is split off, so the caption and the next paragraph become separate paragraphs.
2. A paragraph that is a byline or boilerplate line (``line_rules`` in
   ``data/clean.yaml``) is removed with that reason.
3. A paragraph that ends with a photo credit is a caption: the credit is removed as
   ``credit`` and the caption text before it as ``caption``. A credit is a known picture
   agency, optionally after a photographer's name and "/", optionally "via" another
   agency; it counts only where it cannot be prose: after a sentence end, with a "/" or
   "via" in it, or as the whole paragraph. A short run of capitalized words glued to a
   sentence end with no space ("in Bakhmut.Portal") is a credit too. When the text
   before a credit is longer than a caption (more than two sentences), only its last
   sentence is taken as the caption.

Every removal is recorded (text, reason, rule) so a reader can check what went and why.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

from . import data
from .model import Removal

MAX_CAPTION_SENTENCES = 2


@dataclass(frozen=True, slots=True)
class Cleaned:
    text: str
    removed: tuple[Removal, ...]


@dataclass(frozen=True, slots=True)
class _Rules:
    credit: re.Pattern[str]
    glued_credit: re.Pattern[str]
    glued_split: re.Pattern[str]
    lines: tuple[tuple[str, str, re.Pattern[str]], ...]


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@functools.lru_cache(maxsize=1)
def rules() -> _Rules:
    """Compile the cleaning rules from ``data/clean.yaml`` once per process."""
    raw: dict[str, Any] = data.load("clean.yaml")
    agency = rf"(?:{_alt(raw['agencies'])})(?![\w-])"
    # Words in a credit have no sentence punctuation: "Kharkiv." ends the caption, not a name.
    caps = r"[A-Z][A-Z'’\-]*(?:\s+[A-Z][A-Z'’\-]*)*"  # GEORGE IVANCHENKO, PRESS SER
    name = r"[A-Z][\w'’\-]*(?:\s+[A-Z][\w'’\-]*){0,3}"  # Evgeniy Maloletka
    lead = rf"(?:(?:{_alt(raw['credit_lead_words'])})\s*(?::|by)\s*)"
    part = rf"(?:{agency}|{caps}|{name})"
    credit = (
        rf"(?P<credit>{lead}?(?:{part}\s*/\s*)*{agency}(?:\s*/\s*{part})*"
        rf"(?:\s+via\s+{agency}(?:\s*/\s*{part})*)?)\s*$"
    )
    long_agencies = [a for a in raw["agencies"] if len(a) >= 3]
    def compiled(key: str) -> tuple[tuple[str, str, re.Pattern[str]], ...]:
        return tuple(
            (r["name"], r["reason"],
             re.compile(r["pattern"], 0 if r.get("case_sensitive") else re.IGNORECASE))
            for r in raw.get(key, []))

    lines = compiled("line_rules")
    return _Rules(
        credit=re.compile(credit),
        glued_credit=re.compile(r"(?<=[a-z0-9][.!?])(?P<credit>[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){0,2})\s*$"),
        glued_split=re.compile(rf"(?<![\w-])((?:{_alt(long_agencies)}))(?=[A-Z][a-z])"),
        lines=lines,
    )


_SENTENCE_END = re.compile(r"[.!?][”\"’')\]]?\s*$")
_SENTENCES = re.compile(r"(?<=[.!?])[”\"’')\]]?\s+(?=[“\"‘A-Z0-9])")


def _credit_at_end(paragraph: str) -> re.Match[str] | None:
    """The credit ending this paragraph, if it is one (see module docstring)."""
    r = rules()
    glued = r.glued_credit.search(paragraph)
    if glued:
        return glued
    m = r.credit.search(paragraph)
    if not m:
        return None
    credit = m.group("credit")
    before = paragraph[: m.start("credit")]
    if not before.strip():
        return m  # the whole paragraph is a credit
    if "/" in credit or " via " in credit:
        return m
    if _SENTENCE_END.search(before):
        return m  # "... drone attacks. Getty Images"
    return None


def _split_glued(paragraphs: list[str]) -> list[str]:
    out: list[str] = []
    for p in paragraphs:
        out.extend(s for s in rules().glued_split.sub("\\1\n", p).split("\n"))
    return out


def clean(text: str, *, title: str | None = None) -> Cleaned:
    """Clean scraped article text. Paragraphs are kept one per line.

    A first paragraph that repeats the article's ``title`` is the headline, not reporting.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\ufeff", "")
    paragraphs = [p.strip() for p in text.split("\n")]
    paragraphs = _split_glued([p for p in paragraphs if p])
    kept: list[str] = []
    removed: list[Removal] = []
    if title and paragraphs and " ".join(paragraphs[0].split()) == " ".join(title.split()):
        removed.append(Removal(text=paragraphs.pop(0), reason="boilerplate", rule="headline"))
    for para in paragraphs:
        para = para.strip()
        if not para:
            continue
        rule = next((r for r in rules().lines if r[2].search(para)), None)
        if rule:
            removed.append(Removal(text=para, reason=rule[1], rule=rule[0]))  # type: ignore[arg-type]
            continue
        m = _credit_at_end(para)
        if m is None:
            kept.append(para)
            continue
        caption = para[: m.start("credit")].rstrip()
        if caption:
            sentences = _SENTENCES.split(caption)
            if len(sentences) > MAX_CAPTION_SENTENCES:
                # Reporting with a caption fused to its end: keep the reporting.
                body = caption[: caption.rfind(sentences[-1])].rstrip()
                kept.append(body)
                caption = sentences[-1]
            removed.append(Removal(text=caption, reason="caption", rule="ends-with-credit"))
        removed.append(Removal(text=m.group("credit").strip(), reason="credit", rule="photo-credit"))
    return Cleaned(text="\n".join(kept), removed=tuple(removed))
