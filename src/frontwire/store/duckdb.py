"""The embedded store: one DuckDB file, one transaction per article.

DuckDB lets one process write a database file at a time; a second process that opens
the file (to write or to read) while the first holds it gets ``StoreLocked`` with the
holder's pid, never a corrupt file. A process killed mid-write leaves the last
committed state: DuckDB replays only committed transactions from its WAL.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from ..errors import StoreError, StoreLocked, StoreUnwritable
from .base import Reader, Store, _dicts

_PID = re.compile(r"PID (\d+)")
_ARROW_MIN_ROWS = 8


def _open_error(path: str, exc: Exception) -> StoreError:
    msg = str(exc)
    if "lock" in msg.lower():
        pid = _PID.search(msg)
        holder = f" (process {pid.group(1)})" if pid else ""
        return StoreLocked(f"database is in use by another process{holder}; wait for it to "
                           f"finish, or use another --db", origin=path)
    if isinstance(exc, duckdb.IOException) or "No such file" in msg or "Permission" in msg:
        return StoreUnwritable(f"cannot open the database ({msg.splitlines()[0]}); check that "
                               f"the folder exists and is writable, or pass another --db",
                               origin=path)
    return StoreError(f"cannot open the database: {msg.splitlines()[0]}", origin=path)


class _CursorReader(Reader):
    """A DuckDB cursor: its own connection to the same database, safe in another thread."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        return _dicts(self.con.execute(sql, list(params)))

    def stream(self, sql: str, params: Iterable[Any] = (), *,
               batch: int = 10_000) -> Iterator[dict[str, Any]]:
        cur = self.con.execute(sql, list(params))
        names = [d[0] for d in cur.description or []]
        while chunk := cur.fetchmany(batch):
            for row in chunk:
                yield dict(zip(names, row))


class DuckDBStore(Store):
    """A frontwire database in one DuckDB file."""

    dialect = "duckdb"

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        self.read_only = read_only
        p = Path(self.path)
        if read_only and not p.exists():
            raise StoreError("no such database; create it with 'frontwire ingest' first",
                             origin=self.path)
        if not read_only:
            parent = p.parent
            if parent.exists() and not parent.is_dir():
                raise StoreUnwritable(f"{parent} is not a folder; pass another --db",
                                      origin=self.path)
            if not parent.exists():
                raise StoreUnwritable(f"folder {parent} does not exist; create it or pass "
                                      f"another --db", origin=self.path)
            if p.is_dir():
                raise StoreUnwritable("is a folder, not a database file", origin=self.path)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except (duckdb.Error, OSError) as exc:
            raise _open_error(self.path, exc) from exc
        if not read_only:
            self.migrate()
        else:
            self._check_version()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        return self.con.execute(sql, list(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self.con.executemany(sql, [list(r) for r in rows])

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        cur = self.con.cursor()
        try:
            yield _CursorReader(cur)
        finally:
            cur.close()

    def close(self) -> None:
        self.con.close()

    def _many(self, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert rows through an Arrow table DuckDB scans in place.

        DuckDB binds a multi-row ``VALUES`` list parameter by parameter; for the dozens of
        rows of an article's entities or claims an Arrow table costs half as much. A handful
        of rows go the plain way, which is as fast and needs no Arrow.
        """
        if len(rows) < _ARROW_MIN_ROWS:
            super()._many(table, rows)
            return
        import pyarrow as pa

        columns = list(zip(*rows, strict=True))
        batch = pa.Table.from_arrays([pa.array(list(c)) for c in columns],
                                     names=[f"c{i}" for i in range(len(columns))])
        self.con.register("_frontwire_rows", batch)
        try:
            self.con.execute(f"INSERT INTO {table} SELECT * FROM _frontwire_rows")
        finally:
            self.con.unregister("_frontwire_rows")

    def _table_exists(self, name: str) -> bool:
        row = self.con.execute("SELECT count(*) FROM information_schema.tables "
                               "WHERE table_name = ?", [name]).fetchone()
        return bool(row and row[0])

    def _is_duplicate_key(self, exc: Exception) -> bool:
        return isinstance(exc, duckdb.ConstraintException)


def open_duckdb(path: str | Path, *, read_only: bool = False) -> DuckDBStore:
    """Open (and create or migrate, unless read-only) a frontwire DuckDB database."""
    return DuckDBStore(path, read_only=read_only)
