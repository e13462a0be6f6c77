"""Where an event happens: the trigger's own locative phrase first, then focus, with precision.

Precision follows ACLED's geo_precision: 1 a town named as the place of the event, 2 a
region, or a town that is only the focus of the sentence or paragraph ("near" it), 3 a
country or the article's focus. Places in actor positions ("Ukraine's Interior Ministry",
"Moscow has mobilized") are not locations.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from spacy.tokens import Doc, Span

from .. import data
from ..geo import haversine_km
from ..model import Location, Place
from ..nlp import doc_text
from ..places import place_for
from .actors import index, word_re
from .lexicon import lexicon

_PLACE_HEADS = data.words("grammar_words.yaml", "events", "place_head_nouns")
_PRECISION = {"city": 1, "other": 1, "admin2": 2, "admin1": 2, "region": 2, "country": 3}


def to_location(p: Place, *, floor: int = 1) -> Location:
    prec = max(_PRECISION.get(p.feature or "other", 2), floor)
    return Location(name=p.name or p.text, geonameid=p.geonameid, country=p.country,
                    admin1=p.admin1, lat=p.lat, lon=p.lon, precision=prec)


def _modifier_of_name(doc: Doc, p: Place) -> bool:
    """ "US-backed forces", "Africa Corps": the place name only qualifies another name."""
    after = doc_text(doc)[p.end:p.end + 12].lower()
    return after.startswith(("-backed", "-led", "-based", "-funded", "-linked", "-aligned", " corps"))


def _is_actor_position(doc: Doc, p: Place) -> bool:
    span = doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None:
        return True
    root = span.root
    after = doc_text(doc)[p.end:p.end + 12].lower()
    if after.startswith(("-backed", "-led", "-based", "-funded", "-linked", "-aligned", " corps")):
        return True  # "US-backed forces", "Africa Corps"
    if root.dep_ in ("nsubj", "nsubjpass", "poss", "agent"):
        return True
    if root.dep_ in ("compound", "amod") and root.head.pos_ in ("NOUN", "PROPN") and \
            root.head.lower_ not in _PLACE_HEADS:
        return True
    return root.ent_type_ == "NORP"


def _resolved(places: Sequence[Place]) -> list[Place]:
    return [p for p in places if p.lat is not None and p.lon is not None]


_DATELINE = re.compile(r"[A-Z][A-Z .'/-]+(?:,[^\n]{0,40}?)?\s*(?:\([^()\n]{1,40}\))?\s*[-–—]\s")


def _in_dateline(doc: Doc, p: Place) -> bool:
    """ "MAPUTO, May 13 (Reuters) - ...": where the report was filed, not where it happened."""
    text = doc_text(doc)
    line = text.rfind("\n", 0, p.start) + 1
    m = _DATELINE.match(text, line)
    return m is not None and p.start < m.end()


def _report_place(doc: Doc, p: Place) -> bool:
    """ "told reporters in Juba that soldiers had fought": the place of the saying."""
    span = doc.char_span(p.start, p.end, alignment_mode="expand")
    if span is None:
        return False
    h = span.root
    if h.dep_ == "pobj" and h.head.dep_ == "prep":
        verb = h.head.head
        return verb.pos_ == "VERB" and verb.lemma_.lower() in lexicon().speech_verbs
    return False


def focus(doc: Doc, places: Sequence[Place], start: int, end: int) -> Place | None:
    """The most specific resolved place in [start, end) not in an actor position, a dateline
    or the place of a saying."""
    cands = [p for p in _resolved(places) if start <= p.start < end
             and not _is_actor_position(doc, p) and not _in_dateline(doc, p)
             and not _report_place(doc, p)]
    if not cands:
        return None
    order = {"city": 0, "other": 1, "admin2": 2, "admin1": 3, "region": 4, "country": 5}
    return min(cands, key=lambda p: (order.get(p.feature or "other", 6), p.start))


def _paragraph(doc: Doc, sent: Span) -> tuple[int, int]:
    text = doc_text(doc)
    s = text.rfind("\n", 0, sent.start_char) + 1
    e = text.find("\n", sent.end_char)
    return s, (len(text) if e < 0 else e)


def there(sent: Span) -> bool:
    """The sentence says "there" as a place adverb: it points to the place named just before."""
    return _there(sent, 0)


def _there(sent: Span, anchor_i: int) -> bool:
    """The clause says "there": its place is the one named just before."""
    if "there" not in doc_text(sent.doc)[sent.start_char:sent.end_char].lower():
        return False  # most sentences: no Token objects made
    for t in sent:
        if t.lower_ == "there" and t.dep_ == "advmod":
            return True
    return False


def _main_country(doc: Doc, places: Sequence[Place]) -> str | None:
    """The country most of the article's places are in (one sense per discourse)."""
    counts = Counter(p.country for p in _resolved(places) if p.country and p.feature != "country")
    top = counts.most_common(2)
    if not top or top[0][1] < 2 or (len(top) > 1 and top[1][1] * 2 > top[0][1]):
        return None  # no clear home country: a cross-border story
    return top[0][0]


