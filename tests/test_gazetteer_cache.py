"""The gazetteer's cache file is data only: whatever lies in the cache dir is rebuilt, never run.

The cache dir may be writable by someone else (a shared home, a CI cache). These tests put
garbage, a truncated index, a pickle that would create a marker file when unpickled, and an
.npz carrying such a pickle in an object array where the index belongs; each time the index
is rebuilt and the marker never appears. They use the small ``bundled=False`` index.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

import numpy as np
import pytest

from frontwire.places import cache as gz
from frontwire.places.names import normalize


class _Planted:
    """Unpickling this opens (creates) the marker file: proof that code ran."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self):  # type: ignore[no-untyped-def]
        return (open, (str(self.marker), "w"))


def _small_path(cache: Path) -> Path:
    return gz.index_path(cache).with_name("imports-only-" + gz.index_path(cache).name)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, bytes]:
    """A cache dir with a freshly built small index, and that index's bytes."""
    cache = tmp_path_factory.mktemp("gazcache")
    g = gz.ensure_index(cache, bundled=False)
    assert g.lookup(normalize("Ukraine"))
    return cache, _small_path(cache).read_bytes()


def _check_rebuilt(cache: Path, marker: Path) -> None:
    g = gz.ensure_index(cache, bundled=False)
    ua = [g.entry(i) for i in g.lookup(normalize("Ukraine"))]
    assert any(e.feature == "country" and e.country == "UA" for e in ua)
    assert not marker.exists()
    with np.load(_small_path(cache), allow_pickle=False) as npz:  # a real index again
        assert "hash" in npz.files
    assert not list(cache.glob(".gazetteer-*.tmp"))  # written via a temp file, renamed


def test_index_is_npz_without_pickles_and_loads(built) -> None:
    cache, data = built
    assert data[:4] == b"PK\x03\x04"  # a zip of .npy members
    with np.load(_small_path(cache), allow_pickle=False) as npz:
        for name in npz.files:
            assert npz[name].dtype != object
    g = gz.open_index(_small_path(cache))
    entries = [g.entry(i) for i in range(len(g))]  # every name decodes from the blob
    assert len(entries) > 200 and all(e.name for e in entries)
    assert "Ukraine" in {g.entry(i).name for i in g.lookup(normalize("Ukraine"))}


def test_pickle_planted_as_the_index_is_never_unpickled(built, tmp_path: Path) -> None:
    cache, _ = built
    payload = pickle.dumps(_Planted(tmp_path / "marker"))
    control = tmp_path / "control"
    pickle.loads(pickle.dumps(_Planted(control)))  # the payload really would run code
    assert control.exists()
    _small_path(cache).write_bytes(payload)
    _check_rebuilt(cache, tmp_path / "marker")


def test_npz_smuggling_a_pickle_is_rebuilt(built, tmp_path: Path) -> None:
    cache, _ = built
    marker = tmp_path / "marker"
    with _small_path(cache).open("wb") as fh:
        np.savez(fh, names=np.array([_Planted(marker)], dtype=object))
    with pytest.raises(gz.CorruptIndex):
        gz.open_index(_small_path(cache))
    _check_rebuilt(cache, marker)


@pytest.mark.parametrize("damage", ["garbage", "truncated", "empty", "foreign-npz"])
def test_damaged_index_is_rebuilt(built, tmp_path: Path, damage: str) -> None:
    cache, good = built
    path = _small_path(cache)
    if damage == "garbage":
        path.write_bytes(os.urandom(4096))
    elif damage == "truncated":
        path.write_bytes(good[: len(good) // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    else:  # a valid .npz of the right names whose arrays do not fit together
        with np.load(path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        arrays["ids"] = arrays["ids"] + 10_000_000  # would index past the entries
        with path.open("wb") as fh:
            np.savez(fh, **arrays)
    with pytest.raises(gz.CorruptIndex):
        gz.open_index(path)
    _check_rebuilt(cache, tmp_path / "marker")
    assert path.read_bytes()[:4] == b"PK\x03\x04"


def test_numpy_version_is_part_of_the_key(tmp_path: Path, monkeypatch) -> None:
    before = gz.index_path(tmp_path)
    real = gz.package_version
    monkeypatch.setattr(gz, "package_version",
                        lambda pkg: "0.0-other" if pkg == "numpy" else real(pkg))
    assert gz.index_path(tmp_path) != before


def test_old_pickle_index_is_removed_not_read(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    stale = tmp_path / "imports-only-gazetteer-0123456789abcdef.pkl"
    stale.write_bytes(pickle.dumps(_Planted(marker)))
    gz.ensure_index(tmp_path, bundled=False)
    assert not stale.exists() and not marker.exists()
