"""The checker looks at pictures too: the ninth point of content/quality.py, "Foto dan video".

Pure: it gets the post's media facts (content/media.py) and the platform's rules
(connectors/media_limits.py). What the platform refuses is a blocking problem (the draft cannot
be submitted); what makes a post weaker is a reason with a suggestion, in Bahasa Indonesia:

    refused (blocking)   a format or codec the platform does not take, a picture's aspect ratio
                         outside its range, a file over its size, a video too short or too long,
                         a frame rate or width it refuses, too many carousel items, a video in a
                         carousel where videos cannot go, a picture where only video goes
    weaker (score)       missing alt text −0.3, a text-heavy picture −0.2, a low-resolution one
                         −0.2, a carousel whose items the platform will crop −0.1, a video
                         without captions −0.2, no cover −0.15, people without a consent note
                         −0.3, a field photo not yet checked for faces and house numbers −0.3,
                         a platform that needs media and has none: 0
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from paseban.connectors.media_limits import MediaLimits
from paseban.content.media import MediaFacts, Origin, PostMedia, ratio_label

TEXT_HEAVY = 0.2  # Meta's old 20 % text rule for ad images: above it, text crowds the picture
MB = 1024 * 1024
PENALTIES = {
    "alt": 0.3,
    "text_heavy": 0.2,
    "low_res": 0.2,
    "crop": 0.1,
    "captions": 0.2,
    "cover": 0.15,
    "consent": 0.3,
    "fieldwork": 0.3,
}
FIELD_REMINDER = (
    "Foto lapangan: sebelum terbit, periksa wajah warga, nomor rumah dan pelat kendaraan, dan "
    "pastikan ada persetujuan orang yang tampak; tandai “sudah diperiksa” di pustaka media."
)


def _mb(n: int) -> str:
    return f"{n / MB:.1f} MB".replace(".", ",")


def _name(index: int, item: MediaFacts, total: int) -> str:
    word = "Video" if item.is_video else "Foto"
    return word if total == 1 else f"{word} {index + 1}"


def refusals(post: PostMedia, limits: MediaLimits) -> list[str]:
    """What the platform would refuse, one sentence each with what to do."""
    out: list[str] = []
    name = limits.label
    items = post.items
    if len(items) > 1:
        if limits.carousel is None:
            out.append(
                f"{name} di Paseban hanya menerima satu foto atau video per unggahan; "
                "pilih satu, atau bagi menjadi beberapa unggahan."
            )
        else:
            low, high = limits.carousel
            if len(items) > high:
                out.append(
                    f"Carousel {name} paling banyak {high} isi; sekarang {len(items)}. "
                    "Kurangi atau bagi menjadi dua unggahan."
                )
            if len(items) < low:
                out.append(f"Carousel {name} sedikitnya {low} isi.")
        kinds = {i.kind for i in items}
        if len(kinds) > 1 and not limits.carousel_mixed:
            out.append(f"{name} tidak menerima foto dan video dalam satu unggahan.")
    for index, item in enumerate(items):
        label = _name(index, item, len(items))
        out.extend(_item_refusals(label, item, limits))
    if post.cover is not None and limits.image is not None:
        cover_max = limits.image.max_bytes
        if cover_max is not None and post.cover.bytes > cover_max:
            out.append(f"Sampul {_mb(post.cover.bytes)}; batas {name} {_mb(cover_max)}.")
    return out


def _item_refusals(label: str, item: MediaFacts, limits: MediaLimits) -> list[str]:
    name = limits.label
    if not item.is_video:
        rules = limits.image
        if rules is None:
            return [f"{label}: {name} hanya menerima video, bukan foto."]
        out = []
        if item.mime not in rules.formats:
            out.append(f"{label}: format {item.mime} tidak diterima {name}.")
        if rules.max_bytes is not None and item.bytes > rules.max_bytes:
            out.append(
                f"{label} {_mb(item.bytes)}; batas {name} {_mb(rules.max_bytes)}. "
                "Unggah ulang dengan resolusi lebih kecil."
            )
        if rules.ratio is not None and not rules.ratio[0] - 0.005 <= item.ratio <= rules.ratio[1]:
            low, high = (ratio_label(r) for r in rules.ratio)
            out.append(
                f"{label} berasio {ratio_label(item.ratio)}; {name} hanya menerima {low} sampai "
                f"{high}. Potong ke 4:5 (1080×1350) atau 1:1."
            )
        return out
    video = limits.video
    if video is None:
        return [f"{label}: {name} tidak menerima video di Paseban."]
    out = []
    if item.mime not in video.containers:
        out.append(f"{label}: wadah {item.mime} tidak diterima {name} (pakai MP4).")
    if video.codecs is not None and item.video_codec not in video.codecs:
        out.append(
            f"{label}: kodek {item.video_codec or 'tak dikenal'} tidak diterima {name} "
            f"({', '.join(c.upper() for c in video.codecs)}). Ekspor ulang sebagai H.264."
        )
    if (
        video.audio_codecs is not None
        and item.audio_codec is not None
        and item.audio_codec not in video.audio_codecs
    ):
        out.append(f"{label}: suara {item.audio_codec} tidak diterima {name} (pakai AAC).")
    if video.max_bytes is not None and item.bytes > video.max_bytes:
        out.append(f"{label} {_mb(item.bytes)}; batas {name} {_mb(video.max_bytes)}.")
    shortest, longest = video.duration_s
    if item.duration_s < shortest:
        out.append(f"{label} {item.duration_s:.1f} detik; {name} minimal {shortest:g} detik.")
    if item.duration_s > longest:
        out.append(
            f"{label} {_duration(item.duration_s)}; {name} paling panjang {_duration(longest)}. "
            "Potong videonya."
        )
    if (
        video.fps is not None
        and item.fps is not None
        and not (video.fps[0] - 0.5 <= item.fps <= video.fps[1] + 0.5)
    ):
        out.append(
            f"{label} {item.fps:.0f} fps; {name} menerima {video.fps[0]:g}–{video.fps[1]:g} fps."
        )
    if video.max_width_px is not None and item.width > video.max_width_px:
        out.append(
            f"{label} lebar {item.width} px; {name} paling lebar {video.max_width_px} px. "
            "Ekspor ulang ke 1080×1920."
        )
    if video.side_px is not None and not all(
        video.side_px[0] <= side <= video.side_px[1] for side in (item.width, item.height)
    ):
        out.append(
            f"{label} {item.width}×{item.height} px; {name} menerima sisi "
            f"{video.side_px[0]}–{video.side_px[1]} px."
        )
    if video.ratio is not None and not video.ratio[0] <= item.ratio <= video.ratio[1]:
        out.append(f"{label} berasio {ratio_label(item.ratio)}; {name} tidak menerimanya.")
    return out


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    if minutes >= 60:
        return f"{minutes // 60} jam {minutes % 60} menit"
    return f"{minutes} menit {rest} detik" if rest else f"{minutes} menit"


def weaknesses(post: PostMedia, limits: MediaLimits) -> list[tuple[str, str]]:
    """(penalty code, reason with a suggestion) for what makes the post weaker."""
    out: list[tuple[str, str]] = []
    items = post.items
    total = len(items)
    missing_alt = [
        _name(i, item, total)
        for i, item in enumerate(items)
        if not item.is_video and not post.alt(i)
    ]
    if missing_alt and limits.image is not None:
        out.append(
            (
                "alt",
                f"{', '.join(missing_alt)} belum punya teks alternatif: tulis apa yang tampak "
                "(siapa, sedang apa, di mana) untuk warga yang memakai pembaca layar.",
            )
        )
    for i, item in enumerate(items):
        label = _name(i, item, total)
        if item.text_ratio is not None and item.text_ratio > TEXT_HEAVY:
            out.append(
                (
                    "text_heavy",
                    f"{label} padat tulisan (±{round(100 * item.text_ratio)}% bidang): tulisan "
                    "kecil sulit dibaca di ponsel dan tidak terbaca pembaca layar; pindahkan "
                    "rinciannya ke keterangan.",
                )
            )
        short_side = min(item.width, item.height)
        wanted = limits.image.recommended_short_side_px if limits.image else 1080
        if not item.is_video and short_side < wanted:
            out.append(
                (
                    "low_res",
                    f"{label} hanya {item.width}×{item.height} px: akan tampak buram; pakai foto "
                    f"yang sisi pendeknya sedikitnya {wanted} px.",
                )
            )
        if item.is_video and not item.has_captions:
            out.append(
                (
                    "captions",
                    f"{label} belum punya teks (subtitle): banyak warga menonton tanpa suara. "
                    "Tanamkan teks di video, atau tandai bila sudah ada.",
                )
            )
        if item.shows_people and not item.consent_note.strip():
            out.append(
                (
                    "consent",
                    f"{label} memperlihatkan warga tetapi belum ada catatan persetujuan: "
                    "tulis siapa yang setuju, kapan, dan bagaimana.",
                )
            )
        if item.origin is Origin.FIELDWORK and not item.privacy_checked:
            out.append(("fieldwork", FIELD_REMINDER))
    frame = limits.frames.get("carousel")
    if total > 1 and frame is not None and frame.follows_first:
        first = items[0].ratio
        cropped = [
            _name(i, item, total)
            for i, item in enumerate(items[1:], start=1)
            if abs(item.ratio - first) > 0.02
        ]
        if cropped:
            out.append(
                (
                    "crop",
                    f"{limits.label} memotong isi carousel mengikuti foto pertama "
                    f"({ratio_label(first)}): {', '.join(cropped)} akan terpotong. Samakan "
                    "rasionya.",
                )
            )
    if total > 1 and post.cover is None:
        out.append(
            (
                "cover",
                "Carousel belum punya sampul: pilih foto pembuka yang menjelaskan isi unggahan "
                "(judul singkat, foto terkuat); sampul ditaruh paling depan.",
            )
        )
    if total == 1 and items[0].is_video and not post.has_cover:
        out.append(
            (
                "cover",
                "Video belum punya sampul: pilih gambar sampul atau detik yang dijadikan sampul.",
            )
        )
    return out


def facts_line(post: PostMedia) -> str:
    videos = sum(1 for i in post.items if i.is_video)
    pictures = len(post.items) - videos
    parts = []
    if pictures:
        parts.append(f"{pictures} foto")
    if videos:
        parts.append(f"{videos} video")
    return " dan ".join(parts)


def missing_media(limits: MediaLimits) -> str:
    """Why a post without pictures or video cannot go to this platform: the platform refuses
    it when it is sent, so Paseban refuses it when it is submitted or scheduled (issue 18)."""
    return (
        f"{limits.label} tidak menerima unggahan tanpa foto atau video: lampirkan foto atau "
        "video dari pustaka media sebelum diajukan atau dijadwalkan."
    )


def media_review(post: PostMedia, limits: MediaLimits) -> tuple[float, list[str], list[str]]:
    """(score 0..1, reasons, blocking problems) for the post's media on this platform."""
    if not post.items:
        if limits.needs_media:
            return 0.0, [], [missing_media(limits)]
        return 1.0, ["Tanpa foto atau video."], []
    blocking = refusals(post, limits)
    found = weaknesses(post, limits)
    score = 1.0 - sum(PENALTIES[code] for code in dict.fromkeys(c for c, _ in found))
    reasons = [reason for _, reason in found]
    if not reasons and not blocking:
        reasons.append(f"{facts_line(post)} sesuai aturan {limits.label}.")
    if blocking:
        score = 0.0
    return max(0.0, score), reasons, blocking


def over_daily_limit(
    times: Iterable[datetime], at: datetime, limit: int | None, *, window: timedelta
) -> int | None:
    """Posts per rolling window: the most posts any window holding `at` already has, when one
    more at `at` would pass the limit; None when it fits (or there is no limit)."""
    if limit is None:
        return None
    ordered = sorted(times)
    ends = [at, *(t for t in ordered if at < t < at + window)]
    worst = max(sum(1 for t in ordered if end - window < t <= end) for end in ends)
    return worst if worst >= limit else None
