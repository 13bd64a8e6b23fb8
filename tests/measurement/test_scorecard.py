"""A unit's scorecard: every KPI beside the period before, in words, with what it is made of."""

from __future__ import annotations

from datetime import date

from paseban.measurement import scorecard
from paseban.measurement.kpis import (
    EMPTY,
    Engagement,
    FirstResponse,
    Growth,
    Ratio,
    UnitKpis,
)
from paseban.measurement.periods import week_of

WEEK = week_of(date(2026, 11, 16))
BEFORE = WEEK.previous()


def kpis(**changes: object) -> UnitKpis:
    base: dict[str, object] = {
        "code": "32.71.01.1001",
        "name": "Batu Tulis",
        "kind": "kelurahan",
        "period": WEEK,
    }
    return UnitKpis(**{**base, **changes})  # type: ignore[arg-type]


def by_label(lines: list[scorecard.Line]) -> dict[str, scorecard.Line]:
    return {line.label: line for line in lines}


def test_every_kpi_beside_the_period_before_with_its_parts() -> None:
    now = kpis(
        growth=Growth(1000, 1042),
        posts=7,
        consistency=Ratio(1, 1),
        engagement=Engagement(90, 1800, 3000, 6),
        program=Ratio(2, 7),
        complaints=6,
        response=Ratio(6, 8),
        unanswered_complaints=2,
        first=FirstResponse(6, 2100, 7200, 1800, 5400, Ratio(5, 8)),
        sla={"verify": Ratio(3, 3), "follow_up": Ratio(0, 1)},
        confirmed=Ratio(1, 3),
        reopened=Ratio(1, 3),
        field_visits=2,
        days_since_post=4,
    )
    before = kpis(
        period=BEFORE,
        growth=Growth(990, 1000),
        posts=9,
        response=Ratio(3, 6),
        unanswered_complaints=4,
        first=FirstResponse(3, 3600, 7200, 3600, 7200, Ratio(3, 6)),
        reopened=Ratio(0, 2),
    )
    got = by_label(scorecard.lines(now, before))
    assert got["Pengikut di akhir periode"].now == "1.042"
    assert got["Pengikut di akhir periode"].detail == "awal periode 1.000"
    growth = got["Pertumbuhan pengikut"]
    assert (growth.now, growth.before, growth.detail, growth.better) == (
        "+42",
        "+10",
        "+4,2%",
        True,
    )
    posts = got["Unggahan"]
    assert (posts.now, posts.before, posts.detail, posts.better) == (
        "7",
        "9",
        "7,0 per minggu",
        False,
    )
    er = got["Interaksi per jangkauan"]  # 90 / 1800 = 5 %
    assert (er.now, er.before, er.better) == ("5,0%", "-", None)  # nothing to compare with
    answered = got["Pesan warga dijawab"]
    assert (answered.now, answered.before, answered.detail) == ("75%", "50%", "6 dari 8 pesan")
    assert answered.better is True
    assert got["Aduan belum dijawab"].better is True  # 2 instead of 4: fewer is better
    median = got["Median respons pertama (jam kerja)"]
    assert (median.now, median.before, median.better) == ("30 menit", "60 menit", True)
    assert median.detail == "p90 1,5 jam; 6 jawaban"
    assert got["Tahap verifikasi sesuai SLA"].detail == "3 dari 3 tahap"
    assert got["Tahap konfirmasi warga sesuai SLA"].now == "-"  # no stage judged
    assert got["Semua tahap sesuai SLA"].detail == "3 dari 4 tahap"
    reopened = got["Dibuka ulang"]  # 1/3 against 0/2: more reopened is worse
    assert (reopened.now, reopened.before, reopened.better) == ("33%", "0%", False)
    assert got["Kunjungan lapangan"].detail == "2,0 per minggu"
    assert got["Hari sejak unggahan terakhir"].now == "4"
    assert [s for s in scorecard.SECTIONS if any(x.section == s for x in got.values())] == list(
        scorecard.SECTIONS
    )


def test_no_data_reads_as_empty_not_as_zero() -> None:
    got = by_label(scorecard.lines(kpis(), kpis(period=BEFORE)))
    assert (
        got["Pesan warga dijawab"].now == "-" and got["Pesan warga dijawab"].detail == "belum ada"
    )
    assert got["Pengikut di akhir periode"].now == "-"
    assert got["Median respons pertama (jam kerja)"].now == "-"
    assert got["Hari sejak unggahan terakhir"].detail == "belum pernah mengunggah"
    assert all(line.better is None for line in got.values())


def test_an_account_has_no_cases_or_field_visits_and_one_table_row() -> None:
    k = kpis(kind="account", growth=Growth(10, 12), posts=3, response=Ratio(1, 2))
    sections = {line.section for line in scorecard.lines(k, kpis(period=BEFORE), account=True)}
    assert sections == {"Audiens dan konten", "Jawaban ke warga"}
    row = scorecard.account_cells("instagram:kelurahan.batutulis", k)
    assert len(row) == len(scorecard.ACCOUNT_HEADERS)
    assert row[:4] == ("instagram:kelurahan.batutulis", "12", "+2", "3")
    assert row[5] == "50% (1 dari 2 pesan)"
    assert scorecard.account_cells("x:a", kpis(response=EMPTY))[5] == "-"


def test_the_scorecard_as_a_csv_table() -> None:
    lines = scorecard.lines(kpis(posts=2), kpis(period=BEFORE))
    table = scorecard.as_table("KPI Batu Tulis", lines)
    assert table.headers[:3] == ("bagian", "ukuran", "periode ini")
    assert len(table.rows) == len(lines)
    assert ("Audiens dan konten", "Unggahan", "2", "0", "2,0 per minggu") in table.rows
