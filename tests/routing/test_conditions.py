from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paseban.routing.conditions import (
    ATTR_LABELS,
    OP_LABELS,
    ConditionError,
    Row,
    describe,
    from_rows,
    join_values,
    split_values,
    to_rows,
)
from paseban.routing.rules import ATTRS, OPS, matches, validate_condition

NAMES = {
    "topic": {
        "jalan": "Jalan dan jembatan",
        "drainase": "Saluran dan genangan",
        "pju": "PJU",
        "pendidikan": "Pendidikan",
        "kesehatan": "Kesehatan",
        "pohon_taman": "Pohon dan taman",
    },
    "urgency": {"normal": "Normal", "darurat": "Darurat"},
    "kelurahan": {
        "32.71.01.1001": "Batu Tulis",
        "32.71.01.1003": "Empang",
        "32.71.05.1002": "Tegal Gundil",
        "32.71.06.1009": "Empang",  # a made-up namesake: names are not always unique
    },
    "kecamatan": {"32.71.01": "Bogor Selatan", "32.71.05": "Bogor Utara"},
    "wilayah": {"32.71": "Kota Bogor", "32.71.01": "Bogor Selatan", "32.71.01.1001": "Batu Tulis"},
}


def test_labels_cover_every_attribute_and_operator() -> None:
    assert set(ATTR_LABELS) == ATTRS and set(OP_LABELS) == set(OPS)


def test_values_split_on_commas_and_quotes_keep_spaces() -> None:
    assert split_values(" jalan ,drainase,, ") == ["jalan", "drainase"]
    assert split_values('" sma ", smk negeri, "a, b", "kata ""kutip"""') == [
        " sma ",
        "smk negeri",
        "a, b",
        'kata "kutip"',
    ]
    assert split_values('"x" , y') == ["x", "y"]
    assert split_values("") == []
    with pytest.raises(ConditionError, match="kutip"):
        split_values('"terbuka')
    for values in ([" sma ", "smk"], ["a, b", 'c"d'], ["x"]):
        assert split_values(join_values(values)) == values


def test_the_city_rules_become_rows_and_back() -> None:
    text = resources.files("paseban").joinpath("data/reference/bogor/rules.json").read_text()
    for rule in json.loads(text):
        rows = to_rows(rule["when"], NAMES)
        assert rows is not None, rule["name"]
        assert from_rows(rows, NAMES) == rule["when"], rule["name"]


def test_rows_read_like_the_form() -> None:
    condition = {
        "and": [
            {"attr": "topic", "op": "in", "value": ["jalan", "drainase"]},
            {
                "or": [
                    {"attr": "street", "op": "contains", "value": ["pajajaran", " sma "]},
                    {"attr": "kelurahan", "op": "eq", "value": "32.71.06.1009", "negate": True},
                ]
            },
        ]
    }
    rows = to_rows(condition, NAMES)
    assert rows == [
        Row("topic", "in", "Jalan dan jembatan, Saluran dan genangan", False, "dan"),
        Row("street", "contains", 'pajajaran, " sma "', False, "dan"),
        Row("kelurahan", "eq", "32.71.06.1009", True, "atau"),  # the name is ambiguous
    ]
    assert from_rows(rows, NAMES) == condition
    assert describe(condition, NAMES) == (
        "topik salah satu dari Jalan dan jembatan, Saluran dan genangan dan "
        '(nama jalan memuat pajajaran, " sma " atau bukan (kelurahan sama dengan 32.71.06.1009))'
    )


def test_names_or_codes_may_be_typed() -> None:
    rows = [
        Row("topic", "eq", "jalan dan JEMBATAN"),
        Row("kelurahan", "within", "bogor selatan, 32.71"),
        Row("urgency", "ne", "DARURAT", join="atau"),
        Row("landmark", "exists", "tidak"),
        Row(),  # blank rows are skipped
    ]
    assert from_rows(rows, NAMES) == {
        "and": [
            {"attr": "topic", "op": "eq", "value": "jalan"},
            {
                "or": [
                    {"attr": "kelurahan", "op": "within", "value": ["32.71.01", "32.71"]},
                    {"attr": "urgency", "op": "ne", "value": "darurat"},
                ]
            },
            {"attr": "landmark", "op": "exists", "value": False},
        ]
    }
    only = from_rows([Row("platform", "eq", "instagram", join="atau")], NAMES)
    assert only == {"attr": "platform", "op": "eq", "value": "instagram"}  # no vocabulary
    assert from_rows([Row("street", "exists", "ya")], NAMES)["value"] is True


