"""What people (and the system) do to a case: verify, forward, accept, return, resolve, close,
reject, mark outside authority, reopen, add a progress note, merge and split.

Every action is one transaction: the case row (guarded by its version: optimistic locking), the
audit event, the deadline clock and the replies to citizens are written together or not at all.
The `case_event` hook runs after the commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import sqlalchemy as sa

from paseban.domain.cases import (
    CITIZEN,
    SYSTEM,
    TERMINAL,
    Action,
    Actor,
    Case,
    InvalidTransition,
    NotAllowed,
    NoteRequired,
    Status,
    check_allowed,
    transition,
)
from paseban.domain.replies import ReplyEvent
from paseban.domain.wilayah import OpdKind
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.routing.rules import route
from paseban.services.cases import clocks, replies
from paseban.services.cases import routing as routing_service
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.cases import CaseEventRow, CaseRow

if TYPE_CHECKING:
    from paseban.context import Context

MAX_NOTE = 2000

REPLY_FOR: dict[Action, ReplyEvent] = {
    Action.FORWARD: ReplyEvent.FORWARDED,
    Action.START: ReplyEvent.IN_PROGRESS,
    Action.RESOLVE: ReplyEvent.RESOLVED,
    Action.CLOSE: ReplyEvent.CLOSED,
    Action.REJECT: ReplyEvent.REJECTED,
    Action.MARK_OUTSIDE: ReplyEvent.OUTSIDE_AUTHORITY,
    Action.REOPEN: ReplyEvent.REOPENED,
}


class IllegalTransition(Conflict):
    """The action is not allowed in the case's current status (HTTP 409)."""


class StaleVersion(Conflict):
    """Someone else changed the case first (HTTP 409): reload and try again."""


@dataclass(frozen=True)
class Outcome:
    case: CaseRow
    events: list[CaseEventRow]


# --- reading and writing rows ----------------------------------------------------------------


def load_case(conn: sa.Connection, ref: int | str) -> CaseRow:
    """A case by id or ticket code."""
    column = t.cases.c.id if isinstance(ref, int) else t.cases.c.ticket
    key = ref if isinstance(ref, int) else str(ref).strip().upper()
    found = conn.execute(sa.select(t.cases).where(column == key)).mappings().first()
    if found is None:
        raise NotFound(f"kasus {ref} tidak ditemukan")
    return row(CaseRow, found)


