"""The error catalogue: one class per code, one meaning per code, no code written elsewhere."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

from frontwire import errors

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "frontwire"
CODE = re.compile(r"\bFW\d{3}\b")


def _table_script():
    spec = importlib.util.spec_from_file_location("errors_table", ROOT / "scripts" / "errors_table.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_each_code_has_one_class():
    classes = _table_script().catalogue()
    codes = [c.code for c in classes]
    assert len(classes) > 20
    assert len(codes) == len(set(codes)), sorted(c for c in codes if codes.count(c) > 1)
    assert all(CODE.fullmatch(c) for c in codes)


def test_no_code_literal_outside_the_catalogue():
    offenders = []
    for path in SRC.rglob("*"):
        if path.suffix not in {".py", ".js", ".yaml", ".json", ".html"} or path == SRC / "errors.py":
            continue
        if "vendor" in path.parts:
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            if CODE.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not offenders, "FW codes belong in errors.py only:\n" + "\n".join(offenders)


def test_no_error_class_with_a_code_outside_the_catalogue():
    found = []
    for path in SRC.rglob("*.py"):
        if path == SRC / "errors.py":
            continue
        text = path.read_text(encoding="utf-8")
        for m in re.finditer(r"^\s+code\s*=\s*['\"]", text, re.MULTILINE):
            found.append(f"{path.relative_to(ROOT)}:{text[:m.start()].count(chr(10)) + 1}")
    assert not found, found


def test_docs_table_matches_the_module():
    script = _table_script()
    page = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    assert script.render(page) == page, "run: python scripts/errors_table.py"
    for cls in script.catalogue():
        assert f"| {cls.code} | `{cls.__name__}` |" in page
        assert "Fix:" in (cls.__doc__ or ""), f"{cls.__name__} docstring says no fix"


def test_rejection_codes_come_from_classes():
    from frontwire.model import Rejection

    rej = Rejection(origin="a.txt", stage="ingest", code=errors.EmptyInput.code, message="is empty")
    assert rej.line() == "a.txt: FW101 is empty"
    assert errors.EmptyInput("is empty", origin="a.txt").code == rej.code
