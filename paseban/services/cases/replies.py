"""Answers to the citizen, through the connector seam.

A reply is a row in `outbox` (platform, the official account, the message it answers, the text),
written in the same transaction as the case change that caused it, so a reply is never lost and
never sent for a change that was rolled back. The connectors' sender sends pending rows and
records the outcome; `dedupe_key` makes queueing the same reply twice a no-op.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain import fmt
from paseban.domain.cases import STATUS_LABELS, Status
from paseban.domain.replies import (
    InvalidTemplate,
    ReplyEvent,
    Template,
    pick_template,
    render,
    validate_template,
)
from paseban.errors import InvalidInput
from paseban.security import tracking_key
from paseban.services.cases.routing import record_revision
from paseban.services.people import audit
from paseban.services.reference import cities
from paseban.storage import tables as t
from paseban.storage.lookup import exists
from paseban.storage.rows import row
from paseban.storage.rows.cases import OutboxRow
from paseban.storage.txcache import cached
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.domain.auth import Actor

# channels we cannot answer through automatically: the reply is kept, marked cancelled
NO_REPLY_PLATFORMS = frozenset({"file", "manual", "open311"})
# replies a person wrote (the inbox, `paseban outbox`), by their reason: the others are automatic
HUMAN_REASONS = ("admin:", "reply:")


def queue_reply(
    conn: sa.Connection, ctx: Context, *, message_id: int, text: str, reason: str
) -> int | None:
    """Queue `text` as a reply to the citizen's message, from the account that received it.
    `reason` names why (e.g. "case:12:event:34"); the same reason for the same message is
    queued once. Returns the outbox id, or None when it was already queued."""
    message = conn.execute(_MESSAGE, {"message_id": message_id}).first()
    if message is None:
        raise InvalidInput(f"pesan {message_id} tidak ada")
    status, error = "pending", None
    if message.is_sample:
        status, error = "cancelled", "data contoh: tidak dikirim"
    elif message.platform in NO_REPLY_PLATFORMS:
        status, error = "cancelled", f"kanal {message.platform} tidak punya balasan otomatis"
    else:
        human = reason.startswith(HUMAN_REASONS)
        problem = reply_problem(conn, ctx, message, text, human=human)
        if problem and human:  # the operator sees why, and can shorten or choose another way
            raise InvalidInput(problem)
        if problem:  # an automatic answer the platform would refuse: kept, marked failed
            status, error = "failed", problem
    now = ctx.now()
    row = {
        "platform": message.platform,
        "account_id": message.account_id,
        "in_reply_to_message_id": message_id,
        "kind": "reply",
        "text": text,
        "status": status,
        "attempts": 0,
        "next_attempt_at": now if status == "pending" else None,
        "last_error": error,
        "dedupe_key": f"{reason}:m{message_id}"[:200],
        "created_at": now,
        "sent_at": None,
        "external_id": None,
    }
    new_id = conn.execute(_outbox_insert(conn), row).scalar()
    return int(new_id) if new_id is not None else None


_MESSAGE = sa.select(
    t.messages.c.platform,
    t.messages.c.account_id,
    t.messages.c.is_sample,
    t.messages.c.kind,
    t.messages.c.author_id,
    t.messages.c.posted_at,
).where(t.messages.c.id == sa.bindparam("message_id"))


def last_inbound_at(
    conn: sa.Connection, *, platform: str, account_id: int, author_id: str | None
) -> datetime | None:
    """When the citizen last wrote to this account on this platform (messaging windows run
    from there)."""
    if not author_id:
        return None
    found: datetime | None = conn.execute(
        sa.select(sa.func.max(t.messages.c.posted_at)).where(
            t.messages.c.platform == platform,
            t.messages.c.account_id == account_id,
            t.messages.c.author_id == author_id,
        )
    ).scalar()
    return found


def reply_problem(
    conn: sa.Connection, ctx: Context, message: Any, text: str, *, human: bool
) -> str | None:
    """Why the platform would refuse this reply (too long in its own unit, or past its
    messaging window), in words an operator acts on; None when it can go out. `message` has
    the message's platform, kind, account_id and author_id."""
    connector = ctx.connectors.for_platform(message.platform)
    if connector is None:
        return None
    rule = connector.text_rule(message.platform, message.kind)
    problem = rule.problem(text.strip())
    if problem:
        return f"teks terlalu panjang untuk {problem}"
    window = connector.reply_window(message.platform, message.kind)
    if window is None:
        return None
    last = last_inbound_at(
        conn, platform=message.platform, account_id=message.account_id, author_id=message.author_id
    )
    tag = connector.human_agent_tag(message.platform)
    return window.problem(last, ctx.now(), human=human, tag=tag)


