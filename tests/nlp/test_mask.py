from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from paseban.nlp import mask_eval
from paseban.nlp.mask import mask, mask_public


def test_personal_data_is_masked() -> None:
    result = mask("NIK 3271014107900002, wa 0812-3456-7890, budi@mail.com, motor F 4321 XY")
    assert "3271014107900002" not in result.text
    assert (
        "0812" not in result.text
        and "budi@mail.com" not in result.text
        and "4321" not in result.text
    )
    assert set(result.found) == {"NIK", "PHONE", "EMAIL", "PLATE"}


def test_text_without_personal_data_is_untouched() -> None:
    assert mask("jalan rusak di rt 03").text == "jalan rusak di rt 03"


@given(
    st.from_regex(r"32[0-9]{2}[0-9]{2}[0-7][0-9][01][0-9][0-9]{2}[0-9]{4}", fullmatch=True),
    st.text(alphabet=st.characters(exclude_categories=["Nd"]), max_size=40),
)
def test_no_valid_looking_nik_survives(nik: str, around: str) -> None:
    result = mask(f"{around} nik saya {nik} {around}")
    assert not re.search(r"\d{16}", result.text)


# --- names and house-level addresses, for what the public reads (issue 16) ----------------------


def test_the_issue_example_is_masked_for_the_public() -> None:
    text = "nama saya Siti Aminah binti Karta, rumah Jl. Mawar No. 12 RT 03/RW 05 Kel. Tegallega"
    public = mask_public(text).text
    for leaked in ("Siti", "Aminah", "Karta", "Mawar", "No. 12", "RT 03"):
        assert leaked not in public
    assert "Kel. Tegallega" in public  # the kelurahan stays: it is where the problem is
    assert set(mask_public(text).found) == {"NAMA", "ALAMAT"}


def test_cues_for_names() -> None:
    cases = {
        "Saya Ujang warga RT 02 Kelurahan Mulyaharja, jembatan lapuk": "Ujang",
        "Tetangga saya pak Darto tiap sore bakar sampah": "Darto",
        "Mohon info akta kelahiran a.n. Muhammad Rafa Alfarizi, syaratnya apa?": "Rafa",
        "Lampu mati.\n\nHormat saya,\nAhmad Fikri Maulana": "Fikri",
        "NAMA: ASEP SAEPUDIN\nKELUHAN: JALAN RUSAK": "ASEP",
        "anak saya Putri belum dapat sekolah": "Putri",
        "macet parah di depan pasar. - reza": "reza",
    }
    for text, name in cases.items():
        assert name not in mask_public(text).text, text


def test_officials_streets_and_places_stay() -> None:
    for text in (
        "Terima kasih Pak Lurah Sempur yang langsung turun meninjau tanggul jebol.",
        "Kabel fiber menjuntai di Jl. KH Abdullah bin Nuh dan Jl. Dewi Sartika.",
        "Budi pekerti anak-anak sekarang mulai hilang, balap liar di Jl. Sholeh Iskandar.",
        "Saya Sangat Kecewa Dengan Pelayanan Di Kantor Kelurahan.",
        "TOLONG!!! KEBAKARAN DI PASAR BOGOR BLOK B!!! DAMKAR CEPAT",
        "angkot nomor 03 lewat mana aja ya kak?",
    ):
        assert mask_public(text).text == text, text


def test_masking_is_measured_on_the_held_out_set() -> None:
    """The held-out labelled set (corpus/pii/test.jsonl, never tuned on). Issue 16 asks recall
    0.95 for both kinds: addresses reach it; names stand at 0.935 (docs/security.md), and this
    floor keeps them from sliding back."""
    result = mask_eval.score(mask_eval.load("test"))
    assert result.messages == 300
    assert result.kinds["address"].recall >= 0.95
    assert result.kinds["name"].recall >= 0.93
    assert result.kinds["name"].precision >= 0.95
    assert result.negatives_masked <= 3


def test_the_dev_set_is_masked_nearly_whole() -> None:
    result = mask_eval.score(mask_eval.load("dev"))
    assert result.kinds["name"].recall >= 0.98
    assert result.kinds["address"].recall >= 0.99


def test_a_lookalike_finder_scores_zero() -> None:
    """The measure can fail: a masker that finds nothing catches nothing."""
    result = mask_eval.score(mask_eval.load("dev"), finder=lambda text: [])
    assert result.kinds["name"].recall == 0.0


@given(st.text(max_size=200))
def test_public_masking_never_fails(text: str) -> None:
    masked = mask_public(text)
    assert isinstance(masked.text, str)
