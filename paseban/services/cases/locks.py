"""Placements that could see each other's case take turns; all others run in parallel.

Analysis workers place messages in cases concurrently, one message per transaction. Two of them
placing reports about the same problem in the same place at the same moment would each read "no
open case here" and open two cases; two messages of the same citizen would each miss the other's
case. So before it reads, a placement holds transaction advisory locks named after what it reads
(domain.triage.placement_keys, the citizen): the one that comes second waits until the first
commits, then reads the first's case, exactly as if they had run one after the other.

Deadlock-free by construction: a transaction takes all its names in one statement, in the
order of their numbers, before any row lock; afterwards it locks at most one existing case
(`FOR UPDATE` in triage._join) and bumps the ticket counter in a transaction of its own
(tickets.next_ticket). Taking a name it already holds again costs nothing: `hold` remembers what
the transaction holds and asks PostgreSQL only for the others, so open_or_join may ask again for
what place_message holds.

On SQLite there is nothing to do: one writer at a time is the database's own rule."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import sqlalchemy as sa

from paseban.storage.txcache import cached, forget

# sorted in the database, so that every transaction takes its locks in the same order
_HOLD = sa.text(
    "SELECT count(pg_advisory_xact_lock(k)) "
    "FROM (SELECT unnest(CAST(:keys AS bigint[])) AS k ORDER BY k) AS ordered"
)


def key(name: str) -> int:
    """A name as the signed 64-bit number PostgreSQL's advisory locks take. Two names that meet
    in the same number only wait for each other needlessly, never wrongly."""
    digest = hashlib.blake2b(f"paseban:place:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def hold(conn: sa.Connection, names: Iterable[str]) -> None:
    """Hold these names until the transaction ends (waiting for whoever holds one now)."""
    if conn.dialect.name != "postgresql" or cached(conn, _ALONE, bool):
        return
    held = _held(conn)
    keys = sorted({key(name) for name in names} - held)
    if keys:  # only names this transaction does not hold yet: no round trip for the others
        conn.execute(_HOLD, {"keys": keys})
        held.update(keys)


def _held(conn: sa.Connection) -> set[int]:
    """The lock numbers the connection's current transaction holds (forgotten when another
    transaction, or a savepoint whose rollback would release them, begins)."""
    current = conn.get_nested_transaction() or conn.get_transaction()
    slot: list[object] = cached(conn, _HELD, lambda: [None, set()])
    if slot[0] is not current:
        slot[0], slot[1] = current, set()
    held: set[int] = slot[1]  # type: ignore[assignment]
    return held


def place_alone(conn: sa.Connection) -> None:
    """This connection places a whole simulation in one long transaction, with nobody else
    placing at the time (the sample data, made at setup): it takes no locks. A lock per place
    held until a commit that comes thousands of placements later would fill PostgreSQL's shared
    lock table (max_locks_per_transaction × max_connections)."""
    forget(conn, _ALONE)
    cached(conn, _ALONE, lambda: True)


_ALONE = "placement_locks:alone"
_HELD = "placement_locks:held"


def author_name(platform: str, author: str | None, author_id: str | None) -> str | None:
    """The lock name of a citizen on a platform (None when the message names nobody)."""
    who = author_id or author
    return f"author:{platform}:{'id' if author_id else 'name'}:{who}" if who else None
