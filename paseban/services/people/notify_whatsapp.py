"""Officers hear on WhatsApp (issue 19): a case forwarded (or moved) to an OPD reaches that
OPD's officers, an SLA escalation reaches the people behind its recipients, and each morning
a digest of what is due reaches OPD officers, camat and lurah. Only people who chose WhatsApp,
with a number and a recorded opt-in (services/people/officers.py); the others keep e-mail.

Every message is an approved UTILITY template (domain/officers.py): an officer rarely wrote to
the city's number in the last 24 hours, and outside that window WhatsApp takes nothing else.
One row per person and message in `officer_notifications`, created when the case event
happens and sent by a job at once, or when the city's quiet hours end (a digest waits; a
darurat case does not). The status webhook the citizens' replies already use tells `sent`,
`delivered`, `read` or `failed` (services/ingest/deliveries.py calls `apply_statuses`).

The time from the citizen's comment (the case's first report) to the officer's notification
is stored per row (`latency_seconds`: to the Cloud API's acceptance, then to WhatsApp's `sent`
status when it arrives) and summed up by `latency_line`.
"""

from __future__ import annotations

import logging
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.connectors.base import DeliveryStatus, SendError
from paseban.domain import fmt
from paseban.domain import officers as rules
from paseban.domain.accounts import OwnerKind
from paseban.domain.sla import STAGE_LABELS, Stage
from paseban.errors import InvalidInput
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.services.people import audit, notify_fallback
from paseban.services.people import credentials as creds
from paseban.services.people.notify import enqueue_email, symbol_conditions
from paseban.services.people.officers import EMAIL_CHANNELS, WHATSAPP_CHANNELS
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.cases import CaseEventRow
from paseban.storage.rows.people import NotificationRow
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    import httpx

    from paseban.context import Context
    from paseban.domain.auth import Actor

log = logging.getLogger("paseban.notify_whatsapp")

n = t.officer_notifications.c
RETRY = timedelta(minutes=1)  # a throughput limit or a network failure: try again after this
STATUS_ORDER = ("waiting", "queued", "held", "accepted", "sent", "delivered", "read")
MOVED = ("forward", "reassign", "reroute")  # the case now lies with this OPD


def whatsapp_users(conn: sa.Connection, *conditions: Any) -> list[Any]:
    """Active people who chose WhatsApp and whose opt-in is recorded, meeting any condition."""
    u = t.users.c
    return list(
        conn.execute(
            sa.select(u.id, u.full_name, u.username, u.role, u.scope_code)
            .where(
                u.active.is_(True),
                u.notify_channel.in_(WHATSAPP_CHANNELS),
                u.phone.is_not(None),
                u.phone_opt_in_at.is_not(None),
                sa.or_(*conditions),
            )
            .order_by(u.id)
        ).all()
    )


def _email_users(conn: sa.Connection, *conditions: Any) -> list[int]:
    u = t.users.c
    return list(
        conn.execute(
            sa.select(u.id).where(
                u.active.is_(True),
                u.notify_channel.in_(EMAIL_CHANNELS),
                u.email.is_not(None),
                sa.or_(*conditions),
            )
        ).scalars()
    )


@dataclass(frozen=True)
class CaseFacts:
    id: int
    ticket: str
    urgency: str
    opd: str | None
    summary: str  # topic and place, never the citizen's words
    opened_at: datetime
    city: str | None = None  # whose Diskominfo and leadership hear of an escalation


def _case(conn: sa.Connection, case_id: int) -> CaseFacts | None:
    c = t.cases.c
    row = conn.execute(
        sa.select(
            c.id,
            c.ticket,
            c.urgency,
            c.opd,
            c.opened_at,
            c.street,
            c.city,
            t.topics.c.name.label("topic"),
            t.wilayah.c.name.label("kelurahan"),
        )
        .select_from(
            t.cases.outerjoin(t.topics, t.topics.c.code == c.topic).outerjoin(
                t.wilayah, t.wilayah.c.code == c.kelurahan
            )
        )
        .where(c.id == case_id)
    ).first()
    if row is None:
        return None
    place = ", ".join(
        p for p in (row.street, f"Kel. {row.kelurahan}" if row.kelurahan else "") if p
    )
    summary = f"{row.topic or 'Aduan'}{' di ' + place if place else ''}"
    return CaseFacts(row.id, row.ticket, row.urgency, row.opd, summary, row.opened_at, row.city)


