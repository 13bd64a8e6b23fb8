from __future__ import annotations

import pytest

from paseban.domain.wilayah import Level, head_of, is_within, level_of, parent_of, ticket_prefix


@pytest.mark.parametrize(
    ("code", "level"),
    [
        ("32", Level.PROVINSI),
        ("32.71", Level.KABKOTA),
        ("32.71.01", Level.KECAMATAN),
        ("32.71.01.1001", Level.KELURAHAN),
    ],
)
def test_level_of(code: str, level: Level) -> None:
    assert level_of(code) is level


@pytest.mark.parametrize("bad", ["", "3271", "32.7", "32.71.1", "32.71.01.101", "ab.cd"])
def test_bad_codes_are_refused(bad: str) -> None:
    with pytest.raises(ValueError, match="kode wilayah"):
        level_of(bad)


def test_within_and_parent() -> None:
    assert is_within("32.71.01.1001", "32.71.01")
    assert is_within("32.71.01", "32.71.01")
    assert not is_within("32.71.011", "32.71.01")
    assert parent_of("32.71.01.1001") == "32.71.01"
    assert parent_of("32") is None


@pytest.mark.parametrize(
    ("name", "prefix"),
    [
        ("Kota Bogor", "BGR"),
        ("Kota Bandung", "BND"),
        ("Kabupaten Aceh Barat", "ACH"),
        ("Kota Ai", "AIX"),
    ],
)
def test_ticket_prefix(name: str, prefix: str) -> None:
    assert ticket_prefix(name) == prefix


def test_the_report_names_who_leads_the_area() -> None:
    assert head_of("Kota Bogor") == "Wali Kota"
    assert head_of("Kabupaten Bogor") == "Bupati"
    assert head_of("KABUPATEN BOGOR") == "Bupati"
    assert head_of("Semua kota/kabupaten") == "pimpinan daerah"  # a province's every-city report
    assert head_of("") == "pimpinan daerah"
