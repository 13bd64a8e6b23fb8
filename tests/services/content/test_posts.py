from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from paseban.clock import FixedClock
from paseban.content.approvals import Person
from paseban.content.programs import Fact, Program
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.errors import Conflict, Forbidden, InvalidInput
from paseban.services.content import checking, planning, post_media, programs
from paseban.services.content import media as library
from paseban.services.content import posts as content
from paseban.services.people import accounts as people_accounts
from paseban.storage import tables as t
from tests import mediafiles
from tests.factories import with_accounts

LURAH_BT = Person("lurah.batutulis", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001"))
LURAH_TG = Person("lurah.tegalgundil", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.05.1002"))
CAMAT_BS = Person("camat.bogorselatan", Role.KECAMATAN_ADMIN, Scope(wilayah="32.71.01"))
OPERATOR = Person("operator", Role.DISKOMINFO, Scope())
OPERATOR2 = Person("operator2", Role.DISKOMINFO, Scope())

GOOD = (
    "Yuk ikut Posyandu Remaja di Kelurahan Batu Tulis! Kader posyandu mengajak remaja "
    "memeriksa kesehatan gratis. Sabtu, 5 Desember 2026 pukul 08.00 WIB di Aula Kantor "
    "Kelurahan Batu Tulis. Cara ikut: datang dan bawa kartu pelajar. #KotaBogor"
)


def account_id(ctx: Context, handle: str) -> int:
    with ctx.engine.connect() as conn:
        return int(
            conn.execute(
                sa.select(t.accounts.c.id).where(t.accounts.c.handle == handle)
            ).scalar_one()
        )


def facebook_id(ctx: Context, tmp_path: Path) -> int:
    """The city's Facebook Page (the shared test accounts have none)."""
    path = tmp_path / "facebook.csv"
    path.write_text(
        "platform,handle,platform_account_id,owner_kind,owner_code,name\n"
        "facebook,PemkotBogor,3000,city,32.71,Pemkot Bogor\n",
        encoding="utf-8",
    )
    people_accounts.import_csv(ctx, path)
    return account_id(ctx, "PemkotBogor")


def pictured(ctx: Context, who: Person, seed: int = 1) -> post_media.MediaChoice:
    """One photo in the author's library, as an Instagram post must carry (issue 18)."""
    data = mediafiles.photo(1080, 1080, seed=seed)
    media_id = library.add_media(
        ctx, who, library.Upload(f"foto-{seed}.jpg", io.BytesIO(data), len(data))
    )
    return post_media.MediaChoice((post_media.MediaRef(media_id, "Remaja antre di posyandu"),))


@pytest.fixture
def accounts(ctx: Context, tmp_path: Path) -> dict[str, int]:
    with_accounts(ctx, tmp_path)
    return {
        h: account_id(ctx, h)
        for h in ("pemkotbogor", "kelurahan.batutulis", "kelurahan.tegalgundil")
    }


def test_draft_through_kecamatan_review_with_history(
    ctx: Context, accounts: dict[str, int]
) -> None:
    post_id = content.create_post(
        ctx,
        LURAH_BT,
        content.PostInput(
            accounts["kelurahan.batutulis"], GOOD, "acara", media=pictured(ctx, LURAH_BT)
        ),
    )
    post = content.get_post(ctx, LURAH_BT, post_id)
    assert post["status"] == "draft" and (post["quality_score"] or 0) >= 80
    assert post["policy"] == "tinjauan kecamatan"
    content.act(ctx, LURAH_BT, post_id, "submit")
    with pytest.raises(Forbidden):
        content.act(ctx, LURAH_TG, post_id, "approve")
    with pytest.raises(Conflict, match="kecamatan"):
        content.act(ctx, LURAH_BT, post_id, "approve")
    content.act(ctx, CAMAT_BS, post_id, "comment", note="bagus, tambahkan foto")
    done = content.act(ctx, CAMAT_BS, post_id, "approve")
    assert done["status"] == "approved"
    assert [e["action"] for e in done["events"]] == ["create", "submit", "comment", "approve"]
    assert done["events"][2]["note"] == "bagus, tambahkan foto"


def test_admins_see_and_write_only_their_own_accounts(
    ctx: Context, accounts: dict[str, int]
) -> None:
    with pytest.raises(Forbidden):
        content.create_post(
            ctx, LURAH_BT, content.PostInput(accounts["kelurahan.tegalgundil"], GOOD)
        )
    post_id = content.create_post(
        ctx, LURAH_TG, content.PostInput(accounts["kelurahan.tegalgundil"], GOOD)
    )
    with pytest.raises(Forbidden):
        content.get_post(ctx, LURAH_BT, post_id)
    mine, _ = content.list_posts(ctx, LURAH_BT)
    assert mine == []
    assert content.list_posts(ctx, OPERATOR)[1] == 1
    assert content.list_posts(ctx, CAMAT_BS)[1] == 0  # Tegal Gundil is in Bogor Utara


def test_blocking_problems_stop_submission(ctx: Context, accounts: dict[str, int]) -> None:
    post_id = content.create_post(
        ctx,
        LURAH_BT,
        content.PostInput(accounts["kelurahan.batutulis"], GOOD + " NIK 3271012345678901"),
    )
    with pytest.raises(Conflict, match="menghalangi"):
        content.act(ctx, LURAH_BT, post_id, "submit")
    with ctx.engine.connect() as conn:
        status = conn.execute(
            sa.select(t.content_posts.c.status).where(t.content_posts.c.id == post_id)
        ).scalar()
    assert status == "draft"


def test_an_instagram_post_without_a_picture_is_refused_before_it_is_scheduled(
    ctx: Context, accounts: dict[str, int], tmp_path: Path
) -> None:
    """Issue 18: Instagram refuses a post without a picture, so Paseban refuses it when it is
    submitted, approved or scheduled (saying why), not only when the outbox sends it."""
    acc = accounts["kelurahan.batutulis"]
    when = ctx.now() + timedelta(days=2)
    post_id = content.create_post(ctx, LURAH_BT, content.PostInput(acc, GOOD, scheduled_at=when))
    draft = content.get_post(ctx, LURAH_BT, post_id)
    said = "Instagram tidak menerima unggahan tanpa foto atau video"
    assert any(said in b for b in (draft["quality"] or {})["blockers"])
    with pytest.raises(Conflict, match=said):
        content.act(ctx, LURAH_BT, post_id, "submit")
    # a post approved before the rule (or whose picture was removed behind the editor's back)
    # is still refused when it is approved or scheduled, read from its stored media
    choice = pictured(ctx, LURAH_BT)
    content.update_post(ctx, LURAH_BT, post_id, content.PostInput(acc, GOOD, media=choice))
    assert content.act(ctx, LURAH_BT, post_id, "submit")["status"] == "review_kecamatan"
    with ctx.engine.begin() as conn:
        conn.execute(sa.delete(t.content_post_media))
    with pytest.raises(InvalidInput, match=said):
        content.act(ctx, CAMAT_BS, post_id, "approve")
    assert content.get_post(ctx, LURAH_BT, post_id)["status"] == "review_kecamatan"
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.update(t.content_posts)
            .where(t.content_posts.c.id == post_id)
            .values(status="approved", scheduled_at=None)
        )
    with pytest.raises(InvalidInput, match=said):
        content.act(ctx, LURAH_BT, post_id, "schedule", scheduled_at=when)
    assert content.get_post(ctx, LURAH_BT, post_id)["status"] == "approved"
    # Facebook takes a text-only post
    fb = content.create_post(
        ctx, OPERATOR, content.PostInput(facebook_id(ctx, tmp_path), GOOD, scheduled_at=when)
    )
    assert content.act(ctx, OPERATOR, fb, "submit")["status"] == "review_diskominfo"


def test_program_post_needs_diskominfo_too_and_no_self_approval(
    ctx: Context, accounts: dict[str, int]
) -> None:
    program_id = programs.save_program(
        ctx,
        OPERATOR,
        Program(
            "posyandu",
            "Posyandu Remaja",
            "DINKES",
            key_messages=("remaja sehat",),
            hashtags=("#RemajaSehat",),
        ),
    )
    when = ctx.now() + timedelta(days=2)
    post_id = content.create_post(
        ctx,
        LURAH_BT,
        content.PostInput(
            accounts["kelurahan.batutulis"],
            GOOD,
            "program",
            program_id=program_id,
            scheduled_at=when,
            media=pictured(ctx, LURAH_BT),
        ),
    )
    content.act(ctx, LURAH_BT, post_id, "submit")
    assert content.act(ctx, CAMAT_BS, post_id, "approve")["status"] == "review_diskominfo"
    assert content.act(ctx, OPERATOR, post_id, "approve")["status"] == "scheduled"
    own = content.create_post(
        ctx,
        OPERATOR,
        content.PostInput(
            accounts["pemkotbogor"], GOOD, "informasi", media=pictured(ctx, OPERATOR, 2)
        ),
    )
    content.act(ctx, OPERATOR, own, "submit")
    with pytest.raises(Conflict, match="sendiri"):
        content.act(ctx, OPERATOR, own, "approve")
    assert content.act(ctx, OPERATOR2, own, "approve")["status"] == "approved"


def test_stale_edit_is_refused(ctx: Context, accounts: dict[str, int]) -> None:
    acc = accounts["kelurahan.batutulis"]
    post_id = content.create_post(ctx, LURAH_BT, content.PostInput(acc, GOOD))
    content.update_post(ctx, LURAH_BT, post_id, content.PostInput(acc, GOOD + " Ayo!"), version=1)
    with pytest.raises(Conflict, match="diubah orang lain"):
        content.update_post(ctx, LURAH_BT, post_id, content.PostInput(acc, GOOD), version=1)


def test_bad_input_is_refused_and_nothing_is_stored(ctx: Context, accounts: dict[str, int]) -> None:
    acc = accounts["kelurahan.batutulis"]
    for item in (
        content.PostInput(acc, "  "),
        content.PostInput(acc, GOOD, "berita"),
        content.PostInput(acc, GOOD, scheduled_at=ctx.now() - timedelta(hours=1)),
        content.PostInput(acc, GOOD, program_id=999),
        content.PostInput(acc, GOOD, pillar="tidakada"),
    ):
        with pytest.raises(InvalidInput):
            content.create_post(ctx, LURAH_BT, item)
    with ctx.engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(t.content_posts)).scalar() == 0


