"""Moving an open case to another OPD, without blaming anyone: Diskominfo re-assigns it directly
(with a reason), a correction of the message's topic or place routes it again (the rule's name is
recorded), and a kelurahan or kecamatan admin asks Diskominfo to re-route it (a request that the
operator accepts or declines).

Unlike an OPD's own "bukan kewenangan kami" (`Action.RETURN`), a move never adds the old OPD to
`returned_by` and never judges its clock: the running follow-up stage ends unjudged (counted for
nobody) and the new OPD gets a whole follow-up clock of its own. A case still being verified keeps
its verification clock, which Diskominfo holds whatever the OPD."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.accounts import OPERATORS, Role
from paseban.domain.cases import OPEN, Actor, Status
from paseban.domain.replies import ReplyEvent
from paseban.domain.wilayah import OpdKind
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.routing.rules import route
from paseban.services.cases import clocks, replies
from paseban.services.cases import routing as routing_service
from paseban.services.cases.actions import (
    MAX_NOTE,
    IllegalTransition,
    Outcome,
    StaleVersion,
    fire_hooks,
    load_case,
    record_event,
    routing_facts_of_case,
    save_versioned,
)
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.cases import CaseRow, RerouteRequestRow

if TYPE_CHECKING:
    from paseban.context import Context

WITH_AN_OPD = frozenset({Status.FORWARDED, Status.IN_PROGRESS})
REQUESTERS = frozenset({Role.KELURAHAN_ADMIN, Role.KECAMATAN_ADMIN, *OPERATORS})


def _target(conn: sa.Connection, code: str, city: str) -> Any:
    """An active OPD of the case's city: a case never goes to another city's OPD."""
    found = conn.execute(sa.select(t.opds).where(t.opds.c.code == code)).first()
    if found is None or not found.active or found.city != city:
        raise InvalidInput(f"OPD {code!r} tidak dikenal, tidak aktif, atau bukan OPD kota ini")
    return found


def move(
    conn: sa.Connection,
    ctx: Context,
    case: CaseRow,
    *,
    opd: str,
    route_rule: str,
    actor: str,
    note: str,
    kind: str,
    data: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> Outcome:
    """Give an open case to `opd`. A case the old OPD already had goes to the new one as
    forwarded, on a new follow-up clock (the old stage ends unjudged); a case outside the city
    (an `EXT_*` body) goes back to Diskominfo's desk to be marked outside with its reason."""
    at = at or ctx.now()
    status = Status(case["status"])
    if status not in OPEN:
        raise IllegalTransition(
            f"kasus {case['ticket']} sudah {status.value}; tidak dapat dialihkan"
        )
    if opd == case["opd"]:
        raise InvalidInput(f"kasus {case['ticket']} sudah di {opd}")
    target = _target(conn, opd, case["city"])
    external = target.kind == OpdKind.EXTERNAL.value
    new_status = status
    if status in WITH_AN_OPD:
        new_status = Status.VERIFIED if external else Status.FORWARDED
    values: dict[str, Any] = {
        "opd": opd,
        "route_rule": route_rule,
        "status": new_status.value,
        "updated_at": at,
    }
    if status in WITH_AN_OPD:
        values.update(
            clocks.enter_status(
                conn,
                ctx,
                case_id=case["id"],
                status=new_status,
                at=at,
                topic=case["topic"],
                urgency=case["urgency"],
                city=case["city"],
                restart=True,
            )
        )
    saved = save_versioned(conn, case, values)
    event = record_event(
        conn,
        case_id=case["id"],
        action=kind,
        from_status=status.value,
        to_status=new_status.value,
        at=at,
        actor=actor,
        note=note,
        data={"from_opd": case["opd"], "opd": opd, "rule": route_rule, **(data or {})},
    )
    if new_status is Status.FORWARDED:
        replies.answer_case(
            conn, ctx, saved, ReplyEvent.FORWARDED, reason=f"case:{case['id']}:event:{event['id']}"
        )
    return Outcome(saved, [event])


def _note(note: str) -> str:
    note = note.strip()
    if not note:
        raise InvalidInput("tuliskan alasan pengalihan")
    if len(note) > MAX_NOTE:
        raise InvalidInput(f"alasan lebih dari {MAX_NOTE} karakter")
    return note


