"""Routing rules: data in the database, a small engine here (netbox ConditionSet style).

A condition is {"attr": "topic", "op": "eq", "value": "jalan"} or {"and": [...]} / {"or": [...]},
optionally with "negate": true. Facts are plain data: topic, urgency, kelurahan, kecamatan,
street, landmark, text (normalised), platform.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


def _contains(fact: Any, needle: Any) -> bool:
    if fact is None:
        return False
    if isinstance(needle, list | tuple):
        return any(str(n).lower() in str(fact).lower() for n in needle)
    return str(needle).lower() in str(fact).lower()


def _within(fact: Any, ancestors: Any) -> bool:
    if not fact:
        return False
    options = ancestors if isinstance(ancestors, list | tuple) else [ancestors]
    return any(fact == a or str(fact).startswith(f"{a}.") for a in options)


OPS: dict[str, Callable[[Any, Any], bool]] = {
    "eq": operator.eq,
    "ne": operator.ne,
    "in": lambda fact, options: fact in options,
    "contains": _contains,
    "within": _within,  # a wilayah code inside one of the given codes
    "exists": lambda fact, wanted: (fact not in (None, "")) == bool(wanted),
}

ATTRS = frozenset(
    {
        "topic",
        "urgency",
        "kelurahan",
        "kecamatan",
        "street",
        "landmark",
        "text",
        "platform",
        "intent",
    }
)


class InvalidRule(ValueError):
    pass


@dataclass(frozen=True)
class Rule:
    name: str
    when: Mapping[str, Any]
    assign_to: str  # OPD code, e.g. "DPUPR", or an outside body "EXT_PLN"
    priority: int = 100


def matches(condition: Mapping[str, Any], facts: Mapping[str, Any]) -> bool:
    if "and" in condition:
        return all(matches(c, facts) for c in condition["and"])
    if "or" in condition:
        return any(matches(c, facts) for c in condition["or"])
    result = OPS[condition["op"]](facts.get(condition["attr"]), condition["value"])
    return not result if condition.get("negate") else result


def route(
    facts: Mapping[str, Any], rules: Iterable[Rule], *, exclude: Iterable[str] = ()
) -> Rule | None:
    """First matching rule by priority (then name), or None: the case goes to the review queue.
    `exclude`: OPDs that already returned the case as "not ours" are skipped."""
    skip = frozenset(exclude)
    ordered = sorted(rules, key=lambda rule: (rule.priority, rule.name))
    return next(
        (rule for rule in ordered if rule.assign_to not in skip and matches(rule.when, facts)),
        None,
    )


NAME_PATTERN = re.compile(r"^[a-z0-9][a-z0-9:_\-]{0,99}$")
MIN_PRIORITY, MAX_PRIORITY = 0, 100_000


def validate_rule(rule: Rule, *, opds: Iterable[str]) -> None:
    """Everything staff can get wrong when saving a rule, named in one line."""
    if not NAME_PATTERN.match(rule.name):
        raise InvalidRule(
            f"nama aturan {rule.name!r} tidak sah (huruf kecil, angka, -, _, :; maks. 100)"
        )
    if not MIN_PRIORITY <= rule.priority <= MAX_PRIORITY:
        raise InvalidRule(f"prioritas harus di antara {MIN_PRIORITY} dan {MAX_PRIORITY}")
    if rule.assign_to not in set(opds):
        raise InvalidRule(f"OPD {rule.assign_to!r} tidak dikenal atau tidak aktif")
    validate_condition(rule.when)


def validate_condition(condition: Any, path: str = "when") -> None:
    """Raise InvalidRule naming the first problem, so that staff see it on save."""
    if not isinstance(condition, Mapping):
        raise InvalidRule(f"{path}: harus objek JSON")
    for key in ("and", "or"):
        if key in condition:
            parts = condition[key]
            if not isinstance(parts, list) or not parts:
                raise InvalidRule(f"{path}.{key}: harus daftar kondisi yang tidak kosong")
            for i, part in enumerate(parts):
                validate_condition(part, f"{path}.{key}[{i}]")
            return
    attr, op = condition.get("attr"), condition.get("op")
    if attr not in ATTRS:
        raise InvalidRule(
            f"{path}.attr: {attr!r} tidak dikenal (pilihan: {', '.join(sorted(ATTRS))})"
        )
    if op not in OPS:
        raise InvalidRule(f"{path}.op: {op!r} tidak dikenal (pilihan: {', '.join(sorted(OPS))})")
    if "value" not in condition:
        raise InvalidRule(f"{path}.value: wajib diisi")
    if op == "in" and not isinstance(condition["value"], list):
        raise InvalidRule(f"{path}.value: op 'in' membutuhkan daftar")


DEFAULT_PREFIX = "default:"


def rule_label(name: str, topics: Mapping[str, str]) -> str:
    """A rule's name in words: the topic's own rule is "bawaan topik Jalan dan trotoar rusak",
    a rule staff named `jalan-nasional` reads "jalan nasional"."""
    if name.startswith(DEFAULT_PREFIX):
        topic = name.removeprefix(DEFAULT_PREFIX)
        return f"bawaan topik {topics.get(topic, topic.replace('_', ' '))}"
    return name.replace("-", " ").replace("_", " ")


def topic_default_rule(topic: str, opd: str) -> Rule:
    return Rule(
        name=f"{DEFAULT_PREFIX}{topic}",
        when={"attr": "topic", "op": "eq", "value": topic},
        assign_to=opd,
        priority=1000,
    )
