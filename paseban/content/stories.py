"""The neighbourhood profile and story bank: what each kelurahan knows about itself, what is
still missing (as prompts, never invented), and story ideas that citizens' messages suggest."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# the fields of a profile, in the order an admin fills them, with the prompt shown when empty
PROFILE_FIELDS: tuple[tuple[str, str, str], ...] = (
    (
        "name_origin",
        "Asal-usul dan arti nama",
        "Dari mana nama kelurahan ini berasal dan apa artinya? Tanyakan sesepuh atau tokoh "
        "masyarakat, cari di arsip kelurahan atau buku sejarah Bogor, dan tulis sumbernya.",
    ),
    (
        "history",
        "Sejarah",
        "Peristiwa penting di wilayah ini: kapan kampung-kampungnya tumbuh, pemekaran, "
        "bangunan atau peristiwa lama. Tulis hanya yang bersumber.",
    ),
    (
        "landmarks",
        "Tempat penting",
        "Tempat yang dikenal warga: situs, taman, sungai, pasar, masjid, sekolah tua.",
    ),
    (
        "umkm",
        "UMKM",
        "Usaha warga yang khas: makanan, kerajinan, jasa. Minta izin pemiliknya sebelum ditulis.",
    ),
    (
        "sosok",
        "Sosok inspiratif",
        "Warga yang menginspirasi: kader posyandu, guru ngaji, relawan, atlet, pelestari "
        "budaya. Minta izin orangnya sebelum diunggah.",
    ),
    (
        "highlights",
        "Yang indah",
        "Apa yang membuat warga bangga: tradisi, kegiatan rutin, pemandangan, prestasi.",
    ),
    (
        "challenges",
        "Yang perlu diatasi",
        "Persoalan yang sering dikeluhkan warga dan apa yang sudah dilakukan.",
    ),
)
LIST_FIELDS = frozenset({"landmarks", "umkm", "sosok", "sources"})

# Questions that start a story, by theme; shown to admins as "ide cerita".
STORY_PROMPTS: tuple[tuple[str, str], ...] = (
    ("nama", "Apa arti nama kelurahan kita? Siapa yang pertama kali menamainya?"),
    ("sejarah", "Bangunan atau tempat apa yang paling tua di wilayah kita, dan apa ceritanya?"),
    ("sosok", "Siapa warga yang diam-diam bekerja untuk lingkungannya? Ceritakan kesehariannya."),
    ("umkm", "Usaha warga apa yang hanya ada di kelurahan kita? Bagaimana awal mulanya?"),
    ("tradisi", "Tradisi atau kegiatan rutin apa yang masih dijaga warga sampai sekarang?"),
    ("alam", "Sungai, taman, atau kebun mana yang jadi kebanggaan warga? Bagaimana merawatnya?"),
    ("perubahan", "Apa yang sudah berubah dan membaik setelah warga melapor? Tunjukkan hasilnya."),
    ("sunda", "Kata atau ungkapan Sunda apa yang khas di wilayah kita, dan artinya?"),
)


@dataclass(frozen=True)
class Profile:
    kelurahan: str  # wilayah code
    name: str
    name_origin: str = ""
    history: str = ""
    landmarks: tuple[str, ...] = ()
    umkm: tuple[str, ...] = ()
    sosok: tuple[str, ...] = ()
    highlights: str = ""
    challenges: str = ""
    sources: tuple[str, ...] = ()
    is_sample: bool = False

    def value(self, name: str) -> str | tuple[str, ...]:
        value: str | tuple[str, ...] = getattr(self, name)
        return value


@dataclass(frozen=True)
class Prompt:
    field: str
    label: str
    text: str


def missing(profile: Profile) -> list[Prompt]:
    """What is still empty, as prompts for the admin."""
    out = [Prompt(f, label, text) for f, label, text in PROFILE_FIELDS if not profile.value(f)]
    filled = [f for f, _, _ in PROFILE_FIELDS if profile.value(f)]
    if filled and not profile.sources:
        out.append(
            Prompt(
                "sources",
                "Sumber",
                "Tuliskan sumber setiap keterangan (nama narasumber dan tanggal wawancara, "
                "judul buku/arsip, atau tautan).",
            )
        )
    return out


def completeness(profile: Profile) -> int:
    """Percent of the profile's fields that are filled (sources count once something is)."""
    names = [f for f, _, _ in PROFILE_FIELDS] + ["sources"]
    filled = sum(1 for f in names if profile.value(f))
    return round(100 * filled / len(names))


def validate_profile(profile: Profile) -> list[str]:
    problems: list[str] = []
    for name in ("name_origin", "history", "highlights", "challenges"):
        value = profile.value(name)
        if isinstance(value, str) and len(value) > 5000:
            problems.append(f"{name}: terlalu panjang (maks. 5000 huruf)")
    for name in LIST_FIELDS:
        items = profile.value(name)
        if len(items) > 50:
            problems.append(f"{name}: paling banyak 50 butir")
        if any(len(i) > 300 for i in items):
            problems.append(f"{name}: setiap butir paling panjang 300 huruf")
    has_claims = bool(profile.name_origin or profile.history)
    if has_claims and not profile.sources:
        problems.append("asal-usul nama dan sejarah wajib bersumber: isi sedikitnya satu sumber")
    return problems


