"""Long commands show a progress bar with counts and time left on a terminal, and stay quiet when
their output is not one (issue 16): the bar is drawn on a real pseudo-terminal here, the quiet
side through click's runner and a pipe."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from paseban.cli import cli
from paseban.progress import counted, in_parts
from tests.factories import message, write_jsonl

HEADER = "platform,handle,platform_account_id,owner_kind,owner_code,name\n"


def test_counted_reports_the_start_every_step_and_the_end() -> None:
    seen: list[tuple[str, int, int]] = []
    items = list(range(7))
    assert list(counted(lambda *a: seen.append(a), "menyimpan", items, every=3)) == items
    assert seen == [("menyimpan", n, 7) for n in (0, 3, 6, 7)]


def test_in_parts_reports_after_each_part_and_never_beyond_the_total() -> None:
    seen: list[tuple[str, int, int]] = []
    parts = list(in_parts(lambda *a: seen.append(a), "menganalisis", list(range(5)), 2))
    assert [list(p) for p in parts] == [[0, 1], [2, 3], [4]]
    assert [done for _, done, _ in seen] == [0, 2, 4, 5]


def run_on_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run `paseban ARGS` with stderr on a pseudo-terminal (as in a person's shell) and stdout on
    a pipe; return the exit code, stdout and what the terminal showed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "paseban", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=follower,
        env={**os.environ, **env, "COLUMNS": "100"},
    )
    os.close(follower)
    shown = b""
    while True:
        ready, _, _ = select.select([leader], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closed with the process
                break
            if not chunk:
                break
            shown += chunk
        elif proc.poll() is not None:
            break
    os.close(leader)
    out = proc.stdout.read().decode() if proc.stdout else ""
    return proc.wait(timeout=60), out, shown.decode(errors="replace")


@pytest.fixture
def database(empty_db_url: str, tmp_path: Path) -> dict[str, str]:
    env = {"PASEBAN_DATABASE_URL": empty_db_url, "PASEBAN_LOG_LEVEL": "WARNING"}
    assert CliRunner().invoke(cli, ["init"], env=env).exit_code == 0
    accounts = tmp_path / "a.csv"
    accounts.write_text(
        HEADER + "instagram,kel.batutulis,17841400000000001,kelurahan,32.71.01.1001,BT\n",
        encoding="utf-8",
    )
    return {**env, "ACCOUNTS": str(accounts)}


def test_ingest_and_an_import_draw_a_bar_with_counts_on_a_terminal(
    database: dict[str, str], tmp_path: Path
) -> None:
    code, out, shown = run_on_terminal(["accounts", "import", database["ACCOUNTS"]], database)
    assert code == 0, shown
    assert "menyimpan akun" in shown and "1/1" in shown
    assert "menyimpan akun" not in out  # results on stdout, the bar on the terminal only
    texts = [message(n, f"jalan rusak di depan rumah nomor {n}", account="kel.batutulis")
             for n in range(1, 1201)]  # fmt: skip
    path = write_jsonl(tmp_path / "m.jsonl", texts)
    code, out, shown = run_on_terminal(["ingest", str(path)], database)
    assert code == 0, shown
    assert "menganalisis pesan" in shown
    assert "500/1200" in shown and "1200/1200" in shown  # counted as the parts are analysed
    assert "1200 pesan baru" in out


def test_long_commands_are_quiet_when_their_output_is_not_a_terminal(
    database: dict[str, str], tmp_path: Path
) -> None:
    runner = CliRunner()
    imported = runner.invoke(cli, ["accounts", "import", database["ACCOUNTS"]], env=database)
    assert imported.exit_code == 0
    assert imported.output.strip().endswith("1 baru, 0 diperbarui, 0 sudah ada")
    texts = [message(1, "sampah menumpuk", account="kel.batutulis")]
    path = write_jsonl(tmp_path / "m.jsonl", texts)
    done = subprocess.run(
        [sys.executable, "-m", "paseban", "ingest", str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, **database},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "" and "menganalisis" not in done.stdout
    assert done.stdout.strip() == f"{path}: 1 pesan baru, 0 sudah ada"


def test_program_import_stores_all_programs_or_none(
    database: dict[str, str], tmp_path: Path
) -> None:
    said = {"summary": "Sampah diangkut tiap hari.", "key_messages": ["Pilah sampah dari rumah"]}
    good = {"code": "bogor-bersih", "name": "Bogor Bersih", "owner_opd": "DLH", **said}
    bad = {"code": "tanpa-opd", "name": "Tanpa OPD", "owner_opd": "TIDAK-ADA", **said}
    path = tmp_path / "programs.json"
    path.write_text(json.dumps([good, bad]), encoding="utf-8")
    runner = CliRunner()
    added = runner.invoke(cli, ["users", "add", "op", "--role", "diskominfo"], env=database)
    assert added.exit_code == 0, added.output
    as_op = ["--as", "op"]
    failed = runner.invoke(cli, ["content", "program-import", str(path), *as_op], env=database)
    assert failed.exit_code == 1 and "program ke-2" in failed.output
    listed = runner.invoke(cli, ["content", "programs"], env=database)
    assert listed.exit_code == 0 and "bogor-bersih" not in listed.output  # nothing was kept
    path.write_text(json.dumps([good]), encoding="utf-8")
    code, out, shown = run_on_terminal(["content", "program-import", str(path), *as_op], database)
    assert code == 0, shown
    assert "menyimpan program" in shown and "1 program disimpan" in out


def test_report_and_backup_draw_their_bars_on_a_terminal(
    database: dict[str, str], tmp_path: Path
) -> None:
    out_dir = tmp_path / "laporan"
    args = ["report", "weekly", "--out", str(out_dir), "--format", "html,csv"]
    code, out, shown = run_on_terminal(args, database)
    assert code == 0, shown
    assert "menghitung laporan" in shown and "menulis berkas laporan" in shown
    assert "2/2" in shown and "ditulis:" in out
    if database["PASEBAN_DATABASE_URL"].startswith("sqlite"):
        code, out, shown = run_on_terminal(["backup", str(tmp_path / "salinan.db")], database)
        assert code == 0, shown
        assert "mencadangkan" in shown and "cadangan sqlite ditulis" in out
