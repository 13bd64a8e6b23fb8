"""What the publishing tests share: Paseban served on 127.0.0.1 (the fakes fetch its signed
links), accounts on every platform with tokens, an approved post with media, and the outbox run
as the jobs run it (the clock moved on while a platform processes)."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx

from paseban.clock import FixedClock
from paseban.content import approvals as ap
from paseban.context import Context
from paseban.domain.accounts import Role, Scope
from paseban.services.content import media as library
from paseban.services.content import post_media, publishing
from paseban.services.content import posts as content
from paseban.services.ingest import outbox
from paseban.services.people import accounts
from paseban.services.people import credentials as creds
from paseban.web.app import create_app
from tests import mediafiles
from tests.fakes.server import serve_asgi

LURAH = ap.Person("lurah.batutulis", Role.KELURAHAN_ADMIN, Scope(wilayah="32.71.01.1001"))
CAMAT = ap.Person("camat.bogorselatan", Role.KECAMATAN_ADMIN, Scope(wilayah="32.71.01"))
TOKEN = "EAAGpageTokenMadeUp"
IG_ID = "17841400000000001"
PAGE_ID = "104000000000001"
TIKTOK_ID = "-000AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
YT_CHANNEL = "UCcontract0000000000000"
ACCOUNTS = f"""platform,handle,platform_account_id,owner_kind,owner_code,name
instagram,kelurahan.batutulis,{IG_ID},kelurahan,32.71.01.1001,Kelurahan Batu Tulis
facebook,kelurahan.batutulis.fb,{PAGE_ID},kelurahan,32.71.01.1001,Kelurahan Batu Tulis
tiktok,kelurahan.batutulis.tt,{TIKTOK_ID},kelurahan,32.71.01.1001,Kelurahan Batu Tulis
youtube,kelurahan.batutulis.yt,{YT_CHANNEL},kelurahan,32.71.01.1001,Kelurahan Batu Tulis
"""
CAPTION = (
    "Kerja bakti Minggu pagi di RW 03: saluran air bersih lagi. Terima kasih warga! "
    "#BogorBersih #KotaBogor"
)


def with_publishing_accounts(ctx: Context, tmp_path: Path) -> dict[str, int]:
    """One account of Kelurahan Batu Tulis on each publishing platform, each with a token."""
    csv = tmp_path / "publishing_accounts.csv"
    csv.write_text(ACCOUNTS, encoding="utf-8")
    accounts.import_csv(ctx, csv)
    found = {}
    for platform, handle in (
        ("instagram", "kelurahan.batutulis"),
        ("facebook", "kelurahan.batutulis.fb"),
        ("tiktok", "kelurahan.batutulis.tt"),
        ("youtube", "kelurahan.batutulis.yt"),
    ):
        found[platform] = creds.set_token(ctx, platform, handle, TOKEN, actor="test")
    return found


@contextmanager
def served(ctx: Context) -> Iterator[str]:
    """Paseban on 127.0.0.1 with PASEBAN_BASE_URL pointing at it (the platforms fetch there)."""
    with serve_asgi(create_app(ctx, start_jobs=False)) as base:
        ctx.settings = dataclasses.replace(ctx.settings, public_url=base)
        yield base


def photos(ctx: Context, sizes: Sequence[tuple[int, int]], *, seed: int = 60) -> list[int]:
    ids = []
    for n, (width, height) in enumerate(sizes):
        data = mediafiles.photo(width, height, seed=seed + n)
        ids.append(
            library.add_media(
                ctx,
                LURAH,
                library.Upload(f"kerja-bakti-{n + 1}.jpg", io.BytesIO(data), len(data)),
                library.Details(alt_text=f"Warga RW 03 membersihkan saluran air, foto {n + 1}"),
            )
        )
    return ids


def clip(ctx: Context, folder: Path, *, seconds: float = 4) -> int:
    mediafiles.require_ffmpeg()
    path = mediafiles.video(folder, seconds=seconds)
    data = path.read_bytes()
    return library.add_media(
        ctx,
        LURAH,
        library.Upload("festival.mp4", io.BytesIO(data), len(data)),
        library.Details(alt_text="Cuplikan festival budaya", captions_burned_in=True),
    )


# what a lurah picks in the editor's TikTok fieldset (stored harmlessly on other platforms' posts)
TIKTOK_CHOICES: dict[str, Any] = {"privacy_level": "PUBLIC_TO_EVERYONE", "allow_comment": True}


def approved_post(
    ctx: Context,
    account_id: int,
    media_ids: Sequence[int],
    *,
    body: str = CAPTION,
    title: str = "Kerja bakti RW 03",
    cover_offset_ms: int | None = None,
    options: dict[str, Any] | None = None,
) -> int:
    """A post with these media, submitted by the lurah and approved by the camat for an hour
    from now; `options`: the platform's required choices (TikTok: TIKTOK_CHOICES by default)."""
    choice = post_media.MediaChoice(
        post_media.attach_refs(media_ids, []), cover_offset_ms=cover_offset_ms
    )
    post_id = content.create_post(
        ctx,
        LURAH,
        content.PostInput(
            account_id,
            body,
            title=title,
            scheduled_at=ctx.now() + timedelta(hours=1),
            media=choice,
            platform_options=TIKTOK_CHOICES if options is None else options,
        ),
    )
    blockers = (content.get_post(ctx, LURAH, post_id)["quality"] or {})["blockers"]
    assert not blockers, blockers
    content.act(ctx, LURAH, post_id, "submit")
    post = content.act(ctx, CAMAT, post_id, "approve")
    assert post["status"] == "scheduled", post.get("quality")
    return post_id


def run_outbox(
    ctx: Context, clock: FixedClock, client: httpx.Client, *, rounds: int = 30
) -> dict[str, int]:
    """The publishing and outbox jobs, again and again, the clock moving to each row's next
    try (a platform still processing), until nothing is pending."""
    totals: dict[str, int] = {}
    clock.advance(timedelta(hours=1, minutes=1))
    for _ in range(rounds):
        publishing.publish_due(ctx)
        counts = outbox.send_due(ctx, client=client)
        for key, value in counts.items():
            totals[key] = totals.get(key, 0) + value
        pending = [r for r in outbox.list_outbox(ctx) if r["status"] == "pending"]
        if not pending:
            break
        due = min(r["next_attempt_at"] or ctx.now() for r in pending)
        if due > ctx.now():
            clock.advance(due - ctx.now())
    publishing.publish_due(ctx)
    return totals


def outbox_row(ctx: Context, post_id: int) -> dict[str, Any]:
    post = content.get_post(ctx, LURAH, post_id)
    found = next(r for r in outbox.list_outbox(ctx) if r["id"] == post["outbox_id"])
    return dict(found)
