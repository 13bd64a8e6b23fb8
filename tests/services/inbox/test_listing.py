"""The inbox's filters, search, counts and arrivals: any combination of filters, the search by
text, ticket and author, counts that match the lists, what arrived after a message."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qsl

import pytest
import sqlalchemy as sa

from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.domain.auth import Actor, actor_for
from paseban.errors import Forbidden, InvalidInput
from paseban.services.inbox import listing
from paseban.services.inbox.listing import InboxFilters
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.factories import message, with_accounts, write_jsonl

OPERATOR = actor_for("operator", Role.DISKOMINFO, Scope())
VIEWER = actor_for("pimpinan", Role.VIEWER, Scope())
LURAH = actor_for("lurah.batutulis", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001"))


@pytest.fixture
def inbox(ctx: Context, tmp_path: Path) -> dict[str, int]:
    with_accounts(ctx, tmp_path)
    records = [
        message(1, "lampu jalan mati di batutulis, gelap banget min", author="siti.rahma"),
        message(2, "sampah numpuk di kel. tegal gundil", account="kelurahan.tegalgundil"),
        message(3, "mantap min acaranya kemarin seru", author="budi_07"),
        message(4, "slot gacor deposit 10rb wd pasti cair"),
        message(5, "hubungi saya 081234567890, jalan rusak parah di batutulis"),
    ]
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(t.messages.c.external_id, t.messages.c.id)).all()
    return {str(ext): int(mid) for ext, mid in rows}


def shown(ctx: Context, actor: Actor, filters: InboxFilters) -> set[int]:
    page = listing.list_messages(ctx, actor, filters, limit=50)
    ids = {m["id"] for m in page.rows}
    assert page.matching == len(ids) == listing.count_messages(ctx, actor, filters)
    return ids


def test_filters_round_trip_through_the_query_string() -> None:
    chosen = InboxFilters(account=3, state="all", intent="aduan", q="jalan rusak", order="oldest")
    assert InboxFilters.parse(dict(parse_qsl(chosen.query))) == chosen
    assert InboxFilters.parse({"state": "", "intent": " ", "order": ""}) == InboxFilters()
    assert InboxFilters().href == "/kotak-masuk?state=new&order=newest"  # says what it shows
    assert not InboxFilters().narrowed and InboxFilters(q="x").narrowed
    for bad in ({"account": "x"}, {"state": "sideways"}, {"order": "up"}, {"q": "x" * 101}):
        with pytest.raises(InvalidInput):
            InboxFilters.parse(bad)


def test_any_combination_of_filters(ctx: Context, inbox: dict[str, int]) -> None:
    assert shown(ctx, OPERATOR, InboxFilters()) == set(inbox.values())
    assert shown(ctx, OPERATOR, InboxFilters(intent="aduan")) == {
        inbox["m1"],
        inbox["m2"],
        inbox["m5"],
    }
    assert shown(ctx, OPERATOR, InboxFilters(intent="aduan", topic="sampah")) == {inbox["m2"]}
    assert (
        shown(ctx, OPERATOR, InboxFilters(intent="aduan", topic="sampah", state="answered"))
        == set()
    )
    assert shown(ctx, LURAH, InboxFilters(intent="aduan")) == {inbox["m1"], inbox["m5"]}
    with pytest.raises(Forbidden):
        with ctx.engine.connect() as conn:
            other = conn.execute(
                sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.tegalgundil")
            ).scalar_one()
        listing.list_messages(ctx, LURAH, InboxFilters(account=other))


def test_search_by_text_ticket_and_author(ctx: Context, inbox: dict[str, int]) -> None:
    assert shown(ctx, OPERATOR, InboxFilters(q="LAMPU mati")) == {inbox["m1"]}  # every word
    assert shown(ctx, OPERATOR, InboxFilters(q="lampu sampah")) == set()
    with ctx.engine.connect() as conn:
        ticket = conn.execute(
            sa.select(t.cases.c.ticket)
            .join(t.messages, t.messages.c.case_id == t.cases.c.id)
            .where(t.messages.c.id == inbox["m2"])
        ).scalar_one()
    assert shown(ctx, OPERATOR, InboxFilters(q=ticket.lower())) == {inbox["m2"]}
    # an author: by the name for people who may see names, never for those who see them masked
    assert shown(ctx, OPERATOR, InboxFilters(q="@budi")) == {inbox["m3"]}
    assert shown(ctx, OPERATOR, InboxFilters(q="siti.rahma")) == {inbox["m1"]}
    assert shown(ctx, VIEWER, InboxFilters(q="@budi")) == set()
    assert shown(ctx, VIEWER, InboxFilters(q="siti")) == set()
    # an account handle
    assert shown(ctx, VIEWER, InboxFilters(q="@tegalgundil")) == {inbox["m2"]}
    # a phone number is found in the original text only by people who may read it
    assert shown(ctx, OPERATOR, InboxFilters(q="081234567890")) == {inbox["m5"]}
    assert shown(ctx, VIEWER, InboxFilters(q="081234567890")) == set()
    # LIKE's wildcards are searched as they are
    assert shown(ctx, OPERATOR, InboxFilters(q="%")) == set()


def test_what_arrived_after_the_page(ctx: Context, inbox: dict[str, int], tmp_path: Path) -> None:
    latest = max(inbox.values())
    assert listing.arrived_after(ctx, OPERATOR, InboxFilters(), latest) == (0, [])
    new = [message(6, "pohon tumbang di jalan pajajaran"), message(7, "terima kasih min")]
    files.ingest_file(ctx, write_jsonl(tmp_path / "baru.jsonl", new))
    count, rows = listing.arrived_after(ctx, OPERATOR, InboxFilters(), latest)
    assert count == 2 and str(rows[0]["masked_text"]).startswith("terima kasih")
    count, rows = listing.arrived_after(ctx, OPERATOR, InboxFilters(intent="aduan"), latest)
    assert count == 1 and "pohon" in (rows[0]["masked_text"] or "")
    assert listing.arrived_after(ctx, OPERATOR, InboxFilters(), latest, limit=0)[1] == []
