"""Docs tested against code: every command and option documented, every contract field described."""

from __future__ import annotations

import re
from pathlib import Path

import click
import pytest

from frontwire.cli import main
from frontwire.contract import output_schema

ROOT = Path(__file__).resolve().parents[1]


def _commands(group: click.Group, prefix: str = "frontwire"):
    for name, cmd in group.commands.items():
        yield f"{prefix} {name}", cmd
        if isinstance(cmd, click.Group):
            yield from _commands(cmd, f"{prefix} {name}")


@pytest.mark.parametrize("path, cmd", list(_commands(main)), ids=lambda x: str(x))
def test_every_command_and_option_is_in_cli_md(path: str, cmd: click.Command) -> None:
    doc = (ROOT / "docs" / "cli.md").read_text()
    assert f"## {path}\n" in doc, f"{path} missing from docs/cli.md: run scripts/gen_cli_docs.py"
    section = doc.split(f"## {path}\n", 1)[1].split("\n## ", 1)[0]
    for param in cmd.params:
        for opt in getattr(param, "opts", []):
            if opt.startswith("-"):
                assert opt in section, f"{path} {opt} undocumented"


def test_every_contract_field_is_in_output_md() -> None:
    doc = (ROOT / "docs" / "output.md").read_text()
    schema = output_schema()
    names = set(schema["properties"])
    for kind in ("removed", "entities", "places", "times", "claims", "events"):
        names |= set(schema["properties"][kind]["items"]["properties"])
    missing = sorted(n for n in names if f"`{n}`" not in doc)
    assert not missing, f"docs/output.md does not describe {missing}"


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_one() -> None:
    readme = (ROOT / "README.md").read_text()
    blocks = re.findall(r"```(?:bash|sh)?\n(.*?)```", readme, flags=re.DOTALL)
    assert len(blocks) >= 2
    demo, tests = blocks[0].strip(), blocks[1].strip()
    assert "frontwire demo" in demo and "pip install" in demo
    assert "pytest" in tests
    assert tests in (ROOT / ".ci" / "run").read_text()
    assert "GeoNames" in readme and "CC BY 4.0" in readme
