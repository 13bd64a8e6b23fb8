"""Measurement pages: the public leaderboard, and in the dashboard the leaderboards, sosok ideal,
who needs a push, the report and its exports, field visits from a phone, before/after photos and
early-warning alerts, each under the dashboard's roles, areas and CSRF rules."""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from paseban.context import Context
from paseban.measurement import periods
from paseban.services.measurement import fieldwork
from paseban.services.measurement import recording as service
from paseban.services.measurement import reports as report_service
from paseban.services.people import auth
from paseban.storage import tables as t
from paseban.web.app import create_app
from paseban.web.deps import SESSION_COOKIE
from tests.measurement import builders as b
from tests.web.conftest import Browser
from tests.web.test_query_counts import counting

KEL, KEC, OTHER = "32.71.01.1001", "32.71.01", "32.71.05.1002"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


@pytest.fixture
def media(app_ctx: Context, tmp_path: Path) -> Context:
    app_ctx.settings = dataclasses.replace(app_ctx.settings, media_dir=str(tmp_path / "media"))
    return app_ctx


def _case(ctx: Context, *, kelurahan: str, kecamatan: str, opd: str, status: str) -> str:
    with ctx.engine.begin() as conn:
        case_id = b.case(
            conn,
            opened_at=ctx.now(),
            kelurahan=kelurahan,
            kecamatan=kecamatan,
            opd=opd,
            status=status,
        )
        return str(
            conn.execute(sa.select(t.cases.c.ticket).where(t.cases.c.id == case_id)).scalar()
        )


@pytest.mark.sample_data
def test_public_board_shows_ranks_without_personal_data(ctx: Context) -> None:
    client = TestClient(create_app(ctx, start_jobs=False), base_url="http://localhost")
    page = client.get("/papan")
    assert page.status_code == 200
    assert "Papan responsivitas" in page.text and "Batu Tulis" in page.text
    assert "warga contoh" not in page.text and "[contoh]" not in page.text  # no authors, no texts
    assert "lurah." not in page.text  # no usernames
    assert "Kota Bogor" in page.text and "Cara menghitung" in page.text  # weights published
    assert 'href="/lacak"' in page.text and 'href="/papan"' in client.get("/lacak").text
    assert page.headers["cache-control"] == "public, max-age=300"
    # computed once for a crowd: a second reader within 5 minutes costs no measuring
    with counting(ctx) as statements:
        assert client.get("/papan").status_code == 200
    assert len(statements) <= 3, statements
    anonymous = client.get("/laporan", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/masuk")
    client.cookies.set(SESSION_COOKIE, auth.open_session(ctx, "operator").token)
    report = client.get("/laporan", params={"kind": "monthly", "period": "2026-10"})
    assert report.status_code == 200 and "1. Ringkasan" in report.text
    assert "<style" not in report.text  # the page lives under the CSP: styles from a file
    query = {"kind": "monthly", "period": "2026-10"}
    xlsx = client.get("/laporan/unduh/laporan.xlsx", params=query)
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    assert "perlu-didorong" in load_workbook(io.BytesIO(xlsx.content)).sheetnames
    table = client.get("/laporan/unduh/responsivitas-kelurahan.csv", params=query)
    rows = list(csv.reader(io.StringIO(table.text)))
    assert table.status_code == 200 and rows[0][0] == "peringkat" and len(rows) == 69
    assert (
        'filename="laporan-2026-10-responsivitas-kelurahan.csv"'
        in table.headers["content-disposition"]
    )
    assert client.get("/laporan/unduh/rahasia.csv", params=query).status_code == 404
    bad = client.get("/laporan", params={"kind": "weekly", "period": "minggu lalu"})
    assert bad.status_code == 422 and "minggu lalu" in bad.text
    for url in ("/peringkat", "/sosok-ideal", "/perlu-didorong"):
        shown = client.get(url, params={"kind": "monthly", "period": "2026-10"})
        assert shown.status_code == 200, url
    ideal = client.get("/sosok-ideal", params={"kind": "monthly", "period": "2026-10"}).text
    assert "Unit teladan" in ideal and "(contoh)" in ideal  # sample admins by name
    board = client.get("/peringkat", params={"kind": "monthly", "period": "2026-10"}).text
    assert "Indeks responsivitas — Kelurahan" in board and "Bobot indeks" in board


def test_pages_need_a_sign_in_and_the_right_role(
    app_ctx: Context, anon: TestClient, login: Callable[[str], Browser]
) -> None:
    for page in (
        "/peringkat",
        "/sosok-ideal",
        "/perlu-didorong",
        "/laporan",
        "/kunjungan",
        "/peringatan",
    ):
        response = anon.get(page, follow_redirects=False)
        assert response.status_code == 303 and "/masuk" in response.headers["location"], page
    # the report to the Wali Kota: Diskominfo and leadership, not the admins or the OPDs
    assert login("pimpinan").get("/laporan").status_code == 200
    assert login("lurah.batutulis").get("/laporan").status_code == 403
    assert login("petugas.dlh").get("/laporan/unduh/laporan.xlsx").status_code == 403
    lurah = login("lurah.batutulis")
    assert lurah.get("/peringkat").status_code == 200
    assert 'href="/laporan"' not in lurah.get("/peringkat").text  # no link it cannot follow
    # the menu shows the measurement pages to staff
    assert 'href="/peringkat"' in lurah.get("/kunjungan").text


def test_the_lagging_list_shows_an_admin_only_their_own_units(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    with app_ctx.engine.begin() as conn:
        account = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.batutulis")
        ).scalar_one()
        other = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.tegalgundil")
        ).scalar_one()
        for i in range(4):  # complaints nobody answered, in both kelurahan
            for acc in (account, other):
                b.message(conn, acc, app_ctx.now() - timedelta(days=2, hours=i), "aduan")
    service.rebuild_measurement(app_ctx)
    mine = login("lurah.batutulis").get("/perlu-didorong").text
    assert "4 aduan belum dijawab" in mine and "Batu Tulis" in mine
    assert "Tegal Gundil" not in mine
    city = login("operator").get("/perlu-didorong").text
    assert "Batu Tulis" in city and "Tegal Gundil" in city


