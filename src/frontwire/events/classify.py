"""Arguments and type: who did what to whom, and which ACLED sub-type that makes.

The sub-type comes from the trigger and its arguments: weapon words in the clause decide
among remote-violence sub-types ("struck with drones" is an Air/drone strike), the
victims decide between a battle and violence against civilians, the police's actions
decide the protest sub-type, and the territory rule (docs/events.md) decides captures.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Span, Token

from .. import data
from ..model import Actor
from .actors import actor_of, index, pro_government, word_re
from .detect import Mention, objects
from .lexicon import lexicon

ARMED = {"military", "rebels", "militia", "police"}
_RESISTING_VERBS = data.words("grammar_words.yaml", "events", "resisting_verbs")


@dataclass
class Typed:
    event_type: str
    sub_event_type: str | None
    actor1: Actor | None
    actor2: Actor | None
    sub_source: str  # trigger | weapon | fallback | territory | protest
    drop: bool = False  # the mention is only a detail of another trigger (killed *in* a strike)


def _text_has(text: str, words: tuple[str, ...]) -> bool:
    return any(w in text and word_re(w).search(text) for w in words)


def weapon_sub(tokens: list[Token]) -> str | None:
    """The remote-violence sub-type named by the weapon words of a clause."""
    lex = lexicon()
    text = " ".join(t.lower_ for t in tokens)
    order = lex.precedence["Explosions/Remote violence"]
    for sub in order:
        if _text_has(text, lex.weapons.get(sub, ())):
            return sub
    return None


def clause_tokens(anchor: Token) -> list[Token]:
    """The trigger's own clause: its subtree, or its governing verb's when it is a noun."""
    head = anchor
    while head.pos_ not in ("VERB", "AUX") and head.head.i != head.i and head.dep_ != "ROOT":
        head = head.head
    own = list(anchor.subtree)
    if head is anchor:
        return own
    # the governing verb's arguments, without its other clauses
    toks = [head] + [t for c in head.children if c.dep_ not in ("conj", "advcl", "ccomp",
                                                                   "parataxis", "relcl")
                     for t in c.subtree]
    return sorted({t.i: t for t in toks + own}.values(), key=lambda t: t.i)


def governing_verb(anchor: Token) -> Token | None:
    t = anchor
    for _ in range(12):
        if t.pos_ in ("VERB",) or (t.pos_ == "AUX" and t.dep_ not in ("aux", "auxpass")):
            return t
        if t.head.i == t.i:
            return None
        t = t.head
    return None


def _modifier_actor(tok: Token, **kw: object) -> Actor | None:
    """"a Russian attack", "the enemy's offensive", "RSF drone strike", "an attack by X"."""
    for c in tok.children:
        if c.dep_ in ("amod", "compound", "poss", "nmod") and c.i < tok.i:
            a = actor_of(c, **kw)  # type: ignore[arg-type]
            if a is not None and a.kind != "civilians":
                return a
    return _prep_actor(tok, ("by",), **kw)


def _prep_actor(tok: Token, preps: tuple[str, ...], **kw: object) -> Actor | None:
    """The first actor named as the object of one of ``preps`` under ``tok``."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ in preps:
            for g in c.children:
                if g.dep_ == "pobj":
                    a = actor_of(g, **kw)  # type: ignore[arg-type]
                    if a is not None:
                        return a
    return None


def _between(tok: Token, **kw: object) -> tuple[Actor | None, Actor | None]:
    """"clashes between X and Y"."""
    for c in tok.children:
        if c.dep_ == "prep" and c.lower_ == "between":
            for g in c.children:
                if g.dep_ == "pobj":
                    first = actor_of(g, **kw)  # type: ignore[arg-type]
                    second = next((actor_of(x, **kw) for x in g.conjuncts), None)  # type: ignore[arg-type]
                    return first, second
    return None, None


def _target_actor(tok: Token, **kw: object) -> Actor | None:
    return _prep_actor(tok, ("on", "against", "at", "targeting", "into"), **kw)


