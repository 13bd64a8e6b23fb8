"""The inbox: citizen messages on the accounts an actor works, and the quick actions on them.

Every action checks the actor's permission and area here (not only in the web layer), runs in
one transaction and writes its audit row in that transaction."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.auth import Actor, Permission
from paseban.domain.cases import Action, Case, Status, actions_for, transition
from paseban.domain.cases import Actor as CaseActor
from paseban.domain.inbox import (
    HIDE_INTENTS,
    NOT_COMPLAINT_INTENTS,
    REPLY_MAX,
    TEMPLATE_NAMES,
    InboxState,
    ReplyTemplate,
    fill,
    unfilled,
)
from paseban.domain.replies import INBOX_EVENTS, fields_of, pick_template
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.services.cases import actions, replies
from paseban.services.inbox import review
from paseban.services.inbox.listing import get_message

# the scope rule lives in scope.py; named here too for the pages that ask it of this module
from paseban.services.inbox.scope import account_ids_in_scope as account_ids_in_scope
from paseban.services.people import audit
from paseban.storage import tables as t
from paseban.storage.rows.people import AuditEventRow

if TYPE_CHECKING:
    from paseban.context import Context


def reply_templates(
    conn: sa.Connection,
    *,
    topic: str | None = None,
    available: set[str] | None = None,
    city: str | None = None,
) -> list[ReplyTemplate]:
    """The reply templates the inbox offers (domain.replies.INBOX_EVENTS), as staff of the city
    edited them in the settings (`reply_templates`: the city's, else the first city's; the
    built-in defaults until then): the topic's own version when there is one. `available`: only
    those whose placeholders can all be filled."""
    saved = replies.templates(conn, city)
    offered = []
    for event in INBOX_EVENTS:
        template = pick_template(saved, event, topic)
        if available is not None and not set(fields_of(template.text)) <= available:
            continue
        offered.append(ReplyTemplate(event.value, TEMPLATE_NAMES[event], template.text))
    return offered


# --- reading -------------------------------------------------------------------------------------


def view_original(ctx: Context, actor: Actor, message_id: int, *, ip: str | None = None) -> str:
    """The citizen's original text (with personal data), for roles that need it; audited."""
    if not actor.can(Permission.PII_READ):
        raise Forbidden("peran Anda tidak mengizinkan melihat data pribadi warga")
    row = get_message(ctx, actor, message_id)
    audit.record_now(
        ctx,
        actor=actor,
        action="message.view_original",
        target_kind="message",
        target_id=message_id,
        ip=ip,
    )
    return str(row["text"])


def history(ctx: Context, message_id: int) -> list[AuditEventRow]:
    return audit.list_events(ctx, target_kind="message", target_id=str(message_id), limit=50)


# --- actions -------------------------------------------------------------------------------------


def _writable(ctx: Context, conn: sa.Connection, actor: Actor, message_id: int) -> Any:
    if not actor.can(Permission.MESSAGES_WRITE):
        raise Forbidden("peran Anda hanya boleh membaca")
    row = (
        conn.execute(sa.select(t.messages).where(t.messages.c.id == message_id)).mappings().first()
    )
    if row is None:
        raise NotFound(f"pesan {message_id} tidak ada")
    ids = account_ids_in_scope(conn, actor.scope)
    if ids is not None and row["account_id"] not in ids:
        raise Forbidden("pesan ini masuk ke akun di luar cakupan Anda")
    return row


def reply_values(ctx: Context, conn: sa.Connection, row: Any) -> dict[str, str]:
    """What a template's placeholders become for this message: the case's values (ticket,
    tracking link, status, OPD, deadline, ...) when it joined one, and always the place."""
    values: dict[str, str] = {}
    if row["case_id"] is not None:
        case = conn.execute(sa.select(t.cases).where(t.cases.c.id == row["case_id"])).mappings()
        filled = replies.case_values(conn, ctx, dict(case.one()))
        values.update({k: str(v) for k, v in filled.items() if v not in (None, "")})
    place = row["kelurahan"] or row["kecamatan"]
    if place:
        name = conn.execute(sa.select(t.wilayah.c.name).where(t.wilayah.c.code == place)).scalar()
        values["wilayah"] = str(name or "")
    else:
        values.setdefault("wilayah", "kota kita")
    if row["topic"] and "topik" not in values:
        name = conn.execute(sa.select(t.topics.c.name).where(t.topics.c.code == row["topic"]))
        values["topik"] = str(name.scalar() or row["topic"])
    return {k: v for k, v in values.items() if v}


def _topic_of(conn: sa.Connection, row: Any) -> str | None:
    """The topic a reply is about: the case's, else the message's own."""
    if row["case_id"] is not None:
        topic = conn.execute(sa.select(t.cases.c.topic).where(t.cases.c.id == row["case_id"]))
        found: str | None = topic.scalar() or row["topic"]
        return found
    own: str | None = row["topic"]
    return own


