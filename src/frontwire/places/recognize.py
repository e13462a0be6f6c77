"""Recognition: which spans of an article name places.

Recall comes first (Mordecai 3's authors find recognition, not resolution, is where
geoparsers lose most), so two sources are merged:

* spaCy's GPE / LOC / FAC entities;
* a gazetteer scan over token n-grams (longest match first, dictionary lookups, linear in
  the text) for what the statistical model mislabels or misses: on real war reporting
  ``en_core_web_sm`` calls Kramatorsk a PRODUCT and Bakhmut an ORG.

Gazetteer-only matches must look like names (capitalized proper nouns, not sentence-initial
common words, not demonyms, not in the common-word list of ``data/place_words.yaml``);
the resolver later drops those it cannot place with confidence. Hyphenated axes
("Soledar-Bakhmut-Mayorsk") become one mention per component; "X region/Oblast" marks the
mention as naming the administrative region.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

from spacy.lang.en.stop_words import STOP_WORDS
from spacy.tokens import Doc, Span, Token

from .. import data
from ..nlp import doc_text
from .gazetteer import Gazetteer
from .names import normalize

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
_HYPHENS = frozenset({"-", "–", "‑"})
_CONNECTORS = data.words("grammar_words.yaml", "places", "name_connectors")


@dataclass(frozen=True)
class Words:
    """The word lists of ``data/place_words.yaml``."""

    admin_cues: frozenset[str]
    demonym_country: dict[str, str]
    not_places: frozenset[str]
    common_words: frozenset[str]
    locative_prepositions: frozenset[str]
    direction_words: frozenset[str]
    feature_words: frozenset[str]
    feature_prefixes: frozenset[str]
    place_verbs: frozenset[str]
    motion_verbs: frozenset[str] = frozenset()
    group_nouns: frozenset[str] = frozenset()
    org_prefixes: tuple[tuple[str, ...], ...] = ()
    qualifiers: frozenset[str] = frozenset()


@functools.lru_cache(maxsize=1)
def words() -> Words:
    raw: dict[str, Any] = data.load("place_words.yaml")
    demonyms = {w.lower(): cc for cc, ws in (raw.get("demonyms") or {}).items() for w in ws}

    def low(key: str) -> frozenset[str]:
        items = raw.get(key) or ()
        bad = [x for x in items if not isinstance(x, str)]
        if bad:
            raise ValueError(f"data/place_words.yaml: {key} holds non-words {bad}; quote words "
                             "such as 'on', 'off', 'no' (YAML reads them as booleans)")
        return frozenset(x.lower() for x in items)
    return Words(admin_cues=low("admin_cues"), demonym_country=demonyms,
                 not_places=low("not_places"), common_words=low("common_words"),
                 locative_prepositions=low("locative_prepositions"),
                 direction_words=low("direction_words"), feature_words=low("feature_words"),
                 feature_prefixes=low("feature_prefixes"), place_verbs=low("place_verbs"),
                 motion_verbs=low("motion_verbs"), group_nouns=low("group_nouns"),
                 org_prefixes=tuple(sorted({tuple(x.split()) for x in low("org_prefixes")},
                                           key=len, reverse=True)),
                 qualifiers=low("qualifiers"))


@dataclass
class Mention:
    """A span that names (or may name) a place, with the candidates the gazetteer gives."""

    start: int  # char offsets of the name itself
    end: int
    tok_start: int
    tok_end: int
    key: str
    candidates: tuple[int, ...] = ()
    folded: bool = False  # candidates came from the transliteration-blind key
    source: str = "gazetteer"  # gazetteer | ner | axis
    label: str = ""  # the spaCy entity label overlapping the name, if any
    admin_cue: bool = False  # "the Donetsk region", "Donetsk Oblast"
    cue_start: int | None = None  # char span of the name with its cue word
    cue_end: int | None = None
    container: int | None = None  # index of the mention after "X, " (Kreminna, Luhansk)
    axis: bool = False  # part of a hyphenated axis
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def span(self) -> tuple[int, int]:
        return (self.cue_start if self.cue_start is not None else self.start,
                self.cue_end if self.cue_end is not None else self.end)


def _looks_like_name(span: Span) -> bool:
    """Capitalized words, with lowercase connectors only inside ("Rostov-on-Don")."""
    toks = list(span)
    if not toks[0].text[:1].isupper() or not (toks[-1].text[:1].isupper() or toks[-1].is_digit):
        return False
    for t in toks[1:-1]:
        if not (t.text[:1].isupper() or t.lower_ in _CONNECTORS):
            return False
    return "\n" not in span.text


def _is_shouting(text: str) -> bool:
    """All-capitals words longer than an abbreviation: credits and headings, not names."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 4 and all(c.isupper() for c in letters)


