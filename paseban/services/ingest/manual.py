"""Manual entry: a complaint heard offline ("warga lapor langsung") becomes an ordinary message."""

from __future__ import annotations

import json
import logging
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from paseban.domain.accounts import HANDLE_PATTERN, Platform
from paseban.domain.messages import Message, MessageKind
from paseban.errors import InvalidInput
from paseban.services.ingest.files import store_messages
from paseban.services.people.accounts import find_account
from paseban.storage import tables as t
from paseban.storage.rows.people import AccountRow
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.ingest")


MANUAL_KINDS = {3: "kecamatan", 4: "kelurahan", 2: "city"}


@dataclass(frozen=True)
class ManualReport:
    message_id: int
    external_id: str
    created: bool  # False: the same reference was entered before


def record_manual(
    ctx: Context,
    *,
    wilayah: str,
    text: str,
    actor: str,
    author: str = "",
    contact: str | None = None,
    reported_at: datetime | None = None,
    reference: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> ManualReport:
    """Enter a complaint heard at the kelurahan office, at a meeting or by phone. It becomes an
    ordinary message of the wilayah's "loket" account (created on first use) and goes through
    the same analysis, cases and routing. A `reference` (the paper form's number) makes a
    repeated entry a no-op."""
    text = text.strip()
    if not text:
        raise InvalidInput("isi laporan kosong")
    if len(text) > 10_000:
        raise InvalidInput("isi laporan lebih dari 10.000 karakter")
    now = ctx.now()
    when = reported_at or now
    if when.tzinfo is None:
        raise InvalidInput("waktu laporan harus memiliki zona waktu")
    if when > now + timedelta(minutes=5):
        raise InvalidInput("waktu laporan di masa depan")
    if (lat is None) != (lon is None) or (
        lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180)
    ):
        raise InvalidInput("koordinat harus lengkap (lat dan lon) dan dalam rentang")
    external = f"manual-{reference.strip()}" if reference and reference.strip() else None
    if external is not None and not HANDLE_PATTERN.match(reference.strip()):  # type: ignore[union-attr]
        raise InvalidInput("nomor rujukan hanya huruf, angka, titik, garis")
    external = external or f"manual-{uuid.uuid4().hex}"
    message = Message(
        platform=Platform.MANUAL.value,
        external_id=external,
        account="",
        author=author.strip()[:200],
        text=text,
        posted_at=when,
        kind=MessageKind.REPORT,
        author_id=(contact or "").strip()[:200] or None,
        lat=lat,
        lon=lon,
    )
    raw = json.dumps(
        {"entered_by": actor, "wilayah": wilayah, "reference": reference, "text": text},
        ensure_ascii=False,
    )
    with ctx.engine.begin() as conn:
        account = _manual_account(conn, wilayah, at=now)
        ids, _ = store_messages(conn, [(message, account, raw)], channel="manual", at=now)
        if ids:
            message_id = ids[0]
        else:
            message_id = conn.execute(
                sa.select(t.messages.c.id).where(
                    t.messages.c.platform == message.platform,
                    t.messages.c.external_id == external,
                )
            ).scalar_one()
    if ids:
        ctx.jobs.enqueue("analyze_messages", ids=ids)
    log.info("manual report", extra={"message_id": message_id, "new_case": bool(ids)})
    return ManualReport(int(message_id), external, bool(ids))


def _manual_account(conn: sa.Connection, wilayah: str, *, at: datetime) -> AccountRow:
    level = conn.execute(sa.select(t.wilayah.c.level).where(t.wilayah.c.code == wilayah)).scalar()
    if level not in MANUAL_KINDS:
        raise InvalidInput(f"kode wilayah {wilayah!r} tidak dikenal (kelurahan atau kecamatan)")
    handle = f"loket.{wilayah}"
    account = find_account(conn, Platform.MANUAL.value, handle)
    if account is None:
        names = {4: "Loket kelurahan", 3: "Loket kecamatan", 2: "Loket kota"}
        conn.execute(
            insert(conn, t.accounts)
            .values(
                platform=Platform.MANUAL.value,
                handle=handle,
                platform_account_id=None,
                owner_kind=MANUAL_KINDS[level],
                owner_code=wilayah,
                name=f"{names[level]} {wilayah}",
                active=True,
                is_sample=False,
                created_at=at,
            )
            .on_conflict_do_nothing(index_elements=["platform", "handle"])
        )
        account = find_account(conn, Platform.MANUAL.value, handle)
    assert account is not None
    return account
