"""Each CLI command, run as a user would (click's runner; a real subprocess for the script)."""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from frontwire.cli import main
from frontwire.contract import validate

DATA = Path(__file__).parent / "data"


@pytest.fixture()
def runner(pipeline) -> CliRunner:  # the session pipeline warms the model cache
    return CliRunner()


def test_help_everywhere_has_examples(runner: CliRunner) -> None:
    top = runner.invoke(main, ["--help"])
    assert top.exit_code == 0
    commands = ["extract", "ingest", "events", "places", "claims", "sources", "articles", "demo",
                "eval"]
    for cmd in commands:
        assert cmd in top.output
        res = runner.invoke(main, [cmd, "--help"])
        assert res.exit_code == 0, cmd
        assert "Example" in res.output, cmd


def test_extract_json_validates(runner: CliRunner) -> None:
    res = runner.invoke(main, ["extract", str(DATA / "border-shelling.txt"), "--published",
                               "2024-03-05"])
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout)
    validate(record)
    assert record["published"] == "2024-03-05"
    assert "Share this article" not in record["text"]
    assert {r["reason"] for r in record["removed"]} >= {"caption", "credit", "boilerplate"}


def test_extract_jsonl_and_table_and_only(runner: CliRunner) -> None:
    res = runner.invoke(main, ["extract", str(DATA / "wire.jsonl"), "--format", "jsonl"])
    lines = res.stdout.strip().splitlines()
    assert res.exit_code == 0 and len(lines) == 3
    for line in lines:
        validate(json.loads(line))
    res = runner.invoke(main, ["extract", str(DATA / "wire.jsonl"), "--format", "table",
                               "--only", "places,times"])
    assert res.exit_code == 0
    assert "places (" in res.stdout and "times (" in res.stdout and "claims (" not in res.stdout
    res = runner.invoke(main, ["extract", str(DATA / "wire.jsonl"), "--only", "bogus"])
    assert res.exit_code == 2 and "unknown kind" in res.output


def test_extract_stdin(runner: CliRunner) -> None:
    res = runner.invoke(main, ["extract", "-", "--published", "2023-01-04"],
                        input="Russian forces shelled Kherson on Tuesday, the governor said.\n")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["published"] == "2023-01-04"


def test_bad_inputs_are_one_line_each_and_others_processed(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "bin.txt").write_bytes(bytes(range(256)) * 10)
    db = tmp_path / "x.duckdb"
    res = runner.invoke(main, ["ingest", str(tmp_path / "empty.txt"), str(tmp_path / "bin.txt"),
                               str(tmp_path / "missing.txt"), str(DATA / "border-shelling.txt"),
                               "--db", str(db)])
    assert res.exit_code == 0, res.output
    skipped = [line for line in res.stderr.splitlines() if line.startswith("frontwire: skipped")]
    assert len(skipped) == 3
    assert any("empty.txt" in s for s in skipped) and any("missing.txt" in s for s in skipped)
    assert "Traceback" not in res.output
    assert "stored 1 new article(s)" in res.stderr


def test_nothing_processed_exits_nonzero(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(main, ["extract", str(tmp_path / "missing.txt")])
    assert res.exit_code == 1
    assert "does not exist" in res.stderr and "Traceback" not in res.output


def test_unwritable_db_is_one_line(runner: CliRunner, tmp_path: Path) -> None:
    res = runner.invoke(main, ["ingest", str(DATA / "border-shelling.txt"), "--db",
                               str(tmp_path / "nope" / "x.duckdb")])
    assert res.exit_code == 1
    assert res.stderr.count("\n") == 1 and "does not exist" in res.stderr


def test_ingest_then_readers(runner: CliRunner, tmp_path: Path) -> None:
    db = str(tmp_path / "r.duckdb")
    assert runner.invoke(main, ["ingest", str(DATA), "--db", db]).exit_code == 0
    again = runner.invoke(main, ["ingest", str(DATA), "--db", db])
    assert "stored 0 new article(s), 5 already present" in again.stderr
    res = runner.invoke(main, ["articles", "--db", db, "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(res.stdout)))
    assert res.exit_code == 0 and len(rows) == 5
    res = runner.invoke(main, ["articles", "--db", db, "--id", "wire-001"])
    validate(json.loads(res.stdout))
    res = runner.invoke(main, ["articles", "--db", db, "--id", "nope"])
    assert res.exit_code == 1 and "no article" in res.stderr
    for cmd in ("events", "places", "claims", "sources"):
        for fmt in ("table", "csv", "json"):
            res = runner.invoke(main, [cmd, "--db", db, "--format", fmt])
            assert res.exit_code == 0, (cmd, fmt, res.output)
    res = runner.invoke(main, ["sources", "--db", db, "--format", "json"])
    speakers = {r["speaker"]: r for r in json.loads(res.stdout)}
    sumy = speakers["Sumy regional military administration"]
    assert sumy["claims"] >= 1 and "Telegram" in sumy["channels"]
    res = runner.invoke(main, ["claims", "--db", db, "--channel", "telegram", "--format", "json"])
    assert json.loads(res.stdout) and all(r["channel"] == "Telegram" for r in json.loads(res.stdout))
    res = runner.invoke(main, ["articles", "--db", db, "--since", "2023-07-01", "--format", "json"])
    assert {r["id"] for r in json.loads(res.stdout)} >= {"wire-001"}
    res = runner.invoke(main, ["events", "--db", db, "--since", "not-a-date"])
    assert res.exit_code == 2 and "not a date" in res.output
    # dates the wrong way round are a usage error, as in 'export', not an empty list
    res = runner.invoke(main, ["events", "--db", db, "--since", "2023-02-01", "--until", "2023-01-01"])
    assert res.exit_code == 2 and "after until" in res.output
    res = runner.invoke(main, ["events", "--db", str(tmp_path / "absent.duckdb")])
    assert res.exit_code == 1 and "no such database" in res.stderr


def test_demo_creates_database_and_prints_record(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    res = runner.invoke(main, ["demo", "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert db.exists() and str(db.resolve()) in res.stdout
    assert "places (" in res.stdout and "events (" in res.stdout
    res = runner.invoke(main, ["demo", "--db", str(db)])
    assert "0 new, 4 already stored" in res.stdout


def test_console_script_is_installed() -> None:
    beside = Path(sys.executable).parent / "frontwire"
    exe = str(beside) if beside.exists() else shutil.which("frontwire")
    if exe is None:
        pytest.skip("console script not on PATH (package not installed)")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0 and "version" in out.stdout


def test_reference_article_validates_and_passes_gold_clean(runner: CliRunner, examples_dir) -> None:
    gold = json.loads((examples_dir / "bakhmut-2023-01-04.gold.json").read_text())
    res = runner.invoke(main, ["extract", str(examples_dir / "bakhmut-2023-01-04.txt"),
                               "--published", "2023-01-04"])
    assert res.exit_code == 0, res.output
    record = json.loads(res.stdout)
    validate(record)
    for needle in gold["clean"]["must_not_contain"]:
        assert needle not in record["text"]
    for needle in gold["clean"]["must_contain"]:
        assert needle in record["text"]