def _subject(verb: Token) -> Token | None:
    # a dateline parsed as a second subject ("ADDIS ABABA, Jan 27 (Reuters) - Fano militiamen
    # attacked") is not the agent
    subjects = [c for c in verb.children if c.dep_ == "nsubj" and not c.is_punct]
    if len(subjects) > 1 and subjects[0].text.isupper() and len(subjects[0].text) > 2 and \
            subjects[0].i - subjects[0].sent.start <= 3:
        subjects = subjects[1:]
    for c in subjects:
        if c.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
            return verb.head  # "protesters who stormed parliament"
        return c
    for c in verb.children:
        if c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    return g
    if verb.dep_ in ("conj", "xcomp", "advcl") and verb.head.i != verb.i:
        return _subject(verb.head)
    if verb.dep_ == "acl" and verb.head.pos_ in ("NOUN", "PROPN"):
        return verb.head
    return None


def _with_partner(verb: Token, **kw: object) -> Actor | None:
    return _prep_actor(verb, ("with", "between", "against"), **kw)


def arguments(m: Mention, *, location_country: str | None, speaker_side: str | None
              ) -> tuple[Actor | None, Actor | None]:
    """(actor1, actor2): initiator and target as the text names them."""
    tr = m.trigger
    violent = tr.type not in ("Strategic developments", "Protests")
    kw = {"location_country": location_country, "speaker_side": speaker_side, "violent": violent}
    a = m.anchor
    a1 = a2 = None
    if a.pos_ == "VERB":
        subj = _subject(a)
        objs = [o for o in objects(a) if o.dep_ in ("dobj", "obj", "nsubjpass")]
        passive = any(c.dep_ == "nsubjpass" for c in a.children)
        if passive:
            a1 = None
            for c in a.children:
                if c.dep_ == "agent":
                    for g in c.children:
                        if g.dep_ == "pobj":
                            a1 = actor_of(g, **kw)
            a2 = actor_of(objs[0], **kw) if objs else None
        else:
            a1 = actor_of(subj, **kw)
            if a1 is None and subj is not None:
                a1 = _modifier_actor(subj, **kw)  # "a Russian missile hit ..."
            if objs:
                a2 = actor_of(objs[0], **kw) or _modifier_actor(objs[0], **kw)
            if a2 is None:
                a2 = _target_actor(a, **kw) or _with_partner(a, **kw)
        if tr.reverse:
            # "border guards repelled a Russian attack": the attacker is in the object
            defender = a1
            attacker = None
            if objs:
                attacker = _modifier_actor(objs[0], **kw) or actor_of(objs[0], **kw)
            if attacker is None and defender is not None and defender.country in index().adversaries:
                attacker = index().adversaries[defender.country]
            a1, a2 = attacker, defender
    else:
        a1 = _modifier_actor(a, **kw)
        a2 = _target_actor(a, **kw)
        b1, b2 = _between(a, **kw)
        a1, a2 = a1 or b1, a2 or b2
        head = a.head
        if a.dep_ in ("dobj", "obj") and head.pos_ == "VERB":
            subj = actor_of(_subject(head), **kw)
            if head.lemma_.lower() in _RESISTING_VERBS:
                a2 = a2 or subj
            elif a1 is None:
                a1 = subj
        if a.dep_ in ("nsubj",) and head.pos_ == "VERB" and a2 is None:
            objs = [o for o in objects(head) if o.dep_ in ("dobj", "obj")]
            if objs:
                a2 = actor_of(objs[0], **kw)
        if a.dep_ == "pobj" and head.head.pos_ == "VERB":
            v = head.head
            subj = _subject(v)
            passive = any(c.dep_ == "auxpass" for c in v.children)
            if a2 is None:
                objs = [o for o in objects(v) if o.dep_ in ("dobj", "obj", "nsubjpass")]
                if objs:
                    a2 = actor_of(objs[0], **kw)
                if a2 is None and subj is not None and passive:
                    a2 = actor_of(subj, **kw)
            if a1 is None and subj is not None and not passive:
                # "Gunmen killed 30 villagers in an attack on a market": the attack's agent
                # is the subject of the verb it qualifies
                a1 = actor_of(subj, **kw)
    if a1 is not None and a2 is not None and a1 == a2:
        a2 = None
    return a1, a2


