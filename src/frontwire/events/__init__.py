"""Events: who did what to whom, where, when, by whose account, and the sentence that says so.

    events = extract_events(doc, places=places, times=times, claims=claims, published=d)

Steps (one module each): ``detect`` finds triggers and drops what did not happen
(``modality``); ``classify`` reads the arguments and the ACLED sub-type (``actors`` holds
the actor dictionary); ``locate`` and ``dating`` place and date each mention;
``fatalities`` counts the dead; ``merge`` makes one event per (type, location, date);
``confidence`` scores it. The coding rules are in docs/events.md; the word lists in
``frontwire/data`` (event_triggers.yaml, event_modality.yaml, actors.yaml).

May import: the other stages' records and helpers (``model``, ``nlp``, ``claims``, ``places``'s
types, ``data``). Never the store, the record, jobs, the API or the CLI.
"""

from __future__ import annotations

from .extract import HISTORY_DAYS, extract_events, speaker_side
from .fatalities import Casualties, casualties

__all__ = ["HISTORY_DAYS", "Casualties", "casualties", "extract_events", "speaker_side"]
