"""One action on many messages: the inbox's "select several and act once". Each message is
handled by the same service as its own card's button (its own transaction and audit row), so
a bulk action can do nothing a person could not do one by one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import sqlalchemy as sa

from paseban.domain.auth import Actor, Permission
from paseban.domain.inbox import NOT_COMPLAINT_INTENTS
from paseban.domain.replies import INBOX_EVENTS
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.services.inbox import messages
from paseban.services.inbox.scope import account_ids_in_scope
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

BULK_MAX = 100  # a page shows 20; a person selects what they read
ACTIONS = {
    "bukan_aduan": "tandai bukan aduan",
    "spam": "sembunyikan sebagai spam",
    "balas": "balas dengan templat",
}


@dataclass(frozen=True)
class BulkResult:
    done: list[int] = field(default_factory=list)
    skipped: dict[int, str] = field(default_factory=dict)  # message id -> why not


def _check(ctx: Context, actor: Actor, ids: list[int]) -> None:
    """Every chosen message exists and lies on an account the actor works, or nothing is done
    (a form of this page never sends other ids)."""
    with ctx.engine.connect() as conn:
        found = dict(
            conn.execute(
                sa.select(t.messages.c.id, t.messages.c.account_id).where(t.messages.c.id.in_(ids))
            ).all()
        )
        allowed = account_ids_in_scope(conn, actor.scope)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"pesan {', '.join(map(str, missing))} tidak ada")
    if allowed is not None and any(found[i] not in allowed for i in ids):
        raise Forbidden("sebagian pesan yang dipilih masuk ke akun di luar cakupan Anda")


def act_on_many(
    ctx: Context,
    actor: Actor,
    ids: list[int],
    action: str,
    *,
    intent: str = "informasi",
    template: str | None = None,
    ip: str | None = None,
) -> BulkResult:
    """Apply `action` (a key of ACTIONS) to each chosen message. A message the action does not
    fit (a template whose {tiket} it cannot fill, one settled by someone else meanwhile) is
    skipped with the reason; the others are done."""
    if not actor.can(Permission.MESSAGES_WRITE):
        raise Forbidden("peran Anda hanya boleh membaca")
    if action not in ACTIONS:
        raise InvalidInput(f"pilih tindakan: {', '.join(ACTIONS.values())}")
    chosen = list(dict.fromkeys(ids))
    if not chosen:
        raise InvalidInput("pilih dulu pesan yang akan ditindak")
    if len(chosen) > BULK_MAX:
        raise InvalidInput(f"paling banyak {BULK_MAX} pesan sekaligus")
    if action == "balas" and template not in {event.value for event in INBOX_EVENTS}:
        raise InvalidInput("pilih templat balasan")
    if action == "bukan_aduan" and intent not in NOT_COMPLAINT_INTENTS:
        raise InvalidInput(f"jenis {intent!r} tidak bisa dipilih")
    _check(ctx, actor, chosen)
    result = BulkResult()
    for message_id in chosen:
        try:
            if action == "bukan_aduan":
                messages.mark_not_complaint(ctx, actor, message_id, intent=intent, ip=ip)
            elif action == "spam":
                messages.hide(ctx, actor, message_id, ip=ip)
            else:
                messages.queue_reply(ctx, actor, message_id, "", template=template, ip=ip)
        except (InvalidInput, Conflict) as exc:
            result.skipped[message_id] = str(exc)
            continue
        result.done.append(message_id)
    return result
