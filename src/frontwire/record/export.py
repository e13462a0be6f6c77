"""Exports in the formats users' tools read: ACLED-style CSV, CSV, JSON, GeoJSON, Parquet.

The ACLED-style CSV has exactly ACLED's columns, in ACLED's order, with values in ACLED's
conventions (numeric ISO country code, ``geo_precision`` and ``time_precision`` 1-3,
``inter1``/``inter2`` actor type codes 1-8 and a two-digit ``interaction``, fatalities 0 when
none are reported, ``notes`` built from the evidence sentences), so existing ACLED tooling
reads it. Where frontwire cannot fill a column honestly (``admin2``, ``tags``) it stays empty.
The other formats carry frontwire's own fields, including the cluster of each event.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path
from typing import IO, Any

import pycountry

from ..countries import country_name
from ..model import record_id
from ..store.base import Store
from ..store.filters import EVENT_COLUMNS, EVENT_FROM, SORT_KEY, EventFilter, where
from .linking import record_config

FORMATS = ("acled-csv", "csv", "json", "geojson", "parquet")

ACLED_COLUMNS = [
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "inter1", "actor2", "inter2", "interaction",
    "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "location", "latitude",
    "longitude", "geo_precision", "source", "source_scale", "notes", "fatalities", "tags",
    "timestamp",
]


def iter_events(store: Store, f: EventFilter, *, batch: int = 10_000) -> Iterator[dict[str, Any]]:
    """Every matching event with its evidence, sources and ingest time, in a stable order."""
    sql_where, params = where(f.check())
    sql = (f"SELECT {EVENT_COLUMNS}, a.source AS article_source, a.url AS article_url, "
           "a.title AS article_title, a.published, a.ingested_at, "
           "(SELECT array_agg(v.text ORDER BY v.seq) FROM evidence v WHERE v.article_id = e.article_id "
           " AND v.event_id = e.id) AS evidence, "
           "(SELECT array_agg(coalesce(s.source, s.url) ORDER BY s.seq) FROM article_sources s "
           " WHERE s.article_id = e.article_id) AS sources "
           f"{EVENT_FROM} JOIN articles a ON a.id = e.article_id{sql_where} ORDER BY {SORT_KEY}")
    with store.reader() as reader:
        for r in reader.stream(sql, params, batch=batch):
            r["sources"] = [s for s in (r["sources"] or []) if s] or \
                [s for s in (r["article_source"] or r["article_url"],) if s]
            r["evidence"] = list(r["evidence"] or [])
            yield r


# -- ACLED conventions ----------------------------------------------------------------------

@lru_cache(maxsize=512)
def _country(alpha2: str | None) -> tuple[str, str, int | None, str]:
    """(alpha-3, ACLED country name, ISO numeric, ACLED region) for an alpha-2 code."""
    if not alpha2:
        return "", "", None, ""
    conf = record_config()["acled"]
    c = pycountry.countries.get(alpha_2=alpha2.upper())
    if c is None:
        return "", "", None, ""
    name = country_name(c.alpha_2)
    region = next((r for r, codes in conf["regions"].items() if c.alpha_2 in codes), "")
    return c.alpha_3, name, int(c.numeric), region


def _inter(kind: str | None, actor_country: str | None, event_country: str | None) -> int:
    conf = record_config()["acled"]
    if not kind:
        return 0
    code = int(conf["inter_codes"].get(kind, conf["external_code"]))
    if code == 1 and actor_country and event_country and actor_country != event_country:
        return int(conf["external_code"])  # another country's state forces: External/Other
    return code


def _interaction(i1: int, i2: int) -> int:
    """ACLED's two-digit interaction: the two codes, lower first; a lone actor is ``code*10``."""
    if not i1 and not i2:
        return 0
    if not i2 or not i1:
        return (i1 or i2) * 10
    lo, hi = sorted((i1, i2))
    return lo * 10 + hi


