"""What each platform accepts and how it shows pictures and video, as data, with the page each
figure comes from (issue 18; the research is in the platform contracts, see docs/content.md).

The editor's preview, the quality checker and the scheduling check read these through
`media_limits(platform)`; nothing outside connectors/ branches on a platform's name. A figure the
platforms' own pages do not give is None, and its note says so; a figure taken from a third
party's observation says "sekunder" in its source.

Publishing itself (phase 2) is in the connectors' stepwise publishers (publish_meta.py,
publish_tiktok.py, publish_youtube.py); `publishing_note` tells the editor how each one works.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

MiB = 1024 * 1024


class Fit(StrEnum):
    """How a platform puts a picture into its frame."""

    COVER = "cover"  # fills the frame, the overflow is cut off (centre crop)
    CONTAIN = "contain"  # the whole picture, with bars where it does not fill the frame
    NATURAL = "natural"  # the picture's own proportions (no frame)


@dataclass(frozen=True)
class Frame:
    """The box a platform shows one post format in: a width/height ratio (None: the picture's
    own ratio, kept inside `clamp`) and how the picture fills it."""

    ratio: float | None
    fit: Fit
    clamp: tuple[float, float] | None = None  # the ratios a NATURAL frame stays within
    follows_first: bool = False  # a carousel: every item takes the first item's frame
    note: str = ""  # what the preview says about it, in Bahasa Indonesia


@dataclass(frozen=True)
class ImageRules:
    formats: tuple[str, ...]  # MIME types the platform takes (Paseban stores JPEG)
    max_bytes: int | None
    ratio: tuple[float, float] | None = None  # width/height the platform refuses outside
    width_px: tuple[int, int] | None = None  # outside: the platform rescales (not refused)
    alt_text_max: int | None = None  # None: the platform has no alt text field
    recommended_short_side_px: int = 1080  # below: looks soft on a phone (editorial)


@dataclass(frozen=True)
class VideoRules:
    containers: tuple[str, ...]  # MIME types
    codecs: tuple[str, ...] | None  # ffprobe codec names; None: not documented
    audio_codecs: tuple[str, ...] | None
    max_bytes: int | None
    duration_s: tuple[float, float]  # shortest and longest the platform takes
    fps: tuple[float, float] | None = None
    max_width_px: int | None = None
    side_px: tuple[int, int] | None = None  # each side, when the platform limits both
    ratio: tuple[float, float] | None = None
    recommended_ratio: float | None = None
    duration_note: str = ""  # e.g. TikTok: longer for some creators (read in phase 2)


@dataclass(frozen=True)
class MediaLimits:
    platform: str
    label: str
    needs_media: bool  # a post without a picture or video is refused
    image: ImageRules | None  # None: the platform takes no pictures
    video: VideoRules | None
    carousel: tuple[int, int] | None  # fewest and most items of a multi-item post
    carousel_mixed: bool  # pictures and videos together in one carousel
    frames: Mapping[str, Frame]  # by post format: "image", "carousel", "video"
    caption_fold_chars: int | None  # where the feed cuts the caption ("... more")
    caption_fold_lines: int | None
    caption_fold_source: str
    daily_posts_per_account: int | None  # per rolling 24 hours
    daily_posts_per_app: int | None  # shared by every account of the installation
    daily_note: str
    sources: Mapping[str, str] = field(default_factory=dict)  # what -> the page it is from
    short_max_s: int | None = None  # square or vertical up to this long: the "short" frame
    publishing_note: str = ""  # how Paseban publishes there (phase 2), for the editor


IG_MEDIA_REF = (
    "https://developers.facebook.com/documentation/instagram-platform/instagram-graph-api/"
    "reference/ig-user/media"
)
IG_GUIDE = "https://developers.facebook.com/documentation/instagram-platform/content-publishing"
FB_PHOTOS = "https://developers.facebook.com/docs/graph-api/reference/page/photos/"
TT_TRANSFER = "https://developers.tiktok.com/doc/content-posting-api-media-transfer-guide"
TT_DIRECT = "https://developers.tiktok.com/doc/content-posting-api-reference-direct-post"
TT_PHOTO = "https://developers.tiktok.com/doc/content-posting-api-reference-photo-post"
TT_GUIDELINES = "https://developers.tiktok.com/doc/content-sharing-guidelines"
YT_INSERT = "https://developers.google.com/youtube/v3/docs/videos/insert"
YT_SHORTS = "https://support.google.com/youtube/answer/71673"
YT_QUOTA = "https://developers.google.com/youtube/v3/determine_quota_cost"

NINE_SIXTEEN = 9 / 16

INSTAGRAM = MediaLimits(
    platform="instagram",
    label="Instagram",
    needs_media=True,
    image=ImageRules(
        formats=("image/jpeg",),
        max_bytes=8 * MiB,
        ratio=(4 / 5, 1.91),
        width_px=(320, 1440),
        alt_text_max=1000,
    ),
    video=VideoRules(
        containers=("video/mp4", "video/quicktime"),
        codecs=("h264", "hevc"),
        audio_codecs=("aac",),
        max_bytes=300 * MiB,
        duration_s=(3, 15 * 60),
        fps=(23, 60),
        max_width_px=1920,
        ratio=(0.01, 10),
        recommended_ratio=NINE_SIXTEEN,
    ),
    carousel=(2, 10),
    carousel_mixed=True,
    frames={
        "image": Frame(None, Fit.NATURAL, clamp=(4 / 5, 1.91)),
        "carousel": Frame(
            None,
            Fit.COVER,
            clamp=(4 / 5, 1.91),
            follows_first=True,
            note="Instagram memotong semua isi carousel mengikuti ukuran foto pertama.",
        ),
        "video": Frame(
            NINE_SIXTEEN,
            Fit.COVER,
            note="Reels tampil 9:16; di feed, sampulnya dipotong bagian tengah 1:1.",
        ),
    },
    caption_fold_chars=125,
    caption_fold_lines=3,
    caption_fold_source="https://help.instagram.com/1643471055915254",
    daily_posts_per_account=50,
    daily_posts_per_app=None,
    daily_note=(
        "Dokumen Meta menyebut 50 dan 100; sebelum menerbitkan Paseban membaca batas dan "
        "pemakaian akun dari Meta dan menolak bila habis; jadwal memakai 50. Carousel dihitung "
        "satu."
    ),
    sources={
        "foto (JPEG, 8 MB, rasio 4:5–1,91:1, lebar 320–1440 px, alt text 1.000)": IG_MEDIA_REF,
        "carousel 2–10, dipotong mengikuti foto pertama": IG_MEDIA_REF,
        "Reels (MP4/MOV, H.264/HEVC, AAC, 3 dtk–15 mnt, 300 MB, 23–60 fps, lebar ≤ 1920)": (
            IG_MEDIA_REF
        ),
        "batas unggah harian (dibaca dari Meta sebelum menerbitkan)": IG_GUIDE,
        "keterangan terpotong setelah 3 baris (±125 karakter)": (
            "https://help.instagram.com/1643471055915254"
        ),
    },
    publishing_note=(
        "Paseban menerbitkan lewat Content Publishing API: sisa batas harian akun dibaca dulu, "
        "Meta mengambil tiap foto/video dari tautan bertanda tangan Paseban dan memprosesnya "
        "(video bisa beberapa menit), lalu unggahan terbit dan tautannya tampil di halaman ini."
    ),
)

FACEBOOK = MediaLimits(
    platform="facebook",
    label="Facebook",
    needs_media=False,
    image=ImageRules(
        formats=("image/jpeg", "image/png", "image/gif", "image/bmp", "image/tiff"),
        max_bytes=10 * MiB,
        alt_text_max=None,  # alt_text_custom exists; its length is not documented
    ),
    video=VideoRules(
        containers=("video/mp4",),
        codecs=None,
        audio_codecs=None,
        max_bytes=None,  # not found in the stored docs
        duration_s=(1, 4 * 3600),  # upper bound not documented: no refusal below 4 h
        duration_note="Batas ukuran dan durasi video Halaman tidak ditemukan di dokumen Meta.",
    ),
    # several photos are one post (`attached_media`, issue 18 phase 2); Meta documents no
    # maximum: ten is ours, Instagram's figure, and said so in the sources
    carousel=(2, 10),
    carousel_mixed=False,
    frames={
        "image": Frame(None, Fit.NATURAL),
        "carousel": Frame(None, Fit.NATURAL, note="Facebook menampilkan foto utuh, berurutan."),
        "video": Frame(None, Fit.NATURAL),
    },
    caption_fold_chars=110,
    caption_fold_lines=None,
    caption_fold_source="sekunder: pengamatan pihak ketiga (±110 karakter di ponsel)",
    daily_posts_per_account=None,
    daily_posts_per_app=None,
    daily_note="Meta tidak menerbitkan batas unggah harian Halaman.",
    sources={
        "foto (JPEG/PNG/GIF/BMP/TIFF, 10 MB; lokasi dibuang Facebook)": FB_PHOTOS,
        "beberapa foto dalam satu unggahan (attached_media); batas 10 milik Paseban, Meta tidak "
        "menyebut batasnya": FB_PHOTOS,
        "batas ukuran dan durasi video Halaman: tidak ada di dokumen": FB_PHOTOS,
    },
    publishing_note=(
        "Satu foto, beberapa foto dalam satu unggahan, atau satu video diterbitkan ke Halaman "
        "lewat Graph API; Facebook mengambil berkasnya dari tautan bertanda tangan Paseban."
    ),
)

TIKTOK = MediaLimits(
    platform="tiktok",
    label="TikTok",
    needs_media=True,
    image=ImageRules(
        formats=("image/jpeg", "image/webp"),
        max_bytes=20 * MiB,
        alt_text_max=None,
    ),
    video=VideoRules(
        containers=("video/mp4", "video/webm", "video/quicktime"),
        codecs=("h264", "hevc", "vp8", "vp9"),
        audio_codecs=None,
        max_bytes=4096 * MiB,
        duration_s=(1, 3 * 60),
        fps=(23, 60),
        side_px=(360, 4096),
        recommended_ratio=NINE_SIXTEEN,
        duration_note=(
            "Semua kreator boleh 3 menit; sebagian 5 atau 10 menit (saat menerbitkan Paseban "
            "membaca batas durasi akun dari TikTok)."
        ),
    ),
    carousel=(1, 35),
    carousel_mixed=False,
    frames={
        "image": Frame(NINE_SIXTEEN, Fit.CONTAIN),
        "carousel": Frame(NINE_SIXTEEN, Fit.CONTAIN, note="Mode foto TikTok: geser per foto."),
        "video": Frame(NINE_SIXTEEN, Fit.CONTAIN, note="TikTok memenuhi layar bila video 9:16."),
    },
    caption_fold_chars=150,
    caption_fold_lines=None,
    caption_fold_source="sekunder: pengamatan pihak ketiga (±150 karakter)",
    daily_posts_per_account=15,
    daily_posts_per_app=None,
    daily_note="“Biasanya sekitar 15 unggahan per hari per akun”, dibagi semua aplikasi.",
    sources={
        "video (MP4/WebM/MOV, H.264/H.265/VP8/VP9, 23–60 fps, sisi 360–4096 px, 4 GB)": (
            TT_TRANSFER
        ),
        "durasi menurut kreator (3 menit untuk semua)": TT_GUIDELINES,
        "foto (JPEG/WebP, 20 MB, paling banyak 35)": TT_PHOTO,
        "sekitar 15 unggahan per hari": TT_GUIDELINES,
        "keterangan video 2.200 karakter": TT_DIRECT,
    },
    publishing_note=(
        "Paseban mencoba Direct Post (langsung terbit). Bila aplikasi Paseban belum diaudit "
        "TikTok atau kreator tidak mengizinkan unggahan publik, video dikirim sebagai draf ke "
        "kotak masuk TikTok akun ini dan harus diselesaikan di aplikasi TikTok."
    ),
)

YOUTUBE = MediaLimits(
    platform="youtube",
    label="YouTube",
    needs_media=True,
    image=None,
    video=VideoRules(
        containers=("video/mp4", "video/quicktime", "video/webm"),
        codecs=None,  # not found in the stored docs
        audio_codecs=None,
        max_bytes=256 * 1024 * MiB,
        duration_s=(1, 12 * 3600),
        duration_note="Lebih dari 15 menit hanya untuk kanal terverifikasi.",
    ),
    carousel=None,
    carousel_mixed=False,
    frames={
        "video": Frame(
            16 / 9,
            Fit.CONTAIN,
            note=(
                "Video tegak atau persegi sampai 3 menit otomatis menjadi Shorts (9:16); "
                "yang lain tampil di pemutar 16:9."
            ),
        ),
        "short": Frame(NINE_SIXTEEN, Fit.COVER, note="Tampil sebagai YouTube Shorts (9:16)."),
    },
    short_max_s=180,
    caption_fold_chars=None,
    caption_fold_lines=3,
    caption_fold_source="tidak ada di dokumen; pratinjau memotong setelah 3 baris",
    daily_posts_per_account=None,
    daily_posts_per_app=100,
    daily_note="videos.insert: 100 panggilan per hari untuk satu proyek Google Cloud.",
    sources={
        "berkas sampai 256 GB, durasi 12 jam (lebih dari 15 menit: kanal terverifikasi)": (
            YT_INSERT
        ),
        "Shorts: persegi/tegak sampai 3 menit": YT_SHORTS,
        "kuota videos.insert 100 per hari": YT_QUOTA,
    },
    publishing_note=(
        "Video diunggah dengan unggahan yang bisa dilanjutkan bila terputus. Selama proyek "
        "Google Cloud Paseban belum lolos audit YouTube API, Google mengunci video menjadi "
        "privat: ubah menjadi publik di YouTube Studio."
    ),
)

LIMITS: dict[str, MediaLimits] = {m.platform: m for m in (INSTAGRAM, FACEBOOK, TIKTOK, YOUTUBE)}


def media_limits(platform: str) -> MediaLimits | None:
    """The platform's rules for pictures and video; None for one that takes none (X's media
    API was not part of the research, WhatsApp is not a publishing channel)."""
    return LIMITS.get(platform)
