"""Text normalisation for informal Indonesian: case, repeated letters, reduplication, slang."""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

_URL = re.compile(r"https?://\S+|www\.\S+|\b\S+\.(?:com|id|net|org|xyz|site|link|io)\S*", re.I)
_MENTION = re.compile(r"@\w[\w.]*")
_REPEAT = re.compile(r"([a-z])\1{2,}")
_REDUP = re.compile(r"\b([a-z]{2,})2\b")
_TOKEN = re.compile(r"[a-z0-9]+|[?!]")
_SPACE = re.compile(r"\s+")


@lru_cache(maxsize=1)
def slang() -> dict[str, str]:
    """Slang and abbreviations -> standard form (lexicons/slang.csv)."""
    table: dict[str, str] = {}
    with resources.files("paseban.nlp.lexicons").joinpath("slang.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            table[row["slang"].strip().lower()] = row["formal"].strip().lower()
    return table


def normalize(text: str) -> str:
    """Lower-case, URLs and mentions replaced, letters repeated 3+ times collapsed ("parahhh" ->
    "parah"), "bolong2" -> "bolong bolong", slang expanded. Idempotent."""
    text = _URL.sub(" urltoken ", text.lower())
    text = _MENTION.sub(" mentiontoken ", text)
    text = _REPEAT.sub(r"\1", text)
    text = _REDUP.sub(r"\1 \1", text)
    table = slang()
    tokens = [table.get(tok, tok) for tok in _TOKEN.findall(text)]
    return _SPACE.sub(" ", " ".join(tokens)).strip()
