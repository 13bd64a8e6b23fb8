"""The content desk per city (issue 17, item 5): in a province's deployment (Kota Bogor and
Kabupaten Bogor) each city's operator sees only its own programmes, campaigns, media, admins,
training sessions and kelurahan profiles (lists, pages by id or code -> 404, the API), writes
only with its city's OPDs and accounts; the province operator sees both and chooses one with
`?kota=`."""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from paseban.content.campaigns import CampaignKit
from paseban.content.programs import Program
from paseban.context import Context
from paseban.errors import InvalidInput, NotFound
from paseban.services.content import access, checking, network, programs
from paseban.services.content import media as library
from paseban.services.content import posts as content
from paseban.services.content.post_media import MediaChoice, MediaRef
from paseban.storage import tables as t
from tests.factories import KAB, with_kabupaten_bogor
from tests.mediafiles import photo
from tests.web.conftest import Browser


@dataclass(frozen=True)
class Desk:
    """One city's content: the names and ids a page or the API shows."""

    program: str  # code
    program_id: int
    program_name: str
    campaign: str  # code
    campaign_title: str
    media_id: int
    media_name: str
    admin: str
    session_id: int
    session_title: str
    kelurahan: str  # a kelurahan code of the city
    account_id: int  # one of the city's accounts


def _desk(ctx: Context, username: str, *, tag: str, opd: str, account: str, kel: str) -> Desk:
    who = access.person(ctx, username)
    with ctx.engine.connect() as conn:
        account_id = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == account)
        ).scalar_one()
    program = Program(
        code=f"bersih-{tag}",
        name=f"Program Bersih {tag.title()}",
        owner_opd=opd,
        key_messages=("Sampah dipilah dari rumah",),
    )
    program_id = programs.save_program(ctx, who, program)
    today = ctx.now().astimezone(ctx.tz).date()
    kit = CampaignKit(
        code=f"pilah-{tag}",
        title=f"Kampanye Pilah {tag.title()}",
        message="Ayo pilah sampah dari rumah, mulai hari ini juga.",
        starts_on=today,
        ends_on=today + timedelta(days=14),
        program_id=program_id,
    )
    programs.create_campaign(ctx, who, kit)
    name = f"foto-{tag}.jpg"
    data = photo(seed=len(tag))
    media_id = library.add_media(ctx, who, library.Upload(name, io.BytesIO(data), len(data)))
    admin = f"Admin {tag.title()}"
    network.add_admin(ctx, who, account_id, name=admin)
    title = f"Kopdar Admin {tag.title()}"
    made = network.create_session(
        ctx, who, kind="kopdar", title=title, held_at=ctx.now() + timedelta(hours=1)
    )
    return Desk(
        program.code,
        program_id,
        program.name,
        kit.code,
        kit.title,
        media_id,
        name,
        admin,
        int(made["id"]),
        title,
        kel,
        account_id,
    )


@dataclass(frozen=True)
class Province:
    kota: Desk
    kab: Desk


@pytest.fixture
def province(app_ctx: Context, tmp_path: Path) -> Province:
    ctx = app_ctx
    with_kabupaten_bogor(ctx, tmp_path)
    kota = _desk(
        ctx, "operator", tag="kota", opd="DLH", account="kelurahan.batutulis", kel="32.71.01.1001"
    )
    kab = _desk(
        ctx,
        "operator.kab",
        tag="kabupaten",
        opd="DLH_KBG",
        account="kel.pondokrajeg",
        kel="32.01.01.1001",
    )
    return Province(kota, kab)


def _shown(browser: Browser, desk: Desk, query: str = "") -> dict[str, bool]:
    """Which of a city's things this person's lists (pages and API) show."""
    pages = " ".join(
        browser.get(f"{path}{query}").text
        for path in ("/konten/program", "/konten/kampanye", "/konten/media", "/konten/jejaring")
    )
    api = " ".join(
        browser.get(f"/api/v1/content/{path}{query}").text
        for path in ("programs", "campaigns", "media", "profiles")
    )
    return {
        "program": desk.program_name in pages and desk.program in api,
        "campaign": desk.campaign_title in pages and desk.campaign in api,
        "media": desk.media_name in pages and desk.media_name in api,
        "admin": desk.admin in pages,
        "session": desk.session_title in pages,
        "profile": desk.kelurahan in api,
    }


NOTHING = dict.fromkeys(("program", "campaign", "media", "admin", "session", "profile"), False)
EVERYTHING = dict.fromkeys(NOTHING, True)


def test_a_citys_operator_sees_none_of_the_other_citys_content(
    province: Province, login: Callable[[str], Browser]
) -> None:
    for username, mine, theirs in (
        ("operator", province.kota, province.kab),
        ("operator.kab", province.kab, province.kota),
    ):
        browser = login(username)
        assert _shown(browser, mine) == EVERYTHING
        assert _shown(browser, theirs) == NOTHING
        for path in (
            f"/konten/program/{theirs.program}",
            f"/konten/kampanye/{theirs.campaign}",
            f"/konten/media/{theirs.media_id}",
            f"/konten/media/{theirs.media_id}/berkas",
            f"/konten/sesi/{theirs.session_id}",
            f"/konten/profil/{theirs.kelurahan}",
            f"/api/v1/content/programs/{theirs.program}",
            f"/api/v1/content/campaigns/{theirs.campaign}",
            f"/api/v1/content/media/{theirs.media_id}",
            f"/api/v1/content/profiles/{theirs.kelurahan}",
        ):
            assert browser.get(path).status_code == 404, (username, path)
        checked = browser.client.post(
            "/api/v1/content/check", json={"text": "Ayo", "program_id": theirs.program_id}
        )
        assert checked.status_code == 404 and theirs.program_name not in checked.text
        # the campaign form's target accounts are the city's own
        form = browser.get("/konten/kampanye").text
        picker = form.split('name="account_ids"', 1)[1].split("</select>", 1)[0]
        assert f'<option value="{mine.account_id}">' in picker, username
        assert f'<option value="{theirs.account_id}">' not in picker, username
        # asking for the other city changes nothing for a city's operator
        other_city = ".".join(theirs.kelurahan.split(".")[:2])
        assert _shown(browser, theirs, f"?kota={other_city}") == NOTHING


