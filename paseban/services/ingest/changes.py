"""What happens to a stored message afterwards on its platform: the citizen edits it or removes
it, or the platform gives the citizen a new id.

An edit replaces the stored text (and attachments) and keeps the old text in
`message_revisions`; a removal marks the message removed by the citizen and keeps its text there
too, for the audit trail. A complaint that was removed keeps its case: the case's timeline says
that the citizen removed the message, and the work goes on (a pothole does not fill itself
because the post is gone). An edited message that joined no case is analysed again (the edit may
be what makes it a complaint); one in a case keeps its analysis and gets its masked text anew.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from paseban.domain.messages import AuthorRekey, ChangeKind, MessageChange
from paseban.nlp.mask import mask
from paseban.storage import tables as t

log = logging.getLogger("paseban.ingest")

REMOVED_BY_CITIZEN = "citizen"
CASE_NOTES = {
    ChangeKind.DELETED: "Warga menghapus pesannya di platform; laporan tetap tercatat di kasus.",
    ChangeKind.EDITED: "Warga menyunting pesannya di platform; teks lama ada di riwayat pesan.",
}
CASE_ACTIONS = {ChangeKind.DELETED: "citizen_removed", ChangeKind.EDITED: "citizen_edited"}

_FIND = sa.select(
    t.messages.c.id,
    t.messages.c.text,
    t.messages.c.media,
    t.messages.c.case_id,
    t.messages.c.deleted_at,
    t.messages.c.edited_at,
).where(
    t.messages.c.platform == sa.bindparam("platform"),
    t.messages.c.external_id == sa.bindparam("external_id"),
)


@dataclass
class ChangeReport:
    applied: int = 0
    unknown: int = 0  # about a message we never stored (before Paseban, or not a citizen's)
    reanalyse: list[int] = field(default_factory=list)  # edited, in no case: analyse again


def apply_changes(
    conn: sa.Connection,
    changes: list[MessageChange],
    *,
    raw_event_id: int,
    received_at: datetime,
) -> ChangeReport:
    """Apply edits and removals to the stored messages, each with its history row. The same
    change delivered twice changes nothing the second time. The caller commits."""
    report = ChangeReport()
    for change in changes:
        found = conn.execute(
            _FIND, {"platform": change.platform, "external_id": change.external_id}
        ).first()
        if found is None:
            report.unknown += 1
            continue
        if _already(found, change):
            continue
        _apply(conn, found, change, raw_event_id=raw_event_id, received_at=received_at)
        report.applied += 1
        if change.kind is ChangeKind.EDITED and found.case_id is None:
            report.reanalyse.append(int(found.id))
    return report


def _already(found: Any, change: MessageChange) -> bool:
    if change.kind is ChangeKind.DELETED:
        return found.deleted_at is not None
    new_text = _edited_text(change, found.text)
    return new_text == found.text and (change.media is None or _media(change) == found.media)


def _edited_text(change: MessageChange, old: str) -> str:
    return change.text if change.text is not None else old


def _media(change: MessageChange) -> list[dict[str, str]] | None:
    if change.media is None:
        return None
    return [m.as_dict() for m in change.media] or None


def _apply(
    conn: sa.Connection,
    found: Any,
    change: MessageChange,
    *,
    raw_event_id: int,
    received_at: datetime,
) -> None:
    values: dict[str, Any]
    if change.kind is ChangeKind.DELETED:
        new_text = None
        values = {"deleted_at": change.at, "deleted_by": REMOVED_BY_CITIZEN}
    else:
        new_text = _edited_text(change, found.text)  # with its placeholders, from the connector
        values = {"text": new_text, "edited_at": change.at}
        if change.media is not None:
            values["media"] = _media(change)
        if found.case_id is None:  # analysed again: the edit may make it a complaint
            values |= {"analyzed_at": None, "masked_text": None}
        else:
            values["masked_text"] = mask(new_text).text
    conn.execute(
        sa.insert(t.message_revisions).values(
            message_id=found.id,
            kind=change.kind.value,
            at=change.at,
            received_at=received_at,
            old_text=found.text,
            new_text=new_text,
            old_media=found.media,
            raw_event_id=raw_event_id,
        )
    )
    conn.execute(sa.update(t.messages).where(t.messages.c.id == found.id).values(**values))
    if found.case_id is not None:
        status = conn.execute(
            sa.select(t.cases.c.status).where(t.cases.c.id == found.case_id)
        ).scalar_one()
        conn.execute(
            sa.insert(t.case_events).values(
                case_id=found.case_id,
                action=CASE_ACTIONS[change.kind],
                from_status=None,
                to_status=status,
                at=received_at,
                actor="warga",
                note=CASE_NOTES[change.kind],
                data={"message_id": int(found.id)},
            )
        )


def apply_rekeys(conn: sa.Connection, rekeys: list[AuthorRekey]) -> int:
    """A citizen's new id replaces the old one on their stored messages (both the main and the
    second id), so their follow-ups still join their case. Returns the messages moved."""
    moved = 0
    for rekey in rekeys:
        for column in (t.messages.c.author_id, t.messages.c.author_alt_id):
            moved += conn.execute(
                sa.update(t.messages)
                .where(t.messages.c.platform == rekey.platform, column == rekey.old_id)
                .values({column.name: rekey.new_id})
            ).rowcount
    if moved:
        log.info("author ids renewed", extra={"messages": moved})
    return moved