def _stray_namesakes(doc: Doc, places: Sequence[Place], sent: Span) -> list[Place]:
    """Places of the sentence resolved to a foreign country that the sentence does not name,
    when the sentence also names a place of the article's own country: "In Eastern Samar,
    rebels ambushed a patrol near Borongan" is not in Samara, Russia; "Tha Yet Pin, a village
    north of Shwebo" is not in China. The gazetteer picked a namesake of an unknown name."""
    main = _main_country(doc, places)
    if main is None:
        return []
    inside = [p for p in _resolved(places) if sent.start_char <= p.start < sent.end_char]
    if not any(p.country == main for p in inside):
        return []
    text = doc_text(doc)
    low = text.lower()
    named_anywhere = {p.country for p in _resolved(places) if p.feature == "country"}
    named_anywhere |= {cc for word, cc in index().countries.items()
                       if word in low and word_re(word).search(low)}
    named_here = {p.country for p in inside if p.feature == "country"}

    def fragment(p: Place) -> bool:
        """ "Samar" of "Eastern Samar", "Pin" of "Tha Yet Pin": part of a longer name."""
        before = text[max(0, p.start - 30):p.start].rstrip(" ").split(" ")[-1:]
        after = text[p.end:p.end + 30].lstrip(" ").split(" ")[:1]
        near = [w for w in before + after if w]
        return text[p.start - 1:p.start] == " " and any(w[:1].isupper() and w.isalpha() for w in near)

    return [p for p in inside if p.country and p.country != main and p.country not in named_here
            and p.feature != "country" and (p.country not in named_anywhere or fragment(p))]


_RELATIVE = re.compile(
    r"\b(\d{1,3}) ?(km|kms|kilometres|kilometers|miles)\s+\(?[^()]{0,20}?\)?\s*"
    r"(north|south|east|west|north-?east|north-?west|south-?east|south-?west)(?:ern)?\s+of\s+")
_BEARING = {k: int(v) for k, v in data.section("grammar_words.yaml", "events", "bearings").items()}


def _relative_anchor(places: Sequence[Place], sent: Span) -> tuple[Place, float, str] | None:
    """ "a village about 20 km south of Debre Markos": the town the sentence measures from, and
    the distance it gives. A place resolved farther from it than that is a namesake."""
    text = doc_text(sent.doc)
    m = _RELATIVE.search(text, sent.start_char, sent.end_char)
    if m is None:
        return None
    km = float(m.group(1)) * (1.609 if m.group(2) == "miles" else 1.0)
    ref = next((p for p in _resolved(places) if p.start == m.end() and p.feature != "country"), None)
    return (ref, km, m.group(3).replace("-", "")) if ref is not None else None


def _check_relative(loc: Location | None, how: str, places: Sequence[Place], sent: Span
                    ) -> tuple[Location | None, str]:
    rel = _relative_anchor(places, sent)
    if rel is None:
        return loc, how
    ref, km, direction = rel
    if loc is not None and loc.lat is not None and loc.lon is not None and \
            haversine_km(loc.lat, loc.lon, ref.lat, ref.lon) <= 2 * km + 25:  # type: ignore[arg-type]
        return loc, how
    # the point the sentence describes, as its own place (not the town itself, so that a strike
    # 20 km away is not merged into a battle in the town)
    b = math.radians(_BEARING[direction])
    lat = ref.lat + km / 111.2 * math.cos(b)  # type: ignore[operator]
    lon = ref.lon + km / (111.2 * max(math.cos(math.radians(ref.lat)), 0.01)) * math.sin(b)  # type: ignore[arg-type,operator]
    base = to_location(ref, floor=2)
    return Location(name=f"{km:g} km {direction} of {base.name}", geonameid=None,
                    country=base.country, admin1=base.admin1, lat=round(lat, 4), lon=round(lon, 4),
                    precision=2), "relative"


def locate(doc: Doc, places: Sequence[Place], *, anchor_start: int, anchor_end: int,
           verb_start: int | None, verb_end: int | None, sent: Span,
           excluded: Sequence[Place] = ()) -> tuple[Location | None, str]:
    """The event's location and how it was found (locative | there | sentence | paragraph |
    article | relative | none). A sentence that measures from a town ("a village 20 km south
    of Debre Markos") overrides a place resolved farther away than that (a namesake)."""
    loc, how = _locate(doc, places, anchor_start=anchor_start, anchor_end=anchor_end,
                       verb_start=verb_start, verb_end=verb_end, sent=sent, excluded=excluded)
    return _check_relative(loc, how, [p for p in places if p not in excluded], sent)


def _locate(doc: Doc, places: Sequence[Place], *, anchor_start: int, anchor_end: int,
            verb_start: int | None, verb_end: int | None, sent: Span,
            excluded: Sequence[Place] = ()) -> tuple[Location | None, str]:
    """The event's location and how it was found (locative | there | sentence | paragraph |
    article | none)."""
    stray = _stray_namesakes(doc, places, sent)
    usable = [p for p in places if p not in excluded and p not in stray and not _modifier_of_name(doc, p)]
    p = place_for(anchor_start, anchor_end, usable, doc)
    if p is None and verb_start is not None and verb_end is not None:
        p = place_for(verb_start, verb_end, usable, doc)
    if p is not None and p.lat is not None:
        return to_location(p), "locative"
    if _there(sent, 0) and sent.start > 0:
        prev = doc[sent.start - 1].sent
        for t in prev:
            if t.dep_ == "ROOT":
                q = place_for(t.idx, t.idx + len(t.text), usable, doc)
                if q is not None and q.lat is not None:
                    return to_location(q), "there"
        q = focus(doc, usable, prev.start_char, prev.end_char)
        if q is not None:
            return to_location(q, floor=2), "there"
    q = focus(doc, usable, sent.start_char, sent.end_char)
    if q is not None:
        return to_location(q, floor=2), "sentence"
    ps, pe = _paragraph(doc, sent)
    q = focus(doc, usable, ps, pe)
    if q is not None:
        return to_location(q, floor=2), "paragraph"
    counts = Counter((p.geonameid, p.feature) for p in _resolved(usable)
                     if p.feature != "country" and not _is_actor_position(doc, p)
                     and not _report_place(doc, p))
    if counts:
        (gid, _feat), _n = counts.most_common(1)[0]
        best = next(p for p in usable if p.geonameid == gid)
        return to_location(best, floor=3), "article"
    return None, "none"
