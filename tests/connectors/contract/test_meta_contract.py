"""Instagram and Facebook Page/Messenger against the shapes Meta documents (issue 15: defects 2,
3, 4, 6, 8, 11, 12, 13, 14, 15). Each fixture names its source page in its folder's SOURCES.md."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.connectors.base import AccountRef, Credentials, Hydration, Outgoing, SendError
from paseban.connectors.connector import NotConfigured
from paseban.connectors.limits import LimitScope
from paseban.connectors.meta import MetaConnector, MetaWebhook
from paseban.connectors.meta_graph import (
    GRAPH_VERSIONS,
    MetaPublisher,
    fetch_mention,
    subscribe_page,
    usage_signals,
    version_expiry,
    version_notice,
)
from paseban.domain.messages import ChangeKind, MediaType, MessageKind
from paseban.settings import Settings
from tests.connectors.contract.helpers import (
    AT,
    IG_ACCOUNT,
    PAGE,
    SECRET,
    answer,
    body,
    load,
    request,
)

IG, FB = "meta-instagram", "meta-messenger-page"
SOURCE = MetaWebhook(SECRET)
IG_REF = AccountRef("instagram", IG_ACCOUNT, "pemkot.contoh")
FB_REF = AccountRef("facebook", PAGE, "pemkot.contoh.fb")
CITIZEN = "7010000000000001"


def parse(folder: str, name: str):  # type: ignore[no-untyped-def]
    return SOURCE.parse(body(folder, name), received_at=AT)


# --- in: comments, mentions, messages -------------------------------------------------------


def test_comments_replies_and_our_own_comment() -> None:
    (top,) = parse(IG, "comments__top_level").messages
    assert top.kind is MessageKind.COMMENT and top.account == IG_ACCOUNT and top.text
    (reply,) = parse(IG, "comments__reply").messages
    assert reply.kind is MessageKind.REPLY and reply.parent_external_id
    own = parse(IG, "comments__from_own_account")
    assert own.messages == [] and len(own.own) == 1


def test_mentions_wait_for_their_text() -> None:
    comment, caption = parse(IG, "mentions__comment"), parse(IG, "mentions__caption")
    assert [h.kind for h in comment.hydrate] == ["ig_mention_comment"]
    assert [h.kind for h in caption.hydrate] == ["ig_mention_media"]


@pytest.mark.parametrize("folder", [IG, FB])
def test_defect_3_direct_messages_on_the_standby_channel_are_stored(folder: str) -> None:
    """Before: `standby[]` was never read, the DM stored 0 times and not even counted."""
    batch = parse(folder, "standby__text")
    (message,) = batch.messages
    assert message.kind is MessageKind.DIRECT and message.standby and message.text
    assert batch.ignored == 0


def test_defect_3_anything_else_in_an_entry_is_counted_not_lost() -> None:
    payload = load(IG, "standby__text")
    payload["entry"][0]["something_new"] = [{"x": 1}, {"x": 2}]
    batch = SOURCE.parse(json.dumps(payload).encode(), received_at=AT)
    assert len(batch.messages) == 1 and batch.ignored == 2


def test_defect_8_and_13_echoes_keep_the_citizen_they_answer() -> None:
    """Before: an echo carried only our own id; its recipient (the citizen) was dropped."""
    (ig_echo,) = parse(IG, "messaging__echo_text").own
    assert ig_echo.author_id == IG_ACCOUNT and ig_echo.peer_id == CITIZEN
    (fb_echo,) = parse(FB, "message_echoes__text").own
    assert fb_echo.author_id == PAGE and fb_echo.peer_id == "25000000000000001"
    (tagged,) = parse(FB, "message_echoes__text_with_metadata").own
    assert tagged.sent_ref == "paseban-outbox-4711"
    standby = parse(FB, "message_echoes__standby")
    assert len(standby.own) == 1 and standby.own[0].standby and standby.own[0].peer_id


@pytest.mark.parametrize(
    ("folder", "name", "kind", "text"),
    [
        (IG, "messaging__attachment_image", MediaType.IMAGE, "[foto]"),
        (IG, "messaging__attachment_video", MediaType.VIDEO, "[video]"),
        (IG, "messaging__attachment_audio", MediaType.AUDIO, "[audio]"),
        (IG, "messaging__attachment_file", MediaType.FILE, "[dokumen]"),
        (IG, "messaging__story_mention", MediaType.STORY_MENTION, "[mention di story]"),
        (
            IG,
            "messaging__share_post_ig_post",
            MediaType.SHARE,
            "[bagikan postingan: Info jadwal posyandu bulan Juli]",
        ),
        (IG, "messaging__share_post_until_2026_02_01", MediaType.SHARE, "[bagikan postingan"),
        (IG, "messaging__share_reel", MediaType.REEL, "[reel: Kondisi drainase Jl. Veteran]"),
        (FB, "messaging__attachment_image", MediaType.IMAGE, "[foto]"),
        (FB, "messaging__attachment_video", MediaType.VIDEO, "[video]"),
        (FB, "messaging__attachment_audio", MediaType.AUDIO, "[audio]"),
        (FB, "messaging__attachment_file", MediaType.FILE, "[dokumen]"),
        (FB, "messaging__attachment_ig_reel", MediaType.REEL, "[reel]"),
    ],
)
def test_defect_11_attachments_keep_their_reference_and_read_as_a_placeholder(
    folder: str, name: str, kind: MediaType, text: str
) -> None:
    """Before: an attachment became a message with empty text and no media reference."""
    (message,) = parse(folder, name).messages
    assert message.text.startswith(text) and message.media[0].type is kind
    assert message.media[0].url and message.media[0].url.startswith("https://")


def test_a_story_reply_and_a_reply_to_keep_the_words_and_the_link() -> None:
    (story,) = parse(IG, "messaging__story_reply").messages
    assert story.text == "Apakah pendaftarannya masih dibuka? [balasan story]"
    assert story.media[0].id == "18000000000000888"
    (reply,) = parse(FB, "messaging__reply_to").messages
    assert reply.parent_external_id and reply.text


def test_receipts_are_ignored() -> None:
    batch = parse(IG, "messaging_seen__read")
    assert batch.messages == batch.own == [] and batch.ignored == 1


def test_defect_12_unsend_edit_and_feed_changes_are_changes() -> None:
    """Before: ignored (Instagram unsend, Messenger message_edit, feed edited/remove)."""
    (unsend,) = parse(IG, "messaging__unsend").changes
    assert unsend.kind is ChangeKind.DELETED and unsend.platform == "instagram"
    (edit,) = parse(FB, "message_edits__edit").changes
    assert edit.kind is ChangeKind.EDITED and "RT 02" in (edit.text or "")
    (edited,) = parse(FB, "feed__comment_edited").changes
    assert edited.kind is ChangeKind.EDITED and edited.text and "dua bulan" in edited.text
    (removed,) = parse(FB, "feed__comment_remove").changes
    assert removed.kind is ChangeKind.DELETED
    assert removed.external_id == edited.external_id == "122000000000000001_900000000000001"


def test_page_feed_comments_and_the_pages_own() -> None:
    (comment,) = parse(FB, "feed__comment_add").messages
    assert comment.kind is MessageKind.COMMENT
    (reply,) = parse(FB, "feed__comment_reply_add").messages
    assert reply.kind is MessageKind.REPLY
    by_page = parse(FB, "feed__comment_by_page")  # typed in Business Suite
    assert by_page.messages == [] and len(by_page.own) == 1
    (dm,) = parse(FB, "messaging__text").messages
    (ig_dm,) = parse(IG, "messaging__text").messages
    assert dm.kind is ig_dm.kind is MessageKind.DIRECT


# --- out: direct messages, the window, mentions ---------------------------------------------


def dm(ref: AccountRef, text: str, **kw: Any) -> Outgoing:
    return Outgoing(
        platform=ref.platform,
        kind="reply",
        text=text,
        account=ref,
        target_external_id="mid.in",
        target_kind="direct",
        target_author_id=CITIZEN,
        **kw,
    )


def send(
    publisher: MetaPublisher, item: Outgoing, credentials: Credentials, name: str
) -> httpx.Request:
    sent: list[httpx.Request] = []

    def platform(req: httpx.Request) -> httpx.Response:
        sent.append(req)
        return answer(IG, name)

    client = httpx.Client(transport=httpx.MockTransport(platform))
    assert publisher.send(client, item, credentials) == answer(IG, name).json()["message_id"]
    return sent[0]


def test_defect_2_instagram_dms_go_to_the_documented_endpoint() -> None:
    """Before: POST graph.facebook.com/{ig-user-id}/messages, which Meta documents nowhere."""
    publisher = MetaPublisher("instagram", version="v25.0")
    text = request(IG, "send__facebook_login_page_id")["json"]["message"]["text"]
    with_page = send(
        publisher,
        dm(IG_REF, text),
        Credentials("TEST-PAGE-ACCESS-TOKEN", {"page_id": PAGE}),
        "send__facebook_login_page_id",
    )
    assert str(with_page.url) == request(IG, "send__facebook_login_page_id")["url"]
    sent = json.loads(with_page.content)
    assert sent["recipient"] == {"id": CITIZEN} and sent["message"] == {"text": text}
    me = send(publisher, dm(IG_REF, text), Credentials("t"), "send__facebook_login_me_form")
    assert str(me.url) == request(IG, "send__facebook_login_me_form")["url"]
    ig_login = send(
        publisher,
        dm(IG_REF, text),
        Credentials("TEST-INSTAGRAM-USER-ACCESS-TOKEN", {"flow": "instagram_login"}),
        "send__instagram_login",
    )
    assert str(ig_login.url) == request(IG, "send__instagram_login")["url"]
    assert ig_login.headers["authorization"] == "Bearer TEST-INSTAGRAM-USER-ACCESS-TOKEN"


def test_messenger_replies_say_response() -> None:
    documented = request(FB, "send__response")
    item = Outgoing(
        **{
            **dm(
                FB_REF, documented["json"]["message"]["text"], now=AT, last_inbound_at=AT
            ).__dict__,
            "target_author_id": documented["json"]["recipient"]["id"],
        }
    )
    _, path, kwargs = MetaPublisher("facebook", version="v25.0").request_for(item)
    assert f"https://graph.facebook.com/v25.0/{path}" == documented["url"]
    sent = kwargs["json"]
    assert (
        sent["messaging_type"] == "RESPONSE"
        and sent["recipient"] == documented["json"]["recipient"]
    )


@pytest.mark.parametrize("folder", [IG, FB])
def test_defect_4_a_late_reply_by_a_person_carries_the_human_agent_tag(folder: str) -> None:
    """Before: no tag, no window: a reply after 24 hours failed with (#10)/2018278."""
    ref = IG_REF if folder == IG else FB_REF
    documented = request(folder, "send__human_agent_tag")["json"]
    late = dm(ref, "Mohon maaf baru kami balas.", now=AT, last_inbound_at=AT - timedelta(hours=30))
    tagged = MetaPublisher(ref.platform, version="v25.0", human_agent=True)
    human = Outgoing(**{**late.__dict__, "human": True})
    sent = tagged.request_for(human)[2]["json"]
    assert (sent["messaging_type"], sent["tag"]) == (
        documented["messaging_type"],
        documented["tag"],
    )
    # an automatic answer never uses the tag; nor does a deployment without App Review
    with pytest.raises(SendError, match="otomatis") as automatic:
        tagged.request_for(late)
    assert not automatic.value.retryable
    with pytest.raises(SendError, match="HUMAN_AGENT"):
        MetaPublisher(ref.platform, version="v25.0").request_for(human)
    # after 7 days nobody may answer there
    week = Outgoing(**{**human.__dict__, "last_inbound_at": AT - timedelta(days=8)})
    with pytest.raises(SendError, match="lewat batas"):
        tagged.request_for(week)


@pytest.mark.parametrize("folder", [IG, FB])
def test_errors_outside_the_window_expired_token_and_rate_limits(folder: str) -> None:
    publisher = MetaPublisher("facebook", version="v25.0")
    item = dm(FB_REF, "Halo")

    def failing(name: str) -> SendError:
        client = httpx.Client(transport=httpx.MockTransport(lambda r: answer(folder, name)))
        with pytest.raises(SendError) as info:
            publisher.send(client, item, Credentials("t"))
        return info.value

    window = failing("error__outside_window_10_2018278")
    assert not window.retryable and "2018278" in str(window) and "HUMAN_AGENT" in str(window)
    expired = failing("error__expired_token_190")
    assert not expired.retryable and "token" in str(expired)
    limited = failing("error__rate_limited_buc")
    header = answer(folder, "error__rate_limited_buc").headers["x-business-use-case-usage"]
    (minutes,) = [u[0]["estimated_time_to_regain_access"] for u in json.loads(header).values()]
    assert limited.rate_limited and limited.retry_after == minutes * 60  # minutes, as Meta says


def test_defect_14_usage_headers_are_read_on_every_answer() -> None:
    """Before: X-Business-Use-Case-Usage and X-App-Usage were never read."""
    ok = usage_signals(answer(IG, "response_headers__usage_ok"))
    assert [(s.scope, s.usage_pct, s.wait) for s in ok] == [(LimitScope.ACCOUNT, 42, None)]
    (buc,) = usage_signals(answer(FB, "error__rate_limited_buc"))
    assert buc.scope is LimitScope.ACCOUNT and buc.wait == 23 * 60 and buc.usage_pct == 100
    (app,) = usage_signals(answer(IG, "error__rate_limited_app_4"))
    assert app.scope is LimitScope.APP and app.usage_pct == 100 and app.wait
    buc_ig = usage_signals(answer(IG, "error__rate_limited_buc"))
    assert buc_ig and buc_ig[0].wait


def mention_item(kind: str, external: str) -> Hydration:
    return Hydration("instagram", IG_ACCOUNT, kind, external, "18000000000000999", AT)


def test_defect_6_mentions_ask_only_documented_fields() -> None:
    """Before: `username` and `from` were asked for, which fails with #100."""
    documented = request(IG, "mentioned_comment__lookup")
    asked: list[httpx.Request] = []

    def graph(req: httpx.Request) -> httpx.Response:
        asked.append(req)
        return answer(IG, "mentioned_comment__lookup")

    client = httpx.Client(transport=httpx.MockTransport(graph))
    item = mention_item("ig_mention_comment", "17900000000000999")
    message = fetch_mention(client, item, Credentials("t"), version="v25.0")
    assert asked[0].url.params["fields"] == documented["query"]["fields"]
    assert message is not None and "banjir" in message.text and message.author_id is None
    media = httpx.Client(
        transport=httpx.MockTransport(lambda r: answer(IG, "mentioned_media__lookup"))
    )
    caption = fetch_mention(
        media,
        mention_item("ig_mention_media", "18000000000000998"),
        Credentials("t"),
        version="v25.0",
    )
    assert caption is not None and "Genangan" in caption.text


def test_defect_6_an_error_100_is_an_error_not_a_deletion() -> None:
    """Before: #100 was read as "deleted" and the mention was dropped for good."""
    client = httpx.Client(
        transport=httpx.MockTransport(
            lambda r: answer(IG, "mentioned_comment__undocumented_field_error_100")
        )
    )
    item = mention_item("ig_mention_comment", "17900000000000999")
    with pytest.raises(SendError, match="100"):
        fetch_mention(client, item, Credentials("t"), version="v25.0")


def test_defect_13_the_page_subscribes_echoes_edits_and_standby() -> None:
    documented = request(FB, "subscribed_apps__page_fields")
    asked: list[httpx.Request] = []

    def graph(req: httpx.Request) -> httpx.Response:
        asked.append(req)
        return answer(FB, "subscribed_apps__page_fields")

    fields = subscribe_page(
        httpx.Client(transport=httpx.MockTransport(graph)), PAGE, Credentials("t"), version="v25.0"
    )
    assert ",".join(fields) == documented["query"]["subscribed_fields"]
    assert str(asked[0].url).startswith(documented["url"])
    assert "access_token" not in str(asked[0].url)  # in the header, never in the URL


def test_story_mention_lookup_and_long_lived_token_shapes() -> None:
    assert answer(IG, "story_mention__lookup").json()["story"]["mention"]["link"]
    assert answer(IG, "token__refresh_long_lived").json()["expires_in"] == 5184000


def test_defect_15_the_default_graph_version_has_a_published_end() -> None:
    """Before: v21.0, which ends 2027-01-21."""
    default = Settings().meta_graph_version
    assert default == "v25.0" and version_expiry(default) == date(2028, 7, 29)
    assert version_expiry("v21.0") == date(2027, 1, 21) and version_expiry("v19.0")
    assert GRAPH_VERSIONS["v26.0"][1] is None
    assert version_notice("v21.0", date(2026, 12, 1)) and "53 hari" in str(
        version_notice("v21.0", date(2026, 11, 29))
    )
    assert version_notice(default, date(2026, 12, 1)) is None
    connector = MetaConnector(Settings(meta_graph_version="v21.0"))
    assert connector.notices(date(2026, 12, 1))
    with pytest.raises(NotConfigured, match="sudah berakhir"):
        connector.check(date(2027, 1, 22))
    MetaConnector(Settings()).check(date(2027, 1, 22))


def test_defect_15_paseban_refuses_to_start_on_an_expired_version(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'p.db'}", meta_graph_version="v21.0")
    after = datetime(2027, 1, 22, 3, 0, tzinfo=UTC)
    with pytest.raises(NotConfigured, match=r"v21\.0 sudah berakhir"):
        create_context(settings, clock=FixedClock(after), load_entrypoints=False)
    before = create_context(
        settings, clock=FixedClock(after - timedelta(days=30)), load_entrypoints=False
    )
    before.close()
