from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.services import ingest
from paseban.web.app import create_app
from tests.factories import message, with_accounts, write_jsonl


@pytest.fixture
def client(ctx: Context, tmp_path: Path) -> Iterator[TestClient]:
    with_accounts(ctx, tmp_path)
    with TestClient(create_app(ctx, start_jobs=False)) as client:
        yield client


def test_healthz(client: TestClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["status"] == "ok"


def test_cases_as_json_and_html(ctx: Context, client: TestClient, tmp_path: Path) -> None:
    ingest.ingest_file(
        ctx,
        write_jsonl(
            tmp_path / "m.jsonl",
            [
                message(1, "sampah numpuk di kel. tegal gundil <script>alert(1)</script>"),
                message(2, "lampu jalan mati di batutulis, gelap"),
            ],
        ),
    )
    data = client.get("/api/v1/cases").json()
    assert data["total"] == 2
    first = {c["topic"]: c for c in data["items"]}
    assert first["sampah"]["opd"] == "DLH" and first["sampah"]["status_label"] == "Diterima"
    assert first["pju"]["kelurahan_name"] == "Batu Tulis"
    assert client.get("/api/v1/cases", params={"opd": "DLH"}).json()["total"] == 1
    page = client.get("/kasus")
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in page.text
    assert "&lt;script&gt;" in page.text
    assert "Batu Tulis" in page.text and "WIB" in page.text


def test_bad_query_is_a_json_error(client: TestClient) -> None:
    response = client.get("/api/v1/cases", params={"status": "nope", "limit": 0})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "InvalidInput" and {p["loc"] for p in body["problems"]} == {
        "query.status",
        "query.limit",
    }


def test_openapi_is_served(client: TestClient) -> None:
    assert "/api/v1/cases" in client.get("/openapi.json").json()["paths"]
