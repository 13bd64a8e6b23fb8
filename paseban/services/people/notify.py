"""E-mail notifications: a built-in plugin that turns three hooks into e-mail to the people they
concern, through the job queue (one `send_email` job per message, its outcome in `job_runs`):

- `early_warning`: Diskominfo and the officers of the alert's OPD;
- `report_written`: everyone who reads the report to the Wali Kota (role `viewer`, Diskominfo),
  with the PDF attached; in a province's deployment each city's readers get their city's
  report, and the province role the report of every city;
- `campaign_reminder`: the kelurahan and kecamatan admins of the accounts that have not posted;
- `case_event` for an SLA escalation: the people behind its symbolic recipients (`kepala:DLH`:
  the OPD's officers, `camat:32.71.01`: that kecamatan's admins, `diskominfo`, and the names of
  the leadership list: the `viewer` users).

Recipients are active users with an e-mail address (`paseban users set-email`). Without
`PASEBAN_SMTP_HOST` nothing is sent. The job gets user ids and looks the addresses up when it
sends, so no address reaches `job_runs` or the log (only their count); the messages carry no
citizen's words, only counts, places and links to the dashboard.
"""

from __future__ import annotations

import logging
import smtplib
from contextlib import suppress
from email.message import EmailMessage
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain import fmt
from paseban.domain.accounts import Role
from paseban.domain.sla import STAGE_LABELS, Stage
from paseban.domain.wilayah import city_label
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.measurement import periods
from paseban.services.people.officers import EMAIL_CHANNELS
from paseban.storage import tables as t
from paseban.storage.rows.cases import CaseEventRow
from paseban.storage.rows.measurement import AlertRow

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.notify")

TIMEOUT = 20.0
MAX_ATTACHMENT = 10 * 1024 * 1024  # a bigger file is linked, not attached
REPORT_READERS = (Role.DISKOMINFO.value, Role.VIEWER.value)


def _users(conn: sa.Connection, *conditions: Any) -> list[int]:
    """Ids of the active users with an address who meet any of the conditions."""
    u = t.users.c
    rows = conn.execute(
        sa.select(u.id)
        .where(u.active.is_(True), u.email.is_not(None), sa.or_(*conditions))
        .order_by(u.id)
    ).scalars()
    return list(rows)


def addresses(conn: sa.Connection, user_ids: list[int]) -> list[str]:
    """The addresses of these users, as they are now (a user switched off since is skipped)."""
    u = t.users.c
    rows = conn.execute(
        sa.select(u.email).where(u.id.in_(user_ids), u.active.is_(True), u.email.is_not(None))
    ).scalars()
    return sorted({r for r in rows if r})


def _of_city(city: str | None) -> Any:
    """The users of a city: its own, and the province role's (every city); None: everyone."""
    u = t.users.c
    return sa.true() if city is None else sa.or_(u.city == city, u.city.is_(None))


def alert_recipients(conn: sa.Connection, opd: str | None, area: str | None = None) -> list[int]:
    """Diskominfo of the alert's city (its area's code names it) and the province role, and
    the officers of the OPD it went to."""
    u = t.users.c
    city = ".".join(area.split(".")[:2]) if area else None
    conditions = [sa.and_(u.role.in_((Role.DISKOMINFO.value, Role.PROVINCE.value)), _of_city(city))]
    if opd:
        conditions.append(sa.and_(u.role == Role.OPD_OFFICER.value, u.scope_code == opd))
    return _users(conn, *conditions)


def report_recipients(conn: sa.Connection, city: str | None = None) -> list[int]:
    """Who gets a report: of a one-city deployment, its readers (Diskominfo, viewers); of a
    province's, a city's report its own readers, the report of every city (`city` None) the
    province role."""
    u = t.users.c
    if len(_cities(conn)) < 2:
        return _users(conn, u.role.in_(REPORT_READERS))
    if city is None:
        return _users(conn, u.role == Role.PROVINCE.value)
    return _users(conn, sa.and_(u.role.in_(REPORT_READERS), u.city == city))


def admin_recipients(conn: sa.Connection, account_ids: list[int]) -> list[int]:
    """The kelurahan and kecamatan admins whose area owns these accounts."""
    if not account_ids:
        return []
    owners = set(
        conn.execute(
            sa.select(t.accounts.c.owner_code).where(
                t.accounts.c.id.in_(account_ids),
                t.accounts.c.owner_kind.in_(("kelurahan", "kecamatan")),
            )
        ).scalars()
    )
    if not owners:
        return []
    u = t.users.c
    return _users(
        conn,
        sa.and_(
            u.role.in_((Role.KELURAHAN_ADMIN.value, Role.KECAMATAN_ADMIN.value)),
            u.scope_code.in_(owners),
        ),
    )


