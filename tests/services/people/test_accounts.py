from __future__ import annotations

from pathlib import Path

import pytest

from paseban.context import Context
from paseban.errors import BadFile, Conflict, InvalidInput
from paseban.services.people import accounts
from tests.factories import ACCOUNTS_CSV


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_import_and_reimport(ctx: Context, tmp_path: Path) -> None:
    path = write(tmp_path, ACCOUNTS_CSV)
    first = accounts.import_csv(ctx, path)
    assert (first.added, first.updated, first.unchanged) == (5, 0, 0)
    again = accounts.import_csv(ctx, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    changed = write(tmp_path, ACCOUNTS_CSV.replace("Pemkot Bogor\n", "Pemerintah Kota Bogor\n", 1))
    assert accounts.import_csv(ctx, changed).updated == 1


BAD = (
    ACCOUNTS_CSV
    + """facebook,halaman.x,,kelurahan,32.71.99.9999,Tidak ada
friendster,akun.lama,,city,32.71,Platform lama
instagram,kelurahan.empang,,kecamatan,32.71.01.1003,Kode bukan kecamatan
instagram,PEMKOTBOGOR,,city,32.71,Ganda
"""
)


def test_a_bad_file_stores_nothing_and_names_each_line(ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(BadFile) as info:
        accounts.import_csv(ctx, write(tmp_path, BAD))
    lines = [(e.line, e.problem) for e in info.value.errors]
    assert [line for line, _ in lines] == [7, 8, 9, 10]
    assert "tidak dikenal" in lines[0][1] and "friendster" in lines[1][1]
    assert "bukan kecamatan" in lines[2][1] and "ganda" in lines[3][1]
    assert accounts.list_accounts(ctx) == []


def test_skip_bad_stores_the_good_lines(ctx: Context, tmp_path: Path) -> None:
    report = accounts.import_csv(ctx, write(tmp_path, BAD), skip_bad=True)
    assert report.added == 5 and len(report.skipped) == 4
    assert "4 baris dilewati" in report.summary()


def test_missing_column_and_unreadable_file(ctx: Context, tmp_path: Path) -> None:
    with pytest.raises(BadFile, match="kolom wajib"):
        accounts.import_csv(ctx, write(tmp_path, "platform,handle\ninstagram,a\n"))
    with pytest.raises(BadFile, match="tidak dapat dibaca"):
        accounts.import_csv(ctx, tmp_path / "nope.csv")
    (tmp_path / "latin1.csv").write_bytes(
        b"platform,handle,owner_kind,owner_code\ninstagram,caf\xe9,city,32.71\n"
    )
    with pytest.raises(BadFile, match="UTF-8"):
        accounts.import_csv(ctx, tmp_path / "latin1.csv")


def test_users_need_the_right_scope(ctx: Context) -> None:
    accounts.add_user(
        ctx,
        "Lurah.Batutulis",
        role="kelurahan_admin",
        scope="32.71.01.1001",
        password="rahasia-sekali",
    )
    user = accounts.get_user(ctx, "lurah.batutulis")
    assert (user["password_hash"] or "").startswith("$argon2")
    with pytest.raises(Conflict):
        accounts.add_user(ctx, "lurah.batutulis", role="viewer")
    with pytest.raises(InvalidInput, match="membutuhkan cakupan"):
        accounts.add_user(ctx, "camat", role="kecamatan_admin")
    with pytest.raises(InvalidInput, match="bukan kode kecamatan"):
        accounts.add_user(ctx, "camat", role="kecamatan_admin", scope="32.71.01.1001")
    with pytest.raises(InvalidInput, match="OPD"):
        accounts.add_user(ctx, "petugas", role="opd_officer", scope="DINAS_X")
    with pytest.raises(InvalidInput, match="peran"):
        accounts.add_user(ctx, "x", role="raja")
    accounts.add_user(ctx, "petugas", role="opd_officer", scope="DPUPR")
    assert [u["username"] for u in accounts.list_users(ctx)] == ["lurah.batutulis", "petugas"]
