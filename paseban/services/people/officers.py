"""An officer's WhatsApp number, the opt-in behind it and the channel they chose (issue 19).

Meta asks for opt-in before a business writes first: the person must know that they agree to
receive messages from this business. Paseban keeps, per number, when the agreement was
recorded and how (a signed form, a message to Diskominfo), and sends nothing to a number
without it. The number is parsed with lokal-id (0812-..., +62 812 ..., 62812...) and kept as
WhatsApp's wa_id digits (62812...); only a mobile number can receive WhatsApp. The audit trail
keeps its last three digits, never the whole number.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import lokal
import sqlalchemy as sa

from paseban.errors import InvalidInput, NotFound
from paseban.services.people import audit
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.domain.auth import Actor

EMAIL, WHATSAPP, BOTH = "email", "whatsapp", "both"  # the channels a person picks from
CHANNELS = {EMAIL: "E-mail", WHATSAPP: "WhatsApp", BOTH: "WhatsApp dan e-mail"}
# who hears on each channel: "both" is in the two (a lurah on the road, a secretary at the desk)
WHATSAPP_CHANNELS = (WHATSAPP, BOTH)
EMAIL_CHANNELS = (EMAIL, BOTH)
NOTE_MAX = 200


def parse_whatsapp(raw: str) -> str:
    """The wa_id digits of an Indonesian mobile number; InvalidInput says what is wrong."""
    info = lokal.parse_phone(raw.strip())
    if not info.valid:
        problem = info.errors[0].message if info.errors else "nomor tidak sah"
        raise InvalidInput(f"nomor WhatsApp {raw.strip()!r}: {problem}")
    if info.whatsapp is None:
        raise InvalidInput(f"nomor {raw.strip()!r} bukan nomor HP, tidak bisa menerima WhatsApp")
    return str(info.whatsapp)


def masked(phone: str | None) -> str:
    return f"…{phone[-3:]}" if phone else ""


def set_whatsapp(
    ctx: Context,
    user_id: int,
    *,
    phone: str,
    opt_in: str,
    channel: str,
    actor: Actor | str,
) -> bool:
    """Set (or clear, with an empty `phone`) a person's WhatsApp number and their channel.
    A new number needs `opt_in`: how the person agreed. Returns whether anything changed."""
    if channel not in CHANNELS:
        raise InvalidInput(
            f"saluran notifikasi harus email, whatsapp atau both (keduanya), bukan {channel!r}"
        )
    opt_in = " ".join(opt_in.split())
    if len(opt_in) > NOTE_MAX:
        raise InvalidInput(f"catatan persetujuan paling banyak {NOTE_MAX} karakter")
    number = parse_whatsapp(phone) if phone.strip() else None
    if number is None and channel in WHATSAPP_CHANNELS:
        raise InvalidInput("isi nomor WhatsApp dulu untuk memilih saluran WhatsApp")
    with ctx.engine.begin() as conn:
        u = t.users.c
        row = conn.execute(
            sa.select(u.phone, u.phone_opt_in_at, u.phone_opt_in_note, u.notify_channel).where(
                u.id == user_id
            )
        ).first()
        if row is None:
            raise NotFound(f"pengguna {user_id} tidak ada")
        values: dict[str, Any] = {"notify_channel": channel}
        if number != row.phone:
            if number is not None and not opt_in:
                raise InvalidInput(
                    "catat persetujuan petugas (kapan dan bagaimana) sebelum nomor WhatsApp "
                    "dipakai: Meta mewajibkan opt-in"
                )
            values |= {
                "phone": number,
                "phone_opt_in_at": ctx.now() if number else None,
                "phone_opt_in_note": opt_in if number else None,
            }
        elif number is not None and opt_in and opt_in != row.phone_opt_in_note:
            values |= {"phone_opt_in_at": ctx.now(), "phone_opt_in_note": opt_in}
        changed = {k: v for k, v in values.items() if getattr(row, k) != v}
        if not changed:
            return False
        conn.execute(sa.update(t.users).where(u.id == user_id).values(**changed))
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="user.whatsapp",
            target_kind="user",
            target_id=user_id,
            detail={
                "nomor": masked(number),
                "saluran": CHANNELS[channel],
                "opt_in": "dicatat" if "phone_opt_in_at" in changed and number else None,
            },
        )
    return True
