"""The draft quality checker: a score from 0 to 100 with a reason for every point, in Bahasa
Indonesia. Pure and fast (runs on every pause in typing); calibrated in docs/content.md.

Eight points, each scored 0..1 and weighted (the weights add up to 100):

    completeness 20  what / who / when / where / how to take part, by content type
    cta          10  a call to action
    program      15  the program named and its hashtags (or, without a program, hashtags)
    spelling     10  official names spelled right
    length       10  fits the platform's limit and ideal range
    readability  15  sentence length, paragraphs, shouting, chat abbreviations
    privacy      10  no personal data (paseban.nlp.mask)
    links        10  links well formed (and alive, when the live check ran)
    media        15  pictures and video (content/media_quality.py), counted only for a post
                     that has media or goes to a platform that needs them; the total is then
                     rescaled to 100

A blocking problem (personal data, over the platform's limit, too many hashtags, a broken link)
caps the score at 49 and stops the draft from being submitted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from paseban.connectors.media_limits import MediaLimits
from paseban.connectors.writing import DEFAULT_LIMITS, PlatformLimits
from paseban.content.links import URL, judge_links, urls_in
from paseban.content.links import link_problem as link_problem
from paseban.content.media import PostMedia
from paseban.content.media_quality import media_review
from paseban.content.names import NameBook, compact
from paseban.content.programs import Program, hashtags_in
from paseban.nlp.mask import mask


class ContentType(StrEnum):
    INFORMASI = "informasi"  # announcements, services
    ACARA = "acara"  # an event citizens can attend
    PROGRAM = "program"  # a priority program and what it achieved
    KAMPANYE = "kampanye"  # a Diskominfo campaign kit, adapted
    CERITA = "cerita"  # the neighbourhood's own story
    UCAPAN = "ucapan"  # greetings for holidays and days


CONTENT_TYPE_LABELS: dict[ContentType, str] = {
    ContentType.INFORMASI: "Informasi/layanan",
    ContentType.ACARA: "Acara/kegiatan",
    ContentType.PROGRAM: "Program prioritas",
    ContentType.KAMPANYE: "Kampanye Diskominfo",
    ContentType.CERITA: "Cerita wilayah",
    ContentType.UCAPAN: "Ucapan hari besar",
}

WEIGHTS: dict[str, int] = {
    "completeness": 20,
    "cta": 10,
    "program": 15,
    "spelling": 10,
    "length": 10,
    "readability": 15,
    "privacy": 10,
    "links": 10,
}
POINT_LABELS: dict[str, str] = {
    "completeness": "Kelengkapan informasi",
    "cta": "Ajakan bertindak",
    "program": "Program dan tagar",
    "spelling": "Ejaan nama resmi",
    "length": "Panjang sesuai platform",
    "readability": "Mudah dibaca",
    "privacy": "Tanpa data pribadi",
    "links": "Tautan",
    "media": "Foto dan video",
}
MEDIA_WEIGHT = 15  # the ninth point, when the post has media or its platform needs them
ALL_WEIGHTS = {**WEIGHTS, "media": MEDIA_WEIGHT}
BLOCKED_CAP = 49
# Points that reward the absence of a problem (no misspelling, no personal data, no broken link,
# nothing hard to read) are only fully earned by a text with something in it: below this many
# words they count in proportion (see docs/content.md, "thin-text discount").
SUBSTANCE_WORDS = 20
ABSENCE_POINTS = ("spelling", "readability", "privacy", "links")
GRADES = ((80, "siap", "Siap diajukan"), (60, "cukup", "Cukup, masih bisa diperbaiki"))
LOW_GRADE = ("perbaiki", "Perlu diperbaiki")


# which of the five questions each content type must answer
ELEMENTS: dict[ContentType, tuple[str, ...]] = {
    ContentType.INFORMASI: ("apa", "siapa", "kapan", "di_mana", "cara"),
    ContentType.ACARA: ("apa", "siapa", "kapan", "di_mana", "cara"),
    ContentType.PROGRAM: ("apa", "siapa", "bukti", "cara"),
    ContentType.KAMPANYE: ("apa", "siapa", "kapan", "cara"),
    ContentType.CERITA: ("apa", "siapa", "di_mana", "sumber"),
    ContentType.UCAPAN: ("apa", "siapa"),
}
ELEMENT_LABELS = {
    "apa": ("apa", "Kalimat pembuka belum menjelaskan apa yang diberitakan."),
    "siapa": ("siapa", "Belum jelas siapa penyelenggara atau siapa sasarannya (warga, UMKM, ...)."),
    "kapan": ("kapan", "Belum ada hari, tanggal, atau jam."),
    "di_mana": ("di mana", "Belum ada tempat atau alamat (atau tautan bila daring)."),
    "cara": ("cara ikut", "Belum dijelaskan cara ikut/mendaftar/memanfaatkan."),
    "bukti": ("capaian", "Belum ada angka atau capaian yang sudah dilakukan."),
    "sumber": ("sumber", "Belum disebut sumber cerita (sesepuh, arsip, buku, warga)."),
}

_I = re.IGNORECASE
_DAYS = r"senin|selasa|rabu|kamis|jumat|jum'at|sabtu|minggu|ahad"
_MONTHS = (
    r"januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|desember|"
    r"jan|feb|mar|apr|jun|jul|agu|agt|sep|okt|nov|des"
)
PATTERNS: dict[str, re.Pattern[str]] = {
    "siapa": re.compile(
        r"\b(warga|masyarakat|pemkot|pemerintah|kelurahan|kecamatan|dinas|wali kota|walikota|"
        r"lurah|camat|rt|rw|kader|ibu|bapak|anak|pelajar|siswa|guru|lansia|umkm|pelaku usaha|"
        r"komunitas|relawan|petugas|tim|puskesmas|pkk|karang taruna|pemuda|remaja|keluarga|"
        r"sesepuh|tokoh|pengrajin|pedagang|peserta|penerima|orang tua|balita|difabel|"
        r"diskominfo|disdik|dinkes|dlh|dishub|satpol|bpbd|pupr|disperumkim|bapenda|bappeda)\b",
        _I,
    ),
    "kapan": re.compile(
        rf"\b({_DAYS})\b|\b\d{{1,2}}\s+({_MONTHS})\b|\b\d{{1,2}}[/-]\d{{1,2}}([/-]\d{{2,4}})?\b|"
        r"\bpukul\b|\bjam\s*\d|\b\d{1,2}[.:]\d{2}\b|\bWIB\b|\bhari ini\b|\bbesok\b|\blusa\b|"
        r"\bpekan (ini|depan)\b|\bminggu depan\b|\bbulan (ini|depan)\b|\btanggal\b|\bsetiap\b|"
        r"\bmulai\b|\bbatas\b|\bsampai\b|\bhingga\b",
        _I,
    ),
    "di_mana": re.compile(
        r"\bdi\s+[A-Z]|\bjl\.|\bjalan\s+[A-Z]|\blokasi\b|\balamat\b|\btempat\b|\bkantor\b|"
        r"\bbalai\b|\baula\b|\bgedung\b|\btaman\b|\blapangan\b|\bmasjid\b|\bsekolah\b|"
        r"\bpuskesmas\b|\bposyandu\b|\bpendopo\b|\bGOR\b|\balun-alun\b|\bpasar\b|\bdaring\b|"
        r"\bonline\b|\bzoom\b|\blive\b|\bRT\s*\d|\bRW\s*\d",
    ),
    "cara": re.compile(
        r"\b(daftar|mendaftar|pendaftaran|registrasi|datang|bawa|membawa|hubungi|kontak|klik|"
        r"tautan|link|formulir|isi|syarat|gratis|scan|pindai|dm|wa|whatsapp|kunjungi|caranya|"
        r"langkah|ikut|ikuti|bergabung|gabung|laporkan|lapor|unduh|download|cukup|tunjukkan|"
        r"manfaatkan|gunakan|akses)\b",
        _I,
    ),
    "bukti": re.compile(
        r"\b\d+([.,]\d+)?\s*(%|persen|km|kilometer|meter|unit|titik|warga|orang|kk|rumah|ton|"
        r"miliar|juta|ribu|sekolah|kelurahan|penerima|peserta|pohon|ruas|lokasi|anak|keluarga|"
        r"umkm|kg|liter|hektare|ha)\b|\b(telah|sudah|berhasil)\b[^.]{0,60}\d",
        _I,
    ),
    "sumber": re.compile(
        r"\b(menurut|sumber|dikutip|kata|ujar|tutur|cerita|dikisahkan|konon|catatan|arsip|buku|"
        r"sesepuh|tokoh|prasasti|sejarawan|penuturan)\b",
        _I,
    ),
}
CTA = re.compile(
    r"\b(yuk|yu|ayo|ayok|mari|ikuti|ikutilah|daftar|daftarkan|datang|datanglah|kunjungi|simak|"
    r"cek|hubungi|klik|bagikan|share|tag|komen|tulis|laporkan|jangan lupa|segera|gunakan|"
    r"manfaatkan|dukung|follow|ajak|ajaklah|sampaikan|isi|unduh|tonton|saksikan|hadiri|"
    r"pindai|scan)\b",
    _I,
)
# chat abbreviations that do not belong in an official post
INFORMAL = re.compile(
    r"\b(gak|ga|nggak|ngga|udah|udh|bgt|banget|yg|dgn|utk|tdk|krn|sdh|blm|dr|jg|aja|gmn|kalo|"
    r"tp|sm|bs|dl|lg|gitu|hub|liat|sy|trs|pd|bln|thn|jgn|dtg|tgl|kpd|sbg|spt)\b",
    _I,
)
SENTENCE = re.compile(r"[^.!?\n]+")
WORDS = re.compile(r"[^\W_]+(?:[-'][^\W_]+)*")


@dataclass(frozen=True)
class Draft:
    text: str
    platform: str = "instagram"
    content_type: ContentType = ContentType.INFORMASI
    program: Program | None = None
    hashtags: tuple[str, ...] = ()  # wanted besides the program's (a campaign's, the city's)
    media: PostMedia | None = None  # None: the media are not judged (a text-only check)
    media_limits: MediaLimits | None = None  # the platform's rules for pictures and video
    limits: PlatformLimits = DEFAULT_LIMITS  # the platform's text rules (Registry.writing_limits)
    platform_name: str = ""  # as the reasons name it (Registry.platform_label); "": the code


@dataclass(frozen=True)
class Point:
    code: str
    score: float  # 0..1
    reasons: tuple[str, ...]
    blocking: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return POINT_LABELS[self.code]

    @property
    def weight(self) -> int:
        return ALL_WEIGHTS[self.code]

    @property
    def earned(self) -> float:
        return self.weight * self.score

    @property
    def level(self) -> str:
        if self.blocking or self.score < 0.5:
            return "kurang"
        return "baik" if self.score >= 0.9 else "cukup"


@dataclass(frozen=True)
class Report:
    score: int
    grade: str
    grade_label: str
    points: tuple[Point, ...]
    stats: Mapping[str, int] = field(default_factory=dict)

    @property
    def blockers(self) -> tuple[str, ...]:
        return tuple(b for p in self.points for b in p.blocking)

    def as_dict(self) -> dict[str, Any]:
        return {
            "score": self.score,
            "grade": self.grade,
            "grade_label": self.grade_label,
            "blockers": list(self.blockers),
            "stats": dict(self.stats),
            "points": [
                {
                    "code": p.code,
                    "label": p.label,
                    "weight": p.weight,
                    "earned": round(p.earned, 1),
                    "level": p.level,
                    "reasons": list(p.reasons),
                    "blocking": list(p.blocking),
                }
                for p in self.points
            ],
        }


def check(
    draft: Draft, names: NameBook, *, live_links: Mapping[str, int | None] | None = None
) -> Report:
    """Score a draft. `live_links` maps a URL to its HTTP status (None: unreachable), when the
    optional live check ran; without it only the form of each link is checked."""
    text = draft.text.strip()
    limits = draft.limits
    urls = urls_in(text)
    tags = hashtags_in(text)
    points: tuple[Point, ...] = (
        _completeness(text, draft.content_type, names),
        _cta(text, draft.content_type),
        _program(text, draft, tags, limits),
        _spelling(text, names),
        _length(text, urls, draft.platform_name or draft.platform, limits),
        _readability(text),
        _privacy(text),
        Point("links", *judge_links(urls, live_links or {})),
    )
    words = WORDS.findall(text)
    if len(words) < SUBSTANCE_WORDS:
        points = _discount_thin(points, len(words))
    media = _media(draft)
    if media is not None:
        points = (*points, media)
    raw = sum(p.earned for p in points) * 100 / sum(p.weight for p in points)
    score = round(raw)
    if any(p.blocking for p in points):
        score = min(score, BLOCKED_CAP)
    grade, label = LOW_GRADE
    for floor, code, text_label in GRADES:
        if score >= floor:
            grade, label = code, text_label
            break
    stats = {
        "chars": _counted_length(text, urls, limits),
        "words": len(words),
        "sentences": len(_sentences(text)),
        "hashtags": len(tags),
        "links": len(urls),
        "max_chars": limits.max_chars,
    }
    if draft.media is not None:
        stats["media"] = len(draft.media.items)
    return Report(score, grade, label, points, stats)


def _media(draft: Draft) -> Point | None:
    """The media point, for a post with media or one whose platform needs them."""
    rules = draft.media_limits
    if draft.media is None or rules is None or not (draft.media.items or rules.needs_media):
        return None
    score, reasons, blocking = media_review(draft.media, rules)
    return Point("media", score, tuple(reasons), tuple(blocking))


def _discount_thin(points: tuple[Point, ...], words: int) -> tuple[Point, ...]:
    factor = words / SUBSTANCE_WORDS
    note = (
        f"Teks baru {words} kata: poin ini dihitung {round(100 * factor)}% "
        f"sampai teks sedikitnya {SUBSTANCE_WORDS} kata."
    )
    return tuple(
        Point(p.code, p.score * factor, (*p.reasons, note), p.blocking)
        if p.code in ABSENCE_POINTS
        else p
        for p in points
    )


# --- the points ----------------------------------------------------------------------------------


def _completeness(text: str, kind: ContentType, names: NameBook) -> Point:
    wanted = ELEMENTS[kind]
    found: list[str] = []
    missing: list[str] = []
    for element in wanted:
        if _has_element(element, text, names):
            found.append(ELEMENT_LABELS[element][0])
        else:
            missing.append(ELEMENT_LABELS[element][1])
    score = len(found) / len(wanted)
    reasons = [f"Sudah menjawab: {', '.join(found)}." if found else "Belum menjawab 5W+1H."]
    reasons.extend(missing)
    return Point("completeness", score, tuple(reasons))


def _has_element(element: str, text: str, names: NameBook) -> bool:
    if element == "apa":
        words = WORDS.findall(text)
        first = _sentences(text)[:1]
        return len(words) >= 8 and bool(first) and len(WORDS.findall(first[0])) >= 4
    if element == "di_mana" and not PATTERNS["di_mana"].search(text):
        lowered = compact(text)
        return any(
            compact(n.preferred) in lowered for n in names.names if n.kind in ("wilayah", "tempat")
        )
    return bool(PATTERNS[element].search(text))


def _cta(text: str, kind: ContentType) -> Point:
    found = sorted({m.group(0).lower() for m in CTA.finditer(text)})
    if found:
        return Point("cta", 1.0, (f"Ada ajakan: {', '.join(found[:4])}.",))
    if kind in (ContentType.UCAPAN, ContentType.CERITA):
        return Point(
            "cta",
            0.6,
            (
                "Belum ada ajakan; untuk ucapan/cerita cukup ajakan ringan "
                "(mis. “bagikan kisahmu”).",
            ),
        )
    return Point(
        "cta", 0.0, ("Belum ada ajakan bertindak (mis. “Yuk daftar…”, “Datang ke…”, “Simak…”).",)
    )


def _program(text: str, draft: Draft, tags: list[str], limits: PlatformLimits) -> Point:
    reasons: list[str] = []
    blocking: list[str] = []
    lowered_tags = {t.lower() for t in tags}
    wanted = [*(draft.program.hashtags if draft.program else ()), *draft.hashtags]
    wanted = list(dict.fromkeys(t for t in wanted if t))
    if draft.program is not None:
        named = any(compact(n) in compact(text) for n in draft.program.names)
        name_score = 0.5 if named else 0.0
        reasons.append(
            f"Nama program “{draft.program.name}” disebut."
            if named
            else f"Nama program “{draft.program.name}” belum disebut."
        )
    elif draft.content_type in (ContentType.PROGRAM, ContentType.KAMPANYE):
        name_score = 0.0
        reasons.append("Draf program/kampanye belum ditautkan ke program prioritas.")
    else:
        name_score = None  # no program asked for: the hashtags carry the whole point
    if wanted:
        present = [t for t in wanted if t.lower() in lowered_tags]
        absent = [t for t in wanted if t.lower() not in lowered_tags]
        tag_score = 0.5 * len(present) / len(wanted)
        if absent:
            reasons.append(f"Tagar yang belum ada: {' '.join(absent)}.")
        else:
            reasons.append(f"Tagar lengkap: {' '.join(present)}.")
    elif tags:
        tag_score = 0.5
        reasons.append(f"Ada tagar: {' '.join(tags[:5])}.")
    else:
        tag_score = 0.0
        reasons.append("Belum ada tagar; tambahkan tagar program atau tagar kota.")
    score = name_score + tag_score if name_score is not None else min(1.0, 2 * tag_score)
    if name_score is None and not tags:
        score = 0.2
    if limits.max_hashtags is not None and len(tags) > limits.max_hashtags:
        blocking.append(
            f"{len(tags)} tagar: platform ini menolak/mengabaikan lebih dari {limits.max_hashtags}."
        )
        score = 0.0
    elif len(tags) > limits.ideal_hashtags:
        score = max(0.0, score - 0.3)
        reasons.append(
            f"{len(tags)} tagar terlalu banyak untuk platform ini "
            f"(ideal ≤ {limits.ideal_hashtags})."
        )
    return Point("program", score, tuple(reasons), tuple(blocking))


def _spelling(text: str, names: NameBook) -> Point:
    issues = names.check(text)
    if not issues:
        return Point("spelling", 1.0, ("Nama resmi, jabatan, dan wilayah ditulis dengan benar.",))
    score = max(0.0, 1.0 - 0.25 * len(issues))
    return Point("spelling", score, tuple(i.reason for i in issues[:8]))


def _counted_length(text: str, urls: list[str], limits: PlatformLimits) -> int:
    if limits.url_length is None:
        return len(text)
    return len(text) - sum(len(u) for u in urls) + limits.url_length * len(urls)


def _length(text: str, urls: list[str], name: str, limits: PlatformLimits) -> Point:
    n = _counted_length(text, urls, limits)
    low, high = limits.ideal
    if n > limits.max_chars:
        return Point(
            "length",
            0.0,
            (f"{n} karakter melebihi batas {name} ({limits.max_chars}).",),
            (f"Terlalu panjang untuk {name}: {n}/{limits.max_chars} karakter.",),
        )
    if n < low:
        score = max(0.2, n / low)
        return Point(
            "length", score, (f"{n} karakter; terlalu pendek untuk {name} (ideal {low}-{high}).",)
        )
    if n > high:
        return Point(
            "length",
            0.6,
            (f"{n} karakter; lebih panjang dari ideal {name} ({low}-{high}). Ringkas bila bisa.",),
        )
    return Point("length", 1.0, (f"{n} karakter, pas untuk {name} (ideal {low}-{high}).",))


def _sentences(text: str) -> list[str]:
    clean = URL.sub(" ", text)
    return [s for s in (m.group(0).strip() for m in SENTENCE.finditer(clean)) if WORDS.search(s)]


def _readability(text: str) -> Point:
    sentences = _sentences(text)
    if not sentences:
        return Point("readability", 0.0, ("Belum ada kalimat.",))
    lengths = [len(WORDS.findall(s)) for s in sentences]
    average = sum(lengths) / len(lengths)
    score = 1.0
    reasons: list[str] = []
    if average > 25:
        score -= 0.4
        reasons.append(f"Rata-rata {average:.0f} kata per kalimat; pecah jadi kalimat ≤ 20 kata.")
    elif average > 20:
        score -= 0.2
        reasons.append(f"Rata-rata {average:.0f} kata per kalimat; idealnya ≤ 20.")
    long = sum(1 for n in lengths if n > 35)
    if long:
        score -= min(0.3, 0.15 * long)
        reasons.append(f"{long} kalimat lebih dari 35 kata.")
    blocks = [b for b in re.split(r"\n\s*\n|\n", text) if b.strip()]
    if any(len(b) > 500 for b in blocks):
        score -= 0.2
        reasons.append("Ada paragraf lebih dari 500 karakter; beri baris kosong di antaranya.")
    words = [w for w in WORDS.findall(text) if len(w) > 2 and not w.isdigit()]
    caps = [w for w in words if w.isupper()]
    if words and len(caps) / len(words) > 0.3:
        score -= 0.2
        reasons.append("Terlalu banyak HURUF KAPITAL; terkesan berteriak.")
    if re.search(r"[!?]{3,}", text):
        score -= 0.1
        reasons.append("Tanda seru/tanya berulang (“!!!”); cukup satu.")
    informal = sorted({m.group(0).lower() for m in INFORMAL.finditer(text)})
    if informal:
        score -= min(0.3, 0.1 * ((len(informal) + 1) // 2))
        reasons.append(f"Singkatan/percakapan tidak baku: {', '.join(informal[:6])}.")
    if not reasons:
        reasons.append(f"Kalimat pendek dan jelas (rata-rata {average:.0f} kata).")
    return Point("readability", max(0.0, score), tuple(reasons))


def _privacy(text: str) -> Point:
    found = mask(text).found
    if not found:
        return Point("privacy", 1.0, ("Tidak ada NIK, nomor KK, nomor telepon pribadi, dll.",))
    kinds = list(dict.fromkeys(found))
    official_email = all(
        e.lower().endswith(".go.id") for e in re.findall(r"[\w.+-]+@[\w.-]+", text)
    )
    serious = [k for k in kinds if k not in ("PHONE", "EMAIL")]
    if "EMAIL" in kinds and not official_email:
        serious.append("EMAIL")
    labels = {
        "NIK": "NIK",
        "KK": "nomor KK",
        "PHONE": "nomor telepon",
        "EMAIL": "alamat e-mail pribadi",
        "PLATE": "nomor polisi kendaraan",
        "NPWP": "NPWP",
        "BANK_ACCOUNT": "nomor rekening",
        "CARD": "nomor kartu",
    }
    if serious:
        what = ", ".join(labels.get(k, k) for k in serious)
        return Point(
            "privacy",
            0.0,
            (f"Ada data pribadi: {what}. Hapus atau samarkan sebelum diajukan.",),
            (f"Data pribadi ({what}) tidak boleh diunggah.",),
        )
    if "PHONE" in kinds:
        return Point(
            "privacy",
            0.5,
            ("Ada nomor telepon: pastikan itu nomor layanan resmi, bukan nomor pribadi.",),
        )
    return Point("privacy", 1.0, ("Alamat e-mail resmi (.go.id).",))
