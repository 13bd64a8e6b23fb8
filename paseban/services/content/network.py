"""The admin network: who runs each account, training sessions and kopdar with digital
attendance, and whether trained accounts improved afterwards.

Before/after measure (docs/content.md): for every account whose admin attended, two windows of
`content.training_window_days` (default 30) days, before and after the session:
- content quality: the mean checker score of the drafts written in the window;
- posts: how many posts were published in the window;
- response: the median minutes from a citizen's question/complaint to our reply, over replies
  the outbox sent for that account in the window (the reply side of the cases work).
A window that has not ended yet is marked as running, and an empty window shows "-".
"""

from __future__ import annotations

import io
import secrets
import statistics
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import segno
import sqlalchemy as sa

from paseban.content import approvals as ap
from paseban.domain.accounts import Role
from paseban.domain.wilayah import Level, is_within
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.services.content import access
from paseban.services.reference import store as ref
from paseban.storage import rows as typed
from paseban.storage import tables as t
from paseban.storage.rows.content import (
    AccountAdminRow,
    AccountMeasuresRow,
    AttendeeRow,
    BeforeAfterAccountRow,
    BeforeAfterRow,
    MeasureChangeRow,
    RosterRow,
    SessionDetailRow,
    SessionListRow,
    TrainingSessionRow,
)

if TYPE_CHECKING:
    from paseban.context import Context

KINDS = {"pelatihan": "Pelatihan", "kopdar": "Kopdar (temu admin)"}
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud in a hall
CODE_LENGTH = 6
WINDOW_KEY = "content.training_window_days"


# --- roster ------------------------------------------------------------------------------------


def add_admin(
    ctx: Context,
    who: ap.Who,
    account_id: int,
    *,
    name: str,
    username: str | None = None,
    position: str = "Jubir digital",
    since: date | None = None,
    sample: bool = False,
) -> int:
    name = name.strip()
    if not name or len(name) > 200:
        raise InvalidInput("nama admin wajib diisi (maks. 200 huruf)")
    with ctx.engine.begin() as conn:
        account = access.load_account(conn, account_id)
        if not ap.can_author(who, access.account_ref(account)):
            raise Forbidden("Anda hanya dapat mengurus admin akun Anda sendiri")
        user_id = None
        if username:
            user = conn.execute(
                sa.select(t.users.c.id, t.users.c.city).where(
                    t.users.c.username == username.strip().lower()
                )
            ).first()
            if user is None or user.city not in (None, account["city"]):
                raise InvalidInput(f"pengguna {username!r} tidak ada di kota/kabupaten akun ini")
            user_id = user.id
            if conn.execute(
                sa.select(t.account_admins.c.id).where(
                    t.account_admins.c.account_id == account_id,
                    t.account_admins.c.user_id == user_id,
                    t.account_admins.c.active.is_(True),
                )
            ).first():
                raise Conflict(f"{username} sudah tercatat sebagai admin akun ini")
        return int(
            conn.execute(
                sa.insert(t.account_admins)
                .values(
                    account_id=account_id,
                    user_id=user_id,
                    name=name,
                    position=position.strip()[:100],
                    since=since,
                    active=True,
                    is_sample=sample,
                )
                .returning(t.account_admins.c.id)
            ).scalar_one()
        )


def end_admin(ctx: Context, who: ap.Who, admin_id: int, *, until: date) -> None:
    with ctx.engine.begin() as conn:
        row = conn.execute(
            sa.select(t.account_admins).where(t.account_admins.c.id == admin_id)
        ).first()
        account = access.load_account(conn, row.account_id) if row is not None else None
        if account is None or not who.scope.covers_city(account["city"]):
            raise NotFound(f"admin {admin_id} tidak ada")
        if not ap.can_author(who, access.account_ref(account)):
            raise Forbidden("Anda hanya dapat mengurus admin akun Anda sendiri")
        conn.execute(
            sa.update(t.account_admins)
            .where(t.account_admins.c.id == admin_id)
            .values(active=False, until=until)
        )


