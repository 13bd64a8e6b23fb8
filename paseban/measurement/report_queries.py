"""The SQL behind the report's tables and the people page: complaints per kelurahan, top problems,
topics, overdue cases per OPD, the weekly series, the alerts, and what each admin did."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from paseban.domain.accounts import ROLE_LABELS, Role, scope_label
from paseban.domain.wilayah import EVERY_CITY, city_label
from paseban.measurement import histograms
from paseban.measurement.periods import Period
from paseban.measurement.queries import (
    RESPONSE_FIGURES,
    _add_counts,
    _histograms,
    _percentiles,
    _response_counts,
    in_period,
)
from paseban.measurement.recognition import AdminActivity
from paseban.storage import tables as t
from paseban.storage.deadlines import overdue


def admin_activity(
    conn: sa.Connection, period: Period, city: str | None = None
) -> list[AdminActivity]:
    """Replies, case actions and field visits of every active user in the period. In a
    province's deployment a city's report lists its city's users only, and the report of every
    city (`city` None) names each one's city (the province role's: every city)."""
    r, u = t.activity_rollups.c, t.users.c
    done = {
        name: (int(replies or 0), int(actions or 0), int(visits or 0))
        for name, replies, actions, visits in conn.execute(
            sa.select(
                r.username,
                sa.func.sum(r.replies),
                sa.func.sum(r.case_actions),
                sa.func.sum(r.field_visits),
            )
            .where(in_period(t.activity_rollups, period))
            .group_by(r.username)
        )
    }
    city_names = {
        code: city_label(name)
        for code, name in conn.execute(sa.select(t.cities.c.code, t.cities.c.name))
    }
    several = len(city_names) > 1
    active: list[sa.ColumnElement[bool]] = [u.active.is_(True)]
    if several and city is not None:
        active.append(u.city == city)
    people = {
        p.username: p
        for p in conn.execute(
            sa.select(u.username, u.full_name, u.role, u.scope_code, u.city).where(*active)
        )
    }
    # what the report shows is words: "Petugas OPD", "Dinas Lingkungan Hidup (DLH) Kota Bogor"
    areas = dict(conn.execute(sa.select(t.opds.c.code, t.opds.c.name)).all())
    areas |= {
        code: f"{kind.title()} {name}"
        for code, kind, name in conn.execute(
            sa.select(t.wilayah.c.code, t.wilayah.c.kind, t.wilayah.c.name)
        )
    }
    out = []
    for name, (replies, actions, visits) in sorted(done.items()):
        person = people.get(name)
        if person is None:
            continue
        out.append(
            AdminActivity(
                name,
                person.full_name or name,
                ROLE_LABELS.get(Role(person.role), person.role),
                scope_label(person.scope_code, areas) if person.scope_code else None,
                replies=replies,
                case_actions=actions,
                field_visits=visits,
                city=city_names.get(person.city, EVERY_CITY) if several and city is None else None,
            )
        )
    return out


def _of(city: str | None) -> sa.ColumnElement[bool]:
    """The cases of one city (None: of every city)."""
    return t.cases.c.city == city if city is not None else sa.true()


def complaints_by_kelurahan(
    conn: sa.Connection, lo: datetime, hi: datetime, city: str | None = None
) -> dict[str, int]:
    c = t.cases.c
    return {
        code: int(n)
        for code, n in conn.execute(
            sa.select(c.kelurahan, sa.func.sum(c.report_count))
            .where(c.opened_at >= lo, c.opened_at < hi, c.kelurahan.is_not(None), _of(city))
            .group_by(c.kelurahan)
        )
    }


def top_problems(
    conn: sa.Connection, lo: datetime, hi: datetime, limit: int = 10, city: str | None = None
) -> list[dict[str, Any]]:
    c = t.cases.c
    rows = conn.execute(
        sa.select(
            c.topic,
            t.topics.c.name.label("topic_name"),
            c.kelurahan,
            t.wilayah.c.name.label("kelurahan_name"),
            sa.func.count().label("cases"),
            sa.func.sum(c.report_count).label("reports"),
        )
        .select_from(
            t.cases.join(t.topics, t.topics.c.code == c.topic).join(
                t.wilayah, t.wilayah.c.code == c.kelurahan
            )
        )
        .where(c.opened_at >= lo, c.opened_at < hi, _of(city))
        .group_by(c.topic, t.topics.c.name, c.kelurahan, t.wilayah.c.name)
        .order_by(sa.desc("reports"), sa.desc("cases"), c.topic, c.kelurahan)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def topics_count(
    conn: sa.Connection, lo: datetime, hi: datetime, city: str | None = None
) -> list[dict[str, Any]]:
    c = t.cases.c
    rows = conn.execute(
        sa.select(
            c.topic,
            t.topics.c.name.label("topic_name"),
            sa.func.count().label("cases"),
            sa.func.sum(c.report_count).label("reports"),
        )
        .select_from(t.cases.join(t.topics, t.topics.c.code == c.topic))
        .where(c.opened_at >= lo, c.opened_at < hi, _of(city))
        .group_by(c.topic, t.topics.c.name)
        .order_by(sa.desc("reports"), c.topic)
    )
    return [dict(r._mapping) for r in rows]


def overdue_by_opd(
    conn: sa.Connection, as_of: datetime, city: str | None = None
) -> list[dict[str, Any]]:
    """Cases late at `as_of` by the one clock (the case's running deadline, the rule of
    `storage.deadlines.overdue`), per OPD, with the oldest deadline."""
    c = t.cases.c
    rows = conn.execute(
        sa.select(
            c.opd,
            t.opds.c.name.label("opd_name"),
            sa.func.count(c.id).label("overdue"),
            sa.func.min(c.due_at).label("oldest_due"),
        )
        .select_from(t.cases.outerjoin(t.opds, t.opds.c.code == c.opd))
        .where(overdue(c.stage, c.due_at, as_of), _of(city))
        .group_by(c.opd, t.opds.c.name)
        .order_by(sa.desc("overdue"), c.opd)
    )
    return [dict(r._mapping) for r in rows]


def within_city(code: Any, city: str | None) -> Any:
    """A wilayah code column of one city (its own code or one below it); None: every city."""
    if city is None:
        return sa.true()
    return sa.or_(code == city, code.startswith(f"{city}.", autoescape=True))


def weekly_series(
    conn: sa.Connection,
    periods: list[Period],
    tz: ZoneInfo,
    as_of: datetime,
    city: str | None = None,
) -> list[dict[str, Any]]:
    """Complaints, response rate, median first response and posts for each period (for the
    trend charts): of the whole deployment, or of one city's accounts (active or not)."""
    ours: set[int] | None = None
    if city is not None:
        ours = set(
            conn.execute(sa.select(t.accounts.c.id).where(t.accounts.c.city == city)).scalars()
        )
    out = []
    for period in periods:
        lo, hi = period.bounds(tz)
        stats = dict.fromkeys(RESPONSE_FIGURES, 0)
        for account, counts in _response_counts(conn, period, lo, hi, as_of).items():
            if ours is None or account in ours:
                stats = _add_counts(stats, counts)
        business = [0] * histograms.BUCKETS
        for (account, clock), counts_ in _histograms(conn, period).items():
            if clock == "business" and (ours is None or account in ours):
                business = histograms.add(business, counts_)
        med = _percentiles(business)
        pm = t.post_metrics.c
        posts = conn.execute(
            sa.select(sa.func.count()).where(
                pm.posted_at >= lo,
                pm.posted_at < hi,
                pm.account_id.in_(ours) if ours is not None else sa.true(),
            )
        ).scalar_one()
        out.append(
            {
                "period": period,
                "complaints": int(stats["complaints"] or 0),
                "needing": int(stats["needing"] or 0),
                "answered": int(stats["answered"] or 0),
                "median_business": med[0] if med else None,
                "posts": int(posts),
            }
        )
    return out


def alerts_list(
    conn: sa.Connection, lo: datetime, hi: datetime, *, limit: int = 500, city: str | None = None
) -> list[dict[str, Any]]:
    """The alerts raised in [lo, hi) (in one city's area when `city` is given), newest first
    (the report's section)."""
    a = t.alerts.c
    stmt = (
        sa.select(
            t.alerts,
            t.topics.c.name.label("topic_name"),
            t.wilayah.c.name.label("area_name"),
        )
        .select_from(
            t.alerts.join(t.topics, t.topics.c.code == a.topic).join(
                t.wilayah, t.wilayah.c.code == a.area
            )
        )
        .where(a.raised_at >= lo, a.raised_at < hi, within_city(a.area, city))
        .order_by(a.raised_at.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in conn.execute(stmt)]
