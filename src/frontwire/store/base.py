"""What every frontwire store does, over any SQL engine: schema, writes, read-back.

The engines (``duckdb.DuckDBStore`` for one file, ``postgres.PostgresStore`` for a team's
server) supply a handful of primitives: run one statement, run a read on its own connection
(``reader``), say whether an error is a duplicate key. Everything else -- migrations, the
one-transaction-per-article write, rebuilding a Result -- is written once, here, in the SQL both
engines speak. Statements use ``?`` placeholders; an engine that wants another style translates.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import UTC, datetime
from typing import Any, ClassVar, Self

from ..errors import SchemaTooNew
from ..model import (
    Actor,
    Claim,
    Entity,
    Event,
    Evidence,
    Location,
    Place,
    Removal,
    Result,
    TimeSpan,
)
from .schema import CHILD_TABLES, LATEST, MIGRATIONS

_MAX_PARAMS = 20_000  # parameters per INSERT statement (PostgreSQL allows 65,535)


class Reader(ABC):
    """A read-only view on its own connection or cursor: one per API request or export."""

    @abstractmethod
    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Run a parameterized query and return rows as dicts."""

    @abstractmethod
    def stream(self, sql: str, params: Iterable[Any] = (), *,
               batch: int = 10_000) -> Iterator[dict[str, Any]]:
        """Rows as dicts, fetched ``batch`` at a time (for exports larger than memory)."""


