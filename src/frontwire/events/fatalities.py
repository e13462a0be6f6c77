"""People killed (and, apart, wounded) by ACLED's conventions.

The count is read only from the victims of a death word in the same sentence: the
subject of "died"/"were killed", the object of "killed", a "death toll of N", "N dead".
So "four-star general", "six months" and "a second partial mobilization" never count.
"at least 12" gives 12, "two civilians" 2, "several" 3, "dozens" 12, "hundreds" 100
(``data/event_triggers.yaml``: ``fatalities``); "casualties" with no death count gives 0;
where a sentence gives two figures for one death toll, the lowest is kept. Nothing said
about deaths gives None (not 0): the text is silent, and we do not guess.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Span, Token

from ..nlp import doc_text, token_lemmas, token_lowers
from .lexicon import _yaml


@dataclass(frozen=True)
class Casualties:
    killed: int | None
    wounded: int | None
    killed_phrase: tuple[int, int] | None  # char span of the phrase the count came from
    wounded_phrase: tuple[int, int] | None


@functools.lru_cache(maxsize=1)
def _raw() -> dict:
    return _yaml("event_triggers.yaml")["fatalities"]


def _value(tok: Token) -> int | None:
    """The number a token (with its modifiers) states, or None."""
    w = _raw()
    low = tok.lower_.replace(",", "")
    if tok.ent_type_ == "ORDINAL" or tok.tag_ == "JJ" and low in ("second", "first", "third"):
        return None
    if re.fullmatch(r"\d+", low):
        return int(low)
    if low in w["vague"]:
        return int(w["vague"][low])
    if low in w["numbers"] and low not in ("a", "an"):
        return int(w["numbers"][low])
    if low == "dozen":
        return 12
    return None


def _count_in(phrase: Token) -> tuple[int | None, tuple[int, int] | None]:
    """The count of a victims phrase: its number modifier, or the phrase itself as a number."""
    cands: list[Token] = [phrase]
    cands += [c for c in phrase.children if c.dep_ in ("nummod", "amod", "quantmod", "det", "advmod", "npadvmod")]
    for c in list(cands):
        cands += [g for g in c.children if g.dep_ in ("nummod", "compound", "quantmod")]
    # "dozens of civilians": the count is the head, the people its "of" phrase
    vals = [(v, c) for c in cands if (v := _value(c)) is not None]
    if not vals:
        return None, None
    v, _tok = min(vals, key=lambda x: x[0])
    left = min(t.i for t in phrase.subtree)
    right = max(t.i for t in phrase.subtree)
    doc = phrase.doc
    return v, (doc[left].idx, doc[right].idx + len(doc[right].text))


def _victims(word: Token) -> list[Token]:
    """The victim phrases of a death/wound word."""
    out: list[Token] = []
    if word.pos_ == "VERB":
        passive = any(c.dep_ == "auxpass" for c in word.children) or word.tag_ == "VBN"
        for c in word.children:
            if c.dep_ in ("dobj", "obj", "nsubjpass"):
                out.append(c)
            if c.dep_ == "nsubj" and (passive or word.lemma_.lower() in ("die", "perish")):
                out.append(c)
        has_object = any(c.dep_ in ("dobj", "obj") for c in word.children)
        if word.dep_ in ("acl", "relcl") and word.head.pos_ in ("NOUN", "NUM", "PRON") and \
                not has_object:
            # "two civilians killed in the strike"; but in "an airstrike that killed six
            # people" (an object follows) the head is the killer, not the killed
            out.append(word.head)
        if word.dep_ == "amod":
            out.append(word.head)
    else:
        # "12 dead", "the death toll rose to 30", "a toll of 7", "bodies of 5 people"
        for c in word.children:
            if c.dep_ in ("nummod", "quantmod"):
                out.append(c)
            if c.dep_ == "prep" and c.lower_ in ("of", "to", "at"):
                out += [g for g in c.children if g.dep_ == "pobj"]
        if word.head.pos_ in ("VERB", "AUX"):
            for c in word.head.children:
                if c.dep_ == "prep" and c.lower_ in ("to", "at"):
                    out += [g for g in c.children if g.dep_ == "pobj"]
                if c.dep_ in ("attr", "dobj") and c is not word:
                    out.append(c)
        if word.dep_ in ("amod", "acomp") and word.head.pos_ in ("NOUN", "NUM"):
            out.append(word.head)
        if word.dep_ == "acomp":
            out += [c for c in word.head.children if c.dep_ == "nsubj"]
    expanded = []
    for o in out:
        expanded.append(o)
        for c in o.children:  # "dozens of civilians", "at least 12 of them"
            if c.dep_ == "prep" and c.lower_ == "of":
                expanded += [g for g in c.children if g.dep_ == "pobj"]
    return expanded


def _is(word: Token, kinds: list[str]) -> bool:
    return word.lemma_.lower() in kinds or word.lower_ in kinds


@functools.lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str],
                      re.Pattern[str]]:
    """The word lists as sets, and the "none" words as one pattern (read per token and per
    sentence of every event; lists and per-call patterns cost more than the rest of the
    count)."""
    w = _raw()
    none = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in w["none_words"]) + r")\b")
    return (frozenset(w["death_verbs"]), frozenset(w["death_nouns"]),
            frozenset(w["wound_words"]), frozenset(w["casualty_words"]), none)


def casualties(sents: list[Span]) -> Casualties:
    """Killed and wounded counts stated in the sentences of one event."""
    death_verbs, death_nouns, wound_words, casualty_words, none_re = _words()
    killed: list[tuple[int, tuple[int, int]]] = []
    wounded: list[tuple[int, tuple[int, int]]] = []
    casualty_only = False
    none_said = False
    for sent in sents:
        doc = sent.doc
        low = doc_text(doc)[sent.start_char:sent.end_char].lower()
        if none_re.search(low):
            none_said = True
        lowers, lemmas = token_lowers(doc), token_lemmas(doc)
        for k in range(sent.start, sent.end):
            lemma, lower = lemmas[k], lowers[k]
            death_verb = lemma in death_verbs or lower in death_verbs
            death_noun = lemma in death_nouns or lower in death_nouns
            is_wound = lemma in wound_words or lower in wound_words
            if lower in casualty_words:
                casualty_only = True
            if not (death_verb or death_noun or is_wound):
                continue  # the word lists rule out most tokens before a Token is made
            tok = doc[k]
            is_death = death_verb and tok.pos_ in ("VERB", "ADJ") or \
                death_noun and tok.pos_ in ("NOUN", "ADJ", "VERB")
            if not (is_death or is_wound):
                continue
            for v in _victims(tok):
                n, span = _count_in(v)
                if n is None and v.pos_ in ("NOUN", "PROPN") and v.tag_ in ("NN", "NNP") and \
                        v.lower_ not in ("toll",) and is_death and tok.pos_ == "VERB":
                    det = [c for c in v.children if c.dep_ == "det"]
                    if det and det[0].lower_ in ("a", "an", "one") and \
                            v.lemma_.lower() in _raw().get("singular_victims", ()):
                        n, span = 1, (v.idx, v.idx + len(v.text))
                if n is None or span is None:
                    continue
                (killed if is_death else wounded).append((n, span))
    k = min(killed, key=lambda x: x[0]) if killed else None
    wd = min(wounded, key=lambda x: x[0]) if wounded else None
    if k is not None:
        return Casualties(k[0], wd[0] if wd else None, k[1], wd[1] if wd else None)
    if none_said or casualty_only:
        return Casualties(0, wd[0] if wd else None, None, wd[1] if wd else None)
    return Casualties(None, wd[0] if wd else None, None, wd[1] if wd else None)
