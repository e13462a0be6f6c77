"""A throwaway PostgreSQL server for the tests, on 127.0.0.1 and a free port.

``FRONTWIRE_TEST_POSTGRES=postgresql://...`` uses a server you already run (each test gets its
own database on it). Otherwise the Debian ``postgresql`` package's ``initdb``/``pg_ctl`` make a
cluster in a temporary folder, owned by the ``postgres`` user when the tests run as root (the
server refuses to run as root). Without either, the PostgreSQL tests skip and say why.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ENV = "FRONTWIRE_TEST_POSTGRES"


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                      key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    return versions[-1] if versions else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unavailable() -> str | None:
    """Why no server can be started here (None when one can)."""
    if os.environ.get(ENV):
        return None
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed"
    if not (find_bin("initdb") and find_bin("pg_ctl")):
        return "PostgreSQL is not installed (apt-get install postgresql); its tests are skipped"
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no 'postgres' user to run the server as"
    return None


@contextmanager
def server(*, durable: bool = False) -> Iterator[str]:
    """Yield the URL of a running server's maintenance database; stop it afterwards.

    Tests run with fsync off (a throwaway cluster); ``durable`` keeps PostgreSQL's defaults,
    for benchmarks that compare write costs with DuckDB's.
    """
    if os.environ.get(ENV):
        yield os.environ[ENV]
        return
    initdb, pg_ctl = find_bin("initdb"), find_bin("pg_ctl")
    assert initdb and pg_ctl
    root = Path(tempfile.mkdtemp(prefix="frontwire-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    prefix: list[str] = []
    if os.geteuid() == 0:
        pw = pwd.getpwnam("postgres")
        for p in (root, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
        prefix = ["runuser", "-u", "postgres", "--"]
    port = _free_port()

    def run(*cmd: str) -> None:
        proc = subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=120,
                              check=False)
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(cmd[:2])} failed: {proc.stderr or proc.stdout}")

    run(initdb, "-D", str(data), "-U", "frontwire", "--auth=trust", "-E", "UTF8",
        "--locale=C", "--no-sync")
    opts = f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c max_connections=60"
    if not durable:
        opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    run(pg_ctl, "-D", str(data), "-o", opts, "-l", str(root / "log"), "-w", "-t", "60", "start")
    try:
        yield f"postgresql://frontwire@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                       capture_output=True, timeout=60, check=False)
        shutil.rmtree(root, ignore_errors=True)


def fresh_database(admin_url: str, name: str) -> str:
    """Create an empty database ``name`` on the server and return its URL."""
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(sql.SQL("DROP DATABASE IF EXISTS {}").format(sql.Identifier(name)))
        con.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


def drop_database(admin_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
            sql.Identifier(name)))


def module_target(request, tmp_path_factory, name: str):
    """For a module fixture parametrized over ["duckdb", "postgres"]: a new database of the
    engine ``request.param`` (a fresh PostgreSQL database ``name`` or a DuckDB file)."""
    if request.param == "postgres":
        return fresh_database(request.getfixturevalue("pg_server"), name)
    return tmp_path_factory.mktemp(name) / f"{name}.duckdb"
