"""Placement locks (services.cases.locks): a transaction asks PostgreSQL only for the names it
does not hold yet, and what it holds is really held until it ends."""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.services.cases import locks


def test_a_transaction_asks_only_for_the_names_it_does_not_hold(ctx: Context) -> None:
    if ctx.engine.dialect.name != "postgresql":
        pytest.skip("advisory locks: PostgreSQL only (SQLite has one writer at a time)")
    asked: list[list[int]] = []

    def count(_c: Any, _cur: Any, statement: str, params: Any, *_: Any) -> None:
        if "pg_advisory_xact_lock" in statement:
            asked.append(list(params["keys"]))

    sa.event.listen(ctx.engine, "before_cursor_execute", count)
    a, b, c = (locks.key(name) for name in ("kel:jalan:A", "kel:jalan:B", "author:x:id:1"))
    try:
        with ctx.engine.connect() as conn, ctx.engine.connect() as other:
            with conn.begin():
                locks.hold(conn, ["kel:jalan:A", "kel:jalan:B"])
                locks.hold(conn, ["kel:jalan:B", "kel:jalan:A"])  # held: no statement
                locks.hold(conn, ["kel:jalan:A", "author:x:id:1"])  # only the new one
                # held for real: another session cannot take them while this one is open
                taken = other.execute(
                    sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": a}
                ).scalar_one()
                assert taken is False
                other.rollback()
                with conn.begin_nested():  # a savepoint's rollback would release what it took
                    locks.hold(conn, ["kel:jalan:B"])
            with conn.begin():  # a new transaction holds nothing yet
                locks.hold(conn, ["kel:jalan:A"])
            taken = other.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": a})
            assert taken.scalar_one() is True  # released when the transaction ended
            other.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": a})
            other.commit()
    finally:
        sa.event.remove(ctx.engine, "before_cursor_execute", count)
    assert asked == [sorted([a, b]), [c], [b], [a]]
