"""The events stage's own steps: mentions to drafts to events, with the background, tally and
referring-back guards; ``extract_events`` is the entry point (see the package docstring)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from spacy.tokens import Doc, Span

from .. import data
from ..claims import claim_for
from ..model import Actor, Claim, Event, Evidence, Place, TimeSpan, record_id
from ..nlp import doc_text
from .actors import (
    actor_from_text,
    actor_of,
    antecedent_group,
    as_actor,
    country_name,
    index,
    side_of,
    state_actor,
    theatre,
    word_re,
)
from .classify import arguments, classify, governing_verb
from .confidence import confidence
from .dating import date_event
from .detect import Mention, find_mentions
from .fatalities import casualties
from .lexicon import lexicon
from .locate import locate
from .locate import there as there_refers_back
from .merge import Draft, merge

HISTORY_DAYS = 31  # an event that ended more than this before publication is background



def speaker_side(claim: Claim | None, text: str) -> str | None:
    """The country whose side a claim's speaker is on, from the name, role or first mention."""
    if claim is None:
        return None
    for s in (claim.speaker_role, claim.speaker, claim.cites):
        cc = side_of(s)
        if cc:
            return cc
    if claim.speaker:
        last = claim.speaker.split()[-1]
        for m in re.finditer(re.escape(last), text):
            window = text[max(0, m.start() - 60): m.end() + 90]
            cc = side_of(window)
            if cc:
                return cc
    return None


def _hits_civilians(m: Mention, sent: Span) -> bool:
    """A remote attack whose object or victims are civilian ("bombed a village", "killing four
    fishermen"): its actor2 is civilians (``civilian_targets`` in actors.yaml)."""
    words = lexicon().actors.get("civilian_targets", [])
    gen = lexicon().actors["generic"]["civilians"]["words"]
    holder = m.anchor if m.anchor.pos_ == "VERB" else m.anchor.head
    objs = [t for c in holder.children if c.dep_ in ("dobj", "obj", "nsubjpass")
            for t in c.subtree]
    objs += [t for c in m.anchor.children if c.dep_ == "prep" and c.lower_ in ("on", "at", "against")
             for t in c.subtree]
    low = " " + " ".join(t.lower_ for t in objs) + " "
    if any(w in low and word_re(w).search(low) for w in words):
        return True
    # victims of a death or wound word in the sentence: "killing two civilians", "injuring a man"
    for tok in sent:
        if tok.lemma_.lower() in _HARM_VERBS:
            vict = " ".join(t.lower_ for c in tok.children if c.dep_ in ("dobj", "nsubjpass", "nsubj")
                            for t in c.subtree)
            if any(w in vict and word_re(w).search(vict) for w in gen):
                return True
    return False


def _attach_tolls(doc: Doc, drafts: list[Draft]) -> None:
    """A sentence that counts dead or wounded but reports no event of its own ("At least 17
    people were killed, the UN said.") gives its toll to the event of the sentence before."""
    with_mentions = {i for d in drafts for i in d.sent_ids}
    sents = list(doc.sents)
    for k, sent in enumerate(sents):
        if sent.start in with_mentions or k == 0:
            continue
        cas = casualties([sent])
        if cas.killed is None and cas.wounded is None:
            continue
        prev = sents[k - 1].start
        target = next((d for d in reversed(drafts) if prev in d.sent_ids), None)
        if target is None:
            continue
        if cas.killed is not None:
            if target.fatalities is None or (cas.killed > 0 and (target.fatalities == 0 or cas.killed < target.fatalities)):
                target.fatalities = cas.killed
                target.killed_phrase = cas.killed_phrase
            target.spans.append(cas.killed_phrase or (sent.start_char, sent.end_char))
        if cas.wounded is not None and target.wounded is None:
            target.wounded = cas.wounded
            target.wounded_phrase = cas.wounded_phrase
            if cas.wounded_phrase:
                target.spans.append(cas.wounded_phrase)


