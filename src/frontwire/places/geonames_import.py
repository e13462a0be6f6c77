"""Import official GeoNames dumps so users with internet get village-level coverage.

Accepted files (plain or zipped, recognised by their columns, not their names):

* the geoname table: ``allCountries``, a country file such as ``UA.txt``,
  ``cities500/1000/5000/15000`` (19 tab-separated columns). Populated places (class P),
  first- and second-level divisions (ADM1, ADM2) and regions (L.RGN) are kept;
* ``admin1CodesASCII.txt`` (``UA.05 <tab> Donetsk <tab> Donetsk <tab> 709716``);
* ``alternateNamesV2.txt`` or ``alternateNames.txt`` (optional; Latin-script names only).

Malformed lines are skipped and counted, never a crash. What is kept is written as small
TSV files under ``<cache>/gazetteer-imports/``; the gazetteer fingerprint covers them, so the
next load rebuilds the index with them. Importing the same file twice replaces it.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ..errors import GazetteerFormatError, MissingInput

GEONAME_COLUMNS = 19
KEPT_CODES = {"ADM1": "admin1", "ADM2": "admin2", "RGN": "region"}
# alternateNames "languages" that are codes or links, not names
_NOT_NAMES = {"link", "post", "iata", "icao", "faac", "abbr", "wkdt", "unlc", "tcid", "fr_1793"}
_ADMIN1_KEY = re.compile(r"^[A-Z]{2}\.[0-9A-Z]+$")


@dataclass
class ImportReport:
    """What one file gave: rows read, kept, skipped as malformed, and its kind."""

    path: str
    kind: str
    rows: int = 0
    kept: int = 0
    malformed: int = 0
    stored: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (f"{self.path}: {self.kind}, {self.rows} rows, {self.kept} kept, "
                f"{self.malformed} malformed lines skipped")


def _open_texts(path: Path) -> Iterator[tuple[str, TextIO]]:
    """Yield (member name, text stream) for a plain file or each .txt inside a zip."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            for info in zf.infolist():
                name = info.filename
                if info.is_dir() or not name.endswith(".txt") or "readme" in name.lower():
                    continue
                with zf.open(info) as raw:
                    yield name, io.TextIOWrapper(raw, encoding="utf-8", errors="replace")
        return
    with path.open(encoding="utf-8", errors="replace") as fh:
        yield path.name, fh


def _kind(first_lines: list[str]) -> str:
    for line in first_lines:
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.rstrip("\n").split("\t")
        if len(cols) == GEONAME_COLUMNS:
            return "geonames"
        if len(cols) == 4 and _ADMIN1_KEY.match(cols[0]):
            return "admin1"
        if len(cols) in (8, 10) and cols[0].isdigit() and cols[1].isdigit():
            return "altnames"
    return "unknown"


def _float(value: str, low: float, high: float) -> float:
    x = float(value)
    if not low <= x <= high:
        raise ValueError(value)
    return x


def imports_dir(cache_dir: str | os.PathLike[str]) -> Path:
    """Where imported GeoNames rows are kept, beside the index in the cache dir."""
    return Path(cache_dir) / "gazetteer-imports"


