from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from paseban.connectors.base import (
    AccountRef,
    Credentials,
    Hydration,
    Outgoing,
    PayloadError,
    SendError,
)
from paseban.connectors.meta import MetaWebhook
from paseban.connectors.meta_graph import MetaPublisher, fetch_mention
from paseban.domain.messages import MessageKind
from tests.connectors.helpers import META_SECRET, Recorder, json_response, meta_signed, raw

AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
SOURCE = MetaWebhook(META_SECRET)


def test_signature_matches_the_reference_test_vector() -> None:
    body = raw("meta", "instagram_comments__one")
    assert len(body) == 290
    expected = "sha256=f3b8f0a9e09df686457dbbaceb1af7fcfe14b05116a28c3e0b9a2465466b51bb"
    assert MetaWebhook("test_app_secret").verify({"X-Hub-Signature-256": expected}, body)


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hub-Signature-256": ""},
        {"X-Hub-Signature-256": "sha1=abc"},
        {"X-Hub-Signature": "sha1=f3b8f0a9e09df686457dbbaceb1af7fcfe14b05116a28c3e"},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
    ],
)
def test_missing_or_wrong_signatures_are_refused(headers: dict[str, str]) -> None:
    assert not SOURCE.verify(headers, raw("meta", "instagram_comments__one"))


def test_a_tampered_body_or_another_secret_is_refused() -> None:
    headers, body = meta_signed("meta", "instagram_comments__one")
    assert SOURCE.verify(headers, body)
    assert SOURCE.verify({k.lower(): v for k, v in headers.items()}, body)
    assert not SOURCE.verify(headers, body + b" ")
    assert not SOURCE.verify(headers, json.dumps(json.loads(body)).encode())  # re-serialised
    assert not MetaWebhook("another").verify(headers, body)
    assert not MetaWebhook("").verify(headers, body)


def test_instagram_comments_replies_and_our_own_echo() -> None:
    batch = SOURCE.parse(raw("meta", "instagram_comments__batch"), received_at=AT)
    ids = [m.external_id for m in batch.messages]
    assert ids == ["17900000000000101", "17900000000000102", "17900000000000104"]
    first, reply, live = batch.messages
    assert first.platform == "instagram" and first.account == "17841400000001001"
    assert first.kind is MessageKind.COMMENT and first.parent_external_id == "18000000000000101"
    assert first.author == "rina.bgr" and first.author_id == "5550000000000001"
    assert first.posted_at == datetime(2026, 11, 27, 1, 6, 40, tzinfo=UTC)
    assert reply.kind is MessageKind.REPLY and reply.parent_external_id == "17900000000000101"
    assert live.account == "17841400000000000"
    assert [m.external_id for m in batch.own] == ["17900000000000103"]


def test_the_examples_page_layout_is_read_too() -> None:
    batch = SOURCE.parse(raw("meta", "instagram_comments__examples_layout"), received_at=AT)
    assert [m.text for m in batch.messages] == ["sampah di pasar bogor numpuk lg min"]


def test_mentions_wait_for_their_text() -> None:
    batch = SOURCE.parse(raw("meta", "instagram_mentions__comment"), received_at=AT)
    assert batch.messages == []
    assert [(h.kind, h.external_id, h.parent_external_id) for h in batch.hydrate] == [
        ("ig_mention_comment", "17900000000000401", "18000000000000401"),
        ("ig_mention_media", "18000000000000402", None),
    ]


def test_fetch_mention_asks_the_graph_api_for_the_comment() -> None:
    api = Recorder(
        {("GET", "/v25.0/17841400000000000"): json_response("meta", "graph_mentioned_comment__ok")}
    )
    item = Hydration(
        "instagram",
        "17841400000000000",
        "ig_mention_comment",
        "17900000000000401",
        "18000000000000401",
        AT,
    )
    message = fetch_mention(api.client(), item, Credentials("page-token"), version="v25.0")
    assert message is not None and message.kind is MessageKind.MENTION
    # Meta's mentioned_comment has no author fields: the author stays unknown
    assert "pohon tumbang" in message.text and message.author == "" and message.author_id is None
    assert message.posted_at == datetime(2026, 11, 27, 1, 55, tzinfo=UTC)
    (request,) = api.requests
    assert request.headers["authorization"] == "Bearer page-token"
    assert request.url.params["fields"] == (
        "mentioned_comment.comment_id(17900000000000401){id,text,timestamp,like_count,media{id}}"
    )
    assert "page-token" not in str(request.url)


