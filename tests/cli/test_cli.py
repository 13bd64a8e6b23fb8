from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from paseban.cli import cli
from paseban.storage import db, migrate
from tests.cli.conftest import Sampled
from tests.factories import ACCOUNTS_CSV, message, write_jsonl


@pytest.mark.xdist_group("sample")
def test_init_with_sample_twice_duplicates_nothing(sampled: Sampled) -> None:
    assert "84 baru" in sampled.first and "50 pesan baru" in sampled.first
    assert "86 streets" in sampled.first and "tabel jalan" not in sampled.first
    assert "tidak ada yang baru" in sampled.second
    assert "0 pesan baru, 50 sudah ada" in sampled.second
    listed = sampled.run("cases", "list", "--limit", "500")
    assert "BGR-" in listed.output


def test_init_another_city(run) -> None:  # type: ignore[no-untyped-def]
    result = run("init", "--wilayah", "32.73")
    assert result.exit_code == 0 and "32.73" in result.output
    # Paseban ships Kota Bogor's streets only: another city starts with an empty table, and a note
    assert "streets" not in result.output
    assert "tabel jalan Kota Bandung kosong" in result.output
    assert "/pengaturan/jalan" in result.output
    refused = run("init", "--wilayah", "32.73", "--sample")
    assert refused.exit_code == 1 and "hanya tersedia untuk Kota Bogor" in refused.output


def test_unknown_wilayah_is_one_line(run) -> None:  # type: ignore[no-untyped-def]
    result = run("init", "--wilayah", "99.99")
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "99.99" in result.output


def test_commands_refuse_an_uninitialised_database(run) -> None:  # type: ignore[no-untyped-def]
    result = run("cases", "list")
    assert result.exit_code == 1 and "paseban init" in result.output


