"""How a message reads on an inbox card: one line of analysis in names, the replies that fit it
as one-tap buttons, and whether its case can be verified with the reply. Pure functions over the
rows and vocabularies the page already has (no query per card)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from paseban.domain.auth import Actor, Permission
from paseban.domain.cases import Action, Status, actions_for
from paseban.domain.inbox import (
    QUICK_REPLIES,
    ReplyTemplate,
    fillable,
    spam_likely,
    suggested_replies,
)
from paseban.domain.replies import fields_of
from paseban.storage.rows.inbox import InboxMessageRow

# the abbreviation a name carries in brackets: "(DLH)", "(Satpol PP)", "(DPKP/Damkar)"; not a
# number ("Kecamatan (6)") nor a company form ("PT PLN (Persero)")
_ABBREVIATION = re.compile(r"\(([A-Z][^()0-9]*)\)")
COMPANY_FORMS = frozenset({"Persero", "Tbk"})


def short_opd(name: str | None) -> str:
    """An OPD's name short enough for one line: "Dinas Lingkungan Hidup (DLH) Kota Bogor" reads
    "DLH"; a name without an abbreviation in brackets stays whole."""
    if not name:
        return ""
    for found in _ABBREVIATION.finditer(name):
        if found.group(1) not in COMPANY_FORMS:
            return found.group(1)
    return name


@dataclass(frozen=True)
class Card:
    """What an inbox card shows beside the message itself."""

    summary: list[str]  # the analysis in one line, item by item
    quick: list[ReplyTemplate]  # one tap each
    verify: bool  # answering can also verify the case
    spam: bool  # "hide as spam" is offered on the card


def summary(m: InboxMessageRow, vocab: Mapping[str, Mapping[str, str]]) -> list[str]:
    """Intent, topic, place, urgency (when not normal), where the case went, review flag."""
    if not m["analyzed_at"] and not m["intent"]:
        return ["menunggu analisis"]
    parts = [vocab["intent"].get(m["intent"] or "", m["intent"] or "jenis belum diketahui")]
    if m["topic"]:
        parts.append(vocab["topic"].get(m["topic"], m["topic"]))
    parts.append(m["kelurahan_name"] or "tempat belum diketahui")
    if m["urgency"] and m["urgency"] != "normal":
        parts.append(vocab["urgency"].get(m["urgency"], m["urgency"]).lower())
    if m["ticket"]:
        opd = short_opd(m["case_opd_name"]) or "belum dirutekan"
        parts.append(f"{m['ticket']} → {opd}")
    if m["needs_review"]:
        parts.append("perlu ditinjau")
    return parts


def can_verify(actor: Actor, m: InboxMessageRow) -> bool:
    """Whether answering this message can also verify its case: the case still waits for
    verification and the actor's role verifies cases (the service checks the area again)."""
    if not m["ticket"] or m["case_status"] != Status.RECEIVED.value:
        return False
    if not actor.can(Permission.CASES_WRITE):
        return False
    return Action.VERIFY in actions_for(actor.role, Status.RECEIVED)


def quick_replies(m: InboxMessageRow, templates: Sequence[ReplyTemplate]) -> list[ReplyTemplate]:
    """The templates that fit the message, the likeliest first, that can be sent as they are."""
    has_case = m["case_id"] is not None
    can_fill = fillable(
        has_case=has_case, has_topic=bool(m["topic"]), has_deadline=m["case_due_at"] is not None
    )
    by_code = {tpl.code: tpl for tpl in templates}
    wanted = suggested_replies(
        intent=m["intent"],
        urgency=m["urgency"],
        has_case=has_case,
        reports=int(m["case_report_count"] or 0),
        has_place=bool(m["kelurahan"] or m["kecamatan"]),
    )
    out = []
    for event in wanted:
        tpl = by_code.get(event.value)
        if tpl is not None and set(fields_of(tpl.text)) <= can_fill:
            out.append(tpl)
    return out[:QUICK_REPLIES]


def card(
    actor: Actor,
    m: InboxMessageRow,
    vocab: Mapping[str, Mapping[str, str]],
    templates: Sequence[ReplyTemplate],
) -> Card:
    writes = actor.can(Permission.MESSAGES_WRITE)
    return Card(
        summary=summary(m, vocab),
        quick=quick_replies(m, templates) if writes else [],
        verify=writes and can_verify(actor, m),
        spam=writes and spam_likely(m["intent"]),
    )
