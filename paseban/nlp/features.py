"""Features for the statistical models: words, word pairs, character n-grams of words (robust to
typos and spelling variants), de-leeted tokens ("g4c0r" -> "gacor"), a swear-word lexicon
("x:kasar": a swear word the labelled data never showed still counts) and a few shape flags.
The same functions serve training and inference, so they can never disagree."""

from __future__ import annotations

import re
from itertools import pairwise

from paseban.nlp.normalize import abuse_words

FEATURE_VERSION = "f2"

_LEET = str.maketrans(
    {"4": "a", "0": "o", "1": "i", "3": "e", "5": "s", "7": "t", "8": "b", "9": "g"}
)
_CHAR_SIZES = (3, 4, 5)
_UPPER = re.compile(r"[A-Z]")
_ALPHA = re.compile(r"[A-Za-z]")


def _length_bucket(n: int) -> str:
    if n <= 2:
        return "f:len0"
    if n <= 6:
        return "f:len1"
    if n <= 20:
        return "f:len2"
    if n <= 60:
        return "f:len3"
    return "f:len4"


def token_features(tok: str) -> list[str]:
    """Everything one token contributes on its own (cached per token at inference)."""
    out = ["w:" + tok]
    abuse = abuse_words()
    if len(tok) > 3 and not tok.startswith("emo_"):
        padded = f"<{tok}>"
        size = len(padded)
        for n in _CHAR_SIZES:
            out.extend("c:" + padded[i : i + n] for i in range(size - n + 1))
    plain = tok
    if not tok.isalpha() and not tok.isdigit() and tok.isalnum():
        plain = tok.translate(_LEET)
        if plain.isalpha():
            out.append("w:" + plain)
    if plain in abuse or tok in abuse:
        out.append("x:kasar")
    return out


def context_features(tokens: list[str], raw: str = "") -> list[str]:
    """Features of the message as a whole: word pairs, length, shape."""
    out = [_length_bucket(len(tokens))]
    out.extend("b:" + a + " " + b for a, b in pairwise(tokens))
    if raw:
        letters = len(_ALPHA.findall(raw))
        if letters >= 8 and len(_UPPER.findall(raw)) > 0.6 * letters:
            out.append("f:caps")
        if raw.count("!") >= 2:
            out.append("f:bang")
    if "?" in tokens:
        out.append("f:question")
    return out


def features(normalized: str, raw: str = "") -> list[str]:
    tokens = normalized.split()
    out: list[str] = []
    for tok in tokens:
        out.extend(token_features(tok))
    out.extend(context_features(tokens, raw))
    return out
