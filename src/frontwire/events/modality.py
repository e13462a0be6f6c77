"""Did the event happen? Future, hypothetical, denied, intended, conditional or background.

Coders built on verb lexicons (TABARI, PETRARCH) code "Russia will continue to form
assault forces" and "the scene of some of the bloodiest battles" as events; these checks
are the guard. The path from the trigger up to the top of its sentence is read, crossing
complement clauses (``xcomp``, ``ccomp``, prepositions) but stopping at an adverbial,
relative or coordinated clause, whose modality is its own. Speech verbs on the path are
transparent ("said that border guards repelled ..." reports a fact), denial verbs are not.
"""

from __future__ import annotations

import functools

from spacy.tokens import Token

from ..nlp import doc_text
from .lexicon import lexicon

_STOP_DEPS = {"advcl", "relcl", "parataxis", "conj", "acl"}


@functools.lru_cache(maxsize=1)
def _cues() -> dict[str, frozenset[str]]:
    m = lexicon().modality
    return {k: frozenset(str(w).lower() for w in m.get(k, []) or [])
            for k in ("future_aux", "hypothetical_aux", "irrealis_heads", "irrealis_nouns",
                      "negation", "denial_words", "conditional_marks")}


def _content_nouns() -> frozenset[str]:
    return frozenset(str(w).lower() for w in lexicon().modality.get("content_nouns", []) or [])


def _own_markers(tok: Token, c: dict[str, frozenset[str]], *, is_trigger: bool) -> str | None:
    """Modality carried by the children of one token on the path."""
    lex = lexicon()
    for ch in tok.children:
        low = ch.lower_
        if ch.dep_ == "neg" or (ch.dep_ == "det" and low == "no" and tok.pos_ in ("NOUN", "PROPN")):
            if tok.lemma_.lower() in lex.speech_verbs and not is_trigger:
                continue  # "did not say" is rare; "no one said" is not a denial of the event
            return "negated"
        if ch.dep_ in ("aux", "auxpass"):
            if low in c["future_aux"]:
                return "future"
            if low in c["hypothetical_aux"]:
                return "hypothetical"
        if ch.dep_ == "mark" and low in c["conditional_marks"]:
            return "conditional"
    return None


def modality(trigger: Token) -> str | None:
    """None when the trigger reports something that happened; else the reason it does not.

    Reasons: negated, denied, future, hypothetical, conditional, irrealis (planned, intended,
    feared, likely ...).
    """
    c = _cues()
    lex = lexicon()
    factual_heads = frozenset(str(w).lower() for w in lex.modality.get("factual_infinitive_heads", []))
    # "a bid to take Bakhmut", "a path for Putin's forces to advance": a purpose or a plan
    if any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in trigger.children) and \
            trigger.head.i != trigger.i and trigger.head.lemma_.lower() not in factual_heads:
        return "irrealis"
    head = trigger.head
    if head.lower_ == "going" and any(ch.dep_ == "aux" and ch.lemma_ == "be" for ch in head.children) \
            and any(ch.dep_ == "aux" and ch.lower_ == "to" for ch in trigger.children):
        return "future"  # "we are going to fight": a plan, not "went on to capture"
    tok = trigger
    first = True
    for _ in range(30):
        reason = _own_markers(tok, c, is_trigger=first)
        if reason:
            return reason
        lemma = tok.lemma_.lower()
        if not first:
            if lemma in lex.denial_verbs:
                return "denied"
            if lemma in c["irrealis_heads"] or (tok.pos_ == "NOUN" and tok.lower_ in c["irrealis_nouns"]):
                return "irrealis"
            if tok.pos_ == "ADJ" and lemma in c["irrealis_heads"]:
                return "irrealis"
        # an adjective complement that governs the clause ("is likely to continue")
        for ch in tok.children:
            if ch.dep_ == "acomp" and ch.lemma_.lower() in c["irrealis_heads"] and not first:
                return "irrealis"
            if ch.dep_ == "acomp" and ch.lemma_.lower() in c["irrealis_heads"] and first \
                    and trigger.pos_ in ("NOUN", "PROPN"):
                return "irrealis"
        if tok.dep_ == "acl" and tok.head.lower_ in _content_nouns():
            # "denied reports that a patrol had been attacked": the clause is the content of
            # the report, not a relative clause, so the denial above it applies
            tok = tok.head
            first = False
            continue
        if tok.dep_ in _STOP_DEPS or tok.head.i == tok.i:
            # a coordinated verb shares its head's auxiliaries ("will attack and seize")
            if tok.dep_ == "conj" and tok.pos_ in ("VERB", "AUX"):
                for ch in tok.head.children:
                    if ch.dep_ == "aux" and ch.lower_ in c["future_aux"]:
                        return "future"
                    if ch.dep_ == "aux" and ch.lower_ in c["hypothetical_aux"]:
                        return "hypothetical"
            break
        tok = tok.head
        first = False
    # "is said to be trying ..." is hearsay, not a denial: no reason
    return None


