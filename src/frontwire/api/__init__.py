"""The REST API (FastAPI): ``create_app(db_path, token=None)``; run with ``frontwire serve``.

Owns the HTTP interface over a store: read endpoints, ``POST /articles`` (through the record's
one path), error bodies, the map page. May import the store, the record, the pipeline, ``ingest``;
never jobs or the CLI.
"""

from .app import MAX_BODY, create_app

__all__ = ["MAX_BODY", "create_app"]
