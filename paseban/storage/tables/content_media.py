"""Pictures and video for content (issue 18): the media library, the ordered media of a post,
and a campaign kit's assets and caption variants. The files themselves live in the media store
(services/content/media_store.py) under the keys kept here."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.storage.tables.base import city_column, metadata
from paseban.storage.types import UtcDateTime

media_items = sa.Table(
    "media_items",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(10), nullable=False),  # image, video
    sa.Column("storage_key", sa.String(300), nullable=False, unique=True),
    sa.Column("thumb_key", sa.String(300), nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),  # of the stored file
    sa.Column("upload_sha256", sa.String(64), nullable=False, index=True),  # of what was sent
    sa.Column("mime", sa.String(40), nullable=False),
    sa.Column("width", sa.Integer, nullable=False),
    sa.Column("height", sa.Integer, nullable=False),
    sa.Column("bytes", sa.BigInteger, nullable=False),
    sa.Column("duration_ms", sa.Integer, nullable=True),
    sa.Column("fps", sa.Float, nullable=True),
    sa.Column("video_codec", sa.String(20), nullable=True),
    sa.Column("audio_codec", sa.String(20), nullable=True),
    sa.Column("subtitle_track", sa.Boolean, nullable=False, default=False),
    sa.Column("captions_burned_in", sa.Boolean, nullable=False, default=False),  # declared
    sa.Column("text_ratio", sa.Float, nullable=True),
    sa.Column("original_name", sa.String(200), nullable=False, default=""),
    sa.Column("alt_text", sa.Text, nullable=False, default=""),
    sa.Column("caption", sa.Text, nullable=False, default=""),
    sa.Column("source", sa.String(200), nullable=False, default=""),
    sa.Column("credit", sa.String(200), nullable=False, default=""),
    sa.Column("program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=True, index=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=True, index=True),
    sa.Column("kelurahan", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=True, index=True),
    # whose it is: the wilayah or OPD of the person who added it (none: the city's own)
    sa.Column("area_wilayah", sa.String(13), nullable=True, index=True),
    sa.Column("area_opd", sa.String(40), nullable=True, index=True),
    sa.Column("owner", sa.String(100), nullable=False, index=True),
    city_column(),  # migration 0025: the uploader's city (the province: the chosen one)
    sa.Column("origin", sa.String(20), nullable=False),  # upload, fieldwork, derived, sample
    sa.Column("origin_ref", sa.String(200), nullable=False, default=""),
    sa.Column("derived_from", sa.Integer, sa.ForeignKey("media_items.id"), nullable=True),
    # the location in the file's EXIF is removed unless the author keeps it on purpose
    sa.Column("keep_location", sa.Boolean, nullable=False, default=False),
    sa.Column("location_lat", sa.Float, nullable=True),
    sa.Column("location_lon", sa.Float, nullable=True),
    sa.Column("removed_metadata", sa.JSON, nullable=False, default=list),  # what was stripped
    sa.Column("in_story_bank", sa.Boolean, nullable=False, default=False),
    sa.Column("shows_people", sa.Boolean, nullable=False, default=False),
    sa.Column("consent_note", sa.Text, nullable=False, default=""),
    sa.Column("privacy_checked_by", sa.String(100), nullable=True),
    sa.Column("privacy_checked_at", UtcDateTime, nullable=True),
    sa.Column("archived", sa.Boolean, nullable=False, default=False),
    sa.Column("created_at", UtcDateTime, nullable=False, index=True),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
)

content_post_media = sa.Table(
    "content_post_media",
    metadata,
    sa.Column("post_id", sa.Integer, sa.ForeignKey("content_posts.id"), primary_key=True),
    sa.Column("position", sa.Integer, primary_key=True),
    sa.Column("media_id", sa.Integer, sa.ForeignKey("media_items.id"), nullable=False, index=True),
    sa.Column("alt_text", sa.Text, nullable=False, default=""),  # this post's, else the item's
)

campaign_assets = sa.Table(
    "campaign_assets",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False, index=True),
    sa.Column("media_id", sa.Integer, sa.ForeignKey("media_items.id"), nullable=False),
    sa.Column("variant", sa.String(20), nullable=False),  # feed, story, reel_cover, video
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.UniqueConstraint("campaign_id", "media_id", name="uq_campaign_assets_media"),
)

campaign_captions = sa.Table(
    "campaign_captions",
    metadata,
    sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), primary_key=True),
    sa.Column("platform", sa.String(20), primary_key=True),
    sa.Column("text", sa.Text, nullable=False),
)
