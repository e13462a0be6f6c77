"""Trigger detection: find the words that report an event, with their arguments' frame.

A trigger is a verb or noun from ``data/event_triggers.yaml``, matched on the spaCy lemma
(single words) or on a run of words (phrases: "air strike", "shoot down", "take control").
Guards that keep talk about war from being coded as an event (the known failure of
verb-lexicon coders):

* a noun trigger needs a frame: a locative or time phrase of its own, an existential
  ("there had been fighting"), a frame verb ("fighting erupted", "repelled an attack",
  "launched an offensive"), or a place in a result phrase ("killed in an air strike");
* a trigger with ``object_required`` needs that kind of object ("captured the village",
  "shot down drones"; not "captured the attention", not "seized enemy positions");
* modality and background (``modality.py``) decide whether it happened.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

from .. import data
from ..nlp import token_lemmas, token_lowers
from .lexicon import Trigger, lexicon
from .modality import background, modality

_LOC_PREPS = data.words("grammar_words.yaml", "events", "location_prepositions")
_RESULT_VERBS = data.words("grammar_words.yaml", "events", "result_verbs")


@dataclass
class Mention:
    """One trigger occurrence in the text."""

    anchor: Token
    tokens: tuple[Token, ...]
    trigger: Trigger
    sent: Span
    status: str | None = None  # None: happened; else the reason it is not an event

    @property
    def start(self) -> int:
        return min(t.idx for t in self.tokens)

    @property
    def end(self) -> int:
        return max(t.idx + len(t.text) for t in self.tokens)


def _norm(tok: Token) -> tuple[str, str]:
    return tok.lower_, tok.lemma_.lower()


def _phrase_at(doc: Doc, i: int, words: tuple[str, ...]) -> tuple[Token, ...] | None:
    """Tokens doc[i:i+n] when they spell the phrase (by text or lemma), hyphens allowed."""
    toks: list[Token] = []
    j = i
    for w in words:
        while j < len(doc) and doc[j].text == "-":
            j += 1
        if j >= len(doc):
            return None
        low, lem = _norm(doc[j])
        if w not in (low, lem):
            return None
        toks.append(doc[j])
        j += 1
    return tuple(toks)


def _anchor(toks: tuple[Token, ...]) -> Token:
    """The token of a phrase whose head lies outside it (the phrase's syntactic head)."""
    ids = {t.i for t in toks}
    for t in toks:
        if t.head.i not in ids or t.head.i == t.i:
            return t
    return toks[-1]


def _pos_ok(tok: Token, pos: str) -> bool:
    if pos == "any":
        return tok.pos_ in ("VERB", "NOUN", "PROPN")
    if pos == "VERB":
        return tok.pos_ == "VERB" and not (tok.dep_ == "amod" and tok.tag_ == "VBN")
    if tok.pos_ in ("NOUN", "PROPN"):
        return True
    # the tagger sometimes calls a noun in an argument slot a gerund or an adjective
    # ("intense fighting", "launched a counteroffensive")
    return tok.tag_ in ("VBG", "JJ") and tok.dep_ in ("nsubj", "dobj", "pobj", "attr", "nsubjpass")


def objects(verb: Token) -> list[Token]:
    """The objects a verb acts on: direct object, passive subject, and phrase objects."""
    out = [c for c in verb.children if c.dep_ in ("dobj", "obj", "nsubjpass", "attr", "oprd")
           or (c.dep_ == "npadvmod" and c.pos_ == "NUM")]  # "shot down 18 of 23 drones"
    for c in verb.children:
        if c.dep_ == "prep" or (c.dep_ == "prt"):
            out += [g for g in c.children if g.dep_ == "pobj"]
    for o in list(out):
        out += [c for c in o.conjuncts]
        for c in o.children:  # "took control of the town", "the village of Klishchiivka"
            if c.dep_ == "prep" and c.lower_ == "of":
                out += [g for g in c.children if g.dep_ == "pobj"]
    return out


def _phrase_words(tok: Token) -> set[str]:
    words = {t.lower_ for t in tok.subtree} | {t.lemma_.lower() for t in tok.subtree}
    toks = [t.lower_ for t in tok.subtree]
    words |= {" ".join(toks[k:k + 2]) for k in range(len(toks) - 1)}
    return words


_DESTINATION_PREPS = data.words("grammar_words.yaml", "events", "destination_prepositions")


def _object_ok(tr: Trigger, verb: Token, place_idx: set[int]) -> bool:
    if not tr.object_required:
        return True
    lex = lexicon()
    objs = objects(verb)
    if "territory" in tr.object_required:
        # "were taken to Maiduguri", "moved into the town": a destination, not a capture
        objs = [o for o in objs if not (o.dep_ == "pobj" and o.head.lower_ in _DESTINATION_PREPS)]
    for kind in tr.object_required:
        wanted = lex.object_words.get(kind)
        for o in objs:
            if wanted is None:  # a literal object lemma ("repelled an attack")
                if o.lemma_.lower() == kind or o.lower_ == kind:
                    return True
                continue
            compound = " ".join(t.lower_ for t in o.lefts if t.dep_ in ("compound", "amod"))
            if o.lemma_.lower() in wanted or o.lower_ in wanted or \
                    (compound and f"{compound} {o.lower_}" in wanted):
                return True
            if kind == "territory" and any(t.i in place_idx for t in o.subtree) and \
                    o.pos_ == "PROPN":
                return True
            if kind == "weapon" and any(t.lower_ in wanted for t in o.subtree if t.dep_ in ("compound", "amod")):
                return True
    return False


def _weapon_in(verb: Token) -> bool:
    """A weapon word among the verb's subject or "with" phrase ("a guided bomb struck")."""
    lex = lexicon()
    words = {w for ws in lex.weapons.values() for w in ws}
    toks = [t for c in verb.children if c.dep_ in ("nsubj", "nsubjpass", "dobj", "prep", "agent")
            for t in c.subtree]
    low = [t.lower_ for t in toks]
    joined = {" ".join(low[k:k + 2]) for k in range(len(low) - 1)}
    return any(w in words for w in low) or any(j in words for j in joined)


def has_frame(tok: Token, place_idx: set[int], time_idx: set[int]) -> bool:
    """Whether a noun trigger is reported as happening (see module doc)."""
    lex = lexicon()
    # its own locative or time phrase: "fighting near Bakhmut", "clashes on Tuesday"
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in _LOC_PREPS | {"on", "against", "by", "in"} and \
                any(t.i in place_idx or t.i in time_idx for t in c.subtree):
            return True
        if c.i in time_idx or (c.dep_ in ("npadvmod", "nmod", "compound") and c.i in place_idx):
            return True
        # "an airstrike that killed 15 people", and the small model's misparse of
        # "Israeli airstrikes killed 15 people" (the noun as root, "killed" as its acl)
        if c.dep_ in ("acl", "relcl") and c.lemma_.lower() in _RESULT_VERBS and any(
                g.dep_ in ("dobj", "obj") for g in c.children):
            return True
    head = tok.head
    if tok.dep_ in ("nsubj", "nsubjpass") and head.lemma_.lower() in lex.frame_subject:
        return True
    if tok.dep_ in ("nsubj",) and head.pos_ == "VERB" and head.tag_ == "VBD" and \
            head.lemma_.lower() in _RESULT_VERBS:
        return True
    if tok.dep_ in ("dobj", "obj", "nsubjpass") and head.lemma_.lower() in lex.frame_object:
        return True
    if tok.dep_ == "attr" and head.lemma_ == "be" and any(
            c.dep_ == "expl" for c in head.children):
        return True  # "there had been intense fighting"
    if tok.dep_ == "pobj" and head.dep_ in ("prep", "agent"):
        verb = head.head
        if verb.lemma_.lower() in _RESULT_VERBS or (head.lower_ == "by" and verb.tag_ == "VBN"):
            return True  # "killed in an air strike", "damaged by shelling"
        if verb.dep_ in ("dobj", "obj") and verb.head.lemma_.lower() in lex.frame_object:
            return True  # "launched a wave of drone attacks"
        if head.lower_ == "during" and verb.tag_ in ("VBD", "VBN"):
            return True  # "police arrested 14 people during a protest": it happened
    if tok.dep_ == "conj":
        return has_frame(tok.head, place_idx, time_idx)
    if tok.dep_ == "compound" and tok.head.dep_ in ("nsubj", "dobj", "attr", "pobj"):
        return has_frame(tok.head, place_idx, time_idx)
    return False


@functools.lru_cache(maxsize=1)
def _by_first_word() -> dict[str, list[list[Trigger]]]:
    """Trigger groups (same words) indexed by their first word, for one lookup per token."""
    out: dict[str, list[list[Trigger]]] = {}
    for trs in lexicon().by_word.values():
        out.setdefault(trs[0].words[0], []).append(trs)
    return out


def _token_ids(doc: Doc, spans: list[tuple[int, int]]) -> set[int]:
    out: set[int] = set()
    for s, e in spans:
        sp = doc.char_span(s, e, alignment_mode="expand")
        if sp is not None:
            out |= {t.i for t in sp}
    return out


def find_mentions(doc: Doc, *, place_spans: list[tuple[int, int]],
                  time_spans: list[tuple[int, int]],
                  dated_spans: list[tuple[int, int]] | None = None) -> list[Mention]:
    """Every trigger occurrence with its status (None = an event that happened).

    A trigger inside a "since" clause ("since Ukrainian troops liberated it") is background.
    ``dated_spans`` are the time expressions precise enough (a day or a week) to make a
    trigger news even inside a background phrase; by default all of ``time_spans``.
    """
    place_idx = _token_ids(doc, place_spans)
    time_idx = _token_ids(doc, time_spans)
    dated_idx = _token_ids(doc, dated_spans if dated_spans is not None else time_spans)
    by_first = _by_first_word()
    out: list[Mention] = []
    used: set[int] = set()
    lowers, lemmas = token_lowers(doc), token_lemmas(doc)
    for i in range(len(doc)):
        if i in used:
            continue
        cands = by_first.get(lowers[i], []) + by_first.get(lemmas[i], [])
        if not cands:
            continue
        found = None
        for n in sorted({len(t[0].words) for t in cands}, reverse=True):
            for trs in cands:
                if len(trs[0].words) != n:
                    continue
                toks = _phrase_at(doc, i, trs[0].words)
                if toks is None:
                    continue
                anchor = _anchor(toks)
                for tr in trs:
                    if _pos_ok(anchor, tr.pos):
                        found = (toks, anchor, tr)
                        break
                if found:
                    break
            if found:
                break
        if not found:
            continue
        toks, anchor, tr = found
        if any(t.i in time_idx or t.i in place_idx for t in toks):
            continue  # "March 14" in a dateline, "Strike" in a place name: not a trigger
        if tr.needs_frame and not has_frame(anchor, place_idx, time_idx):
            continue
        if tr.pos == "any" and anchor.pos_ in ("NOUN", "PROPN") and \
                not has_frame(anchor, place_idx, time_idx) and anchor.dep_ not in ("nsubj", "ROOT"):
            continue
        if not _object_ok(tr, anchor, place_idx):
            continue
        if tr.weapon_required and not _weapon_in(anchor):
            continue
        if tr.prep_required and not any(c.dep_ == "prep" and c.lower_ in tr.prep_required
                                        for c in anchor.children):
            continue
        used |= {t.i for t in toks}
        m = Mention(anchor=anchor, tokens=toks, trigger=tr, sent=anchor.sent)
        own_time = any(t.i in dated_idx for c in anchor.children for t in c.subtree
                       if c.dep_ in ("prep", "npadvmod", "tmod"))
        m.status = modality(anchor) or background(anchor, has_own_time=own_time)
        if m.status is None and any(c.dep_ == "mark" and c.lower_ == "since" for c in anchor.children):
            m.status = "background 'since' clause"
        out.append(m)
    return out
