"""Bytes to text, honouring what the bytes say they are.

Order (as browsers do, WHATWG "encoding sniffing"): a byte-order mark; the charset of the HTTP
``Content-Type`` header (feeds' fetched pages, WARC records); an HTML ``<meta charset>`` or
``<meta http-equiv="Content-Type">`` (or an XML declaration) near the top of an HTML page;
strict UTF-8; a statistical detector (charset_normalizer); cp1252. Ukrainian and Russian
sources still serve Windows-1251 and KOI8 pages, so guessing "UTF-8 or Western" garbles them.

trafilatura, given bytes, ignores the header and the meta tag and only guesses; w3lib (Scrapy's
encoding helpers) parses the header and meta declarations and maps labels the WHATWG way
(``latin1`` is cp1252, ``utf-7`` is refused), so it is used for that part rather than regexes.
A declaration the bytes do not fit (a stale ``<meta charset=utf-8>`` on a cp1251 page) is
passed over for the next step instead of producing replacement characters.
"""

from __future__ import annotations

import codecs

from ..errors import BinaryInput, EmptyInput

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters other than tab, newline, carriage return and form feed.
_CONTROL = set(range(9)) | {11} | set(range(14, 32))
_WIDE = ("utf-16", "utf-32")  # declared wide encodings have NULs: not a sign of binary
_DETECT_BYTES = 65536  # the detector looks at the start; the whole text is then decoded


def decode_bytes(data: bytes, *, origin: str, content_type: str | None = None,
                 html: bool | None = None) -> str:
    """Decode an input's bytes, refusing binary and empty input with a clear message.

    ``content_type`` is an HTTP Content-Type header value, when the bytes came over HTTP.
    ``html``: True scans for a ``<meta>`` charset, False does not (JSON Lines: JSON is UTF-8,
    and a meta tag inside a record's html field says nothing about the file), None scans
    when the bytes start like markup.
    """
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise BinaryInput(f"starts with a {encoding} byte-order mark but does not decode "
                              f"({exc.reason}); re-save it as UTF-8", origin=origin) from exc
    else:
        declared = _declared(data, content_type, html)
        if not any(enc.startswith(_WIDE) for enc in declared):
            _refuse_binary(data, origin)
        text = _decode_undeclared(data, declared)
    if not text.strip():
        raise EmptyInput("is empty; nothing to extract", origin=origin)
    return text


def _refuse_binary(data: bytes, origin: str) -> None:
    sample = data[:65536]
    if b"\x00" in sample or sum(b in _CONTROL for b in sample) > max(8, len(sample) // 100):
        raise BinaryInput("looks like a binary file, not text; pass a .txt, .html or .jsonl "
                          "article", origin=origin)


def _declared(data: bytes, content_type: str | None, html: bool | None) -> list[str]:
    """Encodings the transport and the document declare, strongest first (Python names)."""
    from w3lib.encoding import html_body_declared_encoding, http_content_type_encoding

    out = []
    if content_type:
        enc = http_content_type_encoding(content_type)
        if enc:
            out.append(enc)
    if html or (html is None and data.lstrip()[:1] == b"<"):
        enc = html_body_declared_encoding(data)
        if enc:
            out.append(enc)
    return [_prefer(e) for e in out]


def _prefer(encoding: str) -> str:
    """KOI8-R read as KOI8-U: the same Russian letters, and Ukrainian і ї є ґ where KOI8-R has
    box-drawing characters no news text uses, so Ukrainian pages labelled koi8-r (and the
    detector's koi8-r guess for Ukrainian) come out right."""
    name = codecs.lookup(encoding).name
    return "koi8-u" if name == "koi8-r" else name


def _decode_undeclared(data: bytes, declared: list[str]) -> str:
    for enc in [*declared, "utf-8"]:
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
    guess = _detect(data)
    if guess:
        try:
            return data.decode(guess)
        except (UnicodeDecodeError, LookupError):
            pass
    # cp1252 is what "latin-1" pages really are; latin-1 itself decodes any byte.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _detect(data: bytes) -> str | None:
    """The detector's best single-byte or CJK guess for undeclared, non-UTF-8 bytes."""
    from charset_normalizer import from_bytes

    best = from_bytes(data[:_DETECT_BYTES]).best()
    if best is None or best.encoding in ("ascii", "utf_8"):
        return None
    return _prefer(best.encoding)