def escalation_recipients(
    conn: sa.Connection,
    symbols: list[str],
    *,
    skip_whatsapp: bool = False,
    city: str | None = None,
) -> list[int]:
    """User ids behind the SLA sweep's symbolic recipients (domain/sla.escalation_recipients)
    of the case's `city`; with `skip_whatsapp`, only those who chose e-mail (alone or with
    WhatsApp): the others hear of it on WhatsApp alone (services/people/notify_whatsapp.py)."""
    conditions = symbol_conditions(symbols, city)
    if not conditions:
        return []
    if skip_whatsapp:
        chose_email = t.users.c.notify_channel.in_(EMAIL_CHANNELS)
        return _users(conn, sa.and_(chose_email, sa.or_(*conditions)))
    return _users(conn, *conditions)


def symbol_conditions(symbols: list[str], city: str | None = None) -> list[Any]:
    """The users behind symbolic recipients, as SQL conditions (e-mail and WhatsApp alike);
    Diskominfo and the leadership of one city (and the province role) when `city` is given."""
    u = t.users.c
    conditions = []
    for symbol in symbols:
        kind, _, code = symbol.partition(":")
        if kind == "kepala" and code:
            conditions.append(sa.and_(u.role == Role.OPD_OFFICER.value, u.scope_code == code))
        elif kind == "camat" and code:
            conditions.append(sa.and_(u.role == Role.KECAMATAN_ADMIN.value, u.scope_code == code))
        elif symbol == "diskominfo":
            operators = u.role.in_((Role.DISKOMINFO.value, Role.PROVINCE.value))
            conditions.append(sa.and_(operators, _of_city(city)))
        else:  # a name on the leadership list
            conditions.append(sa.and_(u.role == Role.VIEWER.value, _of_city(city)))
    return conditions


@hookimpl
def case_event(ctx: Context, case_id: int, event: CaseEventRow) -> None:
    if event.get("action") in OPD_NEWS:
        _tell_opd(ctx, case_id, event)
        return
    if event.get("action") != "escalate":
        return
    data = event.get("data") or {}
    with ctx.engine.connect() as conn:
        found = conn.execute(
            sa.select(t.cases.c.ticket, t.cases.c.city).where(t.cases.c.id == case_id)
        ).first()
        if found is None:
            return
        ticket = found.ticket
        symbols = list(data.get("recipients") or [])
        to = escalation_recipients(conn, symbols, skip_whatsapp=True, city=found.city)
    stage_code = str(data.get("stage"))
    label = STAGE_LABELS[Stage(stage_code)] if stage_code in set(Stage) else stage_code
    stage = label[:1].lower() + label[1:]  # "tindak lanjut OPD": a sentence keeps its acronyms
    level = int(data.get("level") or 1)
    body = (
        f"Tenggat tahap {stage} untuk aduan {ticket} sudah terlewati; ini eskalasi tingkat "
        f"{level}.\nBuka kasusnya dan tindak lanjuti: {ctx.settings.base_url()}/kasus/{ticket}\n"
    )
    _enqueue(ctx, to, f"[Paseban] Eskalasi {ticket}: tenggat {stage} terlewati", body)


# what the OPD that now holds a case hears at once: the citizen reopened it, or it was moved there
OPD_NEWS = {
    "reopen": "warga menyatakan masalahnya belum beres; aduan dibuka kembali",
    "reassign": "aduan ini dialihkan ke OPD Anda oleh Diskominfo",
    "reroute": "aduan ini dirutekan ulang ke OPD Anda setelah analisisnya dikoreksi",
}


def _tell_opd(ctx: Context, case_id: int, event: CaseEventRow) -> None:
    with ctx.engine.connect() as conn:
        case = conn.execute(
            sa.select(t.cases.c.ticket, t.cases.c.opd).where(t.cases.c.id == case_id)
        ).first()
        if case is None or not case.opd:
            return
        to = escalation_recipients(conn, [f"kepala:{case.opd}"])
    news = OPD_NEWS[str(event["action"])]
    body = (
        f"Aduan {case.ticket}: {news}.\n"
        f"Buka kasusnya dan tindak lanjuti: {ctx.settings.base_url()}/kasus/{case.ticket}\n"
    )
    _enqueue(ctx, to, f"[Paseban] {case.ticket}: {news}", body)


def enqueue_email(ctx: Context, to: list[int], subject: str, body: str) -> None:
    """One e-mail to these users through the job queue (notify_whatsapp's e-mail choosers)."""
    _enqueue(ctx, to, subject, body)


def _enqueue(
    ctx: Context, to: list[int], subject: str, body: str, attachments: list[str] | None = None
) -> None:
    if not ctx.settings.smtp_host:
        log.debug("e-mail off (PASEBAN_SMTP_HOST kosong)", extra={"subject": subject})
        return
    if not to:
        log.info("no one to e-mail", extra={"subject": subject})
        return
    ctx.jobs.enqueue(
        "send_email", user_ids=to, subject=subject, body=body, attachments=attachments or []
    )


