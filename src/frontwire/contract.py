"""The JSON output contract: the shipped JSON Schema and validation against it."""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import jsonschema


@functools.lru_cache(maxsize=1)
def output_schema() -> dict[str, Any]:
    """The JSON Schema of one article record (``schema/output.schema.json``)."""
    text = resources.files("frontwire.schema").joinpath("output.schema.json").read_text("utf-8")
    return json.loads(text)


def validate(record: dict[str, Any]) -> None:
    """Raise ``jsonschema.ValidationError`` if ``record`` breaks the contract.

    Beyond the schema, every span must point into ``text`` with matching text.
    """
    jsonschema.validate(record, output_schema(), format_checker=jsonschema.FormatChecker())
    text = record["text"]
    for kind in ("entities", "places", "times", "claims"):
        for item in record[kind]:
            if text[item["start"]:item["end"]] != item["text"]:
                raise jsonschema.ValidationError(
                    f"{kind} span {item['start']}:{item['end']} does not hold {item['text']!r}")
    for event in record["events"]:
        for ev in event["evidence"]:
            if text[ev["start"]:ev["end"]] != ev["text"]:
                raise jsonschema.ValidationError(
                    f"evidence span {ev['start']}:{ev['end']} does not hold {ev['text']!r}")
