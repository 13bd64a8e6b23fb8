"""`python -m tests.jobs.slow_worker worker ...`: `paseban worker` with one more job,
`analyze_slowly`, which holds while a gate file exists and then does the real analysis: a
worker can be killed while it is in the middle of it. When PASEBAN_TEST_ANNOUNCED names a file,
the worker also writes there the id of each message the `message_analyzed` hook announces."""

from __future__ import annotations

import os
import time
from pathlib import Path

from paseban import plugins
from paseban.context import Context
from paseban.hookspecs import hookimpl
from paseban.jobs import ANALYSIS, JobSpec
from paseban.services.ingest.analysis import analyze_messages
from paseban.storage.rows.ingest import AnalysisRow


def analyze_slowly(ctx: Context, ids: list[int], gate: str) -> dict[str, int]:
    folder = Path(gate)
    (folder / f"started-{os.getpid()}").touch()
    while (folder / "hold").exists():
        time.sleep(0.1)
    return analyze_messages(ctx, ids)


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [JobSpec("analyze_slowly", analyze_slowly, queue=ANALYSIS)]


@hookimpl
def message_analyzed(ctx: Context, message_id: int, analysis: AnalysisRow) -> None:
    announced = os.environ.get("PASEBAN_TEST_ANNOUNCED")
    if announced:
        with open(announced, "a") as out:
            out.write(f"{message_id} {analysis['case_id']}\n")


if __name__ == "__main__":
    vars(plugins)["DEFAULT_PLUGINS"] = (*plugins.DEFAULT_PLUGINS, "tests.jobs.slow_worker")
    from paseban.cli import cli  # imported here: after the plugin list above is extended

    cli(prog_name="paseban")