def test_accounts_users_and_ingest(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init").exit_code == 0
    (tmp_path / "a.csv").write_text(ACCOUNTS_CSV, encoding="utf-8")
    imported = run("accounts", "import", str(tmp_path / "a.csv"))
    assert imported.exit_code == 0 and "5 baru" in imported.output
    assert "5 akun" in run("accounts", "list").output
    added = run(
        "users",
        "add",
        "op1",
        "--role",
        "diskominfo",
        "--password-stdin",
        input="kata-sandi-panjang\n",
    )
    assert added.exit_code == 0, added.output
    bad_user = run("users", "add", "op2", "--role", "kelurahan_admin", "--scope", "32.71.01")
    assert bad_user.exit_code == 1 and "bukan kode kelurahan" in bad_user.output
    path = write_jsonl(
        tmp_path / "m.jsonl", [message(1, "jalan rusak parah di batutulis"), "{oops"]
    )
    failed = run("ingest", str(path))
    assert failed.exit_code == 1 and f"{path}:2" in failed.output
    partial = run("ingest", str(path), "--skip-bad")
    assert (
        partial.exit_code == 0
        and "1 pesan baru" in partial.output
        and "1 baris dilewati" in partial.output
    )
    stdin = run("ingest", "-", input=path.read_text(encoding="utf-8").splitlines()[0] + "\n")
    assert "0 pesan baru, 1 sudah ada" in stdin.output
    listed = run("jobs", "list").output
    assert "analyze_messages" in listed and "selesai" in listed  # the state in words
    assert run("jobs", "run", "analyze_pending").exit_code == 0
    assert run("jobs", "run", "nope").exit_code == 1


def test_db_commands(run, empty_db_url: str) -> None:  # type: ignore[no-untyped-def]

    assert "(kosong)" in run("db", "current").output
    assert run("db", "upgrade").exit_code == 0
    engine = db.create_engine(empty_db_url)
    try:
        assert f"versi {migrate.head(engine)}" in run("db", "current").output
    finally:
        engine.dispose()


@pytest.mark.xdist_group("sample")
def test_sample_users_get_a_printed_password(sampled: Sampled) -> None:
    line = next(x for x in sampled.first.splitlines() if "kata sandi sekali-tampil" in x)
    password = line.rsplit(": ", 1)[1]
    assert "operator" in line and len(password) >= 12
    assert "sudah berkata sandi" in sampled.second and password not in sampled.second
    run = sampled.run
    reset = run("users", "set-password", "operator")
    assert reset.exit_code == 0 and "sekali tampil" in reset.output
    short = run("users", "set-password", "operator", "--password-stdin", input="pendek\n")
    assert short.exit_code == 1 and "minimal" in short.output
    assert run("users", "set-password", "siapa", "--password-stdin", input="x" * 12).exit_code == 1


def test_users_get_an_address_for_notifications(run) -> None:  # type: ignore[no-untyped-def]
    assert run("init").exit_code == 0
    added = run("users", "add", "op.dua", "--role", "diskominfo", "--email", "op2@kotabogor.go.id")
    assert added.exit_code == 0, added.output
    assert "op.dua" in run("users", "list").output and "e-mail" in run("users", "list").output
    bad = run("users", "set-email", "op.dua", "bukan alamat")
    assert bad.exit_code == 1 and "alamat e-mail 'bukan alamat' tidak sah" in bad.output
    assert len(bad.output.strip().splitlines()) == 1
    assert run("users", "set-email", "siapa", "a@kota.go.id").exit_code == 1
    cleared = run("users", "set-email", "op.dua", "")
    assert cleared.exit_code == 0 and "dihapus" in cleared.output


def test_tokens(run) -> None:  # type: ignore[no-untyped-def]
    assert run("init").exit_code == 0
    added = run("tokens", "add", "open311-bot", "--scope", "cases:read")
    assert added.exit_code == 0, added.output
    token = added.output.strip().splitlines()[-1]
    assert token.startswith("psb_")
    listed = run("tokens", "list").output
    assert "open311-bot" in listed and token not in listed and "aktif" in listed
    bad = run("tokens", "add", "x", "--scope", "cases:delete")
    assert bad.exit_code == 1 and "cases:delete" in bad.output
    assert run("tokens", "revoke", "open311-bot").exit_code == 0
    assert "dicabut" in run("tokens", "list").output
    assert run("tokens", "revoke", "open311-bot").exit_code == 1


def test_plugins_are_listed() -> None:
    result = CliRunner().invoke(cli, ["plugins"])
    assert "paseban.services.ingest.analysis: register_jobs" in result.output
    assert "paseban.services.cases.sweep: register_jobs" in result.output


def test_serve_refuses_a_public_interface_without_a_secret(run) -> None:  # type: ignore[no-untyped-def]
    result = run("serve", "--host", "0.0.0.0")
    assert result.exit_code == 1 and "PASEBAN_SECRET_KEY" in result.output


def test_complaint_lifecycle_commands(run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    assert run("init").exit_code == 0
    (tmp_path / "a.csv").write_text(ACCOUNTS_CSV, encoding="utf-8")
    run("accounts", "import", str(tmp_path / "a.csv"))
    run("users", "add", "op1", "--role", "diskominfo")
    run(
        "ingest",
        str(write_jsonl(tmp_path / "m.jsonl", [message(1, "jalan di batutulis berlubang")])),
    )
    shown = run("cases", "show", "BGR-2611-0001")
    assert shown.exit_code == 0 and "open" in shown.output and "tenggat verify" in shown.output
    acted = run("cases", "act", "BGR-2611-0001", "forward", "--actor", "op1")
    assert acted.exit_code == 0 and "forwarded (versi 2)" in acted.output
    illegal = run("cases", "act", "BGR-2611-0001", "close", "--actor", "op1")
    assert illegal.exit_code == 1 and "tidak boleh" in illegal.output
    assert run("routing", "auto-forward", "on").exit_code == 0
    assert "default:jalan" in run("routing", "rules").output
    key = run("open311", "key", "add", "aplikasi-warga")
    assert key.exit_code == 0 and key.output.startswith("p311_")
    assert run("open311", "key", "add", "aplikasi-warga").exit_code == 1
    assert "aktif" in run("open311", "key", "list").output
    assert run("open311", "key", "revoke", "aplikasi-warga").exit_code == 0
    assert run("open311", "key", "revoke", "tidak-ada").exit_code == 1
    assert "sla_sweep: ok" in run("jobs", "run", "sla_sweep").output


# --- connectors ----------------------------------------------------------------------------------


def test_manual_entry_tokens_outbox_and_csv(run, tmp_path: Path, empty_db_url: str) -> None:  # type: ignore[no-untyped-def]
    assert run("init").exit_code == 0
    (tmp_path / "a.csv").write_text(ACCOUNTS_CSV, encoding="utf-8")
    assert run("accounts", "import", str(tmp_path / "a.csv")).exit_code == 0
    entered = run(
        "manual",
        "--wilayah",
        "32.71.01.1001",
        "--ref",
        "F-1",
        "--author",
        "Bu Imas",
        input="saluran air di gang mawar mampet, banjir kalau hujan\n",
    )
    assert entered.exit_code == 0 and "manual-F-1 dicatat" in entered.output
    again = run("manual", "--wilayah", "32.71.01.1001", "--ref", "F-1", "--text", "ulang")
    assert "sudah pernah dicatat" in again.output
    bad = run("manual", "--wilayah", "99.99", "--text", "x")
    assert bad.exit_code == 1 and "tidak dikenal" in bad.output
    locked = run("accounts", "token", "instagram", "pemkotbogor", input="EAAG-rahasia-sekali\n")
    assert locked.exit_code == 1 and "PASEBAN_SECRET_KEY" in locked.output
    keyed = {"PASEBAN_DATABASE_URL": empty_db_url, "PASEBAN_SECRET_KEY": "kunci-rahasia-kota"}
    saved = CliRunner().invoke(
        cli, ["accounts", "token", "instagram", "pemkotbogor"], env=keyed, input="EAAG-rahasia\n"
    )
    assert saved.exit_code == 0 and "rahasia" not in saved.output
    listed = run("accounts", "tokens")
    assert "pemkotbogor" in listed.output and "rahasia" not in listed.output
    assert "1 akun bertoken" in listed.output
    unknown = CliRunner().invoke(
        cli, ["accounts", "token", "instagram", "tidak.ada"], env=keyed, input="abc\n"
    )
    assert unknown.exit_code == 1 and "tidak terdaftar" in unknown.output
    listed = run("outbox", "list").output  # the case desk noted it cannot answer a manual report
    assert "1 kiriman" in listed and "kanal manual tidak punya balasan otomatis" in listed
    assert run("outbox", "retry", "99").exit_code == 1
    csv_file = tmp_path / "export.csv"
    csv_file.write_text(
        "comment_id,username,message,created_time\n"
        "c1,rina,jalan bolong di batutulis,2026-11-27T08:00:00+07:00\n",
        encoding="utf-8",
    )
    imported = run(
        "ingest", str(csv_file), "--platform", "instagram", "--account", "kelurahan.batutulis"
    )
    assert imported.exit_code == 0 and "1 pesan baru" in imported.output
    polled = run("poll")
    assert polled.exit_code == 0 and "0 akun ditarik" in polled.output


def test_simulate_refuses_remote_servers_and_missing_secrets(run) -> None:  # type: ignore[no-untyped-def]
    missing = run("simulate", "--minutes", "0.01")
    assert missing.exit_code == 1 and "PASEBAN_META_APP_SECRET" in missing.output
    runner = CliRunner()
    env = {"PASEBAN_META_APP_SECRET": "s", "PASEBAN_LOG_LEVEL": "WARNING"}
    remote = runner.invoke(cli, ["simulate", "--url", "http://192.0.2.1:8000"], env=env)
    assert remote.exit_code == 1 and "lokal" in remote.output
    closed = runner.invoke(
        cli,
        ["simulate", "--url", "http://127.0.0.1:9", "--rate", "5", "--minutes", "0.01"],
        env=env,
    )
    assert closed.exit_code == 1 and "tidak menjawab" in closed.output


def test_db_downgrade_says_what_it_undoes_and_asks_first(run) -> None:  # type: ignore[no-untyped-def]
    assert run("init").exit_code == 0
    head = run("db", "current").output.split()[1].rstrip(";")
    previous = f"{int(head) - 1:04d}"
    unknown = run("db", "downgrade", "9999")
    assert unknown.exit_code == 1 and "versi '9999' bukan versi sebelum" in unknown.output
    assert len(unknown.output.strip().splitlines()) == 1
    assert "sudah pada versi" in run("db", "downgrade", head).output
    declined = run("db", "downgrade", previous, input="n\n")
    assert declined.exit_code == 1 and f"  {head}  " in declined.output
    assert f"versi {head};" in run("db", "current").output  # nothing undone
    done = run("db", "downgrade", previous, input="y\n")
    assert done.exit_code == 0 and f"basis data pada versi {previous}" in done.output
    assert run("db", "upgrade").exit_code == 0
    assert f"versi {head};" in run("db", "current").output
