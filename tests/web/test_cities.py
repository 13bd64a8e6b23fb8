"""Scopes hold across cities as across kelurahan (issue 17, item 5): in a province's deployment
(Kota Bogor and Kabupaten Bogor), Kota Bogor's Diskominfo operator, a kelurahan admin and the
DLH officer see nothing of Kabupaten Bogor (lists, the case page by id and by ticket, the API's
cases and messages, the inbox, leaderboards, the report and its exports), and the province
operator sees both, or one chosen with `?kota=`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.domain.auth import actor_for
from paseban.domain.cases import Actor as CaseActor
from paseban.errors import Forbidden, InvalidInput
from paseban.services.cases import reassign
from paseban.services.ingest import files
from paseban.services.people import accounts, auth
from paseban.storage import tables as t
from paseban.web.app import create_app
from tests.factories import KAB, message, with_kabupaten_bogor, write_jsonl
from tests.web.conftest import Browser

KOTA_TEXT = "sampah numpuk di batutulis, bau banget"
KAB_TEXT = "sampah numpuk di pondok rajeg, bau banget"
KOTA_ONLY = ("operator", "lurah.batutulis", "petugas.dlh")  # Kota Bogor's, from tests/web


@dataclass(frozen=True)
class Province:
    kota: dict[str, object]  # the case of Kota Bogor: id, ticket
    kab: dict[str, object]  # the case of Kabupaten Bogor


def _send(ctx: Context, path: Path, n: int, text: str, account: str) -> dict[str, object]:
    report = files.ingest_file(ctx, write_jsonl(path, [message(n, text, account=account)]))
    with ctx.engine.connect() as conn:
        found = conn.execute(
            sa.select(t.cases.c.id, t.cases.c.ticket, t.cases.c.city)
            .join(t.messages, t.messages.c.case_id == t.cases.c.id)
            .where(t.messages.c.id == report.message_ids[0])
        ).one()
    return {"id": found.id, "ticket": found.ticket, "city": found.city}


@pytest.fixture
def province(app_ctx: Context, tmp_path: Path) -> Province:
    ctx = app_ctx
    with_kabupaten_bogor(ctx, tmp_path)
    accounts.add_user(ctx, "petugas.dlh.kab", role="opd_officer", scope="DLH_KBG")
    kota = _send(ctx, tmp_path / "kota.jsonl", 1, KOTA_TEXT, "kelurahan.batutulis")
    kab = _send(ctx, tmp_path / "kab.jsonl", 2, KAB_TEXT, "kel.pondokrajeg")
    assert kota["city"] == "32.71" and kab["city"] == KAB
    with ctx.engine.begin() as conn:  # both with their DLH, as an OPD officer works them
        conn.execute(sa.update(t.cases).values(status="forwarded"))
    return Province(kota, kab)


@pytest.mark.parametrize("user", KOTA_ONLY)
def test_kota_bogor_users_see_nothing_of_kabupaten_bogor(
    province: Province, login: Callable[[str], Browser], user: str
) -> None:
    browser = login(user)
    kota, kab = province.kota, province.kab
    page = browser.get("/kasus")
    assert page.status_code == 200
    assert str(kota["ticket"]) in page.text and str(kab["ticket"]) not in page.text
    assert browser.get(f"/kasus/{kota['ticket']}").status_code == 200
    # out of scope, as another kelurahan's case is today: refused (and audited)
    refused = browser.get(f"/kasus/{kab['ticket']}")
    assert refused.status_code == 403 and "pondok rajeg" not in refused.text.lower()
    # by its number: pages and the API name a case by its ticket, a number finds nothing
    assert browser.get(f"/kasus/{kab['id']}").status_code == 404
    listed = browser.get("/api/v1/cases").json()
    assert [c["ticket"] for c in listed["items"]] == [kota["ticket"]]
    refused = browser.get(f"/api/v1/cases/{kab['ticket']}")
    assert refused.status_code in (403, 404) and "pondok rajeg" not in refused.text.lower()
    messages = browser.get("/api/v1/messages")
    if messages.status_code == 200:  # the OPD officer works no account here
        texts = " ".join(m["text"] for m in messages.json()["items"])
        assert "pondok rajeg" not in texts
    inbox = browser.get("/kotak-masuk")
    assert inbox.status_code == 200 and "pondok rajeg" not in inbox.text.lower()
    # a choice of city is the province role's alone: it changes nothing for anyone else
    chosen = browser.get(f"/kasus?kota={KAB}")
    assert str(kab["ticket"]) not in chosen.text and 'name="kota"' not in chosen.text


def test_kabupaten_bogor_dlh_is_not_kota_bogor_dlh(
    province: Province, login: Callable[[str], Browser]
) -> None:
    browser = login("petugas.dlh.kab")
    listed = browser.get("/api/v1/cases").json()
    assert [c["ticket"] for c in listed["items"]] == [province.kab["ticket"]]
    assert browser.get(f"/kasus/{province.kota['ticket']}").status_code == 403


def test_the_province_operator_sees_both_and_chooses_one(
    province: Province, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.provinsi")
    kota, kab = str(province.kota["ticket"]), str(province.kab["ticket"])
    both = browser.get("/kasus")
    assert kota in both.text and kab in both.text
    assert "Semua kota/kabupaten" in both.text and "Kabupaten Bogor" in both.text
    assert browser.get(f"/kasus/{kab}").status_code == 200
    one = browser.get(f"/kasus?kota={KAB}")
    assert kab in one.text and kota not in one.text
    # the choice is kept for the next pages, until another is made
    assert kota not in browser.get("/kasus").text
    api = browser.get("/api/v1/cases").json()
    assert [c["ticket"] for c in api["items"]] == [kab]
    every = browser.get("/kasus?kota=semua")
    assert kota in every.text and kab in every.text
    bad = browser.get("/api/v1/cases?kota=99.99")
    assert bad.status_code == 422 and "99.99" in bad.json()["detail"]


def test_a_token_keeps_its_city(province: Province, app_ctx: Context) -> None:
    token = auth.create_token(
        app_ctx, "kab-bot", scopes=["cases:read"], role="diskominfo", kota=KAB, actor="uji"
    )
    with TestClient(create_app(app_ctx, start_jobs=False), base_url="http://localhost") as c:
        headers = {"authorization": f"Bearer {token}"}
        listed = c.get("/api/v1/cases?kota=32.71", headers=headers).json()
        assert c.get("/api/v1/me", headers=headers).json()["city"] == KAB
    assert [x["ticket"] for x in listed["items"]] == [province.kab["ticket"]]


def test_an_operator_of_one_city_gives_users_of_that_city_only(
    province: Province, app_ctx: Context
) -> None:
    kab_ops = actor_for("operator.kab", Role.DISKOMINFO, Scope(city=KAB))
    with pytest.raises(Forbidden):
        accounts.add_user(app_ctx, "x.kota", role="diskominfo", kota="32.71", actor=kab_ops)
    with pytest.raises(Forbidden):
        accounts.add_user(app_ctx, "x.prov", role="province_operator", actor=kab_ops)
    accounts.add_user(
        app_ctx, "x.kab", role="kelurahan_admin", scope="32.01.01.1001", actor=kab_ops
    )


def test_settings_pages_list_the_operators_city_only(
    province: Province, login: Callable[[str], Browser]
) -> None:
    kab = login("operator.kab")
    users = kab.get("/pengaturan/pengguna").text
    assert "petugas.dlh.kab" in users and "lurah.batutulis" not in users
    assert "Operator provinsi" not in users  # neither the province's users nor its role
    listed = kab.get("/pengaturan/akun").text
    assert "kel.pondokrajeg" in listed and "kelurahan.batutulis" not in listed
    assert "Dinas Lingkungan Hidup (DLH) Kota Bogor" not in kab.get("/pengaturan/opd").text
    kota = login("operator").get("/pengaturan/pengguna").text
    assert "lurah.batutulis" in kota and "petugas.dlh.kab" not in kota


def test_a_city_rule_changes_that_city_routing_only(
    province: Province, app_ctx: Context, tmp_path: Path
) -> None:
    token = auth.create_token(
        app_ctx, "kab-rules", scopes=["settings:write"], role="diskominfo", kota=KAB, actor="uji"
    )
    headers = {"authorization": f"Bearer {token}"}
    rule = {"condition": {"attr": "topic", "op": "eq", "value": "sampah"}, "assign_to": "DLH"}
    with TestClient(create_app(app_ctx, start_jobs=False), base_url="http://localhost") as c:
        # Kota Bogor's DLH is not an OPD of Kabupaten Bogor
        refused = c.put("/api/v1/routing/rules/default:sampah", json=rule, headers=headers)
        assert refused.status_code == 422
        road_rule = {"condition": {"attr": "topic", "op": "eq", "value": "jalan"}, "priority": 5}
        road_rule["assign_to"] = "DPUPR_KBG"
        made = c.put("/api/v1/routing/rules/jalan-cepat", json=road_rule, headers=headers)
        assert made.is_success
        names = {r["name"] for r in c.get("/api/v1/routing/rules", headers=headers).json()}
    assert "jalan-cepat" in names
    road = "jalan berlubang parah, bahaya buat motor"
    kota = _send(app_ctx, tmp_path / "k2.jsonl", 3, road, "kelurahan.batutulis")
    kab = _send(app_ctx, tmp_path / "b2.jsonl", 4, road, "kel.pondokrajeg")
    with app_ctx.engine.connect() as conn:
        rules = dict(
            conn.execute(
                sa.select(t.cases.c.id, t.cases.c.route_rule).where(
                    t.cases.c.id.in_([kota["id"], kab["id"]])
                )
            ).all()
        )
    assert rules[kab["id"]] == "jalan-cepat" and rules[kota["id"]] == "default:jalan"


@pytest.mark.parametrize(
    ("user", "shown", "hidden"),
    [
        ("operator", "Tegal Gundil", "Pondok Rajeg"),  # names only one of the cities has
        ("operator.kab", "Pondok Rajeg", "Tegal Gundil"),
    ],
)
def test_leaderboards_reports_and_exports_rank_one_city(
    province: Province, login: Callable[[str], Browser], user: str, shown: str, hidden: str
) -> None:
    browser = login(user)
    mine, theirs = ("32.71", KAB) if user == "operator" else (KAB, "32.71")
    board = browser.get("/peringkat")
    assert board.status_code == 200 and shown in board.text and hidden not in board.text
    assert f"/kelurahan/{mine}." in board.text and f"/kelurahan/{theirs}." not in board.text
    api = browser.get("/api/v1/measurement/leaderboards").json()
    codes = {row["code"] for b in api["boards"] for row in b["rows"]}
    assert codes and all(c.startswith(mine) or "." not in c for c in codes), codes
    report = browser.get("/laporan", params={"kind": "weekly"})
    assert report.status_code == 200 and hidden not in report.text
    csv = browser.get("/laporan/unduh/responsivitas-kelurahan.csv", params={"kind": "weekly"})
    assert csv.status_code == 200 and shown in csv.text and hidden not in csv.text


def test_the_province_ranks_the_city_it_chooses(
    province: Province, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.provinsi")
    both = browser.get("/peringkat").text
    assert "Tegal Gundil" in both and "Pondok Rajeg" in both
    one = browser.get(f"/peringkat?kota={KAB}").text
    assert "Pondok Rajeg" in one and "Tegal Gundil" not in one


def test_the_command_centre_and_the_opd_load_are_of_the_city(
    province: Province, login: Callable[[str], Browser]
) -> None:
    kota = login("operator")
    for page in ("/", "/opd", "/peta?period=semua"):
        shown = kota.get(page)
        assert shown.status_code == 200, page
        assert "Kabupaten Bogor" not in shown.text and "pondok rajeg" not in shown.text.lower()
    assert "Kabupaten Bogor" in login("operator.provinsi").get("/opd").text


def test_early_warning_alerts_are_of_the_city(
    province: Province, app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    now = app_ctx.now()
    with app_ctx.engine.begin() as conn:
        for area, opd in (("32.71.01.1001", "DLH"), ("32.01.01.1001", "DLH_KBG")):
            conn.execute(
                sa.insert(t.alerts).values(
                    topic="sampah", level="kelurahan", area=area, opd=opd, count=9,
                    expected=1.0, p_value=0.001, message_ids=[], window_start=now,
                    window_end=now, status="open", raised_at=now, updated_at=now,
                )
            )  # fmt: skip
    kota = login("operator").get("/peringatan").text
    assert "Batu Tulis" in kota and "Pondok Rajeg" not in kota
    both = login("operator.provinsi").get("/peringatan").text
    assert "Batu Tulis" in both and "Pondok Rajeg" in both


def test_an_operator_adds_a_user_of_its_city_from_the_settings_page(
    province: Province, app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    kab = login("operator.kab")
    made = kab.post("/pengaturan/pengguna", {"username": "ops.kab2", "role": "diskominfo"})
    assert made.status_code == 200, made.text
    refused = kab.post(
        "/pengaturan/pengguna",
        {"username": "lurah.x", "role": "kelurahan_admin", "scope": "32.71.01.1001"},
    )
    assert refused.status_code == 422 and "32.71" in refused.text
    with app_ctx.engine.connect() as conn:
        cities = dict(conn.execute(sa.select(t.users.c.username, t.users.c.city)).all())
    assert cities["ops.kab2"] == KAB and "lurah.x" not in cities


def test_a_case_goes_only_to_an_opd_of_its_city(
    province: Province, app_ctx: Context, login: Callable[[str], Browser]
) -> None:
    kab = str(province.kab["ticket"])
    province_ops = CaseActor("operator.provinsi", Role.PROVINCE, Scope())
    with pytest.raises(InvalidInput, match="bukan OPD kota ini"):
        reassign.reassign(app_ctx, kab, opd="DLH", actor=province_ops, note="salah kota")
    kota_ops = CaseActor("operator", Role.DISKOMINFO, Scope(city="32.71"))
    with pytest.raises(Forbidden):
        reassign.reassign(app_ctx, kab, opd="DPUPR_KBG", actor=kota_ops, note="bukan kotanya")
    page = login("operator.provinsi").get(f"/kasus/{province.kab['ticket']}").text
    assert 'value="DPUPR_KBG"' in page and 'value="DPUPR"' not in page
    kasus = login("operator").get("/kasus").text
    assert "Cibinong" not in kasus and "Kabupaten Bogor" not in kasus  # the filters' choices
