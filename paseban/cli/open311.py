"""`paseban open311 key ...`: API keys for Open311 clients."""

from __future__ import annotations

import click

from paseban.cli.common import friendly, open_context
from paseban.services.cases import open311 as service


@click.group()
def open311() -> None:
    """Kunci API Open311 untuk aplikasi lain."""


@open311.group("key")
def open311_key() -> None:
    """Kelola kunci API Open311."""


@open311_key.command("add")
@click.argument("name")
@click.option(
    "--kota",
    default=None,
    help="Kode kota/kabupaten yang menerima laporannya (bawaan: kota pertama).",
)
@friendly
def open311_key_add(name: str, kota: str | None) -> None:
    """Buat kunci API baru; kunci hanya ditampilkan sekali."""

    with open_context() as ctx:
        key = service.add_key(ctx, name, kota=kota)
    click.echo(key)
    click.echo("simpan kunci ini: tidak akan ditampilkan lagi", err=True)


@open311_key.command("list")
@friendly
def open311_key_list() -> None:
    """Tampilkan kunci API (awalan saja)."""

    with open_context() as ctx:
        for k in service.list_keys(ctx):
            state = "aktif" if k["active"] else "dicabut"
            click.echo(f"{k['name']:<32} {k['prefix']}…  {state}  {k['city']}")


@open311_key.command("revoke")
@click.argument("name")
@friendly
def open311_key_revoke(name: str) -> None:
    """Cabut kunci API."""

    with open_context() as ctx:
        service.revoke_key(ctx, name)
    click.echo(f"kunci {name} dicabut")
