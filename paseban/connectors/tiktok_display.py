"""A TikTok account connected with Login Kit (issue 19), before its TikTok API for Business token
is set: what that token may read is the account's own public videos (Display API `POST
open.tiktokapis.com/v2/video/list/`, scope `video.list`) with their comment counts. Comments
themselves are not readable with it (TikTok gives them to the Business API, and to researchers),
so a poll stores no message: it keeps each video's comment count and adds up the comments that
arrived since, which the account's health shows as waiting for the Business token.

Errors come as `{"error": {"code", "message", "log_id"}}` with `code: "ok"` on success (TikTok's
"Error Handling" page: access_token_invalid 401, scope_not_authorized 401, rate_limit_exceeded
429; 600 requests a minute per endpoint). Fixture: tests/fixtures/oauth/tiktok__video_list.json.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import httpx

from paseban.connectors.base import (
    AccountRef,
    Batch,
    Credentials,
    Page,
    SendError,
    as_dict,
    as_list,
    count,
    ident,
    transport_error,
)

VIDEO_LIST = "https://open.tiktokapis.com/v2/video/list/"
FIELDS = "id,create_time,comment_count"
MAX_COUNT = 20  # the most one page returns
MODE = "login_kit"  # the cursor's mark: a Business poll starts afresh after it
REFUSED = {
    "access_token_invalid": "token Login Kit tidak sah lagi: sambungkan ulang",
    "scope_not_authorized": "izin video.list belum diberikan: sambungkan ulang dan setujui",
    "scope_permission_missed": "aplikasi belum punya izin video.list (Display API)",
}


def fetch(
    client: httpx.Client,
    account: AccountRef,
    cursor: Mapping[str, Any],
    credentials: Credentials,
    *,
    videos: int = MAX_COUNT,
) -> Page:
    """One poll: the newest videos' comment counts. The first poll sets the baseline; later
    ones add what each count grew by to `waiting` (comments Login Kit cannot read)."""
    counts = {str(k): int(v) for k, v in as_dict(cursor.get("counts")).items()}
    known = cursor.get("mode") == MODE
    waiting = int(cursor.get("waiting") or 0) if known else 0
    seen: list[dict[str, Any]] = []
    for raw in _videos(client, credentials, videos):
        video_id, comments = ident(raw.get("id")), count(raw.get("comment_count"))
        if video_id is None or comments is None:
            continue
        if known and video_id in counts:
            waiting += max(0, comments - counts[video_id])
        counts[video_id] = comments
        seen.append({"id": video_id, "comment_count": comments})
    state = {"mode": MODE, "counts": counts, "waiting": waiting, "videos": len(seen)}
    body = json.dumps({"open_id": account.platform_account_id, "videos": seen})
    return Page(Batch(), state, more=False, raw=body)


def _videos(client: httpx.Client, credentials: Credentials, limit: int) -> list[dict[str, Any]]:
    try:
        response = client.post(
            VIDEO_LIST,
            params={"fields": FIELDS},
            json={"max_count": min(MAX_COUNT, limit)},
            headers={"Authorization": f"Bearer {credentials.token}"},
        )
    except httpx.HTTPError as exc:
        raise transport_error(exc, platform="tiktok") from None
    try:
        body = as_dict(response.json())
    except ValueError:
        body = {}
    error = as_dict(body.get("error"))
    code = str(error.get("code") or ("ok" if response.status_code < 400 else response.status_code))
    if code != "ok":
        limited = code == "rate_limit_exceeded" or response.status_code == 429
        why = REFUSED.get(code, str(error.get("message") or "")[:200])
        raise SendError(
            f"tiktok (Login Kit): {code}: {why}",
            retryable=limited or response.status_code >= 500,
            rate_limited=limited,
        )
    return [as_dict(v) for v in as_list(as_dict(body.get("data")).get("videos"))][:limit]


def mode_text(cursor: Mapping[str, Any] | None) -> str:
    """What the account's health says of a Login Kit connection, with the comments waiting."""
    text = (
        "Login Kit: hanya daftar video dan jumlah komentarnya yang terbaca; isi komentar masuk "
        "setelah token TikTok API for Business akun ini dipasang (perintah paseban accounts "
        "token dengan --with-refresh)"
    )
    waiting = int((cursor or {}).get("waiting") or 0) if (cursor or {}).get("mode") == MODE else 0
    return f"{text}; {waiting} komentar baru menunggu" if waiting else text