def _fill_defaults(d: Draft, *, article_text: str, side: str | None) -> None:
    """Theatre defaults for a battle or remote attack whose actors the text does not name."""
    cc = d.location.country if d.location else None
    spec = theatre(cc, article_text)
    if spec is None and d.event_type == "Battles" and cc and (d.actor1 is None) != (d.actor2 is None):
        # one side named: a rebel or militia group fighting in its own country fights its state
        known = d.actor1 or d.actor2
        if known is not None and known.kind in ("rebels", "militia") and known.country == cc:
            if d.actor2 is None:
                d.actor2 = state_actor(cc, "military")
            else:
                d.actor1 = state_actor(cc, "military")
        return
    if spec is None:
        return
    if d.event_type == "Battles":
        pair = [as_actor(x) for x in spec.get("battle", [])]
        if d.actor1 is None and d.actor2 is None and len(pair) == 2:
            d.actor1, d.actor2 = pair[0], pair[1]
            d.actors_defaulted = True
        elif d.actor1 is None or d.actor2 is None:
            known = d.actor1 or d.actor2
            other = next((p for p in pair if p and known and p.country != known.country
                          or (p and known and p.kind != known.kind and p.country == known.country
                              and known.kind in ("military", "rebels"))), None)
            if other is not None:
                if d.actor1 is None:
                    d.actor1 = other
                else:
                    d.actor2 = other
    elif d.event_type == "Explosions/Remote violence" and d.actor1 is None:
        att = as_actor(spec.get("attacker"))
        if att is not None and att.country != side or side is None:
            d.actor1 = att
            d.actors_defaulted = True


def _evidence(doc: Doc, spans: list[tuple[int, int]]) -> tuple[Evidence, ...]:
    out = []
    for s, e in sorted(set(spans)):
        text = doc_text(doc)[s:e]
        stripped = text.strip()
        s += len(text) - len(text.lstrip())
        out.append(Evidence(text=stripped, start=s, end=s + len(stripped)))
    return tuple(out)


_HARM_VERBS = data.words("grammar_words.yaml", "events", "harm_verbs")
_DEFINITE = data.words("grammar_words.yaml", "events", "definite_determiners")
# Verbs that set a reported event against another ("the attack came as ..."): see the data file.
_FRAMING_VERBS = data.words("grammar_words.yaml", "events", "framing_verbs")


def _refers_back(m: Mention, anchored: list[tuple[int, int]]) -> bool:
    """A definite noun trigger with no place or time of its own ("the attack", "this strike")
    names an event the article has already reported, not a new one."""
    a = m.anchor
    if a.pos_ != "NOUN" or not any(c.dep_ in ("det", "poss") and c.lower_ in _DEFINITE
                                   for c in a.children):
        return False
    if a.dep_ == "nsubj" and a.head.lemma_.lower() in _FRAMING_VERBS:
        return True  # "The attack on the Bamenda-Bafut road came a day after ...": told already
    lo, hi = a.left_edge.idx, a.right_edge.idx + len(a.right_edge.text)
    return not any(s < hi and lo < e for s, e in anchored)


def _two_armed_sides(drafts: list[Draft]) -> list[Draft]:
    """A battle is fought between two armed groups (ACLED). A "battle" whose other side is
    civilians, in a sentence that reports another event ("forces arrested 20 people in raids
    on Nablus"), is that other event told twice: it is dropped. Alone in its sentence it
    stays (the civilian side is then more likely a missed armed group than a fact)."""
    # a draft's own sentence is its first: sentences it gathered later ("The fighting erupted
    # ...", which refers back to it) do not make it share a sentence with their events
    return [d for d in drafts
            if not (d.event_type == "Battles" and d.actor2 is not None
                    and d.actor2.kind == "civilians"
                    and any(o is not d and min(o.sent_ids) == min(d.sent_ids) for o in drafts))]


def _sent_span(sent: Span) -> tuple[int, int]:
    return sent.start_char, sent.end_char


