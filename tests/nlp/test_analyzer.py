from __future__ import annotations

import pytest

from paseban.nlp import analyze, analyze_batch


def test_seed_example() -> None:
    a = analyze("min jln di deket psr bogor bolong2 parahhh udh 2 minggu gk dibenerin 😡")
    assert a.intent.label == "aduan"
    assert a.topic.label == "jalan"
    assert a.place.kelurahan == "32.71.03.1008"  # Babakan Pasar, where Pasar Bogor stands
    assert a.place.source == "text"
    assert "pasar bogor" in a.place.reason
    assert 0 < a.intent.confidence <= 1


@pytest.mark.parametrize(
    ("text", "kelurahan", "kecamatan"),
    [
        ("sampah numpuk di kel. tegal gundil", "32.71.05.1002", "32.71.05"),
        ("banjir di tanah sereal", "32.71.06.1001", "32.71.06"),
        ("macet parah di kecamatan bogor utara", None, "32.71.05"),
        ("got mampet di kel tegal gundul rt 3/5", "32.71.05.1002", "32.71.05"),
    ],
)
def test_places(text: str, kelurahan: str | None, kecamatan: str) -> None:
    place = analyze(text).place
    assert (place.kelurahan, place.kecamatan) == (kelurahan, kecamatan)


def test_common_words_need_a_place_word() -> None:
    assert analyze("genteng rumah saya bocor").place.kelurahan is None
    assert analyze("banjir di kelurahan genteng").place.kelurahan == "32.71.01.1014"


def test_account_wilayah_is_a_marked_fallback() -> None:
    place = analyze("lampu jalan mati", account="32.71.01.1001").place
    assert (place.kelurahan, place.source) == ("32.71.01.1001", "fallback")
    assert "akun" in place.reason


def test_rt_rw_and_street() -> None:
    place = analyze("Jl. Raya Pajajaran RT 03 RW 05 berlubang").place
    assert (place.street, place.rt, place.rw) == ("Jl. Raya Pajajaran", "03", "05")


def test_spam_and_bad_input_never_crash() -> None:
    assert analyze("SLOT GACOR maxwin link di bio").intent.label == "spam"
    for text in ["", "😡😡😡", "\x00\x01binary", "x" * 100_000, "The weather is nice today"]:
        a = analyze(text)
        assert a.intent.label in {"informasi", "spam"} or a.intent.confidence < 0.9
    assert len(analyze_batch(["a", "b"])) == 2
