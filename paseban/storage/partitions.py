"""Monthly partitions of `messages` and `raw_events` on PostgreSQL (issue 17, migration 0021).

At national size (~2 million messages a day) one table per kind would hold billions of rows:
indexes that no longer fit in memory, a retention that deletes rows one by one and leaves the
table bloated. PostgreSQL's declarative partitioning splits both tables by month of
`received_at` (the server's clock, so a row always lands in a month made ahead, unlike the
platforms' `posted_at`); a default partition catches anything outside the months made. This
module makes the months (ahead of time, from the `make_partitions` job) and drops whole old
months of raw deliveries (the retention); SQLite keeps plain tables and every function here
does nothing there.

Uniqueness that does not include the partition key cannot be declared on a partitioned table,
so migration 0021 keeps it in two small tables, `message_keys` (platform, external_id ->
message_id) and `raw_event_keys` (channel, body_hash -> raw_event_id), filled by a trigger that
skips a duplicate row exactly as `ON CONFLICT DO NOTHING` did. Moving rows out of the default
partition sets `paseban.moving_rows` so that the trigger leaves the keys alone."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa

PARTITIONED = ("raw_events", "messages")  # raw_events first: messages point at it
KEY = "received_at"
MONTHS_AHEAD = 3
LOCK = 0x5A5E_0017  # pg_advisory_xact_lock: one maker at a time across the cluster
# making or dropping a partition locks the whole table briefly: give up rather than queue behind
# a long query while every insert queues behind us (the job runs again the next day)
LOCK_TIMEOUT = "10s"


@dataclass(frozen=True, order=True)
class Month:
    """One calendar month in UTC: a partition's range [start, end)."""

    year: int
    month: int

    @classmethod
    def of(cls, at: datetime) -> Month:
        at = at.astimezone(UTC)
        return cls(at.year, at.month)

    def plus(self, months: int) -> Month:
        index = self.year * 12 + self.month - 1 + months
        return Month(index // 12, index % 12 + 1)

    @property
    def start(self) -> datetime:
        return datetime(self.year, self.month, 1, tzinfo=UTC)

    @property
    def end(self) -> datetime:
        return self.plus(1).start

    def name(self, table: str) -> str:
        return f"{table}_p{self.year:04d}{self.month:02d}"


def months_from(first: Month, last: Month) -> list[Month]:
    """Every month from `first` to `last`, both included."""
    out = [first]
    while out[-1] != last and len(out) < 12 * 200:
        out.append(out[-1].plus(1))
    return out


def default_name(table: str) -> str:
    return f"{table}_default"


def is_partition(name: str) -> bool:
    """A partition's name (`messages_p202612`, `raw_events_default`): tables the code does not
    declare, made by the migration and the `make_partitions` job."""
    for table in PARTITIONED:
        rest = name.removeprefix(f"{table}_")
        if rest != name and (rest == "default" or (rest[:1] == "p" and rest[1:].isdigit())):
            return True
    return False


def _take_lock(conn: sa.Connection) -> None:
    conn.execute(sa.text(f"SET LOCAL lock_timeout = '{LOCK_TIMEOUT}'"))
    conn.execute(sa.text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})


def _bound(at: datetime) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S+00")


def is_partitioned(conn: sa.Connection, table: str) -> bool:
    if conn.dialect.name != "postgresql":
        return False
    return bool(
        conn.execute(
            sa.text("SELECT 1 FROM pg_partitioned_table WHERE partrelid = to_regclass(:t)"),
            {"t": table},
        ).scalar()
    )


def monthly_partitions(conn: sa.Connection, table: str) -> list[Month]:
    """The months that have a partition, oldest first (read from the partitions' names)."""
    names = conn.execute(
        sa.text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = to_regclass(:t)"
        ),
        {"t": table},
    ).scalars()
    prefix = f"{table}_p"
    months = [
        Month(int(n[len(prefix) : len(prefix) + 4]), int(n[len(prefix) + 4 :]))
        for n in names
        if n.startswith(prefix) and n[len(prefix) :].isdigit() and len(n) == len(prefix) + 6
    ]
    return sorted(months)


