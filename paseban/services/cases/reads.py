"""Cases: read with the actor's scope. Placing messages into cases lives in services.triage,
status changes in services.actions, merge and split in services.merging."""

from __future__ import annotations

import re
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.accounts import Scope
from paseban.errors import NotFound
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

TICKET_PATTERN = re.compile(r"^[A-Z]{3}-\d{4}-\d{4,6}$")


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
    statuses: list[str] | None = None,
    overdue_at: datetime | None = None,
    order: str = "newest",
    count_cap: int | None = None,
) -> tuple[list[dict[str, Any]], int]:
    """A page of cases in the scope and how many match (counted up to count_cap + 1 when given,
    so that a large city's list page stays fast). `overdue_at`: only cases whose running
    deadline passed by then. `order`: newest (opening time), deadline (earliest due first,
    cases without a deadline last) or due (only cases whose deadline is running, earliest first:
    the index on due_at answers it without sorting the city's cases)."""
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
    if statuses:
        where.append(t.cases.c.status.in_(statuses))
    if overdue_at is not None:
        where.append(t.cases.c.due_at < overdue_at)
    if order == "due":
        where.append(t.cases.c.due_at.is_not(None))
    query = _scoped(query, scope or Scope()).where(*where)
    matching = _scoped(sa.select(t.cases.c.id), scope or Scope()).where(*where)
    if count_cap is not None:
        matching = matching.limit(count_cap + 1)
    count_query = sa.select(sa.func.count()).select_from(matching.subquery())
    ordering: list[Any] = (
        [t.cases.c.opened_at.asc(), t.cases.c.id.asc()]
        if oldest_first
        else [t.cases.c.opened_at.desc(), t.cases.c.id.desc()]
    )
    if order == "deadline":
        ordering = [t.cases.c.due_at.is_(None), t.cases.c.due_at, *ordering]
    elif order == "due":
        ordering = [t.cases.c.due_at, *ordering]
    with ctx.engine.connect() as conn:
        total = int(conn.execute(count_query).scalar_one())
        rows = conn.execute(query.order_by(*ordering).limit(limit).offset(offset)).mappings()
        return [dict(r) for r in rows], total


def get_case(ctx: Context, ref: int | str, *, scope: Scope | None = None) -> dict[str, Any]:
    """One case (by id or ticket) with names, for staff; NotFound outside the scope."""
    key = t.cases.c.id == ref if isinstance(ref, int) else t.cases.c.ticket == str(ref).upper()
    rows, _ = _select_one(ctx, key, scope or Scope())
    if not rows:
        raise NotFound(f"kasus {ref} tidak ditemukan")
    return rows[0]


def _select_one(ctx: Context, where: Any, scope: Scope) -> tuple[list[dict[str, Any]], int]:
    kel = t.wilayah.alias("kel")
    kec = t.wilayah.alias("kec")
    query = (
        sa.select(
            t.cases,
            kel.c.name.label("kelurahan_name"),
            kec.c.name.label("kecamatan_name"),
            t.opds.c.name.label("opd_name"),
            t.opds.c.kind.label("opd_kind"),
            t.topics.c.name.label("topic_name"),
        )
        .select_from(
            t.cases.outerjoin(kel, kel.c.code == t.cases.c.kelurahan)
            .outerjoin(kec, kec.c.code == t.cases.c.kecamatan)
            .outerjoin(t.opds, t.opds.c.code == t.cases.c.opd)
            .outerjoin(t.topics, t.topics.c.code == t.cases.c.topic)
        )
        .where(where)
    )
    query = _scoped(query, scope)
    with ctx.engine.connect() as conn:
        rows = [dict(r) for r in conn.execute(query).mappings()]
    return rows, len(rows)


def timeline(ctx: Context, case_id: int, *, public: bool = False) -> list[dict[str, Any]]:
    """The audit trail of a case, oldest first. `public`: only what a citizen may see: status
    changes and public notes, no internal notes, no staff names."""
    with ctx.engine.connect() as conn:
        rows = [
            dict(r)
            for r in conn.execute(
                sa.select(t.case_events)
                .where(t.case_events.c.case_id == case_id)
                .order_by(t.case_events.c.at, t.case_events.c.id)
            ).mappings()
        ]
    if not public:
        return rows
    out = []
    for r in rows:
        changed = r["from_status"] is not None and r["from_status"] != r["to_status"]
        if r["action"] == "open" or changed or (r["action"] == "note" and r["public_note"]):
            data = r["data"] or {}
            out.append(
                {
                    "at": r["at"],
                    "action": r["action"],
                    "status": r["to_status"],
                    "public_note": r["public_note"],
                    "media_url": data.get("media_url") if r["public_note"] else None,
                    "opd": data.get("opd"),
                }
            )
    return out


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


def public_case(ctx: Context, ticket: str) -> dict[str, Any]:
    """What anyone may see of a case by its ticket code: status, topic, place, OPD, dates, the
    public timeline. Personal data is masked (NIK, phone, e-mail in any public text), reporters'
    names and staff names never appear, internal notes are left out."""
    from paseban.domain.cases import STATUS_LABELS, Status
    from paseban.domain.sla import STAGE_LABELS, Stage
    from paseban.nlp.mask import mask

    if not TICKET_PATTERN.match(ticket.strip().upper()):
        raise NotFound(f"tiket {ticket!r} tidak ditemukan")
    case = get_case(ctx, ticket.strip().upper())
    events = timeline(ctx, case["id"], public=True)
    with ctx.engine.connect() as conn:
        names = dict(conn.execute(sa.select(t.opds.c.code, t.opds.c.name)).all())
        merged_into = None
        if case["merged_into"]:
            merged_into = conn.execute(
                sa.select(t.cases.c.ticket).where(t.cases.c.id == case["merged_into"])
            ).scalar()
    status = Status(case["status"])
    return {
        "ticket": case["ticket"],
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "title": mask(case["title"]).text,
        "topic": case["topic"],
        "topic_name": case["topic_name"],
        "kelurahan_name": case["kelurahan_name"],
        "kecamatan_name": case["kecamatan_name"],
        "opd": case["opd"],
        "opd_name": case["opd_name"],
        "report_count": case["report_count"],
        "opened_at": case["opened_at"],
        "updated_at": case["updated_at"],
        "stage": case["stage"],
        "stage_label": STAGE_LABELS[Stage(case["stage"])] if case["stage"] else None,
        "due_at": case["due_at"],
        "public_note": mask(case["public_note"]).text if case["public_note"] else None,
        "merged_into": merged_into,
        "timeline": [
            {
                **e,
                "status_label": STATUS_LABELS[Status(e["status"])],
                "public_note": mask(e["public_note"]).text if e["public_note"] else None,
                "opd_name": names.get(e["opd"] or "") if e["opd"] else None,
            }
            for e in events
        ],
    }