def test_policy_is_data(ctx: Context, accounts: dict[str, int]) -> None:
    acc = accounts["kelurahan.batutulis"]
    with pytest.raises(Forbidden):
        content.set_policy(ctx, CAMAT_BS, steps=[], account_id=acc)
    content.set_policy(ctx, OPERATOR, steps=[], account_id=acc)
    post_id = content.create_post(
        ctx, LURAH_BT, content.PostInput(acc, GOOD, media=pictured(ctx, LURAH_BT))
    )
    assert content.act(ctx, LURAH_BT, post_id, "submit")["status"] == "approved"
    with pytest.raises(InvalidInput):
        content.set_policy(ctx, OPERATOR, steps=["lurah"], owner_kind="kelurahan")


def test_check_uses_program_names_and_live_links(ctx: Context) -> None:
    programs.save_program(
        ctx,
        OPERATOR,
        Program("bb", "Bogor Berlari", "DLH", key_messages=("lari",), hashtags=("#BogorBerlari",)),
    )
    text = "Ikuti Bogor Beralri pekan ini di https://kotabogor.go.id/lari #BogorBerlari"
    report = checking.check_draft(ctx, checking.CheckInput(text))
    spelling = next(p for p in report.points if p.code == "spelling")
    assert "Bogor Berlari" in " ".join(spelling.reasons)

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.method in ("HEAD", "GET")
        return httpx.Response(404)

    dead = checking.check_draft(
        ctx, checking.CheckInput(text), live=True, transport=httpx.MockTransport(handler)
    )
    assert "HTTP 404" in " ".join(dead.blockers)
    assert not checking.check_draft(ctx, checking.CheckInput(text)).blockers  # setting off