def _gazetteer_matches(doc: Doc, gaz: Gazetteer) -> list[Mention]:
    out: list[Mention] = []
    n_tok = len(doc)
    texts = [t.text for t in doc]
    looked_up: dict[str, tuple[str, tuple[int, ...]]] = {}  # a name recurs in an article
    i = 0
    while i < n_tok:
        if not texts[i][:1].isupper():
            i += 1
            continue
        tok = doc[i]
        found = None
        for n in range(min(gaz.max_tokens, n_tok - i), 0, -1):
            if n > 1 and not (texts[i + n - 1][:1].isupper() or texts[i + n - 1].isdigit()):
                continue  # what _looks_like_name rejects first, without building the span
            span = doc[i:i + n]
            if n > 1 and not _looks_like_name(span):
                continue
            if n == 1 and tok.text in gaz.abbreviations:
                ids = gaz.abbreviations[tok.text]
                if gaz.entry(ids[0]).feature != "country" and (i == 0 or doc[i - 1].text != ","):
                    break  # "TX", "DC": a subdivision code only after a town ("Austin, TX")
                found = Mention(tok.idx, tok.idx + len(tok.text), i, i + 1, normalize(tok.text),
                                candidates=gaz.abbreviations[tok.text],
                                extras={"abbreviation": True})
                break
            if n == 1 and tok.text.isupper() and len(tok.text) <= 3:
                continue  # "WA", "EFE": codes are matched only through the abbreviations
            name = span.text
            known = looked_up.get(name)
            if known is None:
                key = normalize(name)
                known = looked_up[name] = (key, gaz.lookup(key) if key else ())
            key, ids = known
            if ids:
                found = Mention(span.start_char, span.end_char, i, i + n, key, candidates=ids)
                break
        named = tok.ent_type_ in PLACE_LABELS or (tok.pos_ == "PROPN"
                                                   and not _sentence_initial(tok))
        if found is None and tok.is_alpha and len(tok.text) >= 5 and named:
            ids = gaz.lookup_folded(tok.lower_)
            if ids:
                found = Mention(tok.idx, tok.idx + len(tok.text), i, i + 1, normalize(tok.text),
                                candidates=ids, folded=True)
        if found is None:
            i += 1
            continue
        out.append(found)
        i = found.tok_end
    return out


def _label(doc: Doc, m: Mention) -> str:
    labels = {doc[k].ent_type_ for k in range(m.tok_start, m.tok_end) if doc[k].ent_type_}
    for preferred in ("GPE", "LOC", "FAC", "NORP", "PERSON", "ORG"):
        if preferred in labels:
            return preferred
    return next(iter(labels), "")


@dataclass(frozen=True)
class _DocWords:
    """What the rest of the article says about words: one sense per discourse."""

    person: frozenset[str]  # words of PERSON entities ("Diaz" after "Cameron Diaz")
    lower: frozenset[str]  # words written in lowercase somewhere (common nouns)
    entity: dict[int, Span]  # token index -> the entity covering it (doc.ents built once)


def _doc_words(doc: Doc) -> _DocWords:
    ents = doc.ents
    # Only names of two words or more make their words a person's ("Diaz" after "Cameron
    # Diaz"): the small model also calls a lone town name a PERSON ("Kramatorsk, about 30 km
    # north of the front"), and that must not unmake the town everywhere else.
    person = frozenset(t.text for ent in ents if ent.label_ == "PERSON" and len(ent) > 1
                       for t in ent)
    lower = frozenset(t.text for t in doc if t.is_alpha and t.text.islower())
    entity = {k: ent for ent in ents for k in range(ent.start, ent.end)}
    return _DocWords(person=person, lower=lower, entity=entity)


