"""The checker looks at pictures too (pure): each platform's refusals from its limits data,
the weaker points with their suggestions, the preview's frames and the caption's fold."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from paseban.connectors.media_limits import LIMITS, Fit, media_limits
from paseban.content.media import (
    MediaFacts,
    MediaKind,
    Origin,
    PostMedia,
    center_crop,
    fold,
    kit_choice,
    shown,
)
from paseban.content.media_quality import media_review, over_daily_limit
from paseban.content.names import NameBook
from paseban.content.quality import ContentType, Draft, check

IG, TT, YT, FB = (LIMITS[p] for p in ("instagram", "tiktok", "youtube", "facebook"))


def image(i: int = 1, w: int = 1080, h: int = 1350, **kw: object) -> MediaFacts:
    values: dict[str, object] = {"alt_text": "Warga menanam pohon", "bytes": 900_000}
    values.update(kw)
    return MediaFacts(i, MediaKind.IMAGE, w, h, mime="image/jpeg", **values)  # type: ignore[arg-type]


def video(
    i: int = 9, w: int = 1080, h: int = 1920, seconds: float = 30, **kw: object
) -> MediaFacts:
    values: dict[str, object] = {
        "bytes": 20_000_000,
        "fps": 30.0,
        "video_codec": "h264",
        "audio_codec": "aac",
        "has_captions": True,
    }
    values.update(kw)
    return MediaFacts(
        i,
        MediaKind.VIDEO,
        w,
        h,
        mime="video/mp4",
        duration_ms=round(seconds * 1000),
        **values,  # type: ignore[arg-type]
    )


def test_every_limit_names_its_source_page() -> None:
    for limits in LIMITS.values():
        assert limits.sources and all(u.startswith("https://") for u in limits.sources.values())
        assert limits.caption_fold_source
    assert media_limits("x") is None and media_limits("instagram") is IG


def test_a_good_instagram_carousel_passes() -> None:
    post = PostMedia((image(1), image(2), image(3)), cover=image(1))
    score, reasons, blocking = media_review(post, IG)
    assert (score, blocking) == (1.0, [])
    assert reasons == ["3 foto sesuai aturan Instagram."]


@pytest.mark.parametrize(
    ("post", "limits", "expected"),
    [
        (PostMedia((image(w=1080, h=1920),)), IG, "berasio 9:16; Instagram hanya menerima 4:5"),
        (PostMedia((image(w=2000, h=1000),)), IG, "Instagram hanya menerima 4:5 sampai 1,91:1"),
        (PostMedia(tuple(image(i) for i in range(11))), IG, "paling banyak 10 isi"),
        (PostMedia((image(bytes=9 * 2**20),)), IG, "Foto 9,0 MB; batas Instagram 8,0 MB"),
        (PostMedia((video(seconds=2),)), IG, "Instagram minimal 3 detik"),
        (PostMedia((video(seconds=16 * 60),)), IG, "paling panjang 15 menit"),
        (PostMedia((video(w=2160, h=3840),)), IG, "paling lebar 1920 px"),
        (PostMedia((video(fps=15.0),)), IG, "menerima 23–60 fps"),
        (PostMedia((video(video_codec="vp9"),)), IG, "kodek vp9 tidak diterima Instagram"),
        (PostMedia((video(seconds=200),)), TT, "TikTok paling panjang 3 menit"),
        (PostMedia((video(w=320, h=568),)), TT, "menerima sisi 360–4096 px"),
        (PostMedia((image(), video())), TT, "tidak menerima foto dan video dalam satu"),
        (PostMedia((image(),)), YT, "YouTube hanya menerima video, bukan foto"),
        (PostMedia((image(), image(2))), YT, "hanya menerima satu foto atau video"),
    ],
)
def test_what_the_platform_refuses_blocks(post: PostMedia, limits: object, expected: str) -> None:
    score, _, blocking = media_review(post, limits)  # type: ignore[arg-type]
    assert score == 0.0
    assert any(expected in b for b in blocking), blocking


def test_weaker_points_have_suggestions() -> None:
    post = PostMedia(
        (
            image(1, alt_text=""),
            image(2, w=640, h=640, text_ratio=0.4),
            image(3, w=1080, h=1080, shows_people=True),
        )
    )
    score, reasons, blocking = media_review(post, IG)
    assert blocking == []
    text = " ".join(reasons)
    assert "Foto 1 belum punya teks alternatif" in text
    assert "Foto 2 padat tulisan (±40% bidang)" in text
    assert "Foto 2 hanya 640×640 px" in text
    assert "Foto 3 memperlihatkan warga tetapi belum ada catatan persetujuan" in text
    assert "Foto 2, Foto 3 akan terpotong" in text
    assert "Carousel belum punya sampul" in text
    assert score == 0.0  # the penalties add up past zero: the floor holds


def test_alt_text_written_for_the_post_counts() -> None:
    post = PostMedia((image(1, alt_text=""),), alt_texts=("Lurah membuka posyandu",))
    assert media_review(post, IG)[0] == 1.0


def test_video_without_captions_or_cover_and_field_photos() -> None:
    _, reasons, _ = media_review(PostMedia((video(has_captions=False),)), TT)
    assert any("belum punya teks (subtitle)" in r for r in reasons)
    assert any("Video belum punya sampul" in r for r in reasons)
    assert media_review(PostMedia((video(),), cover_offset_ms=1000), TT)[0] == 1.0
    field = PostMedia((image(origin=Origin.FIELDWORK),))
    assert any("periksa wajah warga, nomor rumah" in r for r in media_review(field, IG)[1])
    checked = PostMedia((image(origin=Origin.FIELDWORK, privacy_checked=True),))
    assert media_review(checked, IG)[0] == 1.0


def test_media_point_joins_the_score_only_when_it_applies(bogor_names: NameBook) -> None:
    text = (
        "Yuk ikut Posyandu Remaja di Kelurahan Batu Tulis! Kader mengajak remaja memeriksa "
        "kesehatan gratis, Sabtu 5 Desember 2026 pukul 08.00 WIB di Aula Kelurahan Batu "
        "Tulis. Cara ikut: datang dan bawa kartu pelajar. #KotaBogor"
    )
    plain = check(Draft(text, "instagram", ContentType.ACARA), bogor_names)
    assert [p.code for p in plain.points][-1] == "links"
    fb = check(
        Draft(text, "facebook", ContentType.ACARA, media=PostMedia(), media_limits=FB), bogor_names
    )
    assert "media" not in [p.code for p in fb.points]
    bare = check(
        Draft(text, "instagram", ContentType.ACARA, media=PostMedia(), media_limits=IG), bogor_names
    )
    media_point = bare.points[-1]
    # Instagram refuses a post without a picture: blocking, so it cannot be submitted (issue 18)
    assert media_point.code == "media" and media_point.score == 0
    assert bare.score <= 49 and bare.blockers == (
        "Instagram tidak menerima unggahan tanpa foto atau video: lampirkan foto atau video dari "
        "pustaka media sebelum diajukan atau dijadwalkan.",
    )
    assert bare.score < plain.score
    good = PostMedia((image(1), image(2)), cover=image(1))
    full = check(
        Draft(text, "instagram", ContentType.ACARA, media=good, media_limits=IG), bogor_names
    )
    assert full.score >= plain.score
    tall = PostMedia((image(1, w=1080, h=1920),))
    refused = check(
        Draft(text, "instagram", ContentType.ACARA, media=tall, media_limits=IG), bogor_names
    )
    assert refused.score <= 49 and any("9:16" in b for b in refused.blockers)


def test_instagram_carousel_preview_follows_the_first_item() -> None:
    post = PostMedia((image(1, w=1080, h=1350), image(2, w=1600, h=900)))
    frames = shown(IG, post)
    assert [round(f.ratio, 2) for f in frames] == [0.8, 0.8]
    assert frames[1].fit is Fit.COVER and frames[1].crop == center_crop(1600, 900, 0.8)
    single = shown(IG, PostMedia((image(1, w=1600, h=900),)))
    assert single[0].fit is Fit.NATURAL and single[0].crop is None
    reel = shown(IG, PostMedia((video(w=1920, h=1080),)))
    assert round(reel[0].ratio, 3) == round(9 / 16, 3) and reel[0].fit is Fit.COVER
    tiktok = shown(TT, PostMedia((image(1, w=1080, h=1080),)))
    assert tiktok[0].fit is Fit.CONTAIN


def test_youtube_shows_short_vertical_video_as_a_short() -> None:
    assert shown(YT, PostMedia((video(seconds=60),)))[0].fit is Fit.COVER
    wide = shown(YT, PostMedia((video(w=1920, h=1080, seconds=600),)))[0]
    assert wide.fit is Fit.CONTAIN and round(wide.ratio, 2) == 1.78


def test_caption_is_cut_where_the_platform_cuts_it() -> None:
    long = "Warga Batu Tulis bergotong royong membersihkan saluran air " * 5
    cut = fold(long, IG)
    assert cut.cut_at is not None and cut.cut_at <= 125 and not cut.shown.endswith(" ")
    assert (cut.shown + " " + cut.hidden).split() == long.split()
    lines = fold("satu\ndua\ntiga\nempat", IG)
    assert lines.shown == "satu\ndua\ntiga" and lines.hidden == "empat"
    assert fold("pendek", IG).hidden == ""


def test_the_kit_gives_each_platform_its_asset() -> None:
    kit = [
        ("feed", MediaKind.IMAGE),
        ("story", MediaKind.IMAGE),
        ("reel_cover", MediaKind.IMAGE),
        ("video", MediaKind.VIDEO),
    ]
    assert kit_choice(IG, kit) == [0]
    assert kit_choice(FB, kit) == [0]
    assert kit_choice(YT, kit) == [3, 2]
    assert kit_choice(IG, kit[3:]) == [0]


def test_daily_limit_counts_a_rolling_window() -> None:
    at = datetime(2026, 11, 27, 9, tzinfo=UTC)
    earlier = [at - timedelta(hours=h) for h in range(1, 50)]
    assert over_daily_limit(earlier[:10], at, 50, window=timedelta(days=1)) is None
    assert over_daily_limit(earlier, at, 15, window=timedelta(days=1)) == 23
    later = [at + timedelta(hours=h) for h in range(1, 16)]
    assert over_daily_limit(later, at, 15, window=timedelta(days=1)) == 15
    assert over_daily_limit(earlier, at, None, window=timedelta(days=1)) is None