# --- the hook ----------------------------------------------------------------------------------


@hookimpl
def case_event(ctx: Context, case_id: int, event: CaseEventRow) -> None:
    action = event.get("action")
    if action not in (*MOVED, "escalate"):
        return
    with ctx.engine.connect() as conn:
        case = _case(conn, case_id)
        if case is None:
            return
        data = event.get("data") or {}
        if action == "escalate":
            conditions = symbol_conditions(list(data.get("recipients") or []), case.city)
        elif case.opd:
            conditions = symbol_conditions([f"kepala:{case.opd}"])
        else:
            return
        if not conditions:
            return
        people = whatsapp_users(conn, *conditions)
        by_email = _email_users(conn, *conditions) if action in ("forward",) else []
    if not people and not by_email:
        return
    tag = str(event.get("id") or event.get("at") or "")
    if action == "escalate":
        stage_code = str(data.get("stage"))
        label = STAGE_LABELS[Stage(stage_code)] if stage_code in set(Stage) else stage_code
        stage = label[:1].lower() + label[1:]  # "tindak lanjut OPD", the acronym kept
        level = str(int(data.get("level") or 1))
        kind = rules.Kind.ESCALATION
        rows = [
            _row(kind, p, case, f"esc:{case.id}:{tag}", [_name(p), stage, case.ticket, level])
            for p in people
        ]
    else:
        received = fmt.local_time(case.opened_at, ctx.tz)
        kind = rules.Kind.NEW_CASE
        rows = [
            _row(kind, p, case, f"new:{case.id}:{case.opd}:{tag}", [_addressed(p, case.opd)])
            for p in people
        ]
        for r in rows:  # kasus_baru_opd: name, ticket, what and where, when it came in
            r["params"]["body"] += [case.ticket, rules.clean(case.summary), received]
        if by_email:
            enqueue_email(
                ctx,
                by_email,
                f"[Paseban] Aduan baru {case.ticket} untuk {case.opd}",
                f"Ada aduan baru {case.ticket} untuk dinas Anda: {case.summary}. Diterima "
                f"{received}.\nBuka kasusnya: {ctx.settings.base_url()}/kasus/{case.ticket}\n",
            )
    if kind == rules.Kind.ESCALATION:
        for r in rows:
            r["params"]["body"].append(rules.clean(case.summary))
    queue_rows(ctx, rows, kind=kind, urgency=case.urgency)


def _name(person: Any) -> str:
    return str(person.full_name or person.username)


def _addressed(person: Any, opd: str | None) -> str:
    return f"{_name(person)} ({opd})" if opd else _name(person)


def _row(kind: str, person: Any, case: CaseFacts, key: str, body: list[str]) -> dict[str, Any]:
    return {
        "user_id": person.id,
        "kind": kind,
        "case_id": case.id,
        "template": rules.TEMPLATES[kind].name,
        "params": {"body": [rules.clean(v) for v in body], "button": [case.ticket]},
        "dedupe_key": f"{key}:{person.id}"[:200],
        "comment_at": case.opened_at,
    }


QUIET_KEY = "wa_quiet_hours"  # a city setting (parameters), edited on /pengaturan/notifikasi
DIGEST_KEY = "wa_digest_time"


def city_setting(ctx: Context, key: str, default: str) -> str:
    with ctx.engine.connect() as conn:
        value = conn.execute(
            sa.select(t.parameters.c.value).where(t.parameters.c.key == key)
        ).scalar()
    return str(value) if isinstance(value, str) else default


def _quiet(ctx: Context) -> Any:
    try:
        return rules.parse_quiet(city_setting(ctx, QUIET_KEY, rules.DEFAULT_QUIET))
    except rules.BadHours:  # saved through the page, so checked; a hand edit falls back
        return rules.parse_quiet(rules.DEFAULT_QUIET)


