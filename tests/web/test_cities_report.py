"""The report per city in a province's deployment (issue 17, item 5), Kota Bogor and Kabupaten
Bogor with one complaint each: a city's Diskominfo reads its own totals and weekly series, the
province with `?kota=semua` reads both and every city's totals side by side."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest

from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.domain.cases import Actor as CaseActor
from paseban.services.cases import actions
from paseban.services.measurement import recording
from tests.factories import KAB
from tests.web.conftest import Browser
from tests.web.test_cities import Province, province  # noqa: F401 (the fixture)

WEEK = {"kind": "weekly", "period": "2026-W48"}  # the week of the fixture's messages


@pytest.fixture
def measured(province: Province, app_ctx: Context) -> Province:  # noqa: F811
    """Kabupaten Bogor's case resolved by its DLH (a resolution and finished stages in the
    roll-ups of Kabupaten Bogor alone), then every roll-up rebuilt as the nightly job does."""
    officer = CaseActor("petugas.dlh.kab", Role.OPD_OFFICER, Scope(opd="DLH_KBG", city=KAB))
    for action in ("start", "resolve"):
        actions.act(app_ctx, int(province.kab["id"]), action, actor=officer, note="beres")  # type: ignore[call-overload]
    recording.rebuild_measurement(app_ctx)
    return province


def _table(browser: Browser, name: str, **params: str) -> list[dict[str, str]]:
    got = browser.get(f"/laporan/unduh/{name}.csv", params={**WEEK, **params})
    assert got.status_code == 200, got.text
    return list(csv.DictReader(io.StringIO(got.text)))


def _figure(rows: list[dict[str, str]], label: str) -> str:
    return next(r["periode ini"] for r in rows if r["ukuran"] == label)


def test_a_city_reads_its_own_totals_and_weekly_series(
    measured: Province,
    login: Callable[[str], Browser],
) -> None:
    for user in ("operator", "operator.kab"):
        browser = login(user)
        summary = _table(browser, "ringkasan")
        assert _figure(summary, "Aduan warga tertangkap") == "1", user
        assert _figure(summary, "Pesan warga dijawab") == "0%", user
        series = _table(browser, "tren")
        assert len(series) == 8 and series[-1]["periode"].startswith("Minggu 48")
        assert [r["aduan warga"] for r in series] == ["0"] * 7 + ["1"], user
        assert series[-1]["pesan perlu jawaban"] == "1"
        # the resolution of Kabupaten Bogor's case counts for Kabupaten Bogor alone
        resolved = "0%" if user == "operator.kab" else "'-"  # "-", kept from formulas in CSV
        assert _figure(summary, "Penyelesaian dikonfirmasi warga") == resolved, user
        no_cities = browser.get("/laporan/unduh/kota.csv", params=WEEK)
        assert no_cities.status_code == 404  # a city's report has no side-by-side table
        page = browser.get("/laporan", params=WEEK)
        assert page.status_code == 200 and "Setiap kota/kabupaten" not in page.text
        # written for whoever leads the city: a kabupaten's report is for its Bupati
        head = "Bupati" if user == "operator.kab" else "Wali Kota"
        assert f"Laporan untuk {head}" in page.text, user
    whole = login("operator.provinsi")
    assert _figure(_table(whole, "ringkasan"), "Aduan warga tertangkap") == "2"
    assert [r["aduan warga"] for r in _table(whole, "tren")][-1] == "2"
    chosen = _table(whole, "ringkasan", kota=KAB)
    assert _figure(chosen, "Aduan warga tertangkap") == "1"


def test_the_province_reads_every_city_side_by_side(
    measured: Province,
    login: Callable[[str], Browser],
) -> None:
    browser = login("operator.provinsi")
    rows = _table(browser, "kota", kota="semua")
    assert [(r["kode"], r["kota/kabupaten"], r["aduan warga"]) for r in rows] == [
        ("32.71", "Kota Bogor", "1"),
        (KAB, "Kabupaten Bogor", "1"),
    ]
    page = browser.get("/laporan", params={**WEEK, "kota": "semua"})
    assert page.status_code == 200
    assert "Setiap kota/kabupaten" in page.text and "Kabupaten Bogor" in page.text
    assert "Laporan untuk pimpinan daerah" in page.text  # every city: no one city's head
    one = browser.get("/laporan", params={**WEEK, "kota": KAB})
    assert "Setiap kota/kabupaten" not in one.text
    assert browser.get("/laporan/unduh/kota.csv", params={**WEEK, "kota": KAB}).status_code == 404


def test_a_citys_report_lists_its_own_admins_and_every_city_names_theirs(
    measured: Province,
    app_ctx: Context,
    login: Callable[[str], Browser],
) -> None:
    # an officer of each city did something in the week: Kabupaten Bogor's resolved its case
    # (the fixture), Kota Bogor's starts work on its own
    officer = CaseActor("petugas.dlh", Role.OPD_OFFICER, Scope(opd="DLH", city="32.71"))
    actions.act(app_ctx, int(measured.kota["id"]), "start", actor=officer, note="dikerjakan")  # type: ignore[call-overload]
    recording.rebuild_measurement(app_ctx)
    for user, own in (("operator", "petugas.dlh"), ("operator.kab", "petugas.dlh.kab")):
        browser = login(user)
        admins = _table(browser, "sosok-ideal-admin")
        assert [r["pengguna"] for r in admins] == [own], user
        assert "kota/kabupaten" not in admins[0]  # one city: no column naming it
        page = browser.get("/laporan", params=WEEK)
        assert "kota/kabupaten</th>" not in page.text
    whole = login("operator.provinsi")
    every = _table(whole, "sosok-ideal-admin", kota="semua")
    assert sorted((r["pengguna"], r["kota/kabupaten"]) for r in every) == [
        ("petugas.dlh", "Kota Bogor"),
        ("petugas.dlh.kab", "Kabupaten Bogor"),
    ]
    page = whole.get("/laporan", params={**WEEK, "kota": "semua"})
    assert "<th>kota/kabupaten</th>" in page.text
    chosen = _table(whole, "sosok-ideal-admin", kota=KAB)
    assert [r["pengguna"] for r in chosen] == ["petugas.dlh.kab"]
    ideal = whole.get("/sosok-ideal", params={**WEEK, "kota": "semua"})
    assert ideal.status_code == 200
    assert '<td data-label="Kota/&#8203;Kabupaten">Kabupaten Bogor</td>' in ideal.text
