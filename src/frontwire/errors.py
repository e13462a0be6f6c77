"""One exception hierarchy with coded messages that say cause and fix.

Library code raises these; only the CLI turns them into a one-line message and an
exit code (and only the API into a JSON body and a status).
"""

from __future__ import annotations


class FrontwireError(Exception):
    """Base class. ``code`` is stable and documented; ``str()`` is one line."""

    code = "FW000"

    def __init__(self, message: str, *, origin: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin

    def __str__(self) -> str:
        where = f"{self.origin}: " if self.origin else ""
        return f"{where}{self.message}"


class InputError(FrontwireError):
    """An input file or record cannot be read as an article."""

    code = "FW100"


class EmptyInput(InputError):
    code = "FW101"


class BinaryInput(InputError):
    code = "FW102"


class NoArticleText(InputError):
    code = "FW103"


class BadRecord(InputError):
    code = "FW104"


class MissingInput(InputError):
    code = "FW105"


class InputTooLarge(InputError):
    code = "FW106"


class FetchError(FrontwireError):
    """A page or feed could not be fetched (after retries), or answered an error status."""

    code = "FW110"


class ModelError(FrontwireError):
    """The spaCy pipeline cannot be loaded."""

    code = "FW200"


class StoreError(FrontwireError):
    """The database cannot be opened or written."""

    code = "FW300"


class StoreLocked(StoreError):
    code = "FW301"


class StoreUnwritable(StoreError):
    code = "FW302"


class SchemaTooNew(StoreError):
    code = "FW303"


class StoreUnreachable(StoreError):
    """The PostgreSQL server cannot be reached, or refuses the login."""

    code = "FW304"


class GoldError(FrontwireError):
    """A gold file for ``frontwire eval`` is malformed."""

    code = "FW400"


class ConfigError(FrontwireError):
    code = "FW500"


class StageError(FrontwireError):
    """A pipeline stage failed on one article (a bug, reported, the batch goes on)."""

    code = "FW900"


# -- faults: dead workers (FW700-FW719), polite fetching that remembers (FW710-FW719) ------


class WorkerDied(FrontwireError):
    """A worker process of ``--workers`` died (killed, or out of memory) on a batch.

    Cause: the batch was run again alone in a fresh worker and its worker died again, so an
    article in it kills the process (often: too little memory for it). Its articles are
    rejected with this code; the run goes on. Fix: fewer ``--workers`` or more memory, and
    look at the article(s) named.
    """

    code = "FW700"


class RobotsDisallowed(FetchError):
    """The site's robots.txt forbids frontwire this URL; it is not asked for again."""

    code = "FW710"


class HostDeferred(FetchError):
    """A host asked us to wait (``Retry-After``, ``Crawl-delay``) longer than a poll waits.

    Cause: the server answered 429/503 with ``Retry-After``, or its robots.txt crawl delay
    leaves no turn now. Nothing to fix: the page is tried again at a later poll.
    """

    code = "FW711"


class GaveUp(FetchError):
    """A page failed transiently (5xx, timeout, store busy) at every poll up to the bound.

    Cause: the server kept failing. The link is then remembered as seen and not asked for
    again; fix the cause and ingest the page by hand if it matters.
    """

    code = "FW712"


class SystemicFailure(FrontwireError):
    """The run cannot go on: every article would fail the same way, so it stops.

    Library code raises a subclass; the CLI prints it as one line and exits non-zero.
    What was stored before is kept.
    """

    code = "FW800"

    def __reduce__(self) -> tuple[object, ...]:
        # Raised in worker processes and re-raised in the parent: keep the origin.
        return (_rebuild, (type(self), self.message, self.origin))


def _rebuild(cls: type[FrontwireError], message: str, origin: str | None) -> FrontwireError:
    return cls(message, origin=origin)


class OutOfMemory(SystemicFailure):
    """A stage raised MemoryError. Fix: fewer ``--workers``, smaller inputs or more memory."""

    code = "FW801"


class RepeatedFailure(SystemicFailure):
    """The first articles of a run all failed in one stage with the same error.

    Cause: the model or a stage is broken (a model that loads but fails on every text, a
    bug), not the articles. Fix: check ``--model`` / reinstall, or report the bug.
    """

    code = "FW802"


class WorkersKeepDying(SystemicFailure):
    """Worker processes died on several batches in a row, each run alone.

    Cause: the workers cannot run at all (out of memory loading the model, killed by the
    system). Fix: fewer ``--workers`` or more memory.
    """

    code = "FW803"


class BrokenStage(SystemicFailure):
    """A stage raised ModelError mid-run: the model cannot process text. Fix: the model."""

    code = "FW804"
