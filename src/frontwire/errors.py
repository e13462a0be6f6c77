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


class GoldError(FrontwireError):
    """A gold file for ``frontwire eval`` is malformed."""

    code = "FW400"


class ConfigError(FrontwireError):
    code = "FW500"


# -- the REST API (FW600-FW629; FW600 is eventquery.BadQuery) ---------------------------------
# Each class names the HTTP status the API answers with; the body carries ``code``.


class ApiError(FrontwireError):
    """An HTTP error the web framework raised that no class below names (e.g. a static file's).

    Fix: the message says what the server refused; /docs lists every endpoint.
    """

    code = "FW620"
    status = 500

    def __init__(self, message: str, *, status: int | None = None, details: object = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status if status is not None else type(self).status
        self.details = details
        self.headers = headers


class BadRequest(ApiError):
    """A parameter or body has the wrong type, format or range (the API answers 400).

    Fix: ``details`` names each parameter and the problem; /docs gives every format.
    """

    code = "FW601"
    status = 400


class TokenMissing(ApiError):
    """``POST /articles`` came without ``Authorization: Bearer <token>`` (401).

    Fix: send the operator's token in that header.
    """

    code = "FW602"
    status = 401


class TokenWrong(ApiError):
    """The bearer token is not the one the server was started with (403). Fix: use that one."""

    code = "FW603"
    status = 403


class PostDisabled(ApiError):
    """``POST /articles`` is off: the server was started without a token (403).

    Fix: the operator restarts with ``frontwire serve --token-file FILE``.
    """

    code = "FW604"
    status = 403


class NotFound(ApiError):
    """No such event, article or path (404). Fix: take ids from /events or /articles answers."""

    code = "FW605"
    status = 404


class MethodNotAllowed(ApiError):
    """The path exists, the method does not (405). Fix: use a method its ``Allow`` header lists."""

    code = "FW606"
    status = 405


class BodyTooLarge(ApiError):
    """The request body is over the server's limit (413).

    Fix: send a smaller article, or the operator raises ``frontwire serve --max-body``.
    """

    code = "FW607"
    status = 413


class UnsupportedMediaType(ApiError):
    """``POST /articles`` got a Content-Type it cannot read (415).

    Fix: send application/json, text/html or text/plain.
    """

    code = "FW608"
    status = 415


class InternalError(ApiError):
    """A bug in the server (500); the server log has the traceback. Fix: report it."""

    code = "FW609"
    status = 500


class StageError(FrontwireError):
    """A pipeline stage failed on one article (a bug, reported, the batch goes on)."""

    code = "FW900"
