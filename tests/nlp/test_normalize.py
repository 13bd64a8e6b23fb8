from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from paseban.nlp.normalize import normalize


def test_informal_text_is_normalised() -> None:
    text = "min jln di deket psr bogor bolong2 parahhh udh 2 minggu gk dibenerin 😡"
    assert normalize(text) == (
        "admin jalan di dekat pasar bogor berlubang berlubang parah sudah 2 minggu tidak diperbaiki"
        " emo_wajah_sangat_marah"
    )


def test_slang_from_kamus_alay_and_our_overrides() -> None:
    assert normalize("gmn kabarnya") == "bagaimana kabarnya"  # Kamus Alay (indoNLP)
    assert normalize("kel tegal gundil") == "kelurahan tegal gundil"  # ours: not "keluarga"
    assert normalize("kk saya hilang") == "kk saya hilang"  # kartu keluarga, not "kakak"
    assert normalize("bangettt parahhh") == "banget parah"


def test_emoji_become_words() -> None:
    assert (
        normalize("hatur nuhun 🙏🏽") == "hatur terima kasih emo_melipat_tangan_warna_kulit_sedang"
    )


def test_urls_and_mentions_are_replaced() -> None:
    assert normalize("@budi cek https://bit.ly/x") == "mentiontoken cek urltoken"


@given(st.text(max_size=300))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
