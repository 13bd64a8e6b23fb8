"""Personal data found and masked. `mask`: NIK, phone numbers, e-mail, plate numbers and the like
(lokal-id), for the text staff without `pii:read` see and for logs. `mask_public`: also personal
names and house-level addresses, for what anyone may read (docs/security.md)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lokal import detect_pii

from paseban.nlp.addresses import house_spans
from paseban.nlp.person_names import name_spans

MASKED_TYPES = ("NIK", "KK", "PHONE", "EMAIL", "PLATE", "NPWP", "BANK_ACCOUNT", "CARD")
# cheap pre-check: lokal's detectors only run on text that could hold one of these
# (8+ digits with separators: NIK, KK, phone, accounts; an e-mail; a plate like "F 1234 AB")
_CANDIDATE = re.compile(
    r"\d(?:[\s.\-]?\d){7,}|[\w.+-]@[\w-]+\.|\b[A-Za-z]{1,2}\s?\d{1,4}\s?[A-Za-z]{1,3}\b"
)


@dataclass(frozen=True)
class Masked:
    text: str
    found: tuple[str, ...]  # types found, in reading order


def mask(text: str) -> Masked:
    if not _CANDIDATE.search(text):
        return Masked(text, ())
    matches = detect_pii(text, types=MASKED_TYPES)  # type: ignore[arg-type]
    if not matches:
        return Masked(text, ())
    parts: list[str] = []
    last = 0
    for m in matches:
        parts.append(text[last : m.start])
        parts.append(f"[{m.type}]")
        last = m.end
    parts.append(text[last:])
    return Masked("".join(parts), tuple(m.type for m in matches))


# --- what the public may read: names and house-level addresses masked too ----------------------

NAME = "NAMA"
ADDRESS = "ALAMAT"


def personal_spans(text: str) -> list[tuple[int, int, str]]:
    """Where the personal names and house-level addresses are: (start, end, NAMA | ALAMAT),
    in reading order, never overlapping (an address wins over a name inside it: "Gg. H.
    Samin No. 5")."""
    names = name_spans(text)
    addresses = []
    for start, end in house_spans(text):
        # a name in front of the house part is the person's, not the estate's ("Dadang
        # Hermawan RT 03/RW 02"): the address starts after it
        for a, b in names:
            if a <= start < b < end:
                start = b + len(text[b:end]) - len(text[b:end].lstrip(" \t,-–"))
        addresses.append((start, end, ADDRESS))
    kept = [(a, b, NAME) for a, b in names if not any(a < y and x < b for x, y, _ in addresses)]
    return sorted(addresses + kept)


def mask_public(text: str) -> Masked:
    """A citizen's words as the public may read them (the tracking page, Open311): NIK, phone,
    e-mail and the other numbers of `mask`, and also personal names and house-level addresses.
    The street without a house number, the kelurahan and the landmark stay: the city and the
    neighbours need them to know where the problem is."""
    first = mask(text)
    spans = personal_spans(first.text)
    if not spans:
        return first
    parts: list[str] = []
    last = 0
    for start, end, kind in spans:
        if start < last:
            continue
        parts.append(first.text[last:start])
        parts.append(f"[{kind}]")
        last = end
    parts.append(first.text[last:])
    found = first.found + tuple(kind for _, _, kind in spans)
    return Masked("".join(parts), found)
