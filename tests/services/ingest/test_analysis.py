from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa

from paseban.context import Context
from paseban.services.ingest import analysis, files
from paseban.storage import tables as t
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
