"""Answers to the citizen: templates in Bahasa Indonesia per stage (event) and topic, filled with
the ticket code and the tracking link; and the small classifier for the citizen's answer to
"sudah beres?".

Templates are data (the `reply_templates` table, edited by staff); the defaults here are the
ones the migration stores and the fallback when a row is missing.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum


class ReplyEvent(StrEnum):
    RECEIVED = "received"  # a new case was opened from the citizen's message
    JOINED = "joined"  # the report joined a case others had already reported
    FORWARDED = "forwarded"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"  # includes the question "sudah beres?"
    CLOSED = "closed"  # closed after the citizen's silence or confirmation
    REJECTED = "rejected"
    OUTSIDE_AUTHORITY = "outside_authority"
    REOPENED = "reopened"
    MERGED = "merged"
    STATUS = "status"  # the citizen asked how far it is
    # quick replies an admin picks in the inbox (not sent by the system on its own)
    ASK_PLACE = "ask_place"  # where exactly?
    EMERGENCY = "emergency"  # call 112
    QUESTION = "question"  # the start of an answer to a question
    THANKS = "thanks"  # thanks for the praise


# what the system sends on its own at each step of a case (seeded by migration 0003); the
# quick replies fall back to DEFAULT_TEMPLATES until staff edit them
LIFECYCLE_EVENTS: tuple[ReplyEvent, ...] = (
    ReplyEvent.RECEIVED,
    ReplyEvent.JOINED,
    ReplyEvent.FORWARDED,
    ReplyEvent.IN_PROGRESS,
    ReplyEvent.RESOLVED,
    ReplyEvent.CLOSED,
    ReplyEvent.REJECTED,
    ReplyEvent.OUTSIDE_AUTHORITY,
    ReplyEvent.REOPENED,
    ReplyEvent.MERGED,
    ReplyEvent.STATUS,
)
# what the inbox offers an admin answering a message, in this order
INBOX_EVENTS: tuple[ReplyEvent, ...] = (
    ReplyEvent.RECEIVED,
    ReplyEvent.STATUS,
    ReplyEvent.ASK_PLACE,
    ReplyEvent.EMERGENCY,
    ReplyEvent.QUESTION,
    ReplyEvent.THANKS,
    ReplyEvent.JOINED,
)


PLACEHOLDERS: dict[str, str] = {
    "tiket": "kode tiket, mis. BGR-2611-0042",
    "tautan": "tautan halaman lacak aduan",
    "status": "status sekarang, dalam kata-kata",
    "opd": "nama OPD atau instansi yang menangani",
    "topik": "nama topik",
    "tenggat": "tenggat tahap sekarang (tanggal dan jam WIB)",
    "alasan": "alasan atau catatan publik petugas",
    "jumlah": "jumlah warga yang melaporkan",
    "tiket_tujuan": "tiket tujuan penggabungan",
    "wilayah": "nama kelurahan (atau kecamatan) tempat aduan, atau wilayah akun",
}

MAX_CHARS = 1000

# what each event means, for the people who edit the templates
EVENT_LABELS: dict[ReplyEvent, str] = {
    ReplyEvent.RECEIVED: "Aduan diterima (kasus baru)",
    ReplyEvent.JOINED: "Laporan bergabung dengan kasus yang sudah ada",
    ReplyEvent.FORWARDED: "Diteruskan ke OPD",
    ReplyEvent.IN_PROGRESS: "Sedang ditangani OPD",
    ReplyEvent.RESOLVED: "Selesai ditangani (bertanya: sudah beres?)",
    ReplyEvent.CLOSED: "Ditutup",
    ReplyEvent.REJECTED: "Ditolak (bukan aduan)",
    ReplyEvent.OUTSIDE_AUTHORITY: "Di luar kewenangan Pemkot",
    ReplyEvent.REOPENED: "Dibuka kembali",
    ReplyEvent.MERGED: "Digabung dengan aduan lain",
    ReplyEvent.STATUS: "Warga menanyakan perkembangan",
    ReplyEvent.ASK_PLACE: "Balasan cepat: minta lokasi lebih jelas",
    ReplyEvent.EMERGENCY: "Balasan cepat: darurat, hubungi 112",
    ReplyEvent.QUESTION: "Balasan cepat: menjawab pertanyaan",
    ReplyEvent.THANKS: "Balasan cepat: terima kasih atas apresiasi",
}

# what a template looks like when filled, for previews on the settings page
SAMPLE_VALUES: dict[str, str] = {
    "tiket": "BGR-2611-0042",
    "tautan": "https://paseban.example/lacak/BGR-2611-0042",
    "status": "sedang ditangani",
    "opd": "Dinas Lingkungan Hidup (DLH) Kota Bogor",
    "topik": "Sampah dan kebersihan",
    "tenggat": "4 Des 2026 09:00 WIB",
    "alasan": "Sampah sudah diangkut pagi ini.",
    "jumlah": "3",
    "tiket_tujuan": "BGR-2611-0040",
    "wilayah": "Batu Tulis",
}


DEFAULT_TEMPLATES: dict[ReplyEvent, str] = {
    ReplyEvent.RECEIVED: (
        "Terima kasih, aduan Anda sudah kami terima dengan nomor tiket {tiket}. "
        "Kami verifikasi dan teruskan ke dinas terkait. Pantau perkembangannya di {tautan}"
    ),
    ReplyEvent.JOINED: (
        "Terima kasih, masalah ini sudah dilaporkan warga lain dan tercatat dengan tiket "
        "{tiket} ({jumlah} warga melapor). Pantau perkembangannya di {tautan}"
    ),
    ReplyEvent.FORWARDED: (
        "Aduan {tiket} sudah diteruskan ke {opd}. Target tindak lanjut: {tenggat}. "
        "Pantau di {tautan}"
    ),
    ReplyEvent.IN_PROGRESS: "Aduan {tiket} sedang ditangani {opd}. Pantau di {tautan}",
    ReplyEvent.RESOLVED: (
        "{opd} menyatakan aduan {tiket} sudah selesai ditangani. {alasan} "
        "Apakah masalahnya sudah beres? Balas SUDAH atau BELUM. Detail: {tautan}"
    ),
    ReplyEvent.CLOSED: "Aduan {tiket} sudah ditutup. Terima kasih telah melapor. {tautan}",
    ReplyEvent.REJECTED: (
        "Mohon maaf, pesan Anda belum dapat kami proses sebagai aduan ({tiket}): {alasan}"
    ),
    ReplyEvent.OUTSIDE_AUTHORITY: (
        "Aduan {tiket} di luar kewenangan Pemerintah Kota dan sudah kami teruskan ke {opd}. "
        "{alasan} Pantau di {tautan}"
    ),
    ReplyEvent.REOPENED: (
        "Terima kasih atas tanggapannya. Aduan {tiket} kami buka kembali dan kami minta "
        "{opd} menindaklanjuti. Pantau di {tautan}"
    ),
    ReplyEvent.MERGED: (
        "Aduan {tiket} digabung dengan laporan yang sama, tiket {tiket_tujuan}. Pantau di {tautan}"
    ),
    ReplyEvent.STATUS: "Status aduan {tiket}: {status}. Pantau di {tautan}",
    ReplyEvent.ASK_PLACE: (
        "Terima kasih, Kak. Boleh dibantu lokasi lengkapnya (nama jalan, RT/RW, atau patokan "
        "terdekat) supaya bisa segera kami teruskan ke dinas terkait?"
    ),
    ReplyEvent.EMERGENCY: (
        "Terima kasih, Kak. Untuk keadaan darurat mohon segera hubungi layanan darurat 112. "
        "Laporan ini juga sudah kami teruskan ke petugas."
    ),
    ReplyEvent.QUESTION: "Terima kasih atas pertanyaannya, Kak. ",
    ReplyEvent.THANKS: (
        "Terima kasih banyak atas apresiasinya, Kak! Semangat terus untuk {wilayah}."
    ),
}


class InvalidTemplate(ValueError):
    pass


@dataclass(frozen=True)
class Template:
    event: ReplyEvent
    text: str
    topic: str | None = None
    id: int | None = None


def fields_of(text: str) -> list[str]:
    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:
        raise InvalidTemplate(f"kurung kurawal tidak seimbang: {exc}") from None


def validate_template(text: str) -> None:
    """Refuse on save what would fail on send: unknown placeholders, format specs, empty text."""
    if not text.strip():
        raise InvalidTemplate("teks templat kosong")
    if len(text) > MAX_CHARS:
        raise InvalidTemplate(f"teks templat lebih dari {MAX_CHARS} karakter")
    for name in fields_of(text):
        if name not in PLACEHOLDERS:
            known = ", ".join("{" + p + "}" for p in PLACEHOLDERS)
            raise InvalidTemplate(f"isian {{{name}}} tidak dikenal (pilihan: {known})")
    if re.search(r"\{[^{}]*[!:][^{}]*\}", text):
        raise InvalidTemplate("isian tidak boleh memakai format khusus (! atau :)")


def pick_template(templates: Iterable[Template], event: ReplyEvent, topic: str | None) -> Template:
    """The topic's own template for the event, else the general one, else the default."""
    general: Template | None = None
    for template in templates:
        if template.event is not event:
            continue
        if template.topic is not None and template.topic == topic:
            return template
        if template.topic is None:
            general = template
    return general or Template(event, DEFAULT_TEMPLATES[event])


