"""`paseban cases ...`: read cases and act on them as a named user."""

from __future__ import annotations

import click

from paseban.cli.common import friendly, open_context
from paseban.domain import fmt
from paseban.domain.accounts import Role, scope_for
from paseban.domain.cases import Actor
from paseban.services.cases import actions, reads
from paseban.services.people import accounts


@click.group()
def cases() -> None:
    """Kasus aduan."""


@cases.command("list")
@click.option("--status", default=None)
@click.option("--opd", default=None)
@click.option("--limit", default=50, show_default=True)
@friendly
def cases_list(status: str | None, opd: str | None, limit: int) -> None:
    """Tampilkan kasus terbaru."""

    with open_context() as ctx:
        rows, total = reads.list_cases(ctx, status=status, opd=opd, limit=limit)
    for r in rows:
        click.echo(
            f"{r['ticket']:<15} {r['status']:<12} {r['opd'] or '-':<18} {r['topic'] or '-':<14} "
            f"{r['report_count']:>3}x  {r['title'][:60]}"
        )
    click.echo(f"{len(rows)} dari {total} kasus")


@cases.command("show")
@click.argument("ticket")
@friendly
def cases_show(ticket: str) -> None:
    """Tampilkan satu kasus dengan tenggat dan jejak auditnya."""

    with open_context() as ctx:
        case = reads.get_case(ctx, ticket)
        events = reads.timeline(ctx, case["id"])
        click.echo(
            f"{case['ticket']}  {case['status']}  {case['opd'] or '-'}  "
            f"{case['report_count']} warga  versi {case['version']}"
        )
        if case["due_at"]:
            click.echo(
                f"tenggat {case['stage']}: {fmt.local_time(case['due_at'], ctx.tz, missing='')}"
            )
        for e in events:
            click.echo(
                f"  {fmt.local_time(e['at'], ctx.tz, missing='')}  {e['action']:<14} "
                f"{e['from_status'] or '-'} -> {e['to_status']}  {e['actor']}  {e['note'][:60]}"
            )


@cases.command("act")
@click.argument("ticket")
@click.argument("action")
@click.option("--actor", "actor_name", required=True, help="Nama pengguna yang bertindak.")
@click.option("--note", default="", help="Alasan atau catatan internal.")
@click.option("--public-note", default=None, help="Catatan untuk warga.")
@click.option("--opd", default=None, help="OPD tujuan (forward, mark_outside).")
@friendly
def cases_act(
    ticket: str, action: str, actor_name: str, note: str, public_note: str | None, opd: str | None
) -> None:
    """Lakukan aksi pada kasus (verify, forward, start, resolve, close, reject, ...)."""

    with open_context() as ctx:
        user = accounts.get_user(ctx, actor_name)
        role = Role(user["role"])
        actor = Actor(user["username"], role, scope_for(role, user["scope_code"], user["city"]))
        case = actions.act(
            ctx, ticket, action, actor=actor, note=note, public_note=public_note, opd=opd
        )
    click.echo(f"{case['ticket']}: {case['status']} (versi {case['version']})")
