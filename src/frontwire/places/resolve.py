"""Resolution: choose each mention's gazetteer entry with the evidence a reader would use.

A small scored ranker (the features of CLIFF-CLAVIN, Mordecai and Lieberman's work), not a
chain of special cases. For each candidate entry of a name:

* prior of its kind (country > news region > admin1 > town) and log population; capitals;
* the countries the article names (places and demonyms: "Russian forces" is evidence for
  Russia) and the admin1 regions it names ("the Donetsk region");
* "X, Y" containment (Washington, DC; Kreminna, Luhansk);
* an admin-level cue ("X region/Oblast": the region, not its centre town);
* distance to the article's focus, the median point of what was resolved confidently in a
  first pass (a war report is about one area);
* name quality (the entry's own name, an alternate name, or a transliteration variant).

One sense per discourse: every mention of the same name (and cue) shares one resolution.
The score is the candidate's share of the evidence (softmax) times how strong the evidence
is in absolute terms; below ``THRESHOLD`` a mention stays unresolved rather than wrong.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any, cast

from spacy.tokens import Doc

from ..geo import haversine_km
from ..model import Place
from ..nlp import doc_text, token_lowers
from .gazetteer import Entry, Gazetteer
from .names import fold, normalize
from .recognize import PLACE_LABELS, Mention, words

THRESHOLD = 0.35  # a resolution scoring below this leaves geonameid/lat/lon empty
FOCUS_MIN_SCORE = 0.4  # first-pass places this sure define the article's focus

# Feature weights (log-odds-like units). Kept together so they can be read and tuned as one.
W_KIND = {"country": 2.5, "region": 1.5, "admin1": 0.3, "admin2": 0.0, "city": 0.0, "other": -0.5}
W_POPULATION = 0.6  # per order of magnitude
W_CAPITAL = 1.0
W_COUNTRY_NAMED = 1.5
W_DEMONYM_ONLY = 0.4  # share of the country bonus when only demonyms name the country
W_ADMIN1_NAMED = 1.5
W_CONTAINER = 4.0
W_NEAR_OF = 3.0  # "Klishchiivka, south of Bakhmut": a candidate near one of Bakhmut's
NEAR_OF_KM = 60.0
W_ADMIN_CUE = 3.0  # for admin1/region candidates when the text says "region/Oblast"
W_NO_CUE_NAMESAKE = -1.0  # admin1 named like its own big town, without a cue: the town
W_PROXIMITY = 2.0
PROXIMITY_KM = 300.0
NEAR_KM = 50.0
W_AXIS = 1.5
AXIS_KM = 100.0
W_PRIMARY_NAME = 0.3
W_SAME_PLACE = 2.5  # the entry another mention of the article resolved to with confidence
W_FOLDED = -0.5
SHARPNESS = 1.5  # softmax inverse temperature: how fast the top candidate's share grows
ABSOLUTE_MIDPOINT = 3.5  # evidence total at which a lone candidate is a coin toss
# how much the recognition source itself says "this is a place"
RECOGNITION = {"ner": 1.0, "axis": 1.0, "gazetteer": 0.9, "ORG": 0.85, "PERSON": 0.6, "tail": 0.6}


@dataclass
class Evidence:
    """What the whole article says, shared by every mention's ranking."""

    countries: Counter[str]  # votes: 2 per place naming the country, 1 per demonym
    admin1_strong: set[int]  # admin1 entries named with a cue
    admin1_weak: dict[int, set[str]]  # admin1 entries a bare name may mean -> those names
    named_countries: set[str] = field(default_factory=set)  # named as places, not only demonyms
    focus: tuple[float, float] | None = None
    focus_countries: set[str] = field(default_factory=set)
    chosen_keys: dict[int, set[str]] = field(default_factory=dict)  # entry -> names that
    # resolved to it with confidence in the first pass


@dataclass
class Choice:
    entry: Entry | None
    score: float


