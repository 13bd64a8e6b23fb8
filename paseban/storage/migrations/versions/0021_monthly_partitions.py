"""PostgreSQL at national size: `messages` and `raw_events` partitioned by month (issue 17)

On PostgreSQL both tables become declaratively partitioned by RANGE of `received_at` (the
server's clock, so rows land in months made ahead; `posted_at` comes from the platforms and may
be anything), one partition per month from the oldest row to three months ahead, and a default
partition for anything outside. The conversion runs in the migration's one transaction: the old
table is renamed, the partitioned one created beside it, the rows moved, the old table dropped,
the sequence, primary key, indexes, triggers and foreign keys made again. SQLite is untouched.

PostgreSQL's rules and what we decided:

- A primary key or unique constraint on a partitioned table must include the partition key, so
  the primary keys become (id, received_at). `id` stays unique: it comes from the same sequence.
- `UNIQUE (platform, external_id)` on messages and the unique index (channel, body_hash) on
  raw_events (issue 16: a delivery kept once) cannot include `received_at` without losing their
  meaning (a retry arrives later). They move to two small unpartitioned tables,
  `message_keys (platform, external_id) -> message_id` and `raw_event_keys (channel, body_hash)
  -> raw_event_id`, kept by BEFORE triggers: an insert whose key already exists is skipped
  (the trigger returns NULL), which is what `ON CONFLICT DO NOTHING ... RETURNING id` did, race
  included (the key's unique index makes the second writer wait for the first's commit).
  The code's inserts say `ON CONFLICT DO NOTHING` without a conflict target so that they work on
  both shapes.
- Foreign keys to a partitioned table need a unique constraint on the referenced columns, which
  `messages.id` alone no longer has. The foreign keys that pointed at `messages.id`
  (revisions, corrections, outbox replies, content sources, engagement) now point at
  `message_keys.message_id` (unique): referential integrity holds as before. The two that
  pointed at `raw_events.id` (`messages.raw_event_id`, `message_revisions.raw_event_id`) are
  dropped: the retention drops whole months of raw deliveries, and rewriting millions of
  messages to forget the link would undo what the partitions save; the link is informational
  (nothing reads it) and may point at a delivery no longer kept.
- Indexes are made again on the partitioned tables (each partition gets its own), plus
  (platform, external_id) and (channel, body_hash) as plain indexes for look-ups.

The downgrade makes plain tables again with the rows, the original keys, unique constraints and
foreign keys (links to raw deliveries dropped by the retention are cleared first).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 02:40:00
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op

from paseban.storage.partitions import MONTHS_AHEAD, Month, default_name, months_from

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# table -> (the unique constraint or index it loses, its key table, the key's columns)
KEYS = {
    "raw_events": ("ux_raw_events_channel_body_hash", "raw_event_keys", ("channel", "body_hash")),
    "messages": ("uq_messages_platform_external_id", "message_keys", ("platform", "external_id")),
}
LOOKUPS = {
    "raw_events": "CREATE INDEX ix_raw_events_channel_body_hash ON raw_events (channel, body_hash)",
    "messages": "CREATE INDEX ix_messages_platform_external_id ON messages (platform, external_id)",
}
RAW_LINKS = (("messages", "raw_event_id"), ("message_revisions", "raw_event_id"))

KEY_TABLES = """
CREATE TABLE message_keys (
    platform varchar(20) NOT NULL,
    external_id varchar(200) NOT NULL,
    message_id integer NOT NULL CONSTRAINT ux_message_keys_message_id UNIQUE,
    PRIMARY KEY (platform, external_id)
);
--
CREATE TABLE raw_event_keys (
    channel varchar(30) NOT NULL,
    body_hash varchar(64) NOT NULL,
    raw_event_id integer NOT NULL,
    received_at timestamptz NOT NULL,
    PRIMARY KEY (channel, body_hash)
);
--
CREATE INDEX ix_raw_event_keys_received_at ON raw_event_keys (received_at);
"""

# Skips a row whose key exists (as ON CONFLICT DO NOTHING did); a row moving between partitions
# is deleted then inserted with the same id, which finds its key gone or its own.
TRIGGERS = """
CREATE FUNCTION paseban_message_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('paseban.moving_rows', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO message_keys (platform, external_id, message_id)
        VALUES (NEW.platform, NEW.external_id, NEW.id)
        ON CONFLICT (platform, external_id) DO NOTHING;
        IF FOUND OR EXISTS (SELECT 1 FROM message_keys WHERE message_id = NEW.id
                            AND platform = NEW.platform AND external_id = NEW.external_id) THEN
            RETURN NEW;
        END IF;
        RETURN NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        IF NEW.id <> OLD.id THEN
            RAISE EXCEPTION 'messages.id cannot change';
        END IF;
        IF NEW.platform <> OLD.platform OR NEW.external_id <> OLD.external_id THEN
            UPDATE message_keys SET platform = NEW.platform, external_id = NEW.external_id
            WHERE message_id = OLD.id;
        END IF;
        RETURN NEW;
    END IF;
    DELETE FROM message_keys WHERE message_id = OLD.id;
    RETURN OLD;
END $$;
--
CREATE FUNCTION paseban_raw_event_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('paseban.moving_rows', true) = 'on' THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        DELETE FROM raw_event_keys WHERE raw_event_id = OLD.id
            AND channel = OLD.channel AND body_hash = OLD.body_hash;
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
    END IF;
    IF NEW.body_hash IS NULL THEN
        RETURN NEW;
    END IF;
    INSERT INTO raw_event_keys (channel, body_hash, raw_event_id, received_at)
    VALUES (NEW.channel, NEW.body_hash, NEW.id, NEW.received_at)
    ON CONFLICT (channel, body_hash) DO NOTHING;
    IF FOUND THEN
        RETURN NEW;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        RAISE EXCEPTION 'raw_events (channel, body_hash) already kept' USING ERRCODE = '23505';
    END IF;
    RETURN NULL;
END $$;
--
CREATE TRIGGER tg_messages_key BEFORE INSERT OR UPDATE OR DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION paseban_message_key();
--
CREATE TRIGGER tg_raw_events_key BEFORE INSERT OR UPDATE OR DELETE ON raw_events
    FOR EACH ROW EXECUTE FUNCTION paseban_raw_event_key();
"""


def _rows(conn: sa.Connection, sql: str, **params: object) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in conn.execute(sa.text(sql), params)]


def _foreign_keys_to(conn: sa.Connection, table: str) -> list[tuple[Any, ...]]:
    """(constraint, referencing table, definition) of every foreign key pointing at `table`."""
    return _rows(
        conn,
        "SELECT c.conname, c.conrelid::regclass::text, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c WHERE c.contype = 'f' AND c.confrelid = to_regclass(:t) "
        "ORDER BY c.conname",
        t=table,
    )


def _indexes(conn: sa.Connection, table: str, skip: set[str]) -> list[str]:
    """CREATE INDEX statements of `table`'s indexes but those in `skip`."""
    found = _rows(
        conn,
        "SELECT indexname, indexdef FROM pg_indexes "
        "WHERE schemaname = current_schema() AND tablename = :t ORDER BY indexname",
        t=table,
    )
    return [str(d).replace(" ON ONLY ", " ON ") for n, d in found if n not in skip]


def _primary_key(conn: sa.Connection, table: str) -> str:
    return str(
        conn.execute(
            sa.text(
                "SELECT conname FROM pg_constraint "
                "WHERE contype = 'p' AND conrelid = to_regclass(:t)"
            ),
            {"t": table},
        ).scalar_one()
    )


def _run(conn: sa.Connection, statements: list[str]) -> None:
    for statement in statements:
        conn.execute(sa.text(statement))


def _sequence(conn: sa.Connection, table: str) -> str:
    return str(conn.execute(sa.text(f"SELECT pg_get_serial_sequence('{table}', 'id')")).scalar())


def _rebuild(conn: sa.Connection, table: str, *, partitioned: bool, skip: set[str]) -> None:
    """Make `table` again (partitioned by month or plain) with its rows, sequence, indexes."""
    primary_key = _primary_key(conn, table)
    indexes = _indexes(conn, table, skip | {primary_key})
    outgoing = _rows(
        conn,
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = to_regclass(:t) ORDER BY conname",
        t=table,
    )
    sequence = _sequence(conn, table)
    old = f"{table}_old"
    _run(
        conn,
        [
            f"ALTER SEQUENCE {sequence} OWNED BY NONE",
            f"ALTER TABLE {table} RENAME TO {old}",
            f"CREATE TABLE {table} (LIKE {old} INCLUDING DEFAULTS)"
            + (" PARTITION BY RANGE (received_at)" if partitioned else ""),
        ],
    )
    if partitioned:
        low, high = conn.execute(
            sa.text(f"SELECT min(received_at), max(received_at) FROM {old}")
        ).one()
        now = Month.of(datetime.now(UTC))
        first = Month.of(low) if low else now
        last = max(Month.of(high) if high else now, now.plus(MONTHS_AHEAD))
        for month in months_from(min(first, now), last):
            conn.execute(
                sa.text(
                    f"CREATE TABLE {month.name(table)} PARTITION OF {table} "
                    f"FOR VALUES FROM ('{month.start.isoformat()}') TO ('{month.end.isoformat()}')"
                )
            )
        conn.execute(sa.text(f"CREATE TABLE {default_name(table)} PARTITION OF {table} DEFAULT"))
    _run(
        conn,
        [
            f"INSERT INTO {table} SELECT * FROM {old}",
            f"DROP TABLE {old}",
            f"ALTER SEQUENCE {sequence} OWNED BY {table}.id",
            f"ALTER TABLE {table} ADD CONSTRAINT {primary_key} PRIMARY KEY "
            + ("(id, received_at)" if partitioned else "(id)"),
            *indexes,
            *(f"ALTER TABLE {table} ADD CONSTRAINT {name} {d}" for name, d in outgoing),
        ],
    )


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        _add_indexes()
        return
    _run(conn, KEY_TABLES.split("\n--\n"))
    conn.execute(
        sa.text(
            "INSERT INTO raw_event_keys (channel, body_hash, raw_event_id, received_at) "
            "SELECT channel, body_hash, id, received_at FROM raw_events "
            "WHERE body_hash IS NOT NULL"
        )
    )
    conn.execute(
        sa.text(
            "INSERT INTO message_keys (platform, external_id, message_id) "
            "SELECT platform, external_id, id FROM messages"
        )
    )
    to_messages = _foreign_keys_to(conn, "messages")
    for name, table, _ in [*to_messages, *_foreign_keys_to(conn, "raw_events")]:
        conn.execute(sa.text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))
    conn.execute(sa.text("ALTER TABLE messages DROP CONSTRAINT uq_messages_platform_external_id"))
    for table, (unique, _, _) in KEYS.items():
        _rebuild(conn, table, partitioned=True, skip={unique})
        conn.execute(sa.text(LOOKUPS[table]))
    _run(conn, TRIGGERS.split("\n--\n"))
    for name, table, definition in to_messages:
        target = str(definition).replace(
            "REFERENCES messages(id)", "REFERENCES message_keys(message_id)"
        )
        conn.execute(sa.text(f"ALTER TABLE {table} ADD CONSTRAINT {name} {target}"))
    _add_indexes()


