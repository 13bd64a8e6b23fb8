"""Complaint signals that carry across cities and registers: whether a message names a problem
predicate ("rusak", "mati", "belum diangkut"), a public-service object ("jalan", "pju", "ktp"),
a plea for action ("tolong", "mohon ditindaklanjuti"), that the problem has lasted ("sudah
lama", "berhari hari"), a complaint word ("kecewa", "lelet") or asks when it will be fixed
("kapan diperbaiki").

Words alone are in the bag of words already; what a linear model over words cannot see is that
they occur *together* ("lampu" and "mati" in one message is a report, either alone is not), so
besides one feature per kind the module emits the pairs that make a report. The lexicon
(`problems.csv`, beside this file) is written from general Indonesian usage, not from any evaluation text,
and is normalised like the messages, so slang in it ("mampet", "dibenerin") matches.

Measured on validation data by experiment.py (docs/nlp.md, "Round 3"): a gain within noise that
the gate of `paseban model train` did not keep, so the shipped features do not include them; they
live here, beside the experiment, for the next attempt."""

from __future__ import annotations

import csv
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from paseban.nlp.normalize import normalize

_NEGATION = frozenset({"tidak", "belum", "tak", "bukan"})
_QUESTION_OPENERS = frozenset(
    [
        "apa",
        "apakah",
        "bagaimana",
        "gimana",
        "kapan",
        "dimana",
        "mana",
        "kenapa",
        "mengapa",
        "berapa",
        "bisakah",
        "siapa",
    ]
)
# the pairs of kinds that make a report (each becomes one feature when both are present)
_PAIRS = (
    ("masalah", "objek"),
    ("masalah", "lama"),
    ("masalah", "mohon"),
    ("objek", "mohon"),
    ("objek", "keluh"),
    ("masalah", "tanya"),
)


@lru_cache(maxsize=1)
def lexicon() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """(single words, two-word phrases) -> the kinds they signal. Longer phrases are cut to
    their first two words after normalisation (enough to tell "sudah lama" from "lama")."""
    words: dict[str, set[str]] = {}
    bigrams: dict[str, set[str]] = {}
    with (Path(__file__).parent / "problems.csv").open(encoding="utf-8") as f:
        rows = csv.DictReader(line for line in f if not line.startswith("#"))
        for row in rows:
            tokens = normalize(row["phrase"]).split()
            if not tokens:
                continue
            if len(tokens) == 1:
                words.setdefault(tokens[0], set()).add(row["kind"])
            else:
                bigrams.setdefault(" ".join(tokens[:2]), set()).add(row["kind"])
    return (
        {k: frozenset(v) for k, v in words.items()},
        {k: frozenset(v) for k, v in bigrams.items()},
    )


def kinds(tokens: list[str]) -> set[str]:
    """Which kinds of signal a normalised message carries. A negation before a passive verb
    ("tidak diangkut", "belum ditanggapi") is a problem predicate even when the verb is not
    listed; "tanya" marks a message asking (a question mark or a question word first)."""
    words, bigrams = lexicon()
    found: set[str] = set()
    for tok in tokens:
        hit = words.get(tok)
        if hit:
            found |= hit
    for a, b in pairwise(tokens):
        hit = bigrams.get(f"{a} {b}")
        if hit:
            found |= hit
        if a in _NEGATION and b.startswith("di") and len(b) > 5:
            found.add("masalah")
        elif a == "sudah" and b.isdigit():  # "sudah 2 minggu"
            found.add("lama")
    if tokens and (tokens[0] in _QUESTION_OPENERS or "?" in tokens):
        found.add("tanya")
    return found


def signal_features(tokens: list[str]) -> list[str]:
    """`s:<kind>` per kind present and `s:<kind>+<kind>` for each pair that makes a report."""
    found = kinds(tokens)
    out = [f"s:{k}" for k in sorted(found)]
    out.extend(f"s:{a}+{b}" for a, b in _PAIRS if a in found and b in found)
    return out
