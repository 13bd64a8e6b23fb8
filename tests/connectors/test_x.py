from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

from paseban.connectors.base import AccountRef, Credentials, Outgoing, SendError
from paseban.connectors.x import XPoller, XPublisher, XWebhook, crc_response, parse_v2
from paseban.domain.messages import MessageKind
from tests.connectors.helpers import X_SECRET, Recorder, json_response, load, raw, x_signed

AT = datetime(2026, 11, 27, 2, 0, tzinfo=UTC)
ACCOUNT = AccountRef("x", "123456789", "pemkotbogor")


def test_crc_matches_the_reference_test_vector() -> None:
    secret = "z3ZX4v7mAAUGykl3EcmkqbartmuW8VFOOzCloLx9Q45P0hLrFu"
    assert crc_response(secret, "9b4507b3-9040-4669-9ca3-6b94edb50553") == {
        "response_token": "sha256=Cytd4Sq+NvEcV3MMrXxWJGJx5A+y/lXzzU2Maartkx8="
    }


def test_webhook_signature() -> None:
    headers, body = x_signed("tweet_create_events__reply")
    source = XWebhook(X_SECRET)
    assert source.verify(headers, body)
    assert not source.verify(headers, body[:-2])
    assert not source.verify({}, body)
    assert not XWebhook("").verify(headers, body)


def test_account_activity_tweets_in_the_v1_shape() -> None:
    batch = XWebhook(X_SECRET).parse(raw("x", "tweet_create_events__reply"), received_at=AT)
    reply, long = batch.messages
    assert (reply.external_id, reply.kind, reply.parent_external_id) == (
        "1994000000000000110",
        MessageKind.REPLY,
        "1994000000000000050",
    )
    assert reply.author == "lia_bantarjati" and reply.author_id == "2244994949"
    assert reply.posted_at == datetime(2026, 11, 27, 1, 45, tzinfo=UTC)
    assert long.kind is MessageKind.MENTION and long.text.endswith("untung ga ada korban.")
    assert (long.lat, long.lon) == (-6.5913, 106.8045)
    assert [m.external_id for m in batch.own] == ["1994000000000000112"]
    assert batch.ignored == 2  # a retweet and a like


def test_v2_tweets() -> None:
    batch = parse_v2("123456789", load("x", "mentions__first_page"))
    assert [m.external_id for m in batch.messages] == ["1994000000000000103", "1994000000000000101"]
    first, reply = batch.messages
    assert first.kind is MessageKind.MENTION and first.author == "warga_sempur"
    assert (first.lat, first.lon) == (-6.5862, 106.7905)
    assert reply.kind is MessageKind.REPLY and reply.parent_external_id == "1994000000000000090"
    assert [m.external_id for m in batch.own] == ["1994000000000000102"]
    assert batch.ignored == 1  # the retweet


def test_v2_single_tweet_response() -> None:
    body = {
        "data": {
            "id": "1",
            "text": "@pemkotbogor halo",
            "author_id": "9",
            "created_at": "2026-11-27T00:00:00.000Z",
        }
    }
    assert [m.external_id for m in parse_v2("123456789", body).messages] == ["1"]


def test_poller_pages_through_a_backlog_and_moves_since_id_last() -> None:
    api = Recorder(
        {
            ("GET", "/2/users/123456789/mentions"): [
                json_response("x", "mentions__first_page"),
                json_response("x", "mentions__last_page"),
            ]
        }
    )
    client = api.client()
    poller = XPoller()
    first = poller.fetch(
        client, ACCOUNT, {"since_id": "1994000000000000001"}, Credentials("bearer")
    )
    assert first.more and first.cursor == {
        "since_id": "1994000000000000001",
        "newest_id": "1994000000000000103",
        "next_token": "7140dibdnow9c7btw423x78lk1iz6f5cbvv2kbktsv77e",
    }
    second = poller.fetch(client, ACCOUNT, first.cursor, Credentials("bearer"))
    assert not second.more and second.cursor == {"since_id": "1994000000000000103"}
    one, two = api.requests
    assert one.url.path == "/2/users/123456789/mentions"
    assert one.url.params["since_id"] == "1994000000000000001"
    assert "pagination_token" not in one.url.params
    assert one.url.params["max_results"] == "100" and one.url.params["expansions"] == "author_id"
    assert (
        "author_id" in one.url.params["tweet.fields"]
        and "referenced_tweets" in one.url.params["tweet.fields"]
    )
    assert two.url.params["pagination_token"] == "7140dibdnow9c7btw423x78lk1iz6f5cbvv2kbktsv77e"
    assert one.headers["authorization"] == "Bearer bearer"


def test_first_poll_reads_one_page_and_an_empty_poll_keeps_the_cursor() -> None:
    api = Recorder(
        {("GET", "/2/users/123456789/mentions"): json_response("x", "mentions__first_page")}
    )
    page = XPoller().fetch(api.client(), ACCOUNT, {}, Credentials("b"))
    assert not page.more and page.cursor == {"since_id": "1994000000000000103"}
    empty = Recorder(
        {("GET", "/2/users/123456789/mentions"): json_response("x", "mentions__empty")}
    )
    page = XPoller().fetch(empty.client(), ACCOUNT, {"since_id": "5"}, Credentials("b"))
    assert page.cursor == {"since_id": "5"} and page.batch.messages == []


def test_rate_limit_carries_the_reset_time() -> None:
    api = Recorder(
        {
            ("GET", "/2/users/123456789/mentions"): json_response(
                "x",
                "error__rate_limited",
                429,
                **{"x-rate-limit-reset": "1795742100", "date": "Fri, 27 Nov 2026 01:00:00 GMT"},
            )
        }
    )
    with pytest.raises(SendError) as info:
        XPoller().fetch(api.client(), ACCOUNT, {"since_id": "5"}, Credentials("b"))
    assert info.value.rate_limited and info.value.retry_after == 900


def test_reply_and_post_requests() -> None:
    api = Recorder({("POST", "/2/tweets"): json_response("x", "tweets__created", 201)})
    reply = Outgoing(
        "x", "reply", "@nina_bgr Terima kasih", ACCOUNT, "1994000000000000101", "reply"
    )
    assert (
        XPublisher().send(api.client(), reply, Credentials("user-token")) == "1994000000000000200"
    )
    (request,) = api.requests
    assert request.url == "https://api.x.com/2/tweets"
    assert request.headers["authorization"] == "Bearer user-token"
    assert json.loads(request.content) == {
        "text": "@nina_bgr Terima kasih",
        "reply": {"in_reply_to_tweet_id": "1994000000000000101"},
    }
    assert XPublisher().request_for(Outgoing("x", "post", "Info CFD", ACCOUNT)) == {
        "text": "Info CFD"
    }


def test_duplicate_content_is_final() -> None:
    api = Recorder(
        {
            ("POST", "/2/tweets"): httpx.Response(
                403,
                json={
                    "detail": "You are not allowed to create a Tweet with duplicate content.",
                    "title": "Forbidden",
                },
            )
        }
    )
    with pytest.raises(SendError, match="duplicate content") as info:
        XPublisher().send(api.client(), Outgoing("x", "post", "x", ACCOUNT), Credentials("t"))
    assert not info.value.retryable
