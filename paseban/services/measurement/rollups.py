"""Roll-ups behind the KPIs, kept current by jobs, so that a year of data is measured in well under
two seconds (bench/measurement.py). This module holds what the refreshes share; the refreshes
are `response_facts.py` (first responses) and `case_rollups.py` (SLA, resolutions, activity).

- `response_facts`: per message that needed an answer, its first public reply (time, wall-clock
  and business-hour seconds, their histogram buckets), from messages and the outbox;
- `response_rollups`: per account and day, messages needing an answer, answered, complaints,
  complaints unanswered, answered within 24 h; `response_histograms`: per account, day and
  clock (wall, business), the bucket counts of first-response times (measurement/histograms.py);
- `sla_rollups`: per unit, day the stage started and stage, stages finished and on time;
- `resolution_rollups`: per unit and day, resolutions, confirmed by the citizen, reopened;
- `activity_rollups`: per person and day, public replies, case actions, field visits.

Every roll-up has a `grain`: "day" rows are rebuilt from the source for each local day that
changed; "month" rows (`day` = the month's first day) sum the month's daily rows, so that a year
is read from 12 rows per key instead of 365. Units are kelurahan, kecamatan, OPD and the city
("city", ""); a case counts for all of its units.

Incremental: each refresh looks only at what changed since its cursor (minus an overlap, for
transactions that committed late), and rebuilds the local days those changes touch from the
tables as they are now: a corrected intent, a case moved to another OPD, a late reply all land
where they belong. `full=True` (the nightly `rebuild_measurement` job, after bulk loads)
rebuilds everything; the tests check that both give the same rows.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from paseban.measurement.periods import Period, month_of
from paseban.storage import tables as t
from paseban.storage.upsert import insert

OVERLAP = timedelta(minutes=15)  # a transaction that committed late is still seen
CHUNK = 500


def chunks(values: Iterable[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for value in values:
        batch.append(value)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def local_day(at: datetime, tz: ZoneInfo) -> date:
    return at.astimezone(tz).date()


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    return Period(day, day).bounds(tz)


def days_between(first: date, last: date) -> set[date]:
    return {first + timedelta(days=i) for i in range((last - first).days + 1)}


def days_spanned(conn: sa.Connection, column: Any, tz: ZoneInfo) -> set[date]:
    """Every local day from a column's first value to its last (for a rebuild from scratch)."""
    first, last = conn.execute(sa.select(sa.func.min(column), sa.func.max(column))).one()
    if first is None:
        return set()
    return days_between(local_day(first, tz), local_day(last, tz))


# --- cursors --------------------------------------------------------------------------------------


def cursor(conn: sa.Connection, name: str) -> datetime | None:
    c = t.measurement_cursors.c
    value: datetime | None = conn.execute(sa.select(c.at).where(c.name == name)).scalar()
    return value


def since(conn: sa.Connection, name: str, *, full: bool) -> datetime | None:
    """Where an incremental refresh starts (None: rebuild everything). On PostgreSQL the
    refreshes of one family wait for each other (a transaction-level advisory lock), so the
    nightly rebuild and a 2-minute refresh never rebuild the same day at once; SQLite has one
    writer at a time anyway."""
    if conn.dialect.name == "postgresql":
        key = sa.func.hashtext(f"paseban.rollups.{name}")
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(key)))
    last = None if full else cursor(conn, name)
    return None if last is None else last - OVERLAP


def move_cursor(conn: sa.Connection, name: str, at: datetime) -> None:
    conn.execute(
        insert(conn, t.measurement_cursors)
        .values(name=name, at=at)
        .on_conflict_do_update(index_elements=["name"], set_={"at": at})
    )


# --- days and months ------------------------------------------------------------------------------


def replace_day(
    conn: sa.Connection, table: sa.Table, day: date, rows: Sequence[dict[str, Any]]
) -> None:
    """Replace the daily rows of one local day."""
    c = table.c
    conn.execute(sa.delete(table).where(c.grain == "day", c.day == day))
    if rows:
        conn.execute(sa.insert(table), [{"grain": "day", "day": day, **row} for row in rows])


def roll_months(conn: sa.Connection, table: sa.Table, days: Iterable[date]) -> None:
    """Recompute the monthly rows of the months the given days fall in, as sums of the daily
    rows. Key columns are the primary key's other columns; every other column is summed."""
    c = table.c
    keys = [col for col in table.primary_key.columns if col.name not in ("grain", "day")]
    sums = [col for col in table.c if not col.primary_key]
    for month in sorted({day.replace(day=1) for day in days}):
        conn.execute(sa.delete(table).where(c.grain == "month", c.day == month))
        monthly = (
            sa.select(
                sa.literal("month"),
                sa.literal(month, sa.Date),
                *keys,
                *(sa.func.sum(col) for col in sums),
            )
            .where(c.grain == "day", c.day >= month, c.day <= month_of(month).end)
            .group_by(*keys)
        )
        conn.execute(
            sa.insert(table).from_select(
                ["grain", "day", *(col.name for col in keys), *(col.name for col in sums)],
                monthly,
            )
        )


def clear(conn: sa.Connection, *tables: sa.Table) -> None:
    for table in tables:
        conn.execute(sa.delete(table))