def queue_rows(
    ctx: Context, rows: list[dict[str, Any]], *, kind: str, urgency: str | None
) -> list[int]:
    """Store the rows (once per dedupe key): due at once, or when the quiet hours end; the
    ones due now are sent at once (a job). Returns the ids created."""
    if not rows:
        return []
    now = ctx.now()
    due, status = now, "queued"
    if rules.waits(kind, urgency):
        until = rules.quiet_until(now.astimezone(ctx.tz), _quiet(ctx))
        if until is not None:
            due, status = until.astimezone(UTC), "waiting"
    common = {"channel": "whatsapp", "case_id": None, "comment_at": None, "created_at": now}
    common |= {"due_at": due, "status": status}
    ids, created_ids = [], []
    with ctx.engine.begin() as conn:
        for values in ({**common, **r} for r in rows):
            created = conn.execute(
                insert(conn, t.officer_notifications)
                .values(**values)
                .on_conflict_do_nothing(index_elements=["dedupe_key"])
                .returning(n.id, n.status)
            ).first()
            if created is not None:
                created_ids.append(int(created.id))
                if created.status == "queued":
                    ids.append(int(created.id))
    if ids:
        ctx.jobs.enqueue("send_officer_whatsapp", ids=ids)
    return created_ids


# --- sending -----------------------------------------------------------------------------------


def _sender_account(conn: sa.Connection, ctx: Context) -> Any:
    """The city's WhatsApp account that sends (PASEBAN_WHATSAPP_NOTIFY_ACCOUNT, else the
    city's own, else the first active one)."""
    a = t.accounts.c
    query = sa.select(a.id, a.handle, a.platform_account_id, a.owner_kind).where(
        a.platform == "whatsapp", a.active.is_(True), a.platform_account_id.is_not(None)
    )
    wanted = ctx.settings.whatsapp_notify_account
    if wanted:
        query = query.where(sa.func.lower(a.handle) == wanted.lstrip("@").lower())
    rows = conn.execute(query.order_by(a.id)).all()
    city = OwnerKind.CITY.value
    return next((r for r in rows if r.owner_kind == city), rows[0] if rows else None)


def send_officer_whatsapp(
    ctx: Context, *, ids: list[int] | None = None, client: httpx.Client | None = None
) -> dict[str, int]:
    """Job: send the given notifications (None: every one that is due). A throughput limit or
    a network failure leaves a row queued for the next minute (at most MAX_ATTEMPTS tries); a
    template problem fails it with Meta's reason, shown on the notifications page. Then every
    notice that failed for good goes by e-mail (services/people/notify_fallback.py)."""
    counts = _send_due(ctx, ids, client)
    counts["email"] = notify_fallback.fall_back(ctx)[notify_fallback.Fallback.EMAIL]
    return counts


def _send_due(ctx: Context, ids: list[int] | None, client: httpx.Client | None) -> dict[str, int]:
    counts = {"sent": 0, "failed": 0, "retry": 0, "skipped": 0}
    now = ctx.now()
    connector = ctx.connectors.for_platform("whatsapp")
    with ctx.engine.connect() as conn:
        query = (
            sa.select(
                n.id,
                n.kind,
                n.template,
                n.params,
                n.comment_at,
                n.attempts,
                t.users.c.phone,
                t.users.c.notify_channel,
                t.users.c.active,
            )
            .join(t.users, t.users.c.id == n.user_id)
            .where(n.status.in_(("queued", "waiting")), n.due_at <= now, n.channel == "whatsapp")
            .order_by(n.id)
        )
        if ids is not None:
            query = query.where(n.id.in_(ids))
        rows = conn.execute(query).all()
        account = _sender_account(conn, ctx) if rows else None
        token = (
            creds.for_sending(conn, ctx, "whatsapp", int(account.id))
            if account is not None
            else None
        )
    if not rows:
        return counts
    if connector is None or account is None or token is None:
        log.warning("no WhatsApp account to notify officers from", extra={"waiting": len(rows)})
        counts["retry"] = len(rows)
        return counts
    sender = getattr(connector, "template_sender", None)
    if sender is None:
        counts["retry"] = len(rows)
        return counts
    owned = client is None
    client = client or connector.hosts().client()
    try:
        for row in rows:
            counts[_send_one(ctx, client, sender(), account, token, row)] += 1
    finally:
        if owned:
            client.close()
    return counts


