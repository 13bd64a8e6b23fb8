"""`/`: each role lands where its work is; every number on the command centre and on a
kelurahan's home links to a list that shows exactly that many."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.context import Context
from paseban.domain.cases import Actor
from paseban.services.cases import actions, sweep
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser
from tests.web.test_query_counts import counting

# a number that is a link: the figures, the kecamatan table, the OPD table
LINKED = re.compile(
    r'<a href="(/(?:kasus|kotak-masuk)[^"]*)"[^>]*>\s*(?:<span class="figure-label">[^<]*</span>\s*'
    r'<strong class="figure-value">)?([\d.]+)(\+?)<'
)
CASES_TOTAL = re.compile(r"<h1>Daftar kasus <small>([\d.]+)\+? kasus</small>")
MATCHING = re.compile(r"([\d.]+)\+? pesan cocok")  # a narrowed inbox
WAITING = re.compile(r"([\d.]+)\+? menunggu</small>")  # the inbox as it opens


@pytest.fixture
def busy(app_ctx: Context, tmp_path: Path) -> Context:
    """Complaints in two kecamatan, some forwarded, then ten days later: late and escalated."""
    records = [
        message(1, "lampu jalan mati di batutulis, gelap banget"),
        message(2, "sampah numpuk di kel. tegal gundil", account="kelurahan.tegalgundil"),
        message(3, "jalan berlubang dekat prasasti batutulis"),
        message(4, "got mampet di tegal gundil air meluber", account="kelurahan.tegalgundil"),
        message(5, "pohon tumbang menutup jalan di batutulis, darurat"),
        message(6, "mantap min acaranya seru"),
    ]
    files.ingest_file(app_ctx, write_jsonl(tmp_path / "m.jsonl", records))
    with app_ctx.engine.connect() as conn:
        tickets = list(conn.execute(sa.select(t.cases.c.ticket).order_by(t.cases.c.id)).scalars())
    for ticket in tickets[:3]:
        actions.act(app_ctx, ticket, "forward", actor=Actor("operator"))
    assert isinstance(app_ctx.clock, FixedClock)
    app_ctx.clock.advance(timedelta(days=10))
    sweep.sweep(app_ctx)
    files.ingest_file(
        app_ctx,
        write_jsonl(
            tmp_path / "baru.jsonl",
            [message(7, "sampah di pasar bogor numpuk", time="2026-12-07T08:30:00+07:00")],
        ),
    )
    return app_ctx


def numbers(html: str) -> list[tuple[str, int]]:
    return [
        (href.replace("&amp;", "&"), int(n.replace(".", ""))) for href, n, _ in LINKED.findall(html)
    ]


def total(browser: Browser, href: str) -> int:
    page = browser.get(href)
    assert page.status_code == 200, href
    if href.startswith("/kasus"):
        found = CASES_TOTAL.search(page.text)
    else:
        found = MATCHING.search(page.text) or WAITING.search(page.text)
    assert found, href
    return int(found.group(1).replace(".", ""))


def test_each_role_starts_where_its_work_is(busy: Context, login: Callable[[str], Browser]) -> None:
    centre = login("operator").get("/")
    assert centre.status_code == 200 and "<h1>Pusat komando" in centre.text
    assert "<h1>Pusat komando" in login("pimpinan").get("/").text
    own = login("lurah.batutulis").get("/").text
    assert "<h1>Kelurahan Batu Tulis" in own and "Pusat komando" not in own
    assert "<h1>Kecamatan Bogor Selatan" in login("camat.selatan").get("/").text
    opd = login("petugas.dlh").get("/", follow_redirects=False)
    assert opd.status_code == 303 and opd.headers["location"] == "/opd"


def test_every_number_of_the_command_centre_is_its_list(
    busy: Context, login: Callable[[str], Browser]
) -> None:
    operator = login("operator")
    page = operator.get("/").text
    found = numbers(page)
    hrefs = {href for href, _ in found}
    # the case figures, the inbox figures, the map's table and the OPD table are all there
    for wanted in ("/kasus?open=1", "/kasus?since=24h", "/kasus?overdue=1", "/kasus?escalated=1"):
        assert wanted in hrefs, wanted
    assert "/kotak-masuk?state=new&intent=aduan&order=newest" in hrefs
    assert any("kecamatan=32.71.01" in h for h in hrefs) and any("opd=" in h for h in hrefs)
    for href, shown in found:
        assert total(operator, href) == shown, href
    # the scene was not empty: something was late, escalated and new
    figures = dict(found)
    assert figures["/kasus?overdue=1"] > 0 and figures["/kasus?escalated=1"] > 0
    assert figures["/kasus?since=24h"] == 1
    assert "naik" in page or "turun" in page  # the trends speak


def test_a_kelurahan_home_counts_its_own_area(
    busy: Context, login: Callable[[str], Browser]
) -> None:
    lurah = login("lurah.batutulis")
    page = lurah.get("/").text
    found = numbers(page)
    assert {h for h, _ in found} >= {"/kasus?status=received", "/kasus?overdue=1"}
    for href, shown in found:
        assert total(lurah, href) == shown, href
    assert "Peringkat kelurahan Anda" in page and "/peringkat/kelurahan/32.71.01.1001" in page
    assert "Yang tertinggal" in page
    assert "sampah numpuk di kel. tegal gundil" not in page  # another kelurahan's message


def test_the_command_centre_costs_the_same_however_busy(
    busy: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    operator = login("operator")
    operator.get("/")  # the 30-day measurement is computed once, then reused for minutes
    with counting(busy) as before:
        operator.get("/")
    more = [message(100 + i, f"jalan rusak di batutulis rt {i:02d}") for i in range(30)]
    files.ingest_file(busy, write_jsonl(tmp_path / "lagi.jsonl", more))
    with counting(busy) as after:
        operator.get("/")
    assert len(after) == len(before) <= 30
