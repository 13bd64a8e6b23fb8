"""House-level addresses in a citizen's message: house numbers, blocks, units and RT/RW, with
the street, gang, perumahan or kampung name that introduces them.

A street alone ("Jl. Pajajaran", "Jl. Dewi Sartika") is not an address of a person: the city
needs it to find a pothole and it says nothing of who wrote. What makes an address personal is
the house-level part ("No. 12", "Blok C3 No. 7", "RT 03/RW 05", "unit 1507"), and once it is
there, the street in front of it is part of the same address. Pure: text in, spans out."""

from __future__ import annotations

import re

# the house-level parts, one after another ("No. 12 RT 03/RW 05", "Blok A5 No. 1")
_NUM = r"\d{1,4}(?:\s?[A-Za-z](?![A-Za-z]))?(?:\s?[-/]\s?\d{1,4}[A-Za-z]?)?"
_RTRW_LABEL = r"(?:RT|RW)(?![A-Za-z])\.?"
_PART = (
    r"(?:"
    r"(?<![A-Za-z])(?:No|Nomor|Nomer|Nmr)(?![A-Za-z])\.?\s?:?\s?" + _NUM + r"(?![\d.,]\d)"
    r"|#\s?\d{1,4}[A-Za-z]?"
    r"|(?<![A-Za-z])Blok\s+(?:[A-Z]{1,3}[-\s]?\d{1,3}[A-Z]?(?:\s?/\s?\d{1,3}[A-Z]?)?"
    r"|[A-Z](?:\s?/\s?\d{1,3}[A-Z]?)?|\d{1,3}[A-Z]?)(?![A-Za-z])"
    r"|Kav(?:ling)?\.?\s?\d{1,4}[A-Za-z]?"
    r"|Tower\s+[A-Z0-9]{1,3}(?![a-z])"
    r"|(?:Lt|Lantai)\.?\s?\d{1,3}"
    r"|Unit\s+[0-9][0-9A-Za-z-]{0,6}"
    r"|Sektor\s+\d{1,3}"
    r"|RT\s?/\s?RW\s?:?\s?\d{1,3}\s?/\s?\d{1,3}"
    r"|" + _RTRW_LABEL + r"\s?:?\s?\d{1,3}(?:\s?/\s?(?:RW\.?\s?)?\d{1,3})?"
    r"(?:\s(?:s\.?d\.?|sampai|-)\s(?:RT\.?\s?)?\d{1,3})?"
    r")"
)
_JOIN = r"(?:\s*,\s*|\s+|\s*/\s*)"
HOUSE = re.compile(_PART + r"(?:" + _JOIN + _PART + r")*", re.IGNORECASE)

# what introduces the street part of an address: "Jl.", "Gg.", "Perum", "Kp.", "Komplek", ...
_INTRO = (
    r"(?:Jalan|Jln|Jl|Gang|Gg|Lorong|Perumahan|Perum|Komplek|Kompleks|Komp|Kampung|Kp|Kavling"
    r"|Griya|Graha|Cluster|Klaster|Villa|Vila|Apartemen|Apartment|Residence|Taman|Bumi|Puri"
    r"|Pondok|Asrama|Rusun|Rusunawa|Mess|Wisma)"
)
_INTRO_AT = re.compile(r"(?<![A-Za-z])" + _INTRO + r"(?![A-Za-z])\.?", re.IGNORECASE)
# words of a street or estate name between its introducer and the house-level part
_NAME_WORD = re.compile(r"[A-Za-z0-9][\w'’.\-]*")
# words that end a clause: the house part that follows belongs to something else
_CLAUSE_BREAK = frozenset(
    re.findall(
        r"\w+",
        "dan yang di ke dari untuk karena tapi sudah udah mau minta ada dengan sejak sampai "
        "tidak ga gak tolong mohon kami saya sy rumah warga depan dekat belakang samping "
        "sebelah seberang arah",
    )
)
_HOME_WORDS = re.compile(
    r"(rumah|rmh|tinggal|alamat|tetangga|penghuni|kontrak|kos|blok|sebelah|persis|\bdi)\w*\W"
    r"[^.!?\n]{0,25}$"
)
_MAX_LOOKBACK = 60  # characters from the introducer to the house part
# Capitalised words that name an estate without an introducer ("Cimanggu City Blok A3/7")
_ESTATE_WORDS = re.compile(r"(?:[A-Z][\w'’\-]*[ \t]+){1,4}$")
_NOT_ESTATE = frozenset(
    re.findall(
        r"\w+",
        "kel kelurahan kec kecamatan kota desa di ke dari warga rumah saya kami ini itu the "
        "pak bu min kak ibu bapak yth dan tinggal",
    )
)


