"""Open311 GeoReport v2: both formats, the spec's filters and errors, POST with an API key, and
an existing client from PyPI (`georeport`) reading the server over HTTP."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
import uvicorn
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.domain.cases import Status
from paseban.services.cases import actions, open311
from paseban.web.app import create_app
from paseban.web.cases.open311 import OPEN311_STATUS
from tests.services.conftest import DISKOMINFO, PUPR, Desk

BASE = "/open311/v2"


@pytest.fixture
def o311(ctx: Context, tmp_path: Path) -> Iterator[tuple[TestClient, Desk, str]]:
    desk = Desk(ctx, tmp_path)
    key = open311.add_key(ctx, "aplikasi-warga")
    with TestClient(create_app(ctx, start_jobs=False)) as client:
        yield client, desk, key


def post(client: TestClient, fmt: str = "json", **form: Any) -> Any:
    return client.post(f"{BASE}/requests.{fmt}", data=form)


def test_every_status_maps_to_open_or_closed() -> None:
    assert set(OPEN311_STATUS) == set(Status)
    assert set(OPEN311_STATUS.values()) == {"open", "closed"}


def test_discovery_services_and_definitions_in_both_formats(
    o311: tuple[TestClient, Desk, str],
) -> None:
    client, _, _ = o311
    disco = client.get(f"{BASE}/discovery.json").json()
    assert disco["endpoints"][0]["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert {"changeset", "contact", "key_service"} <= set(disco)
    xml = client.get(f"{BASE}/discovery.xml")
    assert xml.headers["content-type"] == "text/xml; charset=utf-8"
    assert xml.text.startswith('<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(xml.content)
    assert [f.text for f in root.iter("format")] == ["text/xml", "application/json"]
    services = client.get(f"{BASE}/services.json").json()
    jalan = next(s for s in services if s["service_code"] == "jalan")
    assert jalan["type"] == "realtime" and jalan["metadata"] is True
    assert "Pekerjaan Umum" in jalan["group"] and "jalan berlubang" in jalan["keywords"]
    services_xml = ET.fromstring(client.get(f"{BASE}/services.xml").content)
    assert services_xml.tag == "services" and len(services_xml.findall("service")) == len(services)
    definition = client.get(f"{BASE}/services/jalan.json").json()
    codes = [a["code"] for a in definition["attributes"]]
    assert codes == ["kelurahan", "urgensi"] and len(definition["attributes"][0]["values"]) == 68
    defxml = ET.fromstring(client.get(f"{BASE}/services/jalan.xml").content)
    assert defxml.find("attributes/attribute/values/value/key") is not None


def test_errors_use_the_spec_format(o311: tuple[TestClient, Desk, str]) -> None:
    client, _, key = o311
    missing = client.get(f"{BASE}/services/ngawur.json")
    assert missing.status_code == 404 and missing.json()[0]["code"] == 404
    assert "ngawur" in missing.json()[0]["description"]
    xml = client.get(f"{BASE}/requests/BGR-0000-0000.xml")
    assert xml.status_code == 404 and ET.fromstring(xml.content).find("error/code").text == "404"  # type: ignore[union-attr]
    assert (
        client.get(f"{BASE}/services.json", params={"jurisdiction_id": "x.go.id"}).status_code
        == 404
    )
    assert client.get(f"{BASE}/services.json", params={"jurisdiction_id": ""}).status_code == 200
    assert client.get(f"{BASE}/services.csv").status_code == 400
    no_key = post(client, service_code="jalan", address_string="Jl. Batutulis")
    assert no_key.status_code == 403 and "api_key" in no_key.json()[0]["description"]
    bad_key = post(client, api_key="p311_salah", service_code="jalan", address_string="x")
    assert bad_key.status_code == 403
    assert post(client, api_key=key, address_string="x").status_code == 400
    assert post(client, api_key=key, service_code="ngawur", address_string="x").status_code == 404
    no_place = post(client, api_key=key, service_code="jalan", description="rusak")
    assert no_place.status_code == 400 and "lokasi" in no_place.json()[0]["description"]
    bad_point = post(client, api_key=key, service_code="jalan", lat="abc", long="106.8")
    assert bad_point.status_code == 400
    long_text = post(client, api_key=key, service_code="jalan", address_string="x",
                     description="a" * 4001)  # fmt: skip
    assert long_text.status_code == 400
    bad_attr = client.post(
        f"{BASE}/requests.xml",
        data={"api_key": key, "service_code": "jalan", "address_string": "x",
              "attribute[kelurahan]": "99.99.99.9999"},
    )  # fmt: skip
    assert bad_attr.status_code == 400 and b"<errors>" in bad_attr.content
    assert client.get(f"{BASE}/tokens/123.json").status_code == 404
    span = client.get(
        f"{BASE}/requests.json",
        params={"start_date": "2026-01-01T00:00:00Z", "end_date": "2026-11-01T00:00:00Z"},
    )
    assert span.status_code == 400 and "90 hari" in span.json()[0]["description"]
    assert client.get(f"{BASE}/requests.json", params={"start_date": "kemarin"}).status_code == 400
    assert client.get(f"{BASE}/requests.json", params={"status": "pending"}).status_code == 400


def test_post_opens_a_case_like_any_other_channel(o311: tuple[TestClient, Desk, str]) -> None:
    client, desk, key = o311
    created = client.post(
        f"{BASE}/requests.xml",
        data={
            "api_key": key, "service_code": "jalan", "lat": "-6.6195", "long": "106.8115",
            "description": "Lubang besar di depan prasasti, hubungi 081234567890",
            "media_url": "https://foto.example/lubang.jpg", "first_name": "Budi",
            "email": "budi@example.com", "attribute[urgensi]": "tinggi",
        },
    )  # fmt: skip
    assert created.status_code == 200, created.text
    ticket = ET.fromstring(created.content).find("request/service_request_id").text  # type: ignore[union-attr]
    assert ticket == "BGR-2611-0001"
    case = desk.case(ticket)
    assert (case["topic"], case["urgency"], case["platforms"]) == ("jalan", "tinggi", ["open311"])
    assert case["kelurahan"] is not None and case["media_url"] == "https://foto.example/lubang.jpg"
    assert "081234567890" not in case["title"]
    # the same problem again through Open311 joins the case
    again = post(client, api_key=key, service_code="jalan", lat="-6.6196", long="106.8116",
                 description="jalan berlubang", device_id="hp-2")  # fmt: skip
    assert again.json()[0]["service_request_id"] == ticket
    assert "digabung" in again.json()[0]["service_notice"]
    assert desk.case(ticket)["report_count"] == 2
    # replies for this channel are kept but not sent (the client polls GET requests)
    assert {r["status"] for r in desk.outbox()} == {"cancelled"}
    row = open311.list_keys(desk.ctx)[0]
    assert row["last_used_at"] is not None and row["prefix"] == key[:10]


def test_requests_carry_sla_agency_and_wilayah(o311: tuple[TestClient, Desk, str]) -> None:
    client, desk, _ = o311
    case = desk.send("jalan di batutulis berlubang, mohon diperbaiki")
    closed = desk.send("sampah numpuk di tegal gundil", account="kelurahan.tegalgundil")
    assert case and closed
    actions.act(desk.ctx, closed["id"], "reject", actor=DISKOMINFO, note="uji",
                public_note="Bukan aduan: iklan.")  # fmt: skip
    [one] = client.get(f"{BASE}/requests/{case['ticket']}.json").json()
    assert one["status"] == "open" and one["agency_responsible"].startswith("Dinas Pekerjaan")
    assert one["requested_datetime"] == "2026-11-27T08:00:00+07:00"
    # still in verification: 3 working days to forward, then 5 to follow up
    assert one["expected_datetime"] == "2026-12-09T08:00:00+07:00"
    assert "extended_attributes" not in one
    [ext] = client.get(
        f"{BASE}/requests/{case['ticket']}.json", params={"extensions": "true"}
    ).json()
    assert ext["extended_attributes"]["kelurahan_name"] == "Batu Tulis"
    assert ext["extended_attributes"]["kecamatan"] == "32.71.01"
    actions.act(desk.ctx, case["id"], "forward", actor=DISKOMINFO)
    [fwd] = client.get(f"{BASE}/requests/{case['ticket']}.json").json()
    assert fwd["expected_datetime"] == "2026-12-04T09:00:00+07:00"
    everything = client.get(f"{BASE}/requests.json").json()
    assert {r["service_request_id"] for r in everything} == {case["ticket"], closed["ticket"]}
    only_closed = client.get(f"{BASE}/requests.json", params={"status": "closed"}).json()
    assert [(r["service_request_id"], r["status_notes"]) for r in only_closed] == [
        (closed["ticket"], "Bukan aduan: iklan.")
    ]
    by_code = client.get(f"{BASE}/requests.json", params={"service_code": "sampah,pju"}).json()
    assert [r["service_code"] for r in by_code] == ["sampah"]
    by_id = client.get(
        f"{BASE}/requests.json", params={"service_request_id": case["ticket"], "status": "closed"}
    ).json()
    assert [r["service_request_id"] for r in by_id] == [case["ticket"]]  # ids override filters
    paged = client.get(f"{BASE}/requests.json", params={"page_size": 1, "page": 2}).json()
    assert len(paged) == 1
    xml = ET.fromstring(client.get(f"{BASE}/requests.xml").content)
    assert xml.tag == "service_requests" and len(xml.findall("request")) == 2
    actions.act(desk.ctx, case["id"], "resolve", actor=PUPR)
    [res] = client.get(f"{BASE}/requests/{case['ticket']}.json").json()
    assert res["status"] == "closed" and res["expected_datetime"] is None


# --- an existing client from PyPI, against the app served on 127.0.0.1 -------------------------


@pytest.fixture
def served(ctx: Context, tmp_path: Path) -> Iterator[tuple[str, Desk]]:
    desk = Desk(ctx, tmp_path)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(ctx, start_jobs=False), host="127.0.0.1", port=port,
                       log_config=None, access_log=False)
    )  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started:
            break
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}{BASE}", desk
    finally:
        server.should_exit = True
        thread.join(timeout=5)


@pytest.mark.parametrize("output_format", ["json", "xml"])
def test_the_georeport_client_reads_our_server(
    served: tuple[str, Desk], output_format: str
) -> None:
    georeport = pytest.importorskip("georeport")
    root, desk = served
    case = desk.send("jalan di batutulis berlubang, mohon diperbaiki")
    assert case is not None
    client = georeport.GeoReport(root, jurisdiction="32.71", output_format=output_format)
    services = client.get_service_list()
    assert "jalan" in {s["service_code"] for s in services}
    definition = client.get_service_definition("jalan")
    assert definition["service_code"] == "jalan"
    requests = client.get_service_requests(status="open")
    listed = requests if isinstance(requests, list) else [requests]  # xmltodict: one -> dict
    assert [r["service_request_id"] for r in listed] == [case["ticket"]]
    one = client.get_service_request(case["ticket"])
    assert one["status"] == "open" and one["service_code"] == "jalan"
    assert one["requested_datetime"].endswith("+07:00")
