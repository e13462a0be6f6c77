"""Readers: text, HTML, JSON Lines, directories and stdin -> Article (or Rejection)."""

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
