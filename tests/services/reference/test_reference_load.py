from __future__ import annotations

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.services.reference import cities
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


def test_a_second_city_is_added_beside_the_first(ctx: Context) -> None:
    """A province: Kabupaten Bogor loads beside Kota Bogor with its own wilayah, OPDs (keyed
    with its ticket prefix), rules and prefix; Kota Bogor's codes and rules are unchanged, and
    loading it again adds nothing."""
    before = {r["name"]: r["assign_to"] for r in _rules(ctx, "32.71")}
    counts = reference.load(ctx, "32.01")
    assert counts["wilayah"] > 400 and counts["opds"] > 10 and counts["topics"] == 0
    assert {c.code: c.ticket_prefix for c in cities.cities(ctx)} == {"32.71": "BGR", "32.01": "KBG"}
    with ctx.engine.connect() as conn:
        opds = dict(conn.execute(sa.select(t.opds.c.code, t.opds.c.city)).all())
        assert reference.get_parameter(conn, "city_code") == "32.71"  # the first city's
    assert opds["DLH"] == "32.71" and opds["DLH_KBG"] == "32.01"
    assert {r["name"]: r["assign_to"] for r in _rules(ctx, "32.71")} == before
    theirs = {r["name"]: r["assign_to"] for r in _rules(ctx, "32.01")}
    assert theirs["default:sampah"] == "DLH_KBG"
    assert all(opds[code] == "32.01" for code in theirs.values())
    assert reference.load(ctx, "32.01")["wilayah"] == 0
    assert len(cities.cities(ctx)) == 2
    # each city reads its own places: Cibinong is Kabupaten Bogor's, Bogor Tengah Kota Bogor's
    theirs_place = ctx.analyzer("32.01").analyze("sampah numpuk di kecamatan Cibinong").place
    assert (theirs_place.kecamatan or "").startswith("32.01.")
    ours = ctx.analyzer("32.71").analyze("sampah numpuk di kecamatan Cibinong").place
    assert not (ours.kecamatan or "").startswith("32.01.")


def _rules(ctx: Context, city: str) -> list[dict[str, str]]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.routing_rules.c.name, t.routing_rules.c.assign_to).where(
                t.routing_rules.c.city == city
            )
        ).mappings()
        return [dict(r) for r in rows]


def test_a_city_code_that_is_not_a_kabupaten_or_kota_is_refused(ctx: Context) -> None:
    with pytest.raises(ValueError, match="bukan kode kota/kabupaten"):
        reference.load(ctx, "32.71.01")
    assert len(cities.cities(ctx)) == 1


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
