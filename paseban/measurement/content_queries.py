"""The SQL behind the content figures of a period: posts and their interactions per account,
posting weeks, the last post, campaigns posted, follower growth."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa

from paseban.measurement import kpis
from paseban.measurement.kpis import (
    Growth,
)
from paseban.measurement.periods import Period
from paseban.storage import tables as t


def post_stats(conn: sa.Connection, lo: datetime, hi: datetime) -> dict[int, dict[str, Any]]:
    p = t.post_metrics.c
    with_reach = p.reach > 0
    inter = p.likes + p.comments + p.shares + p.saves
    rows = conn.execute(
        sa.select(
            p.account_id,
            sa.func.count().label("posts"),
            sa.func.sum(sa.case((with_reach, inter), else_=0)).label("interactions"),
            sa.func.sum(sa.case((with_reach, p.reach), else_=0)).label("reach"),
            sa.func.sum(sa.case((with_reach, 1), else_=0)).label("with_reach"),
            sa.func.sum(sa.case((p.views > 0, p.views), else_=0)).label("views"),
            sa.func.count(p.program).label("program"),
        )
        .where(p.posted_at >= lo, p.posted_at < hi)
        .group_by(p.account_id)
    )
    return {r.account_id: r._asdict() for r in rows}


def post_weeks(conn: sa.Connection, period: Period) -> dict[int, dict[int, int]]:
    """Posts per account and 7-day block of the period (kpis.block_of), counted in SQL."""
    p = t.post_metrics.c
    if conn.dialect.name == "postgresql":
        offset: Any = p.posted_on - sa.literal(period.start, sa.Date)
    else:
        offset = sa.cast(
            sa.func.julianday(p.posted_on) - sa.func.julianday(sa.literal(period.start, sa.Date)),
            sa.Integer,
        )
    week = (offset // 7).label("week")
    last = kpis.weekly_blocks(period) - 1  # a short last block joins the one before
    out: dict[int, dict[int, int]] = defaultdict(dict)
    for account_id, raw, n in conn.execute(
        sa.select(p.account_id, week, sa.func.count())
        .where(p.posted_on >= period.start, p.posted_on <= period.end)
        .group_by(p.account_id, week)
    ):
        block = min(int(raw), last)
        out[account_id][block] = out[account_id].get(block, 0) + int(n)
    return out


def last_posts(conn: sa.Connection, hi: datetime) -> dict[int, datetime]:
    p = t.post_metrics.c
    return dict(
        conn.execute(
            sa.select(p.account_id, sa.func.max(p.posted_at))
            .where(p.posted_at < hi)
            .group_by(p.account_id)
        ).all()
    )


def campaigns_posted(conn: sa.Connection, lo: datetime, hi: datetime) -> dict[int, set[str]]:
    p = t.post_metrics.c
    out: dict[int, set[str]] = defaultdict(set)
    for account_id, campaign in conn.execute(
        sa.select(p.account_id, p.campaign)
        .where(p.posted_at >= lo, p.posted_at < hi, p.campaign.is_not(None))
        .distinct()
    ):
        out[account_id].add(campaign)
    return out


def follower_growth(conn: sa.Connection, period: Period) -> dict[int, Growth]:
    """F_start and F_end per account (kpis.follower_growth's rule) with two window queries."""
    s = t.account_snapshots.c
    known = s.followers.is_not(None)

    def last_on_or_before(day: date, since: date | None = None) -> dict[int, int]:
        cond = [known, s.day <= day] + ([s.day >= since] if since else [])
        ranked = (
            sa.select(
                s.account_id,
                s.followers,
                sa.func.row_number()
                .over(partition_by=s.account_id, order_by=s.day.desc())
                .label("rn"),
            )
            .where(*cond)
            .subquery()
        )
        return dict(
            conn.execute(
                sa.select(ranked.c.account_id, ranked.c.followers).where(ranked.c.rn == 1)
            ).all()
        )

    def first_inside() -> dict[int, int]:
        ranked = (
            sa.select(
                s.account_id,
                s.followers,
                sa.func.row_number()
                .over(partition_by=s.account_id, order_by=s.day.asc())
                .label("rn"),
            )
            .where(known, s.day >= period.start, s.day <= period.end)
            .subquery()
        )
        return dict(
            conn.execute(
                sa.select(ranked.c.account_id, ranked.c.followers).where(ranked.c.rn == 1)
            ).all()
        )

    end = last_on_or_before(period.end, period.start)
    start = last_on_or_before(period.start)
    fallback = first_inside()
    return {
        a: Growth(start.get(a, fallback.get(a)), f_end)
        for a, f_end in end.items()
        if start.get(a, fallback.get(a)) is not None
    }
