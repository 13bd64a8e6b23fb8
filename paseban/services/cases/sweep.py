"""The deadline sweep: a periodic job finds the clocks that ran out with one indexed query
(`case_stages.sweep_at <= now`), escalates them, and closes resolved cases nobody objected to.
Nothing is polled row by row. A built-in plugin: it registers the sweep through
`register_jobs`, every PASEBAN_SLA_SWEEP_SECONDS."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.cases import SYSTEM
from paseban.domain.sla import Level, Stage, escalation_recipients, next_level
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.services.cases import actions
from paseban.services.cases.clocks import leadership
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.cases import CaseEventRow, CaseRow

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.settings import Settings

log = logging.getLogger("paseban.sla")
SWEEP_BATCH = 500


def sweep(ctx: Context, limit: int | None = None) -> dict[str, int]:
    """Escalate every clock that ran out (`sweep_at < now`) and close resolved cases nobody
    objected to. One indexed query per batch finds the work; each batch is one transaction."""
    counts = {"escalated": 0, "auto_closed": 0, "skipped": 0}
    done = 0
    now = ctx.now()
    while limit is None or done < limit:
        size = SWEEP_BATCH if limit is None else min(SWEEP_BATCH, limit - done)
        posted: list[tuple[int, CaseEventRow]] = []
        with ctx.engine.begin() as conn:
            due = conn.execute(
                sa.select(
                    t.case_stages.c.id,
                    t.case_stages.c.case_id,
                    t.case_stages.c.stage,
                    t.case_stages.c.escalation_level,
                    t.case_stages.c.due_at,
                    t.case_stages.c.escalate_at,
                    t.case_stages.c.sweep_at,
                )
                .where(t.case_stages.c.sweep_at < now)
                .order_by(t.case_stages.c.sweep_at, t.case_stages.c.id)
                .limit(size)
            ).all()
            if not due:
                break
            cases = _cases_by_id(conn, [r.case_id for r in due])
            leaders = leadership(conn)
            for row in due:
                case = cases[row.case_id]
                if Stage(row.stage) is Stage.CONFIRM:
                    event = actions.auto_close(conn, ctx, case, at=now)
                    if event is None:
                        counts["skipped"] += 1
                        _clear(conn, row.id)
                        continue
                    counts["auto_closed"] += 1
                    posted.append((row.case_id, event))
                    continue
                event = _escalate(conn, case, row, now=now, leaders=leaders)
                if event is None:
                    counts["skipped"] += 1
                    continue
                counts["escalated"] += 1
                posted.append((row.case_id, event))
            done += len(due)
        for case_id, posted_event in posted:
            ctx.pm.hook.case_event(ctx=ctx, case_id=case_id, event=posted_event)
        if len(due) < size:
            break
    if any(counts.values()):
        log.info("sla sweep", extra={"counts": counts})
    return counts


def _cases_by_id(conn: sa.Connection, ids: list[int]) -> dict[int, CaseRow]:
    rows = conn.execute(sa.select(t.cases).where(t.cases.c.id.in_(ids))).mappings()
    return {r["id"]: row(CaseRow, r) for r in rows}


def _clear(conn: sa.Connection, stage_id: int) -> None:
    conn.execute(
        sa.update(t.case_stages).where(t.case_stages.c.id == stage_id).values(sweep_at=None)
    )


def _escalate(
    conn: sa.Connection, case: CaseRow, row: Any, *, now: datetime, leaders: list[str]
) -> CaseEventRow | None:
    """Raise the stage's escalation level by one and record who is told. The update is guarded
    by the level read, so two sweepers never escalate the same clock twice."""
    current = Level(row.escalation_level)
    level = next_level(current)
    stage = Stage(row.stage)
    sweep_at = row.escalate_at if level is Level.OPD_HEAD else None
    updated = conn.execute(
        sa.update(t.case_stages)
        .where(t.case_stages.c.id == row.id, t.case_stages.c.escalation_level == current)
        .values(escalation_level=int(level), sweep_at=sweep_at)
    ).rowcount
    if not updated or level == current:
        return None
    conn.execute(
        sa.update(t.cases).where(t.cases.c.id == case["id"]).values(escalation_level=int(level))
    )
    recipients = escalation_recipients(
        level, stage=stage, opd=case["opd"], kecamatan=case["kecamatan"], leadership=leaders
    )
    late = row.due_at
    note = (
        f"tenggat {stage.value} terlewati (jatuh tempo {late.isoformat()}); "
        f"eskalasi tingkat {int(level)} ke {', '.join(recipients)}"
    )
    data = {"level": int(level), "stage": stage.value, "recipients": recipients}
    return actions.record_event(
        conn,
        case_id=case["id"],
        action="escalate",
        from_status=case["status"],
        to_status=case["status"],
        at=now,
        actor=SYSTEM.name,
        note=note,
        data=data,
    )


@hookimpl
def register_jobs(settings: Settings) -> list[JobSpec]:
    return [
        JobSpec(
            "sla_sweep",
            sweep,
            every=timedelta(seconds=max(5, settings.sla_sweep_seconds)),
            description="eskalasi tenggat yang terlewati dan penutupan otomatis",
        )
    ]
