"""A city's streets as data: the name people see, the ways citizens write it, and the kelurahan
each street runs through.

Three reports of one dead street light on "Jl. Lolongok" became two cases because the place finder
knew no streets: one was placed by the receiving account, one by "empang". With the streets as data,
"jalan lolongok empang" and "Jl. Lolongok" land on the same street and the same kelurahan.

The rows have the shape of the table that Diskominfo edits in the dashboard (Pengaturan › Jalan):
`from_rows` takes them from the database or from the CSV shipped for Kota Bogor
(`places/bogor-streets.csv`, which seeds that table; `bundled` reads it), and `check` says what
is wrong with a row a person typed before it is stored. Pure: no IO beyond reading that file."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

# cities with a bundled street table: city code -> file under paseban/nlp/places
BUNDLED = {"32.71": "bogor-streets.csv"}
_KODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")


def form(text: str) -> str:
    """The comparable form of a name: lower case, letters and digits, single spaces."""
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


@dataclass(frozen=True)
class Street:
    name: str  # as shown and stored: "Jl. Lolongok"
    aliases: tuple[str, ...]  # forms that name it after "jl", "jln", "jalan": "lolongok"
    alone: tuple[str, ...]  # forms distinctive enough without a street word: "pajajaran"
    kelurahan: tuple[str, ...]  # Kemendagri codes of the kelurahan it runs through
    # a name many cities have (Jl. Sudirman, Jl. Pahlawan): it places a message only when the
    # message is known to be about our city (it reached one of our accounts, or names the city)
    generic: bool = False
    source: str = ""  # where the kelurahan list comes from (shown to staff who edit it)


Value = str | Sequence[str] | bool | None


def from_rows(rows: Iterable[Mapping[str, Value]]) -> list[Street]:
    """Streets from table rows (name, aliases, alone, kelurahan, generic, source). A list is a
    sequence (the database) or a string separated by "|" (the CSV); generic is a boolean or
    "ya"/empty.

    Rows without a name are skipped; a kelurahan code that is not a Kemendagri kelurahan code
    raises ValueError naming the street, so a typo made while editing is caught when loading."""
    out: list[Street] = []
    for row in rows:
        name = _text(row.get("name"))
        if not name:
            continue
        codes = tuple(dict.fromkeys(c.strip() for c in _items(row.get("kelurahan")) if c.strip()))
        bad = [c for c in codes if not _KODE.match(c)]
        if bad:
            raise ValueError(f"jalan {name!r}: kode kelurahan tidak sah: {', '.join(bad)}")
        aliases = tuple(dict.fromkeys([bare_name(name), *_forms(row.get("aliases"))]))
        alone = _forms(row.get("alone"))
        flag = row.get("generic")
        generic = flag if isinstance(flag, bool) else _text(flag).lower() in _YES
        out.append(Street(name, aliases, alone, codes, generic, _text(row.get("source"))))
    return out


_YES = ("ya", "yes", "true", "1")


def bare_name(name: str) -> str:
    """The name without its street word: "Jl. Lolongok" -> "lolongok"."""
    return form(re.sub(r"^(jl|jln|jalan)\.?\s+", "", name.strip(), flags=re.I))


def _text(value: Value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _items(value: Value) -> list[str]:
    if isinstance(value, str):
        return value.split("|")
    if isinstance(value, bool) or value is None:
        return []
    return [str(v) for v in value]


def _forms(value: Value) -> tuple[str, ...]:
    return tuple(dict.fromkeys(f for f in (form(p) for p in _items(value)) if f))


MAX_FORMS = 20
MIN_ALONE = 5  # letters of a name that stands without "jalan"


def check(street: Street, *, kelurahan: Iterable[str], everyday: frozenset[str]) -> list[str]:
    """What is wrong with a street a person entered (empty when nothing), in words for staff:
    a name without letters, too many forms, a kelurahan that is not one of the city's, and a
    form without "jalan" that is an everyday word or too short (it would place every message
    that uses the word: "pasar", "raya")."""
    problems: list[str] = []
    if not bare_name(street.name):
        problems.append("nama jalan harus memuat huruf, mis. 'Jl. Lolongok'")
    if len(street.name) > 200:
        problems.append("nama jalan paling banyak 200 karakter")
    if len(street.aliases) > MAX_FORMS or len(street.alone) > MAX_FORMS:
        problems.append(f"paling banyak {MAX_FORMS} cara tulis per daftar")
    if any(len(a) > 60 for a in (*street.aliases, *street.alone)):
        problems.append("satu cara tulis paling banyak 60 karakter")
    ours = set(kelurahan)
    strange = [c for c in street.kelurahan if c not in ours]
    if strange:
        problems.append(f"kelurahan tidak dikenal di kota ini: {', '.join(strange)}")
    for alone in street.alone:
        words = alone.split()
        if len(alone.replace(" ", "")) < MIN_ALONE:
            problems.append(
                f"'{alone}' terlalu pendek untuk dikenali tanpa kata 'jalan' "
                f"(minimal {MIN_ALONE} huruf)"
            )
        elif all(w in everyday or w.isdigit() for w in words):
            problems.append(
                f"'{alone}' adalah kata sehari-hari: tanpa kata 'jalan' ia akan menempatkan "
                "pesan yang tidak menyebut jalan ini"
            )
    return problems


@lru_cache(maxsize=4)
def bundled(city_code: str) -> tuple[Street, ...]:
    """The street table shipped for a city (empty for cities without one)."""
    filename = BUNDLED.get(city_code)
    if filename is None:
        return ()
    node = resources.files("paseban.nlp.places").joinpath(filename)
    with node.open(encoding="utf-8") as f:
        return tuple(from_rows(csv.DictReader(f)))
