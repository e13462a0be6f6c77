"""Who claims what: counts by speaker, channel and the places their claims mention.

The plain function behind ``frontwire sources``: the CLI reads claims and places back from the
store and prints what this returns.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..model import Claim, Place


@dataclass
class SourceRow:
    speaker: str
    speaker_type: str | None
    claims: int = 0
    articles: int = 0
    channels: Counter[str] = field(default_factory=Counter)
    places: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, object]:
        return {"speaker": self.speaker, "speaker_type": self.speaker_type,
                "claims": self.claims, "articles": self.articles,
                "channels": dict(self.channels.most_common()),
                "places": dict(self.places.most_common())}


def summarize_sources(articles: Iterable[tuple[Sequence[Claim], Sequence[Place]]]
                      ) -> list[SourceRow]:
    """Summarize claims per speaker over articles given as (claims, places) pairs.

    A place counts for a speaker when its mention lies inside one of the speaker's claims
    (what they claim happened there), named by its resolved name or, unresolved, its text.
    An unresolved speaker (None) is counted as "(unresolved)" rather than dropped.
    Rows are sorted by number of claims, then name.
    """
    rows: dict[str, SourceRow] = {}
    for claims, places in articles:
        seen: set[str] = set()
        for c in claims:
            key = c.speaker or "(unresolved)"
            row = rows.setdefault(key, SourceRow(speaker=key, speaker_type=c.speaker_type))
            row.claims += 1
            if key not in seen:
                row.articles += 1
                seen.add(key)
            row.channels[c.channel or "(none)"] += 1
            for p in places:
                if c.start <= p.start and p.end <= c.end:
                    row.places[p.name or p.text] += 1
    return sorted(rows.values(), key=lambda r: (-r.claims, r.speaker.lower()))