def _keep_gazetteer_match(doc: Doc, m: Mention, w: Words, dw: _DocWords) -> bool:
    """Whether an n-gram found in the gazetteer is written like a place name."""
    text = doc_text(doc)[m.start:m.end]
    low = text.lower()
    ent = dw.entity.get(m.tok_start)
    partial = ent is not None and (ent.start < m.tok_start or ent.end > m.tok_end)
    if partial and (low in w.common_words or low in STOP_WORDS):
        return False  # "West" of "West Wales", "Trial" of "Regional Trial Court"
    if partial and ent is not None and ent.label_ not in PLACE_LABELS and not _names_place(ent, m):
        return False
    if _part_of_other_feature(doc, m, w):
        return False
    if _after_org_prefix(doc, m.tok_start, w):
        return False  # "Islamic State West Africa Province" is a group, not West Africa
    if partial and ent is not None and ent.label_ in PLACE_LABELS \
            and _tail_of_unknown_name(doc, ent, m, w):
        m.extras["tail"] = True  # "Selm" of "Khirbet Selm": weaker evidence (resolve.py)
    if m.label in PLACE_LABELS:
        return low not in w.not_places and low not in w.demonym_country
    if low in w.demonym_country or low in w.not_places:
        return False
    m.extras["locative"] = _locative_object(doc[m.tok_end - 1], w) or _locative_object(
        doc[m.tok_start], w)
    if m.label == "NORP" and not (m.extras["locative"] or _cue_follows(doc, m, w)):
        return False  # "Belgorod" in "the Belgorod region" is a place the model calls NORP
    if text.isupper() and _in_dateline(doc, m):
        m.extras["locative"] = True  # "PESHAWAR, Pakistan, July 31 (Reuters) -"
        return True
    if _is_shouting(text):
        return False
    if m.tok_end - m.tok_start == 1:
        tok = doc[m.tok_start]
        if low in w.common_words or low in STOP_WORDS:
            return False
        if m.label != "PERSON" and (tok.text in dw.person or low in dw.lower):
            return False
        if len(tok.text) > 1 and tok.text.isupper() and tok.text not in _abbreviations(doc, m):
            return False  # "EFE", "AFP": agency codes, not the gazetteer's abbreviations
        # A capital letter is evidence of a name only where the sentence does not force one.
        if _sentence_initial(tok) and tok.pos_ != "PROPN":
            return False
    if m.label == "PERSON":
        # Part of a person's name ("Mark Milley") is not a place. The small model also calls
        # Ukrainian towns persons ("near Avdiivka"): a one-word "person" that is exactly a
        # gazetteer name after a locative preposition stays, for the resolver to judge.
        if ent is not None and m.tok_start <= ent.start and ent.end < m.tok_end \
                and any(doc[k].text in _HYPHENS for k in range(m.tok_start, m.tok_end)):
            return True  # "Croix" of "Croix-des-Bouquets": the model saw part of a longer name
        return ent is not None and ent.start == m.tok_start and ent.end == m.tok_end
    return True


def _locative_object(tok: Token, w: Words) -> bool:
    """Whether a word is the object of a locative preposition ("near Marinka", "the shelling
    of Kherson"): the parse's evidence that a name is a place, whatever the entity label."""
    cur = tok
    if tok.dep_ in ("dobj", "obj") and tok.head.lemma_.lower() in w.place_verbs:
        return True
    if tok.dep_ == "compound" and tok.head.lower_ in w.group_nouns:
        return False  # "local Fano militiamen": the name qualifies a group, not a place
    for _ in range(3):
        head = cur.head
        if head.i == cur.i:
            return False
        if head.dep_ == "prep" or head.pos_ == "ADP":
            low = head.lower_
            if low == "of":
                return head.head.lower_ in w.direction_words
            if low == "to":  # "diverted to Misrata", "taken to Maiduguri": a destination
                return head.head.lemma_.lower() in w.motion_verbs
            return low in w.locative_prepositions and low not in ("by", "to", "of")
        if cur.dep_ not in ("compound", "pobj", "conj", "cc", "appos"):
            return False
        cur = head
    return False


