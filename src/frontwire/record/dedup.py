"""Near-duplicate articles: syndicated wire copy and lightly edited reprints, stored once.

Method (MinHash LSH, as datasketch implements it): the cleaned text becomes a set of word
shingles (``SHINGLE`` words each, lower-cased); a MinHash signature of ``NUM_PERM`` values
estimates the Jaccard similarity of two such sets. For finding candidates without comparing
with every stored article, the signature is cut into ``b`` bands of ``r`` values (datasketch
picks ``b`` and ``r`` for the threshold); two articles that agree on all values of any one band
are candidates. The band keys live in the store (``article_lsh``), so the index survives the
process and every process (ingest, API) sees the same one; candidates are then checked with
their stored signatures against ``threshold``.

A near-duplicate is not stored again: its outlet, URL, title and date are added to the stored
article's ``article_sources`` (its article group), with the similarity that matched it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any

import numpy as np
from datasketch import MinHash, MinHashLSH

from ..model import Result
from ..store.base import Store

NUM_PERM = 128
SHINGLE = 3  # words; short enough that a changed word spoils few shingles
THRESHOLD = 0.5  # estimated Jaccard of shingle sets; wire copy with a new lede stays above it
SEED = 1

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Duplicate:
    """A stored article that a new text nearly repeats."""

    article_id: str
    similarity: float  # estimated Jaccard similarity of the two shingle sets


def shingles(text: str, *, size: int = SHINGLE) -> set[str]:
    """Word ``size``-grams of the lower-cased text (a short text gives itself as one shingle)."""
    words = _WORD.findall(text.lower())
    if len(words) < size:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i:i + size]) for i in range(len(words) - size + 1)}


def signature(text: str, *, num_perm: int = NUM_PERM) -> MinHash:
    """The MinHash of a text's shingles."""
    m = MinHash(num_perm=num_perm, seed=SEED)
    m.update_batch([s.encode("utf-8") for s in shingles(text)])
    return m


@lru_cache(maxsize=8)
def bands(*, threshold: float = THRESHOLD, num_perm: int = NUM_PERM) -> tuple[int, int]:
    """(b, r): the number of bands and rows per band datasketch chooses for ``threshold``."""
    lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
    return lsh.b, lsh.r


def band_keys(hashvalues: np.ndarray, *, threshold: float = THRESHOLD) -> list[tuple[int, int]]:
    """(band, key) pairs: key is a 64-bit hash of the band's signature values."""
    b, r = bands(threshold=threshold, num_perm=len(hashvalues))
    values = np.asarray(hashvalues, dtype=np.uint64)
    out = []
    for i in range(b):
        digest = hashlib.blake2b(values[i * r:(i + 1) * r].tobytes(), digest_size=8).digest()
        out.append((i, int.from_bytes(digest, "little")))
    return out


def find_duplicate(store: Store, text: str, *, threshold: float = THRESHOLD,
                   exclude: str | None = None) -> Duplicate | None:
    """The stored article most similar to ``text`` at or above ``threshold``, if any."""
    m = signature(text)
    if m.is_empty():
        return None
    keys = band_keys(m.hashvalues, threshold=threshold)
    marks = ", ".join("(?, ?)" for _ in keys)
    params: list[Any] = [v for k in keys for v in k]
    cands = store.rows(
        "SELECT DISTINCT h.article_id, h.signature FROM article_lsh l "
        "JOIN article_minhash h ON h.article_id = l.article_id "
        f"WHERE (l.band, l.key) IN ({marks})", params)
    best: Duplicate | None = None
    for c in cands:
        if c["article_id"] == exclude:
            continue
        other = np.asarray(c["signature"], dtype=np.uint64)
        if len(other) != len(m.hashvalues):
            continue
        sim = float(np.mean(other == m.hashvalues))
        if sim >= threshold and (best is None or sim > best.similarity
                                 or (sim == best.similarity and c["article_id"] < best.article_id)):
            best = Duplicate(article_id=c["article_id"], similarity=round(sim, 4))
    return best


def index_result(store: Store, result: Result) -> None:
    """Index a newly stored article (its signature, band keys, first source).

    Called by ``Store.write(..., on_insert=index_result)`` inside the article's transaction, so
    an article is never stored without its index entry. Safe to call again (replaces).
    """
    m = signature(result.text)
    aid = result.id
    store.execute("DELETE FROM article_lsh WHERE article_id = ?", [aid])
    store.execute("DELETE FROM article_minhash WHERE article_id = ?", [aid])
    if not m.is_empty():
        store.execute("INSERT INTO article_minhash VALUES (?, ?, ?)",
                      [aid, len(shingles(result.text)), [int(v) for v in m.hashvalues]])
        keys = band_keys(m.hashvalues)
        store.execute("INSERT INTO article_lsh VALUES " + ", ".join(["(?, ?, ?)"] * len(keys)),
                      [v for b, k in keys for v in (b, k, aid)])
    exists = store.execute("SELECT 1 FROM article_sources WHERE article_id = ? AND seq = 0",
                           [aid]).fetchone()
    if not exists:
        store.execute(
            "INSERT INTO article_sources VALUES (?, 0, ?, ?, ?, ?, NULL, 1.0, ?)",
            [aid, result.source, result.url, result.title, result.published, _now()])


def add_source(store: Store, duplicate: Duplicate, result: Result) -> bool:
    """Record ``result`` as another source of the stored ``duplicate``; False if already there."""
    with store.transaction():
        store.lock(f"sources.{duplicate.article_id}")  # two writers, one seq each
        seen = store.execute(
            "SELECT 1 FROM article_sources WHERE article_id = ? AND duplicate_id = ?",
            [duplicate.article_id, result.id]).fetchone()
        if seen:
            return False
        row = store.execute("SELECT coalesce(max(seq), 0) + 1 FROM article_sources "
                            "WHERE article_id = ?", [duplicate.article_id]).fetchone()
        seq = int(row[0]) if row else 1
        store.execute(
            "INSERT INTO article_sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [duplicate.article_id, seq, result.source, result.url, result.title,
             result.published, result.id, duplicate.similarity, _now()])
        return True


def sources(store: Store, article_id: str) -> list[dict[str, Any]]:
    """Every outlet and URL of a stored article (its group), the stored one first."""
    rows = store.rows("SELECT seq, source, url, title, published, duplicate_id, similarity "
                      "FROM article_sources WHERE article_id = ? ORDER BY seq", [article_id])
    if rows:
        return rows
    a = store.rows("SELECT source, url, title, published FROM articles WHERE id = ?", [article_id])
    return [{"seq": 0, **a[0], "duplicate_id": None, "similarity": 1.0}] if a else []


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


__all__ = [
    "NUM_PERM",
    "SHINGLE",
    "THRESHOLD",
    "Duplicate",
    "add_source",
    "band_keys",
    "bands",
    "find_duplicate",
    "index_result",
    "shingles",
    "signature",
    "sources",
]