def import_files(paths: list[str | os.PathLike[str]], *, cache_dir: str | os.PathLike[str]
                 ) -> list[ImportReport]:
    """Import GeoNames files into the cache; returns one report per file (or zip member)."""
    out_dir = imports_dir(cache_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    reports = []
    for p in paths:
        path = Path(p)
        if not path.is_file():
            raise MissingInput(f"no such file: {path}; download GeoNames dumps from the GeoNames "
                             "export site (for example UA.zip) and pass their path")
        for member, stream in _open_texts(path):
            head: list[str] = []
            for line in stream:
                head.append(line)
                if len(head) >= 20:
                    break
            kind = _kind(head)
            label = f"{path}:{member}" if member != path.name else str(path)
            if kind == "unknown":
                raise GazetteerFormatError(
                    f"{label}: not a GeoNames geoname table, admin1CodesASCII or alternateNames "
                    "file (expected tab-separated columns)")
            report = ImportReport(path=label, kind=kind)
            lines = _chain(head, stream)
            stem = re.sub(r"[^A-Za-z0-9_.-]", "_", f"{path.stem}-{Path(member).stem}")
            target = out_dir / f"{stem}.{kind}.tsv"
            tmp = target.with_suffix(".tmp")
            with tmp.open("w", encoding="utf-8", newline="") as fh:
                writer = csv.writer(fh, delimiter="\t", lineterminator="\n",
                                    quoting=csv.QUOTE_NONE, escapechar="\\")
                {"geonames": _geonames, "admin1": _admin1, "altnames": _altnames}[kind](
                    lines, writer, report)
            os.replace(tmp, target)
            report.stored.append(str(target))
            reports.append(report)
    return reports


def _chain(head: list[str], rest: TextIO) -> Iterator[str]:
    yield from head
    yield from rest


def _geonames(lines: Iterator[str], writer: Any, report: ImportReport) -> None:
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        report.rows += 1
        cols = line.rstrip("\n").split("\t")
        try:
            if len(cols) != GEONAME_COLUMNS:
                raise ValueError("columns")
            gid = int(cols[0])
            lat = _float(cols[4], -90, 90)
            lon = _float(cols[5], -180, 180)
            pop = int(cols[14] or 0)
            name = cols[1].strip()
            if not name or len(cols[8]) not in (0, 2):
                raise ValueError("name or country")
        except ValueError:
            report.malformed += 1
            continue
        fclass, fcode = cols[6], cols[7]
        if fclass == "P":
            feature = "city"
        elif fcode in KEPT_CODES and fclass in ("A", "L"):
            feature = KEPT_CODES[fcode]
        else:
            continue
        report.kept += 1
        writer.writerow([gid, name, lat, lon, feature, cols[8], cols[10], pop, cols[3]])


def _admin1(lines: Iterator[str], writer: Any, report: ImportReport) -> None:
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        report.rows += 1
        cols = line.rstrip("\n").split("\t")
        if len(cols) != 4 or not _ADMIN1_KEY.match(cols[0]) or not cols[1].strip() \
                or not cols[3].strip().isdigit():
            report.malformed += 1
            continue
        report.kept += 1
        writer.writerow([cols[0], cols[1].strip(), cols[2].strip(), int(cols[3])])


def _altnames(lines: Iterator[str], writer: Any, report: ImportReport) -> None:
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        report.rows += 1
        cols = line.rstrip("\n").split("\t")
        if len(cols) < 4 or not cols[1].isdigit() or not cols[3].strip():
            report.malformed += 1
            continue
        if cols[2] in _NOT_NAMES:
            continue
        report.kept += 1
        writer.writerow([int(cols[1]), cols[3].strip()])


def read_stored(folder: Path) -> dict[str, Any]:
    """Everything imported so far, in the shapes the gazetteer builder expects."""
    out: dict[str, Any] = {"places": [], "admin1": {}, "admin1_points": {},
                           "altnames": defaultdict(list)}
    if not folder.is_dir():
        return out
    for f in sorted(folder.glob("*.tsv")):
        with f.open(encoding="utf-8", newline="") as fh:
            rows = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\")
            if f.name.endswith(".geonames.tsv"):
                for gid, name, lat, lon, feature, cc, adm1, pop, alts in rows:
                    if feature == "admin1" and cc and adm1:
                        out["admin1"][(cc, adm1)] = (name, int(gid))
                        out["admin1_points"][(cc, adm1)] = (float(lat), float(lon))
                        out["altnames"][int(gid)].extend(a for a in alts.split(",") if a)
                        continue
                    out["places"].append({
                        "geonameid": int(gid), "name": name, "latitude": float(lat),
                        "longitude": float(lon), "feature": feature, "countrycode": cc,
                        "admin1code": adm1, "population": int(pop),
                        "alternatenames": [a for a in alts.split(",") if a]})
            elif f.name.endswith(".admin1.tsv"):
                for key, name, _ascii, gid in rows:
                    cc, code = key.split(".", 1)
                    out["admin1"][(cc, code)] = (name, int(gid))
            elif f.name.endswith(".altnames.tsv"):
                for gid, name in rows:
                    out["altnames"][int(gid)].append(name)
    return out
