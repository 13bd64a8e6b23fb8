"""Cases: open or join, route, and read with the actor's scope."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.accounts import Scope
from paseban.domain.cases import OPEN, Status, ticket_code
from paseban.nlp.pipeline import Analysis
from paseban.routing.rules import route
from paseban.services import reference as ref
from paseban.storage import tables as t
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

JOIN_WINDOW = timedelta(days=7)
TITLE_CHARS = 140


def next_ticket(conn: sa.Connection, prefix: str, at_local: datetime) -> str:
    """A ticket code never handed out before: the counter only goes up, in the same transaction
    as the case it names."""
    period = f"{prefix}-{at_local:%y%m}"
    stmt = (
        insert(conn, t.ticket_counters)
        .values(period=period, last=1)
        .on_conflict_do_update(
            index_elements=["period"], set_={"last": t.ticket_counters.c.last + 1}
        )
        .returning(t.ticket_counters.c.last)
    )
    seq = int(conn.execute(stmt).scalar_one())
    return ticket_code(prefix, at_local, seq)


def routing_facts(analysis: Analysis, platform: str) -> dict[str, Any]:
    return {
        "intent": analysis.intent.label,
        "topic": analysis.topic.label,
        "urgency": analysis.urgency.label,
        "kelurahan": analysis.place.kelurahan,
        "kecamatan": analysis.place.kecamatan,
        "street": analysis.place.street,
        "landmark": analysis.place.landmark,
        "text": f" {analysis.normalized} ",
        "platform": platform,
    }


@dataclass(frozen=True)
class Placement:
    case_id: int
    ticket: str
    joined: bool


def open_or_join(
    conn: sa.Connection,
    ctx: Context,
    *,
    message_id: int,
    platform: str,
    analysis: Analysis,
    reported_at: datetime | None = None,
    sample: bool = False,
) -> Placement:
    """Join an open case about the same topic in the same place within the window, or open one.
    A new case opens at the time the citizen reported (never in the future)."""
    now = ctx.now()
    reported = min(reported_at, now) if reported_at else now
    place = analysis.place
    if place.kelurahan or place.kecamatan:
        where = [
            t.cases.c.status.in_([s.value for s in OPEN]),
            t.cases.c.topic == analysis.topic.label,
            t.cases.c.opened_at >= reported - JOIN_WINDOW,
        ]
        if place.kelurahan:
            where.append(t.cases.c.kelurahan == place.kelurahan)
        else:
            where += [t.cases.c.kelurahan.is_(None), t.cases.c.kecamatan == place.kecamatan]
        existing = conn.execute(
            sa.select(t.cases.c.id, t.cases.c.ticket)
            .where(*where)
            .order_by(t.cases.c.opened_at.desc())
        ).first()
        if existing is not None:
            conn.execute(
                sa.update(t.cases)
                .where(t.cases.c.id == existing.id)
                .values(report_count=t.cases.c.report_count + 1, updated_at=now)
            )
            conn.execute(
                sa.insert(t.case_events).values(
                    case_id=existing.id,
                    action="join",
                    from_status=None,
                    to_status=conn.execute(
                        sa.select(t.cases.c.status).where(t.cases.c.id == existing.id)
                    ).scalar_one(),
                    at=now,
                    actor="sistem",
                    note="laporan warga bergabung",
                    data={"message_id": message_id},
                )
            )
            return Placement(existing.id, existing.ticket, True)
    rule = route(routing_facts(analysis, platform), ref.active_rules(conn))
    prefix = ref.get_parameter(conn, "ticket_prefix", "PSB")
    ticket = next_ticket(conn, prefix, reported.astimezone(ctx.tz))
    title = " ".join(analysis.masked.split())[:TITLE_CHARS]
    case_id = conn.execute(
        sa.insert(t.cases)
        .values(
            ticket=ticket,
            status=Status.RECEIVED.value,
            topic=analysis.topic.label,
            urgency=analysis.urgency.label or "normal",
            kelurahan=place.kelurahan,
            kecamatan=place.kecamatan,
            opd=rule.assign_to if rule else None,
            route_rule=rule.name if rule else None,
            title=title,
            report_count=1,
            opened_at=reported,
            updated_at=now,
            version=1,
            is_sample=sample,
        )
        .returning(t.cases.c.id)
    ).scalar_one()
    conn.execute(
        sa.insert(t.case_events).values(
            case_id=case_id,
            action="open",
            from_status=None,
            to_status=Status.RECEIVED.value,
            at=now,
            actor="sistem",
            note=f"dirutekan oleh aturan {rule.name}"
            if rule
            else "tidak ada aturan rute yang cocok",
            data={"message_id": message_id, "route_rule": rule.name if rule else None},
        )
    )
    return Placement(int(case_id), ticket, False)


def _scoped(query: sa.Select[Any], scope: Scope) -> sa.Select[Any]:
    if scope.is_city:
        return query
    if scope.opd is not None:
        return query.where(t.cases.c.opd == scope.opd)
    code = scope.wilayah or ""
    if code.count(".") >= 3:  # a kelurahan: nothing lies inside it, so one index lookup does
        return query.where(t.cases.c.kelurahan == code)
    return query.where(
        sa.or_(
            t.cases.c.kelurahan == code,
            t.cases.c.kelurahan.like(f"{code}.%"),
            sa.and_(t.cases.c.kelurahan.is_(None), t.cases.c.kecamatan == code),
        )
    )


def list_cases(
    ctx: Context,
    *,
    scope: Scope | None = None,
    status: str | list[str] | None = None,
    opd: str | None = None,
    topic: str | None = None,
    kecamatan: str | None = None,
    kelurahan: str | None = None,
    urgency: str | None = None,
    opened_since: datetime | None = None,
    oldest_first: bool = False,
    limit: int = 100,
    offset: int = 0,
    count_cap: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of cases in the scope, newest first, and how many match (counted up to
    count_cap + 1 when given, so that a large city's list page stays fast)."""
    kel = t.wilayah.alias("kel")
    kec = t.wilayah.alias("kec")
    query = sa.select(
        t.cases,
        kel.c.name.label("kelurahan_name"),
        kec.c.name.label("kecamatan_name"),
        t.opds.c.name.label("opd_name"),
        t.topics.c.name.label("topic_name"),
    ).select_from(
        t.cases.outerjoin(kel, kel.c.code == t.cases.c.kelurahan)
        .outerjoin(kec, kec.c.code == t.cases.c.kecamatan)
        .outerjoin(t.opds, t.opds.c.code == t.cases.c.opd)
        .outerjoin(t.topics, t.topics.c.code == t.cases.c.topic)
    )
    where: list[Any] = []
    if isinstance(status, list):
        where.append(t.cases.c.status.in_(status))
    elif status:
        where.append(t.cases.c.status == status)
    if opd:
        where.append(t.cases.c.opd == opd)
    if topic:
        where.append(t.cases.c.topic == topic)
    if kecamatan:
        where.append(t.cases.c.kecamatan == kecamatan)
    if kelurahan:
        where.append(t.cases.c.kelurahan == kelurahan)
    if urgency:
        where.append(t.cases.c.urgency == urgency)
    if opened_since is not None:
        where.append(t.cases.c.opened_at >= opened_since)
    query = _scoped(query, scope or Scope()).where(*where)
    matching = _scoped(sa.select(t.cases.c.id), scope or Scope()).where(*where)
    if count_cap is not None:
        matching = matching.limit(count_cap + 1)
    count_query = sa.select(sa.func.count()).select_from(matching.subquery())
    order = (
        (t.cases.c.opened_at.asc(), t.cases.c.id.asc())
        if oldest_first
        else (t.cases.c.opened_at.desc(), t.cases.c.id.desc())
    )
    with ctx.engine.connect() as conn:
        total = int(conn.execute(count_query).scalar_one())
        rows = conn.execute(query.order_by(*order).limit(limit).offset(offset)).mappings()
        return [dict(r) for r in rows], total


def case_messages(ctx: Context, case_id: int) -> list[dict[str, Any]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.messages.c.id,
                t.messages.c.platform,
                t.messages.c.masked_text,
                t.messages.c.posted_at,
                t.messages.c.account_id,
                t.accounts.c.handle.label("account_handle"),
            )
            .join(t.accounts, t.accounts.c.id == t.messages.c.account_id)
            .where(t.messages.c.case_id == case_id)
            .order_by(t.messages.c.posted_at)
        ).mappings()
        return [dict(r) for r in rows]
