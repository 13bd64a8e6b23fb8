"""Official accounts and the people who work them: roles and scopes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from paseban.domain.wilayah import is_within


class Platform(StrEnum):
    INSTAGRAM = "instagram"
    FACEBOOK = "facebook"
    WHATSAPP = "whatsapp"
    X = "x"
    YOUTUBE = "youtube"
    TIKTOK = "tiktok"
    FILE = "file"  # imported platform export
    MANUAL = "manual"  # complaint heard offline ("warga lapor langsung")
    OPEN311 = "open311"  # another civic app, through the Open311 API (one account per API key)


# the names of the sources that are not a platform's connector; a platform's name is its
# connector's (`Connector.labels`), and `Registry.platform_label` answers for both
SOURCE_LABELS: dict[str, str] = {
    Platform.FILE: "berkas ekspor",
    Platform.MANUAL: "lapor langsung",
    Platform.OPEN311: "aplikasi lain (Open311)",
}


class OwnerKind(StrEnum):
    KELURAHAN = "kelurahan"
    KECAMATAN = "kecamatan"
    CITY = "city"
    OPD = "opd"


class Role(StrEnum):
    PROVINCE = "province_operator"  # a province's Diskominfo: every city of the deployment
    DISKOMINFO = "diskominfo"
    KECAMATAN_ADMIN = "kecamatan_admin"
    KELURAHAN_ADMIN = "kelurahan_admin"
    OPD_OFFICER = "opd_officer"
    VIEWER = "viewer"


ROLE_LABELS: dict[Role, str] = {
    Role.PROVINCE: "Operator provinsi",
    Role.DISKOMINFO: "Operator Diskominfo",
    Role.KECAMATAN_ADMIN: "Admin kecamatan",
    Role.KELURAHAN_ADMIN: "Admin kelurahan",
    Role.OPD_OFFICER: "Petugas OPD",
    Role.VIEWER: "Pemantau (baca saja)",
}

# which kind of scope each role needs: a wilayah level, an OPD, or nothing (the whole city;
# for the province role every city)
ROLE_SCOPE: dict[Role, str | None] = {
    Role.PROVINCE: None,
    Role.DISKOMINFO: None,
    Role.KECAMATAN_ADMIN: "kecamatan",
    Role.KELURAHAN_ADMIN: "kelurahan",
    Role.OPD_OFFICER: "opd",
    Role.VIEWER: None,
}

# the roles that run the desk of a whole city: Diskominfo (their city) and the province role
# (every city); what one may do the other may, each within its scope
OPERATORS = frozenset({Role.DISKOMINFO, Role.PROVINCE})

HANDLE_PATTERN = re.compile(r"^[\w.@+\-]{1,100}$")


@dataclass(frozen=True)
class Account:
    platform: Platform
    handle: str
    owner_kind: OwnerKind
    owner_code: str  # wilayah code for kelurahan/kecamatan/city, OPD code for opd
    platform_account_id: str | None = None
    name: str = ""
    id: int | None = None
    city: str | None = None  # the kota/kabupaten (services.people.scopes.account_city)

    @property
    def wilayah_code(self) -> str | None:
        return None if self.owner_kind is OwnerKind.OPD else self.owner_code


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything, a wilayah (and what lies inside it), or one OPD, all
    within one city (`city`, a kota/kabupaten code) or, for the province role (city None),
    within every city of the deployment."""

    wilayah: str | None = None
    opd: str | None = None
    city: str | None = None

    @property
    def is_city(self) -> bool:
        """A whole city (a Diskominfo operator) or every city (the province role)."""
        return self.wilayah is None and self.opd is None

    @property
    def is_province(self) -> bool:
        return self.is_city and self.city is None

    def covers_city(self, city: str | None) -> bool:
        return self.city is None or city == self.city

    def covers_wilayah(self, code: str | None) -> bool:
        if self.is_city:  # a wilayah code names its city: 32.01.x is never Kota Bogor's
            return self.city is None or code is None or is_within(code, self.city)
        if self.wilayah is None or code is None:
            return False
        return is_within(code, self.wilayah)

    def covers_case(
        self,
        *,
        kelurahan: str | None,
        kecamatan: str | None,
        opd: str | None,
        city: str | None,
    ) -> bool:
        """The one scope rule of cases: a case of another city is never seen; within the city,
        an OPD sees the cases routed to it; a wilayah sees the
        cases whose place (the kelurahan, or the kecamatan when no kelurahan is known) lies
        within it, so a kecamatan or city-wide scope sees a case placed only in a kecamatan, and
        no wilayah sees a case with no place. The case reads' SQL (`services/cases/reads._scoped`)
        is this rule written as a query; tests/services/cases/test_one_scope.py holds them equal."""
        if not self.covers_city(city):
            return False
        if self.is_city:
            return True
        if self.opd is not None:
            return opd == self.opd
        return self.covers_wilayah(kelurahan or kecamatan)


OWNER_KIND_LABELS: dict[OwnerKind, str] = {
    OwnerKind.KELURAHAN: "kelurahan",
    OwnerKind.KECAMATAN: "kecamatan",
    OwnerKind.CITY: "kota",
    OwnerKind.OPD: "OPD",
}


def scope_label(code: str | None, names: dict[str, str]) -> str:
    """A scope as people say it: "Kelurahan Batu Tulis", "Dinas Lingkungan Hidup (DLH)", or
    "seluruh kota"; `names` holds the city's wilayah and OPD names by code."""
    if not code:
        return "seluruh kota"
    return names.get(code, code)


def scope_for(role: Role, scope_code: str | None, city: str | None = None) -> Scope:
    """A user's or token's scope: the province role sees every city; every other role is held
    to its `city` (None in a one-city database written before migration 0022 means no limit)."""
    needs = ROLE_SCOPE[role]
    if role is Role.PROVINCE:
        return Scope()
    if needs is None:
        return Scope(city=city)
    if not scope_code:
        raise ValueError(f"peran {role.value} membutuhkan cakupan ({needs})")
    if needs == "opd":
        return Scope(opd=scope_code, city=city)
    return Scope(wilayah=scope_code, city=city)