def _city_of(conn: sa.Connection, row: Any) -> str | None:
    """The city whose templates answer a message: its case's, else its account's."""
    if row["case_id"] is not None:
        case = conn.execute(sa.select(t.cases.c.city).where(t.cases.c.id == row["case_id"]))
        found: str | None = case.scalar()
        if found is not None:
            return found
    account = conn.execute(sa.select(t.accounts.c.city).where(t.accounts.c.id == row["account_id"]))
    own: str | None = account.scalar()
    return own


def templates_for_message(ctx: Context, row: Any) -> list[ReplyTemplate]:
    """The templates for one message, filled in; only those this message can fill."""
    with ctx.engine.connect() as conn:
        values = reply_values(ctx, conn, row)
        offered = reply_templates(
            conn, topic=_topic_of(conn, row), available=set(values), city=_city_of(conn, row)
        )
    return [ReplyTemplate(tpl.code, tpl.name, fill(tpl.text, values)) for tpl in offered]


def _handled(actor: Actor, state: InboxState, at: Any) -> dict[str, Any]:
    return {"inbox_state": state.value, "handled_at": at, "handled_by": actor.name}


def queue_reply(
    ctx: Context,
    actor: Actor,
    message_id: int,
    text: str,
    *,
    template: str | None = None,
    ip: str | None = None,
) -> str:
    """Answer a citizen. The reply (with placeholders filled) goes to the outbox, which sends it
    through the platform the citizen used (the same text for the same message is queued once,
    so a double-click sends nothing twice); it is recorded in the audit trail as
    `message.reply` and on the case's timeline."""
    now = ctx.now()
    with ctx.engine.begin() as conn:
        row = _writable(ctx, conn, actor, message_id)
        values = reply_values(ctx, conn, row)
        chosen = None
        if template:
            offered = reply_templates(conn, topic=_topic_of(conn, row), city=_city_of(conn, row))
            chosen = next((tpl for tpl in offered if tpl.code == template), None)
            if chosen is None:
                raise InvalidInput(f"templat {template!r} tidak dikenal")
        body = text.strip() or (chosen.text if chosen else "")
        body = fill(body, values).strip()
        if not body:
            raise InvalidInput("balasan kosong; tulis balasan atau pilih templat")
        if len(body) > REPLY_MAX:
            raise InvalidInput(f"balasan terlalu panjang ({len(body)} > {REPLY_MAX} karakter)")
        missing = unfilled(body)
        if missing:
            raise InvalidInput(
                f"isian {', '.join('{' + m + '}' for m in missing)} tidak tersedia untuk pesan ini"
            )
        if row["inbox_state"] == InboxState.NEW.value:
            conn.execute(
                sa.update(t.messages)
                .where(t.messages.c.id == message_id)
                .values(**_handled(actor, InboxState.ANSWERED, now))
            )
        digest = hashlib.sha256(body.encode("utf-8")).hexdigest()[:16]
        outbox_id = replies.queue_reply(
            conn, ctx, message_id=message_id, text=body, reason=f"admin:{actor.name}:{digest}"
        )
        audit.record(
            conn,
            at=now,
            actor=actor,
            action="message.reply",
            target_kind="message",
            target_id=message_id,
            ip=ip,
            detail={
                "text": body,
                "template": chosen.code if chosen else None,
                "platform": row["platform"],
                "in_reply_to": row["external_id"],
                "status": "queued" if outbox_id is not None else "already_queued",
                "outbox_id": outbox_id,
            },
        )
        if row["case_id"] is not None:
            status = conn.execute(
                sa.select(t.cases.c.status).where(t.cases.c.id == row["case_id"])
            ).scalar_one()
            conn.execute(
                sa.insert(t.case_events).values(
                    case_id=row["case_id"],
                    action="reply",
                    from_status=None,
                    to_status=status,
                    at=now,
                    actor=actor.name,
                    note=body,
                    data={"message_id": message_id},
                )
            )
    return body


def verify_case(ctx: Context, actor: Actor, message_id: int) -> str | None:
    """Verify the case a message joined, the triage step that goes with answering it: only when
    the case still waits for verification and the actor's role verifies cases in its area (the
    case's own rules decide, in services.cases.actions). Returns the ticket when it was done;
    a case someone else already moved on, or one outside the actor's area (a message on their
    account about another kelurahan), is left alone."""
    row = get_message(ctx, actor, message_id)
    if row["case_id"] is None or row["case_status"] != Status.RECEIVED.value:
        return None
    if not actor.can(Permission.CASES_WRITE):
        return None
    if Action.VERIFY not in actions_for(actor.role, Status.RECEIVED):
        return None
    who = CaseActor(actor.name, actor.role, actor.scope)
    try:
        actions.act(ctx, row["case_id"], Action.VERIFY, actor=who)
    except (Conflict, Forbidden):  # moved on meanwhile, or a case outside the actor's area
        return None
    return row["ticket"]


