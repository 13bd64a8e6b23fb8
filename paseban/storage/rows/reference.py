"""The rows of the city's reference data as the settings pages, the API and the CLI list them:
OPDs, topics and the streets the place finder reads."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict


class OpdRow(TypedDict):
    """`opds`: a department (or kecamatan/kelurahan office) cases are routed to."""

    code: str
    name: str
    handles: str  # its own accounts' handles, comma separated
    kind: str
    active: bool
    city: str  # the kota/kabupaten whose department it is (migration 0022)


class TopicRow(TypedDict):
    """`topics`: what a complaint is about, and the OPD it goes to unless a rule says otherwise."""

    code: str
    name: str
    examples: str
    default_opd: str
    notes: str
    active: bool


class StreetRow(TypedDict):
    """`streets`: one street of the city's table (Pengaturan › Jalan) the place finder reads."""

    id: int
    name: str
    aliases: list[str]  # after "jl", "jalan"
    alone: list[str]  # distinctive without "jalan"
    kelurahan: list[str]  # codes of the kelurahan it runs through
    generic: bool  # a name many cities have
    source: str
    updated_at: datetime
    updated_by: str
