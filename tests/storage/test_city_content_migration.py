"""Migration 0025 (the content desk per city): programmes, campaigns, media items and training
sessions written before it belong to the first city; downgrading refuses while a second city is
loaded and otherwise keeps every row."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy as sa

from paseban.storage import migrate
from tests.conftest import make_ctx
from tests.storage.test_cities_migration import add_kabupaten_bogor

AT = dt.datetime(2026, 12, 1, 3, 0, tzinfo=dt.UTC)
TABLES = ("programs", "campaigns", "media_items", "training_sessions")
ROWS = [
    "INSERT INTO cities (code, name, ticket_prefix, position, created_at) "
    "VALUES ('32.71', 'KOTA BOGOR', 'BGR', 1, :at)",
    "INSERT INTO opds (code, name, handles, kind, active, city) "
    "VALUES ('DLH', 'Dinas Lingkungan Hidup', '', 'opd', true, '32.71')",
    "INSERT INTO programs (code, name, owner_opd, summary, key_messages, facts, achievements, "
    "hashtags, official_names, misspellings, active, is_sample, updated_at, updated_by) "
    "VALUES ('bogor-bersih', 'Bogor Bersih', 'DLH', '', '[]', '[]', '[]', '[]', '[]', '[]', "
    "true, false, :at, 'operator')",
    "INSERT INTO campaigns (code, title, program_id, message, facts, media_links, hashtags, "
    "starts_on, ends_on, all_accounts, is_sample, created_at, created_by) VALUES "
    "('pilah-sampah', 'Pilah Sampah', 1, 'Ayo pilah', '[]', '[]', '[]', '2026-12-01', "
    "'2026-12-31', true, false, :at, 'operator')",
    "INSERT INTO media_items (kind, storage_key, thumb_key, sha256, upload_sha256, mime, width, "
    "height, bytes, subtitle_track, captions_burned_in, original_name, alt_text, caption, "
    "source, credit, owner, origin, origin_ref, keep_location, removed_metadata, "
    "in_story_bank, shows_people, consent_note, archived, created_at, updated_at, is_sample) "
    "VALUES ('image', 'library/2026/12/a.jpg', 'library/2026/12/a.thumb.jpg', 'a', 'a', "
    "'image/jpeg', 10, 10, 100, false, false, 'a.jpg', '', '', '', '', 'operator', 'upload', "
    "'', false, '[]', false, false, '', false, :at, :at, false)",
    "INSERT INTO training_sessions (kind, title, held_at, place, notes, checkin_code, "
    "checkin_opens_at, checkin_closes_at, created_by, is_sample) VALUES ('kopdar', 'Kopdar', "
    ":at, '', '', 'ABCDEF', :at, :at, 'operator', false)",
]


def _cities_of(conn: sa.Connection) -> dict[str, list[str]]:
    return {
        table: list(conn.execute(sa.text(f"SELECT city FROM {table} ORDER BY id")).scalars())
        for table in TABLES
    }


def test_content_rows_become_the_first_citys_and_downgrade_keeps_them(
    empty_db_url: str,
) -> None:
    ctx = make_ctx(empty_db_url)
    try:
        migrate.upgrade(ctx.engine, "0023")
        with ctx.engine.begin() as conn:
            for statement in ROWS:
                conn.execute(sa.text(statement), {"at": AT})
        migrate.upgrade(ctx.engine)
        with ctx.engine.connect() as conn:
            assert _cities_of(conn) == {table: ["32.71"] for table in TABLES}
        with ctx.engine.begin() as conn:  # a second city and a programme of its own
            add_kabupaten_bogor(conn)
            conn.execute(
                sa.text(
                    "INSERT INTO programs (code, city, name, owner_opd, summary, key_messages, "
                    "facts, achievements, hashtags, official_names, misspellings, active, "
                    "is_sample, updated_at, updated_by) SELECT 'kab-bersih', '32.01', name, "
                    "owner_opd, summary, key_messages, facts, achievements, hashtags, "
                    "official_names, misspellings, active, is_sample, updated_at, updated_by "
                    "FROM programs"
                )
            )
        with pytest.raises(Exception, match="lebih dari satu kota"):
            migrate.downgrade(ctx.engine, "0023")
        with ctx.engine.connect() as conn:  # refused before it changed a thing
            assert _cities_of(conn)["programs"] == ["32.71", "32.01"]
        with ctx.engine.begin() as conn:
            conn.execute(sa.text("DELETE FROM programs WHERE city = '32.01'"))
            conn.execute(sa.text("DELETE FROM cities WHERE code = '32.01'"))
        migrate.downgrade(ctx.engine, "0023")
        inspector = sa.inspect(ctx.engine)
        for table in TABLES:
            assert "city" not in {c["name"] for c in inspector.get_columns(table)}
        with ctx.engine.connect() as conn:
            for table in TABLES:
                assert conn.execute(sa.text(f"SELECT COUNT(*) FROM {table}")).scalar_one() == 1
        migrate.upgrade(ctx.engine)
        with ctx.engine.connect() as conn:
            assert _cities_of(conn) == {table: ["32.71"] for table in TABLES}
    finally:
        ctx.close()
