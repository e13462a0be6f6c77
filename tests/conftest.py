"""Shared fixtures: the spaCy pipeline and the gazetteer load once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EXAMPLES = SHARED / "examples"
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="session")
def nlp():
    from frontwire.nlp import load_model

    return load_model("auto")


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    if not EXAMPLES.is_dir():
        pytest.skip("../shared/examples is absent")
    return EXAMPLES


@pytest.fixture(scope="session")
def pipeline():
    """One Pipeline (spaCy model, and later the gazetteer) for the whole session."""
    from frontwire.pipeline import Pipeline

    return Pipeline(model="auto")


@pytest.fixture(scope="session")
def gazetteer():
    """The compiled gazetteer (built into the user cache dir on first use, then loaded)."""
    from frontwire.places import load_gazetteer

    return load_gazetteer()


# -- PostgreSQL: one throwaway server per session, one fresh database per test -------------

@pytest.fixture(scope="session")
def pg_server():
    """URL of a running PostgreSQL server (see tests/pg_server.py); skips when none can run."""
    import pg_server as pgs

    why = pgs.unavailable()
    if why:
        pytest.skip(why)
    with pgs.server() as url:
        yield url


@pytest.fixture
def pg_url(pg_server, request):
    """A fresh, empty database on the session's server, dropped after the test."""
    import re

    import pg_server as pgs

    name = "fw_" + re.sub(r"\W", "_", request.node.name.lower())[:50]
    url = pgs.fresh_database(pg_server, name)
    yield url
    pgs.drop_database(pg_server, name)


@pytest.fixture(params=["duckdb", "postgres"])
def db_target(request, tmp_path):
    """A new database on each engine in turn: a DuckDB file, then a PostgreSQL database."""
    if request.param == "postgres":
        return request.getfixturevalue("pg_url")
    return tmp_path / "test.duckdb"