def roster(ctx: Context, who: ap.Who) -> list[RosterRow]:
    """Each visible account with its active admins and their last training."""
    with ctx.engine.connect() as conn:
        accounts = access.visible_accounts(ctx, conn, who)
        admins = (
            conn.execute(
                sa.select(t.account_admins, t.users.c.username)
                .outerjoin(t.users, t.users.c.id == t.account_admins.c.user_id)
                .where(t.account_admins.c.active.is_(True))
                .order_by(t.account_admins.c.name)
            )
            .mappings()
            .all()
        )
        trained = dict(
            conn.execute(
                sa.select(
                    t.training_attendance.c.user_id, sa.func.max(t.training_sessions.c.held_at)
                )
                .join(
                    t.training_sessions,
                    t.training_sessions.c.id == t.training_attendance.c.session_id,
                )
                .group_by(t.training_attendance.c.user_id)
            ).all()
        )
    by_account: dict[int, list[AccountAdminRow]] = {}
    for a in admins:
        last = trained.get(a["user_id"]) if a["user_id"] else None
        item = typed.row(AccountAdminRow, {**a, "last_training": last})
        by_account.setdefault(a["account_id"], []).append(item)
    return [RosterRow(**acc, admins=by_account.get(acc["id"], [])) for acc in accounts]


# --- training sessions and attendance ----------------------------------------------------------


def _new_code(conn: sa.Connection) -> str:
    for _ in range(20):
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not conn.execute(
            sa.select(t.training_sessions.c.id).where(t.training_sessions.c.checkin_code == code)
        ).first():
            return code
    raise Conflict("gagal membuat kode hadir; coba lagi")


def create_session(
    ctx: Context,
    who: ap.Who,
    *,
    kind: str,
    title: str,
    held_at: datetime,
    place: str = "",
    kecamatan: str | None = None,
    notes: str = "",
    hours: float = 3.0,
    sample: bool = False,
) -> dict[str, Any]:
    """A training or kopdar of the operator's city (the province role: its kecamatan's, else
    the chosen or first city). Check-in opens an hour before and closes `hours` after the
    start."""
    access.require_diskominfo(who, "membuat sesi pelatihan atau kopdar")
    if kind not in KINDS:
        raise InvalidInput(f"jenis sesi {kind!r} tidak dikenal (pilihan: {', '.join(KINDS)})")
    if not title.strip() or len(title) > 200:
        raise InvalidInput("judul sesi wajib diisi (maks. 200 huruf)")
    if held_at.tzinfo is None:
        raise InvalidInput("waktu sesi harus menyertakan zona waktu")
    if not 0.5 <= hours <= 24:
        raise InvalidInput("lama sesi 0,5 sampai 24 jam")
    with ctx.engine.begin() as conn:
        city = access.writing_city(conn, who, _city_of(kecamatan) if kecamatan else None)
        if kecamatan and (
            not is_within(kecamatan, city)
            or conn.execute(
                sa.select(t.wilayah.c.level).where(t.wilayah.c.code == kecamatan)
            ).scalar()
            != int(Level.KECAMATAN)
        ):
            raise InvalidInput(f"kecamatan {kecamatan!r} tidak dikenal di kota/kabupaten ini")
        code = _new_code(conn)
        session_id = conn.execute(
            sa.insert(t.training_sessions)
            .values(
                kind=kind,
                city=city,
                title=title.strip(),
                held_at=held_at,
                place=place.strip(),
                kecamatan=kecamatan or None,
                notes=notes.strip(),
                checkin_code=code,
                checkin_opens_at=held_at - timedelta(hours=1),
                checkin_closes_at=held_at + timedelta(hours=hours),
                created_by=who.name,
                is_sample=sample,
            )
            .returning(t.training_sessions.c.id)
        ).scalar_one()
    return {"id": int(session_id), "checkin_code": code}


def _city_of(kecamatan: str) -> str:
    """The kota/kabupaten a kecamatan code lies in (32.71.01 -> 32.71)."""
    return ".".join(kecamatan.split(".")[:2])


def _session(conn: sa.Connection, who: ap.Who, where: sa.ColumnElement[bool]) -> Any:
    """One session of the person's city (another city's is not found)."""
    return (
        conn.execute(
            sa.select(t.training_sessions).where(
                where, access.of_city(t.training_sessions.c.city, who)
            )
        )
        .mappings()
        .first()
    )


