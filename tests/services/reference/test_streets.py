"""The street table staff edit: seeded once for Kota Bogor, validated, audited, and read by the
place finder of the next message."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.nlp import streets as street_data
from paseban.services.ingest import files
from paseban.services.people import accounts, audit
from paseban.services.reference import store, streets
from paseban.storage import tables as t
from paseban.storage.rows.reference import StreetRow
from tests.factories import message, with_accounts, write_jsonl

TEGAL_GUNDIL, CIPARIGI = "32.71.05.1002", "32.71.05.1004"
TEXT = "lampu pju mati semua di jl cemara indah, gelap"


def _by_name(ctx: Context, name: str) -> StreetRow:
    return next(s for s in streets.list_streets(ctx) if s["name"] == name)


def test_kota_bogor_starts_with_the_bundled_table_once(ctx: Context) -> None:
    rows = streets.list_streets(ctx)
    assert len(rows) == len(street_data.bundled("32.71")) == 86
    lolongok = _by_name(ctx, "Jl. Lolongok")
    assert lolongok["kelurahan"] == ["32.71.01.1003"] and "lolongok" in lolongok["alone"]
    # a street staff removed stays removed when the reference data is loaded again
    streets.delete_street(ctx, lolongok["id"], actor="op")
    assert store.load(ctx, "32.71")["streets"] == 0
    assert len(streets.list_streets(ctx)) == 85
    assert store.streets_note(ctx) is None


def test_an_edit_changes_where_the_next_message_is_placed(ctx: Context) -> None:
    assert ctx.analyzer().analyze(TEXT).place.kelurahan is None
    form = {
        "name": "Jl. Cemara Indah",
        "aliases": ["cemara indah raya"],
        "alone": [],
        "kelurahan": [TEGAL_GUNDIL],
        "generic": False,
        "source": "laporan warga",
    }
    new_id = streets.create_street(ctx, form, actor="op")
    place = ctx.analyzer().analyze(TEXT).place
    assert (place.kelurahan, place.street) == (TEGAL_GUNDIL, "Jl. Cemara Indah")
    assert streets.update_street(ctx, new_id, {**form, "kelurahan": [CIPARIGI]}, actor="op")
    assert ctx.analyzer().analyze(TEXT).place.kelurahan == CIPARIGI
    assert not streets.update_street(ctx, new_id, {**form, "kelurahan": [CIPARIGI]}, actor="op")
    assert streets.delete_street(ctx, new_id, actor="op") == "Jl. Cemara Indah"
    assert ctx.analyzer().analyze(TEXT).place.kelurahan is None
    events = audit.list_events(ctx, target_kind="street")
    assert [e["action"] for e in events] == ["street.delete", "street.update", "street.create"]
    assert events[1]["detail"] == {
        "before": {"kelurahan": [TEGAL_GUNDIL]},
        "after": {"kelurahan": [CIPARIGI]},
    }


@pytest.mark.parametrize(
    ("change", "error", "reason"),
    [
        ({"name": "  "}, InvalidInput, "wajib"),
        ({"name": "Jl. ..."}, InvalidInput, "harus memuat huruf"),
        ({"kelurahan": ["32.73.01.1001"]}, InvalidInput, "tidak dikenal di kota ini"),
        ({"kelurahan": ["Empang"]}, InvalidInput, "kode kelurahan tidak sah"),
        ({"alone": ["pasar"]}, InvalidInput, "kata sehari-hari"),
        ({"alone": ["cmr"]}, InvalidInput, "terlalu pendek"),
        ({"name": "jalan lolongok"}, Conflict, "Jl. Lolongok sudah ada"),
    ],
)
def test_a_bad_street_is_refused_and_nothing_changes(
    ctx: Context, change: dict[str, object], error: type[Exception], reason: str
) -> None:
    form: dict[str, object] = {"name": "Jl. Cemara Indah", "kelurahan": [TEGAL_GUNDIL]}
    before = streets.list_streets(ctx)
    with pytest.raises(error, match=reason):
        streets.create_street(ctx, {**form, **change}, actor="op")
    other = _by_name(ctx, "Jl. Pajajaran")["id"]
    with pytest.raises(error, match=reason):
        streets.update_street(ctx, other, {**form, **change}, actor="op")
    assert streets.list_streets(ctx) == before
    assert audit.list_events(ctx, target_kind="street") == []
    with pytest.raises(NotFound):
        streets.delete_street(ctx, 99_999, actor="op")


def test_a_message_to_an_opd_account_reached_the_city(ctx: Context, tmp_path: Path) -> None:
    """No fallback place (an OPD owns no wilayah), but names every city has count as ours."""
    with_accounts(ctx, tmp_path)
    csv = tmp_path / "opd.csv"
    csv.write_text(
        "platform,handle,platform_account_id,owner_kind,owner_code,name\n"
        "instagram,dpupr.bogor,3000,opd,DPUPR,DPUPR Kota Bogor\n",
        encoding="utf-8",
    )
    accounts.import_csv(ctx, csv)
    records = [
        message(1, "jalan berlubang parah di jl sudirman, bahaya", account="dpupr.bogor"),
        message(2, "jalan berlubang parah, bahaya", account="dpupr.bogor"),
    ]
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.messages.c.external_id,
                t.messages.c.kecamatan,
                t.messages.c.kelurahan,
                t.messages.c.place_source,
            ).order_by(t.messages.c.external_id)
        ).all()
    assert [tuple(r) for r in rows] == [("m1", "32.71.03", None, "text"), ("m2", None, None, None)]
