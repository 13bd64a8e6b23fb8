"""Campaign kits with assets: the poster in each size and the video, caption variants, drafts
that start with the assets in place, and tracking of whether the kit's asset went out."""

from __future__ import annotations

from datetime import date

import pytest

from paseban.content.campaigns import CampaignKit
from paseban.context import Context
from paseban.errors import Forbidden, InvalidInput
from paseban.services.content import kits, media, programs
from paseban.services.content import posts as content
from tests import mediafiles
from tests.services.content.test_media import upload
from tests.services.content.test_posts import (  # noqa: F401 (accounts is a fixture)
    CAMAT_BS,
    LURAH_BT,
    LURAH_TG,
    OPERATOR,
    OPERATOR2,
    accounts,
)

KIT = CampaignKit(
    "sampah-2026",
    "Pekan Pilah Sampah",
    "Mari pilah sampah dari rumah: organik, anorganik, residu. Bank sampah buka setiap Sabtu.",
    date(2026, 11, 20),
    date(2026, 12, 10),
    hashtags=("PilahSampah",),
)


def test_a_draft_starts_from_the_kit_with_its_poster_and_tracking_sees_it(
    ctx: Context,
    accounts: dict[str, int],  # noqa: F811
) -> None:
    bt, tg = accounts["kelurahan.batutulis"], accounts["kelurahan.tegalgundil"]
    cid = programs.create_campaign(ctx, OPERATOR, KIT, account_ids=[bt, tg])
    feed = media.add_media(ctx, OPERATOR, upload(mediafiles.photo(1080, 1350, seed=21)))
    story = media.add_media(ctx, OPERATOR, upload(mediafiles.photo(1080, 1920, seed=22)))
    kits.add_asset(ctx, OPERATOR, "sampah-2026", feed, "feed")
    kits.add_asset(ctx, OPERATOR, "sampah-2026", story, "story")
    with pytest.raises(InvalidInput, match="Video harus video"):
        kits.add_asset(ctx, OPERATOR, "sampah-2026", story, "video")
    with pytest.raises(Forbidden):
        kits.add_asset(ctx, LURAH_BT, "sampah-2026", feed, "feed")
    own = media.add_media(ctx, LURAH_BT, upload(mediafiles.photo(seed=23)))
    with pytest.raises(InvalidInput, match="milik kota"):
        kits.add_asset(ctx, OPERATOR, "sampah-2026", own, "feed")
    caption = "Yuk pilah sampah dari rumah! Bank sampah buka Sabtu pukul 08.00. #PilahSampah"
    kits.set_caption(ctx, OPERATOR, "sampah-2026", "instagram", caption)

    post_id = programs.adapt_for_account(ctx, LURAH_BT, cid, bt)
    post = content.get_post(ctx, LURAH_BT, post_id)
    assert post["body"] == caption  # the kit's Instagram caption
    assert [m["id"] for m in post["media"]] == [feed]  # the feed poster, not the story one
    assert media.get_media(ctx, OPERATOR, feed)["campaign_id"] == cid  # tagged by campaign

    detail = programs.campaign_detail(ctx, OPERATOR, "sampah-2026")
    assert [a["variant"] for a in detail["assets"]] == ["feed", "story"]
    assert all(row["assets_published"] == [] for row in detail["accounts"])
    # Tegal Gundil writes its own; Batu Tulis posts the kit's poster from the phone
    other = programs.adapt_for_account(ctx, LURAH_TG, cid, tg)
    content.act(ctx, LURAH_TG, other, "cancel")
    content.act(ctx, LURAH_BT, post_id, "submit")
    content.act(ctx, CAMAT_BS, post_id, "approve")
    content.act(ctx, OPERATOR2, post_id, "approve")
    content.act(ctx, LURAH_BT, post_id, "published", external_id="1789")
    detail = programs.campaign_detail(ctx, OPERATOR, "sampah-2026")
    by_account = {row["account"]["id"]: row for row in detail["accounts"]}
    assert by_account[bt]["assets_published"] == ["Poster feed"]
    assert by_account[tg]["assets_published"] == []
