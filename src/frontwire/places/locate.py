"""Where a clause happens: the place its locative phrase names.

The events stage gives the character span of a trigger or clause; the answer is the place
introduced by a locative preposition ("near Bakhmut", "in the Luhansk region", "along the
Svatove-Kreminna line", "towards Lysychansk", "north of Donetsk") whose phrase hangs off
the clause's words in the dependency tree, or a place that is the direct object of the
trigger ("shelled Kharkiv"). A subject ("Moscow has mobilized") is an actor: None.
"""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span, Token

from ..model import Place
from .recognize import words

_SPECIFICITY = {"city": 0, "other": 1, "admin2": 2, "admin1": 3, "region": 4, "country": 5, None: 6}
_CLAUSE_LINKS = frozenset({"conj", "ccomp", "advcl", "parataxis", "relcl", "acl"})
_PHRASE_DEPS = frozenset({"compound", "pobj", "appos", "conj", "amod", "nmod", "npadvmod",
                          "punct", "cc", "poss", "nummod", "det"})
_MAX_PATH = 5  # tokens between a place and its preposition (the Svatove-Kreminna border)


def _place_tokens(doc: Doc, p: Place) -> Span | None:
    return doc.char_span(p.start, p.end, alignment_mode="expand")


def _root(span: Span) -> Token:
    return span.root


def _preposition(tok: Token) -> Token | None:
    """The locative preposition governing a place's phrase, if any, within a short path."""
    w = words()
    cur = tok
    for _ in range(_MAX_PATH):
        head = cur.head
        if head.i == cur.i:
            return None
        if head.dep_ == "prep" or head.pos_ == "ADP":
            low = head.lower_
            if low not in w.locative_prepositions:
                return None
            if low == "of" and head.head.lower_ not in w.direction_words:
                return None
            return head
        if cur.dep_ not in _PHRASE_DEPS and head.pos_ not in ("NOUN", "PROPN"):
            return None
        cur = head
    return None


def _relation(anchor: set[int], tok: Token) -> int | None:
    """0: tok is in or directly under the clause's tokens; n: n steps up to reach one."""
    depth = 0
    cur = tok
    while True:
        if cur.i in anchor:
            return depth
        if cur.head.i == cur.i or (cur.dep_ in _CLAUSE_LINKS and cur.pos_ in ("VERB", "AUX")):
            break  # another clause ("..., and fighting continued in Ukraine's east")
        cur = cur.head
        depth += 1
    # the clause's words may hang below the preposition's head (a noun trigger's verb)
    for i in anchor:
        node = tok.doc[i]
        steps = 0
        while node.head.i != node.i and steps < 4:
            if node.dep_ in _CLAUSE_LINKS and node.pos_ in ("VERB", "AUX"):
                break
            node = node.head
            steps += 1
            if node.i == tok.i:
                return 10 + steps
    return None


def place_for(start: int, end: int, places: Sequence[Place], doc: Doc) -> Place | None:
    """The place governed by the clause's locative phrase, or None (see module doc)."""
    clause = doc.char_span(start, end, alignment_mode="expand")
    if clause is None or len(clause) == 0:
        return None
    sent = clause[0].sent
    anchor = {t.i for t in clause}
    ranked: list[tuple[int, int, int, int, Place]] = []
    for order, p in enumerate(places):
        if not (sent.start_char <= p.start < sent.end_char):
            continue
        span = _place_tokens(doc, p)
        if span is None or any(t.i in anchor for t in span):
            continue
        root = _root(span)
        prep = _preposition(root)
        if prep is not None:
            rel = _relation(anchor, prep.head)
            kind = 0
        elif root.dep_ in ("dobj", "obj") and root.head.i in anchor:
            rel, kind = 0, 1
        else:
            continue
        if rel is None:
            continue
        resolved = 0 if p.lat is not None else 1
        ranked.append((resolved, kind, _SPECIFICITY.get(p.feature, 6) if rel < 10 else 7,
                       rel + abs(p.start - start) // 1000, p))
    if not ranked:
        return None
    ranked.sort(key=lambda r: r[:4])
    return ranked[0][4]