def _cue_follows(doc: Doc, m: Mention, w: Words) -> bool:
    return m.tok_end < len(doc) and doc[m.tok_end].lower_ in w.admin_cues


def _part_of_other_feature(doc: Doc, m: Mention, w: Words) -> bool:
    """"Orange County", "Mississippi River", "Lake Chad": the name is part of another
    feature's name (unless the gazetteer knows the whole, which the longest match tried)."""
    if m.tok_end < len(doc):
        nxt = doc[m.tok_end]
        if nxt.text[:1].isupper() and nxt.lower_ in w.feature_words:
            return True
    if m.tok_start > 0:
        prev = doc[m.tok_start - 1]
        if prev.text[:1].isupper() and prev.lower_.rstrip(".") in w.feature_prefixes:
            return True
    return False


def _in_dateline(doc: Doc, m: Mention) -> bool:
    """Whether an all-capitals name opens the text or a line and is followed by a comma, a
    bracket or a dash: a wire dateline ("MOGADISHU (Reuters) -", "PESHAWAR, Pakistan,"),
    where capitals mark the filing place, not a heading or a credit."""
    k = m.tok_start - 1
    while k >= 1 and doc[k].text == "/" and doc[k - 1].is_upper:
        k -= 2  # the second place of "YEREVAN/BAKU"
    if k >= 0 and not (doc[k].is_space and "\n" in doc[k].text):
        return False
    return m.tok_end < len(doc) and doc[m.tok_end].text in (",", "(", "/", "-", "–", "—")


def _after_org_prefix(doc: Doc, tok_start: int, w: Words) -> bool:
    """Whether the words just before a name open an organization's name that ends with a
    place ("Islamic State West Africa Province", "Islamic State Khorasan Province")."""
    longest = max((len(p) for p in w.org_prefixes), default=0)
    before = tuple(t.lower_ for t in doc[max(0, tok_start - longest):tok_start])
    for prefix in w.org_prefixes:
        n = len(prefix)
        if tok_start >= n and before[len(before) - n:] == prefix:
            return True
    return False


def _tail_of_unknown_name(doc: Doc, ent: Span, m: Mention, w: Words) -> bool:
    """Whether a gazetteer name is the tail of a longer place name the gazetteer does not
    know: "Selm" in "Khirbet Selm". The word just before it, in the same place entity and
    joined by a space, is capitalized and is not a qualifier ("Upper Galilee"), a feature or
    admin word ("Port of Odesa"), a connector ("El Fasher") or a demonym. Such a name is
    weaker evidence, not nothing: headline fragments ("Local Ireland", "Nazi Germany") look
    the same, so the resolver discounts it instead of recognition dropping it."""
    k = m.tok_start - 1
    if k < ent.start:
        return False
    t = doc[k]
    if not (t.is_alpha and t.text[:1].isupper() and t.whitespace_):
        return False
    low = t.lower_
    return not (low in w.qualifiers or low in w.direction_words or low in w.demonym_country
                or low in w.admin_cues or low in _CONNECTORS or low in w.feature_prefixes)


def _names_place(ent: Span, m: Mention) -> bool:
    """Whether a name inside an organization's or facility's name is where it is: at its
    start ("Liverpool Academy", "Ukraine's Interior Ministry"), after of/in/at/for
    ("University of California"), or before "-based". Elsewhere ("Regional Trial Court",
    "St Seachnails Church") a word that is also a village is just a word."""
    doc = ent.doc
    first = ent.start
    while first < ent.end and doc[first].lower_ in ("the", "a", "an"):
        first += 1
    if m.tok_start == first:
        return True
    if m.tok_start > 0 and doc[m.tok_start - 1].lower_ in ("of", "in", "at", "for"):
        return True
    return m.tok_end + 1 < len(doc) and doc[m.tok_end].text in _HYPHENS \
        and doc[m.tok_end + 1].lower_ == "based"


