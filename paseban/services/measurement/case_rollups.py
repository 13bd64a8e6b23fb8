"""Roll-ups of the case lifecycle and of people's work, per local day
(services/measurement/rollups.py):

Every case counts for its kelurahan, kecamatan and OPD, for the deployment (unit `city`, code
"") and for its own city (unit `city`, its code), so a province's report counts each city apart.

- `sla_rollups`: per unit, the day a stage started, and the stage: stages finished, and those
  finished by their deadline (running stages are judged live by the queries, against `as_of`);
- `resolution_rollups`: per unit and day, every resolution (a `resolve` event), those the
  citizen confirmed and those reopened: the first of a citizen's confirmation (`close` by
  `warga`, or `confirm`) and a `reopen` after the resolution decides;
- `activity_rollups`: per person and day, public replies (inbox messages answered), case
  actions (events by people, not the system or citizens) and field visits.

A case with an event or a new stage since the cursor has every day of its stages and
resolutions rebuilt, from the case as it is now (an OPD that changed takes the figures along).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from paseban.measurement.queries import CITIZEN_ACTOR, CONFIRM_ACTIONS, SYSTEM_ACTORS, unit_keys
from paseban.services.measurement import rollups
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

s, c, e = t.case_stages.c, t.cases.c, t.case_events.c


def refresh_case_rollups(ctx: Context, *, full: bool = False) -> dict[str, int]:
    """Bring `sla_rollups` and `resolution_rollups` up to date."""
    now = ctx.now()
    with ctx.engine.begin() as conn:
        start = rollups.since(conn, "cases", full=full)
        cases = 0
        if start is None:
            rollups.clear(conn, t.sla_rollups, t.resolution_rollups)
            days = rollups.days_spanned(conn, s.started_at, ctx.tz)
            days |= rollups.days_spanned(conn, e.at, ctx.tz)
        else:
            touched = set(
                conn.execute(sa.select(e.case_id).where(e.at >= start).distinct()).scalars()
            )
            touched |= set(
                conn.execute(sa.select(s.case_id).where(s.started_at >= start).distinct()).scalars()
            )
            days = set()
            for chunk in rollups.chunks(sorted(touched)):
                for (at,) in conn.execute(sa.select(s.started_at).where(s.case_id.in_(chunk))):
                    days.add(rollups.local_day(at, ctx.tz))
                for (at,) in conn.execute(
                    sa.select(e.at).where(e.case_id.in_(chunk), e.action == "resolve")
                ):
                    days.add(rollups.local_day(at, ctx.tz))
            cases = len(touched)
        rebuild_case_days(conn, days, ctx.tz)
        rollups.move_cursor(conn, "cases", now)
    return {"cases": cases, "days": len(days)}


_later = t.case_events.alias("later")
_OUTCOME = (
    sa.select(sa.case((_later.c.action == "reopen", "reopened"), else_="confirmed"))
    .where(
        _later.c.case_id == e.case_id,
        _later.c.at >= e.at,
        sa.or_(
            _later.c.action == "reopen",
            sa.and_(_later.c.action == "close", _later.c.actor == CITIZEN_ACTOR),
            _later.c.action.in_(CONFIRM_ACTIONS),
        ),
    )
    .order_by(_later.c.at, _later.c.id)
    .limit(1)
    .scalar_subquery()
)


def rebuild_case_days(conn: sa.Connection, days: Iterable[date], tz: ZoneInfo) -> None:
    met = sa.case((s.finished_at <= s.due_at, 1), else_=0)
    days = sorted(set(days))
    for day in days:
        lo, hi = rollups.day_bounds(day, tz)
        stages: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
        for kelurahan, kecamatan, opd, city, stage, n, k in conn.execute(
            sa.select(
                c.kelurahan, c.kecamatan, c.opd, c.city, s.stage, sa.func.count(), sa.func.sum(met)
            )
            .select_from(t.case_stages.join(t.cases, c.id == s.case_id))
            .where(
                s.started_at >= lo,
                s.started_at < hi,
                s.finished_at.is_not(None),
                s.judged.is_(True),  # a stage ended by a re-assignment is nobody's to count
            )
            .group_by(c.kelurahan, c.kecamatan, c.opd, c.city, s.stage)
        ):
            for kind, code in unit_keys(kelurahan, kecamatan, opd, city):
                total = stages[kind, code, stage]
                total[0] += int(n)
                total[1] += int(k or 0)
        rollups.replace_day(
            conn,
            t.sla_rollups,
            day,
            [
                {"unit_kind": kind, "unit_code": code, "stage": stage, "finished": n, "met": k}
                for (kind, code, stage), (n, k) in stages.items()
            ],
        )
        resolutions: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        for kelurahan, kecamatan, opd, city, outcome in conn.execute(
            sa.select(c.kelurahan, c.kecamatan, c.opd, c.city, _OUTCOME)
            .select_from(t.case_events.join(t.cases, c.id == e.case_id))
            .where(e.action == "resolve", e.at >= lo, e.at < hi)
        ):
            for key in unit_keys(kelurahan, kecamatan, opd, city):
                total = resolutions[key]
                total[0] += 1
                total[1] += outcome == "confirmed"
                total[2] += outcome == "reopened"
        rollups.replace_day(
            conn,
            t.resolution_rollups,
            day,
            [
                {"unit_kind": kind, "unit_code": code, "resolved": n, "confirmed": k, "reopened": r}
                for (kind, code), (n, k, r) in resolutions.items()
            ],
        )
    rollups.roll_months(conn, t.sla_rollups, days)
    rollups.roll_months(conn, t.resolution_rollups, days)


# --- people ---------------------------------------------------------------------------------------


def refresh_activity_rollups(ctx: Context, *, full: bool = False) -> dict[str, int]:
    """Bring `activity_rollups` up to date: the days of messages answered, case events and
    field visits recorded since the cursor are rebuilt."""
    now = ctx.now()
    m, v = t.messages.c, t.field_visits.c
    with ctx.engine.begin() as conn:
        start = rollups.since(conn, "activity", full=full)
        if start is None:
            rollups.clear(conn, t.activity_rollups)
            days = rollups.days_spanned(conn, m.handled_at, ctx.tz)
            days |= rollups.days_spanned(conn, e.at, ctx.tz)
            days |= rollups.days_spanned(conn, v.visited_at, ctx.tz)
        else:
            days = set()
            for statement in (
                sa.select(m.handled_at).where(m.handled_at >= start),
                sa.select(e.at).where(e.at >= start),
                sa.select(v.visited_at).where(v.created_at >= start),
            ):
                days |= {rollups.local_day(at, ctx.tz) for (at,) in conn.execute(statement)}
        rebuild_activity_days(conn, days, ctx.tz)
        rollups.move_cursor(conn, "activity", now)
    return {"days": len(days)}


def rebuild_activity_days(conn: sa.Connection, days: Iterable[date], tz: ZoneInfo) -> None:
    m, v = t.messages.c, t.field_visits.c
    days = sorted(set(days))
    for day in days:
        lo, hi = rollups.day_bounds(day, tz)
        people: dict[str, dict[str, Any]] = defaultdict(
            lambda: {"replies": 0, "case_actions": 0, "field_visits": 0}
        )
        for column, statement in (
            (
                "replies",
                sa.select(m.handled_by, sa.func.count())
                .where(
                    m.handled_at >= lo,
                    m.handled_at < hi,
                    m.handled_by.is_not(None),
                    m.inbox_state == "answered",
                )
                .group_by(m.handled_by),
            ),
            (
                "case_actions",
                sa.select(e.actor, sa.func.count())
                .where(e.at >= lo, e.at < hi, e.actor.not_in(SYSTEM_ACTORS))
                .group_by(e.actor),
            ),
            (
                "field_visits",
                sa.select(v.officer, sa.func.count())
                .where(v.visited_at >= lo, v.visited_at < hi)
                .group_by(v.officer),
            ),
        ):
            for name, n in conn.execute(statement):
                people[name][column] += int(n)
        rollups.replace_day(
            conn,
            t.activity_rollups,
            day,
            [{"username": name, **figures} for name, figures in people.items()],
        )
    rollups.roll_months(conn, t.activity_rollups, days)