def test_calendar_shows_posts_and_gaps(ctx: Context, accounts: dict[str, int]) -> None:
    acc = accounts["kelurahan.batutulis"]
    monday = datetime(2026, 11, 30, 2, 0, tzinfo=UTC)  # Monday 09:00 WIB
    content.create_post(
        ctx, LURAH_BT, content.PostInput(acc, GOOD, pillar="informasi", scheduled_at=monday)
    )
    content.create_post(
        ctx,
        LURAH_BT,
        content.PostInput(acc, GOOD, pillar="umkm", planned_on=(monday + timedelta(days=1)).date()),
    )
    days, _ = planning.calendar(ctx, LURAH_BT, start=monday.date(), account_id=acc)
    assert [len(d.entries) for d in days][:3] == [1, 1, 0]
    assert days[1].drafts and days[1].gap  # a draft is not yet a post
    with pytest.raises(Forbidden):
        planning.calendar(ctx, LURAH_BT, start=monday.date(), account_id=accounts["pemkotbogor"])
    with pytest.raises(Forbidden):
        planning.set_pillars(ctx, LURAH_BT, [])
    planning.set_pillars(ctx, OPERATOR, [{"weekday": 0, "code": "senin", "label": "Senin Ceria"}])
    days, _ = planning.calendar(ctx, OPERATOR, start=monday.date())
    assert days[0].pillar and days[0].pillar.label == "Senin Ceria" and days[1].pillar is None


