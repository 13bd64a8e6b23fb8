"""Monthly partitions of messages and raw_events on PostgreSQL (issue 17, item 4): the migration
converts a database with its rows and back, duplicates are still skipped across months, the
`make_partitions` job makes months ahead (twice at once included) and takes rows out of the
default partition, and the retention drops whole old months. On SQLite the same calls do
nothing and the tables stay plain."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.jobs import registry
from paseban.services.ingest import deliveries, retention
from paseban.storage import migrate, partitions
from paseban.storage import tables as t
from paseban.storage.partitions import Month
from paseban.storage.upsert import insert
from tests.conftest import T0, make_ctx
from tests.factories import with_accounts


@pytest.fixture
def ctx(db_url: str, tmp_path: Path) -> Iterator[Context]:
    context = make_ctx(db_url)
    with_accounts(context, tmp_path)
    yield context
    context.close()


def _pg(ctx: Context) -> bool:
    return ctx.engine.dialect.name == "postgresql"


def _account_id(ctx: Context) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.min(t.accounts.c.id))).scalar_one())


def _store(ctx: Context, external_id: str, received_at: datetime) -> int | None:
    """Insert a message as the ingest path does (duplicates skipped); its id, None if skipped."""
    values: dict[str, Any] = {
        "platform": "instagram",
        "external_id": external_id,
        "account_id": _account_id(ctx),
        "text": "jalan rusak",
        "posted_at": received_at,
        "received_at": received_at,
    }
    with ctx.engine.begin() as conn:
        stmt = insert(conn, t.messages).on_conflict_do_nothing().returning(t.messages.c.id)
        found = conn.execute(stmt, values).scalar()
    return None if found is None else int(found)


def _partition_of(ctx: Context, table: str, row_id: int) -> str:
    with ctx.engine.connect() as conn:
        return str(
            conn.execute(
                sa.text(f"SELECT tableoid::regclass::text FROM {table} WHERE id = :id"),
                {"id": row_id},
            ).scalar_one()
        )


def _count(ctx: Context, table: sa.Table) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


# --- the months (pure) ---------------------------------------------------------------------------


def test_months_cross_the_year_and_name_their_partitions() -> None:
    december = Month.of(datetime(2026, 12, 31, 20, 0, tzinfo=UTC))
    assert december.plus(1) == Month(2027, 1) and december.plus(-12) == Month(2025, 12)
    assert december.start == datetime(2026, 12, 1, tzinfo=UTC)
    assert december.end == datetime(2027, 1, 1, tzinfo=UTC)
    assert december.name("messages") == "messages_p202612"
    assert partitions.months_from(december, Month(2027, 2)) == [
        december,
        Month(2027, 1),
        Month(2027, 2),
    ]
    assert partitions.is_partition("messages_p202612")
    assert partitions.is_partition("raw_events_default")
    assert not partitions.is_partition("messages") and not partitions.is_partition("message_keys")


# --- on both engines -----------------------------------------------------------------------------


def test_a_message_is_stored_once_even_when_its_copies_arrive_months_apart(ctx: Context) -> None:
    first = _store(ctx, "m1", T0)
    assert first is not None
    assert _store(ctx, "m1", T0 + timedelta(days=70)) is None
    assert _store(ctx, "m1", T0 - timedelta(days=400)) is None
    assert _store(ctx, "m2", T0 + timedelta(days=70)) is not None
    assert _count(ctx, t.messages) == 2


def test_a_delivery_body_is_kept_once_across_months(ctx: Context) -> None:
    with ctx.engine.begin() as conn:
        a = deliveries.insert_raw(conn, channel="webhook:meta", at=T0, body='{"x": 1}')
        b = deliveries.insert_raw(
            conn, channel="webhook:meta", at=T0 + timedelta(days=40), body='{"x": 1}'
        )
    assert a == b
    assert _count(ctx, t.raw_events) == 1


def test_the_partition_job_is_registered_daily_and_does_nothing_on_sqlite(ctx: Context) -> None:
    assert registry(ctx)["make_partitions"].every == timedelta(days=1)
    made = retention.make_partitions(ctx)
    if not _pg(ctx):
        assert made == {"made": 0}
        with ctx.engine.connect() as conn:
            assert not partitions.is_partitioned(conn, "messages")


# --- PostgreSQL ----------------------------------------------------------------------------------


# partitions are PostgreSQL's: these tests take only its database
on_postgres = pytest.mark.parametrize(
    "db_url", [pytest.param("postgres", marks=pytest.mark.postgres)], indirect=True
)


@on_postgres
def test_the_migration_partitions_both_tables_by_month(ctx: Context) -> None:
    now = Month.of(datetime.now(UTC))
    with ctx.engine.connect() as conn:
        for table in partitions.PARTITIONED:
            assert partitions.is_partitioned(conn, table)
            months = partitions.monthly_partitions(conn, table)
            assert {now.plus(n) for n in range(partitions.MONTHS_AHEAD + 1)} <= set(months)
            assert conn.execute(
                sa.text("SELECT to_regclass(:n)"), {"n": partitions.default_name(table)}
            ).scalar()
    # a row lands in its month's partition
    row_id = _store(ctx, "m1", now.start + timedelta(days=3))
    assert row_id is not None
    assert _partition_of(ctx, "messages", row_id) == now.name("messages")


@on_postgres
def test_partitions_are_made_ahead_once_even_by_two_jobs_at_once(ctx: Context) -> None:
    later = datetime.now(UTC) + timedelta(days=366)
    made: list[list[str]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with ctx.engine.begin() as conn:
                made.append(partitions.make_ahead(conn, later))
        except BaseException as exc:  # the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    first = Month.of(later)
    expected = {
        month.name(table)
        for table in partitions.PARTITIONED
        for month in partitions.months_from(first, first.plus(partitions.MONTHS_AHEAD))
    }
    assert sorted(made[0] + made[1]) == sorted(expected)  # each made once, by one of them
    with ctx.engine.begin() as conn:
        assert partitions.make_ahead(conn, later) == []


@on_postgres
def test_rows_waiting_in_the_default_partition_move_into_their_new_month(ctx: Context) -> None:
    far = Month.of(datetime.now(UTC)).plus(9)
    at = far.start + timedelta(days=2)
    row_id = _store(ctx, "m9", at)
    assert row_id is not None
    assert _partition_of(ctx, "messages", row_id) == "messages_default"
    with ctx.engine.begin() as conn:
        made = partitions.make_ahead(conn, at, months=0)
    assert made == [far.name("raw_events"), far.name("messages")]
    assert _partition_of(ctx, "messages", row_id) == far.name("messages")
    assert _count(ctx, t.messages) == 1
    # its key came along: the same message again is still a duplicate
    assert _store(ctx, "m9", at) is None


@on_postgres
def test_the_retention_drops_whole_old_months_of_raw_events(ctx: Context) -> None:
    old = Month.of(datetime.now(UTC)).plus(-8)
    with ctx.engine.begin() as conn:
        partitions.make_ahead(conn, old.start, months=1)
        for n, status in enumerate(["processed", "processed", "waiting"]):
            month = old if status == "processed" else old.plus(1)
            raw_id = deliveries.insert_raw(
                conn, channel="webhook:meta", at=month.start + timedelta(days=n), body=f"b{n}"
            )
            conn.execute(
                sa.update(t.raw_events).where(t.raw_events.c.id == raw_id).values(status=status)
            )
    # the retention clock: 90 days after the end of the second month
    ctx.clock = FixedClock(old.plus(2).start + timedelta(days=91))
    counts = retention.prune_raw_events(ctx)
    assert counts == {"deleted": 0, "partitions_dropped": 1}
    with ctx.engine.connect() as conn:
        left = partitions.monthly_partitions(conn, "raw_events")
        keys = conn.execute(sa.text("SELECT count(*) FROM raw_event_keys")).scalar_one()
    assert old not in left and old.plus(1) in left  # kept: a delivery still waits in it
    assert _count(ctx, t.raw_events) == 1 and keys == 1
    # a body dropped with its month is kept again when it comes back
    with ctx.engine.begin() as conn:
        deliveries.insert_raw(conn, channel="webhook:meta", at=ctx.now(), body="b0")
    assert _count(ctx, t.raw_events) == 2


@on_postgres
def test_the_migration_converts_a_database_with_rows_and_back(ctx: Context) -> None:
    migrate.downgrade(ctx.engine, "0020")
    with ctx.engine.connect() as conn:
        assert not partitions.is_partitioned(conn, "messages")
    months = [T0 - timedelta(days=200), T0, T0 + timedelta(days=20)]
    with ctx.engine.begin() as conn:
        raw_ids = [
            deliveries.insert_raw(conn, channel="webhook:meta", at=at, body=f"body {n}")
            for n, at in enumerate(months)
        ]
    ids = [_store(ctx, f"m{n}", at) for n, at in enumerate(months)]
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.messages).where(t.messages.c.id == ids[0]).values(raw_event_id=raw_ids[0])
        )
        conn.execute(
            sa.insert(t.analysis_corrections).values(
                message_id=ids[0], field="intent", actor="op", at=T0
            )
        )
    migrate.upgrade(ctx.engine)
    with ctx.engine.connect() as conn:
        assert partitions.is_partitioned(conn, "messages")
        assert Month.of(months[0]) in partitions.monthly_partitions(conn, "messages")
        got = conn.execute(sa.select(t.messages.c.id).order_by(t.messages.c.id)).scalars().all()
        assert got == ids
        assert (
            conn.execute(
                sa.select(t.messages.c.raw_event_id).where(t.messages.c.id == ids[0])
            ).scalar_one()
            == raw_ids[0]
        )
    assert ids[0] is not None
    assert _partition_of(ctx, "messages", ids[0]) == Month.of(months[0]).name("messages")
    assert _store(ctx, "m1", T0) is None  # the keys came along
    new = _store(ctx, "m7", T0)
    assert new is not None and new > max(i for i in ids if i is not None)  # the sequence too
    # the foreign keys hold through message_keys
    with pytest.raises(sa.exc.IntegrityError), ctx.engine.begin() as conn:
        conn.execute(
            sa.insert(t.analysis_corrections).values(
                message_id=10_000_000, field="intent", actor="op", at=T0
            )
        )
    migrate.downgrade(ctx.engine, "0020")
    assert _count(ctx, t.messages) == 4 and _count(ctx, t.raw_events) == 3
    assert _store(ctx, "m1", T0) is None
    migrate.upgrade(ctx.engine)
    assert _count(ctx, t.messages) == 4
