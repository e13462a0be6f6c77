"""Actors: who acts and who is acted on, from the trigger's arguments and ``data/actors.yaml``.

A noun phrase becomes an actor by, in order: a named group or institution ("Wagner Group",
"the RSF", "the units of the Defense Forces"); a speaker-relative word ("the enemy" in a
Ukrainian commander's words is Russia's military, "our forces" his own); a metonymic
capital or a country as agent ("Moscow has mobilized" is Russia's state); a generic word
("troops", "police", "civilians", "protesters") whose country comes from a demonym or a
possessive in the phrase ("Sudanese soldiers", "Mali's army"), else from the event's place.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from spacy.tokens import Token

from ..countries import country_name
from ..model import Actor
from .lexicon import lexicon


@dataclass(frozen=True)
class _Index:
    named: tuple[tuple[str, Actor], ...]  # alias (lower) -> actor, longest first
    generic: tuple[tuple[str, str, str], ...]  # word, kind, default
    enemy: tuple[str, ...]
    own: tuple[str, ...]
    adversaries: dict[str, Actor]
    capitals: dict[str, str]
    countries: dict[str, str]
    state: dict[tuple[str, str], Actor]  # (country, kind) -> the first named actor of that kind


def state_actor(cc: str, kind: str) -> Actor:
    """The state's own forces or government ("Military Forces of Russia")."""
    a = index().state.get((cc, kind))
    if a is not None:
        return a
    label = {"military": "Military Forces", "government": "Government", "police": "Police Forces"}.get(kind, kind.capitalize())
    return Actor(name=f"{label} of {country_name(cc)}", country=cc, kind=kind)  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1)
def index() -> _Index:
    raw = lexicon().actors
    named: list[tuple[str, Actor]] = []
    for e in raw["named"]:
        a = Actor(name=e["name"], country=e.get("country"), kind=e.get("kind"))
        for alias in [e["name"], *e.get("aliases", [])]:
            named.append((str(alias).lower(), a))
    named.sort(key=lambda x: -len(x[0]))
    generic = []
    for kind, spec in raw["generic"].items():
        for w in spec["words"]:
            generic.append((str(w).lower(), kind, spec.get("default", "location")))
    generic.sort(key=lambda x: -len(x[0]))
    state: dict[tuple[str, str], Actor] = {}
    for e in raw["named"]:
        if e.get("country") not in (None, "location") and e.get("kind") in ("military", "government", "police"):
            state.setdefault((e["country"], e["kind"]), Actor(name=e["name"], country=e["country"], kind=e["kind"]))
    adv = {k: Actor(**v) for k, v in (raw.get("adversaries") or {}).items()}
    return _Index(named=tuple(named), generic=tuple(generic),
                  enemy=tuple(str(w).lower() for w in raw["relative"]["enemy"]),
                  own=tuple(str(w).lower() for w in raw["relative"]["own"]),
                  adversaries=adv, capitals={k.lower(): v for k, v in raw["capitals"].items()},
                  countries={k.lower(): v for k, v in raw["countries"].items()}, state=state)


@functools.lru_cache(maxsize=1)
def pro_government() -> frozenset[str]:
    """Names of militias that fight for the state (``pro_government: true`` in actors.yaml)."""
    return frozenset(e["name"] for e in lexicon().actors["named"] if e.get("pro_government"))


@functools.cache
def word_re(phrase: str) -> re.Pattern[str]:
    """The whole-word pattern of a phrase, compiled once (re's own cache holds only 512, fewer
    than the lexicon's phrases, so compiling per call recompiled on every search)."""
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])")


def _has(text: str, phrase: str) -> bool:
    # The substring test is cheap and rules out almost every phrase before the regex runs.
    return phrase in text and word_re(phrase).search(text) is not None


def _edge(text: str, i: int) -> bool:
    """Whether a whole word may begin or end at ``i``: ``(?<![\\w-])`` / ``(?![\\w-])``."""
    return not (0 <= i < len(text) and (text[i].isalnum() or text[i] in "_-"))