def test_instagram_direct_messages_skip_echoes_and_receipts() -> None:
    batch = SOURCE.parse(raw("meta", "instagram_messages__dm"), received_at=AT)
    (message,) = batch.messages
    assert message.kind is MessageKind.DIRECT and message.author_id == "6660000000000001"
    assert message.posted_at == datetime(2026, 11, 27, 1, 6, 40, tzinfo=UTC)  # milliseconds
    assert len(batch.own) == 1 and batch.ignored == 1


def test_page_feed_comment_from_the_reference() -> None:
    batch = SOURCE.parse(raw("meta", "page_feed__comment"), received_at=AT)
    (message,) = batch.messages
    assert message.platform == "facebook" and message.account == "104000000000001"
    assert message.external_id == "122000000000000001_900000000000001"
    assert message.kind is MessageKind.COMMENT  # parent_id == post_id: top level
    assert message.parent_external_id == "104000000000001_122000000000000001"
    assert message.author == "Warga Bogor" and message.text == "Kapan posyandu di RW 05 buka?"


def test_page_feed_replies_posts_and_what_is_ignored() -> None:
    batch = SOURCE.parse(raw("meta", "page_feed__mixed"), received_at=AT)
    kinds = [(m.external_id, m.kind) for m in batch.messages]
    assert kinds == [
        ("122000000000000050_900000000000010", MessageKind.REPLY),
        ("104000000000002_122000000000000060", MessageKind.POST),
    ]
    assert [m.author for m in batch.own] == ["Kelurahan Tegal Gundil"]
    assert batch.ignored == 1  # the reaction
    # the edit and the removal are changes of stored comments (issue 15, defect 12)
    assert [(c.external_id, c.kind.value, c.text) for c in batch.changes] == [
        (
            "122000000000000050_900000000000010",
            "edited",
            "sama di rw 07 jg sampahnya ga diangkut dari senin!!",
        ),
        ("122000000000000050_900000000000012", "deleted", None),
    ]


def test_page_messages() -> None:
    batch = SOURCE.parse(raw("meta", "page_messages__text"), received_at=AT)
    (message,) = batch.messages
    assert (message.platform, message.external_id, message.author_id) == (
        "facebook",
        "m_AbC123",
        "8800000000000001",
    )


@pytest.mark.parametrize(
    "body",
    [b"not json", b"[]", b'{"object": "user", "entry": []}', b"\xff\xfe"],
)
def test_bodies_that_are_not_meta_deliveries(body: bytes) -> None:
    with pytest.raises(PayloadError):
        SOURCE.parse(body, received_at=AT)


def test_broken_entries_are_skipped_not_fatal() -> None:
    body = json.dumps(
        {
            "object": "instagram",
            "entry": [
                {"time": 1},
                {"id": "1", "changes": [{"field": "comments", "value": {"text": "no id"}}, "x"]},
                {
                    "id": "1",
                    "time": "soon",
                    "changes": [{"field": "comments", "value": {"id": "c9"}}],
                },
            ],
        }
    ).encode()
    batch = SOURCE.parse(body, received_at=AT)
    assert [m.external_id for m in batch.messages] == ["c9"] and batch.messages[0].posted_at == AT
    assert batch.ignored == 3


# --- outbound ------------------------------------------------------------------------------------

IG = AccountRef("instagram", "17841400000000000", "pemkotbogor")
FB = AccountRef("facebook", "104000000000001", "pemkotbogor.fb")


def outgoing(account: AccountRef, **kw: object) -> Outgoing:
    return Outgoing(platform=account.platform, account=account, **kw)  # type: ignore[arg-type]


def test_instagram_comment_reply_request() -> None:
    api = Recorder(
        {("POST", "/v25.0/17900000000000101/replies"): json_response("meta", "graph_replies__ok")}
    )
    item = outgoing(
        IG,
        kind="reply",
        text="Terima kasih, tiket BGR-2611-0001",
        target_external_id="17900000000000101",
        target_kind="comment",
        target_parent_external_id="18000000000000101",
    )
    created = MetaPublisher("instagram", version="v25.0").send(
        api.client(), item, Credentials("tok")
    )
    assert created == "17900000000009001"
    (request,) = api.requests
    assert request.url == "https://graph.facebook.com/v25.0/17900000000000101/replies"
    assert request.headers["authorization"] == "Bearer tok"
    assert httpx.QueryParams(request.content.decode()) == httpx.QueryParams(
        {"message": "Terima kasih, tiket BGR-2611-0001"}
    )


def test_instagram_reply_to_a_reply_goes_to_the_top_comment() -> None:
    item = outgoing(
        IG,
        kind="reply",
        text="ok",
        target_external_id="c2",
        target_kind="reply",
        target_parent_external_id="c1",
    )
    assert MetaPublisher("instagram", version="v25.0").request_for(item)[1] == "c1/replies"


