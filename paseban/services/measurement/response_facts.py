"""The first response to every citizen message that needed an answer (`response_facts`, as
Chatwoot's `reporting_events`) and its roll-ups per account and day (`response_rollups`,
`response_histograms`); see services/measurement/rollups.py.

A fact is the message's account, time and intent, and its first sent public reply: the time,
the seconds on the wall clock and in business hours (the complaint clocks' WorkCalendar) and
their duration buckets. A later change of the message's intent, a human correction
(`analysis_corrections`) or a new analysis (`messages.analyzed_at`), flows through on the next
refresh: the fact is added, re-labelled or dropped, and its day is rebuilt.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from paseban.measurement import histograms
from paseban.measurement.kpis import COMPLAINT, FIRST_RESPONSE_SLA, NEEDS_REPLY
from paseban.services.cases.clocks import calendar as work_calendar
from paseban.services.measurement import rollups
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

BUCKET_COLUMNS = [f"b{i:02d}" for i in range(histograms.BUCKETS)]
_NEEDS = sorted(NEEDS_REPLY)

f, msg, o = t.response_facts.c, t.messages.c, t.outbox.c


def refresh_response_facts(ctx: Context, *, full: bool = False) -> dict[str, int]:
    """Bring the facts and the response roll-ups up to date. One transaction: a failed refresh
    leaves everything as it was, and the next one redoes it."""
    now = ctx.now()
    counts = {"added": 0, "relabelled": 0, "dropped": 0, "answered": 0, "days": 0}
    with ctx.engine.begin() as conn:
        start = rollups.since(conn, "responses", full=full)
        if start is None:
            _sync_all_facts(conn, now, counts)
            _record_replies(conn, ctx, None, counts)
            days = rollups.days_spanned(conn, f.received_at, ctx.tz)
            rollups.clear(conn, t.response_rollups, t.response_histograms)
        else:
            days, added = _sync_changed_facts(conn, start, now, ctx.tz, counts)
            replied = set(
                conn.execute(
                    sa.select(o.in_reply_to_message_id)
                    .where(
                        o.sent_at >= start,
                        o.kind == "reply",
                        o.status == "sent",
                        o.in_reply_to_message_id.is_not(None),
                    )
                    .distinct()
                ).scalars()
            )
            days |= _record_replies(conn, ctx, sorted(replied | added), counts)
        rebuild_response_days(conn, days, ctx.tz)
        counts["days"] = len(days)
        rollups.move_cursor(conn, "responses", now)
    return counts


def _sync_all_facts(conn: sa.Connection, now: datetime, counts: dict[str, int]) -> None:
    """Set-based: a fact for every message that needs an answer, none for the others, and the
    message's current intent on each."""
    missing = (
        sa.select(
            msg.id, msg.account_id, msg.posted_at, msg.intent, sa.literal(now, f.updated_at.type)
        )
        .select_from(t.messages.outerjoin(t.response_facts, f.message_id == msg.id))
        .where(f.message_id.is_(None), msg.intent.in_(_NEEDS))
    )
    total = sa.select(sa.func.count()).select_from(t.response_facts)
    before = conn.execute(total).scalar_one()
    conn.execute(
        sa.insert(t.response_facts).from_select(
            ["message_id", "account_id", "received_at", "intent", "updated_at"], missing
        )
    )
    counts["added"] += conn.execute(total).scalar_one() - before
    still_needed = sa.select(msg.id).where(msg.id == f.message_id, msg.intent.in_(_NEEDS)).exists()
    counts["dropped"] += conn.execute(sa.delete(t.response_facts).where(~still_needed)).rowcount
    current = sa.select(msg.intent).where(msg.id == f.message_id).scalar_subquery()
    counts["relabelled"] += conn.execute(
        sa.update(t.response_facts)
        .where(f.intent != current)
        .values(intent=current, updated_at=now)
    ).rowcount


def _sync_changed_facts(
    conn: sa.Connection, since: datetime, now: datetime, tz: ZoneInfo, counts: dict[str, int]
) -> tuple[set[date], set[int]]:
    """Messages analysed or corrected since `since`: add, re-label or drop their facts.
    Returns the local days touched and the ids of the facts added."""
    c = t.analysis_corrections.c
    ids = set(conn.execute(sa.select(msg.id).where(msg.analyzed_at >= since)).scalars())
    ids |= set(
        conn.execute(
            sa.select(c.message_id).where(c.at >= since, c.field == "intent").distinct()
        ).scalars()
    )
    days: set[date] = set()
    added: set[int] = set()
    for chunk in rollups.chunks(sorted(ids)):
        messages = conn.execute(
            sa.select(msg.id, msg.account_id, msg.posted_at, msg.intent).where(msg.id.in_(chunk))
        ).all()
        facts = {
            r.message_id: r
            for r in conn.execute(
                sa.select(f.message_id, f.intent, f.received_at).where(f.message_id.in_(chunk))
            )
        }
        new, relabel, drop = [], [], []
        for m in messages:
            fact = facts.get(m.id)
            needs = m.intent in NEEDS_REPLY
            if needs and fact is None:
                new.append(
                    {
                        "message_id": m.id,
                        "account_id": m.account_id,
                        "received_at": m.posted_at,
                        "intent": m.intent,
                        "updated_at": now,
                    }
                )
                added.add(m.id)
                days.add(rollups.local_day(m.posted_at, tz))
            elif not needs and fact is not None:
                drop.append(m.id)
                days.add(rollups.local_day(fact.received_at, tz))
            elif needs and fact is not None and fact.intent != m.intent:
                relabel.append({"b_id": m.id, "b_intent": m.intent})
                days.add(rollups.local_day(fact.received_at, tz))
        if new:
            conn.execute(sa.insert(t.response_facts), new)
        if drop:
            conn.execute(sa.delete(t.response_facts).where(f.message_id.in_(drop)))
        if relabel:
            conn.execute(
                sa.update(t.response_facts)
                .where(f.message_id == sa.bindparam("b_id"))
                .values(intent=sa.bindparam("b_intent"), updated_at=now),
                relabel,
            )
        counts["added"] += len(new)
        counts["dropped"] += len(drop)
        counts["relabelled"] += len(relabel)
    return days, added


