"""TikTok's required choices before a post (Content Sharing Guidelines), as pure rules."""

from __future__ import annotations

from paseban.connectors.tiktok_settings import (
    MUSIC,
    MUSIC_BRANDED,
    CreatorInfo,
    TikTokChoices,
    problems,
)

CREATOR = CreatorInfo.parse(
    {
        "creator_username": "kelurahanbatutulis",
        "creator_nickname": "Kelurahan Batu Tulis",
        "creator_avatar_url": "https://p16-sign.tiktokcdn-us.com/a.png",
        "privacy_level_options": ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"],
        "comment_disabled": False,
        "duet_disabled": False,
        "stitch_disabled": True,
        "max_video_post_duration_sec": 60,
    }
)


def test_nothing_is_chosen_for_the_admin() -> None:
    empty = TikTokChoices.load(None)
    assert empty == TikTokChoices()
    assert empty.privacy_level == "" and not any(
        (empty.allow_comment, empty.allow_duet, empty.allow_stitch, empty.disclose)
    )
    assert problems(empty, CREATOR, is_video=True) == [
        "Pilih siapa yang dapat melihat unggahan TikTok ini (tidak ada pilihan bawaan)."
    ]
    assert empty.declaration == MUSIC


def test_each_rule_of_the_guidelines_is_refused_in_words() -> None:
    def said(choices: TikTokChoices, **kw: object) -> str:
        return " ".join(problems(choices, CREATOR, is_video=True, **kw))  # type: ignore[arg-type]

    assert "tidak menawarkan" in said(TikTokChoices("FOLLOWER_OF_CREATOR"))
    assert "tidak dikenal" in said(TikTokChoices("EVERYBODY"))
    assert "Merek Anda" in said(TikTokChoices("PUBLIC_TO_EVERYONE", disclose=True))
    branded_private = TikTokChoices("SELF_ONLY", disclose=True, branded_content=True)
    assert "Hanya saya" in said(branded_private)
    assert "Izinkan Stitch: dimatikan" in said(TikTokChoices("SELF_ONLY", allow_stitch=True))
    assert "90 detik lebih panjang" in said(TikTokChoices("SELF_ONLY"), longest_ms=90_000)
    # a photo post has only Comment: duet and stitch are not asked
    assert problems(TikTokChoices("SELF_ONLY", allow_stitch=True), CREATOR, is_video=False) == []
    # without the creator's info only what needs no creator is checked
    assert problems(TikTokChoices("SELF_ONLY", allow_stitch=True), None, is_video=True) == []
    # the publisher: an option not offered now goes to the inbox instead of being refused
    assert (
        problems(TikTokChoices("FOLLOWER_OF_CREATOR"), CREATOR, is_video=True, offered=False) == []
    )


def test_post_info_carries_exactly_the_choices() -> None:
    chosen = TikTokChoices(
        "MUTUAL_FOLLOW_FRIENDS", allow_comment=True, disclose=True, your_brand=True
    )
    assert chosen.post_info(CREATOR, is_video=True) == {
        "privacy_level": "MUTUAL_FOLLOW_FRIENDS",
        "disable_comment": False,
        "disable_duet": True,
        "disable_stitch": True,
        "brand_content_toggle": False,
        "brand_organic_toggle": True,
    }
    assert "disable_duet" not in chosen.post_info(CREATOR, is_video=False)
    branded = TikTokChoices("PUBLIC_TO_EVERYONE", disclose=True, branded_content=True)
    assert branded.declaration == MUSIC_BRANDED
    # the toggles only count while the disclosure is on
    assert (
        TikTokChoices("PUBLIC_TO_EVERYONE", your_brand=True).post_info(CREATOR, is_video=False)[
            "brand_organic_toggle"
        ]
        is False
    )


def test_the_form_and_the_stored_choices_round_trip() -> None:
    form = {"tt_privacy": "SELF_ONLY", "tt_allow_comment": "1", "tt_disclose": "1"}
    chosen = TikTokChoices.from_form(form)
    assert chosen == TikTokChoices("SELF_ONLY", allow_comment=True, disclose=True)
    assert TikTokChoices.load(chosen.as_dict()) == chosen
