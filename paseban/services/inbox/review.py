"""The human review queue: low-confidence analyses, shown in the order in which a label teaches
the model most, and corrections that the next training run uses (`paseban model train` reads
them with `corrections_for_training` and says how many it used)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.errors import InvalidInput, NotFound
from paseban.nlp import review as teaching
from paseban.services.cases import reassign
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.inbox import ReviewItemRow, TrainingCorrectionRow

if TYPE_CHECKING:
    from paseban.context import Context

FIELDS = ("intent", "topic", "urgency", "kelurahan")


def _valid_values(conn: sa.Connection, field: str) -> set[str]:
    table = {"intent": t.intents, "topic": t.topics, "urgency": t.urgencies}.get(field)
    if table is not None:
        return set(conn.execute(sa.select(table.c.code)).scalars())
    return set(conn.execute(sa.select(t.wilayah.c.code).where(t.wilayah.c.level == 4)).scalars())


# the most recently received pending messages the teaching order is computed over: enough for
# weeks of a city's doubtful messages, small enough to order on every page view
CONSIDERED = 5000


def _pending_where(account_ids: list[int] | None) -> list[Any]:
    where: list[Any] = [t.messages.c.needs_review.is_(True)]
    if account_ids is not None:
        where.append(t.messages.c.account_id.in_(account_ids))
    return where


def queue(
    ctx: Context,
    *,
    limit: int = 50,
    offset: int = 0,
    account_ids: list[int] | None = None,
) -> list[ReviewItemRow]:
    """Messages whose analysis needs a human, in the order in which a label teaches the model
    most (`paseban.nlp.review.teaching_order`: least confident first, in turns over topics);
    only those received on `account_ids` when given (the actor's scope). Each row carries its
    `doubt` (0 sure .. 1 unsure)."""
    where = _pending_where(account_ids)
    with ctx.engine.connect() as conn:
        stored = conn.execute(
            sa.select(
                t.messages.c.id, t.messages.c.intent, t.messages.c.topic, t.messages.c.confidence
            )
            .where(*where)
            .order_by(t.messages.c.received_at.desc(), t.messages.c.id.desc())
            .limit(CONSIDERED)
        ).all()
        # oldest first among equals: ties in the teaching order keep the order of arrival
        items = [
            teaching.pending_from_stored(r.id, r.intent, r.topic, r.confidence)
            for r in reversed(stored)
        ]
        chosen = teaching.teaching_order(items)[offset : offset + limit]
        if not chosen:
            return []
        rows = conn.execute(
            sa.select(
                t.messages.c.id,
                t.messages.c.platform,
                t.messages.c.masked_text,
                t.messages.c.posted_at,
                t.messages.c.intent,
                t.messages.c.topic,
                t.messages.c.urgency,
                t.messages.c.kelurahan,
                t.messages.c.kecamatan,
                t.messages.c.confidence,
                t.messages.c.reasons,
                t.messages.c.account_id,
            ).where(t.messages.c.id.in_([p.key for p in chosen]))
        ).mappings()
        by_id = {r["id"]: r for r in rows}
    return [
        row(ReviewItemRow, {**by_id[p.key], "doubt": round(p.doubt, 3)})
        for p in chosen
        if p.key in by_id
    ]


def waiting(ctx: Context, *, account_ids: list[int] | None = None) -> dict[str, int]:
    """What the review page says about the loop: messages waiting for a human (in scope), and
    messages corrected so far, which the next `paseban model train` learns from."""
    pending = (
        sa.select(sa.func.count())
        .select_from(t.messages)
        .where(*_pending_where(account_ids))
        .scalar_subquery()
    )
    corrected = sa.select(
        sa.func.count(sa.distinct(t.analysis_corrections.c.message_id))
    ).scalar_subquery()
    with ctx.engine.connect() as conn:
        row = conn.execute(sa.select(pending, corrected)).one()
    pending_n, corrected_n = row
    return {"pending": int(pending_n), "corrected": int(corrected_n)}


def correct(
    ctx: Context, message_id: int, corrections: dict[str, str | None], *, actor: str
) -> int:
    """Store a human's corrections of a message's analysis and apply them to the message.
    `corrections` maps a field (intent, topic, urgency, kelurahan) to its right value or None.
    Returns the number of fields that changed; the message leaves the review queue."""
    with ctx.engine.begin() as conn:
        return apply_corrections(conn, ctx, message_id, corrections, actor=actor)


def apply_corrections(
    conn: sa.Connection,
    ctx: Context,
    message_id: int,
    corrections: dict[str, str | None],
    *,
    actor: str,
) -> int:
    """`correct` inside the caller's transaction (the dashboard records its audit row with it)."""
    unknown = set(corrections) - set(FIELDS)
    if unknown:
        raise InvalidInput(f"kolom tidak dapat dikoreksi: {', '.join(sorted(unknown))}")
    row = (
        conn.execute(sa.select(t.messages).where(t.messages.c.id == message_id)).mappings().first()
    )
    if row is None:
        raise NotFound(f"pesan {message_id} tidak ada")
    changed = 0
    values: dict[str, Any] = {"needs_review": False}
    for field, value in corrections.items():
        if value is not None and value not in _valid_values(conn, field):
            raise InvalidInput(f"nilai {value!r} tidak dikenal untuk {field}")
        if row[field] == value:
            continue
        conn.execute(
            sa.insert(t.analysis_corrections).values(
                message_id=message_id,
                field=field,
                old_value=row[field],
                new_value=value,
                actor=actor,
                at=ctx.now(),
                model_version=row["analysis_version"],
            )
        )
        values[field] = value
        changed += 1
        if field == "kelurahan":
            parent = None
            if value is not None:
                parent = conn.execute(
                    sa.select(t.wilayah.c.parent_code).where(t.wilayah.c.code == value)
                ).scalar()
            values["kecamatan"] = parent
            values["place_source"] = "human"
    conn.execute(sa.update(t.messages).where(t.messages.c.id == message_id).values(**values))
    if set(values) & set(reassign.CASE_FIELDS):  # the message's open case is routed again
        reassign.after_correction(conn, ctx, message_id, actor=actor)
    return changed


def corrections_for_training(ctx: Context) -> list[TrainingCorrectionRow]:
    """Each corrected message once, with its text and its labels after all corrections."""
    with ctx.engine.connect() as conn:
        ids = sa.select(t.analysis_corrections.c.message_id).distinct().scalar_subquery()
        rows = conn.execute(
            sa.select(
                t.messages.c.id,
                t.messages.c.text,
                t.messages.c.intent,
                t.messages.c.topic,
                t.messages.c.urgency,
                t.messages.c.kelurahan,
                t.messages.c.kecamatan,
                t.messages.c.platform,
            ).where(t.messages.c.id.in_(ids))
        ).mappings()
        return [row(TrainingCorrectionRow, r) for r in rows]