def reassign(
    ctx: Context,
    ref: int | str,
    *,
    opd: str,
    actor: Actor,
    note: str,
    version: int | None = None,
) -> CaseRow:
    """Diskominfo gives a case to another OPD directly, with a reason; the old OPD is not
    blamed. Raises Forbidden, NotFound, IllegalTransition or StaleVersion (409), InvalidInput."""
    if actor.role is not None and actor.role not in OPERATORS:
        raise Forbidden("hanya Diskominfo yang dapat mengalihkan kasus ke OPD lain")
    note = _note(note)
    if not opd:
        raise InvalidInput("pilih OPD tujuan")
    with ctx.engine.begin() as conn:
        case = load_case(conn, ref)
        if not actor.scope.covers_city(case["city"]):
            raise Forbidden("kasus ini di luar cakupan Anda")
        if version is not None and version != case["version"]:
            raise StaleVersion(f"kasus {case['ticket']} sudah berubah; muat ulang lalu coba lagi")
        outcome = move(
            conn,
            ctx,
            case,
            opd=opd,
            route_rule=f"manual:{actor.name}",
            actor=actor.name,
            note=note,
            kind="reassign",
        )
        _settle_requests(conn, case["id"], actor=actor.name, at=ctx.now(), accepted=True)
    fire_hooks(ctx, case["id"], outcome.events)
    return outcome.case


# --- a correction of the message routes its case again ----------------------------------------


CASE_FIELDS = ("topic", "urgency", "kelurahan", "kecamatan")


def after_correction(
    conn: sa.Connection, ctx: Context, message_id: int, *, actor: str
) -> Outcome | None:
    """The message's analysis was corrected: its open case takes the corrected topic, urgency
    and place when the message is the case's first report, and the rules route the case again
    (without the OPDs that returned it). A case a person assigned keeps its OPD; the timeline
    says so. Returns None when nothing about the case changed."""
    message = conn.execute(
        sa.select(t.messages.c.case_id, *(t.messages.c[f] for f in CASE_FIELDS)).where(
            t.messages.c.id == message_id
        )
    ).first()
    if message is None or message.case_id is None:
        return None
    case = load_case(conn, int(message.case_id))
    if Status(case["status"]) not in OPEN:
        return None
    first = conn.execute(
        sa.select(t.messages.c.id)
        .where(t.messages.c.case_id == case["id"])
        .order_by(t.messages.c.posted_at, t.messages.c.id)
        .limit(1)
    ).scalar()
    if first != message_id:
        return None  # a later report: the case keeps what its first report said
    at = ctx.now()
    current: dict[str, Any] = dict(case)
    changed = {
        f: getattr(message, f)
        for f in CASE_FIELDS
        if getattr(message, f) != current[f] and (f != "topic" or getattr(message, f))
    }
    if not changed:
        return None
    case = save_versioned(conn, case, {**changed, "updated_at": at})
    facts = routing_facts_of_case(case)
    rule = route(
        facts, routing_service.active_rules(conn, case["city"]), exclude=case["returned_by"]
    )
    words = ", ".join(f"{f} {changed[f] or '-'}" for f in changed)
    kept: tuple[str, dict[str, Any]] | None = None
    if (case["route_rule"] or "").startswith("manual:"):
        kept = (f"OPD tetap {case['opd']} karena sudah ditetapkan petugas", {"kept": True})
    elif rule is None or rule.assign_to == case["opd"]:
        name = rule.name if rule else "-"
        kept = (f"aturan {name} tetap memilih {case['opd'] or 'belum ada OPD'}", {"rule": name})
    if kept is not None:  # the OPD stays: the correction is recorded on the case
        event = record_event(
            conn,
            case_id=case["id"],
            action="correct",
            from_status=None,
            to_status=case["status"],
            at=at,
            actor=actor,
            note=f"koreksi ({words}); {kept[0]}",
            data={"changed": changed, "opd": case["opd"], **kept[1]},
        )
        return Outcome(case, [event])
    if rule is None:  # unreachable: without a rule the OPD stays (above)
        return None
    return move(
        conn,
        ctx,
        case,
        opd=rule.assign_to,
        route_rule=rule.name,
        actor=actor,
        note=(
            f"dirutekan ulang setelah koreksi ({words}): aturan {rule.name}, "
            f"{case['opd'] or 'belum ada OPD'} → {rule.assign_to}"
        ),
        kind="reroute",
        data={"changed": changed},
        at=at,
    )


# --- a kelurahan or kecamatan admin asks for a re-route -----------------------------------------


