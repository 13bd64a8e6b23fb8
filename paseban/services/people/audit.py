"""The audit trail: every sign-in and every action, who did it, when, from where and to what.

`record` is called inside the same transaction as the action it describes, so an action and its
audit row are stored together or not at all (a refused sign-in is recorded on its own)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.people import AuditEventRow

if TYPE_CHECKING:
    from datetime import datetime

    from paseban.context import Context
    from paseban.domain.auth import Actor

# what an entry is about, in words ("pengguna petugas.dlh", not "user petugas.dlh")
TARGET_LABELS: dict[str, str] = {
    "account": "akun",
    "alert": "peringatan dini",
    "case": "kasus",
    "field_visit": "kunjungan lapangan",
    "message": "pesan",
    "opd": "OPD",
    "parameter": "parameter",
    "path": "halaman",
    "reply_template": "templat balasan",
    "routing_rule": "aturan rute",
    "sla_policy": "tenggat",
    "token": "token API",
    "topic": "topik",
    "user": "pengguna",
    "post": "konten",
    "outbox": "antrean kirim",
}

ACTION_LABELS: dict[str, str] = {
    "login.ok": "masuk",
    "login.failed": "gagal masuk",
    "login.locked": "masuk ditolak (terkunci)",
    "login.rate_limited": "masuk ditolak (terlalu sering)",
    "logout": "keluar",
    "password.set": "kata sandi diatur",
    "token.create": "token API dibuat",
    "token.revoke": "token API dicabut",
    "message.reply": "membalas warga",
    "message.correct": "mengoreksi analisis",
    "message.not_complaint": "menandai bukan aduan",
    "message.hide": "menyembunyikan spam",
    "message.view_original": "melihat teks asli",
    "account.create": "akun ditambahkan",
    "account.update": "akun diubah",
    "user.create": "pengguna ditambahkan",
    "user.update": "pengguna diubah",
    "opd.create": "OPD ditambahkan",
    "opd.update": "OPD diubah",
    "topic.update": "topik diubah",
    "street.create": "jalan ditambahkan",
    "street.update": "jalan diubah",
    "street.delete": "jalan dihapus",
    "routing_rule.save": "aturan rute disimpan",
    "routing.auto_forward": "penerusan otomatis diubah",
    "sla_policy.save": "kebijakan tenggat disimpan",
    "sla_policy.delete": "kebijakan tenggat dihapus",
    "reply_template.save": "templat balasan disimpan",
    "access.denied": "akses ditolak",
    # onboarding and officer notifications (issue 19)
    "account.connect": "akun disambungkan lewat login platform",
    "user.whatsapp": "nomor WhatsApp pengguna diubah",
    "notify.settings": "jam tenang dan ringkasan WhatsApp diubah",
    # measurement (issue 7)
    "field.visit": "kunjungan lapangan dicatat",
    "case.photo_pair": "foto sebelum/sesudah diunggah",
    "alert.acknowledge": "peringatan dini ditanggapi",
}


def record(
    conn: sa.Connection,
    *,
    at: datetime,
    actor: Actor | str,
    action: str,
    target_kind: str | None = None,
    target_id: Any = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> None:
    if isinstance(actor, str):
        name, kind = actor, "system" if actor == "sistem" else "cli"
    else:
        name, kind = actor.name, actor.kind
    conn.execute(
        sa.insert(t.audit_events).values(
            at=at,
            actor=name[:100],
            actor_kind=kind,
            action=action,
            target_kind=target_kind,
            target_id=None if target_id is None else str(target_id)[:100],
            ip=(ip or None) and ip[:45],
            detail=detail,
        )
    )


def actor_name(actor: Actor | str) -> str:
    return actor if isinstance(actor, str) else actor.name


def record_now(ctx: Context, **kwargs: Any) -> None:
    with ctx.engine.begin() as conn:
        record(conn, at=ctx.now(), **kwargs)


def list_events(
    ctx: Context,
    *,
    actor: str | None = None,
    action: str | None = None,
    target_kind: str | None = None,
    target_id: str | None = None,
    limit: int = 100,
    offset: int = 0,
) -> list[AuditEventRow]:
    query = sa.select(t.audit_events)
    if actor:
        query = query.where(t.audit_events.c.actor == actor)
    if action:
        query = query.where(t.audit_events.c.action == action)
    if target_kind:
        query = query.where(t.audit_events.c.target_kind == target_kind)
    if target_id:
        query = query.where(t.audit_events.c.target_id == target_id)
    query = query.order_by(t.audit_events.c.at.desc(), t.audit_events.c.id.desc())
    with ctx.engine.connect() as conn:
        rows = conn.execute(query.limit(limit).offset(offset)).mappings()
        return [row(AuditEventRow, r) for r in rows]
