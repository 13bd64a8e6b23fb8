"""complaint lifecycle: clocks, SLA policies, reply templates, outbox, Open311 keys, append-only
audit trail

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27 21:25:39.632193
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

import paseban.storage.types

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

UtcDateTime = paseban.storage.types.UtcDateTime
APPEND_ONLY = ("case_events", "policy_revisions")
SEEDED_AT = datetime(2026, 11, 27, tzinfo=UTC)

# frozen copies of paseban.domain.sla.DEFAULT_POLICIES and paseban.domain.replies
# .DEFAULT_TEMPLATES as they were when this migration was written (a test compares them)
DEFAULT_POLICIES = [
    # stage, topic, urgency, amount, unit, escalate_after
    ("verify", None, None, 3, "working_days", 1),
    ("verify", None, "tinggi", 1, "working_days", 1),
    ("verify", None, "darurat", 1, "hours", 1),
    ("follow_up", None, None, 5, "working_days", 1),
    ("follow_up", None, "tinggi", 3, "working_days", 1),
    ("follow_up", None, "darurat", 6, "hours", 6),
    ("confirm", None, None, 10, "working_days", 0),
]
DEFAULT_TEMPLATES = {
    "received": (
        "Terima kasih, aduan Anda sudah kami terima dengan nomor tiket {tiket}. "
        "Kami verifikasi dan teruskan ke dinas terkait. Pantau perkembangannya di {tautan}"
    ),
    "joined": (
        "Terima kasih, masalah ini sudah dilaporkan warga lain dan tercatat dengan tiket "
        "{tiket} ({jumlah} warga melapor). Pantau perkembangannya di {tautan}"
    ),
    "forwarded": (
        "Aduan {tiket} sudah diteruskan ke {opd}. Target tindak lanjut: {tenggat}. "
        "Pantau di {tautan}"
    ),
    "in_progress": "Aduan {tiket} sedang ditangani {opd}. Pantau di {tautan}",
    "resolved": (
        "{opd} menyatakan aduan {tiket} sudah selesai ditangani. {alasan} "
        "Apakah masalahnya sudah beres? Balas SUDAH atau BELUM. Detail: {tautan}"
    ),
    "closed": "Aduan {tiket} sudah ditutup. Terima kasih telah melapor. {tautan}",
    "rejected": (
        "Mohon maaf, pesan Anda belum dapat kami proses sebagai aduan ({tiket}): {alasan}"
    ),
    "outside_authority": (
        "Aduan {tiket} di luar kewenangan Pemerintah Kota dan sudah kami teruskan ke {opd}. "
        "{alasan} Pantau di {tautan}"
    ),
    "reopened": (
        "Terima kasih atas tanggapannya. Aduan {tiket} kami buka kembali dan kami minta "
        "{opd} menindaklanjuti. Pantau di {tautan}"
    ),
    "merged": (
        "Aduan {tiket} digabung dengan laporan yang sama, tiket {tiket_tujuan}. Pantau di {tautan}"
    ),
    "status": "Status aduan {tiket}: {status}. Pantau di {tautan}",
}


def _append_only_up() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            """
            CREATE OR REPLACE FUNCTION paseban_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION 'tabel % hanya boleh ditambah (jejak audit tidak dapat diubah)',
                    TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege';
            END
            $$
            """
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION paseban_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION paseban_append_only()"
            )
    else:
        for table in APPEND_ONLY:
            for verb in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'tabel {table} hanya boleh ditambah "
                    "(jejak audit tidak dapat diubah)'); END"
                )


def _append_only_down() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        for table in APPEND_ONLY:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS paseban_append_only()")
    else:
        for table in APPEND_ONLY:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{verb}")


def upgrade() -> None:
    op.create_table(
        "policy_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("data", sa.JSON(), nullable=True),
        sa.Column("changed_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=100), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_policy_revisions")),
    )
    with op.batch_alter_table("policy_revisions", schema=None) as batch_op:
        batch_op.create_index("ix_policy_revisions_kind_key", ["kind", "key"], unique=False)

    op.create_table(
        "open311_keys",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("key_hash", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=12), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=100), nullable=False),
        sa.Column("last_used_at", UtcDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_open311_keys_account_id_accounts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_open311_keys")),
        sa.UniqueConstraint("key_hash", name=op.f("uq_open311_keys_key_hash")),
        sa.UniqueConstraint("name", name=op.f("uq_open311_keys_name")),
    )
    reply_templates = op.create_table(
        "reply_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=30), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=True),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.ForeignKeyConstraint(
            ["topic"], ["topics.code"], name=op.f("fk_reply_templates_topic_topics")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reply_templates")),
    )
    sla_policies = op.create_table(
        "sla_policies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("topic", sa.String(length=40), nullable=True),
        sa.Column("urgency", sa.String(length=40), nullable=True),
        sa.Column("amount", sa.Integer(), nullable=False),
        sa.Column("unit", sa.String(length=20), nullable=False),
        sa.Column("escalate_after", sa.Integer(), nullable=False),
        sa.Column("updated_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sla_policies")),
    )
    op.create_table(
        "case_stages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("started_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("due_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("escalate_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("sweep_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("escalation_level", sa.SmallInteger(), nullable=False),
        sa.Column("finished_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("breached", sa.Boolean(), nullable=True),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["cases.id"], name=op.f("fk_case_stages_case_id_cases")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_stages")),
    )
    with op.batch_alter_table("case_stages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_case_stages_case_id"), ["case_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_case_stages_sweep_at"), ["sweep_at"], unique=False)

    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", sa.String(length=20), nullable=False),
        sa.Column("account_id", sa.Integer(), nullable=True),
        sa.Column("in_reply_to_message_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("created_at", UtcDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UtcDateTime(timezone=True), nullable=True),
        sa.Column("external_id", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["account_id"], ["accounts.id"], name=op.f("fk_outbox_account_id_accounts")
        ),
        sa.ForeignKeyConstraint(
            ["in_reply_to_message_id"],
            ["messages.id"],
            name=op.f("fk_outbox_in_reply_to_message_id_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_outbox_dedupe_key")),
    )
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.create_index(
            "ix_outbox_status_next_attempt_at", ["status", "next_attempt_at"], unique=False
        )

    # new columns only (no constraint changes), so SQLite adds them without rebuilding tables
    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("public_note", sa.Text(), nullable=True))

    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_report_at", UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("street", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("landmark", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("address", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("lat", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("lon", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("media_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("keywords", sa.Text(), server_default="", nullable=False))
        batch_op.add_column(sa.Column("platforms", sa.JSON(), server_default="[]", nullable=False))
        batch_op.add_column(sa.Column("stage", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("due_at", UtcDateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("escalation_level", sa.SmallInteger(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("returned_by", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(sa.Column("public_note", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("merged_into", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("split_from", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_cases_due_at"), ["due_at"], unique=False)

    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index("ix_messages_platform_author", ["platform", "author"], unique=False)
        batch_op.create_index(
            "ix_messages_platform_author_id", ["platform", "author_id"], unique=False
        )

    # cases opened before this migration: last report = opening
    op.execute("UPDATE cases SET last_report_at = opened_at WHERE last_report_at IS NULL")

    op.bulk_insert(
        sla_policies,
        [
            {
                "stage": stage,
                "topic": topic,
                "urgency": urgency,
                "amount": amount,
                "unit": unit,
                "escalate_after": escalate,
                "updated_at": SEEDED_AT,
                "updated_by": "sistem",
            }
            for stage, topic, urgency, amount, unit, escalate in DEFAULT_POLICIES
        ],
    )
    op.bulk_insert(
        reply_templates,
        [
            {
                "event": event,
                "topic": None,
                "text": text,
                "updated_at": SEEDED_AT,
                "updated_by": "sistem",
            }
            for event, text in DEFAULT_TEMPLATES.items()
        ],
    )
    _append_only_up()


def downgrade() -> None:
    _append_only_down()
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_platform_author_id")
        batch_op.drop_index("ix_messages_platform_author")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cases_due_at"))
        for column in (
            "split_from",
            "merged_into",
            "public_note",
            "returned_by",
            "escalation_level",
            "due_at",
            "stage",
            "platforms",
            "keywords",
            "media_url",
            "lon",
            "lat",
            "address",
            "landmark",
            "street",
            "last_report_at",
        ):
            batch_op.drop_column(column)

    with op.batch_alter_table("case_events", schema=None) as batch_op:
        batch_op.drop_column("public_note")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_status_next_attempt_at")
    op.drop_table("outbox")
    with op.batch_alter_table("case_stages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_case_stages_sweep_at"))
        batch_op.drop_index(batch_op.f("ix_case_stages_case_id"))
    op.drop_table("case_stages")
    op.drop_table("sla_policies")
    op.drop_table("reply_templates")
    op.drop_table("open311_keys")
    with op.batch_alter_table("policy_revisions", schema=None) as batch_op:
        batch_op.drop_index("ix_policy_revisions_kind_key")
    op.drop_table("policy_revisions")
