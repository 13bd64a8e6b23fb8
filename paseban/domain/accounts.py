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
    DISKOMINFO = "diskominfo"
    KECAMATAN_ADMIN = "kecamatan_admin"
    KELURAHAN_ADMIN = "kelurahan_admin"
    OPD_OFFICER = "opd_officer"
    VIEWER = "viewer"


ROLE_LABELS: dict[Role, str] = {
    Role.DISKOMINFO: "Operator Diskominfo",
    Role.KECAMATAN_ADMIN: "Admin kecamatan",
    Role.KELURAHAN_ADMIN: "Admin kelurahan",
    Role.OPD_OFFICER: "Petugas OPD",
    Role.VIEWER: "Pemantau (baca saja)",
}

# which kind of scope each role needs: a wilayah level, an OPD, or nothing (the whole city)
ROLE_SCOPE: dict[Role, str | None] = {
    Role.DISKOMINFO: None,
    Role.KECAMATAN_ADMIN: "kecamatan",
    Role.KELURAHAN_ADMIN: "kelurahan",
    Role.OPD_OFFICER: "opd",
    Role.VIEWER: None,
}

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

    @property
    def wilayah_code(self) -> str | None:
        return None if self.owner_kind is OwnerKind.OPD else self.owner_code


@dataclass(frozen=True)
class Scope:
    """What a user may see: everything, a wilayah (and what lies inside it), or one OPD."""

    wilayah: str | None = None
    opd: str | None = None

    @property
    def is_city(self) -> bool:
        return self.wilayah is None and self.opd is None

    def covers_wilayah(self, code: str | None) -> bool:
        if self.is_city:
            return True
        if self.wilayah is None or code is None:
            return False
        return is_within(code, self.wilayah)

    def covers_case(self, *, kelurahan: str | None, kecamatan: str | None, opd: str | None) -> bool:
        """The one scope rule of cases: an OPD sees the cases routed to it; a wilayah sees the
        cases whose place (the kelurahan, or the kecamatan when no kelurahan is known) lies
        within it, so a kecamatan or city-wide scope sees a case placed only in a kecamatan, and
        no wilayah sees a case with no place. The case reads' SQL (`services/cases/reads._scoped`)
        is this rule written as a query; tests/services/cases/test_one_scope.py holds them equal."""
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


def scope_for(role: Role, scope_code: str | None) -> Scope:
    needs = ROLE_SCOPE[role]
    if needs is None:
        return Scope()
    if not scope_code:
        raise ValueError(f"peran {role.value} membutuhkan cakupan ({needs})")
    return Scope(opd=scope_code) if needs == "opd" else Scope(wilayah=scope_code)