def record_event(
    conn: sa.Connection,
    *,
    case_id: int,
    action: str,
    from_status: str | None,
    to_status: str,
    at: datetime,
    actor: str,
    note: str = "",
    public_note: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEventRow:
    values = {
        "case_id": case_id,
        "action": action,
        "from_status": from_status,
        "to_status": to_status,
        "at": at,
        "actor": actor,
        "note": note,
        "public_note": public_note,
        "data": data,
    }
    event_id = conn.execute(_INSERT_EVENT, values).scalar_one()
    return row(CaseEventRow, {"id": int(event_id), **values})


_INSERT_EVENT = sa.insert(t.case_events).returning(t.case_events.c.id)


def save_versioned(
    conn: sa.Connection, case: CaseRow, values: dict[str, Any], *, bump: bool = True
) -> CaseRow:
    """Write the case only if nobody changed it since we read it (optimistic locking)."""
    if bump:
        values = {**values, "version": case["version"] + 1}
    updated = conn.execute(
        sa.update(t.cases)
        .where(t.cases.c.id == case["id"], t.cases.c.version == case["version"])
        .values(**values)
    ).rowcount
    if not updated:
        raise StaleVersion(
            f"kasus {case['ticket']} baru saja diubah orang lain; muat ulang lalu coba lagi"
        )
    return row(CaseRow, {**case, **values})


def _domain_case(case: CaseRow) -> Case:
    return Case(
        case["id"],
        case["ticket"],
        Status(case["status"]),
        case["opened_at"],
        topic=case["topic"],
        urgency=case["urgency"],
        kelurahan=case["kelurahan"],
        kecamatan=case["kecamatan"],
        opd=case["opd"],
        route_rule=case["route_rule"],
        title=case["title"],
        version=case["version"],
    )


def _opd(conn: sa.Connection, code: str, city: str) -> dict[str, Any]:
    """An active OPD of the case's city: a case never goes to another city's OPD."""
    row = conn.execute(sa.select(t.opds).where(t.opds.c.code == code)).mappings().first()
    if row is None or not row["active"] or row["city"] != city:
        raise InvalidInput(f"OPD {code!r} tidak dikenal, tidak aktif, atau bukan OPD kota ini")
    return dict(row)


def _check_text(note: str, public_note: str | None, media_url: str | None) -> None:
    if len(note) > MAX_NOTE or len(public_note or "") > MAX_NOTE:
        raise InvalidInput(f"catatan lebih dari {MAX_NOTE} karakter")
    if media_url is not None:
        parsed = urlparse(media_url)
        if parsed.scheme not in ("http", "https") or not parsed.netloc or len(media_url) > 500:
            raise InvalidInput("tautan foto harus URL http(s) yang sah (maks. 500 karakter)")


# --- the one path every status change takes ---------------------------------------------------


def apply(
    conn: sa.Connection,
    ctx: Context,
    case: CaseRow,
    action: Action,
    *,
    actor: Actor,
    note: str = "",
    public_note: str | None = None,
    opd: str | None = None,
    media_url: str | None = None,
    expected_version: int | None = None,
    data: dict[str, Any] | None = None,
    reply_to: list[int] | None = None,
    at: datetime | None = None,
) -> Outcome:
    """Check, transition, re-clock, save (version-guarded), record, and answer the citizen."""
    at = at or ctx.now()
    note, public_note = note.strip(), (public_note or "").strip() or None
    _check_text(note, public_note, media_url)
    if expected_version is not None and expected_version != case["version"]:
        raise StaleVersion(
            f"kasus {case['ticket']} sudah berubah (versi {case['version']}, "
            f"bukan {expected_version}); muat ulang lalu coba lagi"
        )
    try:
        check_allowed(
            actor,
            action,
            opd=case["opd"],
            kelurahan=case["kelurahan"],
            kecamatan=case["kecamatan"],
            city=case["city"],
        )
    except NotAllowed as exc:
        raise Forbidden(str(exc)) from None
    try:
        _, event = transition(
            _domain_case(case), action, at=at, actor=actor.name, note=note or (public_note or "")
        )
    except InvalidTransition as exc:
        raise IllegalTransition(str(exc)) from None
    except NoteRequired as exc:
        raise InvalidInput(str(exc)) from None
    values: dict[str, Any] = {"status": event.to_status.value, "updated_at": at}
    extra = dict(data or {})
    if media_url:
        extra["media_url"] = media_url
    if public_note:
        values["public_note"] = public_note
    if action is Action.FORWARD:
        target = (
            _opd(conn, opd or case["opd"] or "", case["city"]) if (opd or case["opd"]) else None
        )
        if target is None:
            raise InvalidInput("OPD tujuan belum ditentukan; sebutkan kode OPD")
        if target["kind"] == OpdKind.EXTERNAL.value:
            raise InvalidInput(
                f"{target['code']} di luar Pemkot: gunakan aksi mark_outside dengan alasannya"
            )
        values["opd"] = target["code"]
        if target["code"] != case["opd"]:
            values["route_rule"] = f"manual:{actor.name}"
        extra["opd"] = target["code"]
    elif action is Action.MARK_OUTSIDE:
        code = opd or case["opd"]
        target = _opd(conn, code, case["city"]) if code else None
        if target is None or target["kind"] != OpdKind.EXTERNAL.value:
            raise InvalidInput(
                "sebutkan instansi di luar Pemkot tujuan penerusan (kode EXT_..., mis. EXT_PLN)"
            )
        values["opd"] = target["code"]
        extra["opd"] = target["code"]
    elif action is Action.RETURN:
        returned = [*case["returned_by"], case["opd"]] if case["opd"] else case["returned_by"]
        values["returned_by"] = returned
        rule = route(
            routing_facts_of_case(case),
            routing_service.active_rules(conn, case["city"]),
            exclude=returned,
        )
        values["opd"] = rule.assign_to if rule else None
        values["route_rule"] = rule.name if rule else None
        extra.update({"returned_by": case["opd"], "rerouted_to": values["opd"]})
    merged = {**case, **values}
    values.update(
        clocks.enter_status(
            conn,
            ctx,
            case_id=case["id"],
            status=event.to_status,
            at=at,
            topic=case["topic"],
            urgency=case["urgency"],
            city=case["city"],
        )
    )
    saved = save_versioned(conn, case, values)
    recorded = record_event(
        conn,
        case_id=case["id"],
        action=action.value,
        from_status=event.from_status.value,
        to_status=event.to_status.value,
        at=at,
        actor=actor.name,
        note=note,
        public_note=public_note,
        data=extra or None,
    )
    events = [recorded]
    kind = REPLY_FOR.get(action)
    if kind is not None:
        replies.answer_case(
            conn,
            ctx,
            {**merged, **saved},
            kind,
            reason=f"case:{case['id']}:event:{recorded['id']}",
            message_ids=reply_to,
            alasan=public_note,
        )
    if (
        action is Action.RETURN
        and saved["opd"]
        and routing_service.auto_forward(conn, case["city"])
    ):
        follow = apply(
            conn,
            ctx,
            saved,
            Action.FORWARD,
            actor=SYSTEM,
            note=f"diteruskan otomatis ke {saved['opd']} setelah dikembalikan",
            at=at,
        )
        return Outcome(follow.case, [*events, *follow.events])
    return Outcome(saved, events)


def routing_facts_of_case(case: CaseRow) -> dict[str, Any]:
    return {
        "intent": "aduan",
        "topic": case["topic"],
        "urgency": case["urgency"],
        "kelurahan": case["kelurahan"],
        "kecamatan": case["kecamatan"],
        "street": case.get("street"),
        "landmark": case.get("landmark"),
        "text": f" {case.get('keywords') or ''} ",
        "platform": next(iter(case["platforms"] or []), None),
    }


def fire_hooks(ctx: Context, case_id: int, events: list[CaseEventRow]) -> None:
    for event in events:
        ctx.pm.hook.case_event(ctx=ctx, case_id=case_id, event=event)


# --- public entry points (one transaction each) -------------------------------------------------


def act(
    ctx: Context,
    ref: int | str,
    action: Action | str,
    *,
    actor: Actor,
    note: str = "",
    public_note: str | None = None,
    opd: str | None = None,
    media_url: str | None = None,
    version: int | None = None,
) -> CaseRow:
    """Do `action` on the case (id or ticket). Raises NotFound, Forbidden, IllegalTransition or
    StaleVersion (409), InvalidInput (422); nothing is stored when it raises."""
    try:
        action = Action(action)
    except ValueError:
        choices = ", ".join(a.value for a in Action if a is not Action.MERGE)
        raise InvalidInput(f"aksi {action!r} tidak dikenal (pilihan: {choices})") from None
    if action is Action.MERGE:
        raise InvalidInput("gunakan penggabungan kasus (merge) untuk menggabungkan")
    with ctx.engine.begin() as conn:
        case = load_case(conn, ref)
        outcome = apply(
            conn,
            ctx,
            case,
            action,
            actor=actor,
            note=note,
            public_note=public_note,
            opd=opd,
            media_url=media_url,
            expected_version=version,
        )
    fire_hooks(ctx, case["id"], outcome.events)
    return outcome.case


def add_note(
    ctx: Context,
    ref: int | str,
    *,
    actor: Actor,
    note: str = "",
    public_note: str | None = None,
    media_url: str | None = None,
) -> CaseRow:
    """A progress note (optionally public, optionally with a photo link); no status change."""
    note, public_note = note.strip(), (public_note or "").strip() or None
    if not note and not public_note and not media_url:
        raise InvalidInput("catatan kosong")
    _check_text(note, public_note, media_url)
    with ctx.engine.begin() as conn:
        case = load_case(conn, ref)
        status = Status(case["status"])
        if status in TERMINAL:
            raise IllegalTransition(f"kasus {case['ticket']} sudah {status.value}")
        if actor.role is not None:
            scope = actor.scope
            if not scope.covers_case(
                kelurahan=case["kelurahan"],
                kecamatan=case["kecamatan"],
                opd=case["opd"],
                city=case["city"],
            ):
                raise Forbidden("kasus ini di luar cakupan Anda")
            if actor.role.value == "viewer":
                raise Forbidden("peran viewer hanya membaca")
        at = ctx.now()
        values: dict[str, Any] = {"updated_at": at}
        if public_note:
            values["public_note"] = public_note
        conn.execute(sa.update(t.cases).where(t.cases.c.id == case["id"]).values(**values))
        event = record_event(
            conn,
            case_id=case["id"],
            action="note",
            from_status=status.value,
            to_status=status.value,
            at=at,
            actor=actor.name,
            note=note,
            public_note=public_note,
            data={"media_url": media_url} if media_url else None,
        )
        case = row(CaseRow, {**case, **values})
    fire_hooks(ctx, case["id"], [event])
    return case


def auto_close(
    conn: sa.Connection, ctx: Context, case: CaseRow, *, at: datetime
) -> CaseEventRow | None:
    """The sweep closes a resolved case nobody objected to; None when it is no longer
    resolved (someone acted in between)."""
    if case["status"] != Status.RESOLVED.value:
        return None
    try:
        with conn.begin_nested():
            outcome = apply(
                conn,
                ctx,
                case,
                Action.CLOSE,
                actor=SYSTEM,
                note="ditutup otomatis: tidak ada keberatan warga sampai tenggat konfirmasi",
                data={"auto": True},
                at=at,
            )
    except Conflict:
        return None
    return outcome.events[0]


def citizen_answer(
    conn: sa.Connection,
    ctx: Context,
    case: CaseRow,
    *,
    fixed: bool,
    message_id: int,
    at: datetime,
) -> Outcome:
    """The citizen answered "sudah beres?": yes closes (confirmed), no reopens the case."""
    if fixed:
        return apply(
            conn,
            ctx,
            case,
            Action.CLOSE,
            actor=CITIZEN,
            note="warga menyatakan masalah sudah beres",
            data={"confirmed_by_citizen": True, "message_id": message_id},
            reply_to=[message_id],
            at=at,
        )
    return apply(
        conn,
        ctx,
        case,
        Action.REOPEN,
        actor=CITIZEN,
        note="warga menyatakan masalah belum beres",
        public_note="Warga menyatakan masalah belum beres; aduan dibuka kembali.",
        data={"message_id": message_id},
        at=at,
    )