def _add_indexes() -> None:
    """What the plans at national size needed (bench/national.py), on both engines."""
    op.create_index("ix_messages_account_received", "messages", ["account_id", "received_at"])
    op.create_index(
        "ix_cases_open_opd",
        "cases",
        ["status", "opd", "stage", "due_at", "opened_at", "urgency"],
    )


def downgrade() -> None:
    op.drop_index("ix_cases_open_opd", table_name="cases")
    op.drop_index("ix_messages_account_received", table_name="messages")
    conn = op.get_bind()
    if conn.dialect.name != "postgresql":
        return
    to_keys = _foreign_keys_to(conn, "message_keys")
    for name, table, _ in to_keys:
        conn.execute(sa.text(f"ALTER TABLE {table} DROP CONSTRAINT {name}"))
    _run(
        conn,
        [
            "DROP TRIGGER tg_messages_key ON messages",
            "DROP TRIGGER tg_raw_events_key ON raw_events",
            "DROP FUNCTION paseban_message_key()",
            "DROP FUNCTION paseban_raw_event_key()",
        ],
    )
    for table in KEYS:
        lookup = f"ix_{table}_" + "_".join(KEYS[table][2])
        _rebuild(conn, table, partitioned=False, skip={lookup})
    _run(
        conn,
        [
            "CREATE UNIQUE INDEX ux_raw_events_channel_body_hash "
            "ON raw_events (channel, body_hash)",
            "ALTER TABLE messages ADD CONSTRAINT uq_messages_platform_external_id "
            "UNIQUE (platform, external_id)",
            "DROP TABLE message_keys",
            "DROP TABLE raw_event_keys",
        ],
    )
    for table, column in RAW_LINKS:
        conn.execute(
            sa.text(
                f"UPDATE {table} SET {column} = NULL WHERE {column} IS NOT NULL "
                f"AND NOT EXISTS (SELECT 1 FROM raw_events r WHERE r.id = {table}.{column})"
            )
        )
        conn.execute(
            sa.text(
                f"ALTER TABLE {table} ADD CONSTRAINT fk_{table}_{column}_raw_events "
                f"FOREIGN KEY ({column}) REFERENCES raw_events(id)"
            )
        )
    for name, table, definition in to_keys:
        target = str(definition).replace(
            "REFERENCES message_keys(message_id)", "REFERENCES messages(id)"
        )
        conn.execute(sa.text(f"ALTER TABLE {table} ADD CONSTRAINT {name} {target}"))
