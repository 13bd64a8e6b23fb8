"""The deadline (SLA) and reply template settings of a province's deployment (issue 17, item 5):
an operator of Kabupaten Bogor changes Kabupaten Bogor's only, on the pages and through the API;
the page says while it follows Kota Bogor's (the first city); a kelurahan admin or an OPD
officer changes nothing; the province operator changes the city it chose."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.services.cases import clocks, replies
from paseban.services.people import accounts, auth
from paseban.web.app import create_app
from tests.factories import KAB
from tests.web.conftest import Browser
from tests.web.test_cities import Province
from tests.web.test_cities import province as province  # the fixture

KOTA = "32.71"
TWO_HOURS = {"stage": "verify", "topic": "sampah", "amount": "2", "unit": "hours"}
FOLLOWS = "Kabupaten Bogor belum punya kebijakan tenggat sendiri"


def _keys(ctx: Context, city: str) -> dict[str, str]:
    return {clocks.policy_key(p): p.describe() for p in clocks.list_policies(ctx, city)}


def _received(ctx: Context, city: str) -> str:
    saved = replies.list_templates(ctx, city)
    return next((tpl.text for tpl in saved if tpl.event.value == "received"), "")


def test_a_city_operator_changes_its_own_city_only(
    province: Province, app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    kab = login("operator.kab")
    page = kab.get("/pengaturan/tenggat").text
    assert "Kebijakan tenggat Kabupaten Bogor." in page and FOLLOWS in page
    assert "Kota Bogor (kota/kabupaten pertama)" in page
    assert kab.post("/pengaturan/tenggat", TWO_HOURS).status_code == 303
    assert _keys(app_ctx, KAB)["verify:sampah:*"] == "2 jam"
    assert "verify:sampah:*" not in _keys(app_ctx, KOTA)
    page = kab.get("/pengaturan/tenggat").text
    assert FOLLOWS not in page and "Kebijakan tenggat Kabupaten Bogor." in page
    assert "verify:sampah:*" in page  # its history
    kota_page = login("operator").get("/pengaturan/tenggat").text
    assert "Kebijakan tenggat Kota Bogor." in kota_page and "verify:sampah:*" not in kota_page
    # reply templates, the same way
    before = _received(app_ctx, KOTA)
    assert "belum punya templat balasan sendiri" in kab.get("/pengaturan/templat").text
    saved = kab.post("/pengaturan/templat", {"event": "received", "text": "Kab: {tiket}"})
    assert saved.status_code == 303
    assert _received(app_ctx, KAB) == "Kab: {tiket}" and _received(app_ctx, KOTA) == before
    assert "belum punya templat balasan sendiri" not in kab.get("/pengaturan/templat").text
    removed = kab.post("/pengaturan/tenggat/hapus", {"stage": "verify", "topic": "sampah"})
    assert removed.status_code == 303 and "verify:sampah:*" not in _keys(app_ctx, KAB)


@pytest.mark.parametrize("user", ["petugas.dlh.kab", "lurah.pondokrajeg", "lurah.batutulis"])
def test_a_kelurahan_admin_or_an_opd_officer_changes_nothing(
    province: Province, app_ctx: Context, login: Callable[[str], Browser], user: str
) -> None:
    accounts.add_user(app_ctx, "lurah.pondokrajeg", role="kelurahan_admin", scope="32.01.01.1001")
    browser = login(user)
    assert browser.post("/pengaturan/tenggat", TWO_HOURS).status_code == 403
    text = {"event": "received", "text": "x {tiket}"}
    assert browser.post("/pengaturan/templat", text).status_code == 403
    assert clocks.follows_first_city(app_ctx, KAB) and replies.follows_first_city(app_ctx, KAB)
    assert "verify:sampah:*" not in _keys(app_ctx, KOTA)


def test_the_province_operator_changes_the_city_it_chose(
    province: Province, app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.provinsi")
    assert FOLLOWS in browser.get(f"/pengaturan/tenggat?kota={KAB}").text
    assert browser.post("/pengaturan/tenggat", TWO_HOURS).status_code == 303  # the kept choice
    assert "verify:sampah:*" in _keys(app_ctx, KAB)
    assert "verify:sampah:*" not in _keys(app_ctx, KOTA)
    # every city chosen: the page asks for one (the header's choice), and changes no city's,
    # the first one's least
    every = browser.get("/pengaturan/tenggat?kota=semua")
    assert every.status_code == 422 and "Pilih kota/kabupaten" in every.text
    assert "Kebijakan tenggat Kota Bogor." not in every.text and 'name="kota"' in every.text
    five = {**TWO_HOURS, "amount": "5"}
    assert browser.post("/pengaturan/tenggat", five).status_code == 422
    assert "verify:sampah:*" not in _keys(app_ctx, KOTA)
    assert _keys(app_ctx, KAB)["verify:sampah:*"] == "2 jam"


def test_the_api_changes_the_token_city(province: Province, app_ctx: Context) -> None:
    def token(
        name: str, role: str, area: str | None = None, kota: str | None = None
    ) -> dict[str, str]:
        scopes = ["cases:read", *(["settings:write"] if role != "opd_officer" else [])]
        made = auth.create_token(
            app_ctx, name, scopes=scopes, role=role, area=area, kota=kota, actor="uji"
        )
        return {"Authorization": f"Bearer {made}"}

    kab = token("kab-bot", "diskominfo", kota=KAB)
    officer = token("dlh-kab-bot", "opd_officer", area="DLH_KBG")
    provinsi = token("prov-bot", "province_operator")
    body = {"stage": "verify", "topic": "sampah", "amount": 2, "unit": "hours"}
    template = {"text": "Kab: {tiket}"}
    with TestClient(create_app(app_ctx, start_jobs=False)) as client:
        assert client.put("/api/v1/sla/policies", headers=kab, json=body).status_code == 200
        listed = client.get("/api/v1/sla/policies", headers=kab).json()
        assert {"stage": "verify", "topic": "sampah", "amount": 2}.items() <= next(
            p for p in listed if p["topic"] == "sampah"
        ).items()
        url = "/api/v1/replies/templates/received"
        assert client.put(url, headers=kab, json=template).status_code == 200
        refused = client.put("/api/v1/sla/policies", headers=officer, json=body)
        assert refused.status_code == 403 and "error" in refused.json()
        assert client.put(url, headers=officer, json=template).status_code == 403
        chosen = client.put(
            f"/api/v1/sla/policies?kota={KOTA}", headers=provinsi, json={**body, "amount": 7}
        )
        assert chosen.status_code == 200
        bad = client.put("/api/v1/sla/policies?kota=99.99", headers=provinsi, json=body)
        assert bad.status_code == 422
        # without a city the province's change is refused, never the first city's
        unnamed = client.put("/api/v1/sla/policies", headers=provinsi, json={**body, "amount": 9})
        assert unnamed.status_code == 422 and unnamed.json()["detail"].startswith("kota wajib")
        # reading too: which city's policies the province reads is named, never the first's
        for path in ("/api/v1/sla/policies", "/api/v1/routing/rules"):
            unread = client.get(path, headers=provinsi)
            assert unread.status_code == 422 and unread.json()["detail"].startswith("kota wajib")
        kab_listed = client.get(f"/api/v1/sla/policies?kota={KAB}", headers=provinsi).json()
        assert kab_listed == listed
    assert _keys(app_ctx, KAB)["verify:sampah:*"] == "2 jam"
    assert _keys(app_ctx, KOTA)["verify:sampah:*"] == "7 jam"
    assert _received(app_ctx, KAB) == "Kab: {tiket}" and _received(app_ctx, KOTA) != "Kab: {tiket}"