_OUTBOX_INSERTS: dict[str, Any] = {}


def _outbox_insert(conn: sa.Connection) -> Any:
    name = conn.dialect.name
    if name not in _OUTBOX_INSERTS:
        _OUTBOX_INSERTS[name] = (
            insert(conn, t.outbox)
            .on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(t.outbox.c.id)
        )
    return _OUTBOX_INSERTS[name]


def templates(conn: sa.Connection, city: str | None = None) -> list[Template]:
    """A city's reply templates (None: the first city's); a city that never set its own
    follows the first city's (`cities.policy_rows`)."""

    def load() -> list[Template]:
        rows = cities.policy_rows(conn, t.reply_templates, city)
        out = []
        for r in rows:
            try:
                out.append(Template(ReplyEvent(r.event), r.text, r.topic, r.id))
            except ValueError:  # an event this version does not know
                continue
        return out

    return cached(conn, f"reply_templates:{city}", load)


def tracking_link(ctx: Context, ticket: str) -> str:
    """The citizen's link: the ticket code and its unguessable key (issue 16). The key opens
    the page and lets its holder answer "sudah beres" or "belum beres" there."""
    key = tracking_key(ctx.settings.secret_key, ticket)
    return f"{ctx.settings.base_url()}/lacak/{ticket}?kunci={key}"


def _names(conn: sa.Connection, case: Mapping[str, Any]) -> dict[str, str]:
    def load_opds() -> dict[str, str]:
        return dict(conn.execute(sa.select(t.opds.c.code, t.opds.c.name)).all())

    def load_topics() -> dict[str, str]:
        return dict(conn.execute(sa.select(t.topics.c.code, t.topics.c.name)).all())

    def load_places() -> dict[str, str]:
        return dict(conn.execute(sa.select(t.wilayah.c.code, t.wilayah.c.name)).all())

    opds = cached(conn, "opd_names", load_opds)
    topics = cached(conn, "topic_names", load_topics)
    places = cached(conn, "wilayah_names", load_places)
    return {
        "opd": opds.get(case.get("opd") or "", "dinas terkait"),
        "topik": topics.get(case.get("topic") or "", case.get("topic") or ""),
        "wilayah": places.get(case.get("kelurahan") or case.get("kecamatan") or "", ""),
    }


def case_values(conn: sa.Connection, ctx: Context, case: Mapping[str, Any]) -> dict[str, Any]:
    """What the placeholders of a template become for a case (those of one event, such as
    {alasan} or {tiket_tujuan}, are added by the caller)."""
    return {
        "tiket": case["ticket"],
        "tautan": tracking_link(ctx, case["ticket"]),
        "status": STATUS_LABELS[Status(case["status"])].lower(),
        "tenggat": fmt.local_time(case.get("due_at"), ctx.tz, missing=""),
        "jumlah": case.get("report_count") or 1,
        **_names(conn, case),
    }


def case_city(conn: sa.Connection, case: Mapping[str, Any]) -> str | None:
    """The city of a case: its row's, read when the mapping holds only some columns."""
    if "city" in case:
        found: str | None = case["city"]
        return found
    if case.get("id") is None:
        return None
    city: str | None = conn.execute(
        sa.select(t.cases.c.city).where(t.cases.c.id == case["id"])
    ).scalar()
    return city


def compose(
    conn: sa.Connection,
    ctx: Context,
    case: Mapping[str, Any],
    event: ReplyEvent,
    **extra: Any,
) -> str:
    template = pick_template(templates(conn, case_city(conn, case)), event, case.get("topic"))
    values = case_values(conn, ctx, case)
    values.update({k: v for k, v in extra.items() if v is not None})
    return render(template.text, values)


