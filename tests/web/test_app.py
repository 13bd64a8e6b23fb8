from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.services.ingest import files
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser


def test_healthz_is_public(anon: TestClient) -> None:
    response = anon.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_cases_as_json_and_html(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    files.ingest_file(
        app_ctx,
        write_jsonl(
            tmp_path / "m.jsonl",
            [
                message(1, "sampah numpuk di kel. tegal gundil <script>alert(1)</script>"),
                message(2, "lampu jalan mati di batutulis, gelap"),
            ],
        ),
    )
    op = login("operator")
    data = op.get("/api/v1/cases").json()
    assert data["total"] == 2
    first = {c["topic"]: c for c in data["items"]}
    assert first["sampah"]["opd"] == "DLH" and first["sampah"]["status_label"] == "Diterima"
    assert first["pju"]["kelurahan_name"] == "Batu Tulis"
    assert op.get("/api/v1/cases", params={"opd": "DLH"}).json()["total"] == 1
    page = op.get("/kasus")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "Batu Tulis" in page.text and "WIB" in page.text


def test_bad_query_is_a_json_error(login: Callable[[str], Browser]) -> None:
    response = login("operator").get("/api/v1/cases", params={"status": "nope", "limit": 0})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidInput" and {p["loc"] for p in body["problems"]} == {
        "query.status",
        "query.limit",
    }


def test_openapi_is_served(anon: TestClient) -> None:
    assert "/api/v1/cases" in anon.get("/openapi.json").json()["paths"]
