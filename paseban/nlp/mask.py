"""Personal data (NIK, phone numbers, e-mail, plate numbers) found and masked, using lokal-id."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lokal import detect_pii

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
