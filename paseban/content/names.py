"""Official names and their spelling: jabatan, wilayah, programs, places. Pure; fast lookups.

A draft's words are compared with every official name in a compact form (lower case, letters and
digits only), so "walikota" meets "Wali Kota" and "Tegalgundil" meets "Tegal Gundil"; near
misses ("Tegal Gundul", "Baranangsang") are found with rapidfuzz's ratio in one vectorised call.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from rapidfuzz import fuzz, process

# Titles and institutions whose official spelling is fixed by PUEBI/KBBI and the city's
# nomenclature. Generic: any city; the city's own name is added by the caller.
TITLES: tuple[str, ...] = (
    "Wali Kota",
    "Wakil Wali Kota",
    "Sekretaris Daerah",
    "Balai Kota",
    "Pemerintah Kota",
    "Kepala Dinas",
    "Karang Taruna",
    "Puskesmas",
    "Posyandu",
)

# "di" as a preposition is written apart (PUEBI): "di kantor", not "dikantor"
_DI_PLACES = (
    "kelurahan|kecamatan|kantor|balai|jalan|sekitar|depan|belakang|samping|sana|sini|mana|rumah|"
    "masjid|sekolah|taman|lapangan|pasar|wilayah|kota|lokasi|aula|gedung|gang|puskesmas|posyandu|"
    "halaman|area|kawasan|alun"
)
# common non-standard spellings in official posts (KBBI form on the right)
NONSTANDARD: dict[str, str] = {
    "silahkan": "silakan",
    "himbauan": "imbauan",
    "dihimbau": "diimbau",
    "menghimbau": "mengimbau",
    "ijin": "izin",
    "praktek": "praktik",
    "resiko": "risiko",
    "nasehat": "nasihat",
    "jadual": "jadwal",
    "antri": "antre",
    "merubah": "mengubah",
    "sekedar": "sekadar",
    "kwitansi": "kuitansi",
    "apotik": "apotek",
    "hutang": "utang",
    "aktifitas": "aktivitas",
    "kreatifitas": "kreativitas",
    "sholat": "salat",
}
_NONSTANDARD = re.compile(r"\b(" + "|".join(NONSTANDARD) + r")\b", re.IGNORECASE)
DI_ATTACHED = re.compile(r"\bdi(" + _DI_PLACES + r")\b", re.IGNORECASE)

_WORD = re.compile(r"[^\W_](?:[\w'’\-]*[^\W_])?", re.UNICODE)
_BREAK = re.compile(r"[.,;:!?()\[\]\"“”/|\n]")
_STRIP = re.compile(r"(https?://\S+|www\.\S+|[#@]\w+)")


def compact(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


@dataclass(frozen=True)
class OfficialName:
    preferred: str  # how it must be written
    kind: str  # jabatan, wilayah, program, tempat, lembaga
    accepted: tuple[str, ...] = ()  # other correct forms (abbreviations, full names)


@dataclass(frozen=True)
class SpellingIssue:
    found: str
    suggestion: str
    kind: str
    exact: bool  # same letters, other spacing ("walikota"); False for a near miss

    @property
    def reason(self) -> str:
        if self.kind == "baku":
            return f"“{self.found}” ditulis “{self.suggestion}” (KBBI)."
        if self.exact:
            return f"“{self.found}” ditulis “{self.suggestion}” (ejaan resmi)."
        return f"“{self.found}” mungkin salah ketik; nama resminya “{self.suggestion}”."


class NameBook:
    """An index of official names, built once and reused for every check."""

    def __init__(self, names: Iterable[OfficialName]) -> None:
        self.names = tuple(names)
        keys: dict[str, OfficialName] = {}
        accepted_surfaces: set[str] = set()
        for name in self.names:
            for form in (name.preferred, *name.accepted):
                key = compact(form)
                if len(key) < 4:
                    continue
                keys.setdefault(key, name)
                accepted_surfaces.add(" ".join(form.lower().split()))
        self._keys = list(keys)
        self._by_key = keys
        self._accepted = accepted_surfaces
        self.max_tokens = max((len(n.preferred.split()) for n in self.names), default=1) + 1

    def __len__(self) -> int:
        return len(self.names)

    def of_kind(self, kind: str) -> list[OfficialName]:
        return [n for n in self.names if n.kind == kind]

    def check(self, text: str) -> list[SpellingIssue]:
        """Official names written with other spacing, near misses, and "di" glued to a place."""
        issues: list[SpellingIssue] = []
        seen: set[str] = set()
        for m in DI_ATTACHED.finditer(text):
            found = m.group(0)
            if found.lower() not in seen:
                seen.add(found.lower())
                issues.append(SpellingIssue(found, f"di {m.group(1).lower()}", "kata depan", True))
        for m in _NONSTANDARD.finditer(text):
            found = m.group(0)
            if found.lower() not in seen:
                seen.add(found.lower())
                issues.append(SpellingIssue(found, NONSTANDARD[found.lower()], "baku", True))
        if not self._keys:
            return issues
        windows = self._windows(_STRIP.sub(" ", text))
        if not windows:
            return issues
        keys = [w[1] for w in windows]
        # NumPy (only a dtype here) is loaded when a text is checked, not with the CLI (issue 12)
        import numpy as np

        scores = process.cdist(
            keys, self._keys, scorer=fuzz.ratio, score_cutoff=86, dtype=np.uint8, workers=1
        )
        covered: list[tuple[int, int]] = []
        # longest windows first, so "Wakil Wali Kota" wins over "Wali Kota"
        order = sorted(range(len(windows)), key=lambda i: -(windows[i][3] - windows[i][2]))
        for i in order:
            surface, key, start, end, tokens = windows[i]
            if any(s < end and start < e for s, e in covered):
                continue
            row = scores[i]
            best = int(row.argmax())
            score = int(row[best])
            if score == 0:
                continue
            name_key = self._keys[best]
            name = self._by_key[name_key]
            normal = " ".join(surface.lower().split())
            if key in self._by_key:
                name = self._by_key[key]
                covered.append((start, end))
                if normal in self._accepted:
                    continue
                if _spacing_differs(surface, name.preferred):
                    issue = SpellingIssue(surface, name.preferred, name.kind, True)
                    if issue.found.lower() not in seen:
                        seen.add(issue.found.lower())
                        issues.append(issue)
                continue
            if not _plausible_near_miss(surface, key, name_key, score, tokens):
                continue
            covered.append((start, end))
            if surface.lower() not in seen:
                seen.add(surface.lower())
                issues.append(SpellingIssue(surface, name.preferred, name.kind, False))
        issues.sort(key=lambda s: text.find(s.found))
        return issues

    def _windows(self, text: str) -> list[tuple[str, str, int, int, int]]:
        words = list(_WORD.finditer(text))
        out: list[tuple[str, str, int, int, int]] = []
        for i, first in enumerate(words):
            for n in range(1, self.max_tokens + 1):
                j = i + n - 1
                if j >= len(words):
                    break
                if n > 1 and _BREAK.search(text, words[j - 1].end(), words[j].start()):
                    break
                start, end = first.start(), words[j].end()
                surface = text[start:end]
                key = compact(surface)
                if len(key) >= 4:
                    out.append((surface, key, start, end, n))
        return out


def _spacing_differs(surface: str, preferred: str) -> bool:
    def parts(s: str) -> list[str]:
        return [compact(p) for p in re.split(r"[\s\-]+", s) if compact(p)]

    return parts(surface) != parts(preferred)


def _plausible_near_miss(surface: str, key: str, name_key: str, score: int, tokens: int) -> bool:
    """Near misses only where a name was clearly meant: same first letter, long enough, written
    as a proper noun; short names need a closer match. Keeps "kencan" from becoming "Kencana"."""
    if key[0] != name_key[0] or len(name_key) < 5:
        return False
    if not surface[:1].isupper():
        return False
    if abs(len(key) - len(name_key)) > 3:
        return False
    needed = 86 if len(name_key) >= 9 else 91
    return score >= needed and tokens <= 5


def city_names(
    *,
    city: str,
    wilayah: Iterable[tuple[str, Iterable[str]]],
    places: Iterable[str] = (),
    programs: Iterable[tuple[str, Iterable[str]]] = (),
) -> NameBook:
    """The name book for one city: titles, kecamatan/kelurahan names (with the aliases that only
    differ in capitals), landmarks and program names."""
    names: list[OfficialName] = [OfficialName(t, "jabatan") for t in TITLES]
    if city:
        short = re.sub(r"^(kota|kabupaten)\s+", "", city, flags=re.I)
        names.append(OfficialName(city, "wilayah", (f"Pemkot {short}", f"Pemerintah {city}")))
    for official, aliases in wilayah:
        same = tuple(a for a in aliases if a.lower() == official.lower())
        preferred = next((a for a in same if a.istitle()), official)
        accepted = tuple(a for a in (official, *same) if a != preferred)
        names.append(OfficialName(preferred, "wilayah", accepted))
    names.extend(OfficialName(p, "tempat") for p in places)
    for official, others in programs:
        names.append(OfficialName(official, "program", tuple(others)))
    return NameBook(names)
