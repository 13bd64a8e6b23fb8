"""Backup and restore of the whole database (issue 16), while the server keeps working.

SQLite: the online backup API (`sqlite3.Connection.backup`) copies a consistent snapshot page
by page while webhooks keep being written; the backup is itself a SQLite database file.
PostgreSQL: `pg_dump --format=custom` (one consistent snapshot, compressed) and `pg_restore`,
from Debian's postgresql-client. A restore goes only into an empty database, so that nothing
stored is ever overwritten."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from paseban.errors import Conflict, InvalidInput

Progress = Callable[[int, int], None]  # (done, total) pages or steps
SQLITE_MAGIC = b"SQLite format 3\x00"
PGDUMP_MAGIC = b"PGDMP"


class BackupFailed(InvalidInput):
    """A backup or restore that could not be done; nothing in the database was changed."""


@dataclass(frozen=True)
class Result:
    path: Path
    bytes: int
    engine: str


def backup(url: str, target: Path, *, progress: Progress | None = None) -> Result:
    """Write a consistent copy of the database at `url` to `target` (a new file)."""
    if target.exists():
        raise Conflict(f"{target} sudah ada; pilih nama berkas baru")
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        _sqlite_backup(_sqlite_path(url), target, progress)
        return Result(target, target.stat().st_size, "sqlite")
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={target}", _libpq(url)], "pg_dump")
    if progress:
        progress(1, 1)
    return Result(target, target.stat().st_size, "postgresql")


def restore(url: str, source: Path, *, progress: Progress | None = None) -> Result:
    """Load a backup into the empty database at `url`."""
    if not source.is_file():
        raise BackupFailed(f"{source}: berkas cadangan tidak ada")
    head = source.read_bytes()[:16]
    parsed = make_url(url)
    engine = sa.create_engine(url)
    try:
        if sa.inspect(engine).get_table_names():
            raise Conflict("basis data tujuan tidak kosong; pulihkan hanya ke basis data baru")
    finally:
        engine.dispose()
    if parsed.get_backend_name() == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupFailed(f"{source}: bukan cadangan SQLite Paseban")
        _sqlite_backup(source, _sqlite_path(url), progress)
        return Result(source, source.stat().st_size, "sqlite")
    if not head.startswith(PGDUMP_MAGIC):
        raise BackupFailed(f"{source}: bukan cadangan pg_dump (format custom)")
    _run(
        ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={_libpq(url)}", str(source)],
        "pg_restore",
    )
    if progress:
        progress(1, 1)
    return Result(source, source.stat().st_size, "postgresql")


def check(path: Path) -> str:
    """What a backup file is, read without loading it: for `paseban restore` and for people
    checking their copies (docs/operations.md)."""
    head = path.read_bytes()[:16]
    if head == SQLITE_MAGIC:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            ok = conn.execute("PRAGMA integrity_check").fetchone()[0]
            version = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        if ok != "ok":
            raise BackupFailed(f"{path}: cadangan SQLite rusak ({ok})")
        return f"SQLite, skema {version[0] if version else '?'}"
    if head.startswith(PGDUMP_MAGIC):
        _run(["pg_restore", "--list", str(path)], "pg_restore")
        return "PostgreSQL (pg_dump custom)"
    raise BackupFailed(f"{path}: bukan berkas cadangan Paseban")


def _sqlite_backup(source: Path, target: Path, progress: Progress | None) -> None:
    def step(status: int, remaining: int, total: int) -> None:
        if progress:
            progress(total - remaining, total)

    src = sqlite3.connect(str(source), timeout=30)
    dst = sqlite3.connect(str(target))
    try:
        # 256 pages per step: writers (webhooks) get the database between steps
        src.backup(dst, pages=256, progress=step, sleep=0.005)
    except sqlite3.Error as exc:
        dst.close()
        target.unlink(missing_ok=True)
        raise BackupFailed(f"salinan SQLite gagal: {exc}") from None
    finally:
        src.close()
        if dst:
            dst.close()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupFailed("basis data SQLite di memori tidak dapat dicadangkan")
    return Path(database)


def _libpq(url: str) -> str:
    """The SQLAlchemy URL as libpq reads it (no "+psycopg")."""
    parsed = make_url(url).set(drivername="postgresql")
    return parsed.render_as_string(hide_password=False)


def _run(command: list[str], tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupFailed(
            f"{tool} tidak ada; pasang paket Debian postgresql-client "
            "(scripts/postgres memasangnya)"
        )
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        reason = (done.stderr or done.stdout).strip().splitlines()
        raise BackupFailed(f"{tool} gagal: {reason[-1] if reason else done.returncode}")
