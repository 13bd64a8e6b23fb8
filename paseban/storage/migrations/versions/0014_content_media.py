"""content media: the media library, a post's ordered media and cover, a campaign kit's assets
and caption variants (issue 18)

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-29 08:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from paseban.storage.types import UtcDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media_items",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("storage_key", sa.String(300), nullable=False, unique=True),
        sa.Column("thumb_key", sa.String(300), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("upload_sha256", sa.String(64), nullable=False, index=True),
        sa.Column("mime", sa.String(40), nullable=False),
        sa.Column("width", sa.Integer, nullable=False),
        sa.Column("height", sa.Integer, nullable=False),
        sa.Column("bytes", sa.BigInteger, nullable=False),
        sa.Column("duration_ms", sa.Integer, nullable=True),
        sa.Column("fps", sa.Float, nullable=True),
        sa.Column("video_codec", sa.String(20), nullable=True),
        sa.Column("audio_codec", sa.String(20), nullable=True),
        sa.Column("subtitle_track", sa.Boolean, nullable=False),
        sa.Column("captions_burned_in", sa.Boolean, nullable=False),
        sa.Column("text_ratio", sa.Float, nullable=True),
        sa.Column("original_name", sa.String(200), nullable=False),
        sa.Column("alt_text", sa.Text, nullable=False),
        sa.Column("caption", sa.Text, nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("credit", sa.String(200), nullable=False),
        sa.Column(
            "program_id", sa.Integer, sa.ForeignKey("programs.id"), nullable=True, index=True
        ),
        sa.Column(
            "campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=True, index=True
        ),
        sa.Column(
            "kelurahan", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=True, index=True
        ),
        sa.Column("area_wilayah", sa.String(13), nullable=True, index=True),
        sa.Column("area_opd", sa.String(40), nullable=True, index=True),
        sa.Column("owner", sa.String(100), nullable=False, index=True),
        sa.Column("origin", sa.String(20), nullable=False),
        sa.Column("origin_ref", sa.String(200), nullable=False),
        sa.Column("derived_from", sa.Integer, sa.ForeignKey("media_items.id"), nullable=True),
        sa.Column("keep_location", sa.Boolean, nullable=False),
        sa.Column("location_lat", sa.Float, nullable=True),
        sa.Column("location_lon", sa.Float, nullable=True),
        sa.Column("removed_metadata", sa.JSON, nullable=False),
        sa.Column("in_story_bank", sa.Boolean, nullable=False),
        sa.Column("shows_people", sa.Boolean, nullable=False),
        sa.Column("consent_note", sa.Text, nullable=False),
        sa.Column("privacy_checked_by", sa.String(100), nullable=True),
        sa.Column("privacy_checked_at", UtcDateTime, nullable=True),
        sa.Column("archived", sa.Boolean, nullable=False),
        sa.Column("created_at", UtcDateTime, nullable=False, index=True),
        sa.Column("updated_at", UtcDateTime, nullable=False),
        sa.Column("is_sample", sa.Boolean, nullable=False),
    )
    op.create_table(
        "content_post_media",
        sa.Column("post_id", sa.Integer, sa.ForeignKey("content_posts.id"), primary_key=True),
        sa.Column("position", sa.Integer, primary_key=True),
        sa.Column(
            "media_id", sa.Integer, sa.ForeignKey("media_items.id"), nullable=False, index=True
        ),
        sa.Column("alt_text", sa.Text, nullable=False),
    )
    op.create_table(
        "campaign_assets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), nullable=False, index=True
        ),
        sa.Column("media_id", sa.Integer, sa.ForeignKey("media_items.id"), nullable=False),
        sa.Column("variant", sa.String(20), nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.UniqueConstraint("campaign_id", "media_id", name="uq_campaign_assets_media"),
    )
    op.create_table(
        "campaign_captions",
        sa.Column("campaign_id", sa.Integer, sa.ForeignKey("campaigns.id"), primary_key=True),
        sa.Column("platform", sa.String(20), primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
    )
    with op.batch_alter_table("content_posts") as batch:
        batch.add_column(sa.Column("cover_media_id", sa.Integer, nullable=True))
        batch.add_column(sa.Column("cover_offset_ms", sa.Integer, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("content_posts") as batch:
        batch.drop_column("cover_offset_ms")
        batch.drop_column("cover_media_id")
    op.drop_table("campaign_captions")
    op.drop_table("campaign_assets")
    op.drop_table("content_post_media")
    op.drop_table("media_items")