def _acled_actor(name: str | None, kind: str | None, country: str | None) -> str:
    """ACLED names state forces 'Military Forces of <Country>'; others keep their name."""
    if not name:
        return ""
    if kind == "military" and country:
        return f"Military Forces of {_country(country)[1] or country}"
    if kind == "police" and country:
        return f"Police Forces of {_country(country)[1] or country}"
    if kind == "civilians":
        return f"Civilians ({_country(country)[1]})" if country and _country(country)[1] else \
            "Civilians"
    return name


def source_scale(sources: list[str]) -> str:
    """ACLED's source_scale from the outlets' reach (listed in data/record.yaml)."""
    scales = record_config()["acled"]["source_scale"]
    found = []
    for s in sources:
        low = s.lower()
        for scale, names in scales.items():
            if any(n == low or low.startswith(n + " ") or n in low.split(" / ") for n in names):
                found.append(scale)
                break
        else:
            found.append("Other")
    kinds = sorted(set(found), key=["International", "National", "Other"].index)
    if len(kinds) == 1:
        return kinds[0]
    return "-".join(kinds)


def notes(r: dict[str, Any]) -> str:
    """ACLED-style notes: 'On <date>, <evidence> ... [claimed by X]', only words from the text."""
    parts = []
    d = r.get("date_start")
    ev = " ... ".join(t.strip() for t in r.get("evidence") or [] if t.strip())
    if d:
        parts.append(f"On {d.day} {d.strftime('%B %Y')}, {ev}" if ev else f"On {d.isoformat()}.")
    elif ev:
        parts.append(ev)
    if r.get("claimed_by"):
        parts.append(f"[claimed by {r['claimed_by']}]")
    if r.get("fatalities") is None:
        parts.append("[fatalities not reported]")
    return " ".join(parts)


def acled_row(r: dict[str, Any]) -> dict[str, Any]:
    """One event in ACLED's columns and conventions."""
    alpha3, cname, numeric, region = _country(r.get("country"))
    i1 = _inter(r.get("actor1_kind"), r.get("actor1_country"), r.get("country"))
    i2 = _inter(r.get("actor2_kind"), r.get("actor2_country"), r.get("country"))
    event_date: date | None = r.get("date_start")
    tp_map = record_config()["acled"]["time_precision"]
    ts = r.get("ingested_at")
    num = int(record_id(r["article_id"], r["event_id"], length=8), 16) % 10_000_000
    disorder = record_config()["acled"]["disorder_type"].get(r["event_type"], "")
    return {
        "event_id_cnty": f"{alpha3 or 'XXX'}{num}",
        "event_date": event_date.isoformat() if event_date else "",
        "year": event_date.year if event_date else "",
        "time_precision": tp_map.get(r.get("date_precision") or "", 3 if event_date else ""),
        "disorder_type": disorder,
        "event_type": r["event_type"],
        "sub_event_type": r.get("sub_event_type") or "",
        "actor1": _acled_actor(r.get("actor1_name"), r.get("actor1_kind"), r.get("actor1_country")),
        "inter1": i1 or "",
        "actor2": _acled_actor(r.get("actor2_name"), r.get("actor2_kind"), r.get("actor2_country")),
        "inter2": i2 or "",
        "interaction": _interaction(i1, i2) or "",
        "civilian_targeting": "Civilian targeting" if r.get("actor2_kind") == "civilians" else "",
        "iso": numeric if numeric is not None else "",
        "region": region,
        "country": cname,
        "admin1": r.get("admin1") or "",
        "admin2": "",
        "location": r.get("location_name") or "",
        "latitude": f"{r['lat']:.4f}" if r.get("lat") is not None else "",
        "longitude": f"{r['lon']:.4f}" if r.get("lon") is not None else "",
        "geo_precision": r.get("geo_precision") or "",
        "source": "; ".join(r.get("sources") or []),
        "source_scale": source_scale(r.get("sources") or []) if r.get("sources") else "",
        "notes": notes(r),
        "fatalities": r.get("fatalities") or 0,
        "tags": "",
        "timestamp": int(ts.replace(tzinfo=UTC).timestamp()) if isinstance(ts, datetime)
        else "",
    }