def test_log_a_field_visit_from_a_phone(media: Context, login: Callable[[str], Browser]) -> None:
    ctx = media
    lurah = login("lurah.batutulis")
    page = lurah.get("/kunjungan")
    form = page.text
    assert "lapangan.js" in form and 'enctype="multipart/form-data"' in form
    # this form reads the phone's location; every other page keeps it off
    assert "geolocation=(self)" in page.headers["permissions-policy"]
    assert "geolocation=()" in lurah.get("/peringkat").headers["permissions-policy"]
    assert "<script>" not in form  # the location script is a file (CSP)
    data: dict[str, object] = {
        "purpose": "periksa gorong-gorong gang mawar",
        "visited_at": "2026-11-27T08:30",
        "lat": "-6.62160",
        "lon": "106.80870",
        "accuracy": "12",
    }
    photo = {"photo": ("saluran.jpg", JPEG, "image/jpeg")}
    # no CSRF token: refused, nothing stored
    refused = lurah.client.post("/kunjungan", data=data, files=photo, follow_redirects=False)
    assert refused.status_code == 403
    saved = lurah.post("/kunjungan", data, files=photo)
    assert saved.status_code == 303 and saved.headers["location"] == "/kunjungan?ok=created"
    with ctx.engine.connect() as conn:
        visit = conn.execute(sa.select(t.field_visits)).mappings().one()
    assert (visit["officer"], visit["unit_code"], visit["lat"], visit["accuracy_m"]) == (
        "lurah.batutulis",
        KEL,
        -6.6216,
        12.0,
    )
    assert visit["visited_at"].hour == 1 and visit["visited_at"].minute == 30  # 08:30 WIB
    listed = lurah.get("/kunjungan").text
    assert "periksa gorong-gorong gang mawar" in listed and f"/foto/{visit['photo']}" in listed
    assert lurah.get(f"/foto/{visit['photo']}").content == JPEG
    # another kelurahan neither sees the visit nor its photo
    other = login("lurah.tegalgundil")
    assert "gang mawar" not in other.get("/kunjungan").text
    assert other.get(f"/foto/{visit['photo']}").status_code == 404
    assert login("camat.selatan").get(f"/foto/{visit['photo']}").status_code == 200
    # a kelurahan or a case outside one's area, leadership, bad input: refused
    assert lurah.post("/kunjungan", {**data, "kelurahan": OTHER}).status_code == 403
    ticket = _case(ctx, kelurahan=OTHER, kecamatan="32.71.05", opd="DLH", status="forwarded")
    assert lurah.post("/kunjungan", {**data, "ticket": ticket}).status_code == 403
    assert login("pimpinan").post("/kunjungan", data).status_code == 403
    assert lurah.post("/kunjungan", {**data, "lat": "north"}).status_code == 422
    gif = {"photo": ("x.gif", b"GIF89a" + b"\x00" * 20, "image/gif")}
    assert lurah.post("/kunjungan", data, files=gif).status_code == 422
    # Diskominfo names the unit; an OPD officer logs for the OPD, about its own case
    assert login("operator").post("/kunjungan", data).status_code == 422
    assert login("operator").post("/kunjungan", {**data, "unit": "DLH"}).status_code == 303
    dlh = login("petugas.dlh")
    assert dlh.post("/kunjungan", {**data, "ticket": ticket, "purpose": ""}).status_code == 303
    with ctx.engine.connect() as conn:
        units = conn.execute(
            sa.select(t.field_visits.c.unit_code).order_by(t.field_visits.c.id)
        ).scalars()
        assert list(units) == [KEL, "DLH", "DLH"]


