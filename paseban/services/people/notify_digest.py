"""The morning digest on WhatsApp (issue 19): at the city's digest time (07:00 unless set
otherwise), each OPD officer, camat and lurah who chose WhatsApp hears how many of the cases in
their scope are due today or overdue and how many were escalated in the last day. Nothing is
sent to someone with nothing due. Once per person per day (the dedupe key), and never in the
quiet hours: a digest set inside them waits for their end."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain import officers as rules
from paseban.domain.accounts import Role
from paseban.domain.cases import Status
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.services.people.notify_whatsapp import (
    DIGEST_KEY,
    city_setting,
    queue_rows,
    whatsapp_users,
)
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

OPEN = tuple(
    s.value for s in (Status.RECEIVED, Status.VERIFIED, Status.FORWARDED, Status.IN_PROGRESS)
)
SCOPE_COLUMN = {
    Role.OPD_OFFICER.value: t.cases.c.opd,
    Role.KECAMATAN_ADMIN.value: t.cases.c.kecamatan,
    Role.KELURAHAN_ADMIN.value: t.cases.c.kelurahan,
}


def _counts(
    conn: sa.Connection, column: Any, code: str, end_of_day: datetime, since: datetime
) -> tuple[int, int]:
    c = t.cases.c
    due = conn.execute(
        sa.select(sa.func.count()).where(
            column == code, c.status.in_(OPEN), c.due_at.is_not(None), c.due_at < end_of_day
        )
    ).scalar_one()
    escalated = conn.execute(
        sa.select(sa.func.count(sa.distinct(t.case_events.c.case_id)))
        .select_from(t.case_events.join(t.cases, t.cases.c.id == t.case_events.c.case_id))
        .where(column == code, t.case_events.c.action == "escalate", t.case_events.c.at >= since)
    ).scalar_one()
    return int(due), int(escalated)


def officer_digest(ctx: Context) -> dict[str, int]:
    """Job (every 15 minutes): queue today's digests once the digest time has come."""
    local = ctx.now().astimezone(ctx.tz)
    try:
        at = rules.parse_clock(city_setting(ctx, DIGEST_KEY, rules.DEFAULT_DIGEST))
    except rules.BadHours:
        at = rules.parse_clock(rules.DEFAULT_DIGEST)
    if local.timetz().replace(tzinfo=None) < at:
        return {"queued": 0}
    end_of_day = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=ctx.tz)
    since = ctx.now() - timedelta(days=1)
    label = rules.clean(f"{rules.WEEKDAYS[local.weekday()]}, {local.day} {local:%m}/{local.year}")
    rows = []
    with ctx.engine.connect() as conn:
        people = whatsapp_users(conn, t.users.c.role.in_(tuple(SCOPE_COLUMN)))
        for person in people:
            if not person.scope_code:
                continue
            due, escalated = _counts(
                conn,
                SCOPE_COLUMN[person.role],
                person.scope_code,
                end_of_day.astimezone(UTC),
                since,
            )
            if not due and not escalated:
                continue
            rows.append(
                {
                    "user_id": person.id,
                    "kind": rules.Kind.DIGEST,
                    "template": rules.TEMPLATES[rules.Kind.DIGEST].name,
                    "params": {"header": [label], "body": [str(due), str(escalated)]},
                    "dedupe_key": f"digest:{local.date().isoformat()}:{person.id}",
                }
            )
    return {"queued": len(queue_rows(ctx, rows, kind=rules.Kind.DIGEST, urgency=None))}


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "officer_digest",
            officer_digest,
            every=timedelta(minutes=15),
            description="ringkasan pagi WhatsApp untuk petugas OPD, camat dan lurah",
        )
    ]
