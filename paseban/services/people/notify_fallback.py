"""When WhatsApp cannot carry an officer's notice, e-mail does (issue 19), and what Meta says of
each message template decides whether WhatsApp is tried at all.

A notification fails for good when the Cloud API refuses it for a reason a retry does not
cure (not a WhatsApp number, a template rejected, paused or disabled, the number not opted
in...), when WhatsApp's status webhook reports it `failed` after accepting it, or when the
throughput limits did not let it through in MAX_ATTEMPTS tries. Each such row is then handed
once to e-mail, the same words with the link to the case, if the person has an address; the
row records what happened (`fallback`). Someone who chose both channels already had the
e-mail of a new case or an escalation, so only their digest is sent again by e-mail.

Meta reviews templates after they are registered and may pause or disable them later (the
`message_template_status_update` webhook field of the WhatsApp Business Account). The last
status is kept in `whatsapp_templates`; a template under a status Meta would refuse is not
sent at all, and its notices go straight to e-mail.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.connectors.base import TemplateStatus
from paseban.domain import officers as rules
from paseban.services.people.notify import enqueue_email
from paseban.services.people.officers import BOTH
from paseban.storage import tables as t
from paseban.storage.rows.people import TemplateStatusRow
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.notify_fallback")

n = t.officer_notifications.c
w = t.whatsapp_templates.c
MAX_ATTEMPTS = 10  # a throughput limit retried every minute: ten minutes, then e-mail
LOOK_BACK = timedelta(days=1)  # failures older than this are history, not news to send


class Fallback:
    """What was done with a notice WhatsApp could not carry (`officer_notifications.fallback`)."""

    EMAIL = "email"  # sent by e-mail
    ALREADY = "email_already"  # the person chose both channels: the e-mail went already
    NO_ADDRESS = "no_address"  # no e-mail address (or the account is switched off)
    NO_SMTP = "no_smtp"  # the city has no mail server set (PASEBAN_SMTP_HOST)


LABELS = {
    Fallback.EMAIL: "dikirim lewat e-mail",
    Fallback.ALREADY: "e-mail sudah terkirim (memilih keduanya)",
    Fallback.NO_ADDRESS: "tidak ada alamat e-mail untuk cadangan",
    Fallback.NO_SMTP: "e-mail belum diatur (PASEBAN_SMTP_HOST)",
}


# --- template statuses -------------------------------------------------------------------------


def record_template_statuses(
    conn: sa.Connection, statuses: list[TemplateStatus], at: datetime
) -> int:
    """Keep Meta's latest word on each template (from the WhatsApp webhook)."""
    for status in statuses:
        values = {
            "status": status.status,
            "reason": status.reason,
            "template_id": status.template_id,
            "updated_at": at,
        }
        conn.execute(
            insert(conn, t.whatsapp_templates)
            .values(name=status.name, language=status.language, **values)
            .on_conflict_do_update(index_elements=["name", "language"], set_=values)
        )
        log.info("template status", extra={"template": status.name, "status": status.status})
    return len(statuses)


def template_problem(conn: sa.Connection, name: str, language: str) -> str | None:
    """Why this template must not be sent now (in the operator's words), or None: a template
    Meta has not reported on is tried (the Cloud API's answer then tells)."""
    row = conn.execute(
        sa.select(w.status, w.reason).where(w.name == name, w.language == language)
    ).first()
    if row is None or row.status in rules.USABLE_STATUSES:
        return None
    reason = rules.reason_label(row.reason)
    return f"templat {name} {rules.status_label(row.status)}{f' ({reason})' if reason else ''}"


def template_statuses(ctx: Context) -> dict[str, TemplateStatusRow]:
    """Each Paseban template's status in Bahasa Indonesia, for the notifications page."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(w.name, w.status, w.reason, w.updated_at).where(w.language == rules.LANGUAGE)
        ).all()
    return {
        r.name: TemplateStatusRow(
            status=r.status,
            label=rules.status_label(r.status),
            reason=rules.reason_label(r.reason),
            usable=r.status in rules.USABLE_STATUSES,
            updated_at=r.updated_at,
        )
        for r in rows
    }


# --- the e-mail fallback -----------------------------------------------------------------------


def fall_back(ctx: Context) -> dict[str, int]:
    """Hand every WhatsApp notice that failed for good (in the last day) to e-mail, once each.
    The row is claimed before the e-mail is queued, so two workers never send it twice."""
    counts = dict.fromkeys(LABELS, 0)
    u = t.users.c
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                n.id,
                n.kind,
                n.template,
                n.params,
                n.error,
                n.user_id,
                u.email,
                u.active,
                u.notify_channel,
                t.cases.c.ticket,
            )
            .join(t.users, u.id == n.user_id)
            .outerjoin(t.cases, t.cases.c.id == n.case_id)
            .where(
                n.status == "failed",
                n.channel == "whatsapp",
                n.fallback.is_(None),
                n.created_at >= ctx.now() - LOOK_BACK,
            )
            .order_by(n.id)
        ).all()
    for row in rows:
        if row.notify_channel == BOTH and row.kind != rules.Kind.DIGEST:
            outcome = Fallback.ALREADY
        elif not row.email or not row.active:
            outcome = Fallback.NO_ADDRESS
        elif not ctx.settings.smtp_host:
            outcome = Fallback.NO_SMTP
        else:
            outcome = Fallback.EMAIL
        with ctx.engine.begin() as conn:
            claimed = conn.execute(
                sa.update(t.officer_notifications)
                .where(n.id == row.id, n.fallback.is_(None))
                .values(fallback=outcome, fallback_at=ctx.now())
            ).rowcount
        if not claimed:
            continue
        counts[outcome] += 1
        if outcome == Fallback.EMAIL:
            subject, body = _email(ctx, row)
            enqueue_email(ctx, [int(row.user_id)], subject, body)
    if any(counts.values()):
        log.info("whatsapp fallback", extra=counts)
    return counts


def _email(ctx: Context, row: Any) -> tuple[str, str]:
    template = rules.by_name(row.template)
    params = row.params or {}
    text = rules.as_text(
        template,
        list(params.get("header") or []),
        list(params.get("body") or []),
        list(params.get("button") or []),
        ctx.settings.base_url(),
    )
    label = rules.KIND_LABELS.get(row.kind, row.kind)
    subject = f"[Paseban] {label[:1].upper()}{label[1:]}{f' {row.ticket}' if row.ticket else ''}"
    why = f" ({row.error})" if row.error else ""
    body = (
        f"{text}\n\nPesan ini dikirim lewat e-mail karena WhatsApp tidak bisa mengantarnya{why}.\n"
    )
    return subject, body
