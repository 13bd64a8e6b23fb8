from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from paseban.context import Context
from paseban.domain.cases import Actor
from paseban.services.cases import actions
from paseban.services.cases.reads import Place
from paseban.services.ingest import files
from paseban.storage import tables as t
from paseban.web.cases.maps import colour, project
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser


def _place(code: str, lat: float, lon: float, total: int, kec: str = "A", **kw: int) -> Place:
    return Place(code, code, kec, lat, lon, total, kw.get("open", 0), kw.get("urgent", 0))


def test_projection_fits_the_canvas_and_sizes_by_count() -> None:
    places = [
        _place("w", -6.60, 106.75, 0),
        _place("e", -6.60, 106.85, 10, kec="B"),
        _place("s", -6.65, 106.80, 40, kec="B"),
    ]
    dots, labels, height = project(places, width=800, pad=20)
    by = {d.place.code: d for d in dots}
    assert by["w"].x == 20 and by["e"].x == 780  # west left, east right
    assert by["w"].y == 20 and by["s"].y == height - 20  # north up
    assert by["w"].r < by["e"].r < by["s"].r
    assert [label.text for label in labels] == ["A", "B"]
    assert project([], width=800)[2] == 200.0
    assert colour(_place("x", 0, 0, 3, open=1, urgent=1)) == "#b91c1c"
    assert colour(_place("x", 0, 0, 3)) == "#0f766e"


def _ingest(ctx: Context, tmp_path: Path) -> None:
    records = [
        message(1, "lampu jalan mati di batutulis, gelap banget"),
        message(2, "sampah numpuk di kel. tegal gundil", account="kelurahan.tegalgundil"),
        message(3, "jalan berlubang parah di empang", time="2026-10-01T08:00:00+07:00"),
        message(4, "jalan rusak di tegal gundil bolong besar", account="kelurahan.tegalgundil"),
    ]
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))


def test_map_page_counts_cases_in_scope(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    _ingest(app_ctx, tmp_path)
    city = login("operator").get("/peta?period=semua")
    assert city.status_code == 200 and "<svg" in city.text
    assert city.text.count("<circle") == 68
    assert 'aria-label="Batu Tulis: 1 kasus, 1 terbuka"' in city.text
    assert 'aria-label="Empang: 1 kasus' in city.text
    # the last 30 days leave out the October case; a topic narrows further
    recent = login("operator").get("/peta?period=30").text
    assert 'aria-label="Empang: 0 kasus' in recent
    roads = login("operator").get("/peta?period=semua&topic=jalan").text
    assert 'aria-label="Batu Tulis: 0 kasus' in roads and 'aria-label="Empang: 1 kasus' in roads
    lurah = login("lurah.batutulis").get("/peta?period=semua").text
    assert lurah.count("<circle") == 1 and "Tegal Gundil" not in lurah
    assert login("operator").get("/peta?period=2").status_code == 422


def test_opd_queue(app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path) -> None:
    _ingest(app_ctx, tmp_path)
    overview = login("operator").get("/opd")
    assert overview.status_code == 200 and 'href="/opd?opd=DPUPR"' in overview.text
    queue = login("operator").get("/opd?opd=DPUPR").text
    with app_ctx.engine.connect() as conn:
        tickets = dict(
            conn.execute(
                sa.select(t.cases.c.kelurahan, t.cases.c.ticket).where(t.cases.c.opd == "DPUPR")
            ).all()
        )
    assert tickets["32.71.01.1003"] not in queue  # routed, but not forwarded yet
    waiting = login("operator").get("/opd?opd=DPUPR&stage=belum").text
    assert tickets["32.71.01.1003"] in waiting and tickets["32.71.05.1002"] in waiting
    for ticket in tickets.values():
        actions.act(app_ctx, ticket, "forward", actor=Actor("operator"))
    queue = login("operator").get("/opd?opd=DPUPR").text
    # the same deadline: the longest open first
    assert queue.index(tickets["32.71.01.1003"]) < queue.index(tickets["32.71.05.1002"])
    # the earliest deadline first, and overdue cases stand out
    with app_ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.cases)
            .where(t.cases.c.ticket == tickets["32.71.05.1002"])
            .values(due_at=app_ctx.now() - timedelta(hours=2))
        )
    queue = login("operator").get("/opd?opd=DPUPR").text
    assert queue.index(tickets["32.71.05.1002"]) < queue.index(tickets["32.71.01.1003"])
    assert "lewat tenggat" in queue and "lewat 2 jam" in queue
    late = login("operator").get("/opd?opd=DPUPR&overdue=1").text
    assert tickets["32.71.05.1002"] in late and tickets["32.71.01.1003"] not in late
    officer = login("petugas.dlh")
    own = officer.get("/opd")
    assert own.status_code == 200 and "Antrean Dinas Lingkungan Hidup" in own.text
    assert officer.get("/opd?opd=DPUPR").status_code == 403
    assert login("petugas.dlh").get("/", follow_redirects=False).headers["location"] == "/opd"