def test_before_and_after_photos_of_a_resolved_case(
    media: Context, login: Callable[[str], Browser]
) -> None:
    ctx = media
    resolved = _case(ctx, kelurahan=KEL, kecamatan=KEC, opd="DPUPR", status="resolved")
    running = _case(ctx, kelurahan=KEL, kecamatan=KEC, opd="DPUPR", status="in_progress")
    lurah = login("lurah.batutulis")
    assert "Foto sebelum" in lurah.get(f"/kasus/{resolved}/foto").text
    files = {
        "before": ("sebelum.jpg", JPEG, "image/jpeg"),
        "after": ("sesudah.png", PNG, "image/png"),
    }
    assert lurah.post(f"/kasus/{running}/foto", files=files).status_code == 409
    assert login("lurah.tegalgundil").get(f"/kasus/{resolved}/foto").status_code == 403
    assert (
        login("lurah.tegalgundil").post(f"/kasus/{resolved}/foto", files=files).status_code == 403
    )
    no_csrf = lurah.client.post(f"/kasus/{resolved}/foto", files=files, follow_redirects=False)
    assert no_csrf.status_code == 403
    saved = lurah.post(f"/kasus/{resolved}/foto", files=files)
    assert saved.status_code == 303
    page = lurah.get(f"/kasus/{resolved}/foto").text
    assert page.count('<img class="photo"') == 2
    names = [part.split('"')[0] for part in page.split('src="/foto/')[1:]]
    assert lurah.get(f"/foto/{names[1]}").content == PNG
    assert login("petugas.pupr").get(f"/foto/{names[0]}").status_code == 200
    assert login("petugas.dlh").get(f"/foto/{names[0]}").status_code == 404
    assert lurah.post(f"/kasus/{resolved}/foto", files=files).status_code == 409
    assert "Foto sebelum/sesudah" in lurah.get(f"/kasus/{resolved}").text


