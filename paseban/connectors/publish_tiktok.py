"""Publishing video and photos on TikTok through the Content Posting API, one step at a time
(connectors/media_post.py; docs/content.md, "Menerbitkan").

1. `creator_info/query` every time (TikTok's guidelines): the creator's privacy options, the
   longest video they may post, whether comments, duets and stitches are off.
2. **Direct Post** where the creator may post publicly: `video/init` with PULL_FROM_URL (TikTok
   fetches Paseban's signed link, which must lie under a URL prefix verified for the app), or
   `content/init` with `media_type: PHOTO` for photos. Where the app is not audited yet (only
   `SELF_ONLY` is offered, or TikTok answers `unaudited_client_can_only_post_to_private_accounts`
   or `privacy_level_option_mismatch`), the post goes to the creator's **inbox as a draft**
   instead: `inbox/video/init` with FILE_UPLOAD and the file sent in chunks (`PUT upload_url`
   with Content-Range), or photos with `post_mode: MEDIA_UPLOAD`. Which of the two happened is
   kept and shown on the post page in Bahasa Indonesia.
3. `status/fetch` until PUBLISH_COMPLETE (with the public post id once moderation is done),
   SEND_TO_USER_INBOX, or FAILED with its reason.

The public URL of a post is not given by any field: `https://www.tiktok.com/@<username>/video/<id>`
is built from the creator's username and the post id (an inference, said so in the docs).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import httpx

from paseban.connectors.base import (
    Credentials,
    SendError,
    as_dict,
    as_list,
    http_error,
    ident,
    transport_error,
)
from paseban.connectors.media_post import (
    IMAGE,
    MediaPost,
    Published,
    Step,
    StepError,
    polls,
    safe_read,
    waited,
)
from paseban.connectors.tiktok_settings import CreatorInfo, TikTokChoices, problems

API = "https://open.tiktokapis.com/v2/post/publish"
POLL_SECONDS = 30.0  # status/fetch allows 30 a minute per user token
MODERATION_SECONDS = 300.0  # a public post's id comes after moderation: minutes to hours
PROCESSING_POLLS = 60
MODERATION_POLLS = 24
MiB = 1024 * 1024
WHOLE_UP_TO = 64 * MiB  # one chunk up to 64 MB; above, chunks of CHUNK (the last takes the rest)
CHUNK = 32 * MiB
DIRECT = "direct"
INBOX = "inbox"
MODE_LABELS = {
    DIRECT: "Diterbitkan langsung ke TikTok (Direct Post).",
    INBOX: (
        "Dikirim sebagai draf ke kotak masuk TikTok akun ini (aplikasi Paseban belum diaudit "
        "TikTok atau kreator tidak mengizinkan Direct Post): buka aplikasi TikTok untuk "
        "menyelesaikan unggahan."
    ),
}
# init refusals that mean "not allowed to post publicly from this app": go to the inbox
TO_INBOX = frozenset(
    {"unaudited_client_can_only_post_to_private_accounts", "privacy_level_option_mismatch"}
)
REFUSALS = {
    "spam_risk_too_many_posts": "batas unggahan harian akun ini di TikTok sudah tercapai",
    "spam_risk_user_banned_from_posting": "akun ini sedang dilarang mengunggah oleh TikTok",
    "reached_active_user_cap": "kuota kreator aktif aplikasi Paseban di TikTok sudah penuh",
    "url_ownership_unverified": (
        "alamat PASEBAN_BASE_URL belum diverifikasi sebagai milik aplikasi di TikTok "
        "(URL prefix atau domain)"
    ),
    "access_token_invalid": "token TikTok akun ini tidak berlaku lagi; hubungkan ulang akunnya",
    "scope_not_authorized": "token TikTok akun ini tanpa izin video.publish / video.upload",
}
FAIL_REASONS = {
    "file_format_check_failed": "format berkas ditolak TikTok",
    "duration_check_failed": "durasi video ditolak TikTok",
    "frame_rate_check_failed": "frame rate video ditolak TikTok",
    "picture_size_check_failed": "ukuran foto ditolak TikTok",
    "video_pull_failed": "TikTok gagal mengambil video dari tautan Paseban",
    "photo_pull_failed": "TikTok gagal mengambil foto dari tautan Paseban",
    "publish_cancelled": "unggahan dibatalkan",
    "auth_removed": "akun mencabut izin aplikasi Paseban",
    "spam_risk_too_many_posts": "batas unggahan harian akun ini tercapai",
    "spam_risk_text": "keterangan dianggap spam oleh TikTok",
}


def _error_code(response: httpx.Response) -> str:
    try:
        return str(as_dict(as_dict(response.json()).get("error")).get("code") or "")
    except ValueError:
        return ""


def chunks(size: int) -> tuple[int, int]:
    """Chunk size and count for FILE_UPLOAD: one whole chunk up to 64 MB; above, chunks of
    32 MB, `count = floor(size / chunk)`, the last one taking the rest (TikTok's rule)."""
    if size <= WHOLE_UP_TO:
        return size, 1
    return CHUNK, size // CHUNK


class TikTokMediaPublisher:
    platform = "tiktok"

    def call(
        self,
        client: httpx.Client,
        path: str,
        credentials: Credentials,
        body: Mapping[str, Any] | None,
        *,
        read: bool = False,
    ) -> dict[str, Any]:
        headers = {
            "Authorization": f"Bearer {credentials.token}",
            "Content-Type": "application/json; charset=UTF-8",
        }
        try:
            response = client.post(f"{API}/{path}", headers=headers, json=body or {})
        except httpx.HTTPError as exc:
            error = transport_error(exc, platform="tiktok")
            raise (safe_read(error) if read else error) from None
        if response.status_code >= 400:
            code = _error_code(response)
            if code in TO_INBOX:
                raise ToInbox(code)
            if code in REFUSALS:
                raise SendError(f"tiktok: {REFUSALS[code]} ({code})", retryable=False)
            if code == "rate_limit_exceeded":
                raise SendError(
                    "tiktok: dibatasi (rate_limit_exceeded)",
                    retryable=True,
                    rate_limited=True,
                    retry_after=60.0,
                )
            raise http_error(response, platform="tiktok")
        try:
            return as_dict(as_dict(response.json()).get("data"))
        except ValueError:
            raise SendError("tiktok: jawaban bukan JSON", retryable=True) from None

    def step(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: Mapping[str, Any],
        credentials: Credentials,
    ) -> Step:
        state = dict(state)
        phase = state.get("phase", "creator")
        if phase == "creator":
            return self.creator(client, post, credentials)
        if phase == "init":
            try:
                return self.init(client, post, state, credentials)
            except ToInbox as refused:
                if state["mode"] == INBOX:
                    raise SendError(f"tiktok: ditolak ({refused.code})", retryable=False) from None
                inbox = {**state, "mode": INBOX, "mode_label": MODE_LABELS[INBOX]}
                return Step(inbox, note=f"TikTok menolak Direct Post ({refused.code}); ke draf")
        if phase == "upload":
            return self.upload(client, post, state)
        if phase == "status":
            return self.status(client, post, state, credentials)
        raise SendError(f"tiktok: tahap {phase!r} tidak dikenal", retryable=False)

    def creator(self, client: httpx.Client, post: MediaPost, credentials: Credentials) -> Step:
        """Read the creator again and check the admin's choices against it (TikTok's required
        UX): a post without them, or with a choice the creator no longer allows, is refused;
        a privacy level the app may not use yet (unaudited) sends a draft to the inbox."""
        data = self.call(client, "creator_info/query/", credentials, None, read=True)
        info = CreatorInfo.parse(data)
        choices = TikTokChoices.load(post.options)
        longest = max((v.duration_ms or 0 for v in post.videos), default=0)
        wrong = problems(choices, info, is_video=post.is_video, longest_ms=longest, offered=False)
        if wrong:
            raise SendError("tiktok: " + " ".join(wrong), retryable=False)
        mode = DIRECT if choices.privacy_level in info.privacy_options else INBOX
        state = {
            "phase": "init",
            "mode": mode,
            "mode_label": MODE_LABELS[mode],
            "username": info.username or post.account.handle,
            "post_info": choices.post_info(info, is_video=post.is_video),
        }
        return Step(state, note="info kreator TikTok dibaca")

    def post_info(self, post: MediaPost, state: Mapping[str, Any]) -> dict[str, Any]:
        """The admin's choices exactly (kept from the creator step), with the caption."""
        info: dict[str, Any] = dict(state["post_info"])
        if post.is_video:
            info |= {"title": post.caption, "video_cover_timestamp_ms": post.cover_offset_ms or 0}
        else:
            title = post.title or post.caption.split("\n", 1)[0]
            info |= {"title": title[:90], "description": post.caption, "auto_add_music": True}
        return info

    def init(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: dict[str, Any],
        credentials: Credentials,
    ) -> Step:
        """One creating call: the publish (or the inbox upload) is started here."""
        if not post.items or (not post.is_video and any(m.kind != IMAGE for m in post.items)):
            raise SendError(
                "tiktok: satu unggahan berisi satu video atau beberapa foto", retryable=False
            )
        direct = state["mode"] == DIRECT
        if not post.is_video:
            body = {
                "media_type": "PHOTO",
                "post_mode": "DIRECT_POST" if direct else "MEDIA_UPLOAD",
                "post_info": self.post_info(post, state),
                "source_info": {
                    "source": "PULL_FROM_URL",
                    "photo_cover_index": 0,
                    "photo_images": [m.url for m in post.items],
                },
            }
            data = self.call(client, "content/init/", credentials, body)
            return Step({**state, "phase": "status", "publish_id": self.publish_id(data)})
        video = post.items[0]
        if direct:
            body = {
                "post_info": self.post_info(post, state),
                "source_info": {"source": "PULL_FROM_URL", "video_url": video.url},
            }
            data = self.call(client, "video/init/", credentials, body)
            return Step({**state, "phase": "status", "publish_id": self.publish_id(data)})
        size, count = chunks(video.size)
        source = {
            "source": "FILE_UPLOAD",
            "video_size": video.size,
            "chunk_size": size,
            "total_chunk_count": count,
        }
        data = self.call(client, "inbox/video/init/", credentials, {"source_info": source})
        upload_url = data.get("upload_url")
        if not isinstance(upload_url, str) or not upload_url.startswith("https://"):
            raise SendError("tiktok: jawaban init tanpa upload_url", retryable=False)
        kept = {"chunk_size": size, "chunks": count, "offset": 0, "upload_url": upload_url}
        return Step({**state, **kept, "phase": "upload", "publish_id": self.publish_id(data)})

    def publish_id(self, data: Mapping[str, Any]) -> str:
        found = ident(data.get("publish_id"))
        if found is None:
            raise SendError("tiktok: jawaban init tanpa publish_id", retryable=False)
        return found

    def upload(self, client: httpx.Client, post: MediaPost, state: dict[str, Any]) -> Step:
        """One chunk per step, in order; TikTok's Content-Range answer says how far it is."""
        video = post.items[0]
        total, offset = video.size, int(state["offset"])
        index = offset // int(state["chunk_size"])
        last = index >= int(state["chunks"]) - 1
        length = total - offset if last else int(state["chunk_size"])
        data = video.read(offset, length)
        headers = {
            "Content-Type": video.mime,
            "Content-Range": f"bytes {offset}-{offset + len(data) - 1}/{total}",
        }
        try:
            response = client.put(str(state["upload_url"]), content=data, headers=headers)
        except httpx.HTTPError as exc:  # the chunk is sent again: TikTok keeps what it has
            raise safe_read(transport_error(exc, platform="tiktok")) from None
        received = _received(response.headers.get("content-range", ""))
        if response.status_code == 201:
            return Step({**state, "phase": "status", "offset": total, "polls": 0})
        if response.status_code in (206, 416) and received is not None:
            note = f"video terkirim {received * 100 // max(total, 1)}% ke TikTok"
            return Step({**state, "offset": received}, note=note)
        if response.status_code in (403, 404):  # the upload URL lives an hour: start again
            raise StepError(
                "tiktok: tautan unggah kedaluwarsa; unggahan dimulai ulang",
                state={k: v for k, v in state.items() if k not in ("upload_url", "offset")}
                | {"phase": "init"},
                retryable=True,
            )
        raise http_error(response, platform="tiktok")

    def status(
        self,
        client: httpx.Client,
        post: MediaPost,
        state: dict[str, Any],
        credentials: Credentials,
    ) -> Step:
        data = self.call(
            client, "status/fetch/", credentials, {"publish_id": state["publish_id"]}, read=True
        )
        status = str(data.get("status") or "")
        publish_id = str(state["publish_id"])
        if status == "FAILED":
            reason = str(data.get("fail_reason") or "")
            again = reason in ("internal", "video_pull_failed", "photo_pull_failed")
            raise StepError(
                f"tiktok: gagal ({FAIL_REASONS.get(reason, reason or 'tanpa alasan')})",
                state={k: v for k, v in state.items() if k in ("mode", "mode_label")}
                | {"phase": "creator"},
                retryable=again,
            )
        if status == "SEND_TO_USER_INBOX":
            done = Published(publish_id, None, MODE_LABELS[INBOX], in_inbox=True)
            return Step(state, done=done)
        if status == "PUBLISH_COMPLETE":
            ids = [ident(i) for i in as_list(data.get("publicaly_available_post_id"))]
            found = next((i for i in ids if i), None)
            if found is not None:
                kind = "video" if post.is_video else "photo"
                link = f"https://www.tiktok.com/@{state['username']}/{kind}/{found}"
                return Step(state, done=Published(found, link, MODE_LABELS[DIRECT]))
            if state.get("post_info", {}).get("privacy_level") == "SELF_ONLY":
                note = "Terbit di TikTok sebagai “Hanya saya”: hanya pemilik akun yang melihatnya."
                return Step(state, done=Published(publish_id, None, note))
            if state["mode"] == INBOX or polls(state) >= MODERATION_POLLS:
                note = "Terbit di TikTok; tautan publik belum ada (menunggu moderasi TikTok)."
                return Step(state, done=Published(publish_id, None, note))
            waiting = {**state, "polls": polls(state) + 1}
            return Step(waiting, wait=MODERATION_SECONDS, note="menunggu moderasi TikTok")
        waiting = waited(state, PROCESSING_POLLS, "Video TikTok")
        return Step(waiting, wait=POLL_SECONDS, note=f"TikTok memproses ({status or '-'})")


class ToInbox(Exception):
    """TikTok refused a public post from this app: the draft-to-inbox flow is used instead."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def _received(content_range: str) -> int | None:
    """`bytes 0-<last>/<total>` -> the bytes TikTok holds."""
    try:
        last = int(content_range.split("-", 1)[1].split("/", 1)[0])
    except (IndexError, ValueError):
        return None
    return last + 1