def reporters(conn: sa.Connection, case_id: int) -> list[int]:
    """The first message of each citizen in the case: whom a case-wide answer goes to."""
    rows = conn.execute(
        sa.select(
            t.messages.c.id,
            t.messages.c.platform,
            t.messages.c.author,
            t.messages.c.author_id,
        )
        .where(t.messages.c.case_id == case_id)
        .order_by(t.messages.c.posted_at, t.messages.c.id)
    ).all()
    seen: set[tuple[str, str]] = set()
    out: list[int] = []
    for r in rows:
        who = (r.platform, r.author_id or r.author or f"#{r.id}")
        if who in seen:
            continue
        seen.add(who)
        out.append(int(r.id))
    return out


def answer_case(
    conn: sa.Connection,
    ctx: Context,
    case: Mapping[str, Any],
    event: ReplyEvent,
    *,
    reason: str,
    message_ids: list[int] | None = None,
    **extra: Any,
) -> list[int]:
    """Queue the event's template to every citizen who reported the case (or to the given
    messages). Returns the new outbox ids."""
    text = compose(conn, ctx, case, event, **extra)
    targets = message_ids if message_ids is not None else reporters(conn, case["id"])
    queued = [
        queue_reply(conn, ctx, message_id=message_id, text=text, reason=reason)
        for message_id in targets
    ]
    return [q for q in queued if q is not None]


# --- staff edit templates ----------------------------------------------------------------------


def list_templates(ctx: Context, city: str | None = None) -> list[Template]:
    """A city's templates (None: the first city's), the first city's while it follows them."""
    with ctx.engine.connect() as conn:
        return templates(conn, city)


def follows_first_city(ctx: Context, city: str | None) -> bool:
    """The city has no reply templates of its own: it follows the first city's."""
    return cities.follows_first(ctx, t.reply_templates, city)


def save_template(
    ctx: Context,
    event: str,
    text: str,
    *,
    topic: str | None,
    actor: Actor | str,
    ip: str | None = None,
    city: str | None = None,
) -> Template:
    """Add or change a city's template for (event, topic) (None: the first city's); checked
    before it is stored, kept as a revision and in the audit trail (text before and after). A
    city that followed the first city's templates gets a copy of them first."""

    try:
        kind = ReplyEvent(event)
    except ValueError:
        choices = ", ".join(e.value for e in ReplyEvent)
        raise InvalidInput(f"peristiwa {event!r} tidak dikenal (pilihan: {choices})") from None
    try:
        validate_template(text)
    except InvalidTemplate as exc:
        raise InvalidInput(str(exc)) from None
    with ctx.engine.begin() as conn:
        if topic is not None and not exists(conn, t.topics.c.code, topic):
            raise InvalidInput(f"topik {topic!r} tidak dikenal")
        code = cities.own_policy_city(conn, t.reply_templates, city)
        c = t.reply_templates.c
        where = [
            cities.city_rows(t.reply_templates, code),
            c.event == kind.value,
            c.topic.is_(None) if topic is None else c.topic == topic,
        ]
        old = conn.execute(sa.select(c.id, c.text).where(*where)).first()
        existing = old.id if old is not None else None
        values = {"text": text, "updated_at": ctx.now(), "updated_by": audit.actor_name(actor)}
        if existing is None:
            existing = conn.execute(
                sa.insert(t.reply_templates)
                .values(event=kind.value, topic=topic, city=code, **values)
                .returning(c.id)
            ).scalar_one()
        else:
            conn.execute(sa.update(t.reply_templates).where(c.id == existing).values(**values))
        key = cities.parameter_key(conn, code, f"{kind.value}:{topic or '*'}")
        record_revision(
            conn,
            kind="reply_template",
            key=key,
            data={"event": kind.value, "topic": topic, "text": text},
            at=ctx.now(),
            actor=audit.actor_name(actor),
            city=code,
        )
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="reply_template.save",
            target_kind="reply_template",
            target_id=key,
            ip=ip,
            detail={
                "before": {"text": old.text if old is not None else None},
                "after": {"text": text},
            },
        )
    return Template(kind, text, topic, int(existing))


def outbox_for_case(ctx: Context, case_id: int) -> list[OutboxRow]:
    """Replies queued for a case's messages (staff view; texts hold no citizen text)."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.outbox)
            .join(t.messages, t.messages.c.id == t.outbox.c.in_reply_to_message_id)
            .where(t.messages.c.case_id == case_id)
            .order_by(t.outbox.c.id)
        ).mappings()
        return [row(OutboxRow, r) for r in rows]
