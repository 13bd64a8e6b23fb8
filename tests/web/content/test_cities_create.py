"""What the province creates with every city chosen names its city (issue 17, item 5): the
campaign, training-session and media forms ask which city (a required select of the cities by
name), the API requires it (a JSON error in Indonesian naming the field), and the city's
routing rules, deadlines and replies are written only for a city the province chose. Nothing
lands silently in the first city; a city's operator and a one-city deployment are unchanged."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.storage import tables as t
from tests.factories import KAB, with_kabupaten_bogor
from tests.mediafiles import photo
from tests.web.conftest import Browser

KOTA_SELECT = re.compile(r'<select name="kota" required>(.*?)</select>', re.S)


@pytest.fixture
def province(app_ctx: Context, tmp_path: Path) -> Context:
    with_kabupaten_bogor(app_ctx, tmp_path)
    return app_ctx


def _campaign(ctx: Context, code: str) -> dict[str, object]:
    today = ctx.now().astimezone(ctx.tz).date()
    return {
        "code": code,
        "title": f"Kampanye {code}",
        "message": "Ayo pilah sampah dari rumah, mulai hari ini juga.",
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=7)).isoformat(),
    }


def _city_of(ctx: Context, table: sa.Table, column: sa.Column[str], value: object) -> str | None:
    with ctx.engine.connect() as conn:
        found = conn.execute(sa.select(table.c.city).where(column == value)).scalar()
    return None if found is None else str(found)


def test_the_campaign_form_asks_the_province_which_city(
    province: Context, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.provinsi")
    page = browser.get("/konten/kampanye?kota=semua").text
    select = KOTA_SELECT.search(page)
    assert select is not None
    assert ">Kota Bogor<" in select.group(1) and ">Kabupaten Bogor<" in select.group(1)
    assert ">32.01<" not in select.group(1)  # names, not codes
    refused = browser.post("/konten/kampanye", _campaign(province, "tanpa-kota"))
    assert refused.status_code == 422 and "kota wajib diisi" in refused.text
    assert _city_of(province, t.campaigns, t.campaigns.c.code, "tanpa-kota") is None
    made = browser.post("/konten/kampanye", {**_campaign(province, "pilah-kab"), "kota": KAB})
    assert made.status_code == 303, made.text
    assert _city_of(province, t.campaigns, t.campaigns.c.code, "pilah-kab") == KAB
    # a chosen city needs no second choice, and the form shows none
    browser.get(f"/konten/kampanye?kota={KAB}")
    assert KOTA_SELECT.search(browser.get("/konten/kampanye").text) is None
    again = browser.post("/konten/kampanye", _campaign(province, "pilah-kab-2"))
    assert again.status_code == 303
    assert _city_of(province, t.campaigns, t.campaigns.c.code, "pilah-kab-2") == KAB


def test_the_campaign_api_requires_the_city(
    province: Context, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.provinsi")
    headers = {"x-csrf-token": browser.csrf}
    post = browser.client.post
    refused = post("/api/v1/content/campaigns", json=_campaign(province, "api"), headers=headers)
    assert refused.status_code == 422
    body = refused.json()
    assert body["error"] == "InvalidInput" and body["detail"].startswith("city wajib diisi")
    assert "Kabupaten Bogor" in body["detail"]
    unknown = {**_campaign(province, "api"), "city": "32.99"}
    assert post("/api/v1/content/campaigns", json=unknown, headers=headers).status_code == 422
    made = post(
        "/api/v1/content/campaigns",
        json={**_campaign(province, "api"), "city": KAB},
        headers=headers,
    )
    assert made.status_code == 201, made.text
    assert made.json()["city"] == KAB


def test_a_citys_operator_writes_in_its_city_without_a_choice(
    province: Context, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.kab")
    assert KOTA_SELECT.search(browser.get("/konten/kampanye").text) is None
    made = browser.post("/konten/kampanye", {**_campaign(province, "kab-own"), "kota": "32.71"})
    assert made.status_code == 303  # its own city, whatever the form says
    assert _city_of(province, t.campaigns, t.campaigns.c.code, "kab-own") == KAB


def test_a_one_city_deployment_asks_nothing(
    app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    browser = login("operator")
    assert KOTA_SELECT.search(browser.get("/konten/kampanye").text) is None
    made = browser.post("/konten/kampanye", _campaign(app_ctx, "satu-kota"))
    assert made.status_code == 303
    assert _city_of(app_ctx, t.campaigns, t.campaigns.c.code, "satu-kota") == "32.71"


def test_the_session_form_asks_the_province_which_city(
    province: Context, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.provinsi")
    page = browser.get("/konten/jejaring?kota=semua").text
    assert KOTA_SELECT.search(page) is not None
    when = (province.now() + timedelta(days=1)).astimezone(province.tz).strftime("%Y-%m-%dT%H:%M")
    session = {"kind": "kopdar", "title": "Kopdar Kabupaten", "held_at": when}
    refused = browser.post("/konten/sesi", session)
    assert refused.status_code == 422 and "kota wajib diisi" in refused.text
    made = browser.post("/konten/sesi", {**session, "kota": KAB})
    assert made.status_code == 303
    title = t.training_sessions.c.title
    assert _city_of(province, t.training_sessions, title, "Kopdar Kabupaten") == KAB


def test_a_media_upload_of_the_province_names_its_city(
    province: Context, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.provinsi")
    page = browser.get("/konten/media?kota=semua").text
    assert KOTA_SELECT.search(page) is not None
    headers = {"x-csrf-token": browser.csrf, "accept": "application/json"}

    def upload(name: str, **form: str):  # type: ignore[no-untyped-def]
        files = {"files": (name, photo(seed=len(name)), "image/jpeg")}
        return browser.client.post("/api/v1/content/media", data=form, files=files, headers=headers)

    refused = upload("tanpa-kota.jpg")
    assert refused.status_code == 422
    assert "kota wajib diisi" in refused.json()["errors"][0]["detail"]
    made = upload("kab.jpg", kota=KAB)
    assert made.status_code == 200, made.text
    media_id = made.json()["uploaded"][0]["id"]
    assert _city_of(province, t.media_items, t.media_items.c.id, media_id) == KAB


@pytest.mark.parametrize(
    "path", ["/pengaturan/aturan", "/pengaturan/tenggat", "/pengaturan/templat"]
)
def test_a_citys_policy_pages_ask_the_province_for_a_city(
    province: Context, login: Callable[[str], Browser], path: str
) -> None:
    browser = login("operator.provinsi")
    every = browser.get(f"{path}?kota=semua")
    assert every.status_code == 422 and "Pilih kota/kabupaten" in every.text
    assert 'name="kota"' in every.text  # the header's choice of city is on the page
    # ... and the page offers the same page for each city, by name
    assert "Pilih kota/kabupaten" in every.text
    links = re.findall(r'<a class="button" href="([^"]+)">([^<]+)</a>', every.text)
    assert [name for _, name in links] == ["Kota Bogor", "Kabupaten Bogor"]
    assert all(href.startswith(f"{path}?kota=") for href, _ in links)
    chosen = browser.get(html.unescape(links[1][0]))
    assert chosen.status_code == 200 and "Kabupaten Bogor" in chosen.text
    assert browser.get(f"{path}?kota={KAB}").status_code == 200


def test_the_policy_api_requires_the_city_of_the_province(
    province: Context, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.provinsi")
    headers = {"x-csrf-token": browser.csrf}
    body = {"enabled": True}
    refused = browser.client.put("/api/v1/routing/auto-forward", json=body, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["detail"].startswith("kota wajib diisi")
    chosen = browser.client.put(
        f"/api/v1/routing/auto-forward?kota={KAB}", json=body, headers=headers
    )
    assert chosen.status_code == 200
    with province.engine.connect() as conn:
        keys = set(conn.execute(sa.select(t.parameters.c.key)).scalars())
    assert f"routing.auto_forward@{KAB}" in keys


def test_the_users_form_asks_the_province_for_a_diskominfo_users_city(
    province: Context, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.provinsi")
    page = browser.get("/pengaturan/pengguna?kota=semua").text
    assert 'id="new-kota" name="kota"' in page and '<option value="32.01">Kabupaten Bogor' in page
    new = {"username": "ops.baru", "role": "diskominfo"}
    refused = browser.post("/pengaturan/pengguna", new)
    assert refused.status_code == 422 and "sebutkan kotanya" in refused.text
    assert _city_of(province, t.users, t.users.c.username, "ops.baru") is None
    assert browser.post("/pengaturan/pengguna", {**new, "kota": KAB}).status_code == 200
    assert _city_of(province, t.users, t.users.c.username, "ops.baru") == KAB
    # a city's operator gives users of its own city whatever the form says
    own = login("operator.kab")
    assert 'id="new-kota"' not in own.get("/pengaturan/pengguna").text
    made = own.post("/pengaturan/pengguna", {**new, "username": "ops.dua", "kota": "32.71"})
    assert made.status_code == 200
    assert _city_of(province, t.users, t.users.c.username, "ops.dua") == KAB
