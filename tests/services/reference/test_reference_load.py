from __future__ import annotations

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.errors import Conflict
from paseban.services.reference import store as reference
from paseban.storage import migrate
from paseban.storage import tables as t
from tests.conftest import make_ctx


def count(ctx: Context, table: sa.Table) -> int:
    with ctx.engine.connect() as conn:
        return int(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one())


def test_loading_twice_changes_nothing(ctx: Context) -> None:
    before = {
        tb.name: count(ctx, tb) for tb in (t.wilayah, t.opds, t.topics, t.routing_rules, t.holidays)
    }
    assert before["wilayah"] == 1 + 6 + 68
    assert reference.load(ctx, "32.71") == dict.fromkeys(
        [
            "wilayah",
            "opds",
            "topics",
            "intents",
            "urgencies",
            "holidays",
            "landmarks",
            "routing_rules",
            "streets",
        ],
        0,
    )
    assert {
        tb.name: count(ctx, tb) for tb in (t.wilayah, t.opds, t.topics, t.routing_rules, t.holidays)
    } == before


def test_staff_edits_survive_a_reload(ctx: Context) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.topics).where(t.topics.c.code == "jalan").values(default_opd="DLH")
        )
    reference.load(ctx, "32.71")
    with ctx.engine.connect() as conn:
        assert (
            conn.execute(
                sa.select(t.topics.c.default_opd).where(t.topics.c.code == "jalan")
            ).scalar()
            == "DLH"
        )


def test_one_database_holds_one_city(ctx: Context) -> None:
    with pytest.raises(Conflict, match="Kota Bogor"):
        reference.load(ctx, "32.73")
    assert count(ctx, t.wilayah) == 75


def test_another_city_in_its_own_database(empty_db_url: str) -> None:
    ctx = make_ctx(empty_db_url)
    try:
        migrate.upgrade(ctx.engine)
        counts = reference.load(ctx, "32.73")
        assert counts["wilayah"] == 1 + 30 + 151
        with ctx.engine.connect() as conn:
            assert reference.get_parameter(conn, "ticket_prefix") == "BND"
            rules = reference.active_rules(conn)
        assert {r.name for r in rules} == {
            f"default:{tp}"
            for tp in [
                "jalan",
                "drainase",
                "banjir_longsor",
                "sampah",
                "lingkungan",
                "pju",
                "pohon_taman",
                "lalu_lintas",
                "ketertiban",
                "kebakaran",
                "air_bersih",
                "adminduk",
                "kesehatan",
                "pendidikan",
                "sosial",
                "perizinan",
                "pasar",
                "listrik",
                "keamanan",
                "pelayanan",
                "lainnya",
            ]
        }
        analysis = ctx.analyzer().analyze("jalan rusak parah di kelurahan Sukaluyu")
        assert analysis.place.kecamatan is not None and analysis.place.kecamatan.startswith("32.73")
    finally:
        ctx.close()
