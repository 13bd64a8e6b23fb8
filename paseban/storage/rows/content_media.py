"""The rows of the media library (`tables/content_media.py`): an item as the library, its page
and a post show it."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict


class MediaDetailsRow(TypedDict):
    """The columns of `media_items` that say what an item is, as a person edits them
    (`media.Details`): what `media.add_media` and `update_media` write."""

    alt_text: str
    caption: str
    source: str
    credit: str
    program_id: int | None
    campaign_id: int | None
    kelurahan: str | None
    in_story_bank: bool
    shows_people: bool
    consent_note: str
    captions_burned_in: bool  # declared


class MediaItemRow(MediaDetailsRow):
    """`media_items`, one photo or video of the library: the stored file, what is said about
    it (`MediaDetailsRow`), whose it is, and what was checked."""

    id: int
    kind: str  # image, video
    storage_key: str
    thumb_key: str
    sha256: str  # of the stored file
    upload_sha256: str  # of what was sent
    mime: str
    width: int
    height: int
    bytes: int
    duration_ms: int | None
    fps: float | None
    video_codec: str | None
    audio_codec: str | None
    subtitle_track: bool
    text_ratio: float | None
    original_name: str
    area_wilayah: str | None  # whose it is: the wilayah or OPD of the person who added it
    area_opd: str | None
    owner: str
    city: str  # the kota/kabupaten (the uploader's)
    origin: str  # upload, fieldwork, derived, sample
    origin_ref: str
    derived_from: int | None
    keep_location: bool
    location_lat: float | None
    location_lon: float | None
    removed_metadata: list[str]  # what was stripped from the file
    privacy_checked_by: str | None
    privacy_checked_at: datetime | None
    archived: bool
    created_at: datetime
    updated_at: datetime
    is_sample: bool


class MediaRow(MediaItemRow):
    """An item with the names of its kelurahan, programme and campaign (`media.load`)."""

    kelurahan_name: str | None
    program_name: str | None
    campaign_title: str | None


class MediaListRow(MediaRow):
    """An item in the library's grid: whether this person may change it."""

    can_edit: bool


class MediaUseRow(TypedDict):
    """A post that uses an item."""

    id: int
    title: str
    status: str


class MediaDetailRow(MediaListRow):
    """One item for its page (`media.get_media`): the posts that use it."""

    used_in: list[MediaUseRow]


class PostMediaRow(MediaItemRow):
    """An item of a post, in the post's order, with the alt text written for that post."""

    post_alt_text: str
    position: int


class KitAssetRow(TypedDict):
    """An item of a campaign's kit (`campaign_assets` with its media), in the kit's order."""

    variant: str  # feed, story, reel_cover, video
    variant_label: str
    position: int
    id: int  # the media item's
    kind: str
    original_name: str
    width: int
    height: int
    alt_text: str
    duration_ms: int | None