def extract_events(doc: Doc, *, places: Sequence[Place], times: Sequence[TimeSpan],
                   claims: Sequence[Claim], published: date | None,
                   source: str | None = None) -> list[Event]:
    """The events an article reports as having happened, in text order.

    ``source`` (optional) names the publication: an event the journalist states in their
    own voice is ``claimed_by`` it, with channel "publication"; without it claimed_by is None.
    """
    text = doc_text(doc)
    mentions = find_mentions(doc, place_spans=[(p.start, p.end) for p in places],
                             time_spans=[(t.start, t.end) for t in times],
                             dated_spans=[(t.start, t.end) for t in times
                                          if t.precision in ("day", "week")])
    live = [m for m in mentions if m.status is None]
    anchored = [(p.start, p.end) for p in places] + [(t.start, t.end) for t in times]
    drafts: list[Draft] = []
    for m in live:
        if drafts and _refers_back(m, anchored):
            # "The attack targeted power plants": more about the event already told
            drafts[-1].spans.append(_sent_span(m.sent))
            drafts[-1].sent_ids.add(m.sent.start)
            continue
        # "shelled Kherson, killing two civilians": the killing is the shelling's toll
        if m.trigger.victim_trigger and any(o is not m and not o.trigger.victim_trigger
                                            and o.sent.start == m.sent.start for o in live):
            continue
        d = _draft(doc, m, places=places, times=times, claims=claims, published=published)
        if d is None:
            continue
        if published is not None and d.date_end is not None and d.date_how == "own" and \
                (published - d.date_end).days > HISTORY_DAYS:
            continue  # history recalled in a report, not news (docs/events.md)
        drafts.append(d)
    drafts.sort(key=lambda d: min(d.spans))
    drafts = _two_armed_sides(drafts)
    _attach_tolls(doc, drafts)
    merged = merge(drafts)
    events: list[Event] = []
    for d in merged:
        side = speaker_side(d.claim, text)
        _fill_defaults(d, article_text=text, side=side)
        claim = d.claim
        ev = _evidence(doc, d.spans)
        events.append(Event(
            id=record_id(d.event_type, d.location.name if d.location else None, d.date_start,
                         d.date_end, ev[0].start if ev else None, prefix="e"),
            event_type=d.event_type, sub_event_type=d.sub_event_type,
            actor1=d.actor1, actor2=d.actor2, location=d.location,
            date_start=d.date_start, date_end=d.date_end,
            date_precision=d.date_precision,  # type: ignore[arg-type]
            fatalities=d.fatalities,
            claimed_by=claim.speaker if claim else source,
            claim_id=claim.id if claim else None,
            channel=claim.channel if claim else ("publication" if source else None),
            evidence=ev, confidence=confidence(d), wounded=d.wounded,
            fatalities_text=_phrase(doc, d.killed_phrase) if d.fatalities is not None else None,
            wounded_text=_phrase(doc, d.wounded_phrase) if d.wounded is not None else None))
    return events


def _phrase(doc: Doc, span: tuple[int, int] | None) -> str | None:
    return doc_text(doc)[span[0]:span[1]] if span else None


def _generic_group(a: Actor | None) -> bool:
    """An armed group named only by what it is ("Rebels (Ethiopia)", "Militia")."""
    return a is not None and a.kind in ("rebels", "militia") and \
        a.name.split(" (")[0] == a.kind.capitalize()


def _resolve_anaphor(doc: Doc, sent: Span, a1: Actor | None, a2: Actor | None,
                     cc: str | None) -> tuple[Actor | None, Actor | None]:
    """ "The fighters took control of Lalibela": a definite generic armed noun
    (``anaphoric_groups`` in actors.yaml) is the named group mentioned just before."""
    if not (_generic_group(a1) or _generic_group(a2)):
        return a1, a2
    words = {str(w).lower() for w in lexicon().actors.get("anaphoric_groups", [])}
    definite = any(t.lower_ in words and any(c.dep_ == "det" and c.lower_ in ("the", "these")
                                             for c in t.children)
                   and not any(c.dep_ in ("amod", "compound", "nmod") for c in t.children)
                   for t in sent)
    if not definite:
        return a1, a2
    ante = antecedent_group(doc_text(doc), sent.start_char, location_country=cc)
    if ante is None:
        return a1, a2
    return (ante if _generic_group(a1) else a1), (ante if _generic_group(a2) else a2)


