"""Declared charsets: Ukrainian and Russian pages in Windows-1251 and KOI8 come out as Cyrillic.

Real bytes in every case: HTML files with ``<meta charset>`` and with no declaration at all,
a WARC record whose HTTP header alone declares the charset, and a page fetched from a
127.0.0.1 server that declares it only in its Content-Type header.
"""

from __future__ import annotations

import io
import json
from http.server import BaseHTTPRequestHandler
from pathlib import Path

import pytest
from site_helpers import Site

from frontwire.ingest import decode_bytes, read_inputs
from frontwire.ingest.readers import article_from_html
from frontwire.jobs.feeds import Fetcher
from frontwire.model import Article

UK = ("Російські війська вночі обстріляли Херсон з артилерії, загинули двоє цивільних мешканців "
      "міста, повідомив голова обласної військової адміністрації. Їхні будинки зруйновано, "
      "ґанок школи і подвір'я лікарні пошкоджено, рятувальники працюють на місці.")
RU = ("Российские войска ночью обстреляли Херсон из артиллерии, погибли двое мирных жителей "
      "города, сообщил глава областной военной администрации. Их дома разрушены, повреждены "
      "школа и больница, спасатели работают на месте, сообщили в ведомстве.")
# (language, text, encoding, how the page names the encoding)
CASES = [("uk", UK, "cp1251", "windows-1251"), ("uk", UK, "koi8-u", "koi8-u"),
         ("ru", RU, "cp1251", "windows-1251"), ("ru", RU, "koi8-r", "koi8-r"),
         ("ru", RU, "koi8-u", "koi8-u")]
IDS = [f"{lang}-{enc}" for lang, _, enc, _ in CASES]


def _page(text: str, head: str = "") -> str:
    return (f"<!doctype html><html><head>{head}<title>Херсон</title></head><body><article>"
            f"<h1>Херсон</h1><p>{text}</p></article></body></html>")


def _one(items: list) -> Article:
    assert len(items) == 1 and isinstance(items[0], Article), items
    return items[0]


@pytest.mark.parametrize(("lang", "text", "enc", "label"), CASES, ids=IDS)
def test_html_file_with_meta_charset(tmp_path: Path, lang: str, text: str, enc: str,
                                     label: str) -> None:
    path = tmp_path / f"{lang}.html"
    path.write_bytes(_page(text, f'<meta charset="{label}">').encode(enc))
    assert text in _one(list(read_inputs([str(path)]))).text


@pytest.mark.parametrize(("lang", "text", "enc", "label"), CASES, ids=IDS)
def test_html_file_with_http_equiv(tmp_path: Path, lang: str, text: str, enc: str,
                                   label: str) -> None:
    path = tmp_path / f"{lang}.htm"
    head = f'<meta http-equiv="Content-Type" content="text/html; charset={label}">'
    path.write_bytes(_page(text, head).encode(enc))
    assert text in _one(list(read_inputs([str(path)]))).text


@pytest.mark.parametrize(("lang", "text", "enc", "label"), CASES, ids=IDS)
def test_undeclared_html_and_text_files_are_detected(tmp_path: Path, lang: str, text: str,
                                                     enc: str, label: str) -> None:
    html, plain = tmp_path / f"{lang}.html", tmp_path / f"{lang}.txt"
    html.write_bytes(_page(text).encode(enc))
    plain.write_bytes(text.encode(enc))
    assert text in _one(list(read_inputs([str(html)]))).text
    assert _one(list(read_inputs([str(plain)]))).text == text


@pytest.mark.parametrize(("lang", "text", "enc", "label"), CASES, ids=IDS)
def test_warc_record_declaring_only_in_its_http_header(tmp_path: Path, lang: str, text: str,
                                                       enc: str, label: str) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as fh:
        w = WARCWriter(fh, gzip=True)
        http = StatusAndHeaders("200 OK", [("Content-Type", f"text/html; charset={label}")],
                                protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(
            "https://news.example/kherson", "response", payload=io.BytesIO(_page(text).encode(enc)),
            http_headers=http, warc_headers_dict={"WARC-Date": "2023-03-03T10:00:00Z"}))
    art = _one(list(read_inputs([str(path)])))
    assert text in art.text and art.url == "https://news.example/kherson"


def test_declaration_wins_over_the_detector() -> None:
    """KOI8-U bytes of Ukrainian text, declared in the header; without it a guess could differ."""
    data = _page(UK).encode("koi8-u")
    got = decode_bytes(data, origin="x", content_type="text/html; charset=KOI8-U")
    assert UK in got
    assert "<title>Херсон</title>" in got


def test_a_declaration_the_bytes_do_not_fit_is_passed_over() -> None:
    data = _page(RU, '<meta charset="utf-8">').encode("cp1251")  # stale meta, cp1251 bytes
    assert RU in decode_bytes(data, origin="x")


def test_jsonl_ignores_a_meta_charset_inside_a_record(tmp_path: Path) -> None:
    path = tmp_path / "wire.jsonl"
    rec = {"id": "a", "html": _page(UK, '<meta charset="windows-1251">')}
    path.write_text(json.dumps(rec, ensure_ascii=False) + "\n", encoding="utf-8")
    assert UK in _one(list(read_inputs([str(path)]))).text


class _PageServer(Site):
    """127.0.0.1: /page.html is sent in ``enc`` with the charset only in Content-Type."""

    def __init__(self, body: bytes, content_type: str) -> None:
        super().__init__()
        self.body, self.content_type = body, content_type
        self.thread.start()

    def route(self, req: BaseHTTPRequestHandler) -> tuple[int, bytes, dict[str, str]]:
        if req.path == "/robots.txt":
            return 404, b"", {"Content-Type": "text/plain"}
        return 200, self.body, {"Content-Type": self.content_type}

    def close(self) -> None:
        self.__exit__()


@pytest.mark.parametrize(("lang", "text", "enc", "label"), CASES, ids=IDS)
def test_fetched_page_declaring_in_its_header(lang: str, text: str, enc: str,
                                              label: str) -> None:
    server = _PageServer(_page(text).encode(enc), f"text/html; charset={label}")
    fetcher = Fetcher(min_interval=0, retries=0, timeout=10)
    try:
        got = fetcher.get(server.base + "/page.html")
        url = server.base + "/page.html"
        art = article_from_html(got.page_text(origin=url), origin=url, url=url)
    finally:
        fetcher.close()
        server.close()
    assert got.status == 200
    assert text in art.text
