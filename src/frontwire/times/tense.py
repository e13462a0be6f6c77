"""Which verb governs a time expression, and whether its clause looks back or ahead.

"will meet on Friday" and "met on Friday" name different Fridays; spaCy's morphology
(Tense=Past, the tag VBD) and the auxiliaries of the governing verb tell them apart.
"""

from __future__ import annotations

from typing import Literal

from spacy.tokens import Doc, Span, Token

from .vocab import vocab

Tense = Literal["past", "present", "future"] | None

_VERBAL = ("VERB", "AUX")


def span_of(doc: Doc, start: int, end: int) -> Span | None:
    return doc.char_span(start, end, alignment_mode="expand")


def governing_verb(token: Token) -> Token | None:
    """The nearest verb at or above ``token`` in the dependency tree (within its sentence)."""
    t = token
    for _ in range(40):  # a parse is a tree; the bound only guards against a malformed one
        if t.pos_ in _VERBAL and not (t.pos_ == "AUX" and t.dep_ in ("aux", "auxpass")):
            return t
        if t.head.i == t.i:
            return None
        t = t.head
    return None


def clause_tense(verb: Token) -> Tense:
    """past, future, or None (present or unclear) for the clause headed by ``verb``."""
    words = vocab().tense
    future_aux = {w.lower() for w in words["future_aux"]}
    future_heads = {w.lower() for w in words["future_heads"]}
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    perfect = any(a.lemma_ == "have" for a in auxes)
    if any(a.lower_ in future_aux for a in auxes) and not perfect:
        return "future"
    # "its record high set on Aug. 6", "the year ended March 31": a bare participle is past
    if verb.tag_ == "VBN" and not auxes and verb.dep_ in ("acl", "relcl", "advcl"):
        return "past"
    # "planned a rally on Saturday", "has set Nov. 10 as the deadline": the time of a plan
    if verb.lemma_.lower() in future_heads and verb.lemma_.lower() not in ("go", "want", "hope"):
        return "future"
    # "is going to attack", "plans to visit", "is due to meet": a to-infinitive under such a head
    if verb.dep_ in ("xcomp", "ccomp") and any(a.lower_ == "to" for a in auxes):
        head = verb.head
        if head.lemma_.lower() in future_heads:
            return "future"
        if any(c.lower_ in future_aux for c in head.children if c.dep_ == "aux"):
            return "future"
    if verb.tag_ == "VBD" or "Past" in verb.morph.get("Tense") and verb.tag_ != "VBN":
        return "past"
    if any(a.tag_ == "VBD" for a in auxes):
        return "past"
    if verb.tag_ == "VBN" and perfect:
        return "past"
    # "Congress reconvenes Jan. 24", "when the case is heard in May": a dated present is
    # mostly a schedule, so the nearest occurrence is taken.
    if verb.tag_ in ("VBZ", "VBP") or any(a.tag_ in ("VBZ", "VBP") for a in auxes):
        return "present"
    return None


def tense_at(doc: Doc, start: int, end: int) -> Tense:
    """The tense of the clause a time expression at [start, end) belongs to.

    Only a time that hangs on the verb itself (directly or through its preposition) takes
    the verb's tense. One inside a noun or adjective phrase ("a dividend payable Dec. 7",
    "the Oct. 23 slaying") says nothing about that verb's time: None, so the default of
    its kind applies.
    """
    span = span_of(doc, start, end)
    if span is None:
        return None
    verb = governing_verb(span.root)
    if verb is None:
        return None
    t = span.root.head
    while t.i != verb.i and t.head.i != t.i:
        if t.pos_ in ("NOUN", "PROPN", "ADJ") and not (start <= t.idx < end):
            return None
        t = t.head
    return clause_tense(verb)