def test_campaign_kit_adapt_and_track(
    ctx: Context, accounts: dict[str, int], clock: FixedClock
) -> None:
    from datetime import date

    from paseban.content.campaigns import CampaignKit

    kit = CampaignKit(
        "hjb-2026",
        "Hari Jadi Bogor",
        "Mari rayakan Hari Jadi Bogor dengan kegiatan di setiap kelurahan, terbuka untuk warga.",
        date(2026, 11, 20),
        date(2026, 12, 10),
        facts=(Fact("68 kelurahan ikut meramaikan."),),
        hashtags=("HJB",),
    )
    with pytest.raises(Forbidden):
        programs.create_campaign(ctx, LURAH_BT, kit)
    campaign_id = programs.create_campaign(
        ctx,
        OPERATOR,
        kit,
        account_ids=[accounts["kelurahan.batutulis"], accounts["kelurahan.tegalgundil"]],
    )
    post_id = programs.adapt_for_account(
        ctx, LURAH_BT, campaign_id, accounts["kelurahan.batutulis"]
    )
    post = content.get_post(ctx, LURAH_BT, post_id)
    assert post["campaign_id"] == campaign_id and "#HJB" in post["body"]
    assert post["body"].startswith("Warga Batu Tulis,")
    detail = programs.campaign_detail(ctx, OPERATOR, "hjb-2026")
    assert {a["state"] for a in detail["accounts"]} == {"konsep", "belum"}
    mine = programs.campaign_detail(ctx, LURAH_BT, campaign_id)
    assert [a["account"]["handle"] for a in mine["accounts"]] == ["kelurahan.batutulis"]
    assert programs.due_reminders(ctx) == [
        (campaign_id, sorted([accounts["kelurahan.batutulis"], accounts["kelurahan.tegalgundil"]]))
    ]
    assert programs.due_reminders(ctx) == []  # reminded just now
    clock.advance(timedelta(days=3))
    assert len(programs.due_reminders(ctx)[0][1]) == 2