class _Phrases:
    """A list of phrases searched as whole words (as ``_has``) in one pass over a text.

    ``first(text)`` is the position in the list of the first phrase that ``_has`` finds, the
    same answer as testing each phrase in turn; at each word start only the phrases that
    begin with its character are compared (hundreds of aliases per noun phrase were the
    events stage's largest cost).
    """

    def __init__(self, phrases: list[str]) -> None:
        self.by_first: dict[str, list[tuple[int, str]]] = {}
        self.empty: int | None = None  # "" is found wherever _has finds it
        for k, phrase in enumerate(phrases):
            if phrase:
                self.by_first.setdefault(phrase[0], []).append((k, phrase))
            elif self.empty is None:
                self.empty = k

    def first(self, text: str) -> int | None:
        best = self.empty if self.empty is not None and _has(text, "") else None
        for i, ch in enumerate(text):
            cands = self.by_first.get(ch)
            if cands is None or not _edge(text, i - 1):
                continue
            for k, phrase in cands:
                if best is not None and k >= best:
                    break
                if text.startswith(phrase, i) and _edge(text, i + len(phrase)):
                    best = k
                    break
        return best


@functools.lru_cache(maxsize=1)
def _phrases() -> dict[str, tuple[_Phrases, list]]:
    """The lexicon lists as ``_Phrases``, each with the entries it indexes, in order."""
    ix = index()
    sided = [(alias, a) for alias, a in ix.named if a.country not in (None, "location")]
    violent = sorted(ix.generic, key=lambda g: g[1] != "military")
    lists: dict[str, list] = {"named": list(ix.named), "sided": sided,
                              "generic": list(ix.generic), "violent": violent,
                              "countries": list(ix.countries.items()),
                              "capitals": list(ix.capitals.items())}
    return {name: (_Phrases([e[0] for e in entries]), entries) for name, entries in lists.items()}


@functools.lru_cache(maxsize=4)
def _by_head(name: str) -> dict[str, list[tuple]]:
    """The entries of lexicon list ``name`` by the last word of their phrase, in list order."""
    out: dict[str, list[tuple]] = {}
    for entry in _phrases()[name][1]:
        out.setdefault(entry[0].rsplit(" ", 1)[-1], []).append(entry)
    return out


def _first(name: str, text: str) -> tuple | None:
    """The first entry of lexicon list ``name`` whose phrase ``text`` holds as whole words."""
    phrases, entries = _phrases()[name]
    k = phrases.first(text)
    return None if k is None else entries[k]


def _named_actor(text: str, location_country: str | None) -> Actor | None:
    """The first named group or state ``text`` holds; "location" actors take the place's country."""
    hit = _first("named", text)
    if hit is None:
        return None
    a = hit[1]
    if a.country == "location":
        return Actor(name=a.name, country=location_country, kind=a.kind)
    return a


def phrase_text(tok: Token) -> str:
    """The words of a noun phrase: left modifiers, the head, and an "of" complement."""
    left = [t for t in tok.subtree if t.i <= tok.i]
    start = min(t.i for t in left)
    end = tok.i + 1
    for c in tok.rights:
        if (c.dep_ == "prep" and c.lower_ in ("of", "from")) or c.dep_ in ("compound", "appos"):
            end = max(end, c.right_edge.i + 1)
    text = tok.doc[start:end].text.lower()
    return text.replace("’", "'").replace("‘", "'")


@functools.lru_cache(maxsize=4096)
def side_of(text: str | None) -> str | None:
    """The country a speaker or a role belongs to ("Ukraine's Interior Ministry" -> UA).

    Cached: each event of an article asks again for the same speaker and the same windows
    around the speaker's name."""
    if not text:
        return None
    low = text.lower().replace("’", "'")
    for name in ("sided", "countries", "capitals"):
        hit = _first(name, low)
        if hit is not None:
            return hit[1].country if name == "sided" else hit[1]
    return None