def classify(m: Mention, a1: Actor | None, a2: Actor | None, *, location_country: str | None,
             sent: Span) -> Typed:
    """The ACLED type and sub-type of a mention given its arguments."""
    lex = lexicon()
    tr = m.trigger
    clause = clause_tokens(m.anchor)
    wsub = weapon_sub(clause)
    etype, sub, source = tr.type, tr.sub, "trigger"
    if a1 is not None and a1.kind in ("protesters", "rioters") and (
            etype not in ("Protests", "Riots", "Strategic developments")
            or tr.sub == "Looting/property destruction"):
        # "protesters stormed parliament": a riot, not a battle
        return Typed("Riots", "Violent demonstration", Actor(name=a1.name, country=a1.country, kind="rioters"), a2, "protest")
    if a2 is not None and a2.kind == "protesters" and a1 is not None and a1.kind in ("police", "military"):
        low = " ".join(t.lower_ for t in sent)
        sub = "Excessive force against protesters" if _text_has(low, lex.protest_excessive_force) \
            else "Protest with intervention"
        return Typed("Protests", sub, a2, a1, "protest")
    if tr.victim_trigger:
        # "killed in a drone strike": the strike is the event; "gunmen killed villagers" is one
        if wsub is not None:
            return Typed("Explosions/Remote violence", wsub, a1, a2, "weapon", drop=True)
        if a1 is None or a1.kind not in ARMED | {"rioters"}:
            return Typed(etype, sub, a1, a2, "trigger", drop=True)
        if a2 is not None and a2.kind == "protesters":
            return Typed("Protests", "Excessive force against protesters", a1, a2, "protest")
        if a2 is not None and a2.kind == "civilians":
            return Typed("Violence against civilians", "Attack", a1, a2, "target")
        return Typed("Battles", "Armed clash", a1, a2, "target")
    if etype == "by_target":
        if wsub is not None:
            return Typed("Explosions/Remote violence", wsub, a1, a2, "weapon")
        if tr.fallback and tr.fallback[0] == "Explosions/Remote violence":
            return Typed(tr.fallback[0], tr.fallback[1], a1, a2, "fallback")
        if a2 is not None and a2.kind == "civilians" and (a1 is None or a1.kind in ARMED):
            return Typed("Violence against civilians", "Attack", a1, a2, "target")
        etype, sub = tr.fallback or ("Battles", "Armed clash")
        return Typed(etype, sub, a1, a2, "fallback")
    if sub == "by_weapon":
        if wsub is not None:
            return Typed(etype, wsub, a1, a2, "weapon")
        fb = tr.fallback or (etype, None)
        return Typed(fb[0], fb[1], a1, a2, "fallback")
    if etype == "Explosions/Remote violence" and wsub is not None and sub != wsub:
        # ACLED precedence: shelling together with an air strike is an air/drone strike
        order = lex.precedence[etype]
        if order.index(wsub) < order.index(sub):
            sub = wsub
    if sub in ("territory", "territory_loss"):
        winner, loser = (a1, a2)
        if sub == "territory_loss":
            loser = a1
            winner = index().adversaries.get(a1.country) if a1 and a1.country else None
        if winner is None or location_country is None:
            return Typed("Battles", "Armed clash", winner, loser, "territory")
        if winner.country == location_country and (
                winner.kind in ("military", "police", "government") or winner.name in pro_government()):
            return Typed("Battles", "Government regains territory", winner, loser, "territory")
        return Typed("Battles", "Non-state actor overtakes territory", winner, loser, "territory")
    if etype == "Protests":
        low = " ".join(t.lower_ for t in sent)
        if _text_has(low, lex.riot_words):
            return Typed("Riots", "Violent demonstration", a1, a2, "protest")
        if _text_has(low, lex.protest_excessive_force):
            sub = "Excessive force against protesters"
        elif _text_has(low, lex.protest_intervention):
            sub = "Protest with intervention"
        return Typed(etype, sub, a1, a2, "protest")
    return Typed(etype, sub, a1, a2, source)
