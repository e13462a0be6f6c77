"""Builders shared by the record-layer tests: real Results, stored in real DuckDB files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from frontwire.model import Actor, Event, Evidence, Location, Result, content_id

# One story from three outlets: a wire report, a reprint with light edits, and a rewrite.
WIRE = (
    "KRAMATORSK, Ukraine - A Russian missile struck a residential building in the eastern "
    "Ukrainian city of Kramatorsk on Tuesday night, killing at least four people and wounding "
    "nine others, regional governor Pavlo Kyrylenko said on Wednesday. Rescue teams were "
    "searching the rubble of the five-storey building for survivors early on Wednesday, and "
    "the city's mayor said power had been cut to several districts. Ukraine's air force said "
    "the missile was an Iskander fired from the Belgorod region. Russia's defence ministry "
    "said its forces had struck a temporary base of Ukrainian troops in Kramatorsk and did "
    "not mention civilian casualties. Kramatorsk, about 30 km north of the front line, has "
    "been hit repeatedly since the start of the full-scale invasion."
)
REPRINT = (
    "A Russian missile struck a residential building in the eastern Ukrainian city of "
    "Kramatorsk on Tuesday night, killing at least four people and wounding nine others, "
    "regional governor Pavlo Kyrylenko said on Wednesday. Rescue teams were searching the "
    "rubble of the five-storey building for survivors early on Wednesday, and the city's mayor "
    "said electricity had been cut to several districts. Ukraine's air force said the missile "
    "was an Iskander fired from the Belgorod region. Russia's defence ministry said its forces "
    "had struck a temporary base of Ukrainian troops in Kramatorsk and did not mention civilian "
    "casualties. Kramatorsk, about 30 km north of the front line, has been hit repeatedly since "
    "the start of the full-scale invasion. With agency reporting."
)
REWRITE = (
    "Moscow says it hit a Ukrainian army base in Kramatorsk overnight; local officials say the "
    "strike destroyed an apartment block. The Russian defence ministry claimed on Wednesday "
    "that a precision strike had eliminated up to 30 Ukrainian servicemen at a temporary "
    "deployment point in the Donetsk region town. Governor Pavlo Kyrylenko gave a different "
    "account, saying rescuers had pulled four bodies from the ruins of a five-storey home and "
    "that nine residents were in hospital. Our correspondent saw firefighters still at work on "
    "Wednesday afternoon."
)


def story_event(text: str, *, trigger: str, fatalities: int | None, claimed_by: str,
                lat: float = 48.7389, lon: float = 37.5848, day: date = date(2023, 1, 3),
                event_type: str = "Explosions/Remote violence",
                sub: str = "Shelling/artillery/missile attack", eid: str = "e1") -> Event:
    start = text.index(trigger)
    return Event(
        id=eid, event_type=event_type, sub_event_type=sub,
        actor1=Actor(name="Military Forces of Russia", country="RU", kind="military"),
        actor2=Actor(name="Civilians", country="UA", kind="civilians"),
        location=Location(name="Kramatorsk", geonameid=704147, country="UA",
                          admin1="Donetsk", lat=lat, lon=lon, precision=1),
        date_start=day, date_end=day, date_precision="day", fatalities=fatalities,
        claimed_by=claimed_by, channel="statement",
        evidence=(Evidence(text=trigger, start=start, end=start + len(trigger)),), confidence=0.8)


def result(text: str, *, source: str, url: str, events: tuple[Event, ...] = (),
           published: date = date(2023, 1, 4), title: str | None = None) -> Result:
    return Result(id=content_id(text), text=text, source=source, url=url, title=title,
                  published=published, events=events)


def three_outlets() -> list[Result]:
    wire = result(WIRE, source="Reuters", url="https://wire.example/kramatorsk", events=(
        story_event(WIRE, trigger="A Russian missile struck a residential building",
                    fatalities=4, claimed_by="Pavlo Kyrylenko"),))
    reprint = result(REPRINT, source="Kyiv Daily", url="https://kyivdaily.example/a/123",
                     events=(story_event(REPRINT, trigger="A Russian missile struck a residential "
                             "building", fatalities=4, claimed_by="Pavlo Kyrylenko"),))
    rewrite = result(REWRITE, source="Example Post", url="https://post.example/kramatorsk",
                     events=(story_event(REWRITE, trigger="a precision strike had eliminated up "
                             "to 30 Ukrainian servicemen", fatalities=30,
                             claimed_by="Russian defence ministry", lat=48.72, lon=37.56,
                             day=date(2023, 1, 4)),))
    return [wire, reprint, rewrite]


def write_all(store, results) -> None:  # type: ignore[no-untyped-def]
    """Store results the way ``jobs.ingest`` does: near-duplicates become sources."""
    from frontwire.record import dedup

    for r in results:
        dup = dedup.find_duplicate(store, r.text, exclude=r.id)
        if dup is not None:
            dedup.add_source(store, dup, r)
        else:
            store.write(r, on_insert=dedup.index_result)


def db_path(tmp_path: Path, name: str = "record.duckdb") -> Path:
    return tmp_path / name
