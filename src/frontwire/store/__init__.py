"""Stores: the embedded DuckDB file (PostgreSQL for teams comes later), same schema."""

from .duckdb import Store, open_store
from .queries import list_articles, list_claims, list_events, list_places, list_sources

__all__ = ["Store", "list_articles", "list_claims", "list_events", "list_places", "list_sources",
           "open_store"]
