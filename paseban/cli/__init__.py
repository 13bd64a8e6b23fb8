"""The `paseban` command: a thin layer over services, one module per command group.

`paseban = "paseban.cli:cli"` (pyproject.toml) and `python -m paseban` both start the group
below; every command group lives in its own module beside this one and is added here.
"""

from __future__ import annotations

from typing import cast

import click
from click_default_group import DefaultGroup

from paseban import __version__
from paseban.cli import (
    accounts,
    analyze,
    backup,
    cases,
    content,
    db,
    ingest,
    init,
    jobs,
    metrics,
    model,
    open311,
    outbox,
    plugins,
    report,
    routing,
    serve,
    tokens,
    users,
    worker,
)


@click.group(
    cls=cast(type[click.Group], DefaultGroup),  # untyped library: typed as the group it is
    default="serve",
    default_if_no_args=True,
)
@click.version_option(__version__, prog_name="paseban")
def cli() -> None:
    """Paseban: jejaring akun medsos kelurahan/kecamatan dan meja aduan warga."""


for command in (
    init.init,
    accounts.accounts,
    users.users,
    tokens.tokens,
    ingest.ingest,
    cases.cases,
    routing.routing,
    open311.open311,
    jobs.jobs,
    plugins.plugins,
    analyze.analyze,
    model.model,
    metrics.metrics,
    report.report,
    serve.serve,
    serve.simulate,
    ingest.poll,
    outbox.outbox,
    ingest.manual,
    content.content,
    backup.backup,
    backup.restore,
    worker.worker,
    worker.scheduler,
):
    cli.add_command(command)
cli.add_command(db.db_group, name="db")
