"""Reading cases, always within a scope: the case list, one case with its reports and timeline,
the public view of a ticket, the status board, the OPD queue and the map's counts per kelurahan.

The scope rule of the read side is written once, as SQL (`_scoped`): every read below goes
through it, so a list and a single case can never disagree. Each page costs a fixed number of
queries, however many rows it shows. Placing messages into cases lives in `triage`, status
changes in `actions`, merge and split in `merging`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.accounts import Scope
from paseban.domain.auth import Actor, Permission
from paseban.domain.cases import OPEN, STATUS_LABELS, Status, is_ticket
from paseban.domain.sla import STAGE_LABELS, Stage, deadline
from paseban.errors import Forbidden, NotFound
from paseban.nlp.mask import mask_public
from paseban.security import tracking_key, tracking_key_ok
from paseban.services.reference import cities
from paseban.storage import tables as t
from paseban.storage.deadlines import overdue
from paseban.storage.rows import row
from paseban.storage.rows.cases import (
    CaseDetailRow,
    CaseEventRow,
    CaseListRow,
    CaseMessageRow,
    OpdLoadRow,
    PublicCaseRow,
    PublicEventRow,
    PublicTimelineRow,
)

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


def _scoped(query: sa.Select[Any], scope: Scope) -> sa.Select[Any]:
    """`Scope.covers_case` as SQL, so that a list and a single case agree with the actions'
    checks: another city's case is never seen; the case's place is its kelurahan, or its
    kecamatan when no kelurahan is known."""
    if scope.city is not None:
        query = query.where(t.cases.c.city == scope.city)
    if scope.is_city:
        return query
    if scope.opd is not None:
        return query.where(t.cases.c.opd == scope.opd)
    code = scope.wilayah or ""
    if code.count(".") >= 3:  # a kelurahan: nothing lies inside it, so one index lookup does
        return query.where(t.cases.c.kelurahan == code)
    return query.where(
        sa.or_(
            _within(t.cases.c.kelurahan, code),
            sa.and_(t.cases.c.kelurahan.is_(None), _within(t.cases.c.kecamatan, code)),
        )
    )


def _within(column: sa.Column[Any], code: str) -> sa.ColumnElement[bool]:
    """`domain.wilayah.is_within` as SQL: the code itself or one that lies inside it."""
    return sa.or_(column == code, column.startswith(f"{code}.", autoescape=True))


def _where(
    *,
    status: str | list[str] | None = None,
    opd: str | None = None,
    topic: str | None = None,
    kecamatan: str | None = None,
    kelurahan: str | None = None,
    urgency: str | None = None,
    opened_since: datetime | None = None,
    statuses: list[str] | None = None,
    overdue_at: datetime | None = None,
    escalated: bool = False,
    unrouted: bool = False,
    order: str = "newest",
) -> list[Any]:
    """The case list's filters as SQL (list_cases and count_by share them)."""
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
    if overdue_at is not None:  # the one clock's rule, as SQL
        where.append(overdue(t.cases.c.stage, t.cases.c.due_at, overdue_at))
    if escalated:
        where.append(t.cases.c.escalation_level > 0)
    if unrouted:
        where.append(t.cases.c.opd.is_(None))
    if order == "due":
        where.append(t.cases.c.due_at.is_not(None))
    return where


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
    escalated: bool = False,
    unrouted: bool = False,
    order: str = "newest",
    count_cap: int | None = None,
) -> tuple[list[CaseListRow], int]:
    """A page of cases in the scope and how many match (counted up to count_cap + 1 when given,
    so that a large city's list page stays fast). `overdue_at`: only cases whose running
    deadline passed by then; `escalated`: only cases whose running stage was escalated;
    `unrouted`: only cases no rule or person has given an OPD yet.
    `order`: newest (opening time), deadline (earliest due first, cases without a deadline
    last) or due (only cases whose deadline is running, earliest first:
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
    where = _where(
        status=status,
        opd=opd,
        topic=topic,
        kecamatan=kecamatan,
        kelurahan=kelurahan,
        urgency=urgency,
        opened_since=opened_since,
        statuses=statuses,
        overdue_at=overdue_at,
        escalated=escalated,
        unrouted=unrouted,
        order=order,
    )
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
        return [row(CaseListRow, r) for r in rows], total


GROUPS: dict[str, Any] = {"opd": t.cases.c.opd, "kecamatan": t.cases.c.kecamatan}


def count_by(
    ctx: Context, group: str, *, scope: Scope | None = None, **filters: Any
) -> dict[str | None, int]:
    """How many cases list_cases(**filters) counts, per OPD or per kecamatan (None: none known),
    in one query: the command centre's numbers per row, with the filters of the lists they link
    to."""
    column = GROUPS[group]
    query = _scoped(sa.select(column, sa.func.count()), scope or Scope()).where(*_where(**filters))
    with ctx.engine.connect() as conn:
        return {key: int(n) for key, n in conn.execute(query.group_by(column))}


def get_case(ctx: Context, ref: int | str, *, scope: Scope | None = None) -> CaseDetailRow:
    """One case (by id or ticket) with names, for staff; NotFound outside the scope."""
    key = t.cases.c.id == ref if isinstance(ref, int) else t.cases.c.ticket == str(ref).upper()
    rows = _select_cases(ctx, key, scope or Scope())
    if not rows:
        raise NotFound(f"kasus {ref} tidak ditemukan")
    return rows[0]


def case_panel(ctx: Context, actor: Actor, case_id: int | None) -> CaseDetailRow | None:
    """The case a message belongs to, for the message page's case panel (its OPD, status and
    deadline); None without a case or when the case lies outside the actor's scope."""
    if case_id is None or not actor.can(Permission.CASES_READ):
        return None
    rows = _select_cases(ctx, t.cases.c.id == case_id, actor.scope)
    return rows[0] if rows else None


