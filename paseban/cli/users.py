"""`paseban users ...`: the people who work the accounts and the desk."""

from __future__ import annotations

import secrets
import sys

import click

from paseban.cli.common import Fail, friendly, open_context, run_import
from paseban.services.people import accounts as service
from paseban.services.people import auth, notify_whatsapp, officers


@click.group()
def users() -> None:
    """Pengguna, peran, dan cakupan."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    help="province_operator, diskominfo, kecamatan_admin, kelurahan_admin, opd_officer, viewer",
)
@click.option("--scope", default=None, help="Kode wilayah atau OPD sesuai peran.")
@click.option(
    "--kota",
    default=None,
    help="Kode kota/kabupaten (32.71) bila basis data memuat beberapa kota; terbaca sendiri "
    "dari cakupan wilayah/OPD. Peran provinsi tanpa kota.",
)
@click.option("--name", "full_name", default="")
@click.option("--email", default=None, help="Alamat e-mail untuk notifikasi.")
@click.option("--password-stdin", is_flag=True, help="Baca kata sandi dari stdin.")
@friendly
def users_add(
    username: str,
    role: str,
    scope: str | None,
    full_name: str,
    email: str | None,
    password_stdin: bool,
    kota: str | None,
) -> None:
    """Tambah pengguna."""

    password = sys.stdin.readline().rstrip("\n") if password_stdin else None
    with open_context() as ctx:
        try:
            service.add_user(
                ctx,
                username,
                role=role,
                scope=scope,
                full_name=full_name,
                password=password,
                email=email,
                kota=kota,
            )
        except ValueError as exc:
            raise Fail(str(exc)) from None
    click.echo(f"pengguna {username.lower()} ditambahkan")


@users.command("set-email")
@click.argument("username")
@click.argument("email")
@friendly
def users_set_email(username: str, email: str) -> None:
    """Atur alamat e-mail notifikasi pengguna ("" untuk menghapusnya)."""

    with open_context() as ctx:
        service.set_email(ctx, username, email, actor="cli")
    click.echo(f"e-mail {username.lower()} {'disimpan' if email else 'dihapus'}")


@users.command("set-whatsapp")
@click.argument("username")
@click.argument("phone")
@click.option(
    "--opt-in", "opt_in", default="", help="Bagaimana petugas menyetujui (wajib untuk nomor baru)."
)
@click.option(
    "--channel",
    type=click.Choice(["whatsapp", "email", "both"]),
    default="whatsapp",
    show_default=True,
    help="Saluran notifikasi pilihan pengguna (both: WhatsApp dan e-mail).",
)
@friendly
def users_set_whatsapp(username: str, phone: str, opt_in: str, channel: str) -> None:
    """Atur nomor WhatsApp notifikasi pengguna dengan persetujuannya ("" untuk menghapus)."""

    with open_context() as ctx:
        user = service.get_user(ctx, username)
        officers.set_whatsapp(
            ctx, int(user["id"]), phone=phone, opt_in=opt_in, channel=channel, actor="cli"
        )
    click.echo(f"WhatsApp {username.lower()} {'disimpan' if phone else 'dihapus'}")


@users.command("whatsapp-report")
@click.option("--days", type=click.IntRange(1, 366), default=7, show_default=True)
@friendly
def users_whatsapp_report(days: int) -> None:
    """Berapa notifikasi WhatsApp aduan baru sampai ke petugas, dan berapa lama dari komentar
    warga."""

    with open_context() as ctx:
        click.echo(notify_whatsapp.latency_report(ctx, days).line())


@users.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Baca kata sandi dari stdin.")
@friendly
def users_set_password(username: str, password_stdin: bool) -> None:
    """Atur kata sandi pengguna (tanpa --password-stdin: dibuat acak dan ditampilkan sekali).
    Semua sesi pengguna itu berakhir."""

    generated = not password_stdin
    password = secrets.token_urlsafe(12) if generated else sys.stdin.readline().rstrip("\n")
    with open_context() as ctx:
        auth.set_password(ctx, username, password, actor="cli")
    click.echo(f"kata sandi {username.lower()} diatur")
    if generated:
        click.echo(f"kata sandi baru (sekali tampil): {password}")


@users.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--skip-bad", is_flag=True)
@friendly
def users_import(file: str, skip_bad: bool) -> None:
    """Impor pengguna dari CSV: username, full_name, role, scope."""

    run_import(service.import_users, file, skip_bad=skip_bad)


@users.command("list")
@friendly
def users_list() -> None:
    """Tampilkan pengguna."""

    with open_context() as ctx:
        for r in service.list_users(ctx):
            mail = "e-mail" if r.get("email") else "-"
            click.echo(f"{r['username']:<24} {r['role']:<16} {r['scope_code'] or '-':<16} {mail}")
