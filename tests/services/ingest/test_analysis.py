from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from paseban.context import Context
from paseban.hookspecs import hookimpl
from paseban.services.ingest import analysis, files
from paseban.storage import tables as t
from paseban.storage.rows.ingest import AnalysisRow
from tests.factories import message, with_accounts, write_jsonl


def stored(ctx: Context) -> list[dict[str, Any]]:
    with ctx.engine.connect() as conn:
        return [
            dict(r)
            for r in conn.execute(sa.select(t.messages).order_by(t.messages.c.id)).mappings()
        ]


def test_a_point_the_citizen_sent_places_the_message(ctx: Context, tmp_path: Path) -> None:
    with_accounts(ctx, tmp_path)
    # a WhatsApp location near the centre of Kel. Tegal Gundil, sent to the city's number
    records = [
        message(
            1,
            "air pdam mati dari kemarin, tolong",
            account="pemkotbogor.wa",
            platform="whatsapp",
            lat=-6.5812,
            lon=106.8152,
        ),
        message(
            2,
            "lampu jalan mati di sempur",
            account="pemkotbogor.wa",
            platform="whatsapp",
            lat=-6.5812,
            lon=106.8152,
        ),  # the text names a place: the text wins
        message(
            3, "sampah numpuk", account="pemkotbogor.wa", platform="whatsapp", lat=-7.8, lon=110.4
        ),  # far outside the city: no guess
    ]
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    first, second, third = stored(ctx)
    assert (first["kelurahan"], first["place_source"]) == ("32.71.05.1002", "location")
    assert "km dari pusat Kel. Tegal Gundil" in first["reasons"]["place"]
    assert (second["kelurahan"], second["place_source"]) == ("32.71.03.1006", "text")
    assert third["place_source"] != "location"


def test_analysing_twice_places_a_message_once(ctx: Context, tmp_path: Path) -> None:
    with_accounts(ctx, tmp_path)
    report = files.ingest_file(
        ctx, write_jsonl(tmp_path / "m.jsonl", [message(1, "jalan rusak parah di batutulis")])
    )
    again = analysis.analyze_messages(ctx, report.message_ids)  # a second worker, too late
    assert again["analyzed"] == 0
    with ctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.cases)).scalar() == 1
        opened = conn.execute(
            sa.select(sa.func.count()).where(t.case_events.c.action == "open")
        ).scalar()
    assert opened == 1


class Listener:
    """A plugin that hears `message_analyzed`: what a third party (a dashboard, a bot) sees."""

    def __init__(self, fail: bool = False) -> None:
        self.heard: list[tuple[int, AnalysisRow]] = []
        self.fail = fail

    @hookimpl
    def message_analyzed(self, ctx: Context, message_id: int, analysis: AnalysisRow) -> None:
        self.heard.append((message_id, analysis))
        if self.fail:
            raise RuntimeError("plugin down")


def test_each_analysed_message_is_announced_once_after_it_is_stored(
    ctx: Context, tmp_path: Path
) -> None:
    with_accounts(ctx, tmp_path)
    listener = Listener()
    ctx.pm.register(listener, "listener")
    records = [message(1, "jalan rusak parah di batutulis"), message(2, "terima kasih min")]
    report = files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    assert [message_id for message_id, _ in listener.heard] == report.message_ids
    rows = {r["id"]: r for r in stored(ctx)}
    for message_id, heard in listener.heard:
        # the plugin receives what is stored, with the case the complaint opened
        assert set(heard) == set(AnalysisRow.__annotations__)
        for name, value in heard.items():
            assert rows[message_id][name] == value, name
    complaint, thanks = (heard for _, heard in listener.heard)
    assert complaint["case_id"] is not None and complaint["topic"] == "jalan"
    assert thanks["case_id"] is None

    # a redelivered job (or a second worker) finds nothing to claim: no second announcement
    again = analysis.analyze_messages(ctx, report.message_ids)
    assert again["analyzed"] == 0 and len(listener.heard) == 2


def test_a_failing_plugin_loses_no_analysis(ctx: Context, tmp_path: Path) -> None:
    with_accounts(ctx, tmp_path)
    broken, listener = Listener(fail=True), Listener()
    ctx.pm.register(broken, "broken")
    ctx.pm.register(listener, "listener")
    records = [message(1, "jalan rusak parah di batutulis"), message(2, "sampah numpuk di sempur")]
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    assert all(r["analyzed_at"] is not None and r["case_id"] for r in stored(ctx))
    assert len(broken.heard) == len(listener.heard) == 2  # the others still hear of each one
