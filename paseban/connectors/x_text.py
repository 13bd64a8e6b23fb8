"""How X counts a post's length: twitter-text's v3 weighted count, not `len()`.

The text is normalised to NFC; code points in U+0000-U+10FF, U+2000-U+200D, U+2010-U+201F and
U+2032-U+2037 weigh 1, every other one 2 (CJK, "…"); every emoji sequence (skin tones and ZWJ
families included) weighs 2; every URL weighs 23 whatever its length (it is wrapped in t.co).
A post may weigh at most 280 (docs.x.com/fundamentals/counting-characters; twitter-text
config/v3.json). Emoji sequences are found with the `emoji` package (Unicode's emoji data).

twitter-text finds URLs with the full list of top-level domains; here a URL is anything with a
scheme, or a host whose last label is a country code or a common generic domain. That counts a
few non-URLs ("jl.ok") as 23, never a URL as less: a text we accept, X accepts.
"""

from __future__ import annotations

import re
import unicodedata

import emoji

MAX_WEIGHTED = 280
URL_WEIGHT = 23
EMOJI_WEIGHT = 2
LIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
GENERIC_TLDS = (
    "com|net|org|info|biz|gov|edu|mil|int|app|dev|io|co|me|tv|xyz|online|site|web|link|news"
    "|store|shop|blog|page|cloud|tech|art|asia|mobi|pro|name|id"
)
URL = re.compile(
    rf"""(?:https?://[^\s]+)
    |(?:(?<![\w@.])(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+(?:{GENERIC_TLDS}|[a-z]{{2}})\b(?:/[^\s]*)?)""",
    re.IGNORECASE | re.VERBOSE,
)


def _weight(char: str) -> int:
    point = ord(char)
    return 1 if any(lo <= point <= hi for lo, hi in LIGHT_RANGES) else 2


def weighted_length(text: str) -> int:
    """The length X gives `text` (at most 280 for a valid post)."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    spans: list[tuple[int, int, int]] = []  # start, end, weight of URLs and emoji
    for match in URL.finditer(text):
        spans.append((match.start(), match.end(), URL_WEIGHT))
    taken = [range(a, b) for a, b, _ in spans]
    for found in emoji.emoji_list(text):
        start, end = int(found["match_start"]), int(found["match_end"])
        if not any(start in r for r in taken):
            spans.append((start, end, EMOJI_WEIGHT))
    spans.sort()
    at = 0
    for start, end, weight in spans:
        if start < at:
            continue
        total += sum(_weight(c) for c in text[at:start]) + weight
        at = end
    return total + sum(_weight(c) for c in text[at:])