def _country_evidence(doc: Doc, mentions: list[Mention], gaz: Gazetteer
                      ) -> tuple[Counter[str], set[str]]:
    votes: Counter[str] = Counter()
    named: set[str] = set()
    demonyms = words().demonym_country
    for k, low in enumerate(token_lowers(doc)):
        cc = demonyms.get(low)
        if cc and doc[k].text[:1].isupper():
            votes[cc] += 1
    for m in mentions:
        entries = [gaz.entry(i) for i in m.candidates]
        countries = [e for e in entries if e.feature == "country"]
        if countries and not m.folded:
            votes[countries[0].country or ""] += 2
            named.add(countries[0].country or "")
            continue
        # "the Gaza Strip", "Myanmar's Rakhine state": a region of one country names it too
        areas = [e for e in entries if e.feature == "region" or (e.feature == "admin1"
                                                                 and m.admin_cue)]
        area_countries = {e.country for e in areas}
        if len(area_countries) == 1 and None not in area_countries and not m.folded:
            votes[areas[0].country or ""] += 1
            named.add(areas[0].country or "")
    votes.pop("", None)
    return votes, named


def _admin_evidence(mentions: list[Mention], gaz: Gazetteer
                    ) -> tuple[set[int], dict[int, set[str]]]:
    strong: set[int] = set()
    weak: dict[int, set[str]] = defaultdict(set)
    for m in mentions:
        for i in m.candidates:
            e = gaz.entry(i)
            if e.feature == "admin1":
                if m.admin_cue:
                    strong.add(i)
                else:
                    weak[i].add(m.key)
    return strong, weak


def _features(e: Entry, m: Mention, group: list[Mention], entries: list[Entry],
              ev: Evidence, mentions: list[Mention], gaz: Gazetteer) -> float:
    s = W_KIND.get(e.feature, 0.0)
    s += W_POPULATION * math.log10(max(e.population, 1) + 1)
    if e.capital:
        s += W_CAPITAL
    if ev.countries and e.country:
        total = sum(ev.countries.values())
        share = ev.countries.get(e.country, 0) / total
        # "Russian forces" says who acts more often than where: demonyms alone count less
        weight = 1.0 if e.country in ev.named_countries else W_DEMONYM_ONLY
        s += W_COUNTRY_NAMED * min(1.0, 3 * share) * weight
    if e.admin1_index >= 0 and e.feature != "admin1":
        if e.admin1_index in ev.admin1_strong:
            s += W_ADMIN1_NAMED
        elif ev.admin1_weak.get(e.admin1_index, set()) - {x.key for x in group}:
            s += W_ADMIN1_NAMED / 3  # another name in the article may be this region
    cue = any(x.admin_cue for x in group)
    if cue:
        s += W_ADMIN_CUE if e.feature in ("admin1", "admin2", "region") else -W_ADMIN_CUE
    # A bare name shared by a region and its own town, a capital or a large city means
    # the town in news ("Donetsk", "Washington"); the region needs its cue word.
    elif e.feature == "admin1" and any(
            o.feature == "city" and (o.country == e.country and o.population >= 10_000
                                     or o.capital or o.population >= 100_000)
            for o in entries):
        s += W_NO_CUE_NAMESAKE
    for x in group:
        if x.container is not None:
            container = mentions[x.container]
            inside = False
            for j in container.candidates:
                c = gaz.entry(j)
                if (c.feature == "admin1" and e.admin1_index == j) or (
                        c.feature == "country" and e.country == c.country
                        and e.feature != "country"):
                    inside = True
            if inside:
                s += W_CONTAINER
                break
    for x in group:
        near = x.extras.get("near")
        if near is not None and e.lat is not None and any(
                _lies(e, gaz.entry(j), x.extras.get("near_dir", ()))
                for j in mentions[near].candidates):
            s += W_NEAR_OF
            break
    # The focus includes this name's own first-pass choice: measured on GeoWebNews, leaving it
    # out loses correct resolutions (1579 -> 1542) at the same accuracy (0.935).
    focus = ev.focus
    if focus is not None and e.lat is not None and e.feature != "country":
        d = haversine_km(focus[0], focus[1], e.lat, e.lon or 0.0)
        # two scales: the article's area (a front, a province) and its immediate vicinity
        s += W_PROXIMITY * (0.6 * math.exp(-d / NEAR_KM) + 0.4 * math.exp(-d / PROXIMITY_KM))
    elif e.feature == "country" and e.country in ev.focus_countries:
        s += W_PROXIMITY  # the country the article's places are in
    others = ev.chosen_keys.get(e.index, set()) - {x.key for x in group}
    if others and (e.feature != "admin1" or cue):
        # one sense per discourse across names: "Washington, DC" ... "In Washington, ..."
        s += W_SAME_PLACE
    peers = {i for x in group for key in ("axis_peers", "list_peers")
             for i in x.extras.get(key, ())}
    if peers and e.lat is not None:
        # an axis ("Soledar-Bakhmut-Mayorsk") is a front line: its places lie close together
        for j in peers:
            p = gaz.entry(j)
            if p.lat is not None and p.feature == "city" and \
                    haversine_km(e.lat, e.lon or 0.0, p.lat, p.lon or 0.0) <= AXIS_KM:
                s += W_AXIS
                break
    if normalize(e.name) == m.key:
        s += W_PRIMARY_NAME
    if m.folded:
        s += W_FOLDED
    return s