def render(text: str, values: Mapping[str, object]) -> str:
    """Fill the template; a missing value becomes an empty string, spaces are tidied."""
    filled = string.Formatter().vformat(
        text, (), {name: str(values.get(name) or "") for name in PLACEHOLDERS}
    )
    filled = re.sub(r"[ \t]+", " ", filled)
    filled = re.sub(r" ([.,:;])", r"\1", filled)
    return re.sub(r"\(\s*\)", "", filled).strip()


# --- "sudah beres?" ---------------------------------------------------------------------------


class Answer(StrEnum):
    YES = "yes"  # fixed
    NO = "no"  # not fixed: reopen
    UNKNOWN = "unknown"


_NO = re.compile(
    r"\b(belum|blm|blom|belom|acan|teu acan|durung|"
    r"(tidak|tdk|gak|ga|gk|nggak|ngga|enggak|engga|kagak|teu|henteu)\s+"
    r"(beres|selesai|bener|benar|diperbaiki|dibenerin|dibetulin|ditangani|ada perbaikan|"
    r"ada perubahan|berubah)|"
    r"masih\s+(rusak|bolong|berlubang|mampet|numpuk|menumpuk|banjir|mati|gelap|bocor|sama|"
    r"parah|kotor|macet|bau)|bohong|boong|hoax|hoaks)\b"
)
_YES = re.compile(
    r"\b(sudah|udah|udh|sdh|dah|sampun|parantos|tos|beres|selesai|mantap|mantul|"
    r"terima kasih|terimakasih|makasih|hatur nuhun|nuhun|alhamdulillah|iya|ya|yes|ok|oke|okay|"
    r"sip|siap|good|bagus)\b"
)


def classify_answer(text: str) -> Answer:
    """The citizen's answer to "sudah beres?": any sign of "not yet" wins, because a wrongly
    reopened case costs a look and a wrongly closed one costs the citizen."""
    lowered = re.sub(r"(.)\1{2,}", r"\1", text.lower())
    if _NO.search(lowered):
        return Answer.NO
    if _YES.search(lowered):
        return Answer.YES
    return Answer.UNKNOWN