def create_month(conn: sa.Connection, table: str, month: Month) -> bool:
    """Make `table`'s partition for `month` unless it exists. Rows already waiting in the
    default partition for that month move into it (PostgreSQL refuses the new partition
    otherwise). True when a partition was made."""
    name = month.name(table)
    if conn.execute(sa.text("SELECT to_regclass(:n)"), {"n": name}).scalar():
        return False
    lo, hi = _bound(month.start), _bound(month.end)
    default = default_name(table)
    has_default = conn.execute(sa.text("SELECT to_regclass(:n)"), {"n": default}).scalar()
    stray = (
        has_default
        and conn.execute(
            sa.text(f"SELECT 1 FROM {default} WHERE {KEY} >= :lo AND {KEY} < :hi LIMIT 1"),
            {"lo": month.start, "hi": month.end},
        ).scalar()
    )
    if not stray:
        conn.execute(
            sa.text(
                f"CREATE TABLE {name} PARTITION OF {table} FOR VALUES FROM ('{lo}') TO ('{hi}')"
            )
        )
        return True
    # a standalone table filled from the default partition, then attached: the keys these
    # rows hold in message_keys / raw_event_keys stay as they are
    conn.execute(sa.text("SELECT set_config('paseban.moving_rows', 'on', true)"))
    conn.execute(sa.text(f"CREATE TABLE {name} (LIKE {table} INCLUDING DEFAULTS)"))
    window = f"{KEY} >= '{lo}' AND {KEY} < '{hi}'"
    conn.execute(sa.text(f"INSERT INTO {name} SELECT * FROM {default} WHERE {window}"))
    conn.execute(sa.text(f"DELETE FROM {default} WHERE {window}"))
    conn.execute(
        sa.text(f"ALTER TABLE {table} ATTACH PARTITION {name} FOR VALUES FROM ('{lo}') TO ('{hi}')")
    )
    conn.execute(sa.text("SELECT set_config('paseban.moving_rows', 'off', true)"))
    return True


def make_ahead(conn: sa.Connection, now: datetime, months: int = MONTHS_AHEAD) -> list[str]:
    """Make the partitions from this month to `months` ahead for every partitioned table; the
    names made (none when all exist, or on SQLite). Takes a transaction-level advisory lock, so
    two schedulers running it at once make each partition once."""
    first = Month.of(now)
    return make_months(conn, first, first.plus(months))


def make_months(conn: sa.Connection, first: Month, last: Month) -> list[str]:
    """Make the partitions from `first` to `last` (both included) that do not exist yet, under
    the advisory lock; the names made."""
    if conn.dialect.name != "postgresql":
        return []
    _take_lock(conn)
    made: list[str] = []
    for table in PARTITIONED:
        if not is_partitioned(conn, table):
            continue
        for month in months_from(first, last):
            if create_month(conn, table, month):
                made.append(month.name(table))
    return made


def drop_raw_months_before(conn: sa.Connection, cutoff: datetime) -> list[str]:
    """Drop the monthly partitions of `raw_events` that end on or before `cutoff` (the
    retention) and hold no delivery still waiting to be finished; their rows go at once, with
    no row deletes and no bloat. The partitions dropped, by name."""
    if not is_partitioned(conn, "raw_events"):
        return []
    _take_lock(conn)
    dropped: list[str] = []
    for month in monthly_partitions(conn, "raw_events"):
        if month.end > cutoff:
            break
        name = month.name("raw_events")
        waiting = conn.execute(
            sa.text(f"SELECT 1 FROM {name} WHERE status = 'waiting' LIMIT 1")
        ).scalar()
        if waiting:  # kept: the row deletes of the retention take the rest of it
            continue
        conn.execute(
            sa.text("DELETE FROM raw_event_keys WHERE received_at >= :lo AND received_at < :hi"),
            {"lo": month.start, "hi": month.end},
        )
        conn.execute(sa.text(f"ALTER TABLE raw_events DETACH PARTITION {name}"))
        conn.execute(sa.text(f"DROP TABLE {name}"))
        dropped.append(name)
    return dropped