def _lies(e: Entry, ref: Entry, directions: tuple[str, ...]) -> bool:
    """Whether ``e`` is close to ``ref`` and on the side the text says ("south of")."""
    if ref.lat is None or e.lat is None or ref.feature == "country":
        return False
    if haversine_km(e.lat, e.lon or 0.0, ref.lat, ref.lon or 0.0) > NEAR_OF_KM:
        return False
    dlat = e.lat - ref.lat
    dlon = ((e.lon or 0.0) - (ref.lon or 0.0)) * math.cos(math.radians(ref.lat))
    wrong = {"north": dlat < 0, "south": dlat > 0, "east": dlon < 0, "west": dlon > 0}
    return not any(wrong[d] for d in directions)


def _choose(group: list[Mention], ev: Evidence, mentions: list[Mention], gaz: Gazetteer) -> Choice:
    m = group[0]
    ids = sorted({i for x in group for i in x.candidates})
    if not ids:
        return Choice(None, 0.0)
    entries = [gaz.entry(i) for i in ids]
    entries = [e for e in entries if e.lat is not None]
    if not entries:
        return Choice(None, 0.0)
    scores = [_features(e, m, group, entries, ev, mentions, gaz) for e in entries]
    best = max(range(len(entries)), key=lambda k: scores[k])
    top = scores[best]
    weights = [math.exp(SHARPNESS * (s - top)) for s in scores]
    # A region and its namesake town ("Donetsk": the oblast or its capital) are one answer at
    # two levels, not rivals: their evidence adds up in the confidence.
    share = sum(w for k, w in enumerate(weights) if _nested(entries[k], entries[best])) \
        / sum(weights)
    absolute = 1.0 / (1.0 + math.exp(-(top - ABSOLUTE_MIDPOINT)))
    recog = max(_recognition_weight(x) for x in group)
    e = entries[best]
    if all(x.source == "gazetteer" and x.label not in PLACE_LABELS
           and not x.extras.get("axis_support") and not x.extras.get("locative")
           for x in group) and not _corroborated(e, group, ev):
        return Choice(None, 0.0)
    return Choice(e, round(share * absolute * recog, 3))


def _corroborated(e: Entry, group: list[Mention], ev: Evidence) -> bool:
    """Evidence beyond the name for a match no entity supports: the name is the entry's own
    (not an obscure alternate) and the place is big, or in a country or area the article
    is about. Without it, "Reach" or "Commissioner" would become villages."""
    if e.feature in ("country", "admin1", "region"):
        return True
    own = any(fold(normalize(e.name)) == fold(x.key) for x in group)
    in_context = bool(ev.countries) and e.country in ev.countries
    focus = ev.focus
    if not in_context and focus is not None and e.lat is not None:
        in_context = haversine_km(focus[0], focus[1], e.lat, e.lon or 0.0) < 500
    if own:
        return e.population >= 100_000 or e.capital or in_context
    if any(x.label == "PERSON" and not x.extras.get("locative") for x in group):
        return False  # "Chen" is not Chenzhou: a person's name matching an alternate name
    return in_context and e.population >= 10_000  # a known alternate name ("Gorlovka")


