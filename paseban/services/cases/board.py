"""Read models for the case pages: one case with its reports and timeline, the status board,
the OPD queue and the map's counts per kelurahan. Everything is filtered by the actor's scope;
each page costs a fixed number of queries, however many rows it shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.accounts import Scope
from paseban.domain.auth import Actor, Permission
from paseban.domain.cases import OPEN, Status
from paseban.errors import Forbidden, NotFound
from paseban.services.cases import reads as case_service
from paseban.services.cases.reads import _scoped
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

BOARD_STATUSES: tuple[Status, ...] = (
    Status.RECEIVED,
    Status.VERIFIED,
    Status.FORWARDED,
    Status.IN_PROGRESS,
    Status.RESOLVED,
)
OPEN_VALUES = [s.value for s in OPEN]


def get_case(ctx: Context, actor: Actor, ticket: str) -> dict[str, Any]:
    """One case by ticket, if it lies in the actor's area (403 otherwise)."""
    if not actor.can(Permission.CASES_READ):
        raise Forbidden("peran Anda tidak mengizinkan membaca kasus")
    kel = t.wilayah.alias("kel")
    kec = t.wilayah.alias("kec")
    query = (
        sa.select(
            t.cases,
            kel.c.name.label("kelurahan_name"),
            kec.c.name.label("kecamatan_name"),
            t.opds.c.name.label("opd_name"),
            t.topics.c.name.label("topic_name"),
        )
        .select_from(
            t.cases.outerjoin(kel, kel.c.code == t.cases.c.kelurahan)
            .outerjoin(kec, kec.c.code == t.cases.c.kecamatan)
            .outerjoin(t.opds, t.opds.c.code == t.cases.c.opd)
            .outerjoin(t.topics, t.topics.c.code == t.cases.c.topic)
        )
        .where(t.cases.c.ticket == ticket.upper())
    )
    with ctx.engine.connect() as conn:
        row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFound(f"kasus {ticket} tidak ada")
    if not actor.scope.covers_case(
        kelurahan=row["kelurahan"], kecamatan=row["kecamatan"], opd=row["opd"]
    ):
        raise Forbidden(f"kasus {row['ticket']} di luar wilayah atau OPD Anda")
    return dict(row)


def tickets_of(ctx: Context, ids: list[int | None]) -> dict[int, str]:
    """Ticket codes of some cases by id (a merged case's target, a split case's origin); no
    query when there is none to look up."""
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.cases.c.id, t.cases.c.ticket).where(t.cases.c.id.in_(wanted))
        )
        return {int(r.id): str(r.ticket) for r in rows}


def reports(ctx: Context, case_id: int) -> list[dict[str, Any]]:
    """The citizen messages that joined the case (masked text only)."""
    return case_service.case_messages(ctx, case_id)


def timeline(ctx: Context, case_id: int) -> list[dict[str, Any]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.case_events)
            .where(t.case_events.c.case_id == case_id)
            .order_by(t.case_events.c.at, t.case_events.c.id)
        ).mappings()
        return [dict(r) for r in rows]


@dataclass(frozen=True)
class Column:
    status: Status
    rows: list[dict[str, Any]]
    total: int


def board(
    ctx: Context,
    scope: Scope,
    *,
    per_column: int = 10,
    count_cap: int = 10_000,
    **filters: Any,
) -> list[Column]:
    """The status board: the newest cases of each working status, and how many there are."""
    columns = []
    for status in BOARD_STATUSES:
        rows, total = case_service.list_cases(
            ctx, scope=scope, status=status.value, limit=per_column, count_cap=count_cap, **filters
        )
        columns.append(Column(status, rows, total))
    return columns


# an OPD's queue by stage: the work (forwarded, in progress), the cases waiting for the citizen's
# confirmation, and those routed to the OPD that Diskominfo has not forwarded yet
QUEUE_STAGES: dict[str, tuple[Status, ...]] = {
    "kerja": (Status.FORWARDED, Status.IN_PROGRESS),
    "konfirmasi": (Status.RESOLVED,),
    "belum": (Status.RECEIVED, Status.VERIFIED),
}