def _record_replies(
    conn: sa.Connection, ctx: Context, message_ids: Sequence[int] | None, counts: dict[str, int]
) -> set[date]:
    """The first sent public reply of each fact (all facts, or those of `message_ids`): its time,
    the wall-clock and business-hour seconds, and their buckets. Returns the days touched."""
    batches: Iterable[list[int] | None] = (
        [None] if message_ids is None else rollups.chunks(message_ids)
    )
    calendar = work_calendar(conn, ctx)
    days: set[date] = set()
    for chunk in batches:
        first = sa.select(
            o.in_reply_to_message_id.label("mid"), sa.func.min(o.sent_at).label("sent_at")
        ).where(o.kind == "reply", o.status == "sent", o.sent_at.is_not(None))
        if chunk is not None:
            first = first.where(o.in_reply_to_message_id.in_(chunk))
        sub = first.group_by(o.in_reply_to_message_id).subquery()
        rows = conn.execute(
            sa.select(f.message_id, f.received_at, sub.c.sent_at)
            .join(sub, sub.c.mid == f.message_id)
            .where(sa.or_(f.first_reply_at.is_(None), f.first_reply_at != sub.c.sent_at))
        ).all()
        if not rows:
            continue
        updates = []
        for r in rows:
            wall = max(0, int((r.sent_at - r.received_at).total_seconds()))
            business = calendar.working_seconds_between(r.received_at, r.sent_at)
            updates.append(
                {
                    "b_id": r.message_id,
                    "b_reply": r.sent_at,
                    "b_wall": wall,
                    "b_business": business,
                    "b_wall_bucket": histograms.bucket_of(wall),
                    "b_business_bucket": histograms.bucket_of(business),
                }
            )
            days.add(rollups.local_day(r.received_at, ctx.tz))
        conn.execute(
            sa.update(t.response_facts)
            .where(f.message_id == sa.bindparam("b_id"))
            .values(
                first_reply_at=sa.bindparam("b_reply"),
                wall_seconds=sa.bindparam("b_wall"),
                business_seconds=sa.bindparam("b_business"),
                wall_bucket=sa.bindparam("b_wall_bucket"),
                business_bucket=sa.bindparam("b_business_bucket"),
                updated_at=ctx.now(),
            ),
            updates,
        )
        counts["answered"] += len(updates)
    return days


def rebuild_response_days(conn: sa.Connection, days: Iterable[date], tz: ZoneInfo) -> None:
    """Recompute the response roll-ups of whole local days from the facts, then the monthly rows
    of the months those days fall in."""
    sla_seconds = int(FIRST_RESPONSE_SLA.total_seconds())
    answered = f.first_reply_at.is_not(None)
    figures = [
        sa.func.count().label("needing"),
        sa.func.count(f.first_reply_at).label("answered"),
        sa.func.sum(sa.case((f.intent == COMPLAINT, 1), else_=0)).label("complaints"),
        sa.func.sum(sa.case((sa.and_(f.intent == COMPLAINT, ~answered), 1), else_=0)).label(
            "complaints_unanswered"
        ),
        sa.func.sum(sa.case((sa.and_(answered, f.wall_seconds <= sla_seconds), 1), else_=0)).label(
            "answered_within_sla"
        ),
    ]
    days = sorted(set(days))
    for day in days:
        lo, hi = rollups.day_bounds(day, tz)
        in_day = [f.received_at >= lo, f.received_at < hi]
        counts = [
            r._asdict()
            for r in conn.execute(
                sa.select(f.account_id, *figures).where(*in_day).group_by(f.account_id)
            )
        ]
        rollups.replace_day(conn, t.response_rollups, day, counts)
        hist: dict[tuple[int, str], list[int]] = {}
        if counts:
            for clock, column in (("wall", f.wall_bucket), ("business", f.business_bucket)):
                for account_id, bucket, n in conn.execute(
                    sa.select(f.account_id, column, sa.func.count())
                    .where(*in_day, column.is_not(None))
                    .group_by(f.account_id, column)
                ):
                    hist.setdefault((account_id, clock), [0] * histograms.BUCKETS)[bucket] += n
        rollups.replace_day(
            conn,
            t.response_histograms,
            day,
            [
                {
                    "account_id": account_id,
                    "clock": clock,
                    **dict(zip(BUCKET_COLUMNS, values, strict=True)),
                }
                for (account_id, clock), values in hist.items()
            ],
        )
    rollups.roll_months(conn, t.response_rollups, days)
    rollups.roll_months(conn, t.response_histograms, days)
