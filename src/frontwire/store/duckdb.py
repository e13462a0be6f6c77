"""The embedded store: one DuckDB file, one transaction per article, shared between processes.

DuckDB lets one process write a file at a time (or several processes read it), and a process
that tries to open a file another one holds fails at once. So a store takes the file only while
it uses it and lets go when idle: a burst of statements (one article's reads and transaction)
shares one opening, the file is released ``linger`` seconds after the last statement, and a
store that has held it for ``max_hold`` seconds lets go at the next pause between transactions
(then waits ``_GAP`` before taking it again, so a reader polling for it gets in). Opening while
another process holds the file is retried with backoff for ``wait`` seconds (30 for writers, 10
for readers) before ``StoreLocked``. That is how ``frontwire serve`` (one short read-only opening
per request burst) and ``ingest``/``watch``/``load`` share one file.

Opening costs about 40 ms (measured in docs/benchmarks.md), which is why the file is kept for a
burst rather than reopened per statement. A process killed mid-write leaves the last committed
state: DuckDB replays only committed transactions from its WAL.
"""

from __future__ import annotations

import random
import re
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from ..errors import StoreError, StoreLocked, StoreModeConflict, StoreUnwritable
from .base import Reader, Store, _dicts

_PID = re.compile(r"PID (\d+)")
_ARROW_MIN_ROWS = 8
WRITE_WAIT = 30.0  # seconds a writer waits for the file (a reader's request, a long cluster update)
READ_WAIT = 10.0   # seconds a reader waits (a writer's transaction or its 1-s window)
LINGER = 0.1       # seconds the file stays open after the last statement of a burst
MAX_HOLD = 1.0     # seconds of continuous use after which the file is let go between transactions
_GAP = 0.05        # pause after such a release: readers retry every <= 40 ms, so one gets in
_RETRY_MAX = 0.04  # longest sleep between two attempts to open a busy file


def _is_locked(exc: Exception) -> bool:
    return "lock" in str(exc).lower() and isinstance(exc, duckdb.IOException)


def _open_error(path: str, exc: Exception, waited: float = 0.0) -> StoreError:
    msg = str(exc)
    if "lock" in msg.lower():
        pid = _PID.search(msg)
        holder = f" (process {pid.group(1)})" if pid else ""
        busy = f" and stayed busy for {waited:.0f} s" if waited >= 1 else ""
        return StoreLocked(f"database is in use by another process{holder}{busy}; wait for it "
                           f"to finish, or use another --db", origin=path)
    if "different configuration" in msg:
        return StoreModeConflict("this process has the database open read-only and for "
                                 "writing at once; open it one way", origin=path)
    if isinstance(exc, duckdb.IOException) or "No such file" in msg or "Permission" in msg:
        return StoreUnwritable(f"cannot open the database ({msg.splitlines()[0]}); check that "
                               f"the folder exists and is writable, or pass another --db",
                               origin=path)
    return StoreError(f"cannot open the database: {msg.splitlines()[0]}", origin=path)