@hookimpl
def early_warning(ctx: Context, alert: AlertRow) -> None:
    with ctx.engine.connect() as conn:
        to = alert_recipients(conn, alert.get("opd"), alert.get("area"))
    level = "Kelurahan" if alert["level"] == "kelurahan" else "Kecamatan"
    place = f"{level} {alert['area_name']}"
    subject = f"[Paseban] Peringatan dini: {alert['topic_name']} di {place}"
    sample = "\n(Data contoh, bukan kejadian nyata.)\n" if alert.get("is_sample") else ""
    body = (
        f"Lonjakan aduan {alert['topic_name'].lower()} di {place}: {alert['count']} aduan dalam "
        f"6 jam terakhir, padahal biasanya sekitar {fmt.num(alert['expected'], 2)}.\n{sample}\n"
        f"Lihat pesan di baliknya dan tanggapi: {ctx.settings.base_url()}/peringatan\n"
    )
    _enqueue(ctx, to, subject, body)


def _cities(conn: sa.Connection) -> dict[str, str]:
    """The deployment's cities, code -> name (people's spelling), the first city first."""
    c = t.cities.c
    rows = conn.execute(sa.select(c.code, c.name).order_by(c.position, c.code))
    return {code: city_label(name) for code, name in rows}


@hookimpl
def report_written(
    ctx: Context, kind: str, period: str, paths: list[str], city: str | None = None
) -> None:
    with ctx.engine.connect() as conn:
        to = report_recipients(conn, city)
        known = _cities(conn)
    label = "mingguan" if kind == "weekly" else "bulanan"
    with suppress(periods.BadPeriod):  # "Minggu 47, 16 – 22 Nov 2026", never 2026-W47
        period = periods.parse(kind, period, today=ctx.now().date()).label
    pdf = [p for p in paths if p.endswith(".pdf")]
    whose, page = "", "/laporan"
    if len(known) > 1:  # a province's: say whose report it is
        found = known.get(city or "")
        whose = f" — {found}" if found else " — semua kota/kabupaten"
        page = "/laporan" if found else "/laporan?kota=semua"
    body = (
        f"Laporan {label} responsivitas medsos dan aduan warga{whose}, periode {period}, "
        "sudah terbit.\n"
        f"{'PDF terlampir. ' if pdf else ''}Semua tabel (XLSX, CSV) di dasbor: "
        f"{ctx.settings.base_url()}{page}\n"
    )
    _enqueue(ctx, to, f"[Paseban] Laporan {label} {period}{whose}", body, pdf)


@hookimpl
def campaign_reminder(ctx: Context, campaign_id: int, account_ids: list[int]) -> None:
    with ctx.engine.connect() as conn:
        title = conn.execute(
            sa.select(t.campaigns.c.title).where(t.campaigns.c.id == campaign_id)
        ).scalar()
        to = admin_recipients(conn, account_ids)
    if title is None:
        return
    body = (
        f'Kampanye kota "{title}" sedang berjalan dan akun Anda belum mengunggahnya.\n'
        f"Kit kampanye (teks, tagar, gambar) ada di dasbor: {ctx.settings.base_url()}/konten\n"
    )
    _enqueue(ctx, to, f"[Paseban] Pengingat kampanye: {title}", body)


def send_email(
    ctx: Context,
    *,
    user_ids: list[int],
    subject: str,
    body: str,
    attachments: list[str] | None = None,
) -> dict[str, int]:
    """Job: one message to its recipients, named in the SMTP envelope only (nobody sees the
    others' addresses). An SMTP error fails the job, recorded in job_runs."""
    settings = ctx.settings
    with ctx.engine.connect() as conn:
        to = addresses(conn, user_ids)
    if not to:
        return {"recipients": 0, "attachments": 0}
    message = EmailMessage()
    message["From"] = settings.mail_from
    message["To"] = "undisclosed-recipients:;"  # the addresses travel in the envelope only
    message["Subject"] = subject
    message.set_content(body)
    attached = 0
    for name in attachments or []:
        path = Path(name)
        if path.is_file() and path.stat().st_size <= MAX_ATTACHMENT:
            subtype = "pdf" if path.suffix == ".pdf" else "octet-stream"
            message.add_attachment(
                path.read_bytes(), maintype="application", subtype=subtype, filename=path.name
            )
            attached += 1
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message, to_addrs=to)
    log.info("e-mail sent", extra={"subject": subject, "recipients": len(to)})
    return {"recipients": len(to), "attachments": attached}


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [JobSpec("send_email", send_email, description="kirim satu e-mail notifikasi")]
