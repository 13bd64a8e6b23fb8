"""Case indexes that end with the city, and fewer indexes to write (issue 17, item 4)

Since 0022 every statement of a city's Diskominfo, admins and officers filters the cases on
`city`. The covering indexes of 0021 did not hold it, so the command centre's counts, `/opd`
and the map read the case rows again: on bench/national.py's 10 million messages and 1 million
cases five statements passed 200 ms (the slowest 549 ms). Each covering index now ends with
`city`, and three more cover what the command centre's map and `/peta` count (open cases per
place; the cases of a period or a topic per place) and the case list counts when it is filtered
by kecamatan.

Every index is written on every change of its row. The single-column indexes that a composite
one begins with answer nothing the composite does not, so they go: on `cases` status,
kecamatan, kelurahan, opd, topic and opened_at; on `messages` account_id (each message is
written twice, stored and analysed, in every index). `ix_messages_intent` stays: the inbox's
intent and topic filter reads it (without it, 12 -> 120 ms at 10 million messages).

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 14:00:00
"""

from __future__ import annotations

from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

# name -> columns, as they were (0021 and before) and as they are now
BEFORE: dict[str, tuple[str, ...]] = {
    "ix_cases_status_opened": ("status", "opened_at"),
    "ix_cases_open_opd": ("status", "opd", "stage", "due_at", "opened_at", "urgency"),
    "ix_cases_opd_status_opened": ("opd", "status", "opened_at", "urgency"),
    "ix_cases_kelurahan_opened": ("kelurahan", "opened_at", "status", "urgency", "topic"),
}
AFTER: dict[str, tuple[str, ...]] = {
    **{name: (*columns, "city") for name, columns in BEFORE.items()},
    "ix_cases_status_place": ("status", "kecamatan", "kelurahan", "city"),
    "ix_cases_opened_place": (
        "opened_at",
        "kecamatan",
        "kelurahan",
        "status",
        "urgency",
        "topic",
        "city",
    ),
    "ix_cases_topic_place": ("topic", "kelurahan", "status", "urgency", "opened_at", "city"),
    "ix_cases_kecamatan_filters": ("kecamatan", "urgency", "status", "topic", "opd", "city"),
}
SINGLE: dict[str, tuple[str, str]] = {  # index -> (table, column)
    "ix_cases_status": ("cases", "status"),
    "ix_cases_kelurahan": ("cases", "kelurahan"),
    "ix_cases_opd": ("cases", "opd"),
    "ix_cases_topic": ("cases", "topic"),
    "ix_cases_opened_at": ("cases", "opened_at"),
    "ix_messages_account_id": ("messages", "account_id"),
    "ix_cases_kecamatan": ("cases", "kecamatan"),
}


# if_exists/if_not_exists: SQLite commits each DDL statement at once, so a downgrade that a
# later step refuses (0022 with two cities) has already run this one; running it again is safe


def upgrade() -> None:
    for name in (*SINGLE, *BEFORE):
        table = SINGLE[name][0] if name in SINGLE else "cases"
        op.drop_index(name, table_name=table, if_exists=True)
    for name, columns in AFTER.items():
        op.create_index(name, "cases", list(columns), if_not_exists=True)


def downgrade() -> None:
    for name in AFTER:
        op.drop_index(name, table_name="cases", if_exists=True)
    for name, columns in BEFORE.items():
        op.create_index(name, "cases", list(columns), if_not_exists=True)
    for name, (table, column) in SINGLE.items():
        op.create_index(name, table, [column], if_not_exists=True)
