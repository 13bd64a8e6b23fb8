"""Meta metrics: followers and the counts of recent posts of a Facebook Page or an Instagram
professional account, read once a day with the Page token (docs/connectors/meta.md, Metrics)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import httpx

from paseban.connectors.base import (
    MAX_METRIC_PAGES,
    AccountRef,
    Credentials,
    PayloadError,
    as_dict,
    as_list,
    count,
    get_json,
    ident,
    iso_time,
)
from paseban.connectors.meta_graph import GRAPH, auth, graph_code, graph_error
from paseban.measurement.metrics import AccountMetrics, PostMetrics

# --- metrics: followers and recent posts ---------------------------------------------------------

# Only metrics Meta still serves: `post_total_media_view_unique` and `post_media_view` replaced
# `post_impressions_unique`/`post_impressions` (retired 2025); Instagram `views` replaced
# `impressions`. A retired name fails the whole request, so none is ever asked for.
PAGE_POST_FIELDS = (
    "id,created_time,shares,reactions.summary(total_count).limit(0),"
    "comments.summary(total_count).limit(0),"
    "insights.metric(post_total_media_view_unique,post_media_view)"
)
IG_MEDIA_FIELDS = "id,timestamp,like_count,comments_count"
IG_MEDIA_METRICS = "reach,views,saved,shares"
PAGE_SIZE = 50


class MetaMetrics:
    """Followers and recent posts of a Facebook Page or an Instagram professional account, with
    the Page token. Account-wide reach and views stay None: Meta counts them per Pacific-time day
    and up to 48 hours late, so they cannot be a figure of our local day (docs/connectors/meta.md).
    """

    def __init__(self, platform: str, *, version: str) -> None:
        if platform not in ("instagram", "facebook"):
            raise ValueError(platform)
        self.platform = platform
        self.base = f"{GRAPH}/{version}"

    def fetch(
        self,
        client: httpx.Client,
        account: AccountRef,
        credentials: Credentials,
        *,
        day: date,
        since: datetime,
    ) -> AccountMetrics:
        if self.platform == "facebook":
            return self._page(client, account.platform_account_id, credentials, day, since)
        return self._instagram(client, account.platform_account_id, credentials, day, since)

    def _get(
        self,
        client: httpx.Client,
        path: str,
        credentials: Credentials,
        *,
        empty_when: Callable[[httpx.Response], bool] | None = None,
        **params: Any,
    ) -> dict[str, Any]:
        return get_json(
            client,
            f"{self.base}/{path}",
            platform=self.platform,
            params=params,
            headers=auth(credentials),
            error=graph_error,
            empty_when=empty_when,
        )

    def _page(
        self, client: httpx.Client, page: str, credentials: Credentials, day: date, since: datetime
    ) -> AccountMetrics:
        profile = self._get(client, page, credentials, fields="followers_count")
        _check_id(profile, self.platform)
        posts: list[PostMetrics] = []
        params: dict[str, Any] = {
            "fields": PAGE_POST_FIELDS,
            "since": int(since.timestamp()),
            "limit": PAGE_SIZE,
        }
        for _ in range(MAX_METRIC_PAGES):
            body = self._get(client, f"{page}/published_posts", credentials, **params)
            read = [p for p in map(_page_post, as_list(body.get("data"))) if p]
            posts += [p for p in read if p.posted_at >= since]
            after = _next_after(body)
            if after is None or any(p.posted_at < since for p in read):
                break
            params["after"] = after
        followers = count(profile.get("followers_count"))
        return AccountMetrics(day, followers=followers, posts=tuple(posts))

    def _instagram(
        self, client: httpx.Client, user: str, credentials: Credentials, day: date, since: datetime
    ) -> AccountMetrics:
        profile = self._get(client, user, credentials, fields="followers_count,media_count")
        _check_id(profile, self.platform)
        media: list[tuple[str, datetime, dict[str, Any]]] = []
        params: dict[str, Any] = {"fields": IG_MEDIA_FIELDS, "limit": PAGE_SIZE}
        reached = False
        for _ in range(MAX_METRIC_PAGES):
            body = self._get(client, f"{user}/media", credentials, **params)
            for raw in map(as_dict, as_list(body.get("data"))):
                media_id = ident(raw.get("id"))
                if media_id is None:
                    continue
                posted_at = iso_time(raw.get("timestamp"))
                if posted_at < since:  # newest first: the rest is older still
                    reached = True
                    break
                media.append((media_id, posted_at, raw))
            after = _next_after(body)
            if reached or after is None:
                break
            params["after"] = after
        posts = tuple(
            self._media(client, media_id, posted_at, raw, credentials)
            for media_id, posted_at, raw in media
        )
        return AccountMetrics(
            day,
            followers=count(profile.get("followers_count")),
            posts_count=count(profile.get("media_count")),
            posts=posts,
        )

    def _media(
        self,
        client: httpx.Client,
        media_id: str,
        posted_at: datetime,
        raw: dict[str, Any],
        credentials: Credentials,
    ) -> PostMetrics:
        body = self._get(
            client,
            f"{media_id}/insights",
            credentials,
            metric=IG_MEDIA_METRICS,
            empty_when=_too_few_viewers,
        )
        values = _insight_values(body)
        return PostMetrics(
            media_id,
            posted_at,
            likes=count(raw.get("like_count")) or 0,
            comments=count(raw.get("comments_count")) or 0,
            shares=values.get("shares") or 0,
            saves=values.get("saved") or 0,
            reach=values.get("reach"),
            views=values.get("views"),
        )


def _too_few_viewers(response: httpx.Response) -> bool:
    """`(#10) Not enough viewers for the media to show insights`: the post's counts are kept,
    its reach and views stay None. Any other error (a retired metric name among them) fails."""
    return response.status_code == 400 and graph_code(response)[0] == 10


def _check_id(profile: dict[str, Any], platform: str) -> None:
    if ident(profile.get("id")) is None:
        raise PayloadError(f"{platform}: profil akun tanpa id")


def _next_after(body: dict[str, Any]) -> str | None:
    """The cursor of the next page; Graph sends `paging.next` only when there is one."""
    paging = as_dict(body.get("paging"))
    if not paging.get("next"):
        return None
    return ident(as_dict(paging.get("cursors")).get("after"))


def _insight_values(body: dict[str, Any]) -> dict[str, int | None]:
    """{metric name: value} of an insights answer (`data[].values[0].value`; the newest value
    when a metric carries several)."""
    out: dict[str, int | None] = {}
    for metric in map(as_dict, as_list(body.get("data"))):
        values = as_list(metric.get("values"))
        name = metric.get("name")
        if isinstance(name, str) and values:
            out[name] = count(as_dict(values[-1]).get("value"))
    return out


def _page_post(raw: Any) -> PostMetrics | None:
    post = as_dict(raw)
    post_id = ident(post.get("id"))
    if post_id is None:
        return None
    values = _insight_values(as_dict(post.get("insights")))

    def total(key: str) -> int:
        return count(as_dict(as_dict(post.get(key)).get("summary")).get("total_count")) or 0

    return PostMetrics(
        post_id,
        iso_time(post.get("created_time")),
        likes=total("reactions"),
        comments=total("comments"),
        shares=count(as_dict(post.get("shares")).get("count")) or 0,  # absent when none
        reach=values.get("post_total_media_view_unique"),
        views=values.get("post_media_view"),
    )
