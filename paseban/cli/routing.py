"""`paseban routing ...`: the routing rules and the auto-forward switch."""

from __future__ import annotations

import click

from paseban.cli.common import friendly, open_context
from paseban.services.cases import routing as service


@click.group()
def routing() -> None:
    """Aturan rute dan parameter penerusan."""


@routing.command("auto-forward")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option("--actor", "actor_name", default="sistem")
@friendly
def routing_auto_forward(state: str, actor_name: str) -> None:
    """Teruskan kasus baru langsung ke OPD (on) atau tahan untuk verifikasi (off)."""

    with open_context() as ctx:
        service.set_auto_forward(ctx, state == "on", actor=actor_name)
    click.echo(f"penerusan otomatis: {state}")


@routing.command("rules")
@friendly
def routing_rules() -> None:
    """Tampilkan aturan rute (prioritas kecil menang)."""

    with open_context() as ctx:
        for r in service.list_rules(ctx):
            mark = "" if r["active"] else "  (nonaktif)"
            click.echo(f"{r['priority']:>6}  {r['name']:<32} -> {r['assign_to']}{mark}")
