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


def attached_verb(doc: Doc, token: Token) -> Token | None:
    """The verb a time expression headed by ``token`` belongs to.

    Mostly its governing verb; but "Egypt said on Wednesday it would not reopen the
    crossing" is often parsed with "on Wednesday" under "reopen". A time that stands right
    after the head of a complement clause, before anything of that clause (its subject,
    "that"), dates the saying: the parse's attachment across a clause edge is not trusted.
    """
    verb = governing_verb(token)
    if verb is None or verb.dep_ != "ccomp" or verb.head.i == verb.i:
        return verb
    head = verb.head
    top = token
    while top.head.i != verb.i and top.head.i != top.i:
        top = top.head  # the preposition ("on") that hangs the time on the verb
    if top.head.i != verb.i or not head.i < top.left_edge.i:
        return verb
    own = [t for t in verb.subtree if not (top.left_edge.i <= t.i <= top.right_edge.i)]
    if own and top.right_edge.i < min(t.i for t in own) and \
            all(head.i < t.i for t in top.subtree) and \
            all(doc[i].is_punct or doc[i].pos_ in ("ADV", "PART")
                for i in range(head.i + 1, top.left_edge.i)):
        return governing_verb(head)
    return verb


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
    "the Oct. 23 slaying") says nothing about a past verb's time: None, so the default of
    its kind applies; only a future clause carries over ("will fly a mission in December").
    A bare -ing participle takes the tense of the clause it hangs on.
    """
    span = span_of(doc, start, end)
    if span is None:
        return None
    verb = attached_verb(doc, span.root)
    if verb is None:
        return None
    if verb.i != governing_verb(span.root).i:
        return clause_tense(verb)  # re-attached across a clause edge ("said on Wednesday it")
    t = span.root.head
    while t.i != verb.i and t.head.i != t.i:
        if t.pos_ in ("NOUN", "PROPN", "ADJ") and not (start <= t.idx < end):
            # "will be named commander for a mission in December": a noun in a future
            # clause lies ahead too. A past clause says nothing ("set the Dec. 7 deadline").
            return "future" if _inherited(verb) == "future" else None
        t = t.head
    prep = span.root.head if span.root.head.dep_ == "prep" and span.root.dep_ == "pobj" else None
    if (rs := _rescheduled(verb, prep)) is not None:
        return rs
    return _inherited(verb)


def _rescheduled(verb: Token, prep: Token | None) -> Tense:
    """"extended the offer to Nov. 20" (a new date: nearest), "a summit set for April" (a
    plan: future); None when the verb is not one of those."""
    words = vocab().tense
    lemma = verb.lemma_.lower()
    if prep is None or prep.head.i != verb.i:
        return None
    p = prep.lower_
    if lemma in words.get("reschedule_verbs", ()) and p in words.get("reschedule_preps", ()):
        return "present"
    if p == "for" and lemma in words.get("schedule_participles", ()) and verb.tag_ == "VBN" \
            and not any(c.dep_ in ("aux", "auxpass") for c in verb.children):
        outer = governing_verb(verb.head) if verb.head.i != verb.i else None
        if outer is not None and outer.i != verb.i and clause_tense(outer) == "past":
            return None  # "a service planned for Saturday was canceled": a past plan
        return "future"
    return None


def _inherited(verb: Token) -> Tense:
    """The tense of ``verb``'s clause; a bare -ing participle ("rising to a high in June",
    "killing 14 on Tuesday") has none of its own and takes the one of the clause it hangs on.
    """
    own = clause_tense(verb)
    v = verb
    for _ in range(4):
        if own is not None or v.tag_ != "VBG" or v.dep_ not in ("advcl", "conj", "xcomp") or \
                any(c.dep_ in ("aux", "auxpass", "mark") for c in v.children):
            return own
        head = governing_verb(v.head)
        if head is None or head.i == v.i:
            return own
        v = head
        own = clause_tense(v)
    return own


def present_perfect(doc: Doc, start: int, end: int) -> bool:
    """Whether the expression at [start, end) hangs on a present perfect ("have been without
    water for two days", "has been under blockade for months"): a span that runs up to the
    time of writing."""
    span = span_of(doc, start, end)
    if span is None:
        return False
    verb = attached_verb(doc, span.root)
    if verb is None:
        return False
    auxes = [c for c in verb.children if c.dep_ in ("aux", "auxpass")]
    return any(a.lemma_ == "have" and a.tag_ in ("VBP", "VBZ") for a in auxes)
