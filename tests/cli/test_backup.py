"""`paseban backup` and `paseban restore` round trip on SQLite and PostgreSQL while the server
keeps storing webhook deliveries (issue 16)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner

from paseban.cli import cli
from paseban.connectors.base import hub_signature
from paseban.services.ingest import webhooks
from paseban.storage import backup as store
from paseban.storage import migrate
from paseban.storage import tables as t
from tests.conftest import _pg_fresh
from tests.connectors.helpers import META_SECRET, raw, with_connector_accounts
from tests.web.ingest.test_webhooks import make_context


@pytest.fixture
def target(db_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[str]:
    """An empty database of the same engine as `db_url`, to restore into."""
    if db_url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        yield from _pg_fresh(request, None)


def _count(url: str, table: sa.Table) -> int:
    engine = sa.create_engine(url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
    finally:
        engine.dispose()


def _run(url: str, *args: str) -> str:
    env = {"PASEBAN_DATABASE_URL": url, "PASEBAN_LOG_LEVEL": "WARNING"}
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_backup_and_restore_while_webhooks_arrive(db_url: str, target: str, tmp_path: Path) -> None:
    ctx = make_context(db_url)
    with_connector_accounts(ctx, tmp_path)
    template = raw("meta", "page_feed__comment").decode()
    stop = threading.Event()
    sent: list[int] = []

    def deliver() -> None:
        n = 0
        while not stop.is_set() and n < 2000:
            n += 1
            body = template.replace("900000000000001", f"{900000000000001 + n}").encode()
            headers = {"X-Hub-Signature-256": hub_signature(META_SECRET, body)}
            webhooks.receive_webhook(ctx, "meta", headers, body)
            sent.append(n)

    writer = threading.Thread(target=deliver)
    writer.start()
    try:
        while len(sent) < 20:  # the server is busy before the backup starts
            stop.wait(0.01)
        path = tmp_path / "paseban.backup"
        assert "cadangan" in _run(db_url, "backup", str(path))
        during = len(sent)
    finally:
        stop.set()
        writer.join()
        ctx.close()
    checked = _run(db_url, "restore", "--check", str(path))
    head = migrate.head(sa.create_engine(db_url))
    assert f"SQLite, skema {head}" in checked or "PostgreSQL" in checked
    _run(target, "restore", str(path))
    engine = sa.create_engine(target)
    try:
        assert migrate.is_current(engine)
        with engine.connect() as conn:
            orphans = conn.execute(
                sa.select(sa.func.count())
                .select_from(t.messages)
                .outerjoin(t.raw_events, t.raw_events.c.id == t.messages.c.raw_event_id)
                .where(t.messages.c.raw_event_id.is_not(None), t.raw_events.c.id.is_(None))
            ).scalar_one()
    finally:
        engine.dispose()
    restored = _count(target, t.messages)
    assert 20 <= restored <= _count(db_url, t.messages)
    assert restored >= min(during, 20)  # what was stored before the backup began is in it
    assert orphans == 0
    assert _count(target, t.wilayah) == _count(db_url, t.wilayah)


def test_restore_refuses_a_database_that_is_not_empty(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "b.backup"
    _run(db_url, "backup", str(path))
    with pytest.raises(Exception, match="tidak kosong"):
        store.restore(db_url, path)
    env = {"PASEBAN_DATABASE_URL": db_url, "PASEBAN_LOG_LEVEL": "WARNING"}
    result = CliRunner().invoke(cli, ["restore", str(path)], env=env)
    assert result.exit_code == 1 and "tidak kosong" in result.output
    again = CliRunner().invoke(cli, ["backup", str(path)], env=env)
    assert again.exit_code == 1 and "sudah ada" in again.output
