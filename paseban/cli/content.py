"""`paseban content ...`: programs, campaigns, drafts and their approval, the calendar, the
story bank, quiet accounts and the admin network. A thin layer over the services; commands that
act on someone's behalf take --as USERNAME (the same scope rules as the dashboard)."""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from paseban.cli.common import Fail, friendly, open_context, progress_bar
from paseban.content import approvals as ap
from paseban.content.calendar import week_start
from paseban.csvfiles import read_rows
from paseban.domain.accounts import Role, Scope
from paseban.errors import BadFile, LineError
from paseban.sample import content as content_sample
from paseban.services.content import (
    access,
    checking,
    network,
    planning,
    programs,
    publishing,
    stories,
)
from paseban.services.content import posts as service
from paseban.services.reference import cities

if TYPE_CHECKING:
    from paseban.context import Context

AS = click.option("--as", "username", required=True, help="Bertindak sebagai pengguna ini.")
KOTA = click.option(
    "--kota", default=None, help="Hanya kota/kabupaten ini (kode wilayah; bawaan: semua)."
)


def _server(ctx: Context, kota: str | None) -> ap.Person:
    """The server's own reading, without --as: every city, or the one --kota names."""
    chosen = cities.choose(cities.cities(ctx), kota)
    return ap.Person("sistem", Role.PROVINCE, Scope(city=chosen))


def _dump(value: Any) -> None:
    click.echo(json.dumps(value, default=str, ensure_ascii=False, indent=1))


def _when(raw: str | None) -> datetime | None:
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise Fail(f"waktu {raw!r} tidak sah (contoh: 2026-12-01T09:00+07:00)") from None
    if value.tzinfo is None:
        raise Fail(f"waktu {raw!r} butuh zona waktu, mis. +07:00")
    return value


@click.group()
def content() -> None:
    """Konten: program prioritas, kampanye, draf dan persetujuan, kalender, cerita wilayah."""


@content.command("check")
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True), default="-")
@click.option("--platform", default="instagram", show_default=True)
@click.option("--type", "content_type", default="informasi", show_default=True)
@click.option("--program", "program", default=None, help="Kode program prioritas.")
@click.option("--json", "as_json", is_flag=True)
@friendly
def content_check(
    file: str, platform: str, content_type: str, program: str | None, as_json: bool
) -> None:
    """Periksa kualitas draf (teks dari berkas atau stdin): skor 0-100 dan alasannya."""

    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
    except OSError as exc:
        raise Fail(f"{file}: tidak dapat dibaca: {exc.strerror}") from None
    with open_context() as ctx:
        program_id = programs.get_program(ctx, ap.SYSTEM, program)["id"] if program else None
        report = checking.check_draft(
            ctx, checking.CheckInput(text, platform, content_type, program_id)
        )
    if as_json:
        _dump(report.as_dict())
        return
    click.echo(f"skor {report.score}/100: {report.grade_label}")
    for point in report.points:
        click.echo(f"- {point.label} ({point.earned:.0f}/{point.weight}, {point.level})")
        for reason in point.reasons:
            click.echo(f"    {reason}")
    if report.blockers:
        click.echo("menghalangi: " + " ".join(report.blockers))


@content.command("programs")
@KOTA
@click.option("--json", "as_json", is_flag=True)
@friendly
def content_programs(kota: str | None, as_json: bool) -> None:
    """Daftar program prioritas."""

    with open_context() as ctx:
        rows = programs.list_programs(ctx, _server(ctx, kota))
    if as_json:
        _dump(rows)
        return
    for r in rows:
        tags = " ".join(r["hashtags"])
        click.echo(
            f"{r['code']:<20} {r['owner_opd']:<14} {r['published_posts']:>3} unggahan  "
            f"{r['name']}  {tags}"
        )
    click.echo(f"{len(rows)} program")