def _send_one(ctx: Context, client: Any, sender: Any, account: Any, token: Any, row: Any) -> str:
    if not row.phone or row.notify_channel not in WHATSAPP_CHANNELS or not row.active:
        # opted out (or switched off) since it was queued: nothing goes to that number
        _update(ctx, row.id, status="skipped", error="penerima tidak lagi memilih WhatsApp")
        return "skipped"
    template = rules.by_name(row.template)
    with ctx.engine.connect() as conn:
        problem = notify_fallback.template_problem(conn, template.name, rules.LANGUAGE)
    if problem is not None:  # Meta would refuse it: not tried, e-mail carries it
        _update(ctx, row.id, status="failed", error=problem[:300])
        return "failed"
    params = row.params or {}
    header = (
        [fmt.day(ctx.now().astimezone(ctx.tz).date(), rules.WEEKDAYS)] if template.header else []
    )
    components = rules.components(
        template,
        list(params.get("header") or header),
        list(params.get("body") or []),
        list(params.get("button") or []) if template.button_url else [],
    )
    try:
        sent = sender.send(
            client,
            phone_number_id=str(account.platform_account_id),
            to=row.phone,
            name=template.name,
            language=rules.LANGUAGE,
            components=components,
            credentials=token,
        )
    except SendError as exc:
        attempts = int(row.attempts or 0) + 1
        if exc.retryable and attempts < notify_fallback.MAX_ATTEMPTS:
            _update(
                ctx,
                row.id,
                status="queued",
                due_at=ctx.now() + RETRY,
                error=str(exc)[:300],
                attempts=attempts,
            )
            return "retry"
        if exc.retryable:
            exc = SendError(f"{exc} ({attempts} kali dicoba)", retryable=False)
        _update(ctx, row.id, status="failed", error=str(exc)[:300], attempts=attempts)
        log.warning("officer notification refused", extra={"id": row.id, "error": str(exc)})
        return "failed"
    now = ctx.now()
    latency = (now - row.comment_at).total_seconds() if row.comment_at else None
    status = "held" if sent.status == "held_for_quality_assessment" else "accepted"
    _update(
        ctx,
        row.id,
        status=status,
        wa_message_id=sent.wamid,
        accepted_at=now,
        latency_seconds=latency,
        error=None,
    )
    return "sent"


def _update(ctx: Context, row_id: int, **values: Any) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(sa.update(t.officer_notifications).where(n.id == row_id).values(**values))


# --- statuses from the webhook -----------------------------------------------------------------


def apply_statuses(conn: sa.Connection, statuses: list[DeliveryStatus]) -> int:
    """Keep what WhatsApp says of our notifications (sent, delivered, read, failed), each with
    its time; a status never moves a row backwards (they may arrive out of order)."""
    changed = 0
    for status in statuses:
        row = conn.execute(
            sa.select(n.id, n.status, n.comment_at, n.sent_at).where(
                n.wa_message_id == status.external_id
            )
        ).first()
        if row is None:
            continue
        at = status.at or datetime.now(UTC)
        values: dict[str, Any] = {}
        if status.status == "failed":
            values = {"status": "failed", "error": f"tidak terkirim ({status.error or '-'})"}
        elif status.status in ("sent", "delivered", "read"):
            values[f"{status.status}_at"] = at
            if status.status == "sent" and row.comment_at:
                values["latency_seconds"] = (at - row.comment_at).total_seconds()
            if _rank(status.status) > _rank(row.status):
                values["status"] = status.status
        if values:
            conn.execute(sa.update(t.officer_notifications).where(n.id == row.id).values(**values))
            changed += 1
    return changed


def _rank(status: str) -> int:
    return STATUS_ORDER.index(status) if status in STATUS_ORDER else -1


