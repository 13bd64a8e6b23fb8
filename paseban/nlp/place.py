"""Where a message is about: kelurahan and kecamatan (official names, aliases, misspellings),
street, RT/RW and landmark; the receiving account's wilayah as a marked fallback."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from rapidfuzz import fuzz, process

from paseban.domain.geo import Centre, nearest_kelurahan
from paseban.domain.wilayah import Level, Wilayah
from paseban.nlp.pipeline import Place

# names that are also everyday words: only matched after a place word ("kel. genteng",
# "di genteng", "lurah genteng"); "genteng bocor" is a roof, not a kelurahan
COMMON_WORDS = frozenset({"genteng", "gudang", "empang", "curug", "babakan", "pakuan", "kencana"})
AFTER_WORDS = frozenset({"rt", "rw"})  # "genteng rt 5" is the kelurahan too
# "arah bubulak", "jurusan bubulak": a direction or a bus route, not where the problem is
DIRECTION_WORDS = frozenset({"arah", "jurusan", "tujuan", "trayek", "menuju"})
PLACE_WORDS = frozenset(
    {
        "kelurahan",
        "kecamatan",
        "desa",
        "kel",
        "kec",
        "kelurhan",
        "kelurhn",
        "klurahan",
        "lurah",
        "camat",
        "kampung",
        "kp",
        "kmp",
        "kmpg",
    }
)
CONTEXT_WORDS = PLACE_WORDS | {
    "di",
    "daerah",
    "wilayah",
    "warga",
    "sekitar",
    "dekat",
    "deket",
    "dkt",
    "ke",
    "dari",
    "dr",
    "pasar",
    "psr",
    "tps",
    "jalan",
    "jl",
    "jln",
    "gang",
    "gg",
    "perumahan",
    "perum",
    "komplek",
    "kompleks",
    "rw",
    "rt",
    "wil",
    "dket",
}
_RAW_TOKEN = re.compile(r"[a-z0-9]+")
_RAW_REPEAT = re.compile(r"([a-z])\1{2,}")
# abbreviations people use in place names ("kd. badak", "kb kalapa", "bbkn pasar")
PLACE_ABBREVIATIONS = {
    "kd": "kedung",
    "kdg": "kedung",
    "kdng": "kedung",
    "kb": "kebon",
    "kbn": "kebon",
    "tnh": "tanah",
    "tn": "tanah",
    "psr": "pasar",
    "lw": "lawang",
    "bbkn": "babakan",
    "bbk": "babakan",
    "bbakan": "babakan",
    "sndg": "sindang",
    "sdg": "sindang",
    "tgl": "tegal",
    "gn": "gunung",
    "gng": "gunung",
    "mkr": "mekar",
    "crg": "curug",
    "cldk": "cilendek",
    "ps": "pasir",
    "psir": "pasir",
    "skr": "sukaresmi",
    "btl": "batutulis",
    "btr": "bantar",
    "bjg": "bojong",
    "bj": "bojong",
    "kdung": "kedung",
    "kbon": "kebon",
}
FUZZY_CUTOFF = 86.0
FUZZY_MIN_LENGTH = 6

_RT = re.compile(r"\brt\.?\s*[:/]?\s*0*(\d{1,3})\b", re.I)
_RW = re.compile(r"\brw\.?\s*[:/]?\s*0*(\d{1,3})\b", re.I)
_RTRW = re.compile(
    r"\brt\.?\s*(?:/\s*rw\.?)?\s*[:.]?\s*0*(\d{1,3})\s*/\s*(?:rw\.?\s*)?0*(\d{1,3})\b", re.I
)
_NOT_A_STREET = (
    "di|dkt|dekat|deket|yang|yg|ke|ini|itu|rusak|bolong|depan|arah|sudah|udah|udh|menuju|dari|"
    "utama|nya|gang|kampung|kami|kita|sini|situ|disini|tersebut|berlubang|nya|yg|aja|juga|jg"
)
_STREET = re.compile(
    r"\b(?i:jl|jln|jalan)\.?\s+(?!(?i:" + _NOT_A_STREET + r")\b)"
    r"((?:raya\s+)?[A-Za-z][\w'-]*(?:\s+(?:[A-Z][\w'-]*|\d+|bin\s+[A-Za-z]+|no\.?\s*\d+))*)"
)
_STREET_STOP = re.compile(
    r"\s+(?:yang|yg|di|dekat|deket|sudah|udah|udh|rusak|bolong|berlubang|macet|banjir|depan|"
    r"arah|kel|kec|rt|rw|no)\b.*$",
    re.I,
)


def _form(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^a-z0-9 ]+", " ", text.lower())).strip()


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    level: Level
    kecamatan: str | None
    landmark: str | None = None


class Gazetteer:
    """An index of surface forms -> places, built from reference data."""

    def __init__(
        self, wilayah: Iterable[Wilayah], landmarks: Iterable[tuple[str, list[str], str]] = ()
    ):
        self.by_code: dict[str, Wilayah] = {}
        self._centres: list[Centre] | None = None
        self.forms: dict[str, list[Entry]] = {}
        self.fuzzy_forms: list[str] = []
        for w in wilayah:
            if w.level not in (Level.KECAMATAN, Level.KELURAHAN):
                continue
            self.by_code[w.code] = w
            kec = w.parent_code if w.level is Level.KELURAHAN else w.code
            entry = Entry(w.code, w.name, w.level, kec)
            for surface in {w.name, *w.aliases}:
                form = _form(surface)
                for variant in {form, form.replace(" ", "")}:
                    self._add(variant, entry)
        for name, aliases, code in landmarks:
            mark = self.by_code.get(code)
            if mark is None:
                continue
            entry = Entry(code, mark.name, Level.KELURAHAN, mark.parent_code, landmark=name)
            for surface in {name, *aliases}:
                self._add(_form(surface), entry)
        # a token can start a name: the first word of a form, or the start of a name written in two
        # parts ("ci bogor", "tegal gundil" written "tegalgun dil" is not worth the cost)
        starts = {f.split(" ", 1)[0] for f in self.forms}
        starts |= {f[:k] for f in self.forms if " " not in f for k in range(2, len(f) - 2)}
        self.first_tokens = frozenset(starts)
        self.prefixes: dict[str, list[str]] = {}
        for form in sorted(self.forms):
            kelurahan_level = any(e.level is Level.KELURAHAN for e in self.forms[form])
            if " " not in form and len(form) >= FUZZY_MIN_LENGTH and kelurahan_level:
                self.prefixes.setdefault(form[:3], []).append(form)
        self.max_tokens = max((f.count(" ") + 1 for f in self.forms), default=1)

    def _add(self, form: str, entry: Entry) -> None:
        bucket = self.forms.setdefault(form, [])
        if entry not in bucket:
            bucket.append(entry)

    def _candidates(self, raw_tokens: list[str]) -> list[tuple[Entry, float, str, int]]:
        tokens = [PLACE_ABBREVIATIONS.get(t, t) for t in raw_tokens]
        found: list[tuple[Entry, float, str, int]] = []
        n = len(tokens)
        i = 0
        forms, prefixes = self.forms, self.prefixes
        first_tokens = self.first_tokens
        while i < n:
            tok = tokens[i]
            prev = tokens[i - 1] if i else ""
            matched = 0
            if prev in DIRECTION_WORDS:
                i += 1
                continue
            if len(tok) > 6 and tok.endswith("nya") and tok[:-3] in forms:
                tok = tokens[i] = tok[:-3]  # "sempurnya" -> "sempur"
            if tok in first_tokens:
                for size in range(min(self.max_tokens, n - i), 0, -1):
                    part = tokens[i : i + size]
                    spaced = " ".join(part)
                    entries = forms.get(spaced)
                    gram = spaced
                    if entries is None and size > 1:
                        gram = "".join(part)
                        entries = forms.get(gram)
                    if not entries:
                        continue
                    nxt = tokens[i + size] if i + size < n else ""
                    if (
                        gram in COMMON_WORDS
                        and prev not in CONTEXT_WORDS
                        and nxt not in AFTER_WORDS
                    ):
                        continue
                    conf = 0.95 if prev in PLACE_WORDS else 0.9
                    found.extend((entry, conf, f"nama: '{spaced}'", i) for entry in entries)
                    matched = size
                    break
            bucket = prefixes.get(tok[:3]) if not matched and len(tok) >= 3 else None
            if bucket:
                # misspellings: compare with names that start with the same three letters
                for size in (3, 2, 1):
                    if i + size > n:
                        continue
                    joined = "".join(tokens[i : i + size])
                    if len(joined) < FUZZY_MIN_LENGTH:
                        continue
                    hit = process.extractOne(
                        joined, bucket, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
                    )
                    if hit is None or (hit[0] in COMMON_WORDS and prev not in CONTEXT_WORDS):
                        continue
                    spaced = " ".join(tokens[i : i + size])
                    conf = 0.8 if prev in PLACE_WORDS else 0.7
                    found.extend(
                        (e, conf, f"mirip '{hit[0]}': '{spaced}'", i) for e in forms[hit[0]]
                    )
                    matched = size
                    break
            i += matched or 1
        return found

    def near(self, lat: float, lon: float, *, max_km: float = 3.0) -> Place | None:
        """The kelurahan whose centre is nearest a point the citizen sent (a WhatsApp location,
        a map pin), within `max_km`; None outside the city or without centres."""
        centres = self._centres
        if centres is None:
            centres = self._centres = [
                Centre(w.code, w.lat, w.lon)
                for w in self.by_code.values()
                if w.level is Level.KELURAHAN and w.lat is not None and w.lon is not None
            ]
        hit = nearest_kelurahan(lat, lon, centres, max_km=max_km)
        if hit is None:
            return None
        w = self.by_code[hit.code]
        return Place(
            kelurahan=w.code,
            kecamatan=w.parent_code,
            source="location",
            confidence=0.85 if hit.distance_km <= 1.5 else 0.7,
            reason=f"lokasi yang dikirim warga, {hit.distance_km:.1f} km dari pusat Kel. {w.name}",
        )

    def locate(self, normalized: str, original: str = "", *, fallback: str | None = None) -> Place:
        # place names are matched on the citizen's own words (lower-cased, letters repeated three
        # times collapsed), not on the slang-normalised text, which would turn "tgl" into "tanggal"
        source = original or normalized
        tokens = _RAW_TOKEN.findall(_RAW_REPEAT.sub(r"\1", source.lower()))
        candidates = self._candidates(tokens)
        place = Place()
        kelurahan = [c for c in candidates if c[0].level is Level.KELURAHAN]
        kecamatan = [c for c in candidates if c[0].level is Level.KECAMATAN]
        if kelurahan:
            # a kelurahan inside a named kecamatan wins; otherwise the first named
            named_kec = {c[0].code for c in kecamatan}
            best = next((c for c in kelurahan if c[0].kecamatan in named_kec), kelurahan[0])
            entry, conf, reason, pos = best
            # "kecamatan tanah sareal" names the kecamatan, not the kelurahan of the same name
            if pos and tokens[pos - 1] in ("kecamatan", "kec") and entry.kecamatan:
                kec = self.by_code.get(entry.kecamatan)
                if kec and _form(kec.name) == _form(entry.name):
                    place = Place(kecamatan=kec.code, source="text", confidence=conf, reason=reason)
                    return self._details(place, original or normalized)
            place = Place(
                kelurahan=entry.code,
                kecamatan=entry.kecamatan,
                landmark=entry.landmark,
                source="text",
                confidence=conf,
                reason=reason,
            )
        elif kecamatan:
            entry, conf, reason, _ = kecamatan[0]
            place = Place(kecamatan=entry.code, source="text", confidence=conf, reason=reason)
        place = self._details(place, original or normalized)
        if place.kelurahan is None and place.kecamatan is None and fallback:
            home = self.by_code.get(fallback)
            if home is not None:
                own_kel = home.code if home.level is Level.KELURAHAN else None
                own_kec = home.parent_code if home.level is Level.KELURAHAN else home.code
                place = replace(
                    place,
                    kelurahan=own_kel,
                    kecamatan=own_kec,
                    source="fallback",
                    confidence=0.5,
                    reason=f"wilayah akun penerima ({home.name})",
                )
        return place

    @staticmethod
    def _details(place: Place, text: str) -> Place:
        rt = rw = None
        if m := _RTRW.search(text):
            rt, rw = m.group(1).zfill(2), m.group(2).zfill(2)
        else:
            if m := _RT.search(text):
                rt = m.group(1).zfill(2)
            if m := _RW.search(text):
                rw = m.group(1).zfill(2)
        street = None
        if m := _STREET.search(text):
            name = _STREET_STOP.sub("", m.group(1)).strip(" .,")
            if name:
                street = "Jl. " + " ".join(w[:1].upper() + w[1:] for w in name.split())
        return replace(place, rt=rt, rw=rw, street=street)
