"""One event per (type, location, date) within an article, keeping every evidence span.

Four passes, in order:

1. Within one sentence, a type that absorbs another at the same place and date absorbs it
   (``absorbs`` in ``data/event_triggers.yaml``: an air strike during a ground battle is
   part of the battle, ACLED's precedence rule).
2. Mentions with the same type, location (GeoNames id, else name) and date interval merge,
   unless both name different initiators (actor1 country and kind): ACLED keeps dyads apart.
3. A mention dated only by a bound (the report's or the publication's date: a lede, a
   summary) merges into an event of the same type (or of a type that absorbs it: a march
   that became a riot), at the same or a nearby place (same id
   or within ``NEAR_KM``), whose date lies inside that bound and whose claimant is the same
   (or either is unattributed; or any claimant when the mention has no place of its own:
   "the army said it repelled the attack"): the lede and the body report one event.

4. A mention placed only by its country (or by a region named as its own place) joins the one
   event of the same type and sub-type placed more precisely inside it (``_coarse_into_fine``).

On merging, the sub-type is the one first in the type's precedence list, the fatalities
the lowest figure reported, and actors, claim and date come from the best-founded mention.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date

from ..geo import haversine_km
from ..model import Actor, Claim, Location
from .lexicon import lexicon

NEAR_KM = 30.0
REGION_KM = 250.0  # a town inside a region named as an event's place
_DATE_RANK = {"own": 0, "claim": 1, "published": 2, "none": 3}


@dataclass
class Draft:
    event_type: str
    sub_event_type: str | None
    actor1: Actor | None
    actor2: Actor | None
    location: Location | None
    loc_how: str
    date_start: date | None
    date_end: date | None
    date_precision: str | None
    date_how: str
    fatalities: int | None
    wounded: int | None
    claim: Claim | None
    spans: list[tuple[int, int]]  # evidence spans
    killed_phrase: tuple[int, int] | None = None  # where the fatality count was read
    wounded_phrase: tuple[int, int] | None = None
    sent_ids: set[int] = field(default_factory=set)
    actors_defaulted: bool = False
    sub_source: str = "trigger"
    mentions: int = 1

    def loc_key(self) -> object:
        if self.location is None:
            return None
        return self.location.geonameid or (self.location.name or "").lower()


def _km(a: Location, b: Location) -> float:
    if a.lat is None or b.lat is None or a.lon is None or b.lon is None:
        return math.inf
    return haversine_km(a.lat, a.lon, b.lat, b.lon)


def _sub_rank(etype: str, sub: str | None) -> int:
    order = lexicon().precedence.get(etype, ())
    return order.index(sub) if sub in order else len(order)


def _absorb(into: Draft, other: Draft, *, keep_type: bool = True) -> None:
    """Merge ``other`` into ``into`` (in place)."""
    if not keep_type:
        pass
    elif other.event_type == into.event_type and \
            _sub_rank(into.event_type, other.sub_event_type) < _sub_rank(into.event_type, into.sub_event_type):
        into.sub_event_type = other.sub_event_type
        if other.actor1 is not None and other.sub_source == "territory":
            into.actor1, into.actor2 = other.actor1, other.actor2 or into.actor2
    better = (_DATE_RANK[other.date_how], other.actors_defaulted) < (_DATE_RANK[into.date_how], into.actors_defaulted)
    if into.actor1 is None or (into.actors_defaulted and not other.actors_defaulted and other.actor1):
        into.actor1 = other.actor1 or into.actor1
    if into.actor2 is None or (into.actors_defaulted and not other.actors_defaulted and other.actor2):
        into.actor2 = other.actor2 or into.actor2
    if into.actor1 is not None and into.actor2 is not None and into.actor1 == into.actor2:
        into.actor2 = None
    into.actors_defaulted = into.actors_defaulted and other.actors_defaulted
    if into.claim is None or (better and other.claim is not None):
        into.claim = other.claim or into.claim
    if better:
        into.date_start, into.date_end = other.date_start, other.date_end
        into.date_precision, into.date_how = other.date_precision, other.date_how
    if into.location is None or (into.loc_how != "locative" and other.loc_how == "locative"
                                 and into.event_type == other.event_type and
                                 into.loc_key() == other.loc_key()):
        into.location, into.loc_how = other.location or into.location, other.loc_how
    figures = [f for f in (into.fatalities, other.fatalities) if f is not None]
    nonzero = [f for f in figures if f > 0]
    chosen = min(nonzero) if nonzero else (min(figures) if figures else None)
    if chosen is not None and chosen != into.fatalities:
        into.killed_phrase = other.killed_phrase
    into.fatalities = chosen
    w = [f for f in (into.wounded, other.wounded) if f is not None]
    if w and min(w) != into.wounded:
        into.wounded_phrase = other.wounded_phrase
    into.wounded = min(w) if w else None
    into.spans = sorted(set(into.spans) | set(other.spans))
    into.sent_ids |= other.sent_ids
    into.mentions += other.mentions


def _absorbs(absorbs: dict[str, tuple[str, ...]], big: Draft, small: Draft) -> bool:
    """Whether ``big``'s type absorbs ``small`` (by type, or by sub-type name)."""
    took = absorbs.get(big.event_type, ())
    return small.event_type in took or (small.sub_event_type or "") in took


def _different_attackers(a: Draft, b: Draft) -> bool:
    """Two named, different initiators on one day at one place are two events (an RSF
    shelling and an army air strike on El Fasher), as ACLED keeps actor pairs apart."""
    if a.actor1 is None or b.actor1 is None or a.actors_defaulted or b.actors_defaulted:
        return False
    return (a.actor1.country, a.actor1.kind) != (b.actor1.country, b.actor1.kind)


