"""`paseban init`: migrations, the city's reference data and, with --sample, the sample data."""

from __future__ import annotations

import secrets
from importlib import resources

import click

from paseban.cli.common import Fail, friendly, open_context, progress_bar
from paseban.context import Context
from paseban.reference import city_wilayah
from paseban.sample import content as content_sample
from paseban.sample import measurement as sample_measurement
from paseban.services.ingest import files
from paseban.services.people import accounts, auth
from paseban.services.reference import cities
from paseban.services.reference import store as reference
from paseban.storage import migrate


@click.command()
@click.option(
    "--wilayah",
    "codes",
    multiple=True,
    default=["32.71"],
    show_default=True,
    help="Kode Kemendagri kota/kabupaten (32.71 = Kota Bogor); ulangi untuk beberapa kota "
    "dalam satu provinsi (--wilayah 32.71 --wilayah 32.01). Kota pertama yang dimuat menjadi "
    "kota bawaan; kota lain dapat ditambah kemudian.",
)
@click.option("--sample", is_flag=True, help="Muat juga data contoh (akun, pengguna, pesan warga).")
@friendly
def init(codes: tuple[str, ...], sample: bool) -> None:
    """Siapkan basis data: migrasi, data rujukan wilayah/OPD/topik, dan (opsional) data contoh."""

    for code in codes:  # every code checked before anything is stored
        city_wilayah(code)
    with open_context(migrated=False) as ctx:
        migrate.upgrade(ctx.engine)
        for code in dict.fromkeys(c.strip() for c in codes):
            counts = reference.load(ctx, code)
            added = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
            click.echo(f"wilayah {code} siap ({added or 'tidak ada yang baru'})")
        known = cities.cities(ctx)
        if len(known) > 1:
            click.echo(
                "kota/kabupaten: "
                + ", ".join(f"{c.name} ({c.code}, tiket {c.ticket_prefix}-)" for c in known)
            )
        note = reference.streets_note(ctx)
        if note:
            click.echo(note)
        if sample:
            load_sample(ctx)


def load_sample(ctx: Context) -> None:
    if reference.city_code(ctx) != "32.71":
        raise Fail("data contoh hanya tersedia untuk Kota Bogor (32.71)")
    folder = resources.files("paseban.data").joinpath("sample")
    with resources.as_file(folder) as path:
        report = accounts.import_csv(ctx, path / "accounts.csv", sample=True)
        click.echo(f"akun contoh: {report.summary().split(': ', 1)[1]}")
        users = accounts.import_users(ctx, path / "users.csv", sample=True)
        click.echo(f"pengguna contoh: {users.summary().split(': ', 1)[1]}")
        messages = files.ingest_file(ctx, path / "messages.jsonl", sample=True)
        click.echo(f"pesan contoh: {messages.summary().split(': ', 1)[1]}")
    load_sample_content(ctx)
    load_sample_measurement(ctx)
    sample_passwords(ctx)


def load_sample_content(ctx: Context) -> None:
    """Programs, a running campaign, drafts at every stage, profiles, training (issue 8)."""

    counts = content_sample.load(ctx)
    click.echo("konten contoh: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def load_sample_measurement(ctx: Context) -> None:
    """Three months of sample metrics, messages, replies and cases for the leaderboards."""

    with ctx.engine.connect() as conn:
        loaded = sample_measurement.already_loaded(conn)
    if not loaded:
        click.echo("data contoh pengukuran: tiga bulan kasus dijalani satu per satu (±1 menit)")
    with progress_bar() as progress:
        counts = sample_measurement.load(ctx, progress)
    if not counts:
        click.echo("data contoh pengukuran: sudah ada")
        return
    click.echo(
        "data contoh pengukuran (3 bulan): " + ", ".join(f"{v} {k}" for k, v in counts.items())
    )


def sample_passwords(ctx: Context) -> None:
    """Sample users get one random password, printed once, so `make run` has a way in."""

    password = secrets.token_urlsafe(9)
    names = auth.set_sample_passwords(ctx, password)
    if names:
        click.echo(
            f"kata sandi sekali-tampil untuk pengguna contoh ({', '.join(names)}): {password}"
        )
        click.echo(
            "  masuk di /masuk, mis. sebagai operator; ganti: paseban users set-password NAMA"
        )
    else:
        click.echo(
            "pengguna contoh sudah berkata sandi; atur ulang: paseban users set-password operator"
        )
