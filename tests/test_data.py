"""The one loader of the packaged data files: every file parses, and faults name file and key."""

from __future__ import annotations

from importlib import resources

import pytest

from frontwire import data
from frontwire.errors import DataFileError


def test_every_packaged_data_file_loads_as_a_mapping():
    names = [p.name for p in resources.files("frontwire.data").iterdir() if p.name.endswith(".yaml")]
    assert "grammar_words.yaml" in names and len(names) >= 10
    for name in names:
        assert isinstance(data.load(name), dict) and data.load(name), name


def test_words_and_sections():
    preps = data.words("grammar_words.yaml", "events", "location_prepositions")
    assert {"in", "near", "on"} <= preps
    assert data.section("grammar_words.yaml", "events", "bearings")["south"] == 180


def test_a_missing_key_names_file_and_key():
    with pytest.raises(DataFileError) as err:
        data.words("grammar_words.yaml", "events", "no_such_list")
    assert str(err.value) == "data/grammar_words.yaml: has no key 'events.no_such_list'"


def test_a_wrong_type_names_file_and_key():
    with pytest.raises(DataFileError, match=r"data/grammar_words.yaml: key 'events.bearings' must "
                                            r"be a list, not dict"):
        data.words("grammar_words.yaml", "events", "bearings")


def test_broken_yaml_gives_the_line():
    with pytest.raises(DataFileError, match=r"data/x.yaml: is not valid YAML \(line 2\)"):
        data.parse("x.yaml", "a: [1, 2\nb: : :\n")
    with pytest.raises(DataFileError, match="must be a mapping"):
        data.parse("x.yaml", "- just\n- a list\n")

