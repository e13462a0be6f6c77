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