@pytest.mark.parametrize(
    ("rows", "problem"),
    [
        ([], "sedikitnya satu"),
        ([Row(), Row()], "sedikitnya satu"),
        ([Row("cuaca", "eq", "x")], "baris 1: pilih apa"),
        ([Row("", "eq", "x")], "baris 1: pilih apa"),
        ([Row("topic", "mirip", "x")], "baris 1: pilih cara"),
        ([Row("topic", "eq", "jalan"), Row("topic", "eq", "")], "baris 2: nilai wajib"),
        ([Row("topic", "eq", "jalanan")], "baris 1: topik 'jalanan' tidak dikenal"),
        ([Row("kelurahan", "eq", "empang")], "lebih dari satu; tulis kodenya"),
        ([Row("topic", "eq", "jalan, pju")], "pakai 'salah satu dari'"),
        ([Row("text", "exists", "mungkin")], "tulis ya atau tidak"),
        ([Row("text", "contains", '"x')], "kutip"),
    ],
)
def test_bad_rows_name_the_row(rows: list[Row], problem: str) -> None:
    with pytest.raises(ConditionError, match=problem):
        from_rows(rows, NAMES)


def test_other_shapes_are_described_but_not_turned_into_rows() -> None:
    nested = {
        "or": [
            {"and": [{"attr": "topic", "op": "eq", "value": "pju"}]},
            {"attr": "text", "op": "contains", "value": "gelap"},
        ]
    }
    assert to_rows(nested, NAMES) is None
    assert to_rows({"and": []}, NAMES) is None
    assert to_rows("topic == jalan", NAMES) is None
    assert describe(nested, NAMES) == "topik sama dengan PJU atau teks aduan memuat gelap"
    assert describe({"attr": "street", "op": "exists", "value": True}, NAMES) == "nama jalan terisi"
    assert describe("aneh", NAMES) == "aneh"
    assert describe({"tidak": "dikenal"}, NAMES) == "{'tidak': 'dikenal'}"
    # a code no longer in the vocabulary (a topic switched off) is shown as it is
    assert (
        describe({"attr": "topic", "op": "eq", "value": "lama"}, NAMES) == "topik sama dengan lama"
    )


CODES = {"topic": ["jalan", "drainase", "pju"], "urgency": ["normal", "darurat"]}
FREE = ["street", "landmark", "text"]


@st.composite
def simple_tests(draw: st.DrawFn) -> dict[str, Any]:
    attr = draw(st.sampled_from([*CODES, *FREE]))
    if attr in CODES:
        op = draw(st.sampled_from(["eq", "ne", "in"]))
        pool = CODES[attr]
    else:
        op = draw(st.sampled_from(["eq", "ne", "in", "contains", "exists"]))
        pool = ["pajajaran", " sma ", "a, b", 'kata "x"', "jl. juanda"]
    if op == "exists":
        value: Any = draw(st.booleans())
    elif op == "in":
        value = draw(st.lists(st.sampled_from(pool), min_size=1, max_size=3, unique=True))
    elif op == "contains":
        value = draw(
            st.one_of(
                st.sampled_from(pool),
                st.lists(st.sampled_from(pool), min_size=2, max_size=3, unique=True),
            )
        )
    else:
        value = draw(st.sampled_from(pool))
    test: dict[str, Any] = {"attr": attr, "op": op, "value": value}
    if draw(st.booleans()):
        test["negate"] = True
    return test


@st.composite
def conditions(draw: st.DrawFn) -> dict[str, Any]:
    terms = draw(st.lists(st.lists(simple_tests(), min_size=1, max_size=3), min_size=1, max_size=3))
    parts = [t[0] if len(t) == 1 else {"or": t} for t in terms]
    return parts[0] if len(parts) == 1 else {"and": parts}


@given(conditions(), st.dictionaries(st.sampled_from(sorted(ATTRS)), st.sampled_from(
    ["jalan", "pju", "darurat", "jalan pajajaran", " sma negeri ", "", None]
)))  # fmt: skip
def test_rows_round_trip_and_keep_the_meaning(condition: dict[str, Any], facts: Any) -> None:
    validate_condition(condition)
    rows = to_rows(condition, NAMES)
    assert rows is not None
    again = from_rows(rows, NAMES)
    assert again == condition
    assert matches(again, facts) == matches(condition, facts)
