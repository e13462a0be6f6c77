"""Bytes to text: BOMs, UTF-8, then the legacy encodings news sites still serve."""

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
_CONTROL = set(range(0, 9)) | {11} | set(range(14, 32))


def decode_bytes(data: bytes, *, origin: str) -> str:
    """Decode an input file's bytes, refusing binary and empty input with a clear message."""
    encoding = next((enc for bom, enc in _BOMS if data.startswith(bom)), None)
    if encoding:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise BinaryInput(f"starts with a {encoding} byte-order mark but does not decode "
                              f"({exc.reason}); re-save it as UTF-8", origin=origin) from exc
    else:
        sample = data[:65536]
        if b"\x00" in sample or sum(b in _CONTROL for b in sample) > max(8, len(sample) // 100):
            raise BinaryInput("looks like a binary file, not text; pass a .txt, .html or .jsonl "
                              "article", origin=origin)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            # cp1252 is what "latin-1" pages really are; latin-1 itself decodes any byte.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
    if not text.strip():
        raise EmptyInput("is empty; nothing to extract", origin=origin)
    return text