def test_alerts_are_seen_and_acknowledged_by_diskominfo_and_the_opd(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    ctx = app_ctx
    now = ctx.now()
    with ctx.engine.begin() as conn:
        account = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.batutulis")
        ).scalar_one()
        for i in range(6):
            b.message(
                conn,
                account,
                now - timedelta(minutes=20 * i),
                "aduan",
                topic="sampah",
                kelurahan=KEL,
                kecamatan=KEC,
                text=f"sampah menumpuk di gang {i}",
            )
    assert service.detect_spikes(ctx)["raised"] == 1
    with ctx.engine.connect() as conn:
        alert = conn.execute(sa.select(t.alerts)).mappings().one()
    assert alert["opd"] == "DLH"
    dlh, pupr, lurah = login("petugas.dlh"), login("petugas.pupr"), login("lurah.batutulis")
    badge = 'Peringatan dini <span class="badge"'
    # the menu of every page carries the count for the people the alert concerns
    assert badge in dlh.get("/kasus").text and badge in lurah.get("/kotak-masuk").text
    assert badge not in pupr.get("/kasus").text
    page = dlh.get("/peringatan").text
    assert "Sampah" in page and "6 aduan" in page and "sampah menumpuk di gang 0" in page
    assert "biasanya 0,05 aduan; peluang kebetulan kurang dari 1 banding sejuta" in page
    assert "Tanggapi" in page
    assert "Tanggapi" not in lurah.get("/peringatan").text  # sees it, does not answer for it
    assert "6 aduan" not in pupr.get("/peringatan").text
    assert "6 aduan" not in login("lurah.tegalgundil").get("/peringatan").text
    url = f"/peringatan/{alert['id']}/tanggapi"
    assert login("pimpinan").post(url).status_code == 403  # read only
    assert lurah.post(url).status_code == 403
    assert pupr.post(url).status_code == 404  # not its alert
    assert dlh.client.post(url, follow_redirects=False).status_code == 403  # no CSRF token
    done = dlh.post(url)
    assert done.status_code == 303 and done.headers["location"] == "/peringatan?ok=acknowledged"
    assert badge not in dlh.get("/kasus").text  # answered: no longer waiting
    assert "Ditanggapi" in login("operator").get("/peringatan?status=acknowledged").text
    assert login("operator").post(url).status_code == 409
    with ctx.engine.connect() as conn:
        actions = conn.execute(
            sa.select(t.audit_events.c.action).where(t.audit_events.c.actor == "petugas.dlh")
        ).scalars()
        assert "alert.acknowledge" in list(actions)


