"""Ticket codes (BGR-2611-0042): the counter per prefix and month only goes up, so a code is
never handed out twice.

On PostgreSQL the counter is bumped in a short transaction of its own, committed at once: inside
the case's transaction its row lock would be held until that commits, and every worker opening
a case would queue behind it. A number taken by a transaction that then fails (a retry after a
conflict) stays unused: a gap in the codes, never a duplicate — as with a SEQUENCE. On SQLite
(one writer at a time) the counter stays in the case's transaction, where a second connection
would only wait for the first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from paseban.domain.cases import ticket_code
from paseban.storage import tables as t
from paseban.storage.upsert import insert


def next_ticket(conn: sa.Connection, prefix: str, at_local: datetime) -> str:
    """A ticket code never handed out before (see the module's docstring for the transaction
    it is counted in)."""
    period = f"{prefix}-{at_local:%y%m}"
    if conn.dialect.name == "postgresql":
        with conn.engine.begin() as own:
            seq = int(own.execute(_ticket_statement(own), {"period": period}).scalar_one())
    else:
        seq = int(conn.execute(_ticket_statement(conn), {"period": period}).scalar_one())
    return ticket_code(prefix, at_local, seq)


_STATEMENTS: dict[str, Any] = {}


def _ticket_statement(conn: sa.Connection) -> Any:
    key = f"ticket:{conn.dialect.name}"
    if key not in _STATEMENTS:
        _STATEMENTS[key] = (
            insert(conn, t.ticket_counters)
            .values(period=sa.bindparam("period"), last=1)
            .on_conflict_do_update(
                index_elements=["period"], set_={"last": t.ticket_counters.c.last + 1}
            )
            .returning(t.ticket_counters.c.last)
        )
    return _STATEMENTS[key]
