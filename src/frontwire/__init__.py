"""frontwire: war and conflict reporting in, a traceable event record out.

    >>> import frontwire
    >>> from datetime import date
    >>> result = frontwire.extract(text, published=date(2023, 1, 4))   # doctest: +SKIP
    >>> result.places, result.times, result.claims, result.events       # doctest: +SKIP

For many articles build one ``Pipeline`` and call ``process`` (batches, a Rejection for
each input that cannot be processed) or ``extract`` per text.
"""

from importlib import metadata as _metadata

from .model import (
    Actor,
    Article,
    Claim,
    Entity,
    Event,
    Evidence,
    Location,
    Place,
    Rejection,
    Removal,
    Result,
    TimeSpan,
)

# The one version string is pyproject.toml's; the installed package metadata carries it.
try:
    __version__ = _metadata.version("frontwire")
except _metadata.PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0+unknown"


def __getattr__(name: str) -> object:
    # ``Pipeline`` and ``extract`` import spaCy and every stage; loading them on first use keeps
    # ``import frontwire`` (and so ``frontwire --help`` or ``frontwire events --db``) light.
    if name in ("Pipeline", "extract"):
        from . import pipeline

        return getattr(pipeline, name)
    raise AttributeError(f"module 'frontwire' has no attribute {name!r}")

__all__ = [
    "Actor", "Article", "Claim", "Entity", "Event", "Evidence", "Location", "Pipeline", "Place",
    "Rejection", "Removal", "Result", "TimeSpan", "__version__", "extract",
]
