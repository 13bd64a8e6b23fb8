"""The citizen's word on a fix, from the tracking page: "sudah beres" closes a resolved case as
confirmed by the citizen, "belum beres" reopens it (the OPD is told again, on a new follow-up
clock). Only the holder of the link a reply sent may answer (its key, `security.tracking_key`);
silence until the confirmation deadline closes the case through the SLA sweep (`sweep.py`), after
the number of working days staff set for the `confirm` stage."""

from __future__ import annotations

from typing import TYPE_CHECKING

from paseban.domain.cases import CITIZEN, Action, Status
from paseban.errors import Conflict, Forbidden, InvalidInput
from paseban.nlp.mask import mask
from paseban.security import tracking_key_ok
from paseban.services.cases.actions import apply, fire_hooks, load_case

if TYPE_CHECKING:
    from paseban.context import Context

MAX_REMARK = 1000


class NotAwaitingConfirmation(Conflict):
    """The case is not waiting for the citizen's word (HTTP 409)."""


def may_answer(ctx: Context, ticket: str, key: str | None) -> bool:
    """Does the link's key let its holder answer for this ticket?"""
    return tracking_key_ok(ctx.settings.secret_key, ticket, key)


def answer(ctx: Context, ticket: str, *, key: str | None, fixed: bool, remark: str = "") -> Status:
    """Record the citizen's answer from the tracking page; returns the case's new status.
    Forbidden without the link's key; NotAwaitingConfirmation unless the case is resolved."""
    if not may_answer(ctx, ticket, key):
        raise Forbidden("tautan ini tidak dapat dipakai untuk menjawab; buka tautan dari balasan")
    remark = " ".join(remark.split())
    if len(remark) > MAX_REMARK:
        raise InvalidInput(f"keterangan lebih dari {MAX_REMARK} karakter")
    remark = mask(remark).text  # citizens write phone numbers and NIKs; the OPD reads this
    with ctx.engine.begin() as conn:
        case = load_case(conn, ticket)
        if case["status"] != Status.RESOLVED.value:
            raise NotAwaitingConfirmation(
                f"aduan {case['ticket']} tidak sedang menunggu konfirmasi warga"
            )
        if fixed:
            note = "warga menyatakan masalah sudah beres (halaman lacak)"
            outcome = apply(
                conn,
                ctx,
                case,
                Action.CLOSE,
                actor=CITIZEN,
                note=f"{note}: {remark}" if remark else note,
                data={"confirmed_by_citizen": True, "via": "lacak"},
            )
        else:
            note = "warga menyatakan masalah belum beres (halaman lacak)"
            outcome = apply(
                conn,
                ctx,
                case,
                Action.REOPEN,
                actor=CITIZEN,
                note=f"{note}: {remark}" if remark else note,
                public_note="Warga menyatakan masalah belum beres; aduan dibuka kembali.",
                data={"via": "lacak"},
            )
    fire_hooks(ctx, case["id"], outcome.events)
    return Status(outcome.case["status"])
