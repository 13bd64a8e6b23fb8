from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.errors import BadFile
from paseban.services.cases import reads
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.factories import message, with_accounts, write_jsonl


def count(ctx: Context, table: sa.Table) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


@pytest.fixture
def accounts_ready(ctx: Context, tmp_path: Path) -> Context:
    with_accounts(ctx, tmp_path)
    return ctx


def test_a_message_travels_to_a_routed_case(accounts_ready: Context, tmp_path: Path) -> None:
    ctx = accounts_ready
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            message(
                1, "min jln di deket prasasti batutulis bolong2 parahhh udh 2 minggu gk dibenerin"
            ),
            message(2, "mantap pak lurah, gercep!"),
        ],
    )
    report = files.ingest_file(ctx, path)
    assert (report.stored, report.duplicates) == (2, 0)
    rows, total = reads.list_cases(ctx)
    assert total == 1
    case = rows[0]
    assert case["ticket"] == "BGR-2611-0001"
    assert (case["topic"], case["opd"], case["route_rule"]) == ("jalan", "DPUPR", "default:jalan")
    assert case["kelurahan"] == "32.71.01.1001" and case["status"] == "received"
    assert case["opened_at"].isoformat() == "2026-11-27T01:00:00+00:00"  # when the citizen wrote
    with ctx.engine.connect() as conn:
        msgs = conn.execute(sa.select(t.messages).order_by(t.messages.c.id)).mappings().all()
        events = conn.execute(sa.select(t.case_events)).mappings().all()
    assert msgs[0]["case_id"] == case["id"] and msgs[1]["case_id"] is None
    assert msgs[1]["intent"] == "apresiasi"
    assert msgs[0]["reasons"]["intent"] and msgs[0]["confidence"]["intent"] > 0
    # the timeline names the rule in words; its code stays in the event's data
    assert events[0]["action"] == "open"
    assert events[0]["note"] == "dirutekan oleh aturan bawaan topik Jalan dan trotoar rusak"
    assert events[0]["data"]["route_rule"] == "default:jalan"


def test_the_same_file_twice_adds_nothing(accounts_ready: Context, tmp_path: Path) -> None:
    ctx = accounts_ready
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [message(1, "sampah numpuk di tegal gundil"), message(1, "sampah numpuk di tegal gundil")],
    )
    first = files.ingest_file(ctx, path)
    assert (first.stored, first.duplicates) == (1, 1)
    second = files.ingest_file(ctx, path)
    assert (second.stored, second.duplicates) == (0, 2)
    assert (
        count(ctx, t.messages) == 1 and count(ctx, t.raw_events) == 1 and count(ctx, t.cases) == 1
    )


def test_similar_reports_join_one_case(accounts_ready: Context, tmp_path: Path) -> None:
    ctx = accounts_ready
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            message(
                1, "sampah di TPS kel. tegal gundil numpuk 4 hari", account="kelurahan.tegalgundil"
            ),
            message(2, "sampah menumpuk lagi di tegal gundil, bau", account="kecamatan.bogorutara"),
        ],
    )
    files.ingest_file(ctx, path)
    rows, total = reads.list_cases(ctx)
    assert total == 1 and rows[0]["report_count"] == 2


def test_national_road_goes_outside_the_city(accounts_ready: Context, tmp_path: Path) -> None:
    ctx = accounts_ready
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [message(1, "Jl. Pajajaran depan Botani Square berlubang besar, rusak parah")],
    )
    files.ingest_file(ctx, path)
    rows, _ = reads.list_cases(ctx)
    assert (rows[0]["opd"], rows[0]["route_rule"]) == ("EXT_JALAN_NASIONAL", "jalan-nasional")


def test_bad_lines_stop_the_import_with_nothing_stored(
    accounts_ready: Context, tmp_path: Path
) -> None:
    ctx = accounts_ready
    path = write_jsonl(
        tmp_path / "in.jsonl",
        [
            message(1, "jalan rusak"),
            "{not json",
            message(3, "x", account="akun.asing"),
            message(4, "x", time="kemarin"),
            {"platform": "instagram", "account": "pemkotbogor"},
        ],
    )
    with pytest.raises(BadFile) as info:
        files.ingest_file(ctx, path)
    problems = {e.line: e.problem for e in info.value.errors}
    assert set(problems) == {2, 3, 4, 5}
    assert "JSON" in problems[2] and "tidak terdaftar" in problems[3]
    assert "ISO 8601" in problems[4] and "kolom wajib" in problems[5]
    assert count(ctx, t.messages) == 0 and count(ctx, t.raw_events) == 0


def test_skip_bad_stores_the_good_lines(accounts_ready: Context, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", [message(1, "jalan rusak di batutulis"), "{not json"])
    report = files.ingest_file(accounts_ready, path, skip_bad=True)
    assert report.stored == 1 and [e.line for e in report.skipped] == [2]


def test_invalid_utf8_and_binary_lines(accounts_ready: Context, tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b'{"platform":"instagram","id":"a","account":"pemkotbogor","text":"ok","time":"2026-11-27T08:00:00"}\n\xff\xfe\x00\n'
    )
    report = files.ingest_file(accounts_ready, path, skip_bad=True)
    assert report.stored == 1 and "UTF-8" in report.skipped[0].problem


def test_logs_hold_no_citizen_text(
    accounts_ready: Context, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    text = "air mati di kedung badak, hubungi 081234567890"
    path = write_jsonl(tmp_path / "in.jsonl", [message(1, text, account="pemkotbogor")])
    with caplog.at_level("DEBUG", logger="paseban"):
        files.ingest_file(accounts_ready, path)
    logged = "\n".join(r.getMessage() + str(r.__dict__) for r in caplog.records)
    assert "081234567890" not in logged and "kedung badak" not in logged
    with accounts_ready.engine.connect() as conn:
        masked = conn.execute(sa.select(t.messages.c.masked_text)).scalar_one()
    assert "081234567890" not in masked and "[PHONE]" in masked
