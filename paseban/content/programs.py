"""Priority programs: what the city wants told, with the facts, hashtags and official names."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]{1,39}$")
HASHTAG_PATTERN = re.compile(r"^#[\w]{2,60}$")


@dataclass(frozen=True)
class Fact:
    """One fact or achievement with where it comes from ("sumber") and when it held."""

    text: str
    source: str = ""
    as_of: date | None = None


@dataclass(frozen=True)
class Program:
    code: str
    name: str  # the official name, spelled as the city spells it
    owner_opd: str  # the OPD that owns it
    summary: str = ""
    key_messages: tuple[str, ...] = ()
    facts: tuple[Fact, ...] = ()
    achievements: tuple[Fact, ...] = ()
    hashtags: tuple[str, ...] = ()
    official_names: tuple[str, ...] = ()  # other official forms: abbreviations, full names
    misspellings: tuple[str, ...] = field(default=())  # common wrong forms seen in drafts
    active: bool = True
    id: int | None = None
    is_sample: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Every form a draft may use to name the program."""
        return (self.name, *self.official_names)


def normalize_hashtag(raw: str) -> str:
    tag = raw.strip()
    if not tag:
        return ""
    return tag if tag.startswith("#") else f"#{tag}"


def hashtags_in(text: str) -> list[str]:
    return re.findall(r"#\w+", text)


def validate_program(program: Program, *, opd_codes: set[str]) -> list[str]:
    """Problems in Bahasa Indonesia; empty when the program can be stored."""
    problems: list[str] = []
    if not CODE_PATTERN.match(program.code):
        problems.append(
            f"kode program {program.code!r} tidak sah (huruf kecil, angka, - atau _, 2-40 huruf)"
        )
    if not program.name.strip():
        problems.append("nama resmi program wajib diisi")
    elif len(program.name) > 200:
        problems.append("nama resmi program terlalu panjang (maks. 200 huruf)")
    if not program.owner_opd:
        problems.append("pilih OPD pemilik program")
    elif program.owner_opd not in opd_codes:
        problems.append(f"OPD pemilik {program.owner_opd!r} tidak dikenal")
    for tag in program.hashtags:
        if not HASHTAG_PATTERN.match(tag):
            problems.append(f"tagar {tag!r} tidak sah (contoh: #BogorBerlari, tanpa spasi)")
    for fact in (*program.facts, *program.achievements):
        if not fact.text.strip():
            problems.append("fakta/capaian tidak boleh kosong")
    if not program.key_messages:
        problems.append("isi sedikitnya satu pesan kunci")
    return problems
