"""Write docs/cli.md from the CLI's own help text (a test checks it is current).

.venv/bin/python scripts/cli_docs.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paseban.cli import cli  # noqa: E402


def walk(command: click.Command, path: list[str]) -> list[tuple[list[str], click.Command]]:
    out = [(path, command)]
    if isinstance(command, click.Group):
        for name in sorted(command.commands):
            out += walk(command.commands[name], [*path, name])
    return out


def render() -> str:
    parts = [
        "# CLI reference\n",
        "Generated from the commands' help by `scripts/cli_docs.py`; do not edit by hand.\n",
        "Long commands (`ingest`, every `... import`, `model train`, `model evaluate`, `report`,\n"
        "`backup`, `restore`) draw a progress bar with counts and time left on stderr when it is\n"
        "a terminal; in a pipe, a cron job or a log they print their results and nothing else.\n",
    ]
    for path, command in walk(cli, ["paseban"]):
        ctx = click.Context(
            command, info_name=" ".join(path), terminal_width=100, max_content_width=100
        )
        parts.append(f"## `{' '.join(path)}`\n")
        parts.append("```\n" + command.get_help(ctx).rstrip() + "\n```\n")
    return "\n".join(parts)


if __name__ == "__main__":
    (ROOT / "docs" / "cli.md").write_text(render(), encoding="utf-8")