def opd_queue(
    ctx: Context,
    scope: Scope,
    opd: str,
    *,
    stage: str = "kerja",
    overdue_at: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """An OPD's cases at one stage, the earliest deadline first (then the longest open)."""
    return case_service.list_cases(
        ctx,
        scope=scope,
        opd=opd,
        statuses=[s.value for s in QUEUE_STAGES[stage]],
        overdue_at=overdue_at,
        order="deadline",
        oldest_first=True,
        limit=limit,
        offset=offset,
        count_cap=10_000,
    )


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    kecamatan: str
    lat: float
    lon: float
    total: int
    open: int
    urgent: int


def map_counts(
    ctx: Context,
    scope: Scope,
    *,
    topic: str | None = None,
    since: datetime | None = None,
) -> tuple[list[Place], int]:
    """Cases per kelurahan (with the kelurahan's centre), and how many have no kelurahan."""
    open_case = sa.case((t.cases.c.status.in_(OPEN_VALUES), 1), else_=0)
    urgent = sa.case(
        (sa.and_(t.cases.c.status.in_(OPEN_VALUES), t.cases.c.urgency == "darurat"), 1), else_=0
    )
    query = _scoped(
        sa.select(
            t.cases.c.kelurahan,
            sa.func.count().label("total"),
            sa.func.sum(open_case).label("open"),
            sa.func.sum(urgent).label("urgent"),
        ),
        scope,
    ).group_by(t.cases.c.kelurahan)
    if topic:
        query = query.where(t.cases.c.topic == topic)
    if since is not None:
        query = query.where(t.cases.c.opened_at >= since)
    kec = t.wilayah.alias("kec")
    with ctx.engine.connect() as conn:
        counts = {r.kelurahan: r for r in conn.execute(query)}
        places = conn.execute(
            sa.select(
                t.wilayah.c.code,
                t.wilayah.c.name,
                t.wilayah.c.lat,
                t.wilayah.c.lon,
                kec.c.name.label("kecamatan"),
            )
            .join(kec, kec.c.code == t.wilayah.c.parent_code)
            .where(t.wilayah.c.level == 4, t.wilayah.c.lat.is_not(None))
            .order_by(t.wilayah.c.code)
        ).all()
    result = []
    for p in places:
        if not scope.covers_wilayah(p.code) and scope.opd is None:
            continue
        c = counts.get(p.code)
        result.append(
            Place(
                p.code,
                p.name,
                p.kecamatan,
                float(p.lat),
                float(p.lon),
                int(c.total) if c else 0,
                int(c.open or 0) if c else 0,
                int(c.urgent or 0) if c else 0,
            )
        )
    unplaced = counts.get(None)
    return result, int(unplaced.total) if unplaced else 0


def opd_load(ctx: Context, scope: Scope) -> list[dict[str, Any]]:
    """Open cases per OPD in the scope, with the oldest one's opening time."""
    query = _scoped(
        sa.select(
            t.cases.c.opd,
            sa.func.count().label("open"),
            sa.func.min(t.cases.c.opened_at).label("oldest"),
            sa.func.sum(sa.case((t.cases.c.urgency == "darurat", 1), else_=0)).label("urgent"),
        ),
        scope,
    ).where(t.cases.c.status.in_(OPEN_VALUES))
    with ctx.engine.connect() as conn:
        counts = {r.opd: r for r in conn.execute(query.group_by(t.cases.c.opd))}
        opds = conn.execute(
            sa.select(t.opds.c.code, t.opds.c.name, t.opds.c.kind).order_by(t.opds.c.code)
        ).all()
    result = []
    for o in opds:
        if scope.opd is not None and o.code != scope.opd:
            continue
        c = counts.get(o.code)
        result.append(
            {
                "code": o.code,
                "name": o.name,
                "kind": o.kind,
                "open": int(c.open) if c else 0,
                "urgent": int(c.urgent or 0) if c else 0,
                "oldest": c.oldest if c else None,
            }
        )
    unrouted = counts.get(None)
    if unrouted is not None and scope.opd is None:
        result.append(
            {
                "code": "",
                "name": "Belum dirutekan",
                "kind": "",
                "open": int(unrouted.open),
                "urgent": int(unrouted.urgent or 0),
                "oldest": unrouted.oldest,
            }
        )
    return sorted(result, key=lambda r: (-r["open"], r["code"]))
