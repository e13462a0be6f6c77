"""Domain knowledge as data: the YAML files beside this module, read through one loader.

Triggers, actors, speech cues, channels, place and time words, cleaning rules and the record's
settings live here so that an analyst can read and extend them without touching Python. Every
stage reads its file through ``load`` (parsed once per process) and checks what it needs with
``section``/``words``, so a mistake in a file stops with one line naming the file and the key.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

import yaml

from ..errors import DataFileError

__all__ = ["load", "parse", "section", "text", "words"]


def text(name: str) -> str:
    """The raw text of a data file (for hashing into cache keys)."""
    try:
        return resources.files(__name__).joinpath(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise DataFileError(f"cannot be read ({exc.strerror or exc}); reinstall frontwire",
                            origin=f"data/{name}") from exc


@functools.cache
def load(name: str) -> dict[str, Any]:
    """The parsed mapping of ``data/<name>`` (shared: read it, never change it)."""
    return parse(name, text(name))


def parse(name: str, source: str) -> dict[str, Any]:
    """``source`` parsed as the data file ``name``: a mapping, or one line naming the fault."""
    try:
        raw = yaml.safe_load(source)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise DataFileError(f"is not valid YAML{where}: {getattr(exc, 'problem', exc)}",
                            origin=f"data/{name}") from exc
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise DataFileError("must be a mapping of keys at its top level", origin=f"data/{name}")
    return raw


def section(name: str, *path: str, kind: type = dict) -> Any:
    """``load(name)[path[0]][path[1]]...``, checked to exist and to be of ``kind``."""
    value: Any = load(name)
    for i, key in enumerate(path):
        if not isinstance(value, dict) or key not in value:
            raise DataFileError(f"has no key {'.'.join(path[:i + 1])!r}", origin=f"data/{name}")
        value = value[key]
    if not isinstance(value, kind):
        raise DataFileError(f"key {'.'.join(path)!r} must be a {kind.__name__}, not "
                            f"{type(value).__name__}", origin=f"data/{name}")
    return value


def words(name: str, *path: str, lower: bool = True) -> frozenset[str]:
    """A list of words under ``path`` as a set (lower-cased unless ``lower=False``)."""
    items = section(name, *path, kind=list)
    bad = [x for x in items if not isinstance(x, str)]
    if bad:
        raise DataFileError(f"key {'.'.join(path)!r} holds non-words {bad}; quote words YAML "
                            f"reads as numbers or booleans", origin=f"data/{name}")
    return frozenset(w.lower() if lower else w for w in items)
