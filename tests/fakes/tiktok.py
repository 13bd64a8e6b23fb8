"""A fake TikTok Content Posting API (tests/fixtures/connectors/contract/tiktok-publish/;
CONTRACTS.md §3) that enforces what TikTok documents:

- the Bearer token; `creator_info/query` before anything (its privacy options);
- `privacy_level` must be one of the creator's options (`privacy_level_option_mismatch`), and an
  unaudited app may only post SELF_ONLY (`unaudited_client_can_only_post_to_private_accounts`);
- `post_info` carries every choice the person must make (Content Sharing Guidelines): the
  privacy level, `disable_comment` (and `disable_duet`/`disable_stitch` for a video) and both
  commercial-content toggles; a comment, duet or stitch the creator turned off cannot be
  allowed, and branded content cannot be SELF_ONLY (`invalid_param`);
- PULL_FROM_URL only from the verified URL prefix (`url_ownership_unverified`), fetched for
  real, no redirects; a title over 2,200 UTF-16 units is `invalid_param`;
- FILE_UPLOAD: the chunks in order with a Content-Range that matches what was received (416
  otherwise), 206 until the last, 201 then;
- about 15 posts per creator per day (`spam_risk_too_many_posts`);
- `status/fetch`: PROCESSING_DOWNLOAD / PROCESSING_UPLOAD, then PUBLISH_COMPLETE (the public
  post id after `moderation_polls` more polls) or SEND_TO_USER_INBOX for an inbox upload.
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from typing import Any

import httpx
from PIL import Image
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

TITLE_MAX = 2200
DAILY_POSTS = 15


def answer(data: dict[str, Any] | None = None) -> JSONResponse:
    ok = {"code": "ok", "message": "", "log_id": "FAKE"}
    return JSONResponse({"data": data or {}, "error": ok})


def refuse(status: int, code: str, message: str = "") -> JSONResponse:
    return JSONResponse(
        {"error": {"code": code, "message": message or code, "log_id": "FAKE"}}, status_code=status
    )


@dataclass
class Publish:
    id: str
    kind: str  # direct, inbox, photo
    privacy: str
    size: int = 0
    received: int = 0
    chunk_size: int = 0
    polls: int = 0
    post_id: str = ""


@dataclass
class FakeTikTok:
    token: str = "EAAGpageTokenMadeUp"
    audited: bool = True
    offers_public: bool = False  # creator_info offers PUBLIC even though the app is unaudited
    verified_prefix: str = ""  # the URL prefix verified for the app (Paseban's base URL)
    username: str = "kelurahanbatutulis"
    moderation_polls: int = 1
    posts_today: int = 0
    asked_creator: bool = False
    publishes: dict[str, Publish] = field(default_factory=dict)
    calls: list[str] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    ids: Any = field(default_factory=lambda: itertools.count(1))
    post_infos: list[dict[str, Any]] = field(default_factory=list)  # as the inits carried them
    comment_disabled: bool = False
    duet_disabled: bool = False
    stitch_disabled: bool = True

    def app(self) -> Starlette:
        base = "/v2/post/publish"
        return Starlette(
            routes=[
                Route(f"{base}/creator_info/query/", self.creator_info, methods=["POST"]),
                Route(f"{base}/video/init/", self.video_init, methods=["POST"]),
                Route(f"{base}/inbox/video/init/", self.inbox_init, methods=["POST"]),
                Route(f"{base}/content/init/", self.content_init, methods=["POST"]),
                Route(f"{base}/status/fetch/", self.status, methods=["POST"]),
                Route("/video/", self.upload, methods=["PUT"]),
                Route("/avatar.png", self.avatar, methods=["GET"]),
            ]
        )

    def options(self) -> list[str]:
        if not (self.audited or self.offers_public):
            return ["SELF_ONLY"]
        return ["PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "SELF_ONLY"]

    def check(self, request: Request, path: str) -> JSONResponse | None:
        self.calls.append(path)
        if request.headers.get("authorization") != f"Bearer {self.token}":
            return refuse(401, "access_token_invalid")
        return None

    async def creator_info(self, request: Request) -> JSONResponse:
        if (denied := self.check(request, "creator_info")) is not None:
            return denied
        self.asked_creator = True
        return answer(
            {
                "creator_username": self.username,
                "creator_nickname": "Kelurahan Batu Tulis",
                "creator_avatar_url": "https://p16-sign.tiktokcdn-us.com/avatar.png",
                "privacy_level_options": self.options(),
                "comment_disabled": self.comment_disabled,
                "duet_disabled": self.duet_disabled,
                "stitch_disabled": self.stitch_disabled,
                "max_video_post_duration_sec": 600,
            }
        )

    async def avatar(self, request: Request) -> Response:
        picture = io.BytesIO()
        Image.new("RGB", (64, 64), (254, 44, 85)).save(picture, "PNG")  # TikTok's red
        png = picture.getvalue()
        return Response(png, media_type="image/png")

    def choices_checks(self, info: dict[str, Any], *, video: bool) -> JSONResponse | None:
        """Every required choice present, none the creator turned off, no private branded post."""
        wanted = ["privacy_level", "disable_comment", "brand_content_toggle"]
        wanted += ["brand_organic_toggle"] + (["disable_duet", "disable_stitch"] if video else [])
        if any(k not in info for k in wanted):
            return refuse(400, "invalid_param", "post_info misses a required choice")
        turned_off = (
            ("disable_comment", self.comment_disabled),
            ("disable_duet", self.duet_disabled),
            ("disable_stitch", self.stitch_disabled),
        )
        if any(off and k in info and info[k] is False for k, off in turned_off):
            return refuse(400, "invalid_param", "an interaction the creator turned off")
        if info["brand_content_toggle"] and info["privacy_level"] == "SELF_ONLY":
            return refuse(400, "invalid_param", "branded content cannot be private")
        return None

    def post_checks(self, info: dict[str, Any], title_max: int) -> JSONResponse | None:
        if not self.asked_creator:
            return refuse(400, "invalid_param", "query creator_info first")
        self.post_infos.append(dict(info))
        privacy = str(info.get("privacy_level", ""))
        if not self.audited and privacy != "SELF_ONLY":
            return refuse(403, "unaudited_client_can_only_post_to_private_accounts")
        if privacy not in self.options():
            return refuse(403, "privacy_level_option_mismatch")
        if len(str(info.get("title", "")).encode("utf-16-le")) // 2 > title_max:
            return refuse(400, "invalid_param", "title too long")
        if self.posts_today >= DAILY_POSTS:
            return refuse(403, "spam_risk_too_many_posts")
        return None

    def pull(self, url: str, kind: str) -> bool:
        if not self.verified_prefix or not url.startswith(self.verified_prefix):
            return False
        response = httpx.get(url, timeout=10, follow_redirects=False)
        ok = response.status_code == 200 and response.headers["content-type"].startswith(kind)
        if ok:
            self.fetched.append(url)
        return ok

    def new(self, kind: str, privacy: str) -> Publish:
        publish = Publish(f"v_pub_{kind}~v2.{next(self.ids)}", kind, privacy)
        self.publishes[publish.id] = publish
        return publish

    async def video_init(self, request: Request) -> JSONResponse:
        if (denied := self.check(request, "video/init")) is not None:
            return denied
        body = await request.json()
        info, source = body.get("post_info", {}), body.get("source_info", {})
        if (refused := self.post_checks(info, TITLE_MAX)) is not None:
            return refused
        if (refused := self.choices_checks(info, video=True)) is not None:
            return refused
        if source.get("source") != "PULL_FROM_URL":
            return refuse(400, "invalid_param", "only PULL_FROM_URL in this fake")
        if not self.pull(str(source.get("video_url")), "video/"):
            return refuse(403, "url_ownership_unverified")
        self.posts_today += 1
        return answer({"publish_id": self.new("direct", info["privacy_level"]).id})

    async def inbox_init(self, request: Request) -> JSONResponse:
        if (denied := self.check(request, "inbox/video/init")) is not None:
            return denied
        source = (await request.json()).get("source_info", {})
        size, chunk, count = (
            source.get(k) for k in ("video_size", "chunk_size", "total_chunk_count")
        )
        if source.get("source") != "FILE_UPLOAD" or not all(
            isinstance(v, int) for v in (size, chunk, count)
        ):
            return refuse(400, "invalid_param")
        if count != max(1, size // chunk) or (size > 64 * 2**20 and chunk > 64 * 2**20):
            return refuse(400, "invalid_param", "chunk count does not match")
        if count > 1 and chunk < 5 * 2**20:  # chunks of 5 to 64 MB, the last up to 128 MB
            return refuse(400, "invalid_param", "chunk smaller than 5 MB")
        if size - chunk * (count - 1) > 128 * 2**20:
            return refuse(400, "invalid_param", "last chunk over 128 MB")
        publish = self.new("inbox", "")
        publish.size, publish.chunk_size = size, chunk
        url = f"https://open-upload.tiktokapis.com/video/?upload_id={publish.id}&upload_token=t"
        return answer({"publish_id": publish.id, "upload_url": url})

    async def content_init(self, request: Request) -> JSONResponse:
        if (denied := self.check(request, "content/init")) is not None:
            return denied
        body = await request.json()
        info, source = body.get("post_info", {}), body.get("source_info", {})
        direct = body.get("post_mode") == "DIRECT_POST"
        if direct and (refused := self.post_checks(info, 90)) is not None:
            return refused
        if direct and (refused := self.choices_checks(info, video=False)) is not None:
            return refused
        images = source.get("photo_images", [])
        if not 1 <= len(images) <= 35 or not all(self.pull(str(u), "image/") for u in images):
            return refuse(403, "url_ownership_unverified")
        self.posts_today += direct
        publish = self.new("photo" if direct else "inbox", info.get("privacy_level", ""))
        publish.size = publish.received = 1
        return answer({"publish_id": publish.id})

    async def upload(self, request: Request) -> Response:
        publish = self.publishes.get(request.query_params.get("upload_id", ""))
        if publish is None:
            return Response(status_code=404)
        data = await request.body()
        try:
            first, rest = request.headers["content-range"].removeprefix("bytes ").split("-")
            last, total = (int(x) for x in rest.split("/"))
        except (KeyError, ValueError):
            return Response(status_code=400)
        progress = {"Content-Range": f"bytes 0-{publish.received - 1}/{publish.size}"}
        if (
            int(first) != publish.received
            or total != publish.size
            or last - int(first) + 1 != len(data)
        ):
            return Response(status_code=416, headers=progress)
        publish.received += len(data)
        done = publish.received == publish.size
        headers = {"Content-Range": f"bytes 0-{publish.received - 1}/{publish.size}"}
        return Response(status_code=201 if done else 206, headers=headers)

    async def status(self, request: Request) -> JSONResponse:
        if (denied := self.check(request, "status/fetch")) is not None:
            return denied
        publish = self.publishes.get(str((await request.json()).get("publish_id")))
        if publish is None:
            return refuse(400, "invalid_publish_id")
        publish.polls += 1
        if publish.kind == "inbox":
            if publish.received < publish.size:
                return answer({"status": "PROCESSING_UPLOAD", "uploaded_bytes": publish.received})
            return answer({"status": "SEND_TO_USER_INBOX", "uploaded_bytes": publish.size})
        if publish.polls == 1:
            return answer({"status": "PROCESSING_DOWNLOAD", "downloaded_bytes": 1024})
        ids: list[int] = []
        if publish.polls > 1 + self.moderation_polls and publish.privacy != "SELF_ONLY":
            publish.post_id = publish.post_id or str(7380000000000000000 + next(self.ids))
            ids = [int(publish.post_id)]
        return answer({"status": "PUBLISH_COMPLETE", "publicaly_available_post_id": ids})
