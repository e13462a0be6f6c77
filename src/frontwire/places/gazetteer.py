"""The gazetteer in memory: the compiled index's entries and its lookups by name key.

``Gazetteer`` wraps the flat arrays of one index file (see ``cache``, which builds, stores and
loads it, once per process, through ``load_gazetteer``); ``Entry`` is one entry as the resolver
sees it. Names are looked up by the keys of ``names``. Imports only ``names``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .names import fold, key_hash

FEATURES: tuple[str, ...] = ("country", "admin1", "admin2", "city", "region", "other")


@dataclass(frozen=True, slots=True)
class Entry:
    """One gazetteer entry, as the resolver sees it."""

    index: int
    name: str
    geonameid: int | None
    feature: str
    country: str | None
    admin1: str | None  # the admin1's name
    admin1_index: int  # -1 when unknown
    lat: float | None
    lon: float | None
    population: int
    capital: bool


class Gazetteer:
    """Name lookup over the compiled index. Built by :func:`build`, shared per process."""

    def __init__(self, data: dict[str, Any], *, path: Path | None = None) -> None:
        self.path = path
        # Names stay one UTF-8 blob, decoded per entry asked for: splitting 240k names at
        # load would cost more than reading every array.
        self._blob: bytes = data["names"]
        self._off: np.ndarray = data["name_off"]
        self._gid = data["gid"]
        self._lat = data["lat"]
        self._lon = data["lon"]
        self._pop = data["pop"]
        self._feat = data["feat"]
        self._cc: list[str] = data["cc_table"]
        self._cci = data["cci"]
        self._adm = data["adm"]
        self._cap = data["cap"]
        self._hash, self._ptr, self._ids = data["hash"], data["ptr"], data["ids"]
        self._fhash, self._fptr, self._fids = data["fhash"], data["fptr"], data["fids"]
        self.abbreviations: dict[str, tuple[int, ...]] = data["abbrev"]
        self.sources: dict[str, Any] = data["sources"]
        self.max_tokens: int = data["max_tokens"]

    def __len__(self) -> int:
        return len(self._off) - 1

    def _name(self, index: int) -> str:
        return self._blob[int(self._off[index]):int(self._off[index + 1])].decode("utf-8")

    def lookup(self, key: str) -> tuple[int, ...]:
        """Entry indices whose name or alternate name has this normalized key."""
        return _find(self._hash, self._ptr, self._ids, key)

    def lookup_folded(self, key: str) -> tuple[int, ...]:
        """Entry indices whose folded name equals the folded key (spelling variants)."""
        return _find(self._fhash, self._fptr, self._fids, fold(key))

    def entry(self, index: int) -> Entry:
        adm = int(self._adm[index])
        lat = float(self._lat[index])
        gid = int(self._gid[index])
        cci = int(self._cci[index])
        return Entry(
            index=index, name=self._name(index), geonameid=gid if gid > 0 else None,
            feature=FEATURES[int(self._feat[index])], country=self._cc[cci] if cci >= 0 else None,
            admin1=self._name(adm) if adm >= 0 else None, admin1_index=adm,
            lat=None if np.isnan(lat) else round(lat, 5),
            lon=None if np.isnan(lat) else round(float(self._lon[index]), 5),
            population=int(self._pop[index]), capital=bool(self._cap[index]),
        )

    def info(self) -> dict[str, Any]:
        counts = {name: int((self._feat == i).sum()) for i, name in enumerate(FEATURES)}
        return {"path": str(self.path) if self.path else None,
                "bytes": self.path.stat().st_size if self.path and self.path.exists() else None,
                "entries": len(self), "names": len(self._hash), "features": counts,
                "sources": self.sources}


def _find(hashes: np.ndarray, ptr: np.ndarray, ids: np.ndarray, key: str) -> tuple[int, ...]:
    if not key:
        return ()
    h = np.uint64(key_hash(key))
    pos = int(np.searchsorted(hashes, h))
    if pos >= len(hashes) or hashes[pos] != h:
        return ()
    return tuple(int(i) for i in ids[ptr[pos]:ptr[pos + 1]])