def _nested(a: Entry, b: Entry) -> bool:
    return a.index == b.index or (a.feature == "admin1" and b.admin1_index == a.index) or (
        b.feature == "admin1" and a.admin1_index == b.index)


def _recognition_weight(m: Mention) -> float:
    if m.extras.get("tail"):
        # the tail of a longer place name the gazetteer lacks ("Selm" of "Khirbet Selm"):
        # only a well-supported candidate (one named in context) clears the threshold
        return RECOGNITION["tail"]
    if m.source in ("ner", "axis") or m.extras.get("locative"):
        return RECOGNITION["ner"]  # an entity, an axis, or the object of "near", "in", ...
    if m.label in ("ORG", "PERSON"):
        return RECOGNITION[m.label]
    return RECOGNITION["gazetteer"]


def _groups(mentions: list[Mention]) -> dict[tuple[str, bool], list[Mention]]:
    groups: dict[tuple[str, bool], list[Mention]] = defaultdict(list)
    for m in mentions:
        groups[(m.key, m.admin_cue)].append(m)
    return groups


def _focus(choices: dict[tuple[str, bool], Choice], groups: dict[tuple[str, bool], list[Mention]],
           ev: Evidence) -> None:
    """Set the article's focus: the median point of the confident first-pass places."""
    lats: list[float] = []
    lons: list[float] = []
    for key, c in choices.items():
        e = c.entry
        if e is None or c.score < FOCUS_MIN_SCORE or e.feature == "country" or e.lat is None:
            continue
        if e.feature == "region" and e.country is None:
            continue
        n = len(groups[key])
        lats.extend([e.lat] * n)
        lons.extend([e.lon or 0.0] * n)
        if e.country:
            ev.focus_countries.add(e.country)
    if lats:
        lats.sort()
        lons.sort()
        ev.focus = (lats[len(lats) // 2], lons[len(lons) // 2])


class _EntryCache:
    """The gazetteer, with each entry built once per article: the evidence, both passes of
    ``_choose``, containers, neighbours and axes read the same candidates again and again."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self._gazetteer = gazetteer
        self._entries: dict[int, Entry] = {}

    def entry(self, index: int) -> Entry:
        e = self._entries.get(index)
        if e is None:
            e = self._entries[index] = self._gazetteer.entry(index)
        return e

    def __getattr__(self, name: str) -> Any:
        return getattr(self._gazetteer, name)


def resolve(doc: Doc, mentions: list[Mention], *, gazetteer: Gazetteer) -> list[Place]:
    """Resolve recognized mentions to Places (two passes: without, then with, the focus)."""
    gazetteer = cast(Gazetteer, _EntryCache(gazetteer))
    strong, weak = _admin_evidence(mentions, gazetteer)
    votes, named = _country_evidence(doc, mentions, gazetteer)
    ev = Evidence(countries=votes, named_countries=named, admin1_strong=strong, admin1_weak=weak)
    groups = _groups(mentions)
    first = {k: _choose(g, ev, mentions, gazetteer) for k, g in groups.items()}
    _focus(first, groups, ev)
    for (key, _cue), c in first.items():
        if c.entry is not None and c.score >= FOCUS_MIN_SCORE:
            ev.chosen_keys.setdefault(c.entry.index, set()).add(key)
    final = {k: _choose(g, ev, mentions, gazetteer) for k, g in groups.items()}

    places: list[Place] = []
    for m in mentions:
        c = final[(m.key, m.admin_cue)]
        start, end = m.span
        text = doc_text(doc)[start:end]
        if c.entry is None or c.score < THRESHOLD:
            if m.source == "gazetteer" and m.label not in PLACE_LABELS \
                    and not m.extras.get("axis_support") and not m.extras.get("locative"):
                continue  # no entity says it is a place, and the gazetteer is unsure too
            places.append(Place(text=text, start=start, end=end, score=c.score))
            continue
        e = c.entry
        places.append(Place(
            text=text, start=start, end=end, name=e.name, geonameid=e.geonameid,
            feature=e.feature,  # type: ignore[arg-type]
            country=e.country, admin1=e.admin1, lat=e.lat, lon=e.lon, score=c.score))
    return places