def _same_claimant(a: Draft, b: Draft) -> bool:
    if a.claim is None or b.claim is None:
        return True
    return (a.claim.speaker or "").lower() == (b.claim.speaker or "").lower()


def merge(drafts: list[Draft]) -> list[Draft]:
    absorbs = lexicon().absorbs
    # 1. absorption within a sentence
    out: list[Draft] = []
    for d in drafts:
        target = None
        for e in out:
            if not (d.sent_ids & e.sent_ids):
                continue
            if (d.date_start, d.date_end) != (e.date_start, e.date_end) and not (
                    _bound_only(d) != _bound_only(e) and _overlap(d, e)):
                continue  # one sentence, one dated and one only bounded: the same moment
            if d.loc_key() != e.loc_key() and d.loc_how == e.loc_how == "locative":
                continue
            if _absorbs(absorbs, e, d):
                target = e
            elif _absorbs(absorbs, d, e):
                # the new one absorbs the earlier: swap roles
                d2 = d
                _absorb(d2, e, keep_type=False)
                out[out.index(e)] = d2
                target = "done"
            if target:
                break
        if target is None:
            out.append(d)
        elif target != "done":
            _absorb(target, d, keep_type=False)  # type: ignore[arg-type]
    # 2. same (type, location, date)
    keyed: dict[tuple, Draft] = {}
    order: list[Draft] = []
    for d in out:
        key = (d.event_type, d.loc_key(), d.date_start, d.date_end)
        other = keyed.get(key)
        if other is not None and _different_attackers(other, d):
            key = (*key, d.actor1.name if d.actor1 else None)
            other = keyed.get(key)
        if other is not None:
            _absorb(other, d)
        else:
            keyed[key] = d
            order.append(d)
    # 3. bound-only mentions into a better-dated event inside the bound
    def width(d: Draft) -> int:
        if d.date_start is None or d.date_end is None:
            return 10**6
        return (d.date_end - d.date_start).days

    gone: set[int] = set()
    for d in sorted(order, key=width, reverse=True):
        if d.date_how not in ("claim", "published") or id(d) in gone:
            continue
        cands = []
        for e in order:
            if e is d or id(e) in gone:
                continue
            # a mention with no place of its own ("the attack", "in the area") refers back to
            # an event already reported, whoever reports it; one with its own place only
            # merges with the same claimant's
            if d.loc_how == "locative" and not _same_claimant(d, e):
                continue
            if e.event_type != d.event_type and not _absorbs(absorbs, e, d):
                continue  # a march that became a riot is the riot
            if e.event_type != d.event_type and d.loc_how in ("locative", "relative") and \
                    d.loc_key() != e.loc_key():
                continue  # a drone strike on a car near another town is not part of the battle
            if width(e) >= width(d) and not (width(e) == width(d) and _DATE_RANK[e.date_how] < _DATE_RANK[d.date_how]):
                continue
            if d.location is not None and e.location is not None:
                if d.loc_key() != e.loc_key() and _km(d.location, e.location) > NEAR_KM:
                    continue
            elif d.location is not None:
                continue
            if d.date_start and e.date_start and e.date_end and d.date_end and \
                    not (d.date_start <= e.date_start and e.date_end <= d.date_end):
                continue
            both_claimed = d.claim is not None and e.claim is not None
            cands.append((not both_claimed, width(e), e.sent_ids and min(e.sent_ids), e))
        if cands:
            best = min(cands, key=lambda c: c[:3])[3]
            _absorb(best, d)
            gone.add(id(d))
    order = [d for d in order if id(d) not in gone]
    return _coarse_into_fine(order)


def _bound_only(d: Draft) -> bool:
    return d.date_how in ("claim", "published")


def _coarse(d: Draft) -> bool:
    """Placed only by a country, or by a region named as the event's own place ("an air strike
    on a village in the Sagaing region", "an ambush near a village in eastern Burkina Faso"
    whose village the gazetteer lacks)."""
    loc = d.location
    if loc is None or loc.precision is None:
        return False
    return loc.precision >= 3 or (loc.precision == 2 and d.loc_how == "locative")


def _overlap(a: Draft, b: Draft) -> bool:
    if None in (a.date_start, a.date_end, b.date_start, b.date_end):
        return True
    return a.date_start <= b.date_end and b.date_start <= a.date_end  # type: ignore[operator]


def _coarse_into_fine(order: list[Draft]) -> list[Draft]:
    """4. A mention placed only by its country or region joins the one event of the same type
    and sub-type placed more precisely inside it, on an overlapping date, with a compatible initiator (the
    claimant may differ: a lede's "residents said" and the body's named witness): the lede names the region, the next sentence the town ("The convoy was attacked
    as it returned to Fada N'Gourma"). With two or more candidates it stays as it is."""
    gone: set[int] = set()
    for d in order:
        if not _coarse(d):
            continue
        coarse_loc = d.location
        cands = [e for e in order if e is not d and id(e) not in gone and id(d) not in gone
                 and e.event_type == d.event_type and e.sub_event_type == d.sub_event_type
                 and e.location is not None
                 and e.location.precision is not None and coarse_loc is not None
                 and e.location.precision < coarse_loc.precision
                 and e.location.country == coarse_loc.country
                 and (coarse_loc.precision >= 3 or _km(e.location, coarse_loc) <= REGION_KM)
                 and _overlap(d, e) and not _different_attackers(d, e)]
        if len(cands) == 1:
            into = cands[0]
            fine_loc, fine_how = into.location, into.loc_how
            _absorb(into, d)
            into.location, into.loc_how = fine_loc, fine_how
            gone.add(id(d))
    return [d for d in order if id(d) not in gone]
