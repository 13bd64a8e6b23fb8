"""Builders for the lifecycle tests: accounts, users as actors, a case from a citizen message."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.domain.cases import Actor
from paseban.services.cases import reads
from paseban.services.ingest import files
from paseban.storage import tables as t
from paseban.storage.rows.cases import CaseRow
from tests.factories import message, with_accounts, write_jsonl

DISKOMINFO = Actor("op.diskominfo", Role.DISKOMINFO)
PUPR = Actor("petugas.pupr", Role.OPD_OFFICER, Scope(opd="DPUPR"))
DLH = Actor("petugas.dlh", Role.OPD_OFFICER, Scope(opd="DLH"))


class Desk:
    """A small test harness: send citizen messages, read cases, outbox and events."""

    def __init__(self, ctx: Context, tmp_path: Path) -> None:
        self.ctx = ctx
        self.tmp_path = tmp_path
        self.n = 0
        with_accounts(ctx, tmp_path)

    def send(self, text: str, **kw: Any) -> CaseRow | None:
        self.n += 1
        kw.setdefault("time", "2026-11-27T08:00:00+07:00")
        path = write_jsonl(self.tmp_path / f"m{self.n}.jsonl", [message(self.n, text, **kw)])
        report = files.ingest_file(self.ctx, path)
        with self.ctx.engine.connect() as conn:
            case_id = conn.execute(
                sa.select(t.messages.c.case_id).where(t.messages.c.id == report.message_ids[0])
            ).scalar()
        return reads.get_case(self.ctx, int(case_id)) if case_id else None

    def case(self, ref: int | str) -> CaseRow:
        return reads.get_case(self.ctx, ref)

    def events(self, case_id: int) -> list[dict[str, Any]]:
        return [dict[str, Any](e) for e in reads.timeline(self.ctx, case_id)]

    def outbox(self) -> list[dict[str, Any]]:
        with self.ctx.engine.connect() as conn:
            return [
                dict(r)
                for r in conn.execute(sa.select(t.outbox).order_by(t.outbox.c.id)).mappings()
            ]

    def count(self, table: sa.Table) -> int:
        with self.ctx.engine.connect() as conn:
            return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


@pytest.fixture
def desk(ctx: Context, tmp_path: Path) -> Desk:
    return Desk(ctx, tmp_path)
