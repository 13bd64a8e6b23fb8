"""The weekly report e-mail of a province's deployment (issue 17, item 5): the report job writes
the report of every city and each city's own; each city's Diskominfo users and viewers get
their city's, the province role the one of every city (one e-mail, all cities side by side)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from paseban.context import Context
from paseban.services.measurement import reports as report_service
from paseban.services.people import accounts
from paseban.services.reference import store as reference
from tests.services.people.test_notify import ADDRESSES, FakeSMTP, _bcc, mail  # noqa: F401

KAB = "32.01"
KAB_ADDRESSES = {
    "operator.kab": "kominfo@bogorkab.go.id",
    "pimpinan.kab": "bupati@bogorkab.go.id",
    "operator.provinsi": "kominfo@jabarprov.go.id",
}


@pytest.fixture
def province_mail(
    mail: Context,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Context:
    ctx = mail
    reference.load(ctx, KAB)
    accounts.add_user(ctx, "operator.kab", role="diskominfo", kota=KAB)
    accounts.add_user(ctx, "pimpinan.kab", role="viewer", kota=KAB)
    for name, address in KAB_ADDRESSES.items():
        accounts.set_email(ctx, name, address, actor="uji")
    ctx.settings = dataclasses.replace(ctx.settings, reports_dir=str(tmp_path / "laporan"))

    def no_pdf(html: str) -> bytes:  # the PDF is not what this test is about
        raise report_service.ReportError("PDF tidak dibuat dalam uji ini")

    monkeypatch.setattr(report_service, "render_pdf", no_pdf)
    return ctx


def test_each_city_gets_its_own_report_and_the_province_every_city(
    province_mail: Context, tmp_path: Path
) -> None:
    ctx = province_mail
    counts = report_service.write_reports(ctx)
    assert counts == {"written": 6, "present": 0, "without_pdf": 6}  # 2 periods x 3 reports
    folder = tmp_path / "laporan"
    for where in (folder, folder / "32.71", folder / KAB):
        assert (where / "laporan-2026-W47.html").exists(), where
    kab_html = (folder / KAB / "laporan-2026-W47.html").read_text(encoding="utf-8")
    assert "Kabupaten Bogor" in kab_html and "Setiap kota/kabupaten" not in kab_html
    whole = (folder / "laporan-2026-W47.html").read_text(encoding="utf-8")
    assert "Semua kota/kabupaten" in whole and "Setiap kota/kabupaten" in whole

    weekly = {m["Subject"]: m for m in FakeSMTP.sent if "Laporan mingguan" in str(m["Subject"])}
    week = "Minggu 47, 16 November – 22 November 2026"
    assert sorted(weekly) == sorted(
        f"[Paseban] Laporan mingguan {week} — {whose}"
        for whose in ("Kota Bogor", "Kabupaten Bogor", "semua kota/kabupaten")
    )
    kota = weekly[f"[Paseban] Laporan mingguan {week} — Kota Bogor"]
    assert _bcc(kota) == {ADDRESSES["operator"], ADDRESSES["pimpinan"]}
    kab = weekly[f"[Paseban] Laporan mingguan {week} — Kabupaten Bogor"]
    assert _bcc(kab) == {KAB_ADDRESSES["operator.kab"], KAB_ADDRESSES["pimpinan.kab"]}
    assert "aduan warga — Kabupaten Bogor, periode" in kab.get_content()
    every = weekly[f"[Paseban] Laporan mingguan {week} — semua kota/kabupaten"]
    assert _bcc(every) == {KAB_ADDRESSES["operator.provinsi"]}
    assert "https://paseban.kotabogor.go.id/laporan?kota=semua" in every.get_content()
    assert len(FakeSMTP.sent) == 6  # the monthly reports went the same ways


def test_a_one_city_deployment_mails_as_before(mail: Context, tmp_path: Path) -> None:  # noqa: F811
    mail.pm.hook.report_written(ctx=mail, kind="weekly", period="2026-W47", paths=[], city=None)
    [message] = FakeSMTP.sent
    assert _bcc(message) == {ADDRESSES["operator"], ADDRESSES["pimpinan"]}
    assert (
        message["Subject"] == "[Paseban] Laporan mingguan Minggu 47, 16 November – 22 November 2026"
    )
    assert "https://paseban.kotabogor.go.id/laporan\n" in message.get_content()
