"""Stores: an embedded DuckDB file, or a PostgreSQL server for teams; one schema, one API.

``open_store(target)`` picks the engine from the target: a ``postgresql://`` (or
``postgres://``) URL opens the server, anything else is a DuckDB file path. PostgreSQL needs
the psycopg package (a dependency of frontwire).

Owns the engines (``duckdb``, ``postgres`` over ``base``), the schema and its migrations, and the
read queries (``queries``, ``filters``: the one event filter builder). May import ``model``,
``errors``, ``config``; never a stage, the pipeline, the record, jobs, the API or the CLI.
"""

from __future__ import annotations

from pathlib import Path

from .base import Reader, Store
from .duckdb import DuckDBStore
from .queries import list_articles, list_claims, list_events, list_places, list_sources


def is_postgres_url(target: object) -> bool:
    """Whether ``target`` names a PostgreSQL server rather than a DuckDB file."""
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def describe(target: str | Path) -> str:
    """How to name a database in messages: the full file path, or the URL without password."""
    if is_postgres_url(target):
        from .postgres import display_url
        return display_url(str(target))
    return str(Path(target).resolve())


def open_store(target: str | Path, *, read_only: bool = False) -> Store:
    """Open (and create or migrate, unless read-only) a frontwire database.

    ``target`` is a DuckDB file path or a ``postgresql://user@host/db`` URL.
    """
    if is_postgres_url(target):
        from .postgres import PostgresStore  # psycopg loads only when a server is used
        return PostgresStore(str(target), read_only=read_only)
    return DuckDBStore(target, read_only=read_only)


__all__ = ["DuckDBStore", "Reader", "Store", "describe", "is_postgres_url", "list_articles", "list_claims",
           "list_events", "list_places", "list_sources", "open_store"]
