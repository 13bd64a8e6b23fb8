from __future__ import annotations

import pytest

from paseban.domain.accounts import Role, Scope, scope_for
from paseban.domain.wilayah import ticket_prefix


def test_scopes_by_role() -> None:
    assert scope_for(Role.DISKOMINFO, None).is_city
    assert scope_for(Role.KELURAHAN_ADMIN, "32.71.01.1001") == Scope(wilayah="32.71.01.1001")
    assert scope_for(Role.OPD_OFFICER, "DPUPR") == Scope(opd="DPUPR")
    with pytest.raises(ValueError, match="cakupan"):
        scope_for(Role.KECAMATAN_ADMIN, None)


def test_kecamatan_scope_covers_its_kelurahan_only() -> None:
    scope = Scope(wilayah="32.71.01")
    assert scope.covers_case(
        kelurahan="32.71.01.1001", kecamatan="32.71.01", opd="DPUPR", city="32.71"
    )
    assert scope.covers_case(kelurahan=None, kecamatan="32.71.01", opd=None, city="32.71")
    assert not scope.covers_case(
        kelurahan="32.71.05.1002", kecamatan="32.71.05", opd="DPUPR", city="32.71"
    )
    assert not scope.covers_case(kelurahan=None, kecamatan=None, opd=None, city="32.71")


def test_opd_scope_covers_its_cases_only() -> None:
    scope = Scope(opd="DLH")
    assert scope.covers_case(
        kelurahan="32.71.01.1001", kecamatan="32.71.01", opd="DLH", city="32.71"
    )
    assert not scope.covers_case(
        kelurahan="32.71.01.1001", kecamatan="32.71.01", opd="DPUPR", city="32.71"
    )


KOTA, KAB = "32.71", "32.01"  # Kota Bogor, Kabupaten Bogor: one province's deployment


def test_a_city_scope_sees_nothing_of_another_city() -> None:
    kota = scope_for(Role.DISKOMINFO, None, KOTA)
    assert kota == Scope(city=KOTA) and kota.is_city and not kota.is_province
    assert kota.covers_case(kelurahan="32.71.01.1001", kecamatan="32.71.01", opd="DLH", city=KOTA)
    assert not kota.covers_case(kelurahan=None, kecamatan=None, opd=None, city=KAB)
    assert not kota.covers_case(kelurahan="32.01.01.2001", kecamatan=None, opd="DLH", city=KAB)
    assert kota.covers_wilayah("32.71.01.1001") and not kota.covers_wilayah("32.01.01.2001")


def test_the_province_role_sees_every_city() -> None:
    province = scope_for(Role.PROVINCE, None, KOTA)  # a stray city never narrows it
    assert province == Scope() and province.is_province
    for city in (KOTA, KAB):
        assert province.covers_case(kelurahan=None, kecamatan=None, opd=None, city=city)
    assert province.covers_wilayah("32.01.01.2001")


def test_a_kelurahan_admin_and_an_opd_officer_stay_in_their_city() -> None:
    lurah = scope_for(Role.KELURAHAN_ADMIN, "32.71.01.1001", KOTA)
    assert lurah.covers_case(kelurahan="32.71.01.1001", kecamatan=None, opd=None, city=KOTA)
    assert not lurah.covers_case(kelurahan="32.71.01.1001", kecamatan=None, opd=None, city=KAB)
    dlh = scope_for(Role.OPD_OFFICER, "DLH", KOTA)
    assert dlh.covers_case(kelurahan=None, kecamatan=None, opd="DLH", city=KOTA)
    # Kabupaten Bogor's DLH has its own key (DLH_KBG); even a case drifted to "DLH" there is not
    # Kota Bogor's
    assert not dlh.covers_case(kelurahan=None, kecamatan=None, opd="DLH", city=KAB)
    assert not dlh.covers_case(kelurahan=None, kecamatan=None, opd="DLH_KBG", city=KAB)


def test_ticket_prefixes_stay_unique_in_a_province() -> None:
    assert ticket_prefix("Kota Bogor") == "BGR"
    assert ticket_prefix("Kabupaten Bogor", taken={"BGR"}) == "KBG"
    assert ticket_prefix("Kota Bogor", taken={"BGR"}) == "TBG"
    assert ticket_prefix("Kabupaten Bogor", taken={"BGR", "KBG"}) == "BG2"
