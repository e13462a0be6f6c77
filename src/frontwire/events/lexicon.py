"""The events stage's domain knowledge, loaded once from ``frontwire/data``.

``event_triggers.yaml`` (triggers, frames, weapons, precedence), ``event_modality.yaml``
(future, hypothetical, denial, conditional and background cues), ``actors.yaml`` (the actor
dictionary) and the speech verbs of ``speech_cues.yaml`` (shared with the claims stage:
a speech verb above a trigger reports it rather than changing its modality).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any

from .. import data


def _yaml(name: str) -> dict[str, Any]:
    return data.load(name)


def _low(words: list[str] | None) -> tuple[str, ...]:
    return tuple(str(w).lower() for w in (words or ()))


@dataclass(frozen=True)
class Trigger:
    """One trigger entry: words, part of speech, and the event it signals."""

    words: tuple[str, ...]  # one word or a phrase (space separated), lower case
    pos: str  # VERB | NOUN | any
    type: str  # an ACLED event type, or "by_target"
    sub: str  # a sub-type, "by_weapon", "territory" or "territory_loss"
    fallback: tuple[str, str] | None = None
    needs_frame: bool = False
    reverse: bool = False
    object_required: tuple[str, ...] = ()
    prep_required: tuple[str, ...] = ()
    victim_trigger: bool = False
    weapon_required: bool = False


@dataclass(frozen=True)
class Lexicon:
    triggers: tuple[Trigger, ...]
    frame_subject: frozenset[str]
    frame_object: frozenset[str]
    weapons: dict[str, tuple[str, ...]]  # sub-type -> words
    precedence: dict[str, tuple[str, ...]]
    absorbs: dict[str, tuple[str, ...]]
    object_words: dict[str, frozenset[str]]
    protest_intervention: tuple[str, ...]
    protest_excessive_force: tuple[str, ...]
    riot_words: tuple[str, ...]
    modality: dict[str, Any]
    actors: dict[str, Any]
    speech_verbs: frozenset[str]
    denial_verbs: frozenset[str]
    by_word: dict[str, list[Trigger]] = field(default_factory=dict)  # first word -> triggers


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    """Load and index the data files once per process."""
    raw = _yaml("event_triggers.yaml")
    trigs = []
    for t in raw["triggers"]:
        fb = t.get("fallback")
        for w in t["lemmas"]:
            trigs.append(Trigger(
                words=tuple(str(w).lower().split()), pos=t.get("pos", "any"), type=t["type"],
                sub=t["sub"], fallback=(fb[0], fb[1]) if fb else None,
                needs_frame=bool(t.get("needs_frame", False)), reverse=bool(t.get("reverse")),
                object_required=_low(t.get("object_required")),
                prep_required=_low(t.get("prep_required")),
                victim_trigger=bool(t.get("victim_trigger")),
                weapon_required=bool(t.get("weapon_required"))))
    by_word: dict[str, list[Trigger]] = {}
    for tr in trigs:
        key = " ".join(tr.words)
        by_word.setdefault(key, []).append(tr)
    speech = _yaml("speech_cues.yaml").get("verbs", {}) or {}
    mod = _yaml("event_modality.yaml")
    return Lexicon(
        triggers=tuple(trigs),
        frame_subject=frozenset(_low(raw["frame_verbs"]["subject"])),
        frame_object=frozenset(_low(raw["frame_verbs"]["object"])),
        weapons={k: _low(v) for k, v in raw["weapons"].items()},
        precedence={k: tuple(v) for k, v in raw["precedence"].items()},
        absorbs={k: tuple(v) for k, v in raw["absorbs"].items()},
        object_words={k: frozenset(_low(v)) for k, v in raw["object_words"].items()},
        protest_intervention=_low(raw["protest_intervention"]),
        protest_excessive_force=_low(raw["protest_excessive_force"]),
        riot_words=_low(raw["riot_words"]),
        modality=mod,
        actors=_yaml("actors.yaml"),
        speech_verbs=frozenset(str(k).lower() for k in speech),
        denial_verbs=frozenset(str(k).lower() for k, v in speech.items()
                               if isinstance(v, dict) and v.get("meaning") == "deny")
        | frozenset(_low(mod.get("denial_heads"))),
        by_word=by_word,
    )
