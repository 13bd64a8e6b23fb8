"""`paseban tokens ...`: API tokens for machines."""

from __future__ import annotations

import click

from paseban.cli.common import friendly, open_context
from paseban.services.people import auth


@click.group()
def tokens() -> None:
    """Token API untuk klien mesin (Authorization: Bearer ...)."""


@tokens.command("add")
@click.argument("name")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    required=True,
    help="Izin token, boleh berulang: cases:read, cases:write, messages:read, messages:write, "
    "pii:read, settings:write, audit:read.",
)
@click.option("--role", default="viewer", show_default=True, help="Peran yang dijalankan token.")
@click.option("--area", default=None, help="Kode wilayah atau OPD bila peran membutuhkannya.")
@click.option("--expires-days", type=int, default=None, help="Masa berlaku dalam hari.")
@click.option(
    "--kota",
    default=None,
    help="Kode kota/kabupaten (32.71) bila basis data memuat beberapa kota; terbaca sendiri "
    "dari cakupan wilayah/OPD. Peran provinsi tanpa kota.",
)
@friendly
def tokens_add(
    name: str,
    scopes: tuple[str, ...],
    role: str,
    area: str | None,
    expires_days: int | None,
    kota: str | None,
) -> None:
    """Buat token API; token ditampilkan sekali dan disimpan hanya sebagai sidik (hash)."""

    with open_context() as ctx:
        token = auth.create_token(
            ctx,
            name,
            scopes=scopes,
            role=role,
            area=area,
            expires_days=expires_days,
            actor="cli",
            kota=kota,
        )
    click.echo(f"token {name} dibuat; simpan sekarang, tidak akan ditampilkan lagi:")
    click.echo(token)


@tokens.command("list")
@friendly
def tokens_list() -> None:
    """Tampilkan token API (tanpa rahasianya)."""

    with open_context() as ctx:
        rows = auth.list_tokens(ctx)
    for r in rows:
        state = "dicabut" if r["revoked_at"] else "aktif"
        click.echo(
            f"{r['name']:<24} {r['prefix']}…  {state:<8} {r['role']:<16} "
            f"{r['scope_code'] or '-':<14} {','.join(r['permissions'])}"
        )
    click.echo(f"{len(rows)} token")


@tokens.command("revoke")
@click.argument("name")
@friendly
def tokens_revoke(name: str) -> None:
    """Cabut token API; permintaan berikutnya dengan token itu ditolak (401)."""

    with open_context() as ctx:
        auth.revoke_token(ctx, name, actor="cli")
    click.echo(f"token {name} dicabut")
