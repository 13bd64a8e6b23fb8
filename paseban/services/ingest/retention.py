"""Raw deliveries do not grow without bound (issue 16): each webhook body is kept once per
channel (`deliveries.insert_raw`), and the `prune_raw_events` job removes those older than
PASEBAN_RAW_EVENT_DAYS. The messages stored from them stay.

On PostgreSQL `messages` and `raw_events` are partitioned by month (issue 17, migration 0021):
the `make_partitions` job makes the coming months ahead, and the retention drops a whole month
of raw deliveries at once (no row deletes, no bloat) once all of it is past the retention; what
is left over (the month the cut-off falls in, the default partition, a month holding a delivery
still waiting) goes by row deletes, as on SQLite."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import sqlalchemy as sa

from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.storage import partitions
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

BATCH = 5_000  # rows per transaction: SQLite has one writer, and webhooks keep arriving


def prune_raw_events(ctx: Context, days: int | None = None) -> dict[str, int]:
    """Remove raw deliveries received more than `days` (default: the setting) ago: whole
    monthly partitions on PostgreSQL, then the rest in short transactions. Deliveries still
    waiting to be finished are kept."""
    keep = days if days is not None else ctx.settings.raw_event_days
    cutoff = ctx.now() - timedelta(days=keep)
    with ctx.engine.begin() as conn:
        dropped = partitions.drop_raw_months_before(conn, cutoff)
        # partitioned, the link from a message is informational (no foreign key, no index):
        # left as it is, like the links into a dropped month, instead of a scan of all messages
        unlink = not partitions.is_partitioned(conn, "raw_events")
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
                return {"deleted": deleted, "partitions_dropped": len(dropped)}
            if unlink:
                conn.execute(
                    sa.update(t.messages)
                    .where(t.messages.c.raw_event_id.in_(ids))
                    .values(raw_event_id=None)
                )
            conn.execute(sa.delete(raw).where(raw.c.id.in_(ids)))
            deleted += len(ids)


def make_partitions(ctx: Context, months: int = partitions.MONTHS_AHEAD) -> dict[str, int]:
    """Make the monthly partitions of `messages` and `raw_events` from this month to `months`
    ahead (PostgreSQL; nothing to do on SQLite). Safe to run twice at once: an advisory lock
    makes the second wait, then find them made."""
    with ctx.engine.begin() as conn:
        made = partitions.make_ahead(conn, ctx.now(), months)
    return {"made": len(made)}


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "prune_raw_events",
            prune_raw_events,
            every=timedelta(days=1),
            description="hapus kiriman mentah yang lebih tua dari PASEBAN_RAW_EVENT_DAYS",
        ),
        JobSpec(
            "make_partitions",
            make_partitions,
            every=timedelta(days=1),
            description="siapkan partisi bulanan pesan dan kiriman mentah untuk 3 bulan ke depan",
        ),
    ]