def actor_of(tok: Token | None, *, location_country: str | None, speaker_side: str | None,
             violent: bool = True) -> Actor | None:
    """The actor a noun phrase names, or None when it names none."""
    if tok is None:
        return None
    ix = index()
    text = phrase_text(tok)
    named = _named_actor(text, location_country)
    if named is not None:
        return named
    for w in ix.own:
        if _has(text, w) and speaker_side:
            return state_actor(speaker_side, "military")
    for w in ix.enemy:
        if _has(text, w):
            if speaker_side and speaker_side in ix.adversaries:
                return ix.adversaries[speaker_side]
            return Actor(name="the enemy", country=None, kind="military")
    head = tok.lower_.replace("’", "'")
    if tok.pos_ == "PROPN" or tok.ent_type_ in ("GPE", "NORP", "ORG"):
        ent_text = " ".join(t.lower_ for t in tok.subtree if t.i <= tok.i and t.dep_ in ("compound",) or t.i == tok.i)
        for key in (ent_text, head):
            if key in ix.capitals or key in ix.countries:
                cc = ix.capitals.get(key) or ix.countries[key]
                return state_actor(cc, "military" if violent else "government")
    # The head noun decides the kind before its modifiers do: "New People's Army rebels" are
    # rebels, "state police officers" police, "Fano militiamen" a militia. Then, for violent
    # acts, a military word first ("Syrian government drones": the drones, a military).
    order = "violent" if violent else "generic"
    generic = next((g for g in _by_head(order).get(head, ()) if _has(text, g[0])), None)
    if generic is None:
        generic = _first(order, text)
    if generic is not None:
        _word, kind, default = generic
        demonym = _first("countries", text)
        cc = demonym[1] if demonym is not None else None
        if cc is None and speaker_side and any(t.lower_ in ("its", "their", "our")
                                               for t in tok.children if t.dep_ == "poss"):
            cc = speaker_side  # "its troops" in the defence ministry's words
        if cc is None and default == "location":
            cc = location_country
        if kind in ("military", "government", "police") and cc:
            return state_actor(cc, kind)
        name = f"{kind.capitalize()} ({country_name(cc)})" if cc else kind.capitalize()
        return Actor(name=name, country=cc, kind=kind)  # type: ignore[arg-type]
    return None


def actor_from_text(text: str | None, *, location_country: str | None, violent: bool = True
                    ) -> Actor | None:
    """An actor named by a free string (a claim's speaker: "The Arakan Army", "Russia's
    defence ministry"); None when it names no known group or state."""
    if not text:
        return None
    low = " " + text.lower().replace("’", "'") + " "
    named = _named_actor(low, location_country)
    if named is not None:
        return named
    cc = side_of(text)
    # "Federal police said they had arrested ...": the speaker names a force by what it is
    words = low.split()
    head = words[-1] if words else ""
    for word, kind, _default in index().generic:
        if kind in ("police", "military") and word.rsplit(" ", 1)[-1] == head and _has(low, word):
            return state_actor(cc or location_country, kind) if (cc or location_country) else None
    if cc:
        return state_actor(cc, "military" if violent else "government")
    return None


def theatre(location_country: str | None, article_text: str) -> dict | None:
    """The default belligerents of the war in a country, when the article names one of them."""
    if not location_country:
        return None
    spec = (lexicon().actors.get("theatres") or {}).get(location_country)
    if not spec:
        return None
    low = article_text.lower()
    if not any(_has(low, c) for c in spec.get("cues", [])):
        return None
    return spec


def as_actor(d: dict | None) -> Actor | None:
    return Actor(**d) if d else None


def antecedent_group(text: str, before: int, *, location_country: str | None,
                     window: int = 900) -> Actor | None:
    """The named non-state armed group mentioned last before ``before`` (within ``window``
    characters): what "the fighters" or "the militants" of a later sentence refer to ("local
    Fano militiamen ... The fighters briefly took control of Lalibela")."""
    low = text[max(0, before - window):before].lower().replace("’", "'")
    best: tuple[int, Actor] | None = None
    for alias, a in index().named:
        if a.kind not in ("rebels", "militia") or alias not in low:
            continue
        for m in word_re(alias).finditer(low):
            if best is None or m.start() > best[0]:
                actor = Actor(name=a.name, country=location_country, kind=a.kind) \
                    if a.country == "location" else a
                best = (m.start(), actor)
    return best[1] if best else None