# --- the report line ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LatencyReport:
    days: int
    notified: int
    read: int
    failed: int
    median: float | None
    p90: float | None

    def line(self) -> str:
        if not self.notified:
            return f"Notifikasi WhatsApp aduan baru ke petugas, {self.days} hari: belum ada."
        return (
            f"Notifikasi WhatsApp aduan baru ke petugas, {self.days} hari: "
            f"{fmt.number(self.notified)} terkirim, {fmt.number(self.read)} dibaca, "
            f"{fmt.number(self.failed)} gagal; komentar warga sampai ke petugas: median "
            f"{fmt.duration(self.median)}, p90 {fmt.duration(self.p90)}."
        )


def latency_report(ctx: Context, days: int = 7) -> LatencyReport:
    since = ctx.now() - timedelta(days=days)
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(n.status, n.latency_seconds).where(
                n.kind == rules.Kind.NEW_CASE, n.created_at >= since, n.channel == "whatsapp"
            )
        ).all()
    done = [r for r in rows if r.status not in ("waiting", "queued", "failed", "skipped")]
    waits = sorted(r.latency_seconds for r in done if r.latency_seconds is not None)
    p90 = waits[max(0, round(0.9 * len(waits)) - 1)] if waits else None
    return LatencyReport(
        days,
        len(done),
        sum(1 for r in done if r.status == "read"),
        sum(1 for r in rows if r.status == "failed"),
        statistics.median(waits) if waits else None,
        p90,
    )


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "send_officer_whatsapp",
            send_officer_whatsapp,
            every=timedelta(minutes=1),
            description="kirim notifikasi WhatsApp petugas yang jatuh tempo (setelah jam tenang)",
        )
    ]


# --- the settings page -------------------------------------------------------------------------


def settings_view(ctx: Context) -> dict[str, str]:
    return {
        "quiet": city_setting(ctx, QUIET_KEY, rules.DEFAULT_QUIET),
        "digest": city_setting(ctx, DIGEST_KEY, rules.DEFAULT_DIGEST),
    }


def save_settings(ctx: Context, *, quiet: str, digest: str, actor: Actor | str) -> None:
    """The city's quiet hours and digest time; a value that does not read is refused whole."""
    try:
        window = rules.parse_quiet(quiet)
        at = rules.parse_clock(digest)
    except rules.BadHours as exc:
        raise InvalidInput(str(exc)) from None
    if window is not None and rules.quiet_until(
        datetime.combine(ctx.now().astimezone(ctx.tz).date(), at, tzinfo=ctx.tz), window
    ):
        raise InvalidInput("jam ringkasan pagi jatuh di dalam jam tenang; pilih sesudahnya")
    values = {
        QUIET_KEY: f"{window[0]:%H:%M}-{window[1]:%H:%M}" if window else "-",
        DIGEST_KEY: f"{at:%H:%M}",
    }
    with ctx.engine.begin() as conn:
        for key, value in values.items():
            row = {"value": value, "updated_at": ctx.now(), "updated_by": audit.actor_name(actor)}
            conn.execute(
                insert(conn, t.parameters)
                .values(key=key, **row)
                .on_conflict_do_update(index_elements=["key"], set_=row)
            )
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="notify.settings",
            target_kind="parameter",
            target_id="notifikasi",
            detail=values,
        )


def recent(ctx: Context, limit: int = 30) -> list[NotificationRow]:
    """The last notifications, for the page: who, what, its status and its times."""
    u = t.users.c
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                n.id,
                n.kind,
                n.status,
                n.error,
                n.created_at,
                n.due_at,
                n.accepted_at,
                n.delivered_at,
                n.read_at,
                n.latency_seconds,
                n.fallback,
                u.username,
                u.full_name,
                t.cases.c.ticket,
            )
            .join(t.users, u.id == n.user_id)
            .outerjoin(t.cases, t.cases.c.id == n.case_id)
            .order_by(n.id.desc())
            .limit(limit)
        ).mappings()
        return [
            row(
                NotificationRow,
                {
                    **r,
                    "kind_label": rules.KIND_LABELS.get(r["kind"], r["kind"]),
                    "latency": fmt.duration(r["latency_seconds"]),
                    "fallback_label": notify_fallback.LABELS.get(r["fallback"] or "", ""),
                },
            )
            for r in rows
        ]
