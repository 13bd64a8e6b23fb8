"""Text normalisation for informal Indonesian.

Lower-case; URLs, mentions and emoji become tokens (`urltoken`, `mentiontoken`,
`emo_wajah_sangat_marah`); "bolong2" -> "bolong bolong"; letters repeated three or more times
collapse ("parahhh" -> "parah"); slang and abbreviations become standard words using the
Kamus Alay lexicon (Salsabila et al., shipped in the `indoNLP` package, MIT) overlaid with
Paseban's own civic lexicon (`lexicons/slang.csv`, which wins on conflicts such as
"kel" = kelurahan, not keluarga). The result is idempotent.
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

_URL = re.compile(
    r"https?://\S+|www\.\S+|\b[\w-]+\.(?:com|id|net|org|xyz|site|link|io|ly|me|co|vip|top|online)"
    r"(?:/\S*)?",
    re.I,
)
_MENTION = re.compile(r"@\w[\w.]*")
_REPEAT3 = re.compile(r"([a-z])\1{2,}")
_REPEAT2 = re.compile(r"([a-z])\1+")
_REDUP = re.compile(r"\b([a-z]{2,})2\b", re.ASCII)
_TOKEN = re.compile(r"[a-z0-9_]+|[?!]")
_SPACE = re.compile(r"\s+")


def _emoji_table() -> dict[str, str]:
    from indoNLP.preprocessing.emoji.emoji_data import EMOJI_DATA

    table: dict[str, str] = {}
    for char, names in EMOJI_DATA.items():
        name = re.sub(r"[^a-z0-9_]+", "_", str(names.get("id", "")).lower()).strip("_")
        if name:
            table[char] = f" emo_{name} "
    return table


@lru_cache(maxsize=1)
def _emoji() -> tuple[dict[str, str], int]:
    table = _emoji_table()
    return table, max(len(k) for k in table)


_NON_LATIN = re.compile(r"[\u2000-\U0010ffff]+")


def _replace_emoji(text: str) -> str:
    return _NON_LATIN.sub(lambda m: _replace_run(m.group(0)), text)


def _replace_run(text: str) -> str:
    """Emoji (including multi-codepoint sequences, longest first) -> word tokens."""
    table, longest = _emoji()
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ord(ch) < 0x2000:
            out.append(ch)
            i += 1
            continue
        for size in range(min(longest, n - i), 0, -1):
            hit = table.get(text[i : i + size])
            if hit is not None:
                out.append(hit)
                i += size
                break
        else:
            out.append(" ")
            i += 1
    return "".join(out)


def _own_lexicon() -> dict[str, str]:
    table: dict[str, str] = {}
    with resources.files("paseban.nlp.lexicons").joinpath("slang.csv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            table[row["slang"].strip().lower()] = row["formal"].strip().lower()
    return table


def _close(table: dict[str, str]) -> dict[str, str]:
    """Follow chains (a -> b, b -> c) so that every value is a fixed point."""
    closed: dict[str, str] = {}
    for key in table:
        value = key
        for _ in range(6):
            words = value.split()
            nxt = " ".join(table.get(w, w) for w in words)
            if nxt == value:
                break
            value = nxt
        else:
            continue  # a cycle: leave the word alone
        if not _REPEAT3.search(value):
            closed[key] = value  # identity entries stay: they stop further rewriting
    # values must not be keys that map elsewhere
    for key, value in list(closed.items()):
        if any(closed.get(w, w) != w for w in value.split()):
            del closed[key]
    return closed


@lru_cache(maxsize=1)
def slang() -> dict[str, str]:
    """Slang and abbreviations -> standard form."""
    from indoNLP.preprocessing.slang_data import SLANG_DATA

    table = {
        k.lower(): v.lower() for k, v in SLANG_DATA.items() if re.fullmatch(r"[a-z0-9]+", k.lower())
    }
    table = {k: re.sub(r"[^a-z0-9 ]+", " ", v).strip() for k, v in table.items()}
    table = {k: v for k, v in table.items() if v}
    table.update(_own_lexicon())
    return _close(table)


@lru_cache(maxsize=1)
def _vocabulary() -> frozenset[str]:
    return frozenset(w for value in slang().values() for w in value.split())


def known_words() -> frozenset[str]:
    """Everyday words (the standard forms and the slang of the lexicons): a token that is one of
    these is not taken for a misspelt place name ("sempak" is not Semplak)."""
    return _known()


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return _vocabulary() | frozenset(k for k in slang() if k.isalpha())


@lru_cache(maxsize=65536)
def _word(token: str) -> str:
    table = slang()
    hit = table.get(token)
    if hit is not None:
        return hit
    c3 = _REPEAT3.sub(r"\1", token)
    hit = table.get(c3)
    if hit is not None:
        return hit
    c2 = _REPEAT2.sub(r"\1", c3)
    if c2 != c3:
        hit = table.get(c2)
        if hit is not None:
            return hit
        if c2 in _vocabulary():
            return c2
    return c3


@lru_cache(maxsize=1)
def abuse_words() -> frozenset[str]:
    """The swear-word lexicon (`lexicons/kasar.txt`)."""
    node = resources.files("paseban.nlp.lexicons").joinpath("kasar.txt")
    lines = node.read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


_CENSORED = re.compile(r"\b([a-z]*)[*#]+([a-z]*)\b")


def _uncensor(match: re.Match[str]) -> str:
    """ "gob*log" -> "goblog", "a*jing" -> "anjing": a swear word written with stars."""
    head, tail = match.group(1), match.group(2)
    if len(head) + len(tail) < 2:
        return match.group(0)
    for word in sorted(abuse_words()):
        hidden = len(word) - len(head) - len(tail)
        if 0 <= hidden <= 3 and word.startswith(head) and word.endswith(tail):
            return word
    return match.group(0)


def normalize(text: str) -> str:
    text = text.lower()
    if "*" in text or "#" in text:
        text = _CENSORED.sub(_uncensor, text)
    if "." in text or "http" in text:
        text = _URL.sub(" urltoken ", text)
    if "@" in text:
        text = _MENTION.sub(" mentiontoken ", text)
    if not text.isascii():
        text = _replace_emoji(text)
    if "2" in text:
        text = _REDUP.sub(r"\1 \1", text)
    tokens = [_word(tok) for tok in _TOKEN.findall(text)]
    return _SPACE.sub(" ", " ".join(tokens)).strip()
