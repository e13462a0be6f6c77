"""The REST API (FastAPI): ``create_app(db_path, token=None)``; run with ``frontwire serve``.

``app`` is the factory (settings, store, middleware, error handlers, the page), ``errors`` the
one error shape and its OpenAPI declarations, ``params`` the parameters and the service the
routes share, ``routes`` one router per resource. The API may import the store, the record, the
readers and the pipeline; never jobs or the CLI (nor do the jobs import it).
"""

from .app import MAX_BODY, create_app

__all__ = ["MAX_BODY", "create_app"]
