"""The content calendar and its pillars: what is planned, scheduled and published per account
and day, within the actor's scope, and the pillars Diskominfo sets."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.content import approvals as ap
from paseban.content.calendar import (
    DEFAULT_PILLARS,
    Day,
    Entry,
    Pillar,
    build_days,
    pillars_as_data,
    pillars_from_data,
)
from paseban.errors import Forbidden, InvalidInput
from paseban.services.content.access import (
    require_diskominfo,
    visible_accounts,
)
from paseban.services.reference import store as ref
from paseban.storage import tables as t
from paseban.storage.rows.people import AccountRow

if TYPE_CHECKING:
    from paseban.context import Context

PILLARS_KEY = "content.pillars"


def pillars(conn: sa.Connection) -> tuple[Pillar, ...]:
    stored = ref.get_parameter(conn, PILLARS_KEY)
    if not stored:
        return DEFAULT_PILLARS
    return pillars_from_data(stored)


def set_pillars(ctx: Context, who: ap.Who, rows: Sequence[Mapping[str, Any]]) -> tuple[Pillar, ...]:
    require_diskominfo(who, "mengubah pilar konten")
    try:
        parsed = pillars_from_data(rows)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with ctx.engine.begin() as conn:
        ref.set_parameter(conn, PILLARS_KEY, pillars_as_data(parsed), at=ctx.now(), actor=who.name)
    return parsed


def calendar(
    ctx: Context,
    who: ap.Who,
    *,
    start: date,
    days: int = 7,
    account_id: int | None = None,
) -> tuple[list[Day], dict[int, AccountRow]]:
    """The calendar for one account, or every account this person may see (the city view)."""
    if not 1 <= days <= 42:
        raise InvalidInput("rentang kalender 1 sampai 42 hari")
    tz = ctx.tz
    begin = datetime(start.year, start.month, start.day, tzinfo=tz)
    end = begin + timedelta(days=days)
    with ctx.engine.connect() as conn:
        accounts = {a["id"]: a for a in visible_accounts(ctx, conn, who)}
        if account_id is not None:
            if account_id not in accounts:
                raise Forbidden("Anda tidak berwenang atas akun ini")
            wanted = [account_id]
        else:
            wanted = list(accounts)
        when = sa.func.coalesce(t.content_posts.c.published_at, t.content_posts.c.scheduled_at)
        c = t.content_posts.c
        rows = conn.execute(
            sa.select(
                c.id,
                c.account_id,
                c.title,
                c.body,
                c.status,
                c.pillar,
                c.published_at,
                c.scheduled_at,
                c.planned_on,
            ).where(
                c.account_id.in_(wanted),
                c.status != ap.PostStatus.CANCELLED.value,
                sa.or_(
                    sa.and_(when >= begin, when < end),
                    sa.and_(
                        c.published_at.is_(None),
                        c.scheduled_at.is_(None),
                        c.planned_on >= start,
                        c.planned_on < start + timedelta(days=days),
                    ),
                ),
            )
        ).all()
        day_pillars = pillars(conn)
    entries = []
    for r in rows:
        at = r.published_at or r.scheduled_at
        if at is None and r.planned_on is not None:
            at = datetime(r.planned_on.year, r.planned_on.month, r.planned_on.day, 12, tzinfo=tz)
        title = r.title or " ".join(r.body.split())[:60]
        entries.append(Entry(r.id, r.account_id, title, r.status, at, r.pillar))
    return build_days(start, days, entries, day_pillars, tz), accounts
