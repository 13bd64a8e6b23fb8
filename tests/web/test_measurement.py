"""Measurement pages: the public leaderboard /papan and the report in the dashboard."""

from __future__ import annotations

from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.services import auth
from paseban.web.app import create_app
from paseban.web.deps import SESSION_COOKIE
from tests.measurement.test_reports import load_sample


def test_public_board_shows_ranks_without_personal_data(ctx: Context) -> None:
    load_sample(ctx)
    client = TestClient(create_app(ctx, start_jobs=False), base_url="http://localhost")
    page = client.get("/papan")
    assert page.status_code == 200
    assert "Papan responsivitas" in page.text and "Batu Tulis" in page.text
    assert "warga contoh" not in page.text and "[contoh]" not in page.text  # no authors, no texts
    assert "lurah." not in page.text  # no usernames
    anonymous = client.get("/laporan", follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/masuk")
    client.cookies.set(SESSION_COOKIE, auth.open_session(ctx, "operator").token)
    report = client.get("/laporan", params={"kind": "monthly", "period": "2026-10"})
    assert report.status_code == 200 and "1. Ringkasan" in report.text
    xlsx = client.get("/laporan", params={"kind": "weekly", "fmt": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    bad = client.get("/laporan", params={"kind": "weekly", "period": "minggu lalu"})
    assert bad.status_code == 422 and "minggu lalu" in bad.text