class _Fetched:
    """A statement's rows, fetched while the file is held (a live cursor would pin it open)."""

    def __init__(self, cur: duckdb.DuckDBPyConnection) -> None:
        self.description = cur.description
        self._rows: list[tuple[Any, ...]] = cur.fetchall() if cur.description else []
        self._at = 0

    def fetchone(self) -> tuple[Any, ...] | None:
        if self._at >= len(self._rows):
            return None
        self._at += 1
        return self._rows[self._at - 1]

    def fetchmany(self, size: int = 1) -> list[tuple[Any, ...]]:
        out = self._rows[self._at:self._at + size]
        self._at += len(out)
        return out

    def fetchall(self) -> list[tuple[Any, ...]]:
        return self.fetchmany(len(self._rows))


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
    """A frontwire database in one DuckDB file, taken only while in use (see the module doc)."""

    dialect = "duckdb"

    def __init__(self, path: str | Path, *, read_only: bool = False, wait: float | None = None,
                 linger: float = LINGER, max_hold: float = MAX_HOLD) -> None:
        self.path = str(path)
        self.read_only = read_only
        self.wait = wait if wait is not None else (READ_WAIT if read_only else WRITE_WAIT)
        self.linger, self.max_hold = linger, max_hold
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
        self._con: duckdb.DuckDBPyConnection | None = None
        self._users = 0          # leases in use: statements, transactions, readers
        self._taken = 0.0        # when the file was opened
        self._idle_since = 0.0   # when the last lease ended
        self._not_before = 0.0   # no reopening before this (after a max_hold release)
        self._closed = False
        self._mutex = threading.RLock()
        self._changed = threading.Condition(self._mutex)
        self._reaping = False    # a thread waits to let go of the file (see _reap)
        self._released = 0       # how often the file was let go (waiters watch it change)
        self._local = threading.local()  # per thread: how many of its leases are open
        with self.hold():
            if not read_only:
                self.migrate()
            else:
                self._check_version()

    # -- taking and letting go of the file ------------------------------------------------------

    @contextmanager
    def hold(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The open connection for the block; the file is taken if needed and kept meanwhile."""
        outer = not getattr(self._local, "depth", 0)
        with self._mutex:
            if outer and self._con is not None and self._overdue():
                # Threads whose leases overlap without pause (a busy API) would keep the file
                # for ever: a new one waits for the others to finish and the file to be let go.
                if self._users:
                    seen = self._released
                    self._changed.wait_for(lambda: self._released != seen or self._closed)
                else:
                    self._let_go()
                    self._not_before = time.monotonic() + _GAP
            if self._closed:
                raise StoreError("the store is closed", origin=self.path)
            if self._con is None:
                self._con = self._open()
                self._taken = time.monotonic()
            self._users += 1
            self._local.depth = getattr(self._local, "depth", 0) + 1
            con = self._con
        try:
            yield con
        finally:
            with self._mutex:
                self._local.depth -= 1
                self._users -= 1
                if self._users == 0:
                    self._idle_since = time.monotonic()
                    if self._overdue():
                        self._let_go()
                        self._not_before = self._idle_since + _GAP
                    elif not self._reaping:
                        self._reaping = True
                        threading.Thread(target=self._reap, daemon=True,
                                         name=f"frontwire-duckdb-{id(self):x}").start()
                    self._changed.notify_all()

    def _overdue(self) -> bool:
        return time.monotonic() - self._taken >= self.max_hold

    def _open(self) -> duckdb.DuckDBPyConnection:
        """Connect, retrying with backoff while another process holds the file."""
        pause = self._not_before - time.monotonic()
        if pause > 0:
            time.sleep(pause)
        start, delay = time.monotonic(), 0.002
        while True:
            try:
                return duckdb.connect(self.path, read_only=self.read_only)
            except (duckdb.Error, OSError) as exc:
                waited = time.monotonic() - start
                if not _is_locked(exc) or waited >= self.wait:
                    raise _open_error(self.path, exc, waited) from exc
            time.sleep(min(delay, self.wait - waited) * random.uniform(0.5, 1.0))
            delay = min(delay * 2, _RETRY_MAX)

    def _let_go(self) -> None:
        if self._con is not None:
            con, self._con = self._con, None
            self._released += 1
            con.close()
            self._changed.notify_all()

    def _reap(self) -> None:
        """Let go of the file ``linger`` seconds after the last lease ended (NLP between
        articles, a client thinking between requests); exit when nothing is held."""
        with self._mutex:
            while not self._closed and self._con is not None:
                if self._users:
                    self._changed.wait()
                    continue
                left = self._idle_since + self.linger - time.monotonic()
                if left <= 0:
                    self._let_go()
                else:
                    self._changed.wait(left)
            self._reaping = False  # under the mutex: hold() starts a new reaper when needed

    def is_held(self) -> bool:
        """Whether this store has the file open right now (for tests and diagnostics)."""
        return self._con is not None

    # -- the primitives ---------------------------------------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        with self.hold() as con:
            return _Fetched(con.execute(sql, list(params)))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        with self.hold() as con:
            con.executemany(sql, [list(r) for r in rows])

    @contextmanager
    def reader(self) -> Iterator[Reader]:
        with self.hold() as con:
            cur = con.cursor()
            try:
                yield _CursorReader(cur)
            finally:
                cur.close()

    def close(self) -> None:
        with self._mutex:
            self._closed = True
            self._let_go()
            self._changed.notify_all()

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
        with self.hold() as con:
            con.register("_frontwire_rows", batch)
            try:
                con.execute(f"INSERT INTO {table} SELECT * FROM _frontwire_rows")
            finally:
                con.unregister("_frontwire_rows")

    def _table_exists(self, name: str) -> bool:
        row = self.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_name = ?", [name]).fetchone()
        return bool(row and row[0])

    def _is_duplicate_key(self, exc: Exception) -> bool:
        return isinstance(exc, duckdb.ConstraintException)
