"""Typed records every stage speaks.

Stages communicate only through these records and the JSON output contract
(``docs/output.md``, ``schema/output.schema.json``). Records are frozen: a stage
builds new ones rather than editing what an earlier stage produced. Every span
(``start``/``end``) is a character offset into the *cleaned* text of the article.

``to_dict()`` gives the JSON form of the contract (dates as ISO strings).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, fields, replace
from datetime import date
from typing import Any, Literal

SCHEMA_VERSION = "frontwire/1"

PlaceFeature = Literal["country", "admin1", "admin2", "city", "region", "other"]
TimePrecision = Literal["day", "week", "month", "quarter", "year", "range"]
SpeakerType = Literal["person", "organization", "anonymous", "group"]
ActorKind = Literal[
    "military", "government", "police", "rebels", "militia", "civilians", "protesters", "rioters",
    "other",
]
RemovalReason = Literal["caption", "credit", "byline", "boilerplate"]


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


class Record:
    """Mixin: JSON form of a dataclass record."""

    def to_dict(self) -> dict[str, Any]:
        return _jsonable(asdict(self))  # type: ignore[call-overload]

    @classmethod
    def field_names(cls) -> list[str]:
        return [f.name for f in fields(cls)]  # type: ignore[arg-type]


def _parse_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


@dataclass(frozen=True, slots=True)
class Entity(Record):
    """A named entity from the NLP stage (spaCy label set)."""

    text: str
    start: int
    end: int
    label: str


@dataclass(frozen=True, slots=True)
class Removal(Record):
    """A piece of the raw text that cleaning removed, and why."""

    text: str
    reason: RemovalReason
    rule: str = ""  # the name of the rule that fired, so a reader can check it


@dataclass(frozen=True, slots=True)
class Place(Record):
    """A place mention resolved (or not) to a gazetteer entry.

    Unresolved mentions keep ``geonameid``/``lat``/``lon`` as None and a low score:
    a wrong town is worse than none.
    """

    text: str
    start: int
    end: int
    name: str | None = None
    geonameid: int | None = None
    feature: PlaceFeature | None = None
    country: str | None = None  # ISO 3166-1 alpha-2
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class TimeSpan(Record):
    """A time expression resolved to a calendar interval (inclusive ends)."""

    text: str
    start: int
    end: int
    value: str | None = None  # ISO 8601: 2023-01-03, 2022-12, 2023-Q1, 2022-07-04/2023-01-04
    start_date: date | None = None
    end_date: date | None = None
    precision: TimePrecision | None = None


@dataclass(frozen=True, slots=True)
class Claim(Record):
    """Who asserts what, in which words, through which channel."""

    id: str
    speaker: str | None
    text: str
    start: int
    end: int
    speaker_role: str | None = None
    speaker_type: SpeakerType | None = None
    cue: str | None = None
    channel: str | None = None
    direct: bool = False
    date_start: date | None = None
    date_end: date | None = None
    cites: str | None = None


@dataclass(frozen=True, slots=True)
class Actor(Record):
    name: str
    country: str | None = None
    kind: ActorKind | None = None


@dataclass(frozen=True, slots=True)
class Location(Record):
    name: str | None = None
    geonameid: int | None = None
    country: str | None = None
    admin1: str | None = None
    lat: float | None = None
    lon: float | None = None
    precision: int | None = None  # 1 town, 2 region, 3 country (ACLED geo_precision)


@dataclass(frozen=True, slots=True)
class Evidence(Record):
    text: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Event(Record):
    """One coded event (ACLED taxonomy) with the text that supports it."""

    id: str
    event_type: str
    sub_event_type: str | None = None
    actor1: Actor | None = None
    actor2: Actor | None = None
    location: Location | None = None
    date_start: date | None = None
    date_end: date | None = None
    date_precision: TimePrecision | None = None
    fatalities: int | None = None
    claimed_by: str | None = None
    claim_id: str | None = None
    channel: str | None = None
    evidence: tuple[Evidence, ...] = ()
    confidence: float = 0.0
    # Added after frontwire/1 was fixed (fields are only ever added): the people wounded,
    # kept apart from the dead, and the phrases each count was read from.
    wounded: int | None = None
    fatalities_text: str | None = None
    wounded_text: str | None = None


@dataclass(frozen=True, slots=True)
class Article(Record):
    """An input article as read, before cleaning."""

    text: str
    id: str | None = None
    url: str | None = None
    title: str | None = None
    source: str | None = None
    published: date | None = None
    language: str = "en"
    origin: str | None = None  # file (and line) it came from, for error messages

    def with_id(self) -> Article:
        """Return this article with its id set (content hash when the input gave none)."""
        if self.id:
            return self
        return _replace(self, id=content_id(self.text))


@dataclass(frozen=True, slots=True)
class Result(Record):
    """The full output for one article: the JSON output contract."""

    id: str
    text: str
    url: str | None = None
    title: str | None = None
    source: str | None = None
    published: date | None = None
    language: str = "en"
    removed: tuple[Removal, ...] = ()
    entities: tuple[Entity, ...] = ()
    places: tuple[Place, ...] = ()
    times: tuple[TimeSpan, ...] = ()
    claims: tuple[Claim, ...] = ()
    events: tuple[Event, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        d = _jsonable(asdict(self))
        # Field order of the contract: metadata first, then text, then the lists.
        order = ["id", "url", "title", "source", "published", "language", "text", "removed",
                 "entities", "places", "times", "claims", "events"]
        return {k: d[k] for k in order}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Result:
        """Rebuild a Result from its JSON form (the inverse of ``to_dict``)."""

        def events() -> tuple[Event, ...]:
            out = []
            for e in d.get("events", []):
                e = dict(e)
                for key in ("actor1", "actor2"):
                    e[key] = Actor(**e[key]) if e.get(key) else None
                e["location"] = Location(**e["location"]) if e.get("location") else None
                e["evidence"] = tuple(Evidence(**x) for x in e.get("evidence", []))
                e["date_start"] = _parse_date(e.get("date_start"))
                e["date_end"] = _parse_date(e.get("date_end"))
                out.append(Event(**e))
            return tuple(out)

        def dated(rec: type, items: list[dict[str, Any]], keys: tuple[str, ...]) -> tuple[Any, ...]:
            return tuple(rec(**{**x, **{k: _parse_date(x.get(k)) for k in keys}}) for x in items)

        return cls(
            id=d["id"], text=d["text"], url=d.get("url"), title=d.get("title"),
            source=d.get("source"), published=_parse_date(d.get("published")),
            language=d.get("language", "en"),
            removed=tuple(Removal(**x) for x in d.get("removed", [])),
            entities=tuple(Entity(**x) for x in d.get("entities", [])),
            places=tuple(Place(**x) for x in d.get("places", [])),
            times=dated(TimeSpan, d.get("times", []), ("start_date", "end_date")),
            claims=dated(Claim, d.get("claims", []), ("date_start", "date_end")),
            events=events(),
        )


@dataclass(frozen=True, slots=True)
class Rejection(Record):
    """An input that could not be processed: where, at which stage, and why."""

    origin: str
    stage: str
    code: str
    message: str
    article_id: str | None = None

    def line(self) -> str:
        return f"{self.origin}: {self.code} {self.message}"


def _replace(obj: Any, **changes: Any) -> Any:
    return replace(obj, **changes)


_WS = re.compile(r"\s+")


def normalize_text(text: str) -> str:
    """Normalization used for content ids: NFC, whitespace folded, case kept."""
    return _WS.sub(" ", unicodedata.normalize("NFC", text)).strip()


def content_id(text: str, *, prefix: str = "", length: int = 16) -> str:
    """A stable id from content (sqlite-utils' hash_id idea): re-running upserts."""
    digest = hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()[:length]
    return f"{prefix}{digest}"


def record_id(*parts: Any, prefix: str = "", length: int = 12) -> str:
    """A stable id for a record inside an article (claim, event) from its defining parts."""
    raw = "\x1f".join("" if p is None else str(p) for p in parts)
    return f"{prefix}{hashlib.sha256(raw.encode('utf-8')).hexdigest()[:length]}"


__all__ = [
    "SCHEMA_VERSION", "Actor", "Article", "Claim", "Entity", "Event", "Evidence", "Location",
    "Place", "Rejection", "Record", "Removal", "Result", "TimeSpan", "content_id",
    "normalize_text", "record_id",
]
