from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from paseban.nlp.mask import mask


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
