"""Rule conditions as staff edit them: rows of attribute, operator and value, with no JSON.

A row joined with "dan" starts a new term; a row joined with "atau" belongs to the term of the row
above. So the rows express an AND of terms, each term an OR of simple tests, which is the shape
of every rule the city uses (e.g. "topic is jalan or drainase AND (street contains pajajaran OR
text contains 'jalan pajajaran')"). Values are typed as people read them: names or codes of
topics and wilayah, several values separated by commas, quotes to keep spaces (" sma " means the
whole word sma). Pure functions; the settings page and its tests use them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from paseban.routing.rules import ATTRS, OPS, InvalidRule, validate_condition

ATTR_LABELS: dict[str, str] = {
    "topic": "topik",
    "urgency": "urgensi",
    "kelurahan": "kelurahan",
    "kecamatan": "kecamatan",
    "street": "nama jalan",
    "landmark": "patokan",
    "text": "teks aduan",
    "platform": "platform",
    "intent": "jenis pesan",
}
OP_LABELS: dict[str, str] = {
    "eq": "sama dengan",
    "ne": "tidak sama dengan",
    "in": "salah satu dari",
    "contains": "memuat",
    "within": "di dalam wilayah",
    "exists": "terisi",
}
JOINS = {"dan": "dan", "atau": "atau (dengan baris di atasnya)"}
# attributes whose values are codes from a list (a name may be typed instead)
CODED = frozenset({"topic", "urgency", "kelurahan", "kecamatan", "platform", "intent"})
YES, NO = "ya", "tidak"


class ConditionError(ValueError):
    """A row that cannot become a condition; the message names the row."""


@dataclass(frozen=True)
class Row:
    attr: str = ""
    op: str = "eq"
    value: str = ""  # as typed
    negate: bool = False
    join: str = "dan"  # "dan": starts a new term; "atau": joins the term of the row above

    @property
    def blank(self) -> bool:
        return not self.attr and not self.value.strip()


# Names for codes, per attribute ("wilayah": every wilayah level, for "di dalam wilayah").
Vocabulary = Mapping[str, Mapping[str, str]]


# --- values --------------------------------------------------------------------------------------


def split_values(text: str) -> list[str]:
    """Values separated by commas; a value in double quotes keeps its spaces and commas ("" is a
    quote inside quotes); other values are trimmed; empty ones are dropped."""
    values: list[str] = []
    current: list[str] = []
    quoted = in_quotes = False
    i = 0
    while i < len(text):
        ch = text[i]
        if in_quotes:
            if ch == '"' and text[i + 1 : i + 2] == '"':
                current.append('"')
                i += 1
            elif ch == '"':
                in_quotes = False
            else:
                current.append(ch)
        elif ch == '"' and not "".join(current).strip():
            current, in_quotes, quoted = [], True, True
        elif ch == ",":
            values.append("".join(current) if quoted else "".join(current).strip())
            current, quoted = [], False
        else:
            if not (quoted and ch.isspace()):
                current.append(ch)
        i += 1
    if in_quotes:
        raise ConditionError("tanda kutip belum ditutup")
    values.append("".join(current) if quoted else "".join(current).strip())
    return [v for v in values if v != ""]


def join_values(values: Sequence[str]) -> str:
    def one(value: str) -> str:
        if value != value.strip() or any(c in value for c in ',"') or not value:
            return '"' + value.replace('"', '""') + '"'
        return value

    return ", ".join(one(v) for v in values)


def _display(attr: str, op: str, value: Any, names: Vocabulary) -> str:
    if op == "exists":
        return YES if value else NO
    values = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    if attr in CODED and op != "contains":
        vocab = names.get("wilayah" if op == "within" else attr, {})
        values = [_name_for(v, vocab) for v in values]
    return join_values(values)


def _name_for(code: str, vocab: Mapping[str, str]) -> str:
    name = vocab.get(code)
    if name is None:
        return code
    unique = sum(1 for n in vocab.values() if _key(n) == _key(name)) == 1
    return name if unique and "," not in name else code


def _key(text: str) -> str:
    return " ".join(text.lower().split())


def _code_for(typed: str, vocab: Mapping[str, str], attr: str, where: str) -> str:
    if typed in vocab:
        return typed
    by_code = {_key(code): code for code in vocab}
    if _key(typed) in by_code:
        return by_code[_key(typed)]
    matches = sorted(code for code, name in vocab.items() if _key(name) == _key(typed))
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1:
        raise ConditionError(
            f"{where}: {ATTR_LABELS[attr]} {typed!r} ada lebih dari satu; tulis kodenya "
            f"({', '.join(matches)})"
        )
    raise ConditionError(f"{where}: {ATTR_LABELS[attr]} {typed!r} tidak dikenal")


def _parse_value(row: Row, names: Vocabulary, where: str) -> Any:
    if row.op == "exists":
        answer = _key(row.value)
        if answer in (YES, "y", "iya", "ada"):
            return True
        if answer in (NO, "t", "tidak ada", "kosong"):
            return False
        raise ConditionError(f"{where}: untuk 'terisi' tulis {YES} atau {NO}")
    values = split_values(row.value)
    if not values:
        raise ConditionError(f"{where}: nilai wajib diisi")
    if row.attr in CODED and row.op != "contains":
        vocab = names.get("wilayah" if row.op == "within" else row.attr)
        if vocab:
            values = [_code_for(v, vocab, row.attr, where) for v in values]
    if row.op == "in":
        return values
    if row.op in ("eq", "ne"):
        if len(values) > 1:
            raise ConditionError(
                f"{where}: '{OP_LABELS[row.op]}' hanya satu nilai; pakai 'salah satu dari'"
            )
        return values[0]
    return values if len(values) > 1 else values[0]


# --- rows <-> condition --------------------------------------------------------------------------


def _leaf(condition: Any) -> bool:
    return isinstance(condition, Mapping) and "attr" in condition and "op" in condition


def _row(test: Mapping[str, Any], join: str, names: Vocabulary) -> Row:
    return Row(
        attr=str(test["attr"]),
        op=str(test["op"]),
        value=_display(str(test["attr"]), str(test["op"]), test.get("value"), names),
        negate=bool(test.get("negate")),
        join=join,
    )


def _term(condition: Any) -> list[Mapping[str, Any]] | None:
    if _leaf(condition):
        return [condition]
    if isinstance(condition, Mapping) and set(condition) == {"or"}:
        parts = condition["or"]
        if isinstance(parts, list) and parts and all(_leaf(p) for p in parts):
            return list(parts)
    return None


def to_rows(condition: Any, names: Vocabulary) -> list[Row] | None:
    """The rows for a condition, or None when it has another shape (then the page describes it
    and offers to replace it)."""
    if isinstance(condition, Mapping) and set(condition) == {"and"}:
        terms = [_term(part) for part in condition["and"]] if condition["and"] else [None]
    else:
        terms = [_term(condition)]
    if any(term is None for term in terms):
        return None
    rows: list[Row] = []
    for term in terms:
        for i, test in enumerate(term or []):
            rows.append(_row(test, "atau" if i else "dan", names))
    return rows


def from_rows(rows: Sequence[Row], names: Vocabulary) -> dict[str, Any]:
    """The condition the filled rows describe (blank rows are skipped); ConditionError names the
    first problem by row number."""
    terms: list[list[dict[str, Any]]] = []
    for number, row in enumerate(rows, start=1):
        if row.blank:
            continue
        where = f"baris {number}"
        if row.attr not in ATTRS:
            raise ConditionError(f"{where}: pilih apa yang diperiksa")
        if row.op not in OPS:
            raise ConditionError(f"{where}: pilih cara memeriksa")
        test: dict[str, Any] = {"attr": row.attr, "op": row.op}
        test["value"] = _parse_value(row, names, where)
        if row.negate:
            test["negate"] = True
        if row.join == "atau" and terms:
            terms[-1].append(test)
        else:
            terms.append([test])
    if not terms:
        raise ConditionError("isi sedikitnya satu baris syarat")
    parts: list[dict[str, Any]] = [term[0] if len(term) == 1 else {"or": term} for term in terms]
    condition = parts[0] if len(parts) == 1 else {"and": parts}
    try:
        validate_condition(condition)
    except InvalidRule as exc:  # pragma: no cover - the rows above cannot build one
        raise ConditionError(str(exc)) from None
    return condition


def describe(condition: Any, names: Vocabulary) -> str:
    """The condition in words, for lists and history: 'topik salah satu dari Jalan, Drainase
    dan (nama jalan memuat pajajaran atau teks aduan memuat "jalan pajajaran")'."""

    def words(part: Any, nested: bool) -> str:
        if _leaf(part):
            attr, op = str(part["attr"]), str(part["op"])
            label = ATTR_LABELS.get(attr, attr)
            if op == "exists":
                text = f"{label} {'terisi' if part.get('value') else 'kosong'}"
            else:
                shown = _display(attr, op, part.get("value"), names)
                text = f"{label} {OP_LABELS.get(op, op)} {shown}"
            return f"bukan ({text})" if part.get("negate") else text
        if isinstance(part, Mapping):
            for key, joiner in (("and", " dan "), ("or", " atau ")):
                if key in part and isinstance(part[key], list):
                    text = joiner.join(words(p, True) for p in part[key])
                    return f"({text})" if nested and len(part[key]) > 1 else text
        return str(part)

    return words(condition, False)
