"""`paseban accounts ...`: the registry of official accounts and their platform tokens."""

from __future__ import annotations

import json
import sys

import click

from paseban.cli.common import Fail, friendly, open_context, run_import
from paseban.connectors.base import SendError
from paseban.connectors.files import parse_time
from paseban.services.ingest import subscriptions
from paseban.services.people import accounts as service
from paseban.services.people import credentials


@click.group()
def accounts() -> None:
    """Daftar akun resmi."""


@accounts.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--skip-bad", is_flag=True, help="Simpan baris yang baik, laporkan yang buruk.")
@friendly
def accounts_import(file: str, skip_bad: bool) -> None:
    """Impor akun dari CSV: platform, handle, platform_account_id, owner_kind, owner_code, name."""

    run_import(service.import_csv, file, skip_bad=skip_bad)


@accounts.command("list")
@click.option("--json", "as_json", is_flag=True)
@friendly
def accounts_list(as_json: bool) -> None:
    """Tampilkan akun resmi."""

    with open_context() as ctx:
        rows = service.list_accounts(ctx)
    if as_json:
        click.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['platform']:<10} {r['handle']:<32} {r['owner_kind']:<10} {r['owner_code']}")
    click.echo(f"{len(rows)} akun")


@accounts.command("token")
@click.argument("platform")
@click.argument("handle")
@click.option("--remove", is_flag=True, help="Hapus token akun ini.")
@click.option("--expires", default=None, help="Kedaluwarsa (ISO 8601), bila diketahui.")
@click.option("--business-id", default=None, help="TikTok: business_id akun.")
@click.option(
    "--with-refresh", is_flag=True, help="Baris kedua stdin: refresh token (X, YouTube, TikTok)."
)
@click.option("--page-id", default=None, help="Instagram: id Page yang tertaut (pesan langsung).")
@click.option(
    "--instagram-login", is_flag=True, help="Instagram tanpa Page: token pengguna Instagram."
)
@friendly
def accounts_token(
    platform: str,
    handle: str,
    remove: bool,
    expires: str | None,
    business_id: str | None,
    with_refresh: bool,
    page_id: str | None,
    instagram_login: bool,
) -> None:
    """Simpan token akses satu akun (dibaca dari stdin, tidak pernah dari argumen atau log)."""

    with open_context() as ctx:
        if remove:
            removed = credentials.remove_token(ctx, platform, handle)
            click.echo("token dihapus" if removed else "akun ini tidak punya token")
            return
        token = sys.stdin.readline().strip()
        expires_at = parse_time(expires) if expires else None
        extra: dict[str, str] = {"business_id": business_id} if business_id else {}
        if page_id:
            extra["page_id"] = page_id
        if instagram_login:
            extra["flow"] = "instagram_login"
        if with_refresh:
            refresh_token = sys.stdin.readline().strip()
            if not refresh_token:
                raise Fail("refresh token (baris kedua stdin) kosong")
            extra["refresh_token"] = refresh_token
        credentials.set_token(
            ctx, platform, handle, token, actor="cli", expires_at=expires_at, extra=extra
        )
    click.echo(f"token {platform}:{handle} disimpan")


@accounts.command("subscribe")
@click.argument("platform")
@click.argument("handle")
@friendly
def accounts_subscribe(platform: str, handle: str) -> None:
    """Langganankan webhook akun ke Paseban (Page Facebook: feed, pesan, echo, suntingan,
    standby), dengan token akun itu."""

    with open_context() as ctx:
        try:
            fields = subscriptions.subscribe(ctx, platform, handle)
        except SendError as exc:
            raise Fail(str(exc)) from None
    click.echo(f"{platform}:{handle} berlangganan: {', '.join(fields)}")


@accounts.command("tokens")
@friendly
def accounts_tokens() -> None:
    """Akun yang sudah punya token (tanpa menampilkan tokennya)."""

    with open_context() as ctx:
        rows = credentials.status(ctx)
    for r in rows:
        until = f"s.d. {r['expires_at']:%Y-%m-%d}" if r["expires_at"] else "tanpa batas"
        click.echo(f"{r['platform']:<10} {r['handle']:<32} {until:<16} oleh {r['updated_by']}")
    click.echo(f"{len(rows)} akun bertoken")
