"""Place without false alarms: evidence before a place, no place of ours in another city's text,
and streets as data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from paseban import reference
from paseban.nlp import analyze, labelled, streets
from paseban.nlp.place import Gazetteer

CITY_ACCOUNT = "32.71"  # the message reached an account of the city (no kelurahan to fall back on)


def place_of(text: str, account: str | None = None) -> tuple[str | None, str | None]:
    found = analyze(text, account=account).place
    return found.kelurahan, found.kecamatan


@pytest.mark.parametrize(
    "text",
    [
        "mending ke gunung atau ke pantai ya",
        "palem dan kelapa di halaman",
        "celana sempak dijemur",
        "skr sudah vaksin dua kali",  # "skr" is sekarang, not Sukaresmi
        "star anise sama kayu manis buat wedang",
        "mereka datang bondong bondong ke sentra vaksin",
    ],
)
def test_ordinary_words_are_no_place(text: str) -> None:
    assert place_of(text) == (None, None)


@pytest.mark.parametrize(
    "text",
    [
        "banjir di menteng jakarta pusat sudah sepinggang",
        "vaksin di balai kota semarang penuh terus",
        "kab. bogor: jalan di sukasari cibinong rusak",
        "jalan rusak di kota tegal",
    ],
)
def test_text_about_another_city_gets_no_place_of_ours(text: str) -> None:
    found = analyze(text).place
    assert (found.kelurahan, found.kecamatan) == (None, None)
    assert "daerah lain" in found.reason


def test_a_kelurahan_after_a_place_word_is_ours_even_beside_another_city() -> None:
    text = "saya pindahan dari jakarta ke kelurahan kayu manis, KTP belum jadi"
    assert place_of(text) == ("32.71.06.1010", "32.71.06")
    assert place_of("sampah di tegal gundul numpuk") == ("32.71.05.1002", "32.71.05")


def test_misspellings_need_a_place_word_or_rt_rw() -> None:
    assert place_of("jalan rusak di kel. kebon pedas") == ("32.71.06.1002", "32.71.06")
    assert place_of("got mampet warga rt 3/1 cikret") == ("32.71.01.1008", "32.71.01")
    assert place_of("kangen ciluwar") == ("32.71.05.1006", "32.71.05")  # long and close: taken


def test_the_same_street_written_two_ways_lands_in_the_same_kelurahan() -> None:
    a = analyze("lampu jalan mati di Jl. Lolongok").place
    b = analyze("jalan lolongok empang gelap, pju mati").place
    c = analyze("lampu mati jalan lolongok", account="32.71.01.1001").place  # Batu Tulis account
    assert a.street == b.street == c.street == "Jl. Lolongok"
    assert a.kelurahan == b.kelurahan == c.kelurahan == "32.71.01.1003"
    assert c.source == "text"


def test_a_street_many_cities_have_places_only_messages_about_our_city() -> None:
    assert place_of("jl pahlawan gelap total") == (None, None)
    assert analyze("jl pahlawan gelap total").place.street == "Jl. Pahlawan"
    assert place_of("jl pahlawan gelap total", CITY_ACCOUNT) == (None, "32.71.01")
    assert place_of("kota bogor: jl pahlawan gelap total") == (None, "32.71.01")
    assert place_of("vaksin di balai kota", CITY_ACCOUNT) == ("32.71.03.1003", "32.71.03")
    assert place_of("vaksin di balai kota") == (None, None)


def test_a_name_inside_a_street_name_counts_only_where_the_street_runs() -> None:
    assert place_of("jl. batutulis retak") == ("32.71.01.1001", "32.71.01")
    assert place_of("jl suryakencana macet") == (None, "32.71.03")  # not Kencana
    assert place_of("jl. semplak cilendek barat berlubang") == ("32.71.04.1008", "32.71.04")


def test_the_account_fallback_says_when_the_street_runs_through_it() -> None:
    found = analyze("jl. pajajaran macet", account="32.71.03.1007").place
    assert (found.kelurahan, found.source, found.street) == (
        "32.71.03.1007",
        "fallback",
        "Jl. Pajajaran",
    )
    assert "dilalui Jl. Pajajaran" in found.reason and found.confidence > 0.5


def test_streets_come_from_rows_that_staff_can_edit() -> None:
    data = reference.bundled("32.71")
    rows = [{"name": "Jl. Kenari", "aliases": "kenari|kenari raya", "kelurahan": "32.71.05.1002"}]
    gazetteer = Gazetteer(data.wilayah, data.landmarks, streets.from_rows(rows))
    found = gazetteer.locate("", "got mampet di jalan kenari raya")
    assert (found.kelurahan, found.street) == ("32.71.05.1002", "Jl. Kenari")
    assert gazetteer.locate("", "jl. lolongok gelap").kelurahan is None  # not in this table
    with pytest.raises(ValueError, match="Salah"):
        streets.from_rows([{"name": "Jl. Salah", "kelurahan": "32.71.99"}])


def test_the_street_table_knows_every_street_of_the_corpus_and_the_sample() -> None:
    data = reference.bundled("32.71")
    codes = {w.code for w in data.wilayah}
    table = streets.bundled("32.71")
    assert all(code in codes for s in table for code in s.kelurahan)
    gazetteer = Gazetteer(data.wilayah, data.landmarks)
    named = {e.street for e in labelled.read() if e.street and e.street.startswith("Jl.")}
    sample = Path(reference.__file__).parent / "data" / "sample" / "messages.jsonl"
    for line in sample.read_text(encoding="utf-8").splitlines():
        found = gazetteer.locate("", json.loads(line)["text"], fallback=CITY_ACCOUNT)
        if found.street:
            named.add(found.street)
    unknown = sorted(n for n in named if not gazetteer._streets(streets.form(n).split()))
    assert not unknown
    assert len(named) >= 50


def test_place_accuracy_on_messages_that_name_only_a_street_or_a_landmark() -> None:
    path = labelled.corpus_dir() / "checks" / "places.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    right = 0
    for row in rows:
        found = analyze(row["text"], account=CITY_ACCOUNT).place
        right += (found.kelurahan, found.kecamatan) == (row["kelurahan"], row["kecamatan"])
    assert len(rows) >= 50 and right / len(rows) >= 0.95
