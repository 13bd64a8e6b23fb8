"""The `paseban` command: a thin layer over services."""

from __future__ import annotations

import functools
import json
import secrets
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any, TypeVar, cast

import click
from click_default_group import DefaultGroup

from paseban import __version__, logs
from paseban.context import Context
from paseban.errors import PasebanError
from paseban.reference import UnknownWilayah
from paseban.settings import PLACEHOLDER_SECRETS, Settings, SettingsError
from paseban.storage import db, migrate

F = TypeVar("F", bound=Callable[..., Any])


class Fail(click.ClickException):
    """One line on stderr, exit code 1."""

    def show(self, file: Any = None) -> None:
        click.echo(f"galat: {self.format_message()}", err=True)


def friendly(func: F) -> F:
    """Turn known errors into one clear line and a non-zero exit code."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (PasebanError, db.DatabaseUnavailable, SettingsError, UnknownWilayah) as exc:
            raise Fail(str(exc)) from None

    return wrapper  # type: ignore[return-value]


def settings_from_env() -> Settings:
    try:
        return Settings.from_env()
    except SettingsError as exc:
        raise Fail(str(exc)) from None


@contextmanager
def open_context(*, migrated: bool = True, jobs: str = "eager") -> Iterator[Context]:
    settings = settings_from_env()
    logs.configure(settings.log_level, settings.log_format)
    ctx = Context.create(settings, jobs_backend=jobs)
    try:
        db.check(ctx.engine)
        if migrated and not migrate.is_current(ctx.engine):
            raise Fail(
                "basis data belum disiapkan atau versinya lama; jalankan `paseban init` dulu"
            )
        yield ctx
    except db.DatabaseUnavailable as exc:
        raise Fail(str(exc)) from None
    finally:
        ctx.close()


@click.group(
    cls=cast(type[click.Group], DefaultGroup),  # untyped library: typed as the group it is
    default="serve",
    default_if_no_args=True,
)
@click.version_option(__version__, prog_name="paseban")
def cli() -> None:
    """Paseban: jejaring akun medsos kelurahan/kecamatan dan meja aduan warga."""


# --- setup ---------------------------------------------------------------------------------------


@cli.command()
@click.option(
    "--wilayah",
    "code",
    default="32.71",
    show_default=True,
    help="Kode Kemendagri kota/kabupaten (32.71 = Kota Bogor).",
)
@click.option("--sample", is_flag=True, help="Muat juga data contoh (akun, pengguna, pesan warga).")
@friendly
def init(code: str, sample: bool) -> None:
    """Siapkan basis data: migrasi, data rujukan wilayah/OPD/topik, dan (opsional) data contoh."""
    from paseban.services import reference

    with open_context(migrated=False) as ctx:
        migrate.upgrade(ctx.engine)
        counts = reference.load(ctx, code)
        city = reference.city_code(ctx)
        added = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
        click.echo(f"wilayah {city} siap ({added or 'tidak ada yang baru'})")
        if sample:
            load_sample(ctx)


def load_sample(ctx: Context) -> None:
    from paseban.services import accounts, ingest, reference

    if reference.city_code(ctx) != "32.71":
        raise Fail("data contoh hanya tersedia untuk Kota Bogor (32.71)")
    folder = resources.files("paseban.data").joinpath("sample")
    with resources.as_file(folder) as path:
        report = accounts.import_csv(ctx, path / "accounts.csv", sample=True)
        click.echo(f"akun contoh: {report.summary().split(': ', 1)[1]}")
        users = accounts.import_users(ctx, path / "users.csv", sample=True)
        click.echo(f"pengguna contoh: {users.summary().split(': ', 1)[1]}")
        messages = ingest.ingest_file(ctx, path / "messages.jsonl", sample=True)
        click.echo(f"pesan contoh: {messages.summary().split(': ', 1)[1]}")
    load_sample_content(ctx)
    load_sample_measurement(ctx)
    sample_passwords(ctx)


def load_sample_content(ctx: Context) -> None:
    """Programs, a running campaign, drafts at every stage, profiles, training (issue 8)."""
    from paseban.services import content_sample

    counts = content_sample.load(ctx)
    click.echo("konten contoh: " + ", ".join(f"{v} {k}" for k, v in counts.items()))


def load_sample_measurement(ctx: Context) -> None:
    """Three months of sample metrics, messages, replies and cases for the leaderboards."""
    from paseban.services import sample_measurement

    counts = sample_measurement.load(ctx)
    if not counts:
        click.echo("data contoh pengukuran: sudah ada")
        return
    click.echo(
        "data contoh pengukuran (3 bulan): " + ", ".join(f"{v} {k}" for k, v in counts.items())
    )


def sample_passwords(ctx: Context) -> None:
    """Sample users get one random password, printed once, so `make run` has a way in."""
    from paseban.services import auth

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


@cli.group()
def db_group() -> None:
    """Migrasi basis data."""


cli.add_command(db_group, name="db")


@db_group.command("upgrade")
@click.option("--revision", default="head", show_default=True)
@friendly
def db_upgrade(revision: str) -> None:
    """Jalankan migrasi sampai versi terbaru."""
    with open_context(migrated=False) as ctx:
        migrate.upgrade(ctx.engine, revision)
        click.echo(f"basis data pada versi {migrate.current(ctx.engine)}")


@db_group.command("current")
@friendly
def db_current() -> None:
    """Tampilkan versi skema basis data."""
    with open_context(migrated=False) as ctx:
        now, head = migrate.current(ctx.engine), migrate.head(ctx.engine)
        click.echo(f"versi {now or '(kosong)'}; terbaru {head}")


# --- accounts and users --------------------------------------------------------------------------


@cli.group()
def accounts() -> None:
    """Daftar akun resmi."""


@accounts.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--skip-bad", is_flag=True, help="Simpan baris yang baik, laporkan yang buruk.")
@friendly
def accounts_import(file: str, skip_bad: bool) -> None:
    """Impor akun dari CSV: platform, handle, platform_account_id, owner_kind, owner_code, name."""
    from paseban.services import accounts as service

    with open_context() as ctx:
        report = service.import_csv(ctx, file, skip_bad=skip_bad)
    for problem in report.skipped:
        click.echo(f"dilewati: {problem}", err=True)
    click.echo(report.summary())


@accounts.command("list")
@click.option("--json", "as_json", is_flag=True)
@friendly
def accounts_list(as_json: bool) -> None:
    """Tampilkan akun resmi."""
    from paseban.services import accounts as service

    with open_context() as ctx:
        rows = service.list_accounts(ctx)
    if as_json:
        click.echo(json.dumps(rows, default=str, ensure_ascii=False, indent=1))
        return
    for r in rows:
        click.echo(f"{r['platform']:<10} {r['handle']:<32} {r['owner_kind']:<10} {r['owner_code']}")
    click.echo(f"{len(rows)} akun")


@cli.group()
def users() -> None:
    """Pengguna, peran, dan cakupan."""


@users.command("add")
@click.argument("username")
@click.option(
    "--role",
    required=True,
    help="diskominfo, kecamatan_admin, kelurahan_admin, opd_officer, viewer",
)
@click.option("--scope", default=None, help="Kode wilayah atau OPD sesuai peran.")
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
) -> None:
    """Tambah pengguna."""
    from paseban.services import accounts as service

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
    from paseban.services import accounts as service

    with open_context() as ctx:
        service.set_email(ctx, username, email, actor="cli")
    click.echo(f"e-mail {username.lower()} {'disimpan' if email else 'dihapus'}")


@users.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Baca kata sandi dari stdin.")
@friendly
def users_set_password(username: str, password_stdin: bool) -> None:
    """Atur kata sandi pengguna (tanpa --password-stdin: dibuat acak dan ditampilkan sekali).
    Semua sesi pengguna itu berakhir."""
    from paseban.services import auth

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
    from paseban.services import accounts as service

    with open_context() as ctx:
        report = service.import_users(ctx, file, skip_bad=skip_bad)
    for problem in report.skipped:
        click.echo(f"dilewati: {problem}", err=True)
    click.echo(report.summary())


@users.command("list")
@friendly
def users_list() -> None:
    """Tampilkan pengguna."""
    from paseban.services import accounts as service

    with open_context() as ctx:
        for r in service.list_users(ctx):
            mail = "e-mail" if r.get("email") else "-"
            click.echo(f"{r['username']:<24} {r['role']:<16} {r['scope_code'] or '-':<16} {mail}")


# --- API tokens ----------------------------------------------------------------------------------


@cli.group()
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
@friendly
def tokens_add(
    name: str, scopes: tuple[str, ...], role: str, area: str | None, expires_days: int | None
) -> None:
    """Buat token API; token ditampilkan sekali dan disimpan hanya sebagai sidik (hash)."""
    from paseban.services import auth

    with open_context() as ctx:
        token = auth.create_token(
            ctx,
            name,
            scopes=scopes,
            role=role,
            area=area,
            expires_days=expires_days,
            actor="cli",
        )
    click.echo(f"token {name} dibuat; simpan sekarang, tidak akan ditampilkan lagi:")
    click.echo(token)


@tokens.command("list")
@friendly
def tokens_list() -> None:
    """Tampilkan token API (tanpa rahasianya)."""
    from paseban.services import auth

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
    from paseban.services import auth

    with open_context() as ctx:
        auth.revoke_token(ctx, name, actor="cli")
    click.echo(f"token {name} dicabut")


# --- messages and cases --------------------------------------------------------------------------


@cli.command()
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--skip-bad", is_flag=True, help="Simpan baris yang baik, laporkan yang buruk.")
@click.option("--platform", default=None, help="Platform, bila berkas ekspor tidak memuatnya.")
@click.option("--account", default=None, help="Akun penerima, bila berkas tidak memuatnya.")
@friendly
def ingest(file: str, skip_bad: bool, platform: str | None, account: str | None) -> None:
    """Masukkan pesan warga dari berkas JSONL atau CSV ekspor platform (- untuk JSONL dari stdin);
    pesan yang sama disimpan sekali."""
    from paseban.services import ingest as service

    with open_context() as ctx:
        report = service.ingest_file(
            ctx, file, skip_bad=skip_bad, platform=platform, account=account
        )
    for problem in report.skipped:
        click.echo(f"dilewati: {problem}", err=True)
    click.echo(report.summary())


@cli.group()
def cases() -> None:
    """Kasus aduan."""


@cases.command("list")
@click.option("--status", default=None)
@click.option("--opd", default=None)
@click.option("--limit", default=50, show_default=True)
@friendly
def cases_list(status: str | None, opd: str | None, limit: int) -> None:
    """Tampilkan kasus terbaru."""
    from paseban.services import cases as service

    with open_context() as ctx:
        rows, total = service.list_cases(ctx, status=status, opd=opd, limit=limit)
    for r in rows:
        click.echo(
            f"{r['ticket']:<15} {r['status']:<12} {r['opd'] or '-':<18} {r['topic'] or '-':<14} "
            f"{r['report_count']:>3}x  {r['title'][:60]}"
        )
    click.echo(f"{len(rows)} dari {total} kasus")


# --- complaint lifecycle (issue 4) ----------------------------------------------------------------


@cases.command("show")
@click.argument("ticket")
@friendly
def cases_show(ticket: str) -> None:
    """Tampilkan satu kasus dengan tenggat dan jejak auditnya."""
    from paseban.services import cases as service
    from paseban.services.replies import local_time

    with open_context() as ctx:
        case = service.get_case(ctx, ticket)
        events = service.timeline(ctx, case["id"])
        click.echo(
            f"{case['ticket']}  {case['status']}  {case['opd'] or '-'}  "
            f"{case['report_count']} warga  versi {case['version']}"
        )
        if case["due_at"]:
            click.echo(f"tenggat {case['stage']}: {local_time(ctx, case['due_at'])}")
        for e in events:
            click.echo(
                f"  {local_time(ctx, e['at'])}  {e['action']:<14} "
                f"{e['from_status'] or '-'} -> {e['to_status']}  {e['actor']}  {e['note'][:60]}"
            )


@cases.command("act")
@click.argument("ticket")
@click.argument("action")
@click.option("--actor", "actor_name", required=True, help="Nama pengguna yang bertindak.")
@click.option("--note", default="", help="Alasan atau catatan internal.")
@click.option("--public-note", default=None, help="Catatan untuk warga.")
@click.option("--opd", default=None, help="OPD tujuan (forward, mark_outside).")
@friendly
def cases_act(
    ticket: str, action: str, actor_name: str, note: str, public_note: str | None, opd: str | None
) -> None:
    """Lakukan aksi pada kasus (verify, forward, start, resolve, close, reject, ...)."""
    from paseban.domain.accounts import Role, scope_for
    from paseban.domain.cases import Actor
    from paseban.services import accounts, actions

    with open_context() as ctx:
        user = accounts.get_user(ctx, actor_name)
        role = Role(user["role"])
        actor = Actor(user["username"], role, scope_for(role, user["scope_code"]))
        case = actions.act(
            ctx, ticket, action, actor=actor, note=note, public_note=public_note, opd=opd
        )
    click.echo(f"{case['ticket']}: {case['status']} (versi {case['version']})")


@cli.group()
def routing() -> None:
    """Aturan rute dan parameter penerusan."""


@routing.command("auto-forward")
@click.argument("state", type=click.Choice(["on", "off"]))
@click.option("--actor", "actor_name", default="sistem")
@friendly
def routing_auto_forward(state: str, actor_name: str) -> None:
    """Teruskan kasus baru langsung ke OPD (on) atau tahan untuk verifikasi (off)."""
    from paseban.services import routing as service

    with open_context() as ctx:
        service.set_auto_forward(ctx, state == "on", actor=actor_name)
    click.echo(f"penerusan otomatis: {state}")


@routing.command("rules")
@friendly
def routing_rules() -> None:
    """Tampilkan aturan rute (prioritas kecil menang)."""
    from paseban.services import routing as service

    with open_context() as ctx:
        for r in service.list_rules(ctx):
            mark = "" if r["active"] else "  (nonaktif)"
            click.echo(f"{r['priority']:>6}  {r['name']:<32} -> {r['assign_to']}{mark}")


@cli.group()
def open311() -> None:
    """Kunci API Open311 untuk aplikasi lain."""


@open311.group("key")
def open311_key() -> None:
    """Kelola kunci API Open311."""


@open311_key.command("add")
@click.argument("name")
@friendly
def open311_key_add(name: str) -> None:
    """Buat kunci API baru; kunci hanya ditampilkan sekali."""
    from paseban.services import open311 as service

    with open_context() as ctx:
        key = service.add_key(ctx, name)
    click.echo(key)
    click.echo("simpan kunci ini: tidak akan ditampilkan lagi", err=True)


@open311_key.command("list")
@friendly
def open311_key_list() -> None:
    """Tampilkan kunci API (awalan saja)."""
    from paseban.services import open311 as service

    with open_context() as ctx:
        for k in service.list_keys(ctx):
            state = "aktif" if k["active"] else "dicabut"
            click.echo(f"{k['name']:<32} {k['prefix']}…  {state}")


@open311_key.command("revoke")
@click.argument("name")
@friendly
def open311_key_revoke(name: str) -> None:
    """Cabut kunci API."""
    from paseban.services import open311 as service

    with open_context() as ctx:
        service.revoke_key(ctx, name)
    click.echo(f"kunci {name} dicabut")


@cli.group()
def jobs() -> None:
    """Pekerjaan latar belakang."""


@jobs.command("list")
@click.option("--limit", default=20, show_default=True)
@friendly
def jobs_list(limit: int) -> None:
    """Riwayat pekerjaan yang sudah berjalan."""
    from paseban.services import jobs as service

    with open_context() as ctx:
        for r in service.recent_runs(ctx, limit):
            click.echo(
                f"{r['id']:>6} {r['name']:<20} {r['status']:<8} "
                f"{r['started_at']:%Y-%m-%d %H:%M:%S} "
                f"{json.dumps(r['counts'] or {})}"
            )


@jobs.command("run")
@click.argument("name")
@friendly
def jobs_run(name: str) -> None:
    """Jalankan satu pekerjaan sekarang (mis. analyze_pending)."""
    from paseban.services import jobs as service

    with open_context() as ctx:
        if name not in service.registry(ctx):
            raise Fail(
                f"pekerjaan {name!r} tidak dikenal "
                f"(pilihan: {', '.join(sorted(service.registry(ctx)))})"
            )
        status = service.run_job(ctx, name, {})
    if status != "ok":
        raise Fail(f"pekerjaan {name} gagal; lihat `paseban jobs list`")
    click.echo(f"{name}: {status}")


@cli.command()
def plugins() -> None:
    """Plugin yang terpasang dan hook yang mereka isi."""
    from paseban.plugins import build_plugin_manager

    pm = build_plugin_manager()
    for name, plugin in pm.list_name_plugin():
        hooks = sorted(h.name for h in pm.get_hookcallers(plugin) or [])
        click.echo(f"{name}: {', '.join(hooks)}")


# --- message understanding ------------------------------------------------------------------------


@cli.command()
@click.option(
    "--input",
    "input_path",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="JSONL masukan (- = stdin).",
)
@click.option(
    "--output",
    "output_path",
    default="-",
    show_default=True,
    type=click.Path(dir_okay=False, allow_dash=True),
    help="JSONL keluaran (- = stdout).",
)
@click.option(
    "--wilayah",
    "code",
    default="32.71",
    show_default=True,
    help="Kota/kabupaten yang datanya dipakai untuk tempat dan rute.",
)
@click.option("--skip-bad", is_flag=True, help="Lewati baris yang rusak (dilaporkan di stderr).")
@friendly
def analyze(input_path: str, output_path: str, code: str, skip_bad: bool) -> None:
    """Analisis pesan tanpa basis data: {"id", "text"} per baris -> niat, topik, tempat, OPD."""
    import os
    import tempfile

    from paseban import reference
    from paseban.nlp.analyzer import Analyzer
    from paseban.nlp.model import ModelError, bundled
    from paseban.nlp.place import Gazetteer
    from paseban.services import analyze_files

    settings = settings_from_env()
    data = reference.bundled(code)
    try:
        analyzer = Analyzer(Gazetteer(data.wilayah, data.landmarks), bundled())
    except ModelError as exc:
        raise Fail(str(exc)) from None
    rules = analyze_files.city_rules(code)
    source = "stdin" if input_path == "-" else input_path
    try:
        stream = sys.stdin.buffer if input_path == "-" else open(input_path, "rb")  # noqa: SIM115
    except OSError as exc:
        raise Fail(f"{input_path}: tidak dapat dibaca: {exc.strerror}") from None
    if output_path == "-":
        out, tmp_name = sys.stdout, None
    else:
        directory = os.path.dirname(os.path.abspath(output_path))
        fd, tmp_name = tempfile.mkstemp(prefix=".analyze-", dir=directory)
        out = os.fdopen(fd, "w", encoding="utf-8")
    try:
        report = analyze_files.analyze_stream(
            analyzer,
            analyze_files.read_lines(stream),
            out.write,
            source=source,
            rules=rules,
            threshold=settings.review_threshold,
            skip_bad=skip_bad,
        )
    except analyze_files.BadLine as bad:
        if tmp_name:
            out.close()
            os.unlink(tmp_name)
        raise Fail(f"{bad.error} (pakai --skip-bad untuk melewatinya)") from None
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    if tmp_name:
        out.close()
        os.replace(tmp_name, output_path)
    for problem in report.skipped:
        click.echo(f"dilewati: {problem}", err=True)
    click.echo(
        f"{report.analyzed} pesan dianalisis"
        + (f", {len(report.skipped)} baris dilewati" if report.skipped else ""),
        err=True,
    )


@cli.group()
def model() -> None:
    """Model bahasa: latih dan evaluasi."""


@model.command("train")
@click.option(
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="Awalan berkas model (bawaan: model di dalam paket).",
)
@click.option(
    "--corrections/--no-corrections",
    default=True,
    show_default=True,
    help="Ikutkan koreksi manusia dari basis data (bila tersedia).",
)
@click.option(
    "--corpus",
    "corpus_dir",
    type=click.Path(file_okay=False, exists=True),
    default=None,
    help="Folder korpus JSONL lain (bawaan: korpus di dalam paket).",
)
@click.option(
    "--train-dir",
    type=click.Path(file_okay=False),
    default="../shared/train",
    show_default=True,
    help="Folder data latih nyata (teks komentar dan SMS); dilewati dengan catatan bila tidak ada.",
)
@click.option("--force", is_flag=True, help="Ganti model walau skor pada komentar nyata uji turun.")
@friendly
def model_train(
    output: str | None, corrections: bool, corpus_dir: str | None, train_dir: str, force: bool
) -> None:
    """Latih model niat, topik, dan urgensi (korpus tim, data nyata, koreksi manusia)."""
    from pathlib import Path

    from paseban.nlp import sources, train

    extra: list[Any] = _corrections_from_database() if corrections else []
    try:
        data = sources.gather(
            Path(train_dir),
            corpus_paths=Path(corpus_dir).glob("*.jsonl") if corpus_dir else None,
            corrections=extra,
        )
    except ValueError as exc:
        raise Fail(f"korpus: {exc}") from None
    if not data.corpus:
        raise Fail("korpus kosong: tidak ada berkas *.jsonl")
    outcome = train.train(data, out=Path(output) if output else None, force=force, log=click.echo)
    for line in train.summary(outcome):
        click.echo(line)


def _corrections_from_database() -> list[Any]:
    from paseban.nlp.train import corrections_as_examples
    from paseban.services import review

    settings = settings_from_env()
    ctx = Context.create(settings, jobs_backend="eager")
    try:
        db.check(ctx.engine)
        if not migrate.is_current(ctx.engine):
            click.echo("basis data belum disiapkan: koreksi manusia tidak diikutkan", err=True)
            return []
        rows = review.corrections_for_training(ctx)
    except db.DatabaseUnavailable:
        click.echo("basis data tidak terjangkau: koreksi manusia tidak diikutkan", err=True)
        return []
    finally:
        ctx.close()
    click.echo(f"koreksi manusia: {len(rows)} pesan")
    return corrections_as_examples(rows)


@model.command("evaluate")
@click.option(
    "--eval-dir",
    type=click.Path(file_okay=False),
    default="../shared/eval",
    show_default=True,
    help="Folder data evaluasi nyata (hanya dibaca; dilewati bila tidak ada).",
)
@click.option(
    "--train-dir",
    type=click.Path(file_okay=False),
    default="../shared/train",
    show_default=True,
    help="Folder data latih nyata (komentar uji tertahan; dilewati bila tidak ada).",
)
@click.option(
    "--sources/--no-sources",
    "held_out_sources",
    default=True,
    show_default=True,
    help="Latih ulang tanpa tiap sumber korpus tim (beberapa menit).",
)
@friendly
def model_evaluate(eval_dir: str, train_dir: str, held_out_sources: bool) -> None:
    """Evaluasi keluaran produk: komentar nyata tertahan, sumber korpus ditahan, data nyata lain."""
    from pathlib import Path

    from paseban.nlp import evaluate, sources
    from paseban.nlp.model import ModelError, bundled

    try:
        text_model = bundled()
    except ModelError as exc:
        raise Fail(str(exc)) from None
    data = sources.gather(Path(train_dir))
    click.echo(
        evaluate.report(
            text_model,
            data,
            eval_root=Path(eval_dir),
            train_root=Path(train_dir),
            held_out_sources=held_out_sources,
            log=lambda line: click.echo(line, err=True),
        )
    )


# --- measurement ----------------------------------------------------------------------------------


@cli.group()
def metrics() -> None:
    """Angka akun (pengikut, unggahan, jangkauan, interaksi)."""


@metrics.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--skip-bad", is_flag=True, help="Simpan baris yang baik, laporkan yang buruk.")
@friendly
def metrics_import(file: str, skip_bad: bool) -> None:
    """Impor angka akun dari CSV untuk platform tanpa akses API (format: docs/measurement.md)."""
    from paseban.services import measurement as service

    with open_context() as ctx:
        report = service.import_metrics_csv(ctx, file, skip_bad=skip_bad)
    for problem in report.skipped:
        click.echo(f"dilewati: {problem}", err=True)
    click.echo(report.summary())


@cli.command()
@click.argument("kind", type=click.Choice(["weekly", "monthly"]))
@click.option(
    "--period",
    default=None,
    help="2026-W47 (mingguan), 2026-11 (bulanan) atau 2026-11-01..2026-11-15; "
    "bawaan: minggu/bulan penuh terakhir.",
)
@click.option(
    "--out",
    "out_dir",
    default="laporan",
    show_default=True,
    type=click.Path(file_okay=False),
    help="Folder keluaran.",
)
@click.option(
    "--format",
    "formats",
    default="html,pdf,xlsx,csv",
    show_default=True,
    help="Daftar format dipisah koma: html, pdf, xlsx, csv.",
)
@friendly
def report(kind: str, period: str | None, out_dir: str, formats: str) -> None:
    """Tulis laporan mingguan/bulanan untuk Wali Kota (HTML, PDF, XLSX, CSV)."""
    from pathlib import Path

    from paseban.measurement import periods
    from paseban.services import reports as service

    wanted = tuple(f.strip() for f in formats.split(",") if f.strip())
    unknown = [f for f in wanted if f not in service.FORMATS]
    if unknown or not wanted:
        given = ", ".join(unknown) or "(kosong)"
        raise Fail(f"format tidak dikenal: {given} (pilihan: {', '.join(service.FORMATS)})")
    with open_context() as ctx:
        try:
            chosen = periods.parse(kind, period, today=ctx.now().astimezone(ctx.tz).date())
        except periods.BadPeriod as exc:
            raise Fail(str(exc)) from None
        built = service.build_report(ctx, kind, chosen)
        written = service.write(built, Path(out_dir), wanted)
    click.echo(f"{built.title}")
    for path in written:
        if path.suffix != ".csv":
            click.echo(f"ditulis: {path}")
    csv_count = sum(1 for p in written if p.suffix == ".csv")
    if csv_count:
        click.echo(
            f"ditulis: {csv_count} tabel CSV di {Path(out_dir) / (built.file_stem + '-csv')}"
        )


# --- serving -------------------------------------------------------------------------------------


@cli.command()
@click.option("--host", default=None, help="Alamat (bawaan PASEBAN_HOST atau 127.0.0.1).")
@click.option("--port", default=None, type=int, help="Port (bawaan PASEBAN_PORT atau 8000).")
@click.option(
    "--demo-stream",
    "demo_rate",
    default=0.0,
    type=click.FloatRange(min=0, max=200),
    help="Kirim aliran contoh kiriman webhook bertanda tangan (per detik) ke server ini.",
)
@friendly
def serve(host: str | None, port: int | None, demo_rate: float) -> None:
    """Jalankan dasbor, API, dan pekerjaan latar belakang."""
    import dataclasses

    import uvicorn

    from paseban.web.app import create_app

    settings = settings_from_env()
    settings = dataclasses.replace(settings, host=host or settings.host, port=port or settings.port)
    settings.validate()
    if settings.secret_key in PLACEHOLDER_SECRETS:
        if settings.host not in ("127.0.0.1", "localhost", "::1"):
            raise Fail(
                "PASEBAN_SECRET_KEY wajib diisi (acak, rahasia) bila melayani selain 127.0.0.1"
            )
        settings = dataclasses.replace(settings, secret_key=secrets.token_hex(32))
    if demo_rate and not settings.meta_app_secret:  # connectors: a secret for this run only
        settings = dataclasses.replace(settings, meta_app_secret=secrets.token_hex(32))
    logs.configure(settings.log_level, settings.log_format)
    ctx = Context.create(settings)
    try:
        db.check(ctx.engine)
    except db.DatabaseUnavailable as exc:
        raise Fail(str(exc)) from None
    if not migrate.is_current(ctx.engine):
        raise Fail("basis data belum disiapkan atau versinya lama; jalankan `paseban init` dulu")
    click.echo(
        f"Paseban melayani di http://{settings.host}:{settings.port}/ (Ctrl+C untuk berhenti)"
    )
    stop = _start_demo_stream(settings, demo_rate) if demo_rate else None
    try:
        uvicorn.run(
            create_app(ctx),
            host=settings.host,
            port=settings.port,
            log_config=None,
            access_log=False,
        )
    finally:
        if stop is not None:
            stop.set()


# --- connectors: tokens, polls, the outbox, manual entry, the demo stream ------------------------


def _start_demo_stream(settings: Settings, rate: float) -> Any:
    """A thread that replays the simulator into this server once it answers."""
    import threading
    import time

    import httpx

    from paseban.connectors import simulate

    url = f"http://127.0.0.1:{settings.port}"
    stop = threading.Event()

    def feed() -> None:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if stop.wait(0.2):
                return
        generator = simulate.Generator(settings.meta_app_secret, settings.x_consumer_secret)
        started = time.monotonic()
        report = simulate.run(url, generator, rate=rate, seconds=0, stop=stop)
        click.echo(f"aliran contoh ({time.monotonic() - started:.0f} dtk): {report.summary()}")

    threading.Thread(target=feed, name="paseban-demo-stream", daemon=True).start()
    click.echo(f"aliran contoh: {rate:g} kiriman/detik ke {url}/webhooks/")
    return stop


@cli.command()
@click.option("--rate", default=20.0, show_default=True, type=click.FloatRange(min=0.1, max=5000))
@click.option("--minutes", default=5.0, show_default=True, type=click.FloatRange(min=0.01))
@click.option("--url", default=None, help="Server lokal (bawaan http://127.0.0.1:PASEBAN_PORT).")
@click.option("--seed", default=None, type=int, help="Benih acak: aliran yang sama tiap kali.")
@friendly
def simulate(rate: float, minutes: float, url: str | None, seed: int | None) -> None:
    """Kirim kiriman webhook contoh bertanda tangan (komentar, DM, WhatsApp, X; bahasa sehari-hari,
    68 kelurahan Bogor) ke server yang sedang berjalan. Memakai PASEBAN_META_APP_SECRET (dan
    PASEBAN_X_CONSUMER_SECRET) yang sama dengan server, dan akun contoh (paseban init --sample)."""
    from paseban.connectors import simulate as sim

    settings = settings_from_env()
    if not settings.meta_app_secret:
        raise Fail("PASEBAN_META_APP_SECRET wajib diisi, sama dengan milik server")
    target = url or f"http://127.0.0.1:{settings.port}"
    try:
        sim.check_local(target)
    except ValueError as exc:
        raise Fail(str(exc)) from None
    generator = sim.Generator(settings.meta_app_secret, settings.x_consumer_secret, seed=seed)
    click.echo(f"mengirim {rate:g}/detik selama {minutes:g} menit ke {target}/webhooks/ ...")
    try:
        report = sim.run(target, generator, rate=rate, seconds=minutes * 60)
    except KeyboardInterrupt:
        raise Fail("dihentikan") from None
    click.echo(report.summary())
    if report.sent and report.errors == report.sent:
        raise Fail(f"server {target} tidak menjawab; jalankan `paseban serve` dulu")


@accounts.command("token")
@click.argument("platform")
@click.argument("handle")
@click.option("--remove", is_flag=True, help="Hapus token akun ini.")
@click.option("--expires", default=None, help="Kedaluwarsa (ISO 8601), bila diketahui.")
@click.option("--business-id", default=None, help="TikTok: business_id akun.")
@click.option("--with-refresh", is_flag=True, help="Baris kedua stdin: refresh token (X, YouTube).")
@friendly
def accounts_token(
    platform: str,
    handle: str,
    remove: bool,
    expires: str | None,
    business_id: str | None,
    with_refresh: bool,
) -> None:
    """Simpan token akses satu akun (dibaca dari stdin, tidak pernah dari argumen atau log)."""
    from paseban.connectors.files import parse_time
    from paseban.services import credentials

    with open_context() as ctx:
        if remove:
            removed = credentials.remove_token(ctx, platform, handle)
            click.echo("token dihapus" if removed else "akun ini tidak punya token")
            return
        token = sys.stdin.readline().strip()
        expires_at = parse_time(expires) if expires else None
        extra: dict[str, str] = {"business_id": business_id} if business_id else {}
        if with_refresh:
            refresh_token = sys.stdin.readline().strip()
            if not refresh_token:
                raise Fail("refresh token (baris kedua stdin) kosong")
            extra["refresh_token"] = refresh_token
        credentials.set_token(
            ctx, platform, handle, token, actor="cli", expires_at=expires_at, extra=extra
        )
    click.echo(f"token {platform}:{handle} disimpan")


@accounts.command("tokens")
@friendly
def accounts_tokens() -> None:
    """Akun yang sudah punya token (tanpa menampilkan tokennya)."""
    from paseban.services import credentials

    with open_context() as ctx:
        rows = credentials.status(ctx)
    for r in rows:
        until = f"s.d. {r['expires_at']:%Y-%m-%d}" if r["expires_at"] else "tanpa batas"
        click.echo(f"{r['platform']:<10} {r['handle']:<32} {until:<16} oleh {r['updated_by']}")
    click.echo(f"{len(rows)} akun bertoken")


@cli.command()
@click.option("--platform", default=None, help="Hanya satu platform: x, youtube, tiktok.")
@click.option("--account", "handle", default=None, help="Hanya satu akun (dengan --platform).")
@friendly
def poll(platform: str | None, handle: str | None) -> None:
    """Tarik sekarang komentar/mention dari X, YouTube, dan TikTok (kursor disimpan per halaman)."""
    from paseban.services import polling
    from paseban.services.accounts import find_account

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
                if platform is None or _platform_of(ctx, i) == platform
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


def _platform_of(ctx: Context, account_id: int) -> str:
    import sqlalchemy as sa

    from paseban.storage import tables as t

    with ctx.engine.connect() as conn:
        return str(
            conn.execute(
                sa.select(t.accounts.c.platform).where(t.accounts.c.id == account_id)
            ).scalar_one()
        )


@cli.group()
def outbox() -> None:
    """Balasan dan unggahan yang menunggu dikirim."""


@outbox.command("list")
@click.option("--status", type=click.Choice(["pending", "sent", "failed", "cancelled"]))
@click.option("--limit", default=50, show_default=True)
@friendly
def outbox_list(status: str | None, limit: int) -> None:
    """Tampilkan isi kotak keluar (tanpa teks balasan)."""
    from paseban.services import outbox as service

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
    from paseban.services import outbox as service

    with open_context() as ctx:
        counts = service.send_due(ctx)
    click.echo(", ".join(f"{v} {k}" for k, v in counts.items()))


@outbox.command("retry")
@click.argument("outbox_id", type=int)
@friendly
def outbox_retry(outbox_id: int) -> None:
    """Coba lagi kiriman yang gagal (periksa dulu di platform bila hasilnya tidak pasti)."""
    from paseban.services import outbox as service

    with open_context() as ctx:
        service.retry(ctx, outbox_id)
    click.echo(f"kiriman {outbox_id} dijadwalkan ulang")


@outbox.command("cancel")
@click.argument("outbox_id", type=int)
@friendly
def outbox_cancel(outbox_id: int) -> None:
    """Batalkan kiriman yang belum terkirim."""
    from paseban.services import outbox as service

    with open_context() as ctx:
        service.cancel(ctx, outbox_id)
    click.echo(f"kiriman {outbox_id} dibatalkan")


@cli.command()
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
    from paseban.connectors.files import parse_time
    from paseban.services.manual import record_manual

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


# --- content and the admin network (issue 8): the commands live in cli_content.py ---------------

from paseban.cli_content import content as _content  # noqa: E402

cli.add_command(_content)