def list_sessions(ctx: Context, who: ap.Who) -> list[SessionListRow]:
    """The sessions of the person's city (the province role: every city, or the chosen)."""
    with ctx.engine.connect() as conn:
        counts: dict[int, int] = dict(
            conn.execute(
                sa.select(t.training_attendance.c.session_id, sa.func.count()).group_by(
                    t.training_attendance.c.session_id
                )
            ).all()
        )
        rows = [
            typed.row(TrainingSessionRow, r)
            for r in conn.execute(
                sa.select(t.training_sessions)
                .where(access.of_city(t.training_sessions.c.city, who))
                .order_by(t.training_sessions.c.held_at.desc())
            ).mappings()
        ]
    return [
        SessionListRow(
            **r, attendees=counts.get(r["id"], 0), kind_label=KINDS.get(r["kind"], r["kind"])
        )
        for r in rows
    ]


def get_session(ctx: Context, who: ap.Who, session_id: int) -> SessionDetailRow:
    with ctx.engine.connect() as conn:
        row = _session(conn, who, t.training_sessions.c.id == session_id)
        if row is None:
            raise NotFound(f"sesi {session_id} tidak ada")
        people = (
            conn.execute(
                sa.select(
                    t.users.c.username,
                    t.users.c.full_name,
                    t.users.c.role,
                    t.users.c.scope_code,
                    t.training_attendance.c.checked_in_at,
                    t.training_attendance.c.method,
                )
                .join(t.users, t.users.c.id == t.training_attendance.c.user_id)
                .where(t.training_attendance.c.session_id == session_id)
                .order_by(t.training_attendance.c.checked_in_at)
            )
            .mappings()
            .all()
        )
    return SessionDetailRow(
        **typed.row(TrainingSessionRow, row),
        kind_label=KINDS.get(row["kind"], row["kind"]),
        people=[typed.row(AttendeeRow, p) for p in people],
    )


def checkin_url(ctx: Context, code: str) -> str:
    return f"{ctx.settings.base_url()}/konten/hadir?kode={code}"


def qr_svg(ctx: Context, code: str) -> str:
    """The QR code shown at the event: it opens the check-in page with the code filled in."""
    qr = segno.make(checkin_url(ctx, code), error="m")
    out = io.BytesIO()
    qr.save(out, kind="svg", scale=8, border=2, title=f"Kode hadir {code}")
    return out.getvalue().decode("utf-8")


def check_in(
    ctx: Context, who: ap.Who, code: str, *, method: str = "kode", username: str | None = None
) -> dict[str, Any]:
    """The signed-in admin checks in with the code shown at the event (or its QR), also at
    another city's (a province's kopdar). Diskominfo may record someone else by hand
    (`username`, method manual) at a session of its city."""
    code = "".join(code.split()).upper()
    if method not in ("kode", "qr", "manual"):
        raise InvalidInput("cara hadir: kode, qr, atau manual")
    target = who.name
    if username:
        access.require_diskominfo(who, "mencatat kehadiran orang lain")
        target, method = username.strip().lower(), "manual"
    now = ctx.now()
    with ctx.engine.begin() as conn:
        session = conn.execute(
            sa.select(t.training_sessions).where(t.training_sessions.c.checkin_code == code)
        ).first()
        if session is None or (username and not who.scope.covers_city(session.city)):
            raise NotFound("kode hadir tidak dikenal; periksa lagi kode di layar")
        if method != "manual" and not (
            session.checkin_opens_at <= now <= session.checkin_closes_at
        ):
            raise Conflict("daftar hadir sesi ini sedang tidak dibuka")
        user_id = conn.execute(sa.select(t.users.c.id).where(t.users.c.username == target)).scalar()
        if user_id is None:
            raise NotFound(f"pengguna {target!r} tidak ada")
        if conn.execute(
            sa.select(t.training_attendance.c.user_id).where(
                t.training_attendance.c.session_id == session.id,
                t.training_attendance.c.user_id == user_id,
            )
        ).first():
            return {"session_id": session.id, "title": session.title, "already": True}
        conn.execute(
            sa.insert(t.training_attendance).values(
                session_id=session.id,
                user_id=user_id,
                checked_in_at=now,
                method=method,
                recorded_by=who.name,
            )
        )
    return {"session_id": session.id, "title": session.title, "already": False}


# --- did trained accounts improve? -------------------------------------------------------------


