"""Raw deliveries do not grow without bound (issue 16): each webhook body is kept once per
channel (`deliveries.insert_raw`), and the `prune_raw_events` job deletes those older than
PASEBAN_RAW_EVENT_DAYS. The messages stored from them stay; they only lose the link back to
the delivery they came in."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

BATCH = 5_000  # rows per transaction: SQLite has one writer, and webhooks keep arriving


def prune_raw_events(ctx: Context, days: int | None = None) -> dict[str, int]:
    """Delete raw deliveries received more than `days` (default: the setting) ago, in short
    transactions. Deliveries still waiting to be finished are kept."""
    keep = days if days is not None else ctx.settings.raw_event_days
    cutoff = ctx.now() - timedelta(days=keep)
    raw = t.raw_events
    deleted = 0
    while True:
        with ctx.engine.begin() as conn:
            ids = list(
                conn.execute(
                    sa.select(raw.c.id)
                    .where(raw.c.received_at < cutoff, raw.c.status != "waiting")
                    .order_by(raw.c.id)
                    .limit(BATCH)
                ).scalars()
            )
            if not ids:
                return {"deleted": deleted}
            conn.execute(
                sa.update(t.messages)
                .where(t.messages.c.raw_event_id.in_(ids))
                .values(raw_event_id=None)
            )
            conn.execute(sa.delete(raw).where(raw.c.id.in_(ids)))
            deleted += len(ids)


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "prune_raw_events",
            prune_raw_events,
            every=timedelta(days=1),
            description="hapus kiriman mentah yang lebih tua dari PASEBAN_RAW_EVENT_DAYS",
        )
    ]