def request_reroute(
    ctx: Context,
    ref: int | str,
    *,
    actor: Actor,
    reason: str,
    suggested_opd: str | None = None,
) -> int:
    """A wilayah admin asks Diskominfo to send a case in their area to another OPD. One open
    request per case; the operator sees it on the case and in the list of requests."""
    if actor.role is not None and actor.role not in REQUESTERS:
        raise Forbidden("permintaan pengalihan diajukan admin kelurahan atau kecamatan")
    reason = _note(reason)
    with ctx.engine.begin() as conn:
        case = load_case(conn, ref)
        if not actor.scope.covers_case(
            kelurahan=case["kelurahan"],
            kecamatan=case["kecamatan"],
            opd=case["opd"],
            city=case["city"],
        ):
            raise Forbidden("kasus ini di luar wilayah Anda")
        if Status(case["status"]) not in OPEN:
            raise IllegalTransition(f"kasus {case['ticket']} sudah {case['status']}")
        if suggested_opd:
            _target(conn, suggested_opd, case["city"])
        if _open_request(conn, case["id"]) is not None:
            raise Conflict(f"kasus {case['ticket']} sudah punya permintaan pengalihan yang terbuka")
        at = ctx.now()
        request_id = conn.execute(
            sa.insert(t.reroute_requests)
            .values(
                case_id=case["id"],
                requested_by=actor.name,
                requested_at=at,
                reason=reason,
                suggested_opd=suggested_opd or None,
                status="open",
            )
            .returning(t.reroute_requests.c.id)
        ).scalar_one()
        event = record_event(
            conn,
            case_id=case["id"],
            action="reroute_request",
            from_status=None,
            to_status=case["status"],
            at=at,
            actor=actor.name,
            note=reason,
            data={"request": int(request_id), "opd": suggested_opd or None},
        )
    fire_hooks(ctx, case["id"], [event])
    return int(request_id)


def decide_reroute(
    ctx: Context,
    request_id: int,
    *,
    actor: Actor,
    accept: bool,
    opd: str | None = None,
    note: str = "",
) -> CaseRow:
    """Diskominfo accepts a request (the case moves to `opd`, or the suggested OPD) or declines
    it with a reason; either way the requester sees the decision on the case."""
    if actor.role is not None and actor.role not in OPERATORS:
        raise Forbidden("hanya Diskominfo yang memutuskan permintaan pengalihan")
    with ctx.engine.begin() as conn:
        request = conn.execute(
            sa.select(t.reroute_requests).where(t.reroute_requests.c.id == request_id)
        ).first()
        if request is None:
            raise NotFound(f"permintaan pengalihan {request_id} tidak ada")
        if request.status != "open":
            raise Conflict("permintaan ini sudah diputuskan")
        case = load_case(conn, int(request.case_id))
        at = ctx.now()
        if accept:
            target = opd or request.suggested_opd
            if not target:
                raise InvalidInput("pilih OPD tujuan")
            reason = note.strip() or f"permintaan {request.requested_by}: {request.reason}"
            outcome = move(
                conn,
                ctx,
                case,
                opd=target,
                route_rule=f"manual:{actor.name}",
                actor=actor.name,
                note=_note(reason),
                kind="reassign",
                data={"request": request_id},
                at=at,
            )
            saved, events = outcome.case, outcome.events
        else:
            saved = case
            events = [
                record_event(
                    conn,
                    case_id=case["id"],
                    action="reroute_declined",
                    from_status=None,
                    to_status=case["status"],
                    at=at,
                    actor=actor.name,
                    note=_note(note),
                    data={"request": request_id},
                )
            ]
        conn.execute(
            sa.update(t.reroute_requests)
            .where(t.reroute_requests.c.id == request_id)
            .values(
                status="accepted" if accept else "declined",
                decided_by=actor.name,
                decided_at=at,
                decision_note=note.strip() or None,
            )
        )
    fire_hooks(ctx, case["id"], events)
    return saved


def _open_request(conn: sa.Connection, case_id: int) -> Any:
    return conn.execute(
        sa.select(t.reroute_requests).where(
            t.reroute_requests.c.case_id == case_id, t.reroute_requests.c.status == "open"
        )
    ).first()


def _settle_requests(
    conn: sa.Connection, case_id: int, *, actor: str, at: datetime, accepted: bool
) -> None:
    """A direct re-assignment answers any open request on the case."""
    conn.execute(
        sa.update(t.reroute_requests)
        .where(t.reroute_requests.c.case_id == case_id, t.reroute_requests.c.status == "open")
        .values(status="accepted" if accepted else "declined", decided_by=actor, decided_at=at)
    )


def requests(
    ctx: Context, *, case_id: int | None = None, only_open: bool = True
) -> list[RerouteRequestRow]:
    """Re-route requests (newest first), with the case's ticket, status and OPD names."""
    r, c = t.reroute_requests.c, t.cases.c
    current, suggested = t.opds.alias("current"), t.opds.alias("suggested")
    query = (
        sa.select(
            t.reroute_requests,
            c.ticket,
            c.status.label("case_status"),
            c.title,
            c.opd,
            current.c.name.label("opd_name"),
            suggested.c.name.label("suggested_name"),
        )
        .select_from(
            t.reroute_requests.join(t.cases, c.id == r.case_id)
            .outerjoin(current, current.c.code == c.opd)
            .outerjoin(suggested, suggested.c.code == r.suggested_opd)
        )
        .order_by(r.requested_at.desc(), r.id.desc())
        .limit(200)
    )
    if case_id is not None:
        query = query.where(r.case_id == case_id)
    if only_open:
        query = query.where(r.status == "open")
    with ctx.engine.connect() as conn:
        return [row(RerouteRequestRow, r) for r in conn.execute(query).mappings()]
