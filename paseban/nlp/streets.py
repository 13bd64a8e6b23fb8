"""A city's streets as data: the name people see, the ways citizens write it, and the kelurahan
each street runs through.

Three reports of one dead street light on "Jl. Lolongok" became two cases because the place finder
knew no streets: one was placed by the receiving account, one by "empang". With the streets as data,
"jalan lolongok empang" and "Jl. Lolongok" land on the same street and the same kelurahan.

The rows have the shape of a table that staff can edit (`from_rows` takes dicts, from the bundled
CSV today and from the database later); `bundled` reads the CSV shipped for Kota Bogor
(`places/bogor-streets.csv`). Pure: no IO beyond reading that package file."""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
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


def from_rows(rows: Iterable[Mapping[str, str | None]]) -> list[Street]:
    """Streets from table rows (name, aliases, alone, kelurahan, generic, source; lists separated
    by "|"; generic is "ya" or empty).

    Rows without a name are skipped; a kelurahan code that is not a Kemendagri kelurahan code
    raises ValueError naming the street, so a typo made while editing is caught when loading."""
    out: list[Street] = []
    for row in rows:
        name = (row.get("name") or "").strip()
        if not name:
            continue

        codes = tuple(c.strip() for c in (row.get("kelurahan") or "").split("|") if c.strip())
        bad = [c for c in codes if not _KODE.match(c)]
        if bad:
            raise ValueError(f"jalan {name!r}: kode kelurahan tidak sah: {', '.join(bad)}")
        bare = form(re.sub(r"^(jl|jln|jalan)\.?\s+", "", name, flags=re.I))
        aliases = tuple(dict.fromkeys([bare, *_split(row.get("aliases"))]))
        alone = _split(row.get("alone"))
        generic = (row.get("generic") or "").strip().lower() in ("ya", "yes", "true", "1")
        source = (row.get("source") or "").strip()
        out.append(Street(name, aliases, alone, codes, generic, source))
    return out


def _split(value: str | None) -> tuple[str, ...]:
    parts = (form(p) for p in (value or "").split("|"))
    return tuple(dict.fromkeys(p for p in parts if p))


@lru_cache(maxsize=4)
def bundled(city_code: str) -> tuple[Street, ...]:
    """The street table shipped for a city (empty for cities without one)."""
    filename = BUNDLED.get(city_code)
    if filename is None:
        return ()
    node = resources.files("paseban.nlp.places").joinpath(filename)
    with node.open(encoding="utf-8") as f:
        return tuple(from_rows(csv.DictReader(f)))
