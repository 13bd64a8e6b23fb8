"""SQL for the command centre: the rows its trends are drawn from (measurement/desk.py). Each
returns plain rows; the read side may use storage. (Its counts come from the case list's own
query, services/cases/reads, so that they match the lists they link to.)"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from paseban.storage import tables as t

e, c, s = t.case_events.c, t.cases.c, t.case_stages.c


def status_changes(conn: sa.Connection, since: datetime) -> list[tuple[datetime, str | None, str]]:
    """Every change of a case's status since then (an opening has no `from`), oldest first."""
    rows = conn.execute(
        sa.select(e.at, e.from_status, e.to_status)
        .where(e.at >= since, sa.or_(e.from_status.is_(None), e.from_status != e.to_status))
        .order_by(e.at)
    )
    return [(r.at, r.from_status, r.to_status) for r in rows]


def opened_times(conn: sa.Connection, since: datetime) -> list[datetime]:
    """When each case opened since then."""
    return list(conn.execute(sa.select(c.opened_at).where(c.opened_at >= since)).scalars())


def missed_deadlines(conn: sa.Connection, since: datetime, until: datetime) -> list[datetime]:
    """The deadlines that fell in [since, until) and were missed: the stage was still running
    when its deadline passed (finished later, or not at all)."""
    return list(
        conn.execute(
            sa.select(s.due_at).where(
                s.due_at >= since,
                s.due_at < until,
                sa.or_(s.finished_at.is_(None), s.finished_at > s.due_at),
            )
        ).scalars()
    )


def escalation_times(conn: sa.Connection, since: datetime) -> list[datetime]:
    """When a running deadline was escalated (the sweep's `escalate` events) since then."""
    return list(
        conn.execute(sa.select(e.at).where(e.action == "escalate", e.at >= since)).scalars()
    )