class Store(ABC):
    """An open frontwire database. Use as a context manager, or call ``close()``.

    ``path`` names the database in messages (a file path, or a URL without its password).
    """

    dialect: ClassVar[str]
    path: str
    read_only: bool

    # -- primitives each engine supplies -----------------------------------------------------

    @abstractmethod
    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; returns a cursor (``fetchone``, ``fetchall``, ``description``)."""

    @abstractmethod
    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement once per row of parameters."""

    @abstractmethod
    def reader(self) -> AbstractContextManager[Reader]:
        """A read view that can run beside this connection (another thread, a long export)."""

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def _table_exists(self, name: str) -> bool: ...

    def _ddl(self, sql: str) -> str:
        """A migration statement in this engine's dialect (the schema is written for DuckDB)."""
        return sql

    def _is_duplicate_key(self, exc: Exception) -> bool:
        """Whether ``exc`` is a primary-key clash (another writer stored the article first)."""
        return False

    def hold(self) -> AbstractContextManager[Any]:
        """Keep this store's connection for the block (a transaction, a burst of statements).

        A PostgreSQL store holds its connection for its life, so this does nothing there; a
        DuckDB store takes the file only for such blocks, so other processes can use it between
        them, and yields its open connection.
        """
        return nullcontext()

    def lock(self, name: str) -> None:
        """Serialize writers of ``name`` until the current transaction ends.

        DuckDB has one writer per file, so this is a no-op there; PostgreSQL takes an advisory
        lock, so two ingests recomputing clusters at once take turns instead of clashing.
        """

    # -- transactions -------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """``BEGIN`` ... ``COMMIT``, or ``ROLLBACK`` when the block raises."""
        with self.hold():
            self.execute("BEGIN TRANSACTION")
            try:
                yield
            except BaseException:
                self.execute("ROLLBACK")
                raise
            self.execute("COMMIT")

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def schema_version(self) -> int:
        if not self._table_exists("schema_version"):
            return 0
        row = self.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0) if row else 0

    def _check_version(self) -> int:
        version = self.schema_version()
        if version > LATEST:
            raise SchemaTooNew(f"was written by a newer frontwire (schema {version}, this one "
                               f"knows {LATEST}); upgrade frontwire", origin=self.path)
        return version

    def migrate(self) -> None:
        """Apply pending migrations, each in its own transaction."""
        with self.transaction():
            self.lock("migrate")  # two team members starting at once: one migrates
            self.execute(self._ddl("CREATE TABLE IF NOT EXISTS schema_version ("
                                   "version INTEGER PRIMARY KEY, description VARCHAR, "
                                   "applied_at TIMESTAMP)"))
            current = self._check_version()
            pending = [m for m in MIGRATIONS if m[0] > current]
        for version, description, statements in pending:
            with self.transaction():
                self.lock("migrate")
                if self.schema_version() >= version:
                    continue  # another process applied it meanwhile
                for statement in statements:
                    if isinstance(statement, tuple):
                        engine, sql = statement
                        if engine != self.dialect:
                            continue
                    else:
                        sql = statement
                    self.execute(self._ddl(sql))
                self.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                             [version, description, _now()])

    # -- writing ------------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        row = self.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone()
        return row is not None

    def write(self, result: Result, *, origin: str | None = None, model: str | None = None,
              replace: bool = False,
              on_insert: Callable[[Store, Result], None] | None = None) -> bool:
        """Store one article and everything extracted from it, in one transaction.

        Returns False (and writes nothing) when the article is already stored, unless
        ``replace`` is set, in which case the old rows are replaced in the same transaction.
        ``on_insert`` (for example ``frontwire.dedup.index_result``) runs inside that same
        transaction after the rows are inserted, so derived rows commit with the article or not
        at all.
        """
        with self.hold():
            self.execute("BEGIN TRANSACTION")
            try:
                if self.has_article(result.id):
                    if not replace:
                        self.execute("ROLLBACK")
                        return False
                    self._delete(result.id)
                self._insert(result, origin=origin, model=model)
                if on_insert is not None:
                    on_insert(self, result)
                self.execute("COMMIT")
                return True
            except Exception as exc:
                self.execute("ROLLBACK")
                if self._is_duplicate_key(exc) and not replace:
                    return False  # another writer stored the same article meanwhile
                raise

    def _delete(self, article_id: str) -> None:
        for table in (*CHILD_TABLES, "evidence"):
            self.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
        self.execute("DELETE FROM articles WHERE id = ?", [article_id])

    def _insert(self, r: Result, *, origin: str | None, model: str | None) -> None:
        aid = r.id
        self.execute(
            "INSERT INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [aid, r.url, r.title, r.source, r.published, r.language, r.text, origin, model,
             _now(), len(r.removed), len(r.entities), len(r.places), len(r.times),
             len(r.claims), len(r.events)])
        self._many("removals", [(aid, i, x.text, x.reason, x.rule) for i, x in enumerate(r.removed)])
        self._many("entities", [(aid, i, x.text, x.start, x.end, x.label)
                                for i, x in enumerate(r.entities)])
        self._many("places", [(aid, i, x.text, x.start, x.end, x.name, x.geonameid, x.feature,
                               x.country, x.admin1, x.lat, x.lon, x.score)
                              for i, x in enumerate(r.places)])
        self._many("times", [(aid, i, x.text, x.start, x.end, x.value, x.start_date, x.end_date,
                              x.precision) for i, x in enumerate(r.times)])
        self._many("claims", [(aid, x.id, i, x.speaker, x.speaker_role, x.speaker_type, x.cue,
                               x.channel, x.text, x.start, x.end, x.direct, x.date_start,
                               x.date_end, x.cites) for i, x in enumerate(r.claims)])
        rows, evidence = [], []
        for i, e in enumerate(r.events):
            a1, a2, loc = e.actor1, e.actor2, e.location or Location()
            rows.append((aid, e.id, i, e.event_type, e.sub_event_type,
                         a1.name if a1 else None, a1.country if a1 else None, a1.kind if a1 else None,
                         a2.name if a2 else None, a2.country if a2 else None, a2.kind if a2 else None,
                         loc.name, loc.geonameid, loc.country, loc.admin1, loc.lat, loc.lon,
                         loc.precision, e.date_start, e.date_end, e.date_precision, e.fatalities,
                         e.claimed_by, e.claim_id, e.channel, e.confidence, e.wounded,
                         e.fatalities_text, e.wounded_text))
            evidence.extend((aid, e.id, j, v.text, v.start, v.end) for j, v in enumerate(e.evidence))
        self._many("events", rows)
        self._many("evidence", evidence)

    def _many(self, table: str, rows: Sequence[tuple[Any, ...]]) -> None:
        """Insert rows with one multi-row INSERT per chunk.

        DuckDB's ``executemany`` runs one statement per row (about 1 ms each); an article has
        dozens of child rows, so it cost a third of the full pipeline's time. One statement
        with many VALUES tuples costs about the same as one row.
        """
        if not rows:
            return
        one = "(" + ", ".join("?" * len(rows[0])) + ")"
        step = max(1, _MAX_PARAMS // len(rows[0]))
        for i in range(0, len(rows), step):
            chunk = rows[i:i + step]
            self.execute(f"INSERT INTO {table} VALUES " + ", ".join([one] * len(chunk)),
                             [v for row in chunk for v in row])

    # -- reading ------------------------------------------------------------------------------

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Run a parameterized query and return rows as dicts."""
        cur = self.execute(sql, list(params))
        names = [d[0] for d in cur.description or []]
        return [dict(zip(names, row)) for row in cur.fetchall()]

    def article_ids(self) -> list[str]:
        return [r["id"] for r in self.rows("SELECT id FROM articles ORDER BY ingested_at, id")]

    def incomplete_articles(self) -> list[str]:
        """Ids of articles whose child rows do not match their recorded counts (should be none)."""
        checks = " OR ".join(
            f"(SELECT count(*) FROM {t} WHERE article_id = a.id) <> a.{c}"
            for t, c in CHILD_TABLES.items())
        return [r["id"] for r in self.rows(f"SELECT id FROM articles a WHERE {checks}")]

    def get_result(self, article_id: str) -> Result | None:
        """Rebuild the full output record of a stored article."""
        arts = self.rows("SELECT * FROM articles WHERE id = ?", [article_id])
        if not arts:
            return None
        a = arts[0]

        def strip(d: dict[str, Any], *drop: str) -> dict[str, Any]:
            return {k: v for k, v in d.items() if k not in drop}

        def child(table: str, order: str = "seq") -> list[dict[str, Any]]:
            found = self.rows(f"SELECT * FROM {table} WHERE article_id = ? ORDER BY {order}",
                              [article_id])
            return [strip(r, "article_id") for r in found]

        evidence: dict[str, list[Evidence]] = {}
        for ev in child("evidence", "event_id, seq"):
            evidence.setdefault(ev["event_id"], []).append(
                Evidence(text=ev["text"], start=ev["start"], end=ev["end"]))
        events = []
        for e in child("events"):
            def actor(n: int) -> Actor | None:
                name = e[f"actor{n}_name"]
                return Actor(name=name, country=e[f"actor{n}_country"],
                             kind=e[f"actor{n}_kind"]) if name else None
            has_loc = any(e[k] is not None for k in ("location_name", "lat", "country"))
            events.append(Event(
                id=e["id"], event_type=e["event_type"], sub_event_type=e["sub_event_type"],
                actor1=actor(1), actor2=actor(2),
                location=Location(name=e["location_name"], geonameid=e["geonameid"],
                                  country=e["country"], admin1=e["admin1"], lat=e["lat"],
                                  lon=e["lon"], precision=e["geo_precision"]) if has_loc else None,
                date_start=e["date_start"], date_end=e["date_end"],
                date_precision=e["date_precision"], fatalities=e["fatalities"],
                claimed_by=e["claimed_by"], claim_id=e["claim_id"], channel=e["channel"],
                evidence=tuple(evidence.get(e["id"], ())), confidence=e["confidence"],
                wounded=e["wounded"], fatalities_text=e["fatalities_text"],
                wounded_text=e["wounded_text"]))
        return Result(
            id=a["id"], text=a["text"], url=a["url"], title=a["title"], source=a["source"],
            published=a["published"], language=a["language"],
            removed=tuple(Removal(**strip(x, "seq")) for x in child("removals")),
            entities=tuple(Entity(**strip(x, "seq")) for x in child("entities")),
            places=tuple(Place(**strip(x, "seq")) for x in child("places")),
            times=tuple(TimeSpan(**strip(x, "seq")) for x in child("times")),
            claims=tuple(Claim(**strip(x, "seq")) for x in child("claims")),
            events=tuple(events),
        )


def _dicts(cur: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cur.description or []]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