# --- ideas from citizens' messages ---------------------------------------------------------------


@dataclass(frozen=True)
class CitizenNote:
    """A stored message the analysis labelled praise (apresiasi) or information (informasi);
    text is the masked text."""

    message_id: int
    kelurahan: str | None
    intent: str
    text: str
    received_at: datetime
    account_id: int | None = None


@dataclass(frozen=True)
class StoryIdea:
    kelurahan: str
    message_ids: tuple[int, ...]
    headline: str  # the strongest message, shortened
    why: str  # in Bahasa Indonesia
    score: float
    examples: tuple[str, ...] = field(default=())


IDEA_INTENTS = frozenset({"apresiasi", "informasi"})
# words that make a message a story: people, events, places, achievements
_STORY_WORDS = re.compile(
    r"\b(terima kasih|makasih|hebat|keren|bangga|salut|mantap|inspiratif|relawan|kader|gotong "
    r"royong|kerja bakti|lomba|juara|festival|pentas|bazar|pengajian|tradisi|sejarah|dulu|"
    r"sesepuh|umkm|warung|usaha|karya|panen|bersih|rapi|indah|asri|taman|baru|akhirnya|sudah "
    r"diperbaiki|sudah bagus)\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"\w+")


def _signal(note: CitizenNote) -> float:
    words = len(_WORDS.findall(note.text))
    hits = len(_STORY_WORDS.findall(note.text))
    length = min(words, 40) / 40  # a sentence or two says more than an emoji
    return 1.0 + 0.5 * min(hits, 4) + length


def pick_ideas(
    notes: Iterable[CitizenNote],
    *,
    now: datetime,
    window: timedelta = timedelta(days=30),
    used: frozenset[int] = frozenset(),
    limit: int = 10,
    min_signal: float = 1.6,
) -> list[StoryIdea]:
    """Group praise and information by kelurahan and rank the groups: more messages, more
    story words, more recent. Messages already turned into a post (`used`) are skipped; so are
    messages without a kelurahan, outside the window, or too thin to tell a story."""
    groups: dict[str, list[tuple[float, CitizenNote]]] = {}
    for note in notes:
        if note.intent not in IDEA_INTENTS or not note.kelurahan or note.message_id in used:
            continue
        age = now - note.received_at
        if age > window or age < timedelta(0):
            continue
        signal = _signal(note)
        if signal < min_signal:
            continue
        recency = 1.0 - age / window  # 1 today, 0 at the end of the window
        groups.setdefault(note.kelurahan, []).append((signal * (0.5 + 0.5 * recency), note))
    ideas: list[StoryIdea] = []
    for kelurahan, scored in groups.items():
        scored.sort(key=lambda s: (-s[0], s[1].message_id))
        total = sum(s for s, _ in scored)
        best = scored[0][1]
        praise = sum(1 for _, n in scored if n.intent == "apresiasi")
        info = len(scored) - praise
        parts = []
        if praise:
            parts.append(f"{praise} pesan apresiasi")
        if info:
            parts.append(f"{info} pesan informasi")
        why = f"{' dan '.join(parts)} dari warga dalam {window.days} hari terakhir"
        ideas.append(
            StoryIdea(
                kelurahan=kelurahan,
                message_ids=tuple(n.message_id for _, n in scored),
                headline=_shorten(best.text),
                why=why,
                score=round(total, 3),
                examples=tuple(_shorten(n.text) for _, n in scored[:3]),
            )
        )
    ideas.sort(key=lambda i: (-i.score, i.kelurahan))
    return ideas[:limit]


def _shorten(text: str, size: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= size else text[: size - 1].rstrip() + "…"


# --- before/after photos from the field (issue 18) ------------------------------------------------

FIELD_CHECKS = (
    "wajah warga yang dapat dikenali (minta izin, atau samarkan)",
    "nomor rumah, pelat kendaraan, dan papan nama pribadi",
    "persetujuan orang yang tampak, dicatat di pustaka media",
)


def before_after_text(*, topic: str, place: str, opd: str) -> str:
    """A first draft for a resolved case's before/after photos: what was fixed, where, by whom,
    and thanks to the citizens who reported it (never the reporter's name or the ticket)."""
    what = topic.lower() if topic else "laporan warga"
    where = f" di {place}" if place else ""
    who = opd or "petugas"
    return (
        f"Sebelum dan sesudah: {what}{where} sudah ditangani {who}. Geser untuk melihat "
        "hasilnya.\n\nTerima kasih kepada warga yang melapor dan petugas yang turun ke "
        "lapangan. Ada keluhan serupa di sekitar Anda? Yuk laporkan lewat kanal resmi Pemkot."
    )
