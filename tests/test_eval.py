"""Scoring by the rules of the gold format, on hand-built outputs, and the eval command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontwire.cli import main
from frontwire.errors import GoldError
from frontwire.evaluation import haversine_km, load_gold, score

GOLD_DIR = Path(__file__).parent / "gold"
GOLD = GOLD_DIR / "border-shelling.gold.json"


def _out(text: str = "", **lists) -> dict:
    base = {"id": "x", "text": text, "removed": [], "entities": [], "places": [], "times": [],
            "claims": [], "events": []}
    base.update(lists)
    return base


def _gold() -> dict:
    return json.loads(GOLD.read_text())


def test_haversine() -> None:
    assert haversine_km(50.45, 30.52, 50.45, 30.52) == 0
    assert 400 < haversine_km(50.45, 30.52, 49.99, 36.23) < 420  # Kyiv to Kharkiv, about 410 km


def test_places_recall_precision_and_extra() -> None:
    out = _out(places=[
        {"text": "Sumy region", "lat": 50.9, "lon": 34.8, "country": "UA", "name": "Sumy Oblast"},
        {"text": "Velyka Pysarivka", "lat": 40.0, "lon": -3.0, "country": "ES", "name": "wrong"},
        {"text": "Kyiv", "lat": 50.45, "lon": 30.52, "country": "UA", "name": "Kyiv"},
        {"text": "Monday", "lat": None, "lon": None, "country": None},
    ])
    s = score(out, _gold())["places"]
    assert (s.matched, s.required) == (1, 1)
    assert (s.correct, s.output) == (1, 2)  # the Spanish match is wrong; Kyiv is extra
    assert s.extra == ["Kyiv -> Kyiv (UA)"]


def test_times_tolerance() -> None:
    good = _out(times=[{"text": "Monday", "start_date": "2024-03-04", "end_date": "2024-03-04"},
                       {"text": "Tuesday morning", "start_date": "2024-03-05",
                        "end_date": "2024-03-05"}])
    assert score(good, _gold())["times"].recall == 1.0
    off = _out(times=[{"text": "on Monday", "start_date": "2024-03-11", "end_date": "2024-03-11"}])
    s = score(off, _gold())["times"]
    assert s.matched == 0 and s.wrong == ["on Monday = None"]


def _event(**kw) -> dict:
    e = {"id": "e", "event_type": "Explosions/Remote violence",
         "sub_event_type": "Shelling/artillery/missile attack",
         "actor1": {"name": "Russian artillery", "country": "RU", "kind": "military"},
         "actor2": {"name": "civilians", "country": "UA", "kind": "civilians"},
         "location": {"name": "Velyka Pysarivka", "lat": 50.43, "lon": 35.48, "precision": 1},
         "date_start": "2024-03-04", "date_end": "2024-03-04", "fatalities": 2,
         "claimed_by": "the administration",
         "evidence": [{"text": "Russian artillery shelled the border village", "start": 0, "end": 44}]}
    e.update(kw)
    return e


def test_event_match_and_attributes() -> None:
    s = score(_out(events=[_event()]), _gold())["events"]
    assert (s.matched, s.required, s.output) == (1, 1, 1) and s.f1 == 1.0
    assert {k: v[0] == v[1] for k, v in s.attributes.items()} == {
        "sub_event_type": True, "actors": True, "date": True, "claimed_by": True, "fatalities": True}


@pytest.mark.parametrize("change", [
    {"event_type": "Battles"},
    {"location": {"lat": 48.0, "lon": 37.8}},
    {"location": None},
    {"evidence": [{"text": "something else", "start": 0, "end": 14}]},
])
def test_event_mismatch(change: dict) -> None:
    s = score(_out(events=[_event(**change)]), _gold())["events"]
    assert s.matched == 0 and s.precision == 0.0


def test_event_attribute_errors_are_counted() -> None:
    e = _event(actor2=None, date_start="2024-03-01", date_end="2024-03-02", claimed_by="Reuters",
               sub_event_type="Air/drone strike")
    s = score(_out(events=[e, _event(id="dup")]), _gold())["events"]
    assert s.matched == 1 and s.output == 2 and s.precision == 0.5
    assert all(v[0] == 0 for k, v in s.attributes.items() if k != "fatalities")


def test_claims_speaker_alias_and_optional() -> None:
    claims = [
        {"speaker": "The administration", "channel": "telegram", "direct": False,
         "text": "the village had come under fire 14 times during the day"},
        {"speaker": "village head", "channel": None, "direct": True,
         "text": "People are leaving because there is nothing left to protect them,"},
        {"speaker": "officials", "channel": None, "direct": False, "text": "killing two civilians"},
        {"speaker": "Zelensky", "channel": None, "direct": False, "text": "unrelated"},
    ]
    s = score(_out(claims=claims), _gold())["claims"]
    assert (s.matched, s.required) == (2, 2)
    assert s.output == 3 and s.precision == pytest.approx(2 / 3)  # optional match not counted
    assert s.attributes["channel"] == [2, 2] and s.attributes["direct"] == [1, 1]


def test_wrong_speaker_does_not_match() -> None:
    s = score(_out(claims=[{"speaker": "Kremlin", "text": "had come under fire 14 times"}]),
              _gold())["claims"]
    assert s.matched == 0


@pytest.mark.parametrize("content, message", [
    ("{", "not valid JSON"),
    ('{"format": "other"}', "not a frontwire-gold/1"),
    ('{"format": "frontwire-gold/1", "article": {"file": "absent.txt"}}', "not next to it"),
])
def test_bad_gold_files(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "g.gold.json"
    path.write_text(content)
    with pytest.raises(GoldError, match=message):
        load_gold(path)


def test_eval_command_json_and_floors(pipeline, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["eval", str(GOLD), "--json"])
    assert res.exit_code == 0, res.output
    report = json.loads(res.stdout)
    assert set(report["totals"]) == {"clean", "places", "times", "events", "claims"}
    assert report["totals"]["clean"]["recall"] == 1.0
    floors = tmp_path / "floors.yaml"
    floors.write_text("clean: {recall: 1.0}\n")
    assert runner.invoke(main, ["eval", str(GOLD), "--floors", str(floors)]).exit_code == 0
    floors.write_text("clean: {recall: 1.0}\nclaims: {f1: 1.01}\n")
    res = runner.invoke(main, ["eval", str(GOLD), "--floors", str(floors)])
    assert res.exit_code == 1 and "below floor: claims f1" in res.stderr
    res = runner.invoke(main, ["eval", str(tmp_path / "missing.gold.json")])
    assert res.exit_code == 1 and "does not exist" in res.stderr


def test_gold_can_annotate_a_record_of_a_json_lines_corpus(tmp_path, pipeline):
    """eval/voa: the gold names a record of a corpus read where it lies, never copied beside it."""
    from frontwire.evaluation import article_text, evaluate, load_gold

    corpus = tmp_path / "corpus" / "news.jsonl"
    corpus.parent.mkdir()
    text = ("Russian forces shelled the city of Kherson on Tuesday, killing two civilians, the "
            "regional governor said.")
    corpus.write_text(json.dumps({"id": "a1", "text": "Another story."}) + "\n"
                      + json.dumps({"id": 7, "text": text}) + "\n", encoding="utf-8")
    gold_dir = tmp_path / "gold"
    gold_dir.mkdir()
    gold = {"format": "frontwire-gold/1",
            "article": {"jsonl": "../corpus/news.jsonl", "id": "7", "published": "2024-03-06"},
            "events": [{"event_type": "Explosions/Remote violence",
                        "evidence_contains": "shelled the city of Kherson"}]}
    path = gold_dir / "7.gold.json"
    path.write_text(json.dumps(gold), encoding="utf-8")
    assert article_text(path, load_gold(path)) == text
    report = evaluate([path], pipeline=pipeline)
    assert report.totals["events"].matched == 1
    gold["article"]["id"] = "missing"
    path.write_text(json.dumps(gold), encoding="utf-8")
    with pytest.raises(GoldError, match="article.id 'missing' is not in ../corpus/news.jsonl"):
        evaluate([path], pipeline=pipeline)
    gold["article"]["jsonl"] = "../nowhere.jsonl"
    path.write_text(json.dumps(gold), encoding="utf-8")
    with pytest.raises(GoldError, match="does not exist"):
        load_gold(path)
