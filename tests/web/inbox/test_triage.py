"""Triage in seconds: remembered filters, search, compact cards with one-tap replies that also
verify the case, spam actions only where spam is likely, what arrived while the page was open,
and one action on several messages."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from paseban.context import Context
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser

CARD = re.compile(r'<article class="card msg compact[^"]*" id="pesan-(\d+)"')


def _ingest(ctx: Context, tmp_path: Path, *records: dict[str, object]) -> dict[str, int]:
    files.ingest_file(ctx, write_jsonl(tmp_path / f"m{len(records)}.jsonl", list(records)))
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(t.messages.c.external_id, t.messages.c.id)).all()
    return {str(ext): int(mid) for ext, mid in rows}


def _city(ctx: Context, tmp_path: Path) -> dict[str, int]:
    return _ingest(
        ctx,
        tmp_path,
        message(1, "lampu jalan mati di batutulis, gelap banget min"),
        message(2, "mantap min acaranya kemarin seru"),
        message(3, "slot gacor deposit 10rb wd pasti cair"),
        message(4, "jalan berlubang dekat prasasti batutulis", author="siti.rahma"),
    )


def cards(html: str) -> list[int]:
    return [int(i) for i in CARD.findall(html)]


def card_html(html: str, mid: int) -> str:
    start = html.index(f'id="pesan-{mid}"')
    return html[start : html.index("</article>", start)]


def test_filters_are_remembered_per_person(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _city(app_ctx, tmp_path)
    lurah, operator = login("lurah.batutulis"), login("operator")
    assert lurah.get("/kotak-masuk?state=new&intent=aduan&q=lampu").status_code == 200
    again = lurah.get("/kotak-masuk").text  # bare: as the person left it, without the search
    assert set(cards(again)) == {ids["m1"], ids["m4"]}
    assert '<option value="aduan" selected>' in again and 'value="lampu"' not in again
    # another person's inbox is untouched; the link back to the defaults forgets the filter
    assert set(cards(operator.get("/kotak-masuk").text)) == set(ids.values())
    lurah.get("/kotak-masuk?state=new&order=newest")
    assert set(cards(lurah.get("/kotak-masuk").text)) == set(ids.values())
    assert lurah.get("/kotak-masuk?intent=" + "x" * 41).status_code == 422


def test_search_and_counts_on_the_page(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _city(app_ctx, tmp_path)
    page = login("operator").get("/kotak-masuk?q=jalan&state=all").text
    assert set(cards(page)) == {ids["m1"], ids["m4"]}
    assert "2 pesan cocok dengan “jalan”" in page
    # the search form keeps the other filters, the filter form keeps the search
    assert '<input type="hidden" name="state" value="all">' in page
    assert '<input type="hidden" name="q" value="jalan">' in page


def test_cards_are_compact_and_offer_what_fits(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _city(app_ctx, tmp_path)
    page = login("lurah.batutulis").get("/kotak-masuk").text
    lamp = card_html(page, ids["m1"])
    # one line of analysis in names, the case and where it was routed
    assert "<span>Aduan / keluhan</span> · <span>Penerangan jalan umum</span>" in lamp
    assert re.search(r"BGR-\d{4}-\d+ → Disperumkim", lamp)
    # one tap answers with the ticket and verifies the case
    assert 'name="template" value="received" class="primary"' in lamp
    assert 'name="verifikasi" value="1" checked' in lamp
    # spam is offered only where it is likely: not on a thank-you
    assert "Sembunyikan sebagai spam" not in card_html(page, ids["m2"])
    assert 'value="thanks" class="primary"' in card_html(page, ids["m2"])
    assert "Sembunyikan sebagai spam" in card_html(page, ids["m3"])
    # the leadership reads: no actions, no selection
    viewer = login("pimpinan").get("/kotak-masuk").text
    assert "/balas" not in viewer and 'class="pick"' not in viewer


def test_one_tap_answers_and_verifies(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _city(app_ctx, tmp_path)
    lurah = login("lurah.batutulis")
    sent = lurah.post(
        f"/kotak-masuk/{ids['m1']}/balas",
        {"template": "received", "verifikasi": "1", "kembali": "/kotak-masuk?state=new"},
    )
    assert sent.status_code == 303
    assert sent.headers["location"] == "/kotak-masuk?state=new&ok=reply_verified"
    with app_ctx.engine.connect() as conn:
        status = conn.execute(
            sa.select(t.cases.c.status)
            .join(t.messages, t.messages.c.case_id == t.cases.c.id)
            .where(t.messages.c.id == ids["m1"])
        ).scalar_one()
    assert status == "verified"
    assert "kasusnya diverifikasi" in lurah.get(sent.headers["location"]).text
    # the page's script sends the same form and gets the notice as JSON
    answered = lurah.post(
        f"/kotak-masuk/{ids['m2']}/balas",
        {"template": "thanks"},
        headers={"Accept": "application/json"},
    )
    assert answered.status_code == 200
    assert answered.json() == {"ok": "reply", "notice": "Balasan dicatat dan masuk antrean kirim."}


def test_what_arrived_while_the_page_was_open(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _city(app_ctx, tmp_path)
    lurah = login("lurah.batutulis")
    page = lurah.get("/kotak-masuk?state=new&intent=aduan").text
    latest = max(cards(page))
    assert f'data-latest="{latest}"' in page
    poll = f"/kotak-masuk/baru?state=new&intent=aduan&setelah={latest}"
    assert lurah.get(poll).json() == {"count": 0, "more": False}
    new = _ingest(
        app_ctx,
        tmp_path,
        message(5, "got mampet di batutulis air meluber ke jalan"),
        message(6, "terima kasih min infonya"),
        message(7, "sampah numpuk di tegal gundil", account="kelurahan.tegalgundil"),
    )
    assert lurah.get(poll).json() == {"count": 1, "more": False}  # the filters and the area hold
    fragment = lurah.get(poll.replace("/baru?", "/baru/kartu?") + "&kembali=/kotak-masuk").text
    assert cards(fragment) == [new["m5"]] and "<html" not in fragment
    assert 'name="kembali" value="/kotak-masuk"' in fragment
    assert ids["m1"] not in cards(fragment)


def test_one_action_on_several(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _city(app_ctx, tmp_path)
    lurah = login("lurah.batutulis")
    done = lurah.post(
        "/kotak-masuk/massal",
        {
            "ids": [str(ids["m1"]), str(ids["m2"])],
            "aksi": "balas",
            "template": "received",
            "kembali": "/kotak-masuk?state=all",
        },
    )
    assert done.headers["location"] == "/kotak-masuk?state=all&ok=bulk&n=1&lewat=1"
    shown = lurah.get(done.headers["location"]).text
    assert "1 pesan ditindak; 1 dilewati" in shown
    spam = lurah.post("/kotak-masuk/massal", {"ids": [str(ids["m3"])], "aksi": "spam"})
    assert spam.headers["location"] == "/kotak-masuk?ok=bulk&n=1&lewat=0"
    nothing = lurah.post("/kotak-masuk/massal", {"aksi": "spam"})
    assert nothing.status_code == 422 and "pilih dulu pesan" in nothing.text


def test_pages_name_platforms_never_their_codes(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    ids = _city(app_ctx, tmp_path)
    operator = login("operator")
    inbox = operator.get("/kotak-masuk").text
    assert "(Instagram)</option>" in inbox and "(instagram)" not in inbox
    one = operator.get(f"/kotak-masuk/{ids['m1']}").text
    assert "<small>Instagram · @kelurahan.batutulis</small>" in one
