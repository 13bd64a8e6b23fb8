"""Ticket codes (BGR-2611-0042): the counter per prefix and month only goes up, in the same
transaction as the case it names, so a code is never handed out twice."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.cases import ticket_code
from paseban.storage import tables as t
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    pass


def next_ticket(conn: sa.Connection, prefix: str, at_local: datetime) -> str:
    """A ticket code never handed out before: the counter only goes up, in the same transaction
    as the case it names."""
    period = f"{prefix}-{at_local:%y%m}"
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
