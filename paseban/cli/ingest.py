"""Messages in: `paseban ingest` (a file export), `paseban poll` and `paseban manual`."""

from __future__ import annotations

import sys

import click

from paseban.cli.common import Fail, friendly, open_context, run_import
from paseban.connectors.files import parse_time
from paseban.services.ingest import files, polling
from paseban.services.ingest.manual import record_manual
from paseban.services.people import accounts
from paseban.services.people.accounts import find_account


@click.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--skip-bad", is_flag=True, help="Simpan baris yang baik, laporkan yang buruk.")
@click.option("--platform", default=None, help="Platform, bila berkas ekspor tidak memuatnya.")
@click.option("--account", default=None, help="Akun penerima, bila berkas tidak memuatnya.")
@friendly
def ingest(file: str, skip_bad: bool, platform: str | None, account: str | None) -> None:
    """Masukkan pesan warga dari berkas JSONL atau CSV ekspor platform (- untuk JSONL dari stdin);
    pesan yang sama disimpan sekali."""

    run_import(files.ingest_file, file, skip_bad=skip_bad, platform=platform, account=account)


@click.command()
@click.option("--platform", default=None, help="Hanya satu platform: x, youtube, tiktok.")
@click.option("--account", "handle", default=None, help="Hanya satu akun (dengan --platform).")
@friendly
def poll(platform: str | None, handle: str | None) -> None:
    """Tarik sekarang komentar/mention dari X, YouTube, dan TikTok (kursor disimpan per halaman)."""

    with open_context() as ctx:
        if handle:
            if not platform:
                raise Fail("--account perlu --platform")
            with ctx.engine.connect() as conn:
                account = find_account(conn, platform, handle)
            if account is None:
                raise Fail(f"akun {handle!r} di {platform} tidak terdaftar")
            ids = [int(account["id"])]
        else:
            ids = [
                i
                for i in polling.due_accounts(ctx)
                if platform is None or accounts.account_platform(ctx, i) == platform
            ]
        with polling.http_client() as client:
            for account_id in ids:
                report = polling.poll_account(ctx, account_id, client=client)
                state = report.skipped or report.error or "ok"
                click.echo(
                    f"{report.account:<40} {report.pages} halaman, {report.stored} baru, "
                    f"{report.duplicates} sudah ada: {state}"
                )
    click.echo(f"{len(ids)} akun ditarik")


@click.command()
@click.option("--wilayah", required=True, help="Kode kelurahan/kecamatan tempat laporan diterima.")
@click.option("--text", "text", default="-", help="Isi laporan (- untuk membaca dari stdin).")
@click.option("--author", default="", help="Nama pelapor.")
@click.option("--contact", default=None, help="Kontak pelapor (disimpan, tidak dicatat di log).")
@click.option("--time", "when", default=None, help="Waktu laporan (ISO 8601); bawaan: sekarang.")
@click.option("--ref", "reference", default=None, help="Nomor formulir: mencegah entri ganda.")
@click.option("--by", "actor", default="cli", show_default=True, help="Petugas yang mencatat.")
@friendly
def manual(
    wilayah: str,
    text: str,
    author: str,
    contact: str | None,
    when: str | None,
    reference: str | None,
    actor: str,
) -> None:
    """Catat aduan yang diterima langsung (warga lapor langsung, telepon, rapat)."""

    body = sys.stdin.read() if text == "-" else text
    with open_context() as ctx:
        report = record_manual(
            ctx,
            wilayah=wilayah,
            text=body,
            actor=actor,
            author=author,
            contact=contact,
            reported_at=parse_time(when) if when else None,
            reference=reference,
        )
    state = "dicatat" if report.created else "sudah pernah dicatat"
    click.echo(f"laporan {report.external_id} {state} (pesan #{report.message_id})")
