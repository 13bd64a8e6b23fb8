from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.errors import InvalidInput
from paseban.services.cases import reads
from paseban.services.ingest.manual import record_manual
from paseban.storage import tables as t


def test_a_complaint_heard_at_the_office_becomes_a_case(ctx: Context) -> None:
    report = record_manual(
        ctx,
        wilayah="32.71.01.1001",
        text="Bu RT lapor langsung: saluran air di gang mawar mampet, kalau hujan banjir",
        actor="petugas.batutulis",
        author="Bu Imas (RT 03)",
        contact="081298765432",
        reported_at=datetime(2026, 11, 27, 1, 30, tzinfo=UTC),
        reference="F-2611-017",
    )
    assert report.created and report.external_id == "manual-F-2611-017"
    again = record_manual(
        ctx, wilayah="32.71.01.1001", text="(diketik ulang)", actor="x", reference="F-2611-017"
    )
    assert not again.created and again.message_id == report.message_id
    with ctx.engine.connect() as conn:
        message = conn.execute(sa.select(t.messages)).mappings().one()
        account = (
            conn.execute(sa.select(t.accounts).where(t.accounts.c.id == message["account_id"]))
            .mappings()
            .one()
        )
    assert (account["platform"], account["handle"], account["owner_kind"]) == (
        "manual",
        "loket.32.71.01.1001",
        "kelurahan",
    )
    assert message["kind"] == "report" and message["author_id"] == "081298765432"
    assert message["analyzed_at"] is not None and message["kelurahan"] == "32.71.01.1001"
    rows, total = reads.list_cases(ctx)
    assert total == 1 and rows[0]["opened_at"] == datetime(2026, 11, 27, 1, 30, tzinfo=UTC)


def test_entries_without_a_reference_are_each_kept(ctx: Context) -> None:
    a = record_manual(ctx, wilayah="32.71.05", text="jalan rusak di bogor utara", actor="x")
    b = record_manual(ctx, wilayah="32.71.05", text="jalan rusak di bogor utara", actor="x")
    assert a.message_id != b.message_id


@pytest.mark.parametrize(
    ("kwargs", "problem"),
    [
        ({"wilayah": "99.99.99.9999"}, "tidak dikenal"),
        ({"text": "   "}, "kosong"),
        ({"reported_at": datetime(2026, 11, 28, tzinfo=UTC)}, "masa depan"),
        ({"lat": -6.6}, "koordinat"),
        ({"reference": "a b"}, "rujukan"),
    ],
)
def test_bad_entries_store_nothing(ctx: Context, kwargs: dict[str, object], problem: str) -> None:
    values: dict[str, object] = {
        "wilayah": "32.71.01.1001",
        "text": "sampah numpuk",
        "actor": "x",
    } | kwargs
    with pytest.raises(InvalidInput, match=problem):
        record_manual(ctx, **values)  # type: ignore[arg-type]
    with ctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.messages)).scalar() == 0


def test_the_clock_of_the_report_is_not_the_entry_time(ctx: Context) -> None:
    yesterday = ctx.now() - timedelta(days=1)
    record_manual(ctx, wilayah="32.71.01.1001", text="pju mati", actor="x", reported_at=yesterday)
    with ctx.engine.connect() as conn:
        posted, received = conn.execute(
            sa.select(t.messages.c.posted_at, t.messages.c.received_at)
        ).one()
    assert posted == yesterday and received == ctx.now()