def background(trigger: Token, *, has_own_time: bool) -> str | None:
    """The phrase that makes the trigger history or habit, or None.

    A specific time of the trigger's own ("on Tuesday") overrides the phrase list: "fighting
    continued for the past two days" is news. Superlatives on a trigger noun ("the
    bloodiest battles") always mark a summary.
    """
    m = lexicon().modality
    if m.get("background_superlative") and trigger.pos_ in ("NOUN", "PROPN"):
        for ch in trigger.children:
            if ch.tag_ in ("JJS", "RBS") or (ch.dep_ == "amod" and any(g.tag_ == "RBS" for g in ch.children)):
                return f"superlative {ch.text!r}"
        for ch in trigger.children:  # "the third strike on Odesa's ports this week": a tally
            if ch.ent_type_ == "ORDINAL" or ch.lower_ in ("latest", "another"):
                return f"tally {ch.text!r}"
    # "has seized large parts of North Kivu since ...", "has been fighting since October"
    verb0 = trigger
    while verb0.pos_ not in ("VERB", "AUX") and verb0.head.i != verb0.i:
        verb0 = verb0.head
    if verb0.dep_ in ("csubj", "nsubj") and verb0.head.i != verb0.i:
        verb0 = verb0.head  # "Fighting ... has killed more than 6,000 people since 2017"
    auxes = [c for c in verb0.children if c.dep_ in ("aux", "auxpass")]
    sent = verb0.sent
    if any(a.lower_ in ("has", "have", "'ve") for a in auxes) and \
            "since" in doc_text(sent.doc)[sent.start_char:sent.end_char].lower() and \
            any(t.lower_ == "since" for t in verb0.subtree):
        return "background 'has ... since'"
    # "nine months after a peace deal ended the war": an earlier event recalled
    clause = trigger
    while clause.pos_ not in ("VERB", "AUX") and clause.head.i != clause.i:
        clause = clause.head
    long_units = ("month", "year", "decade")
    marks = [c for c in clause.children if c.dep_ == "mark" and c.lower_ in ("after", "before")]
    if marks and any(c.dep_ == "npadvmod" and c.lemma_.lower() in long_units and c.i < marks[0].i
                     for c in [*clause.children, *clause.head.children]):
        return f"background '... {marks[0].lower_}'"
    before = [t.lower_ for t in clause.doc[max(clause.left_edge.i - 2, clause.sent.start):clause.left_edge.i]]
    if len(before) == 2 and before[1] in ("after", "before") and before[0].rstrip("s") in long_units:
        return f"background '{before[0]} {before[1]}'"
    # "since launching a new offensive in May": the start of a period, not news
    anc = verb0
    for _ in range(3):
        if anc.dep_ in ("pcomp", "pobj") and anc.head.lower_ == "since":
            return "background 'since ...'"
        if anc.head.i == anc.i:
            break
        anc = anc.head
    if has_own_time:
        return None
    # the clause of the trigger: the subtree of its governing verb, within the sentence
    verb = trigger
    while verb.pos_ not in ("VERB", "AUX") and verb.head.i != verb.i:
        verb = verb.head
    span = verb.doc[verb.left_edge.i:verb.right_edge.i + 1]
    # "in one of the deadliest attacks in years", "in the worst fighting this year": a phrase
    # that ranks this very event is not a recollection of earlier ones
    ranked: set[int] = set()
    for t in span:
        if t.dep_ == "prep" and t.head.i == verb.i and any(g.tag_ in ("JJS", "RBS") for g in t.subtree):
            ranked |= {g.i for g in t.subtree}
    low = " " + " ".join(t.lower_ for t in span if t.i not in ranked) + " "
    low = low.replace(" ’", "'").replace(" '", "'")
    for e in m.get("background_exceptions", []) or []:
        low = low.replace(f" {e.lower()} ", " ")  # "over the past day" is today's news
    for phrase in m.get("background_phrases", []) or []:
        if f" {phrase.lower()} " in low:
            return f"background {phrase!r}"
    return None