def test_visits_and_alerts_pages_do_not_grow_with_their_rows(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    ctx = app_ctx
    operator = login("operator")
    with ctx.engine.begin() as conn:
        account = conn.execute(sa.select(t.accounts.c.id).limit(1)).scalar_one()

    def add(n: int, start: int) -> None:
        with ctx.engine.begin() as conn:
            for i in range(start, start + n):
                mid = b.message(conn, account, ctx.now() - timedelta(hours=1), "aduan")
                conn.execute(
                    sa.insert(t.alerts).values(
                        topic="sampah",
                        level="kelurahan",
                        area=KEL,
                        opd="DLH",
                        count=5,
                        expected=0.1,
                        p_value=0.0001,
                        message_ids=[mid],
                        window_start=ctx.now(),
                        window_end=ctx.now(),
                        status="open",
                        raised_at=ctx.now(),
                        updated_at=ctx.now(),
                        is_sample=False,
                    )
                )
                fieldwork.record_visit(
                    conn,
                    ctx,
                    officer="operator",
                    unit_code=KEL,
                    visited_at=ctx.now(),
                    purpose=f"v{i}",
                )

    def queries(page: str) -> int:
        operator.get("/kasus")
        with counting(ctx) as statements:
            assert operator.get(page).status_code == 200
        return len(statements)

    add(2, 0)
    small = {page: queries(page) for page in ("/kunjungan", "/peringatan")}
    add(20, 2)
    large = {page: queries(page) for page in ("/kunjungan", "/peringatan")}
    assert small == large and all(n <= 8 for n in small.values()), (small, large)
    # p = 0.0001 in words a reader can weigh
    assert "peluang kebetulan sekitar 1 banding 10.000" in operator.get("/peringatan").text


@pytest.mark.sample_data
def test_a_units_scorecard_matches_its_leaderboard_row_and_exports(ctx: Context) -> None:
    client = TestClient(create_app(ctx, start_jobs=False), base_url="http://localhost")
    anonymous = client.get(f"/peringkat/kelurahan/{KEL}", follow_redirects=False)
    assert anonymous.status_code == 303  # staff only; the public has /papan
    client.cookies.set(SESSION_COOKIE, auth.open_session(ctx, "pimpinan").token)
    query = {"kind": "monthly", "period": "2026-10"}
    board = client.get("/peringkat", params=query).text
    assert f'href="/peringkat/kelurahan/{KEL}?kind=monthly&amp;period=2026-10"' in board
    ideal = client.get("/sosok-ideal", params=query).text
    assert 'href="/peringkat/kelurahan/' in ideal and 'href="/peringkat/kecamatan/' in ideal
    page = client.get(f"/peringkat/kelurahan/{KEL}", params=query)
    assert page.status_code == 200
    text = page.text
    assert "Batu Tulis" in text and "Oktober 2026" in text
    # the same rank and the same figures as the leaderboard and the KPIs behind it
    period = periods.parse("monthly", "2026-10", today=ctx.now().date())
    ranked, measured = report_service.standings(ctx, period)
    [row] = [
        r
        for b_ in ranked.boards
        if (b_.index, b_.group) == ("responsiveness", "kelurahan")
        for r in b_.rows
        if r.code == KEL
    ]
    if row.rank is not None:
        assert f"<strong>#{row.rank}</strong> dari {row.of} kelurahan" in text
    kpis = measured.kpis["kelurahan", KEL]
    answered = f"{kpis.response.num:g} dari {kpis.response.den:g} pesan"
    assert answered in text
    assert "Tahap tindak lanjut OPD sesuai SLA" in text and "Kunjungan lapangan" in text
    assert "Instagram @kelurahan.batutulis" in text  # its account, on its own row, in words
    # CSV of both tables
    csv_kpi = client.get(f"/peringkat/kelurahan/{KEL}/unduh/kpi.csv", params=query)
    rows = list(csv.reader(io.StringIO(csv_kpi.text)))
    assert csv_kpi.status_code == 200 and rows[0][:2] == ["bagian", "ukuran"]
    assert rows[11][:2] == ["Jawaban ke warga", "Pesan warga dijawab"] and answered in rows[11][4]
    assert f'filename="kpi-kelurahan-{KEL}-2026-10.csv"' in csv_kpi.headers["content-disposition"]
    accounts = list(
        csv.reader(
            io.StringIO(client.get(f"/peringkat/kelurahan/{KEL}/unduh/akun.csv", params=query).text)
        )
    )
    assert accounts[0][0] == "akun" and accounts[1][0] == "instagram:kelurahan.batutulis"
    # an OPD, a kecamatan and the city have their page too; the city lists every account
    assert client.get("/peringkat/opd/DLH", params=query).status_code == 200
    assert "Kecamatan" in client.get(f"/peringkat/kecamatan/{KEC}", params=query).text
    city = client.get("/peringkat/city/32.71", params=query).text
    assert "Akun resmi <small>84</small>" in city
    # what does not exist
    assert client.get("/peringkat/kelurahan/99.99.99.9999").status_code == 404
    assert client.get("/peringkat/desa/32.71.01.1001").status_code == 404
    assert client.get(f"/peringkat/kelurahan/{KEL}/unduh/rahasia.csv").status_code == 404
    bad = client.get(f"/peringkat/kelurahan/{KEL}", params={"kind": "monthly", "period": "x"})
    assert bad.status_code == 422


@pytest.mark.sample_data
def test_the_measurement_api_gives_the_same_figures_as_numbers(ctx: Context) -> None:
    token = auth.create_token(
        ctx, "layar-command-center", scopes=["cases:read"], role="viewer", actor="uji"
    )
    client = TestClient(create_app(ctx, start_jobs=False), base_url="http://localhost")
    assert client.get("/api/v1/measurement/leaderboards").status_code == 401
    bearer = {"Authorization": f"Bearer {token}"}
    query = {"kind": "monthly", "period": "2026-10"}
    boards = client.get("/api/v1/measurement/leaderboards", params=query, headers=bearer)
    assert boards.status_code == 200
    body = boards.json()
    assert body["period"]["key"] == "2026-10" and body["period"]["start"] == "2026-10-01"
    assert sum(w["weight"] for w in body["weights"]["responsiveness"]) == pytest.approx(1)
    board = next(
        b for b in body["boards"] if (b["index"], b["group"]) == ("responsiveness", "kelurahan")
    )
    assert len(board["rows"]) == 68
    ranked = [r for r in board["rows"] if r["rank"] is not None]
    assert ranked and all(r["volume"]["enough"] for r in ranked)
    assert set(ranked[0]["components"]) <= {w["key"] for w in body["weights"]["responsiveness"]}
    # one unit: the same numbers as the service's, nulls where there is no data
    unit = client.get(f"/api/v1/measurement/units/kelurahan/{KEL}", params=query, headers=bearer)
    assert unit.status_code == 200
    got = unit.json()
    period = periods.parse("monthly", "2026-10", today=ctx.now().date())
    _, measured = report_service.standings(ctx, period)
    kpis = measured.kpis["kelurahan", KEL]
    assert got["unit"] == {"group": "kelurahan", "code": KEL, "name": "Batu Tulis"}
    assert got["kpis"]["answered"] == {
        "num": kpis.response.num,
        "den": kpis.response.den,
        "pct": kpis.response.pct,
    }
    assert got["kpis"]["first_response"]["median_business_seconds"] == (
        kpis.first.median_business_seconds
    )
    assert got["standing"]["responsiveness"]["code"] == KEL
    [account] = got["accounts"]
    assert account["handle"] == "kelurahan.batutulis" and account["kpis"]["kind"] == "account"
    assert account["kpis"]["sla"] == {} and account["kpis"]["field_visits"] == 0
    # errors come as JSON with a status that says what went wrong
    missing = client.get("/api/v1/measurement/units/kelurahan/99.99", headers=bearer)
    assert missing.status_code == 404 and "tidak ada" in missing.json()["detail"]
    bad = client.get(
        "/api/v1/measurement/leaderboards",
        params={"kind": "monthly", "period": "2026-13"},
        headers=bearer,
    )
    assert bad.status_code == 422 and bad.json()["detail"]


@pytest.mark.sample_data
def test_the_written_reports_are_listed_and_downloaded_from_the_dashboard(
    ctx: Context, tmp_path: Path
) -> None:
    ctx.settings = dataclasses.replace(ctx.settings, reports_dir=str(tmp_path / "laporan"))
    (tmp_path / "rahasia.txt").write_text("jangan")
    report_service.write_reports(ctx)
    client = TestClient(create_app(ctx, start_jobs=False), base_url="http://localhost")
    client.cookies.set(SESSION_COOKIE, auth.open_session(ctx, "pimpinan").token)
    page = client.get("/laporan").text
    assert "Arsip laporan yang sudah ditulis otomatis (2)" in page
    assert 'href="/laporan/arsip/laporan-2026-W47.pdf"' in page
    pdf = client.get("/laporan/arsip/laporan-2026-W47.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-disposition"] == 'attachment; filename="laporan-2026-W47.pdf"'
    for name in ("laporan-2026-09.pdf", "rahasia.txt", "..%2Frahasia.txt", "laporan-2026-W47.db"):
        assert client.get(f"/laporan/arsip/{name}").status_code == 404, name
    client.cookies.set(SESSION_COOKIE, auth.open_session(ctx, "lurah.batutulis").token)
    assert client.get("/laporan/arsip/laporan-2026-W47.pdf").status_code == 403
