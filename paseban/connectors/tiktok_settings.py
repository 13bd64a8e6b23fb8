"""What TikTok requires an app to show and ask before every post (Content Sharing Guidelines,
"Required UX Implementation"; docs/content.md, "TikTok: apa yang harus dipilih admin"):

1. the creator's info from `creator_info/query`, read when the editor is shown: the nickname
   (and avatar) of the account the post goes to, the longest video it may post, the privacy
   levels it offers, and whether it turned comments, duets or stitches off;
2. a privacy dropdown with **no default** (the person must pick one of the creator's options);
3. Comment, Duet and Stitch toggles, **off by default**, greyed out where the creator turned
   them off (a photo post has only Comment);
4. the commercial-content disclosure, off by default: when on, "Your brand" (promotional
   content) and/or "Branded content" (a paid partnership) must be chosen, and branded content
   cannot be private ("Hanya saya");
5. the declaration "By posting, you agree to TikTok's Music Usage Confirmation" (with the
   Branded Content Policy when branded content is chosen).

The choices are kept with the post (content_posts.platform_options), checked when it is
submitted, approved or scheduled, and sent exactly as chosen: `post_info` carries them and
nothing is filled in by Paseban. The publisher refuses a post without them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import httpx

from paseban.connectors.base import Credentials, as_dict, as_list

SOURCE = "https://developers.tiktok.com/doc/content-sharing-guidelines"
CREATOR_SOURCE = (
    "https://developers.tiktok.com/doc/content-posting-api-reference-query-creator-info"
)
MUSIC_POLICY = "https://www.tiktok.com/legal/page/global/music-usage-confirmation/en"
BRANDED_POLICY = "https://www.tiktok.com/legal/page/global/bc-policy/en"
PRIVATE = "SELF_ONLY"
PRIVACY_LABELS = {
    "PUBLIC_TO_EVERYONE": "Semua orang",
    "MUTUAL_FOLLOW_FRIENDS": "Teman (saling mengikuti)",
    "FOLLOWER_OF_CREATOR": "Pengikut",
    "SELF_ONLY": "Hanya saya",
}
MUSIC = "Dengan mengunggah, Anda menyetujui Konfirmasi Penggunaan Musik TikTok."
MUSIC_BRANDED = (
    "Dengan mengunggah, Anda menyetujui Kebijakan Konten Bermerek dan Konfirmasi Penggunaan "
    "Musik TikTok."
)
TOGGLES = (
    ("allow_comment", "comment_disabled", "Izinkan komentar"),
    ("allow_duet", "duet_disabled", "Izinkan Duet"),
    ("allow_stitch", "stitch_disabled", "Izinkan Stitch"),
)


@dataclass(frozen=True)
class CreatorInfo:
    """The creator as `creator_info/query` describes them, read when the editor is shown."""

    nickname: str
    username: str
    avatar_url: str
    privacy_options: tuple[str, ...]
    comment_disabled: bool
    duet_disabled: bool
    stitch_disabled: bool
    max_video_seconds: int | None

    @classmethod
    def parse(cls, data: Mapping[str, Any]) -> CreatorInfo:
        longest = data.get("max_video_post_duration_sec")
        return cls(
            nickname=str(data.get("creator_nickname") or ""),
            username=str(data.get("creator_username") or ""),
            avatar_url=str(data.get("creator_avatar_url") or ""),
            privacy_options=tuple(str(o) for o in as_list(data.get("privacy_level_options"))),
            comment_disabled=bool(data.get("comment_disabled")),
            duet_disabled=bool(data.get("duet_disabled")),
            stitch_disabled=bool(data.get("stitch_disabled")),
            max_video_seconds=longest if isinstance(longest, int) else None,
        )

    def disabled(self, flag: str) -> bool:
        return bool(getattr(self, flag))

    def privacy_choices(self) -> list[tuple[str, str]]:
        return [(o, PRIVACY_LABELS.get(o, o)) for o in self.privacy_options]


@dataclass(frozen=True)
class TikTokChoices:
    """What the person chose for one post; every field starts empty or off."""

    privacy_level: str = ""
    allow_comment: bool = False
    allow_duet: bool = False
    allow_stitch: bool = False
    disclose: bool = False
    your_brand: bool = False
    branded_content: bool = False

    @classmethod
    def load(cls, stored: Mapping[str, Any] | None) -> TikTokChoices:
        stored = stored or {}
        return cls(
            privacy_level=str(stored.get("privacy_level") or ""),
            **{k: bool(stored.get(k)) for k in BOOLEANS},
        )

    @classmethod
    def from_form(cls, form: Mapping[str, Any]) -> TikTokChoices:
        """From the editor's fields (`tt_privacy`, `tt_allow_comment`, ...: checkboxes are
        present when ticked)."""
        return cls(
            privacy_level=str(form.get("tt_privacy") or "").strip(),
            **{k: bool(form.get(f"tt_{k}")) for k in BOOLEANS},
        )

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def declaration(self) -> str:
        return MUSIC_BRANDED if self.disclose and self.branded_content else MUSIC

    def post_info(self, creator: CreatorInfo, *, is_video: bool) -> dict[str, Any]:
        """The choices as `post_info` carries them: exactly what was chosen (a toggle the
        creator has since turned off is off)."""
        info: dict[str, Any] = {
            "privacy_level": self.privacy_level,
            "disable_comment": not self.allow_comment or creator.comment_disabled,
            "brand_content_toggle": self.disclose and self.branded_content,
            "brand_organic_toggle": self.disclose and self.your_brand,
        }
        if is_video:
            info["disable_duet"] = not self.allow_duet or creator.duet_disabled
            info["disable_stitch"] = not self.allow_stitch or creator.stitch_disabled
        return info


BOOLEANS: tuple[str, ...] = (
    "allow_comment",
    "allow_duet",
    "allow_stitch",
    "disclose",
    "your_brand",
    "branded_content",
)


def problems(
    choices: TikTokChoices,
    creator: CreatorInfo | None,
    *,
    is_video: bool,
    longest_ms: int | None = None,
    offered: bool = True,
) -> list[str]:
    """What stops this post from going to TikTok, in words; [] when it may go. Without the
    creator's info (not read yet) only what needs no creator is checked; the publisher checks
    the rest against `creator_info` again before it posts. `offered=False`: a privacy level the
    creator does not offer now is not a refusal (the publisher sends a draft to the inbox)."""
    out = []
    if not choices.privacy_level:
        out.append("Pilih siapa yang dapat melihat unggahan TikTok ini (tidak ada pilihan bawaan).")
    elif choices.privacy_level not in PRIVACY_LABELS:
        out.append(f"Pilihan privasi TikTok {choices.privacy_level!r} tidak dikenal.")
    elif offered and creator is not None and choices.privacy_level not in creator.privacy_options:
        out.append(
            f"Akun TikTok ini tidak menawarkan privasi “{PRIVACY_LABELS[choices.privacy_level]}”;"
            " pilih lagi dari daftar."
        )
    if choices.disclose and not (choices.your_brand or choices.branded_content):
        out.append(
            "Pengungkapan konten komersial aktif: pilih “Merek Anda” dan/atau “Konten bermerek”."
        )
    if choices.disclose and choices.branded_content and choices.privacy_level == PRIVATE:
        out.append("Konten bermerek tidak dapat diatur “Hanya saya”: pilih privasi lain.")
    if creator is not None:
        wanted = TOGGLES if is_video else TOGGLES[:1]
        for field, flag, label in wanted:
            if getattr(choices, field) and creator.disabled(flag):
                out.append(f"{label}: dimatikan oleh pemilik akun di TikTok.")
        longest = creator.max_video_seconds
        if is_video and longest is not None and (longest_ms or 0) > longest * 1000:
            out.append(
                f"Video {(longest_ms or 0) // 1000} detik lebih panjang dari yang boleh "
                f"diunggah akun ini ({longest} detik)."
            )
    return out


class TikTokPostSettings:
    """TikTok's required choices as the content side asks for them (connector.post_settings)."""

    platform = "tiktok"
    template = "_content_tiktok.html"
    page: Mapping[str, Any] = {
        "privacy_labels": PRIVACY_LABELS,
        "toggles": TOGGLES,
        "music_policy": MUSIC_POLICY,
        "branded_policy": BRANDED_POLICY,
        "source": SOURCE,
    }

    def __init__(self, api: str) -> None:
        self.api = api

    def creator(self, client: httpx.Client, credentials: Credentials) -> CreatorInfo:
        """`creator_info/query` (20 a minute per user token); raises httpx.HTTPError or
        ValueError when TikTok does not answer with the creator."""
        response = client.post(
            f"{self.api}/creator_info/query/",
            headers={
                "Authorization": f"Bearer {credentials.token}",
                "Content-Type": "application/json; charset=UTF-8",
            },
            json={},
        )
        body = as_dict(response.json())
        if response.status_code >= 400:
            code = as_dict(body.get("error")).get("code") or response.status_code
            raise ValueError(f"TikTok menjawab {code}")
        return CreatorInfo.parse(as_dict(body.get("data")))

    def choices(self, stored: Mapping[str, Any] | None) -> TikTokChoices:
        return TikTokChoices.load(stored)

    def from_form(self, form: Mapping[str, Any]) -> dict[str, Any]:
        return TikTokChoices.from_form(form).as_dict()

    def problems(
        self,
        stored: Mapping[str, Any] | None,
        creator: Any,
        *,
        is_video: bool,
        longest_ms: int | None = None,
    ) -> list[str]:
        info = creator if isinstance(creator, CreatorInfo) else None
        return problems(TikTokChoices.load(stored), info, is_video=is_video, longest_ms=longest_ms)
