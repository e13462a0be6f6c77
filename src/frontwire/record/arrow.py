"""Arrow schemas of the record's Parquet files: the ``frontwire batch`` partitions and
``frontwire export --format parquet``.

One way to spell a column: a Python type, mapped to Arrow by ``arrow_type`` (str -> string,
int -> int64, ``Int32`` -> int32, float -> float64, bool, date -> date32, a tuple or list ->
list, a record -> struct). The partitions of places, times, claims, events and rejections take
their columns from the model's records, so a field added there is a column here; the articles
partition and the export declare theirs. pyarrow is imported only when a schema is built.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterable
from dataclasses import fields
from datetime import date
from typing import Any, NewType

from ..model import Claim, Event, Place, Rejection, TimeSpan

Int32 = NewType("Int32", int)  # an integer the database keeps as INTEGER (export columns)

# The partitions of a batch, in the order they are written.
TABLES = ("articles", "places", "times", "claims", "events", "rejections")

# One row per item of a Result's list, under (article_id, seq), in that record's columns.
ITEM_RECORDS: dict[str, type] = {"places": Place, "times": TimeSpan, "claims": Claim,
                                 "events": Event}

ARTICLE_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("id", str), ("url", str), ("title", str), ("source", str), ("published", date),
    ("language", str), ("origin", str), ("model", str), ("n_places", int), ("n_times", int),
    ("n_claims", int), ("n_events", int), ("text", str), ("result_json", str),
)

# The export's columns that are not strings (export.PLAIN_COLUMNS names them all, in order).
EXPORT_TYPES: dict[str, Any] = {
    "geonameid": int, "lat": float, "lon": float, "geo_precision": Int32,
    "date_start": date, "date_end": date, "fatalities": Int32, "confidence": float,
    "sources": list[str], "published": date, "evidence": list[str],
}


def arrow_type(hint: Any) -> Any:
    """The Arrow type of a Python type hint (``X | None`` is X: every column is nullable)."""
    import pyarrow as pa

    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(hint) if a is not type(None)]
        return arrow_type(args[0])
    if origin is typing.Literal or hint is str:
        return pa.string()
    if origin in (tuple, list):
        return pa.list_(arrow_type(typing.get_args(hint)[0]))
    simple = {int: pa.int64(), Int32: pa.int32(), float: pa.float64(), bool: pa.bool_(),
              date: pa.date32()}
    if hint in simple:
        return simple[hint]
    if isinstance(hint, type) and hasattr(hint, "__dataclass_fields__"):
        return pa.struct([pa.field(n, arrow_type(t)) for n, t in record_columns(hint)])
    raise TypeError(f"no Arrow type for {hint!r}")


def record_columns(cls: type) -> list[tuple[str, Any]]:
    """A record's fields with their (resolved) type hints, in field order."""
    hints = typing.get_type_hints(cls)
    return [(f.name, hints[f.name]) for f in fields(cls)]


def schema(columns: Iterable[tuple[str, Any]]) -> Any:
    """An Arrow schema of ``(name, Python type)`` columns."""
    import pyarrow as pa

    return pa.schema([pa.field(n, arrow_type(t)) for n, t in columns])


def partition_schema(table: str) -> Any:
    """The schema of one of the ``TABLES`` a batch writes per shard."""
    if table == "articles":
        return schema(ARTICLE_COLUMNS)
    if table == "rejections":
        return schema(record_columns(Rejection))
    return schema([("article_id", str), ("seq", int), *record_columns(ITEM_RECORDS[table])])


def export_schema(columns: Iterable[str]) -> Any:
    """The schema of an events export with these columns (strings unless ``EXPORT_TYPES``)."""
    return schema((c, EXPORT_TYPES.get(c, str)) for c in columns)


__all__ = ["ARTICLE_COLUMNS", "EXPORT_TYPES", "ITEM_RECORDS", "TABLES", "Int32", "arrow_type",
           "export_schema", "partition_schema", "record_columns", "schema"]
