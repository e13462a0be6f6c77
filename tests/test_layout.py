"""The layout's import rules (docs/architecture.md), and a light ``frontwire --help``."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"
PKG = SRC / "frontwire"

STAGES = ("frontwire.ingest", "frontwire.clean", "frontwire.nlp", "frontwire.places",
          "frontwire.times", "frontwire.claims", "frontwire.events")
# who may not import whom: (importer prefixes, forbidden prefixes)
RULES = [
    (STAGES, ("frontwire.pipeline", "frontwire.store", "frontwire.record", "frontwire.jobs",
              "frontwire.api", "frontwire.cli", "frontwire.evaluation")),
    (("frontwire.model", "frontwire.errors", "frontwire.config", "frontwire.data",
      "frontwire.geo", "frontwire.countries", "frontwire.contract"),
     ("frontwire.pipeline", "frontwire.store", "frontwire.record", "frontwire.jobs",
      "frontwire.api", "frontwire.cli", *STAGES)),
    (("frontwire.store",), ("frontwire.pipeline", "frontwire.record", "frontwire.jobs",
                            "frontwire.api", "frontwire.cli", *STAGES)),
    (("frontwire.pipeline",), ("frontwire.store", "frontwire.record", "frontwire.jobs",
                               "frontwire.api", "frontwire.cli")),
    (("frontwire.record",), ("frontwire.jobs", "frontwire.api", "frontwire.cli")),
    (("frontwire.jobs", "frontwire.api", "frontwire.evaluation", "frontwire.web"),
     ("frontwire.cli",)),
    (("frontwire.jobs",), ("frontwire.api",)),
]


def _module(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    mod = _module(path)
    package = mod if path.name == "__init__.py" else mod.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.add(target)
            out |= {f"{target}.{a.name}" for a in node.names}
    return {m for m in out if m == "frontwire" or m.startswith("frontwire.")}


def _under(name: str, prefixes: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def test_imports_point_one_way():
    # the reader sees relative and function-level imports too
    assert "frontwire.places" in _imports(PKG / "pipeline" / "__init__.py")
    assert "frontwire.record" in _imports(PKG / "jobs" / "__init__.py")
    broken = []
    for path in PKG.rglob("*.py"):
        mod = _module(path)
        for importers, forbidden in RULES:
            if not _under(mod, importers):
                continue
            broken += [f"{mod} imports {m}" for m in sorted(_imports(path)) if _under(m, forbidden)]
    assert not broken, "\n".join(broken)


def test_nothing_outside_the_cli_imports_it():
    users = [f"{_module(p)}" for p in PKG.rglob("*.py")
             if not _under(_module(p), ("frontwire.cli", "frontwire.__main__"))
             and any(_under(m, ("frontwire.cli",)) for m in _imports(p))]
    assert not users


def test_help_loads_no_language_model():
    code = ("import sys; from frontwire.cli import main\n"
            "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
            "heavy = sorted(m for m in ('spacy', 'thinc', 'torch', 'ray') if m in sys.modules)\n"
            "print('HEAVY', heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout, out.stdout[-300:]
    assert "extract" in out.stdout and "serve" in out.stdout


def test_import_frontwire_is_light_but_public_names_work():
    code = ("import sys, frontwire\nassert 'spacy' not in sys.modules\n"
            "assert frontwire.Pipeline.__name__ == 'Pipeline' and callable(frontwire.extract)\n"
            "assert 'spacy' in sys.modules\nprint(frontwire.__version__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip()[0].isdigit()