# -- writers --------------------------------------------------------------------------------

PLAIN_COLUMNS = [
    "id", "article_id", "event_id", "cluster_id", "event_type", "sub_event_type", "actor1_name",
    "actor1_country", "actor1_kind", "actor2_name", "actor2_country", "actor2_kind",
    "location_name", "geonameid", "country", "admin1", "lat", "lon", "geo_precision",
    "date_start", "date_end", "date_precision", "fatalities", "claimed_by", "claim_id", "channel",
    "confidence", "sources", "article_url", "article_title", "published", "evidence",
]


def _plain(r: dict[str, Any]) -> dict[str, Any]:
    out = {k: r.get(k) for k in PLAIN_COLUMNS}
    for k, v in out.items():
        if isinstance(v, date):
            out[k] = v.isoformat()
    return out


def _flat(v: Any) -> Any:
    if isinstance(v, list):
        return " | ".join(str(x) for x in v)
    return "" if v is None else v


def export(store: Store, out: IO[str] | IO[bytes] | str | Path, *, fmt: str,
           filters: EventFilter | None = None) -> int:
    """Write the matching events to ``out`` (a text stream, or a path for parquet); return count."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    f = filters or EventFilter()
    rows = iter_events(store, f)
    if fmt == "parquet":
        return _parquet(rows, out)
    if isinstance(out, (str, Path)):
        with open(out, "w", encoding="utf-8", newline="") as fh:
            return _write_text(rows, fh, fmt=fmt)
    return _write_text(rows, out, fmt=fmt)  # type: ignore[arg-type]


def _write_text(rows: Iterator[dict[str, Any]], stream: IO[str], *, fmt: str) -> int:
    n = 0
    if fmt in ("acled-csv", "csv"):
        cols = ACLED_COLUMNS if fmt == "acled-csv" else PLAIN_COLUMNS
        w = csv.DictWriter(stream, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow(acled_row(r) if fmt == "acled-csv"
                       else {k: _flat(v) for k, v in _plain(r).items()})
            n += 1
    elif fmt == "json":
        stream.write("[")
        for r in rows:
            stream.write(("," if n else "") + "\n" + json.dumps(_plain(r), ensure_ascii=False))
            n += 1
        stream.write("\n]\n")
    elif fmt == "geojson":
        stream.write('{"type": "FeatureCollection", "features": [')
        for r in rows:
            p = _plain(r)
            geom = ({"type": "Point", "coordinates": [r["lon"], r["lat"]]}
                    if r.get("lat") is not None and r.get("lon") is not None else None)
            feat = {"type": "Feature", "id": p["id"], "geometry": geom, "properties": p}
            stream.write(("," if n else "") + "\n" + json.dumps(feat, ensure_ascii=False))
            n += 1
        stream.write("\n]}\n")
    else:
        raise ValueError(f"unknown export format {fmt!r}; choose from {', '.join(FORMATS)}")
    return n


def _parquet(rows: Iterator[dict[str, Any]], out: Any) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    from .arrow import export_schema

    schema = export_schema(PLAIN_COLUMNS)
    n = 0
    with pq.ParquetWriter(out, schema) as writer:
        chunk: list[dict[str, Any]] = []
        for r in rows:
            chunk.append({k: r.get(k) for k in PLAIN_COLUMNS})
            if len(chunk) >= 10_000:
                writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
                n += len(chunk)
                chunk = []
        if chunk or n == 0:
            writer.write_table(pa.Table.from_pylist(chunk, schema=schema))
            n += len(chunk)
    return n


def to_string(store: Store, *, fmt: str, filters: EventFilter | None = None) -> str:
    """Convenience for tests and notebooks: the export as a string (not parquet)."""
    buf = io.StringIO()
    export(store, buf, fmt=fmt, filters=filters)
    return buf.getvalue()


__all__ = ["ACLED_COLUMNS", "FORMATS", "PLAIN_COLUMNS", "acled_row", "export", "iter_events",
           "notes", "source_scale", "to_string"]
