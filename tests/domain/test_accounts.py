from __future__ import annotations

import pytest

from paseban.domain.accounts import Role, Scope, scope_for


def test_scopes_by_role() -> None:
    assert scope_for(Role.DISKOMINFO, None).is_city
    assert scope_for(Role.KELURAHAN_ADMIN, "32.71.01.1001") == Scope(wilayah="32.71.01.1001")
    assert scope_for(Role.OPD_OFFICER, "DPUPR") == Scope(opd="DPUPR")
    with pytest.raises(ValueError, match="cakupan"):
        scope_for(Role.KECAMATAN_ADMIN, None)


def test_kecamatan_scope_covers_its_kelurahan_only() -> None:
    scope = Scope(wilayah="32.71.01")
    assert scope.covers_case(kelurahan="32.71.01.1001", kecamatan="32.71.01", opd="DPUPR")
    assert scope.covers_case(kelurahan=None, kecamatan="32.71.01", opd=None)
    assert not scope.covers_case(kelurahan="32.71.05.1002", kecamatan="32.71.05", opd="DPUPR")
    assert not scope.covers_case(kelurahan=None, kecamatan=None, opd=None)


def test_opd_scope_covers_its_cases_only() -> None:
    scope = Scope(opd="DLH")
    assert scope.covers_case(kelurahan="32.71.01.1001", kecamatan="32.71.01", opd="DLH")
    assert not scope.covers_case(kelurahan="32.71.01.1001", kecamatan="32.71.01", opd="DPUPR")
