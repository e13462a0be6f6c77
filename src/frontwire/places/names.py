"""How a place name becomes a lookup key: normalized, folded, hashed.

Owns the key functions the gazetteer is built and queried with (``normalize``, ``fold``,
``key_hash``) and ``is_latin``; the index stores hashes of these keys, so a change here changes
what every lookup finds (the index fingerprint covers this file and ``data/transliteration.yaml``,
where the letter and fold rules are). Imports only the data loader of frontwire.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from .. import data
from ..errors import DataFileError

_RULES = "transliteration.yaml"
_TRANS = str.maketrans({str(k): str(v) for k, v in data.section(_RULES, "letters").items()})
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




def _pairs(key: str) -> tuple[tuple[str, str], ...]:
    pairs = data.section(_RULES, key, kind=list)
    if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(x, str) for x in p)
               for p in pairs):
        raise DataFileError(f"key {key!r} must list [from, to] pairs of letters",
                            origin=f"data/{_RULES}")
    return tuple((a, b) for a, b in pairs)


_FOLD_PAIRS = _pairs("fold_pairs")
_AFTER_COLLAPSE = _pairs("after_collapse")
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
    for old, new in _AFTER_COLLAPSE:
        out = out.replace(old, new)
    return out


def key_hash(key: str) -> int:
    """Stable 64-bit hash of a key: the index stores hashes, not strings, so it loads fast."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "little")
