"""The public side of a province's deployment (issue 17, item 5), with Kota Bogor and Kabupaten
Bogor: `/papan` lists the cities and shows each one's board, a citizen's tracking page names its
case's city, and Open311 serves each city as a jurisdiction (`jurisdiction_id` = its code)."""

from __future__ import annotations

from xml.etree import ElementTree as ET

import sqlalchemy as sa
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.security import tracking_key
from paseban.services.cases import open311
from paseban.storage import tables as t
from tests.factories import KAB
from tests.web.test_cities import Province, province  # noqa: F401 (the fixture)

BASE = "/open311/v2"


def test_the_board_lists_the_cities_and_shows_each_one(
    province: Province,  # noqa: F811
    anon: TestClient,
) -> None:
    listing = anon.get("/papan")
    assert listing.status_code == 200
    assert (
        'href="/papan?kota=32.71"' in listing.text and f'href="/papan?kota={KAB}"' in listing.text
    )
    assert "Kota Bogor" in listing.text and "Kabupaten Bogor" in listing.text
    assert "Responsivitas setiap kelurahan" not in listing.text  # a choice, not a board

    kab = anon.get("/papan", params={"kota": KAB})
    assert kab.status_code == 200
    assert "<title>Papan responsivitas · Kabupaten Bogor</title>" in kab.text
    assert "Pondok Rajeg" in kab.text and "Tegal Gundil" not in kab.text
    kota = anon.get("/papan", params={"kota": "32.71"})
    assert "<title>Papan responsivitas · Kota Bogor</title>" in kota.text
    assert "Tegal Gundil" in kota.text and "Pondok Rajeg" not in kota.text
    assert 'href="/papan">Kota/kabupaten lain' in kota.text

    unknown = anon.get("/papan", params={"kota": "99.99"})
    assert unknown.status_code == 422 and "Kabupaten Bogor" in unknown.text


def test_a_one_city_board_is_as_before(anon: TestClient) -> None:
    page = anon.get("/papan")
    assert page.status_code == 200 and "Responsivitas setiap kelurahan" in page.text
    assert "<h1>Papan responsivitas kelurahan dan kecamatan</h1>" in page.text
    assert "?kota=" not in page.text and "Kota/kabupaten lain" not in page.text


def test_the_tracking_page_names_the_city_of_its_case(
    province: Province,  # noqa: F811
    anon: TestClient,
    app_ctx: Context,
) -> None:
    for case, name in ((province.kab, "Kabupaten Bogor"), (province.kota, "Kota Bogor")):
        ticket = str(case["ticket"])
        key = tracking_key(app_ctx.settings.secret_key, ticket)
        page = anon.get(f"/lacak/{ticket}", params={"kunci": key})
        assert page.status_code == 200
        assert f'<span class="city">{name}</span>' in page.text
        data = anon.get(f"/lacak/{ticket}.json", params={"kunci": key}).json()
        assert data["city_name"] == name


def _tickets(response: object) -> list[str]:
    return sorted(r["service_request_id"] for r in response.json())  # type: ignore[attr-defined]


def test_open311_serves_each_city_as_a_jurisdiction(
    province: Province,  # noqa: F811
    anon: TestClient,
) -> None:
    kota, kab = str(province.kota["ticket"]), str(province.kab["ticket"])
    disco = anon.get(f"{BASE}/discovery.json").json()
    assert [(j["jurisdiction_id"], j["name"]) for j in disco["jurisdictions"]] == [
        ("32.71", "Kota Bogor"),
        (KAB, "Kabupaten Bogor"),
    ]
    xml = ET.fromstring(anon.get(f"{BASE}/discovery.xml").content)
    assert [j.text for j in xml.iter("jurisdiction_id")] == ["32.71", KAB]

    # without jurisdiction_id: every city's requests, each with its city in the address
    both = anon.get(f"{BASE}/requests.json")
    assert _tickets(both) == sorted([kota, kab])
    addresses = {r["service_request_id"]: r["address"] for r in both.json()}
    assert addresses[kab].endswith("Kabupaten Bogor") and addresses[kota].endswith("Kota Bogor")
    assert _tickets(anon.get(f"{BASE}/requests.json", params={"jurisdiction_id": KAB})) == [kab]
    assert _tickets(anon.get(f"{BASE}/requests.json", params={"jurisdiction_id": "32.71"})) == [
        kota
    ]
    one = anon.get(f"{BASE}/requests/{kab}.json", params={"jurisdiction_id": KAB})
    assert _tickets(one) == [kab]
    other = anon.get(f"{BASE}/requests/{kota}.json", params={"jurisdiction_id": KAB})
    assert other.status_code == 404 and other.json()[0]["code"] == 404

    # a jurisdiction that is not served here: the spec's error list, in both formats
    for path in ("/services", "/requests", f"/requests/{kab}", "/services/sampah"):
        wrong = anon.get(f"{BASE}{path}.json", params={"jurisdiction_id": "32.03"})
        assert wrong.status_code == 404, path
        error = wrong.json()[0]
        assert error["code"] == 404 and "32.03" in error["description"]
        assert "Kabupaten Bogor" in error["description"]
    wrong_xml = anon.get(f"{BASE}/requests.xml", params={"jurisdiction_id": "32.03"})
    assert ET.fromstring(wrong_xml.content).find("error/code").text == "404"  # type: ignore[union-attr]

    # services: the OPD of the city asked for; the kelurahan to choose from, that city's
    groups = {s["service_code"]: s["group"] for s in anon.get(f"{BASE}/services.json").json()}
    kab_groups = {
        s["service_code"]: s["group"]
        for s in anon.get(f"{BASE}/services.json", params={"jurisdiction_id": KAB}).json()
    }
    assert "Kabupaten Bogor" in kab_groups["sampah"] and "Kabupaten" not in groups["sampah"]
    kelurahan = anon.get(f"{BASE}/services/sampah.json", params={"jurisdiction_id": KAB}).json()
    codes = [v["key"] for v in kelurahan["attributes"][0]["values"]]
    assert codes and all(c.startswith(f"{KAB}.") for c in codes)
    everywhere = anon.get(f"{BASE}/services/sampah.json").json()["attributes"][0]["values"]
    assert len(everywhere) > len(codes)


def test_an_open311_key_posts_into_its_own_city_only(
    province: Province,  # noqa: F811
    anon: TestClient,
    app_ctx: Context,
) -> None:
    key = open311.add_key(app_ctx, "aplikasi-kab", kota=KAB)
    form = {"api_key": key, "service_code": "sampah", "address_string": "Jl. Raya Cibinong"}
    into_kota = anon.post(f"{BASE}/requests.json", data={**form, "jurisdiction_id": "32.71"})
    assert into_kota.status_code == 403
    assert into_kota.json()[0]["description"] == (
        "api_key ini untuk Kabupaten Bogor, bukan untuk Kota Bogor"
    )
    unknown = anon.post(f"{BASE}/requests.json", data={**form, "jurisdiction_id": "32.03"})
    assert unknown.status_code == 404
    tickets = []
    for extra in ({}, {"jurisdiction_id": KAB}):  # without it: the key's city
        created = anon.post(f"{BASE}/requests.json", data={**form, **extra})
        assert created.status_code == 200, created.text
        tickets.append(created.json()[0]["service_request_id"])
    with app_ctx.engine.connect() as conn:
        found = conn.execute(
            sa.select(t.cases.c.ticket, t.cases.c.city).where(t.cases.c.ticket.in_(tickets))
        ).all()
    assert {city for _, city in found} == {KAB}
    assert all(ticket.startswith("KBG-") for ticket in tickets)
