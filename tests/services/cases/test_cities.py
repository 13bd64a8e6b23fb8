"""A province's deployment (issue 17, item 5): a message on a city's account becomes a case of
that city, placed with its gazetteer, routed by its rules to its own OPD, numbered with its
ticket prefix, joined only to its own cases; a city's parameters are its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.domain.cases import Actor
from paseban.errors import Forbidden, InvalidInput
from paseban.services.cases import merging, open311, reads
from paseban.services.cases import routing as routing_service
from paseban.services.people import accounts, notify
from paseban.services.reference import store as reference
from tests.services.conftest import Desk

KAB = "32.01"
KAB_ACCOUNTS = """platform,handle,platform_account_id,owner_kind,owner_code,name
instagram,kel.pondokrajeg,3001,kelurahan,32.01.01.1001,Kelurahan Pondok Rajeg
instagram,pemkabbogor,3000,city,32.01,Pemkab Bogor
"""
TRASH = "sampah numpuk di pinggir jalan, bau banget"


@pytest.fixture
def province(ctx: Context, tmp_path: Path) -> Desk:
    desk = Desk(ctx, tmp_path)  # Kota Bogor and its accounts
    reference.load(ctx, KAB)
    path = tmp_path / "kab.csv"
    path.write_text(KAB_ACCOUNTS, encoding="utf-8")
    accounts.import_csv(ctx, path)
    return desk


def test_each_city_routes_to_its_own_opd_with_its_own_prefix(province: Desk) -> None:
    kota = province.send(TRASH)
    kab = province.send(TRASH, account="kel.pondokrajeg")
    assert kota is not None and kab is not None and kota["id"] != kab["id"]
    assert kota["city"] == "32.71" and kota["opd"] == "DLH" and kota["ticket"].startswith("BGR-")
    assert kab["city"] == KAB and kab["opd"] == "DLH_KBG" and kab["ticket"].startswith("KBG-")
    assert kab["kelurahan"] == "32.01.01.1001"  # the account's own place, in its city
    detail = reads.get_case(province.ctx, kab["id"])
    assert "Kabupaten Bogor" in (detail["opd_name"] or "")


def test_a_place_is_read_with_the_city_gazetteer(province: Desk) -> None:
    kab = province.send("sampah numpuk di kecamatan Cibinong, bau", account="pemkabbogor")
    assert kab is not None and kab["city"] == KAB and kab["kecamatan"] == "32.01.01"


def test_another_city_ticket_named_in_a_message_is_not_joined(province: Desk) -> None:
    kota = province.send(TRASH)
    assert kota is not None
    asked = province.send(
        f"min tiket {kota['ticket']} sampai mana ya, sampah numpuk juga di sini",
        account="kel.pondokrajeg",
        author="tetangga",
    )
    assert asked is None or asked["id"] != kota["id"]
    assert province.case(kota["id"])["report_count"] == 1


def test_a_city_scope_neither_lists_nor_acts_on_the_other_city(province: Desk) -> None:
    kota = province.send(TRASH)
    kab = province.send(TRASH, account="kel.pondokrajeg")
    assert kota is not None and kab is not None
    ops = Actor("op.kota", Role.DISKOMINFO, Scope(city="32.71"))
    listed, total = reads.list_cases(province.ctx, scope=ops.scope)
    assert [c["id"] for c in listed] == [kota["id"]] and total == 1
    province_ops = Actor("op.prov", Role.PROVINCE, Scope())
    both, _ = reads.list_cases(province.ctx, scope=province_ops.scope)
    assert {c["id"] for c in both} == {kota["id"], kab["id"]}
    with pytest.raises(Forbidden):
        merging.merge(province.ctx, kab["id"], [kota["id"]], actor=ops, note="sama")
    with pytest.raises(InvalidInput, match="kota/kabupaten lain"):
        merging.merge(province.ctx, kab["id"], [kota["id"]], actor=province_ops, note="sama")


def test_auto_forward_is_a_city_parameter(province: Desk) -> None:
    routing_service.set_auto_forward(province.ctx, True, actor="uji", city=KAB)
    kota = province.send(TRASH)
    kab = province.send(TRASH, account="kel.pondokrajeg")
    assert kota is not None and kab is not None
    assert kota["status"] == "received"  # Kota Bogor keeps verifying first
    assert kab["status"] == "forwarded"


def test_an_open311_key_of_a_city_opens_that_city_cases(province: Desk) -> None:
    ctx = province.ctx
    key = open311.add_key(ctx, "aplikasi-kab", kota=KAB)
    assert [k["city"] for k in open311.list_keys(ctx, KAB)] == [KAB]
    assert open311.list_keys(ctx, "32.71") == []
    made = open311.create_request(
        ctx,
        open311.NewRequest(
            "sampah", address_string="dekat pasar", description=TRASH, attributes=()
        ),
        api_key=key,
    )
    case = province.case(str(made["service_request_id"]))
    assert case["city"] == KAB and case["ticket"].startswith("KBG-") and case["opd"] == "DLH_KBG"
    with pytest.raises(open311.Open311Error, match="kelurahan"):  # not a kelurahan of its city
        open311.create_request(
            ctx,
            open311.NewRequest(
                "sampah",
                address_string="x",
                description=TRASH,
                attributes=(("kelurahan", "32.71.01.1001"),),
            ),
            api_key=key,
        )
    with pytest.raises(InvalidInput, match=r"99\.99"):
        open311.add_key(ctx, "salah", kota="99.99")


def test_alerts_and_escalations_reach_the_city_operators(province: Desk) -> None:
    ctx = province.ctx
    ids = {
        name: accounts.add_user(ctx, name, role=role, kota=kota, email=f"{name}@jabar.go.id")
        for name, role, kota in [
            ("ops.kota", "diskominfo", "32.71"),
            ("ops.kab", "diskominfo", KAB),
            ("ops.prov", "province_operator", None),
        ]
    }
    with ctx.engine.connect() as conn:
        alerted = set(notify.alert_recipients(conn, "DLH_KBG", "32.01.01.1001"))
        escalated = set(notify.escalation_recipients(conn, ["diskominfo"], city=KAB))
    assert alerted == escalated == {ids["ops.kab"], ids["ops.prov"]}


def test_neighbouring_kelurahan_are_those_of_the_city(province: Desk) -> None:
    """A case belongs to one city: a city's neighbour table holds its own kelurahan only (a
    desa across the border may be as near, but is never asked for), so a province's deployment
    does not compare every kelurahan of every city in each batch the analysis stores."""
    import sqlalchemy as sa

    from paseban.services.cases.triage import neighbours
    from paseban.storage import tables as t

    w = t.wilayah
    with province.ctx.engine.begin() as conn:  # two desa just across the border, with centres
        centre = conn.execute(
            sa.select(w.c.lat, w.c.lon).where(w.c.code.startswith("32.71."), w.c.level == 4)
        ).first()
        assert centre is not None
        desa = (
            conn.execute(
                sa.select(w.c.code).where(w.c.code.startswith("32.01."), w.c.level == 4).limit(2)
            )
            .scalars()
            .all()
        )
        for n, code in enumerate(desa):
            conn.execute(
                sa.update(w)
                .where(w.c.code == code)
                .values(lat=centre.lat + 0.001 * n, lon=centre.lon)
            )
    with province.ctx.engine.connect() as conn:
        kota, kab = neighbours(conn, "32.71"), neighbours(conn, KAB)
        everything = neighbours(conn, None)
    assert kota and all(code.startswith("32.71.") for code in kota)
    assert all(n.startswith("32.71.") for near in kota.values() for n in near)
    assert set(kab) == set(desa) and kab[desa[0]] == {desa[1]}
    assert any(n.startswith("32.01.") for code in kota for n in everything[code])  # no city: all
    assert any(near for near in kota.values())  # the city's own neighbours are still found
