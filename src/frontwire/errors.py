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


class StoreModeConflict(StoreError):
    """This process already has the DuckDB file open in the other mode (read-only vs writing).

    DuckDB lets one process open a file in one mode at a time. Cause: a program that opens the
    same file with ``read_only=True`` and without it and uses both at once. Fix: open it one way
    (a writing store reads as well), or finish with one store before using the other.
    """

    code = "FW305"


class GoldError(FrontwireError):
    """A gold file for ``frontwire eval`` is malformed."""

    code = "FW400"


class ConfigError(FrontwireError):
    code = "FW500"


class StageError(FrontwireError):
    """A pipeline stage failed on one article (a bug, reported, the batch goes on)."""

    code = "FW900"