def house_spans(text: str) -> list[tuple[int, int]]:
    """Where the house-level addresses are: each house part, reaching back to the street, gang
    or estate that introduces it when that stands in the same clause."""
    spans: list[tuple[int, int]] = []
    for match in HOUSE.finditer(text):
        start, end = match.start(), match.end()
        if not _plausible(text, match):
            continue
        start = _street_start(text, start)
        spans.append((start, end))
    return merge_spans(spans)


def _plausible(text: str, match: re.Match[str]) -> bool:
    """A number after "No." that is a phone, a ticket, a date or a count is not a house."""
    found = match.group(0)
    head = found.split()[0].lower().rstrip(".:")
    before = text[max(0, match.start() - 40) : match.start()].lower()
    if head.startswith(("no", "nomor", "nomer", "nmr", "#")):
        if re.search(r"(hp|telp|telepon|wa|tiket|antrian|antrean|rekening|kk|nik)\W*$", before):
            return False
        first = re.match(r"\D*(\d+)", found)
        if first is None or len(first.group(1)) > 5 or re.match(r"[-\d]", text[match.end() :]):
            return False
        if first.group(1).startswith("0") and len(first.group(1)) >= 4:
            return False  # a phone number
        if not _INTRO_AT.search(before) and not _HOME_WORDS.search(before):
            return False  # "pemain no 10", "angkot nomor 03": a number, not a house
    if head.startswith(("lt", "lantai", "sektor", "tower", "unit")):
        # alone these are floors of an office or a mall; they are a home with a number beside
        return bool(re.search(r"(apartemen|apartment|residence|rusun|tower|unit|blok)", before))
    return not (head.startswith("blok") and re.search(r"pasar\s+[\w ]{0,20}$", before))


def _street_start(text: str, start: int) -> int:
    """The start of the street, gang or estate name that introduces the house part at `start`,
    or `start` itself."""
    window_start = max(0, start - _MAX_LOOKBACK)
    window = text[window_start:start]
    best: int | None = None
    for intro in _INTRO_AT.finditer(window):
        between = window[intro.end() :]
        if _one_clause(between):
            best = window_start + intro.start()
            break
    if best is not None:
        return _estate_before(text, best)
    # an estate named without an introducer right before a block or unit
    head = text[start : start + 6].lower()
    if head.startswith(("blok", "unit", "tower", "rt", "rw")):
        estate = _ESTATE_WORDS.search(text[window_start:start])
        if estate:
            words = estate.group(0).split()
            while words and words[0].lower().strip(".,") in _NOT_ESTATE:
                words.pop(0)
            if words and not any(w.lower().strip(".,") in _NOT_ESTATE for w in words):
                return start - len(" ".join(words)) - 1
    return start


def _estate_before(text: str, start: int) -> int:
    """Reach back over the capitalised name in front of an estate word ("Bogor Valley
    Apartment", "Taman Yasmin Sektor")."""
    estate = _ESTATE_WORDS.search(text[max(0, start - 40) : start])
    if not estate:
        return start
    words = estate.group(0).split()
    kept: list[str] = []
    for word in reversed(words):
        if word.lower().strip(".,") in _NOT_ESTATE:
            break
        kept.insert(0, word)
    return start - len(" ".join(kept)) - 1 if kept else start


def _one_clause(between: str) -> bool:
    """The words between an introducer and a house part belong to one address: no full stop,
    no line break, no clause word ("dan", "yang", "di" ...)."""
    if "\n" in between or re.search(r"[.!?;:()](\s|$)", between.replace("No.", "No")):
        cleaned = re.sub(r"\b(?:Gg|Jl|Jln|No|Kp|Komp|H|Hj|Dr|Ir|KH|Perum)\.", "", between)
        if "\n" in between or re.search(r"[!?;:()]|\.(\s|$)", cleaned):
            return False
    words = [w.lower().strip(".,") for w in _NAME_WORD.findall(between)]
    return len(words) <= 8 and not any(w in _CLAUSE_BREAK for w in words)


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Overlapping or touching spans as one, in reading order."""
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
