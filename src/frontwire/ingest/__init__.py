"""Readers: text, HTML, JSON Lines, directories and stdin -> Article (or Rejection).

Owns reading and decoding inputs (``decode``, ``readers``, ``warc``) into ``Article`` records.
May import ``model``, ``errors``, ``config``; never another stage, the store, the record, jobs, the
API or the CLI.
"""

from .decode import decode_bytes
from .readers import (
    article_from_html,
    article_from_text,
    expand_paths,
    parse_date,
    read_document,
    read_inputs,
    read_jsonl,
)

__all__ = [
    "article_from_html", "article_from_text", "decode_bytes", "expand_paths", "parse_date",
    "read_document", "read_inputs", "read_jsonl",
]
