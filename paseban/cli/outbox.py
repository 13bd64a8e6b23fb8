"""`paseban outbox ...`: replies and posts waiting to go out."""

from __future__ import annotations

import click

from paseban.cli.common import friendly, open_context
from paseban.services.ingest import outbox as service


@click.group()
def outbox() -> None:
    """Balasan dan unggahan yang menunggu dikirim."""


@outbox.command("list")
@click.option("--status", type=click.Choice(["pending", "sent", "failed", "cancelled"]))
@click.option("--limit", default=50, show_default=True)
@friendly
def outbox_list(status: str | None, limit: int) -> None:
    """Tampilkan isi kotak keluar (tanpa teks balasan)."""

    with open_context() as ctx:
        rows = service.list_outbox(ctx, status=status, limit=limit)
    for r in rows:
        click.echo(
            f"{r['id']:>6} {r['platform']:<10} {r['kind']:<6} {r['status']:<10} "
            f"{r['attempts']:>2}x  {(r['last_error'] or '')[:70]}"
        )
    click.echo(f"{len(rows)} kiriman")


@outbox.command("send")
@friendly
def outbox_send() -> None:
    """Kirim sekarang yang sudah waktunya."""

    with open_context() as ctx:
        counts = service.send_due(ctx)
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()))


@outbox.command("retry")
@click.argument("outbox_id", type=int)
@friendly
def outbox_retry(outbox_id: int) -> None:
    """Coba lagi kiriman yang gagal (periksa dulu di platform bila hasilnya tidak pasti)."""

    with open_context() as ctx:
        service.retry(ctx, outbox_id)
    click.echo(f"kiriman {outbox_id} dijadwalkan ulang")


@outbox.command("cancel")
@click.argument("outbox_id", type=int)
@friendly
def outbox_cancel(outbox_id: int) -> None:
    """Batalkan kiriman yang belum terkirim."""

    with open_context() as ctx:
        service.cancel(ctx, outbox_id)
    click.echo(f"kiriman {outbox_id} dibatalkan")