def _accounts_of(conn: sa.Connection, user: Any, publishable: list[str]) -> list[int]:
    """The accounts an attendee runs: the roster, or else the accounts of their own wilayah."""
    rostered = (
        conn.execute(
            sa.select(t.account_admins.c.account_id).where(
                t.account_admins.c.user_id == user.id, t.account_admins.c.active.is_(True)
            )
        )
        .scalars()
        .all()
    )
    if rostered:
        return list(rostered)
    if user.role in (Role.KELURAHAN_ADMIN.value, Role.KECAMATAN_ADMIN.value) and user.scope_code:
        return list(
            conn.execute(
                sa.select(t.accounts.c.id).where(
                    t.accounts.c.owner_code == user.scope_code,
                    t.accounts.c.active.is_(True),
                    t.accounts.c.platform.in_(publishable),
                )
            ).scalars()
        )
    return []


def _measures(
    conn: sa.Connection, account_id: int, start: datetime, end: datetime
) -> AccountMeasuresRow:
    c = t.content_posts.c
    quality = conn.execute(
        sa.select(sa.func.avg(c.quality_score), sa.func.count(c.id)).where(
            c.account_id == account_id,
            c.created_at >= start,
            c.created_at < end,
            c.quality_score.is_not(None),
        )
    ).one()
    published = conn.execute(
        sa.select(sa.func.count(c.id)).where(
            c.account_id == account_id, c.published_at >= start, c.published_at < end
        )
    ).scalar_one()
    replies = conn.execute(
        sa.select(t.outbox.c.sent_at, t.messages.c.received_at)
        .join(t.messages, t.messages.c.id == t.outbox.c.in_reply_to_message_id)
        .where(
            t.outbox.c.account_id == account_id,
            t.outbox.c.kind == "reply",
            t.outbox.c.sent_at.is_not(None),
            t.outbox.c.sent_at >= start,
            t.outbox.c.sent_at < end,
        )
    ).all()
    minutes = [(r.sent_at - r.received_at).total_seconds() / 60 for r in replies]
    return AccountMeasuresRow(
        quality=round(float(quality[0]), 1) if quality[0] is not None else None,
        drafts=int(quality[1]),
        posts=int(published),
        reply_minutes=round(statistics.median(minutes)) if minutes else None,
        replies=len(minutes),
    )


def _change(before: AccountMeasuresRow, after: AccountMeasuresRow) -> MeasureChangeRow:
    """After minus before, for the measures a session should move; None where one is missing."""
    q0, q1, r0, r1 = (
        before["quality"],
        after["quality"],
        before["reply_minutes"],
        after["reply_minutes"],
    )
    return MeasureChangeRow(
        quality=q1 - q0 if q1 is not None and q0 is not None else None,
        posts=after["posts"] - before["posts"],
        reply_minutes=r1 - r0 if r1 is not None and r0 is not None else None,
    )


def before_after(ctx: Context, who: ap.Who, session_id: int) -> BeforeAfterRow:
    """For each account whose admin attended: the measures before and after the session."""
    now = ctx.now()
    with ctx.engine.connect() as conn:
        session = _session(conn, who, t.training_sessions.c.id == session_id)
        if session is None:
            raise NotFound(f"sesi {session_id} tidak ada")
        days = int(ref.get_parameter(conn, WINDOW_KEY, 30))
        window = timedelta(days=days)
        users = conn.execute(
            sa.select(t.users)
            .join(t.training_attendance, t.training_attendance.c.user_id == t.users.c.id)
            .where(t.training_attendance.c.session_id == session_id)
        ).all()
        visible = {a["id"]: a for a in access.visible_accounts(ctx, conn, who)}
        rows: list[BeforeAfterAccountRow] = []
        seen: set[int] = set()
        publishable = ctx.connectors.publishable_platforms()
        for user in users:
            for account_id in _accounts_of(conn, user, publishable):
                if account_id in seen or account_id not in visible:
                    continue
                seen.add(account_id)
                held = session["held_at"]
                before = _measures(conn, account_id, held - window, held)
                after = _measures(conn, account_id, held, held + window)
                rows.append(
                    BeforeAfterAccountRow(
                        account=visible[account_id],
                        admin=user.full_name or user.username,
                        before=before,
                        after=after,
                        delta=_change(before, after),
                    )
                )
    return BeforeAfterRow(
        session=typed.row(TrainingSessionRow, session),
        window_days=days,
        running=session["held_at"] + window > now,
        rows=sorted(rows, key=lambda r: (r["account"]["name"], r["account"]["handle"])),
    )