def test_instagram_mention_reply_and_direct_message() -> None:
    publisher = MetaPublisher("instagram", version="v25.0")
    mention = outgoing(
        IG,
        kind="reply",
        text="Siap",
        target_external_id="17900000000000401",
        target_kind="mention",
        target_parent_external_id="18000000000000401",
    )
    assert publisher.request_for(mention) == (
        "POST",
        "17841400000000000/mentions",
        {
            "data": {
                "message": "Siap",
                "media_id": "18000000000000401",
                "comment_id": "17900000000000401",
            }
        },
    )
    dm = outgoing(
        IG,
        kind="reply",
        text="Halo kak",
        target_external_id="mid1",
        target_kind="direct",
        target_author_id="6660000000000001",
    )
    # Facebook Login: the Page token's own Page answers (`me`), never /{ig-user-id}/messages
    assert publisher.request_for(dm) == (
        "POST",
        "me/messages",
        {
            "json": {
                "recipient": {"id": "6660000000000001"},
                "messaging_type": "RESPONSE",
                "message": {"text": "Halo kak"},
            }
        },
    )
    with pytest.raises(SendError, match="wajib bergambar") as info:
        publisher.request_for(outgoing(IG, kind="post", text="Info"))
    assert not info.value.retryable


def test_facebook_comment_reply_message_and_post() -> None:
    publisher = MetaPublisher("facebook", version="v25.0")
    reply = outgoing(
        FB, kind="reply", text="Baik", target_external_id="122_900", target_kind="comment"
    )
    assert publisher.request_for(reply) == (
        "POST",
        "122_900/comments",
        {"data": {"message": "Baik"}},
    )
    dm = outgoing(
        FB,
        kind="reply",
        text="Halo",
        target_external_id="m_AbC123",
        target_kind="direct",
        target_author_id="8800000000000001",
    )
    assert publisher.request_for(dm)[2]["json"] == {
        "recipient": {"id": "8800000000000001"},
        "message": {"text": "Halo"},
        "messaging_type": "RESPONSE",
    }
    assert publisher.request_for(dm)[1] == "104000000000001/messages"
    api = Recorder(
        {
            ("POST", "/v25.0/104000000000001/feed"): httpx.Response(
                200, json={"id": "104000000000001_555"}
            )
        }
    )
    created = publisher.send(
        api.client(), outgoing(FB, kind="post", text="Car free day ditiadakan"), Credentials("tok")
    )
    assert created == "104000000000001_555"
    assert api.requests[0].content == b"message=Car+free+day+ditiadakan"


def test_graph_errors_are_classified() -> None:
    publisher = MetaPublisher("facebook", version="v25.0")
    reply = outgoing(
        FB, kind="reply", text="Baik", target_external_id="122_900", target_kind="comment"
    )
    limited = Recorder(
        {
            ("POST", "/v25.0/122_900/comments"): json_response(
                "meta", "graph_error__rate_limited", 400
            )
        }
    )
    with pytest.raises(SendError) as info:
        publisher.send(limited.client(), reply, Credentials("tok"))
    assert info.value.retryable and info.value.rate_limited
    expired = Recorder(
        {
            ("POST", "/v25.0/122_900/comments"): json_response(
                "meta", "graph_error__token_expired", 400
            )
        }
    )
    with pytest.raises(SendError) as info:
        publisher.send(expired.client(), reply, Credentials("tok"))
    assert not info.value.retryable and "190" in str(info.value)
    down = Recorder({("POST", "/v25.0/122_900/comments"): httpx.Response(503, text="down")})
    with pytest.raises(SendError) as info:
        publisher.send(down.client(), reply, Credentials("tok"))
    assert info.value.retryable and not info.value.ambiguous


def test_network_trouble_is_retryable_and_a_timeout_is_ambiguous() -> None:
    publisher = MetaPublisher("facebook", version="v25.0")
    reply = outgoing(
        FB, kind="reply", text="Baik", target_external_id="122_900", target_kind="comment"
    )

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    def slow(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(SendError) as info:
        publisher.send(
            httpx.Client(transport=httpx.MockTransport(refuse)), reply, Credentials("tok")
        )
    assert info.value.retryable and not info.value.ambiguous
    with pytest.raises(SendError) as info:
        publisher.send(httpx.Client(transport=httpx.MockTransport(slow)), reply, Credentials("tok"))
    assert info.value.ambiguous


def test_credentials_repr_hides_the_token() -> None:
    assert "rahasia" not in repr(Credentials("rahasia", {"refresh_token": "rahasia2"}))
