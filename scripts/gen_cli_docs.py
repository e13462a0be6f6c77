"""Regenerate docs/cli.md from the CLI's own help (run after changing a command).

tests/test_docs.py fails when a command or option is missing from docs/cli.md.
"""

from __future__ import annotations

from pathlib import Path

import click

from frontwire.cli import main

HEADER = """# Command line

`frontwire` is a thin layer over the library: each command parses its arguments and calls a
function that programs can call directly (`frontwire.jobs.ingest`, `frontwire.evaluation.evaluate`,
`frontwire.store.list_events`, ...). Errors a user can fix print one line naming the file (and
line) with the fix; exit code 0 when anything was processed, 1 when nothing could be or a
systemic failure (out of memory, a broken model) stopped the run, 2 for a usage error. `-` as a
path reads standard input. This page is generated from the commands' help by
`python scripts/gen_cli_docs.py`.
"""


def walk(group: click.Group, prefix: str) -> list[tuple[str, click.Command]]:
    out = []
    for name in sorted(group.commands):
        cmd = group.commands[name]
        out.append((f"{prefix} {name}", cmd))
        if isinstance(cmd, click.Group):
            out.extend(walk(cmd, f"{prefix} {name}"))
    return out


def render() -> str:
    parts = [HEADER]
    for path, cmd in walk(main, "frontwire"):
        ctx = click.Context(cmd, info_name=path)
        parts.append(f"\n## {path}\n\n```\n{cmd.get_help(ctx)}\n```\n")
    return "".join(parts)


if __name__ == "__main__":
    Path(__file__).resolve().parents[1].joinpath("docs", "cli.md").write_text(render())
