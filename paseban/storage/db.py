"""Engine from the database URL: SQLite by default (WAL, foreign keys), PostgreSQL by URL."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.pool import StaticPool


class DatabaseUnavailable(RuntimeError):
    pass


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def create_engine(url: str) -> sa.Engine:
    try:
        parsed = make_url(url)
    except sa.exc.ArgumentError:
        raise DatabaseUnavailable(f"URL basis data tidak sah: {safe_url(url)}") from None
    if parsed.get_backend_name() == "sqlite":
        in_memory = parsed.database in (None, "", ":memory:")
        kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False}}
        if in_memory:
            kwargs["poolclass"] = StaticPool
        engine = sa.create_engine(url, **kwargs)
        sa.event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    try:
        return sa.create_engine(url, pool_pre_ping=True)
    except ModuleNotFoundError as exc:
        raise DatabaseUnavailable(
            f"driver basis data untuk {parsed.get_backend_name()} belum terpasang ({exc.name}); "
            "pasang dengan: pip install 'paseban[postgres]'"
        ) from None


def check(engine: sa.Engine) -> None:
    """Raise DatabaseUnavailable with one clear line when the database cannot be reached."""
    try:
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(
            f"tidak dapat terhubung ke basis data {safe_url(str(engine.url))}: {reason}"
        ) from None


def safe_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except sa.exc.ArgumentError:
        return "<URL tidak sah>"


# PostgreSQL's "deadlock detected" and "could not serialize access": the other transaction is
# done in a moment, so the same work can simply run again
CONFLICTS = frozenset({"40P01", "40001"})


def is_conflict(exc: BaseException) -> bool:
    """Whether a database error is a conflict between transactions that a retry resolves."""
    return getattr(getattr(exc, "orig", None), "sqlstate", None) in CONFLICTS