@content.command("program-import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@AS
@friendly
def content_program_import(file: str, username: str) -> None:
    """Tambah/perbarui program dari JSON: daftar objek {code, name, owner_opd, ...}."""

    with open_context() as ctx, progress_bar() as progress:
        who = access.person(ctx, username)
        try:
            items = json.loads(Path(file).read_text(encoding="utf-8"))
        except json.JSONDecodeError as exc:
            raise Fail(f"{file}:{exc.lineno}: JSON tidak sah: {exc.msg}") from None
        if not isinstance(items, list):
            raise Fail(f"{file}: isinya harus daftar program")
        count = content_sample.save_programs(ctx, who, items, source=file, progress=progress)
    click.echo(f"{count} program disimpan")


@content.command("campaigns")
@AS
@friendly
def content_campaigns(username: str) -> None:
    """Kampanye yang menyasar akun Anda, dengan kemajuan unggahan."""

    with open_context() as ctx:
        rows = programs.list_campaigns(ctx, access.person(ctx, username))
    for r in rows:
        s = r["summary"]
        state = "berjalan" if r["running"] else "selesai/belum mulai"
        click.echo(
            f"{r['code']:<22} {r['starts_on']}..{r['ends_on']} {state:<20} "
            f"terbit {s['terbit']}/{s['total']} ({s['percent_terbit']}%)  {r['title']}"
        )


@content.command("posts")
@AS
@click.option("--status", default=None)
@click.option("--waiting", is_flag=True, help="Hanya yang menunggu tinjauan Anda.")
@friendly
def content_posts(username: str, status: str | None, waiting: bool) -> None:
    """Draf dan unggahan akun Anda."""

    with open_context() as ctx:
        rows, total = service.list_posts(
            ctx, access.person(ctx, username), status=status, waiting_for_me=waiting
        )
    for r in rows:
        click.echo(
            f"{r['id']:>5} {r['status_label']:<24} {r['quality_score'] or 0:>3}  "
            f"{r['account']['handle']:<28} {(r['title'] or r['body'])[:50]}"
        )
    click.echo(f"{len(rows)} dari {total} konten")


@content.command("act")
@click.argument("post_id", type=int)
@click.argument(
    "action",
    type=click.Choice(
        ["submit", "approve", "return", "schedule", "unschedule", "published", "cancel", "comment"]
    ),
)
@AS
@click.option("--note", default="", help="Catatan (wajib untuk return dan comment).")
@click.option("--at", "when", default=None, help="Waktu terbit untuk schedule (ISO, +07:00).")
@click.option("--external-id", default=None, help="ID unggahan di platform (published).")
@friendly
def content_act(
    post_id: int, action: str, username: str, note: str, when: str | None, external_id: str | None
) -> None:
    """Ajukan, setujui, kembalikan, jadwalkan, tandai terbit, batalkan, atau komentari."""

    with open_context() as ctx:
        post = service.act(
            ctx,
            access.person(ctx, username),
            post_id,
            action,
            note=note,
            scheduled_at=_when(when),
            external_id=external_id,
        )
    click.echo(f"konten {post_id}: {post['status_label']}")


@content.command("calendar")
@AS
@click.option("--account", "handle", default=None, help="Handle akun (bawaan: semua akun Anda).")
@click.option("--start", default=None, help="Tanggal awal (bawaan: Senin pekan ini).")
@click.option("--days", default=7, show_default=True)
@friendly
def content_calendar(username: str, handle: str | None, start: str | None, days: int) -> None:
    """Kalender konten: tema harian, draf, jadwal, unggahan, dan hari yang kosong."""

    with open_context() as ctx:
        who = access.person(ctx, username)
        account_id = None
        if handle:
            with ctx.engine.connect() as conn:
                found = [
                    a for a in access.visible_accounts(ctx, conn, who) if a["handle"] == handle
                ]
            if not found:
                raise Fail(f"akun {handle!r} tidak ada atau di luar cakupan Anda")
            account_id = found[0]["id"]
        try:
            first = (
                date.fromisoformat(start)
                if start
                else week_start(ctx.now().astimezone(ctx.tz).date())
            )
        except ValueError:
            raise Fail(f"tanggal {start!r} tidak sah (contoh: 2026-11-30)") from None
        calendar, _ = planning.calendar(ctx, who, start=first, days=days, account_id=account_id)
    for day in calendar:
        theme = day.pillar.label if day.pillar else "-"
        click.echo(f"{day.label:<7} {day.day}  {theme}")
        for e in day.entries:
            click.echo(f"    [{e.status}] {e.title}")
        if day.gap:
            click.echo(f"    ! {day.gap}")


@content.command("ideas")
@AS
@click.option("--days", default=30, show_default=True)
@friendly
def content_ideas(username: str, days: int) -> None:
    """Ide cerita dari pesan apresiasi dan informasi warga, per kelurahan."""

    with open_context() as ctx:
        ideas = stories.story_ideas(ctx, access.person(ctx, username), days=days)
    for i in ideas:
        click.echo(f"{i['kelurahan_name']}: {i['why']}\n    “{i['headline']}”")
    click.echo(f"{len(ideas)} ide")


@content.command("quiet")
@AS
@friendly
def content_quiet(username: str) -> None:
    """Akun yang lama tidak mengunggah atau tidak menjawab warga."""

    with open_context() as ctx:
        rows = publishing.quiet_alerts(ctx, access.person(ctx, username))
    for r in rows:
        click.echo(
            f"{r['platform']:<10} {r['handle']:<30} {r['kind_label']} {r['quiet_days']} hari"
        )
    click.echo(f"{len(rows)} akun ditandai")


@content.command("quiet-days")
@AS
@click.option("--post", type=int, required=True, help="Hari tanpa unggahan sebelum ditandai.")
@click.option("--answer", type=int, required=True, help="Hari tanpa jawaban sebelum ditandai.")
@friendly
def content_quiet_days(username: str, post: int, answer: int) -> None:
    """Atur batas hari akun sepi (disimpan di basis data)."""

    with open_context() as ctx:
        publishing.set_quiet_days(ctx, access.person(ctx, username), post=post, answer=answer)
    click.echo(f"akun ditandai setelah {post} hari tanpa unggahan / {answer} hari tanpa jawaban")


@content.command("session")
@AS
@click.option("--kind", type=click.Choice(["pelatihan", "kopdar"]), required=True)
@click.option("--title", required=True)
@click.option("--at", "when", required=True, help="Waktu mulai (ISO, +07:00).")
@click.option("--place", default="")
@click.option("--kecamatan", default=None, help="Kode kecamatan untuk pelatihan keliling.")
@friendly
def content_session(
    username: str, kind: str, title: str, when: str, place: str, kecamatan: str | None
) -> None:
    """Buat sesi pelatihan atau kopdar; mencetak kode hadir."""

    held_at = _when(when)
    assert held_at is not None
    with open_context() as ctx:
        made = network.create_session(
            ctx,
            access.person(ctx, username),
            kind=kind,
            title=title,
            held_at=held_at,
            place=place,
            kecamatan=kecamatan,
        )
        url = network.checkin_url(ctx, made["checkin_code"])
    click.echo(f"sesi {made['id']} dibuat; kode hadir {made['checkin_code']} ({url})")


@content.command("checkin")
@click.argument("code")
@AS
@friendly
def content_checkin(code: str, username: str) -> None:
    """Isi daftar hadir dengan kode yang ditampilkan di acara."""

    with open_context() as ctx:
        result = network.check_in(ctx, access.person(ctx, username), code)
    already = " (sudah tercatat sebelumnya)" if result["already"] else ""
    click.echo(f"hadir di “{result['title']}”{already}")


@content.command("training-report")
@click.argument("session_id", type=int)
@AS
@friendly
def content_training_report(session_id: int, username: str) -> None:
    """Sebelum/sesudah pelatihan: skor kualitas, unggahan, dan median waktu balas per akun."""

    def show(value: Any) -> str:
        return "-" if value is None else str(value)

    with open_context() as ctx:
        result = network.before_after(ctx, access.person(ctx, username), session_id)
    click.echo(
        f"jendela {result['window_days']} hari" + (" (masih berjalan)" if result["running"] else "")
    )
    for r in result["rows"]:
        b, a = r["before"], r["after"]
        click.echo(
            f"{r['account']['handle']:<28} kualitas {show(b['quality'])} -> {show(a['quality'])}; "
            f"unggahan {b['posts']} -> {a['posts']}; balas {show(b['reply_minutes'])} -> "
            f"{show(a['reply_minutes'])} menit"
        )


@content.command("metrics-import")
@click.argument("file", type=click.Path(dir_okay=False, exists=True))
@friendly
def content_metrics_import(file: str) -> None:
    """Impor angka unggahan dari CSV: platform, external_id, likes, comments, shares, saves,
    reach, views (kolom angka boleh kosong)."""

    numbers = ("likes", "comments", "shares", "saves", "reach", "views")
    errors: list[LineError] = []
    parsed: list[tuple[str, str, dict[str, int]]] = []
    for line, row in read_rows(file, ("platform", "external_id")):
        if "__error__" in row:
            errors.append(LineError(file, line, row["__error__"]))
            continue
        try:
            metrics = {k: int(row[k]) for k in numbers if row.get(k, "").strip()}
        except ValueError:
            errors.append(LineError(file, line, "angka metrik tidak sah"))
            continue
        if any(v < 0 for v in metrics.values()):  # checked here: all lines or none
            errors.append(LineError(file, line, "angka metrik harus ≥ 0"))
            continue
        parsed.append((row["platform"], row["external_id"], metrics))
    if errors:
        raise BadFile(errors)
    with open_context() as ctx, progress_bar() as progress:
        found, missing = programs.record_many_metrics(ctx, parsed, progress=progress)
    click.echo(f"{found} unggahan diperbarui, {missing} tidak dikenal")
