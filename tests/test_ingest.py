"""Readers: every input kind, and every kind of bad input, as one-line rejections."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from frontwire.ingest import read_document, read_inputs
from frontwire.model import Article, Rejection, content_id

DATA = Path(__file__).parent / "data"


def _one(items: list) -> Article | Rejection:
    assert len(items) == 1, items
    return items[0]


def test_text_reader_hashes_normalized_text() -> None:
    path = DATA / "border-shelling.txt"
    art = _one(list(read_inputs([str(path)], published=date(2024, 3, 5))))
    assert isinstance(art, Article)
    assert art.published == date(2024, 3, 5)
    assert art.id == content_id(path.read_text(encoding="utf-8"))
    assert art.origin == str(path)
    # Whitespace differences do not change the id.
    assert content_id("a  b\n c") == content_id("a b c")


def test_html_reader_takes_main_text_and_metadata() -> None:
    art = _one(list(read_inputs([str(DATA / "ceasefire-talks.html")])))
    assert isinstance(art, Article)
    assert "stalled on Thursday as heavy shelling continued" in art.text
    assert "newsletter" not in art.text.lower()
    assert "All rights reserved" not in art.text
    assert art.title == "Ceasefire talks stall as shelling continues in Khartoum"
    assert art.source == "Test Wire"
    assert art.published == date(2023, 6, 2)


def test_html_date_wins_over_flag_and_flag_fills_missing() -> None:
    art = _one(list(read_inputs([str(DATA / "ceasefire-talks.html")], published=date(2020, 1, 1))))
    assert art.published == date(2023, 6, 2)


def test_jsonl_reader_records_and_fields() -> None:
    items = list(read_inputs([str(DATA / "wire.jsonl")], published=date(2024, 1, 1)))
    assert all(isinstance(a, Article) for a in items)
    first, second, third = items
    assert first.id == "wire-001" and first.url.endswith("/001") and first.source == "Test Wire"
    assert first.published == date(2023, 7, 20)
    assert second.id == content_id(second.text)  # no id given: content hash
    assert third.id == "wire-003" and "M23 rebels" in third.text  # html field
    assert third.published == date(2024, 1, 1)  # flag fills a record with no date
    assert third.origin.endswith("wire.jsonl:3")


def test_directory_is_read_recursively_by_extension(tmp_path: Path) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "one.txt").write_text("Shelling hit Kherson on Monday, officials said.")
    (tmp_path / "a" / "b" / "two.htm").write_text(
        "<html><body><article><p>Drones struck Odesa overnight, the navy said. Two people were "
        "hurt in the attack on the port, regional officials said on Friday.</p></article></body></html>")
    (tmp_path / "a" / "notes.csv").write_text("not,an,article")
    (tmp_path / "a" / ".hidden.txt").write_text("hidden")
    items = list(read_inputs([str(tmp_path)]))
    assert sorted(Path(a.origin).name for a in items) == ["one.txt", "two.htm"]
    assert all(isinstance(a, Article) for a in items)


def test_stdin_is_sniffed(monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    payload = json.dumps({"id": "s1", "text": "Clashes near Goma killed five."}) + "\n"
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(payload.encode())))
    art = _one(list(read_inputs(["-"])))
    assert isinstance(art, Article) and art.id == "s1" and art.origin == "<stdin>:1"


ENCODINGS = [
    ("latin-1", "Kämpfe in Chasiv Yar: la situación es difícil, dijo el portavoz.".encode("latin-1")),
    ("cp1252", "The governor said “heavy shelling” hit the town.".encode("cp1252")),
    ("utf-16-bom", "Шахед drones hit Kyiv overnight, officials said.".encode("utf-16")),
    ("utf-8-bom", "\ufeffDrones hit Kyiv overnight, officials said.".encode("utf-8")),
]


@pytest.mark.parametrize("name, data", ENCODINGS, ids=[e[0] for e in ENCODINGS])
def test_legacy_encodings_decode(name: str, data: bytes, tmp_path: Path) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(data)
    art = _one(list(read_inputs([str(path)])))
    assert isinstance(art, Article), art
    assert "\ufeff" not in art.text
    assert any(w in art.text for w in ("situación", "“heavy shelling”", "Шахед", "Drones hit Kyiv"))


BAD = [
    ("empty.txt", b"", "FW101", "empty"),
    ("blank.txt", b"  \n\n \t", "FW101", "empty"),
    ("photo.txt", bytes(range(256)) * 40, "FW102", "binary"),
    ("index.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "FW103", "no article"),
]


@pytest.mark.parametrize("name, data, code, words", BAD, ids=[b[0] for b in BAD])
def test_bad_files_are_one_line_rejections(name: str, data: bytes, code: str, words: str,
                                           tmp_path: Path) -> None:
    bad = tmp_path / name
    bad.write_bytes(data)
    good = DATA / "border-shelling.txt"
    items = list(read_inputs([str(bad), str(good)]))
    rej, ok = items
    assert isinstance(rej, Rejection) and isinstance(ok, Article)
    assert rej.code == code and rej.origin == str(bad)
    assert words in rej.message.lower()
    assert "\n" not in rej.line()


def test_missing_path_and_huge_file(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as f:
        f.write(b"Shelling continued. " * 1_000_000)  # 20 MB
    items = list(read_inputs([str(tmp_path / "nope.txt"), str(huge), str(DATA / "border-shelling.txt")]))
    missing, too_big, ok = items
    assert missing.code == "FW105" and "does not exist" in missing.message
    assert too_big.code == "FW106" and "MB" in too_big.message
    assert isinstance(ok, Article)


def test_jsonl_bad_lines_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join([
        json.dumps({"id": "ok1", "text": "Troops repelled an attack near Kupiansk."}),
        "{not json",
        json.dumps(["a", "list"]),
        json.dumps({"id": "nothing"}),
        json.dumps({"text": "Protesters marched in Tbilisi.", "published": "yesterday"}),
        json.dumps({"id": "ok2", "text": "Drones hit Odesa.", "published": "2023-07-20"}),
    ]))
    items = list(read_inputs([str(path)]))
    kinds = [type(i).__name__ for i in items]
    assert kinds == ["Article", "Rejection", "Rejection", "Rejection", "Rejection", "Article"]
    assert [i.origin for i in items if isinstance(i, Rejection)] == [
        f"{path}:2", f"{path}:3", f"{path}:4", f"{path}:5"]
    assert "not valid JSON" in items[1].message
    assert "ISO date" in items[4].message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.binary(max_size=3000), kind=st.sampled_from([None, "text", "html", "jsonl"]))
def test_readers_never_raise_on_arbitrary_bytes(data: bytes, kind: str | None) -> None:
    for item in read_document(data, origin="fuzz", kind=kind):
        assert isinstance(item, (Article, Rejection))
        if isinstance(item, Article):
            assert item.id and item.text.strip()
