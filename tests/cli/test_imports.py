"""Every import command stores all its lines or none (issue 16): a bad line late in the file
leaves nothing of the earlier lines behind, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner, Result

from paseban.cli import cli
from paseban.storage import db
from paseban.storage import tables as t
from tests.factories import message, write_jsonl

HEADER = "platform,handle,platform_account_id,owner_kind,owner_code,name\n"


class Run:
    def __init__(self, url: str) -> None:
        self.url = url
        self.runner = CliRunner()

    def __call__(self, *args: str) -> Result:
        env = {"PASEBAN_DATABASE_URL": self.url, "PASEBAN_LOG_LEVEL": "WARNING"}
        return self.runner.invoke(cli, list(args), env=env, catch_exceptions=False)

    def count(self, table: sa.Table) -> int:
        engine = db.create_engine(self.url)
        try:
            with engine.connect() as conn:
                return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())
        finally:
            engine.dispose()


@pytest.fixture
def run(empty_db_url: str) -> Run:
    runner = Run(empty_db_url)
    assert runner("init").exit_code == 0
    return runner


def test_accounts_import_is_all_or_nothing(run: Run, tmp_path: Path) -> None:
    # defect 5: a duplicate id on line 3 exited 1, but line 2 stayed committed
    path = tmp_path / "a.csv"
    path.write_text(
        HEADER
        + "instagram,kel.satu,111,kelurahan,32.71.01.1001,Satu\n"
        + "instagram,kel.dua,111,kelurahan,32.71.01.1002,Dua\n",
        encoding="utf-8",
    )
    before = run.count(t.accounts)
    result = run("accounts", "import", str(path))
    assert result.exit_code == 1
    assert f"{path}:3" in result.output and "platform_account_id" in result.output
    assert run.count(t.accounts) == before
    kept = run("accounts", "import", "--skip-bad", str(path))
    assert kept.exit_code == 0 and run.count(t.accounts) == before + 1


def test_users_import_is_all_or_nothing(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "u.csv"
    path.write_text(
        "username,role,scope\nop.satu,diskominfo,\nbad name!,viewer,\n", encoding="utf-8"
    )
    before = run.count(t.users)
    result = run("users", "import", str(path))
    assert result.exit_code == 1 and f"{path}:3" in result.output
    assert run.count(t.users) == before


def test_ingest_is_all_or_nothing(run: Run, tmp_path: Path) -> None:
    accounts = tmp_path / "a.csv"
    accounts.write_text(
        HEADER + "instagram,kel.batutulis,17841400000000001,kelurahan,32.71.01.1001,BT\n",
        encoding="utf-8",
    )
    assert run("accounts", "import", str(accounts)).exit_code == 0
    path = write_jsonl(
        tmp_path / "m.jsonl",
        [message(1, "jalan rusak parah di batutulis", account="kel.batutulis"), "{oops"],
    )
    result = run("ingest", str(path))
    assert result.exit_code == 1 and f"{path}:2" in result.output
    assert run.count(t.messages) == 0


def test_metrics_import_is_all_or_nothing(run: Run, tmp_path: Path) -> None:
    accounts = tmp_path / "a.csv"
    accounts.write_text(
        HEADER + "instagram,kel.batutulis,17841400000000001,kelurahan,32.71.01.1001,BT\n",
        encoding="utf-8",
    )
    assert run("accounts", "import", str(accounts)).exit_code == 0
    path = tmp_path / "metrics.csv"
    path.write_text(
        "date,platform,handle,followers\n"
        "2026-11-20,instagram,kel.batutulis,1200\n"
        "2026-11-21,instagram,tidak.ada,1300\n",
        encoding="utf-8",
    )
    result = run("metrics", "import", str(path))
    assert result.exit_code == 1 and f"{path}:3" in result.output
    assert run.count(t.account_snapshots) == 0


def test_content_metrics_import_is_all_or_nothing(run: Run, tmp_path: Path) -> None:
    path = tmp_path / "post-metrics.csv"
    path.write_text(
        "platform,external_id,likes\ninstagram,tidak-ada-1,10\ninstagram,tidak-ada-2,-5\n",
        encoding="utf-8",
    )
    result = run("content", "metrics-import", str(path))
    assert result.exit_code == 1 and f"{path}:3" in result.output
