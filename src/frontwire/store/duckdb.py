"""The embedded store: one DuckDB file, one transaction per article.

DuckDB lets one process write a database file at a time; a second process that opens
the file (to write or to read) while the first holds it gets ``StoreLocked`` with the
holder's pid, never a corrupt file. A process killed mid-write leaves the last
committed state: DuckDB replays only committed transactions from its WAL.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import duckdb

from ..errors import SchemaTooNew, StoreError, StoreLocked, StoreUnwritable
from ..model import Actor, Claim, Entity, Event, Evidence, Location, Place, Removal, Result, TimeSpan
from .schema import CHILD_TABLES, LATEST, MIGRATIONS

_PID = re.compile(r"PID (\d+)")
_MAX_PARAMS = 20_000  # parameters per INSERT statement


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


class Store:
    """An open frontwire database. Use as a context manager, or call ``close()``."""

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

    # -- lifecycle ----------------------------------------------------------------------------

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.con.close()

    def schema_version(self) -> int:
        exists = self.con.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'"
        ).fetchone()
        if not exists or not exists[0]:
            return 0
        row = self.con.execute("SELECT max(version) FROM schema_version").fetchone()
        return int(row[0] or 0) if row else 0

    def _check_version(self) -> int:
        version = self.schema_version()
        if version > LATEST:
            raise SchemaTooNew(f"was written by a newer frontwire (schema {version}, this one "
                               f"knows {LATEST}); upgrade frontwire", origin=self.path)
        return version

    def migrate(self) -> None:
        """Apply pending migrations, each in its own transaction."""
        self.con.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                         "version INTEGER PRIMARY KEY, description VARCHAR, applied_at TIMESTAMP)")
        current = self._check_version()
        for version, description, statements in MIGRATIONS:
            if version <= current:
                continue
            self.con.execute("BEGIN TRANSACTION")
            try:
                for sql in statements:
                    self.con.execute(sql)
                self.con.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                                 [version, description, _now()])
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise

    # -- writing ------------------------------------------------------------------------------

    def has_article(self, article_id: str) -> bool:
        row = self.con.execute("SELECT 1 FROM articles WHERE id = ?", [article_id]).fetchone()
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
        self.con.execute("BEGIN TRANSACTION")
        try:
            if self.has_article(result.id):
                if not replace:
                    self.con.execute("ROLLBACK")
                    return False
                self._delete(result.id)
            self._insert(result, origin=origin, model=model)
            if on_insert is not None:
                on_insert(self, result)
            self.con.execute("COMMIT")
            return True
        except Exception:
            self.con.execute("ROLLBACK")
            raise

    def _delete(self, article_id: str) -> None:
        for table in (*CHILD_TABLES, "evidence"):
            self.con.execute(f"DELETE FROM {table} WHERE article_id = ?", [article_id])
        self.con.execute("DELETE FROM articles WHERE id = ?", [article_id])

    def _insert(self, r: Result, *, origin: str | None, model: str | None) -> None:
        aid = r.id
        self.con.execute(
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
            self.con.execute(f"INSERT INTO {table} VALUES " + ", ".join([one] * len(chunk)),
                             [v for row in chunk for v in row])

    # -- reading ------------------------------------------------------------------------------

    def rows(self, sql: str, params: Iterable[Any] = ()) -> list[dict[str, Any]]:
        """Run a parameterized query and return rows as dicts."""
        cur = self.con.execute(sql, list(params))
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

        def child(table: str, order: str = "seq") -> list[dict[str, Any]]:
            return self.rows(f"SELECT * EXCLUDE (article_id) FROM {table} WHERE article_id = ? "
                             f"ORDER BY {order}", [article_id])

        def strip(d: dict[str, Any], *drop: str) -> dict[str, Any]:
            return {k: v for k, v in d.items() if k not in drop}

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


def _now() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def open_store(path: str | Path, *, read_only: bool = False) -> Store:
    """Open (and create or migrate, unless read-only) a frontwire DuckDB database."""
    return Store(path, read_only=read_only)