def _draft(doc: Doc, m: Mention, *, places: Sequence[Place], times: Sequence[TimeSpan],
           claims: Sequence[Claim], published: date | None) -> Draft | None:
    sent = m.sent
    verb = governing_verb(m.anchor)
    claim = claim_for(m.start, m.end, claims)
    side = speaker_side(claim, doc_text(doc))
    loc, loc_how = locate(doc, places, anchor_start=m.start, anchor_end=m.end,
                          verb_start=verb.idx if verb is not None else None,
                          verb_end=verb.idx + len(verb.text) if verb is not None else None,
                          sent=sent)
    cc = loc.country if loc else None
    a1, a2 = arguments(m, location_country=cc, speaker_side=side)
    if a1 is None and claim is not None and claim.speaker_type != "person":
        # "The Arakan Army said it had seized ...": the pronoun is the speaking group
        holder = m.anchor if m.anchor.pos_ == "VERB" else (verb or m.anchor)
        subj = next((c for c in holder.children if c.dep_ == "nsubj"), None)
        if subj is not None and subj.lower_ in ("it", "they", "we"):
            a1 = actor_from_text(claim.speaker, location_country=cc,
                                 violent=m.trigger.type != "Strategic developments"
                                 or m.trigger.sub == "Disrupted weapons use")
    a1, a2 = _resolve_anaphor(doc, sent, a1, a2, cc)
    typed = classify(m, a1, a2, location_country=cc, sent=sent)
    if typed.drop:
        return None
    a1, a2 = typed.actor1, typed.actor2
    if typed.event_type in ("Explosions/Remote violence", "Violence against civilians") and \
            (a2 is None or a2.kind == "civilians") and _hits_civilians(m, sent):
        # ACLED names victims "Civilians (Ukraine)"; the same name wherever they are inferred.
        a2 = a2 or Actor(name=f"Civilians ({country_name(cc)})" if cc else "Civilians",
                         country=cc, kind="civilians")
    if typed.sub_event_type == "Disrupted weapons use" and a1 is not None and a2 is None and \
            a1.country in index().adversaries:
        a2 = index().adversaries[a1.country]  # what air defence downs is the enemy's
    if typed.event_type in ("Protests", "Riots"):
        kind = "protesters" if typed.event_type == "Protests" else "rioters"
        generic = f"{kind.capitalize()} ({country_name(cc)})" if cc else kind.capitalize()
        if a1 is None or a1.kind not in ("protesters", "rioters", "civilians"):
            a1 = Actor(name=generic, country=cc, kind=kind)  # type: ignore[arg-type]
        elif a1.kind == "civilians":
            # "residents protested": as ACLED, the civilians who protest are protesters
            a1 = Actor(name=generic, country=a1.country or cc, kind=kind)  # type: ignore[arg-type]
        elif a1.kind != kind:
            a1 = Actor(name=a1.name, country=a1.country, kind=kind)  # type: ignore[arg-type]
        if typed.sub_event_type in ("Protest with intervention", "Excessive force against protesters",
                                    "Violent demonstration") and (a2 is None or a2.kind == "civilians"):
            a2 = None  # "police arrested 14 people during a protest": the police intervened
            for tok in sent:
                if tok.pos_ in ("NOUN", "PROPN") and tok.dep_ in ("nsubj", "nsubjpass", "pobj", "dobj"):
                    cand = actor_of(tok, location_country=cc, speaker_side=side)
                    if cand is not None and cand.kind in ("police", "military"):
                        a2 = cand
                        break
    dstart, dend, dprec, dhow = date_event(doc, anchor=m.anchor, verb=verb, times=times,
                                           claim=claim, published=published)
    spans = [_sent_span(sent)]
    if (loc_how == "there" or there_refers_back(sent)) and sent.start > 0:
        spans.append(_sent_span(doc[sent.start - 1].sent))
    cas = casualties([sent])
    if cas.killed_phrase:
        spans.append(cas.killed_phrase)
    if cas.wounded_phrase:
        spans.append(cas.wounded_phrase)
    return Draft(event_type=typed.event_type, sub_event_type=typed.sub_event_type,
                 actor1=a1, actor2=a2, location=loc, loc_how=loc_how,
                 date_start=dstart, date_end=dend, date_precision=dprec, date_how=dhow,
                 fatalities=cas.killed, wounded=cas.wounded, claim=claim, spans=spans,
                 killed_phrase=cas.killed_phrase, wounded_phrase=cas.wounded_phrase,
                 sent_ids={sent.start}, sub_source=typed.sub_source)
