from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from paseban.nlp.normalize import normalize


def test_informal_text_is_normalised() -> None:
    text = "min jln di deket psr bogor bolong2 parahhh udh 2 minggu gk dibenerin 😡"
    assert normalize(text) == (
        "admin jalan di dekat pasar bogor berlubang berlubang parah sudah 2 minggu tidak diperbaiki"
    )


def test_urls_and_mentions_are_replaced() -> None:
    assert normalize("@budi cek https://bit.ly/x") == "mentiontoken cek urltoken"


@given(st.text(max_size=300))
def test_normalize_is_idempotent(text: str) -> None:
    once = normalize(text)
    assert normalize(once) == once
