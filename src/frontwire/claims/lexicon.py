"""The claims stage's domain knowledge, loaded from ``frontwire/data`` (YAML).

Cues (``speech_cues.yaml``), channels (``channels.yaml``) and source types
(``sources.yaml``) are data so that an analyst can extend them without touching Python.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from .. import data


@dataclass(frozen=True)
class Cue:
    lemma: str
    meaning: str
    frames: frozenset[str]
    non_speech_objects: frozenset[str] = frozenset()
    require_prep: str | None = None


@dataclass(frozen=True)
class Channel:
    name: str
    patterns: tuple[re.Pattern[str], ...]


@dataclass(frozen=True)
class Lexicon:
    cues: dict[str, Cue]
    statement_nouns: frozenset[str]
    channels: tuple[Channel, ...]
    anonymous_heads: frozenset[str]
    anonymous_phrases: tuple[re.Pattern[str], ...]
    group_heads: frozenset[str]
    person_roles: frozenset[str]
    organization_heads: frozenset[str]
    titles: frozenset[str]
    pronouns: dict[str, frozenset[str]] = field(default_factory=dict)
    not_speakers: frozenset[str] = frozenset()
    speaker_nouns: frozenset[str] = frozenset()
    quantifiers: frozenset[str] = frozenset()
    agent_suffixes: tuple[str, ...] = ()

    def pronoun_kind(self, word: str) -> str | None:
        w = word.lower()
        for kind, words in self.pronouns.items():
            if w in words:
                return kind
        return None


def _read(name: str) -> Any:
    return data.load(name)


def _lower_set(items: Any) -> frozenset[str]:
    return frozenset(str(x).lower() for x in (items or []))


@functools.lru_cache(maxsize=1)
def load_lexicon() -> Lexicon:
    """Load and compile the claims data once per process."""
    cues_doc = _read("speech_cues.yaml")
    channels_doc = _read("channels.yaml")
    sources_doc = _read("sources.yaml")

    cues = {}
    for lemma, spec in (cues_doc.get("verbs") or {}).items():
        cues[lemma.replace("_", " ")] = Cue(
            lemma=lemma, meaning=spec.get("meaning", "assert"),
            frames=frozenset(spec.get("frames", [])),
            non_speech_objects=_lower_set(spec.get("non_speech_objects")),
            require_prep=spec.get("require_prep"),
        )

    media = sorted((str(m) for m in channels_doc.get("media", [])), key=len, reverse=True)
    media_alt = "|".join(re.escape(m) for m in media) or "(?!)"
    channels = []
    for ch in channels_doc.get("channels", []):
        pats = tuple(
            # Case-insensitive, except bare "X" (the platform), which must be capitalised.
            re.compile(p.replace("{media}", media_alt), 0 if "X\\b" in p else re.IGNORECASE)
            for p in ch.get("patterns", [])
        )
        channels.append(Channel(name=ch["name"], patterns=pats))

    anon = sources_doc.get("anonymous", {})
    return Lexicon(
        cues=cues,
        statement_nouns=_lower_set(cues_doc.get("statement_nouns")),
        channels=tuple(channels),
        anonymous_heads=_lower_set(anon.get("heads")),
        anonymous_phrases=tuple(re.compile(p, re.IGNORECASE) for p in anon.get("phrases", [])),
        group_heads=_lower_set(sources_doc.get("group", {}).get("heads")),
        person_roles=_lower_set(sources_doc.get("person_roles")),
        organization_heads=_lower_set(sources_doc.get("organization_heads")),
        titles=_lower_set(sources_doc.get("titles")),
        pronouns={k: _lower_set(v) for k, v in (sources_doc.get("pronouns") or {}).items()},
        not_speakers=_lower_set(sources_doc.get("not_speakers")),
        speaker_nouns=_lower_set(sources_doc.get("speaker_nouns")),
        quantifiers=_lower_set(sources_doc.get("group", {}).get("quantifiers")),
        agent_suffixes=tuple(str(x) for x in sources_doc.get("agent_suffixes", [])),
    )
