"""`paseban --help` and the commands that need no web server, model or spreadsheet start without
loading those libraries (issue 12: --help took 1.6 s). A fresh interpreter checks which modules
the CLI loads; the time itself is measured with farm-bench (docs/architecture.md), not here."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("fastapi", "uvicorn", "numpy", "scipy", "sklearn", "weasyprint", "openpyxl")


def loaded_by(code: str) -> set[str]:
    script = f"import sys\n{code}\nimport json\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", script], check=True, capture_output=True, text=True
    ).stdout
    return {name.split(".")[0] for name in json.loads(out.splitlines()[-1])}


def test_the_cli_starts_without_the_heavy_libraries() -> None:
    code = (
        "from click.testing import CliRunner\n"
        "from paseban.cli import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\n"
        "assert result.exit_code == 0 and 'serve' in result.output, result.output"
    )
    assert loaded_by(code).isdisjoint(HEAVY), loaded_by(code) & set(HEAVY)