def test_the_province_operator_sees_both_and_chooses_one(
    province: Province, login: Callable[[str], Browser]
) -> None:
    browser = login("operator.provinsi")
    assert _shown(browser, province.kota, "?kota=semua") == EVERYTHING
    assert _shown(browser, province.kab, "?kota=semua") == EVERYTHING
    assert _shown(browser, province.kab, f"?kota={KAB}") == EVERYTHING
    assert _shown(browser, province.kota, f"?kota={KAB}") == NOTHING
    assert browser.get(f"/konten/sesi/{province.kota.session_id}?kota=semua").status_code == 200


def test_writes_name_only_the_operators_city(province: Province, app_ctx: Context) -> None:
    ctx = app_ctx
    kab = access.person(ctx, "operator.kab")
    with ctx.engine.connect() as conn:
        kota_account = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kelurahan.batutulis")
        ).scalar_one()
        kota_program = conn.execute(
            sa.select(t.programs.c.id).where(t.programs.c.code == province.kota.program)
        ).scalar_one()
    # a programme's owner OPD is of its city; another city's code is never taken over
    with pytest.raises(InvalidInput, match="OPD pemilik"):
        programs.save_program(
            ctx, kab, Program(code="baru", name="Baru", owner_opd="DLH", key_messages=("x",))
        )
    with pytest.raises(InvalidInput, match="sudah dipakai"):
        programs.save_program(
            ctx,
            kab,
            Program(code=province.kota.program, name="X", owner_opd="DLH_KBG", key_messages=("x",)),
        )
    # a campaign targets its city's accounts and names its city's programme
    today = ctx.now().astimezone(ctx.tz).date()
    kit = CampaignKit(
        code="kab-baru",
        title="Baru",
        message="Pesan kampanye yang cukup panjang untuk semua akun.",
        starts_on=today,
        ends_on=today,
    )
    with pytest.raises(InvalidInput, match="akun tidak dikenal"):
        programs.create_campaign(ctx, kab, kit, account_ids=[kota_account])
    with pytest.raises(InvalidInput, match="program"):
        programs.create_campaign(ctx, kab, replace(kit, program_id=kota_program))
    # a session in another city's kecamatan, another city's admin and session: refused
    with pytest.raises(InvalidInput, match="kecamatan"):
        network.create_session(
            ctx, kab, kind="kopdar", title="x", held_at=ctx.now(), kecamatan="32.71.01"
        )
    with ctx.engine.connect() as conn:
        kota_admin = conn.execute(
            sa.select(t.account_admins.c.id).where(t.account_admins.c.name == province.kota.admin)
        ).scalar_one()
    with pytest.raises(NotFound):
        network.end_admin(ctx, kab, kota_admin, until=today)
    with pytest.raises(NotFound):
        network.before_after(ctx, kab, province.kota.session_id)
    # the province operator's campaign is of its programme's city, with that city's accounts
    province_op = access.person(ctx, "operator.provinsi")
    # and a post of a city's account uses only that city's media and programmes
    with ctx.engine.connect() as conn:
        kab_account = conn.execute(
            sa.select(t.accounts.c.id).where(t.accounts.c.handle == "kel.pondokrajeg")
        ).scalar_one()
    draft = content.PostInput(
        account_id=kab_account,
        body="Kerja bakti di Pondok Rajeg pagi ini, terima kasih warga.",
        media=MediaChoice((MediaRef(province.kota.media_id, "foto kerja bakti"),)),
    )
    with pytest.raises(NotFound):
        content.create_post(ctx, province_op, draft)
    with pytest.raises(InvalidInput, match="program"):
        content.create_post(ctx, province_op, replace(draft, media=None, program_id=kota_program))
    own = MediaChoice((MediaRef(province.kab.media_id, "foto kerja bakti"),))
    assert content.create_post(ctx, province_op, replace(draft, media=own)) > 0
    made = programs.create_campaign(ctx, province_op, replace(kit, program_id=kota_program))
    with ctx.engine.connect() as conn:
        assert conn.execute(
            sa.select(t.campaigns.c.city).where(t.campaigns.c.id == made)
        ).scalar_one() == ("32.71")
        targets = set(
            conn.execute(
                sa.select(t.accounts.c.city)
                .join(t.campaign_targets, t.campaign_targets.c.account_id == t.accounts.c.id)
                .where(t.campaign_targets.c.campaign_id == made)
            ).scalars()
        )
    assert targets == {"32.71"}


def test_the_spelling_check_knows_the_accounts_citys_names(
    province: Province, app_ctx: Context
) -> None:
    with app_ctx.engine.connect() as conn:
        kab = {n.preferred for n in checking.name_book(app_ctx, conn, KAB).names}
        kota = {n.preferred for n in checking.name_book(app_ctx, conn, "32.71").names}
    assert province.kab.program_name in kab and province.kota.program_name not in kab
    assert "Kabupaten Bogor" in kab and "Pondok Rajeg" in kab and "Tegal Gundil" not in kab
    assert province.kota.program_name in kota and province.kab.program_name not in kota
    assert "Tegal Gundil" in kota and "Pondok Rajeg" not in kota
