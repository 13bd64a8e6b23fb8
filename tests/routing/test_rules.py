from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from paseban.routing.rules import (
    InvalidRule,
    Rule,
    matches,
    route,
    topic_default_rule,
    validate_condition,
)

NATIONAL = Rule(
    "jalan-nasional",
    {
        "and": [
            {"attr": "topic", "op": "eq", "value": "jalan"},
            {"attr": "street", "op": "contains", "value": ["pajajaran", "sholeh iskandar"]},
        ]
    },
    "EXT_JALAN_NASIONAL",
    priority=100,
)
RULES = [topic_default_rule("jalan", "DPUPR"), topic_default_rule("sampah", "DLH"), NATIONAL]


def test_exception_beats_the_topic_default() -> None:
    facts = {"topic": "jalan", "street": "Jl. Raya Pajajaran"}
    assert route(facts, RULES) == NATIONAL
    assert route({"topic": "jalan", "street": "Jl. Malabar"}, RULES).assign_to == "DPUPR"  # type: ignore[union-attr]


def test_no_rule_means_review() -> None:
    assert route({"topic": "lainnya"}, RULES) is None


def test_operators() -> None:
    assert matches(
        {"attr": "kelurahan", "op": "within", "value": "32.71.01"}, {"kelurahan": "32.71.01.1001"}
    )
    assert not matches(
        {"attr": "kelurahan", "op": "within", "value": "32.71.01"}, {"kelurahan": None}
    )
    assert matches({"attr": "urgency", "op": "in", "value": ["darurat"]}, {"urgency": "darurat"})
    assert matches(
        {"attr": "urgency", "op": "eq", "value": "darurat", "negate": True}, {"urgency": "normal"}
    )
    assert matches(
        {
            "or": [
                {"attr": "topic", "op": "eq", "value": "x"},
                {"attr": "street", "op": "exists", "value": True},
            ]
        },
        {"street": "Jl. A"},
    )


@pytest.mark.parametrize(
    ("condition", "problem"),
    [
        ([], "objek"),
        ({"attr": "warna", "op": "eq", "value": 1}, "attr"),
        ({"attr": "topic", "op": "like", "value": 1}, "op"),
        ({"attr": "topic", "op": "eq"}, "value"),
        ({"attr": "topic", "op": "in", "value": "jalan"}, "daftar"),
        ({"and": []}, "tidak kosong"),
        (
            {
                "and": [
                    {"attr": "topic", "op": "eq", "value": "a"},
                    {"attr": "x", "op": "eq", "value": 1},
                ]
            },
            r"and\[1\]",
        ),
    ],
)
def test_bad_conditions_are_refused_with_the_place_named(condition: Any, problem: str) -> None:
    with pytest.raises(InvalidRule, match=problem):
        validate_condition(condition)


facts_strategy = st.fixed_dictionaries(
    {
        "topic": st.sampled_from(["jalan", "sampah", "lainnya", None]),
        "street": st.one_of(
            st.none(), st.sampled_from(["Jl. Pajajaran", "Jl. Malabar", "Jl. Sholeh Iskandar"])
        ),
    }
)


@given(facts_strategy)
def test_route_never_returns_a_rule_whose_condition_fails(facts: dict[str, Any]) -> None:
    rule = route(facts, RULES)
    if rule is not None:
        assert matches(rule.when, facts)
    else:
        assert not any(matches(r.when, facts) for r in RULES)