def _abbreviations(doc: Doc, m: Mention) -> set[str]:
    return {doc_text(doc)[m.start:m.end]} if m.extras.get("abbreviation") else set()


def _sentence_initial(tok: Token) -> bool:
    i = tok.i
    while i > 0 and (tok.doc[i - 1].is_punct or tok.doc[i - 1].is_space):
        if tok.doc[i - 1].is_sent_start or tok.doc[i - 1].text in ("“", '"', "‘", "'", "(", "-"):
            return True
        i -= 1
    return tok.doc[i].is_sent_start or i == 0


def _strip_entity(ent: Span) -> Span:
    start, end = ent.start, ent.end
    doc = ent.doc
    while start < end and doc[start].lower_ in ("the", "a", "an"):
        start += 1
    while end > start and (doc[end - 1].lower_ in ("'s", "’s", "'") or doc[end - 1].is_punct):
        end -= 1
    return doc[start:end]


def _axis_components(doc: Doc, m: Mention) -> list[tuple[int, int]]:
    """Token ranges of capitalized words joined to this mention by hyphens without spaces."""
    comps: list[tuple[int, int]] = []
    # walk left
    i = m.tok_start
    while i >= 2 and doc[i - 1].text in _HYPHENS and not doc[i - 1].whitespace_ \
            and not doc[i - 2].whitespace_ and doc[i - 2].is_alpha \
            and doc[i - 2].text[:1].isupper():
        comps.append((i - 2, i - 1))
        i -= 2
    j = m.tok_end
    while j + 1 < len(doc) and doc[j].text in _HYPHENS and not doc[j - 1].whitespace_ \
            and not doc[j].whitespace_ and doc[j + 1].is_alpha and doc[j + 1].text[:1].isupper():
        comps.append((j + 1, j + 2))
        j += 2
    return comps


def recognize(doc: Doc, *, gazetteer: Gazetteer) -> list[Mention]:
    """All place mentions of a parsed article, in text order, with their candidates."""
    w = words()
    mentions: list[Mention] = []
    dw = _doc_words(doc)
    for m in _gazetteer_matches(doc, gazetteer):
        m.label = _label(doc, m)
        if _keep_gazetteer_match(doc, m, w, dw):
            if m.label in PLACE_LABELS:
                m.source = "ner"
            mentions.append(m)
    covered = {k for m in mentions for k in range(m.tok_start, m.tok_end)}

    # Statistical entities the gazetteer scan did not cover (unknown or misspelled places).
    for ent in doc.ents:
        if ent.label_ not in PLACE_LABELS:
            continue
        span = _strip_entity(ent)
        if len(span) > 1 and span[-1].lower_ in w.admin_cues:
            # "the Bay region": the name is "Bay"; _mark_cues makes it the region
            span = doc[span.start:span.end - 1]
        if len(span) == 0 or any(k in covered for k in range(span.start, span.end)):
            continue
        if _after_org_prefix(doc, span.start, w):
            continue
        text = span.text
        low = text.lower()
        if low in w.not_places or low in w.demonym_country or "\n" in text:
            continue
        key = normalize(text)
        if not key:
            continue
        ids = gazetteer.lookup(key)
        folded = False
        if not ids:
            ids, folded = gazetteer.lookup_folded(key), True
        m = Mention(span.start_char, span.end_char, span.start, span.end, key, candidates=ids,
                    folded=folded and bool(ids), source="ner", label=ent.label_)
        mentions.append(m)
        covered.update(range(span.start, span.end))

    # Hyphenated axes: every capitalized component is a place mention of its own.
    for m in list(mentions):
        comps = _axis_components(doc, m)
        if not comps:
            continue
        m.axis = True
        for a, b in comps:
            if a in covered:
                continue
            tok = doc[a]
            key = normalize(tok.text)
            if tok.lower_ in w.demonym_country or tok.lower_ in w.not_places \
                    or (tok.text.isupper() and tok.ent_type_ not in PLACE_LABELS):
                continue
            ids = gazetteer.lookup(key)
            folded = False
            if not ids and len(tok.text) >= 5:
                ids, folded = gazetteer.lookup_folded(key), True
            mentions.append(Mention(tok.idx, tok.idx + len(tok.text), a, b, key, candidates=ids,
                                    folded=folded and bool(ids), source="axis",
                                    label=tok.ent_type_, axis=True))
            covered.add(a)
    for m in mentions:
        if not m.axis and _axis_components(doc, m):
            m.axis = True
    # An axis whose components are places (two gazetteer names, or an entity) vouches for
    # each of them; "Rolls-Royce" or "Coca-Cola" do not.
    by_tok = {k: m for m in mentions for k in range(m.tok_start, m.tok_end)}
    for m in mentions:
        if not m.axis:
            continue
        chain = [m, *(by_tok[a] for a, _b in _axis_components(doc, m) if a in by_tok)]
        known = sum(1 for x in chain if x.candidates)
        if known >= 2 or any(x.label in PLACE_LABELS for x in chain):
            m.extras["axis_support"] = True
        m.extras["axis_peers"] = tuple(i for x in chain[1:] for i in x.candidates)

    mentions.sort(key=lambda m: m.start)
    _mark_lists(doc, mentions)
    _mark_cues(doc, mentions, w)
    _mark_containers(doc, mentions)
    return mentions


