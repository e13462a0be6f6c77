"""One router per resource: events, articles (GET and the token-gated POST), places, claims,
stats. ``ROUTERS`` is their order in the OpenAPI document.

Routes reach the store and settings through ``params.ServiceDep`` and answer errors by raising
``frontwire.errors`` classes (the app's handlers shape them); they may import the store, the
record, the readers and the pipeline, never the CLI or the jobs.
"""

from . import articles, claims, events, places, stats

ROUTERS = (events.router, articles.router, places.router, claims.router, stats.router)

__all__ = ["ROUTERS"]
