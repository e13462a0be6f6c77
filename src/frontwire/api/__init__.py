"""The REST API (FastAPI): ``create_app(db_path, token=None)``; run with ``frontwire serve``."""

from .app import MAX_BODY, create_app

__all__ = ["MAX_BODY", "create_app"]