_LIST_GLUE = frozenset({"and", "or", ",", ", and", ", or"})


def _mark_lists(doc: Doc, mentions: list[Mention]) -> None:
    """"the Martuni and Askeran districts", "Kramatorsk, Sloviansk and Druzhkivka": names
    listed together are usually neighbours, like the parts of an axis (resolve.py)."""
    text = doc_text(doc)
    for a, b in itertools.pairwise(mentions):
        if a.axis or b.axis or " ".join(text[a.end:b.start].split()) not in _LIST_GLUE:
            continue
        a.extras["list_peers"] = (*a.extras.get("list_peers", ()), *b.candidates)
        b.extras["list_peers"] = (*b.extras.get("list_peers", ()), *a.candidates)


def _mark_cues(doc: Doc, mentions: list[Mention], w: Words) -> None:
    """"the Luhansk region", "Donetsk Oblast", "the province of Idlib": the admin region."""
    for m in mentions:
        if m.axis:
            continue
        nxt = doc[m.tok_end] if m.tok_end < len(doc) else None
        if nxt is not None and nxt.lower_ in w.admin_cues:
            m.admin_cue = True
            m.cue_end = nxt.idx + len(nxt.text)
            continue
        if m.tok_start >= 2 and doc[m.tok_start - 1].lower_ == "of" \
                and doc[m.tok_start - 2].lower_ in w.admin_cues:
            m.admin_cue = True
            m.cue_start = doc[m.tok_start - 2].idx


_NEAR = re.compile(
    r"^,?\s*(?:just\s+|about\s+\d+\s*(?:km|kilometres|kilometers|miles)\s+)?"
    r"(?:near|outside|close\s+to|on\s+the\s+outskirts\s+of|"
    r"(?:north|south|east|west)(?:[- ]?(?:east|west))?(?:ern)?\s+of)\s+"
    r"(?:the\s+)?(?:(?:town|city|village|port|settlement)\s+(?:of\s+)?)?$", re.IGNORECASE)


def _mark_containers(doc: Doc, mentions: list[Mention]) -> None:
    """"Kreminna, Luhansk": the second names where the first is; "Klishchiivka, south of
    Bakhmut" and "Washington, near Sunderland": the first lies close to the second."""
    for k, (a, b) in enumerate(itertools.pairwise(mentions)):
        if a.axis:
            continue
        if b.tok_start == a.tok_end + 1 and doc[a.tok_end].text == ",":
            a.container = k + 1
        elif (hit := _NEAR.match(doc_text(doc)[a.end:b.start])) is not None:
            a.extras["near"] = k + 1
            between = hit.group(0).lower()
            a.extras["near_dir"] = tuple(d for d in ("north", "south", "east", "west")
                                         if d in between)