def case_for(ctx: Context, actor: Actor, ticket: str) -> CaseDetailRow:
    """One case by ticket for a signed-in person (the case pages): Forbidden when it lies outside
    the actor's area (the pages audit the 403), NotFound when there is no such case."""
    if not actor.can(Permission.CASES_READ):
        raise Forbidden("peran Anda tidak mengizinkan membaca kasus")
    key = t.cases.c.ticket == ticket.upper()
    rows = _select_cases(ctx, key, actor.scope)
    if rows:
        return rows[0]
    with ctx.engine.connect() as conn:  # only on a miss: tell "not yours" from "not there"
        found = conn.execute(sa.select(t.cases.c.ticket).where(key)).scalar()
    if found is None:
        raise NotFound(f"kasus {ticket} tidak ada")
    raise Forbidden(f"kasus {found} di luar wilayah atau OPD Anda")


def _select_cases(ctx: Context, where: Any, scope: Scope) -> list[CaseDetailRow]:
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
        return [row(CaseDetailRow, r) for r in conn.execute(query).mappings()]


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


def timeline(ctx: Context, case_id: int) -> list[CaseEventRow]:
    """The audit trail of a case, oldest first."""
    with ctx.engine.connect() as conn:
        return events_of(conn, case_id)


def events_of(conn: sa.Connection, case_id: int) -> list[CaseEventRow]:
    """`timeline` on a connection the caller holds (an analysis batch tells the hooks of each
    new case without taking another connection from the pool)."""
    return [
        row(CaseEventRow, r)
        for r in conn.execute(
            sa.select(t.case_events)
            .where(t.case_events.c.case_id == case_id)
            .order_by(t.case_events.c.at, t.case_events.c.id)
        ).mappings()
    ]


def public_timeline(ctx: Context, case_id: int) -> list[PublicEventRow]:
    """Only what a citizen may see of the trail: status changes and public notes, no internal
    notes, no staff names."""
    out: list[PublicEventRow] = []
    for r in timeline(ctx, case_id):
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


def case_messages(ctx: Context, case_id: int) -> list[CaseMessageRow]:
    """The citizen messages that joined the case (masked text only)."""
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
        return [row(CaseMessageRow, r) for r in rows]


def public_case(ctx: Context, ticket: str, key: str | None = None) -> PublicCaseRow:
    """What anyone may see of a case by its ticket code and the key of its tracking link:
    status, topic, place, OPD, dates, the city's public notes, and the citizen's words with
    names, house-level addresses, NIK, phones and e-mail masked (issue 16). Reporters' names
    and staff names never appear, internal notes are left out. A wrong or missing key is the
    same 404 as an unknown ticket: sequential codes open nothing."""
    code = ticket.strip().upper()
    if not is_ticket(code) or not tracking_key_ok(ctx.settings.secret_key, code, key):
        raise NotFound(f"tiket {ticket!r} tidak ditemukan")
    case = get_case(ctx, code)
    events = public_timeline(ctx, case["id"])
    with ctx.engine.connect() as conn:
        names = dict(conn.execute(sa.select(t.opds.c.code, t.opds.c.name)).all())
        city = cities.city_of(conn, case["city"])  # a province's case says its kota/kabupaten
        merged_into = None
        if case["merged_into"]:
            merged_into = conn.execute(
                sa.select(t.cases.c.ticket).where(t.cases.c.id == case["merged_into"])
            ).scalar()
    status = Status(case["status"])
    clock = deadline(case["stage"], case["due_at"], case["escalation_level"], now=ctx.now())
    return {
        "ticket": case["ticket"],
        "status": status.value,
        "status_label": STATUS_LABELS[status],
        "title": mask_public(case["title"]).text,
        "topic": case["topic"],
        "topic_name": case["topic_name"],
        "kelurahan_name": case["kelurahan_name"],
        "kecamatan_name": case["kecamatan_name"],
        "city_name": city.name if city else None,
        "opd": case["opd"],
        "opd_name": case["opd_name"],
        "report_count": case["report_count"],
        "opened_at": case["opened_at"],
        "updated_at": case["updated_at"],
        "stage": case["stage"],
        "stage_label": STAGE_LABELS[Stage(case["stage"])] if case["stage"] else None,
        "due_at": case["due_at"],
        "overdue": clock.overdue,
        "public_note": mask_public(case["public_note"]).text if case["public_note"] else None,
        "merged_into": merged_into,
        "merged_into_key": tracking_key(ctx.settings.secret_key, merged_into)
        if merged_into
        else None,
        "timeline": [
            PublicTimelineRow(
                **e,
                status_label=STATUS_LABELS[Status(e["status"])],
                opd_name=names.get(e["opd"] or "") if e["opd"] else None,
            )
            | {"public_note": mask_public(e["public_note"]).text if e["public_note"] else None}
            for e in events
        ],
    }


# --- the status board, the OPD queue and the map --------------------------------------------------


@dataclass(frozen=True)
class Column:
    status: Status
    rows: list[CaseListRow]
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
        rows, total = list_cases(
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
) -> tuple[list[CaseListRow], int]:
    """An OPD's cases at one stage, the earliest deadline first (then the longest open)."""
    return list_cases(
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


def opd_load(ctx: Context, scope: Scope) -> list[OpdLoadRow]:
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
            sa.select(t.opds.c.code, t.opds.c.name, t.opds.c.kind, t.opds.c.city).order_by(
                t.opds.c.code
            )
        ).all()
    result: list[OpdLoadRow] = []
    for o in opds:
        if (scope.opd is not None and o.code != scope.opd) or not scope.covers_city(o.city):
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