def correct(
    ctx: Context,
    actor: Actor,
    message_id: int,
    corrections: dict[str, str | None],
    *,
    ip: str | None = None,
) -> int:
    """Correct the analysis (stored for the next training run) and record who did it."""
    with ctx.engine.begin() as conn:
        row = _writable(ctx, conn, actor, message_id)
        before = {field: row[field] for field in corrections if field in row}
        changed = review.apply_corrections(conn, ctx, message_id, corrections, actor=actor.name)
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="message.correct",
            target_kind="message",
            target_id=message_id,
            ip=ip,
            detail={"before": before, "after": corrections, "changed": changed},
        )
    return changed


def _leave_case(conn: sa.Connection, ctx: Context, actor: Actor, row: Any, note: str) -> None:
    """A message that was not a complaint leaves its case; a case left without reports that
    nobody has worked on yet is rejected (the lifecycle's own REJECT transition)."""
    case_id = row["case_id"]
    if case_id is None:
        return
    conn.execute(sa.update(t.messages).where(t.messages.c.id == row["id"]).values(case_id=None))
    case = conn.execute(sa.select(t.cases).where(t.cases.c.id == case_id)).mappings().one()
    remaining = max(0, int(case["report_count"]) - 1)
    values: dict[str, Any] = {"report_count": remaining, "updated_at": ctx.now()}
    event = {
        "action": "leave",
        "from_status": None,
        "to_status": case["status"],
        "note": "laporan ditandai bukan aduan dan dilepas dari kasus",
    }
    if remaining == 0 and Status(case["status"]) in (Status.RECEIVED, Status.VERIFIED):
        current = Case(case_id, case["ticket"], Status(case["status"]), case["opened_at"])
        updated, change = transition(
            current, Action.REJECT, at=ctx.now(), actor=actor.name, note=note
        )
        values.update(status=updated.status.value, version=case["version"] + 1)
        event = {
            "action": Action.REJECT.value,
            "from_status": change.from_status.value,
            "to_status": change.to_status.value,
            "note": note,
        }
    conn.execute(sa.update(t.cases).where(t.cases.c.id == case_id).values(**values))
    conn.execute(
        sa.insert(t.case_events).values(
            case_id=case_id,
            at=ctx.now(),
            actor=actor.name,
            data={"message_id": row["id"]},
            **event,
        )
    )


def mark_not_complaint(
    ctx: Context,
    actor: Actor,
    message_id: int,
    *,
    intent: str = "informasi",
    ip: str | None = None,
) -> None:
    """Not a complaint after all: the intent is corrected (kept for training), the message
    leaves any case it joined, and the inbox item is done."""
    if intent not in NOT_COMPLAINT_INTENTS:
        raise InvalidInput(
            f"jenis {intent!r} tidak bisa dipilih (pilihan: {', '.join(NOT_COMPLAINT_INTENTS)})"
        )
    _settle(ctx, actor, message_id, intent, InboxState.NOT_COMPLAINT, "message.not_complaint", ip)


def hide(
    ctx: Context, actor: Actor, message_id: int, *, intent: str = "spam", ip: str | None = None
) -> None:
    """Spam or abuse: corrected (kept for training), taken out of any case, hidden."""
    if intent not in HIDE_INTENTS:
        raise InvalidInput(f"jenis {intent!r} tidak bisa dipilih (pilihan: spam, kasar)")
    _settle(ctx, actor, message_id, intent, InboxState.HIDDEN, "message.hide", ip)


def _settle(
    ctx: Context,
    actor: Actor,
    message_id: int,
    intent: str,
    state: InboxState,
    action: str,
    ip: str | None,
) -> None:
    now = ctx.now()
    with ctx.engine.begin() as conn:
        row = _writable(ctx, conn, actor, message_id)
        review.apply_corrections(conn, ctx, message_id, {"intent": intent}, actor=actor.name)
        _leave_case(conn, ctx, actor, row, f"bukan aduan ({intent})")
        conn.execute(
            sa.update(t.messages)
            .where(t.messages.c.id == message_id)
            .values(**_handled(actor, state, now))
        )
        audit.record(
            conn,
            at=now,
            actor=actor,
            action=action,
            target_kind="message",
            target_id=message_id,
            ip=ip,
            detail={"intent_before": row["intent"], "intent": intent, "case_id": row["case_id"]},
        )


# --- vocabularies for the pages ----------------------------------------------------------------


def vocabulary(ctx: Context) -> dict[str, dict[str, str]]:
    """Names for codes: intents, topics, urgencies, kelurahan (for labels and correction forms)."""
    with ctx.engine.connect() as conn:

        def names(table: sa.Table, *where: Any) -> dict[str, str]:
            rows = conn.execute(
                sa.select(table.c.code, table.c.name).where(*where).order_by(table.c.code)
            )
            return {str(code): str(name) for code, name in rows}

        return {
            "intent": names(t.intents),
            "topic": names(t.topics, t.topics.c.active.is_(True)),
            "urgency": names(t.urgencies),
            "kelurahan": names(t.wilayah, t.wilayah.c.level == 4),
        }
