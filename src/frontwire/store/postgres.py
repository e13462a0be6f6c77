"""The shared store for teams: the same schema and queries on a PostgreSQL server (psycopg 3).

``--db postgresql://user@host/dbname`` (or ``postgres://``) selects it; everything else --
ingest, load, the CLI readers, exports and the API -- runs unchanged. Differences from the
DuckDB file, and why:

- many writers at once: each article is still one transaction; two writers storing the same
  article at the same moment both succeed, one of them as "already stored" (the primary key
  decides); cluster recomputes and migrations take an advisory lock so they take turns;
- no file lock and no ``StoreLocked``: a server that cannot be reached, or refuses the login,
  gives ``StoreUnreachable`` with the address (never the password);
- the schema is written once, in DuckDB's types; ``_ddl`` maps the few that PostgreSQL spells
  differently (``DOUBLE``, ``UBIGINT``, ``JSON`` kept as text so both engines return a string).
"""

from __future__ import annotations

import queue
import re
import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from typing import Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from ..errors import StoreError, StoreUnreachable
from .base import Reader, Store, _dicts

_TOKEN = re.compile(r"'(?:[^']|'')*'|\?|%")
_DDL_TYPES = [
    (re.compile(r"\bUBIGINT\[\]"), "BIGINT[]"),  # MinHash values are 32-bit
    (re.compile(r"\bUBIGINT\b"), "NUMERIC(20)"),  # LSH band keys are unsigned 64-bit
    (re.compile(r"\bDOUBLE\b"), "DOUBLE PRECISION"),
    (re.compile(r"\bJSON\b"), "TEXT"),  # the code stores and reads JSON text itself
]
_POOL_SIZE = 8


def display_url(url: str) -> str:
    """``postgresql://user@host:port/db`` without password or options, for messages."""
    try:
        d = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://(unparsable URL)"
    user = f"{d['user']}@" if d.get("user") else ""
    host = d.get("host") or "localhost"
    port = f":{d['port']}" if d.get("port") else ""
    return f"postgresql://{user}{host}{port}/{d.get('dbname', '')}"


@lru_cache(maxsize=4096)
def to_pyformat(sql: str) -> str:
    """``?`` placeholders to psycopg's ``%s``, and literal ``%`` outside quotes to ``%%``."""
    def repl(m: re.Match[str]) -> str:
        tok = m.group(0)
        if tok == "?":
            return "%s"
        if tok == "%":
            return "%%"
        return tok.replace("%", "%%")  # psycopg also reads % inside quoted literals
    return _TOKEN.sub(repl, sql)


class _ConnReader(Reader):
    def __init__(self, con: psycopg.Connection[Any]) -> None:
        self.con = con

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return _dicts(self.con.execute(to_pyformat(sql), list(params)))

    def stream(self, sql: str, params: Iterable[Any] = (), *,
               batch: int = 10_000) -> Iterator[dict[str, Any]]:
        # A server-side cursor: rows cross the wire ``batch`` at a time, never all at once.
        with self.con.transaction(), \
                self.con.cursor(name=f"fw_{uuid.uuid4().hex[:12]}") as cur:
            cur.execute(to_pyformat(sql), list(params))
            names = [d[0] for d in cur.description or []]
            while chunk := cur.fetchmany(batch):
                for row in chunk:
                    yield dict(zip(names, row))


class PostgresStore(Store):
    """A frontwire database on a PostgreSQL server (12 or newer)."""

    dialect = "postgres"

    def __init__(self, url: str, *, read_only: bool = False) -> None:
        self.url = url
        self.path = display_url(url)
        self.read_only = read_only
        self._pool: queue.LifoQueue[psycopg.Connection[Any]] = queue.LifoQueue()
        self._open: list[psycopg.Connection[Any]] = []
        self._pool_lock = threading.Lock()
        self.con = self._connect(read_only=read_only)
        if not read_only:
            self.migrate()
        else:
            self._check_version()
            if self.schema_version() == 0:
                self.con.close()
                raise StoreError("no frontwire tables in this database; create them with "
                                 "'frontwire ingest' first", origin=self.path)

    def _connect(self, *, read_only: bool) -> psycopg.Connection[Any]:
        options = "-c default_transaction_read_only=on" if read_only else None
        try:
            con = psycopg.connect(self.url, autocommit=True, connect_timeout=10,
                                  application_name="frontwire",
                                  **({"options": options} if options else {}))
        except psycopg.Error as exc:
            first = (str(exc).strip().splitlines() or ["unknown error"])[-1].strip()
            hint = "check that the server runs and the URL, user and password are right"
            if re.search(r'database "[^"]+" does not exist', first):
                hint = "create the database first (createdb NAME, or CREATE DATABASE on the server)"
            raise StoreUnreachable(f"cannot connect to PostgreSQL ({first}); {hint}",
                                   origin=self.path) from exc
        con.execute("SET TIME ZONE 'UTC'")  # timestamps are stored as naive UTC
        return con

    # -- primitives ---------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        try:
            return self.con.execute(to_pyformat(sql), list(params))
        except psycopg.OperationalError as exc:
            if self.con.closed or self.con.broken:
                raise StoreUnreachable(f"lost the connection to PostgreSQL ({exc})",
                                       origin=self.path) from exc
            raise

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.con.cursor() as cur:
            cur.executemany(to_pyformat(sql), [list(r) for r in rows])

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        """A pooled read-only connection (the API runs requests in threads)."""
        try:
            con = self._pool.get_nowait()
        except queue.Empty:
            con = self._connect(read_only=True)
            with self._pool_lock:
                self._open.append(con)
        try:
            yield _ConnReader(con)
        finally:
            if con.closed or con.broken:
                with self._pool_lock:
                    if con in self._open:
                        self._open.remove(con)
            else:
                if con.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                    con.rollback()
                if self._pool.qsize() < _POOL_SIZE:
                    self._pool.put(con)
                else:
                    con.close()
                    with self._pool_lock:
                        self._open.remove(con)

    def close(self) -> None:
        with self._pool_lock:
            for con in self._open:
                con.close()
            self._open.clear()
        self.con.close()

    def _table_exists(self, name: str) -> bool:
        row = self.execute("SELECT to_regclass(?) IS NOT NULL", [name]).fetchone()
        return bool(row and row[0])

    def _ddl(self, sql: str) -> str:
        for pattern, repl in _DDL_TYPES:
            sql = pattern.sub(repl, sql)
        return sql

    def _is_duplicate_key(self, exc: Exception) -> bool:
        return isinstance(exc, pg_errors.UniqueViolation)

    def lock(self, name: str) -> None:
        self.execute("SELECT pg_advisory_xact_lock(hashtext(?))", [f"frontwire.{name}"])
