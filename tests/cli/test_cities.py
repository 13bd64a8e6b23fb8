"""`paseban init --wilayah A --wilayah B` (issue 17, item 5): a province's deployment loads
several cities at once or one after the other, idempotently; a bad code is one line and stores
nothing."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from paseban.storage import tables as t
from tests.cli.conftest import Invoke, invoker


def test_init_loads_two_cities_and_again_adds_nothing(run: Invoke) -> None:
    result = run("init", "--wilayah", "32.71", "--wilayah", "32.01")
    assert result.exit_code == 0, result.output
    assert "wilayah 32.71 siap" in result.output and "wilayah 32.01 siap" in result.output
    assert "Kota Bogor (32.71, tiket BGR-)" in result.output
    assert "Kabupaten Bogor (32.01, tiket KBG-)" in result.output
    again = run("init", "--wilayah", "32.71", "--wilayah", "32.01")
    assert again.exit_code == 0
    assert again.output.count("tidak ada yang baru") == 2


def test_a_province_with_kota_bogor_loads_the_sample_too(tmp_path: Path) -> None:
    """On SQLite only: what it checks (which city the sample's rows name) does not depend on the
    database, and the sample's loading on PostgreSQL is the CLI's own test
    (tests/cli/test_cli.py, `sampled`); here it would cost another two minutes."""
    empty_db_url = f"sqlite:///{tmp_path / 'province.db'}"
    run = invoker(empty_db_url)
    result = run("init", "--wilayah", "32.71", "--wilayah", "32.01", "--sample")
    assert result.exit_code == 0, result.output
    assert "pengguna contoh:" in result.output  # the sample users are Kota Bogor's
    users = run("users", "list").output
    assert "operator.provinsi" in users and "lurah.batutulis" in users
    # the sample's cases and kelurahan profiles lie in Kota Bogor only
    engine = sa.create_engine(empty_db_url)
    with engine.connect() as conn:
        places = set(conn.execute(sa.select(t.cases.c.city, t.cases.c.kecamatan)).all())
        profiles = set(conn.execute(sa.select(t.kelurahan_profiles.c.kelurahan)).scalars())
        content = {  # and its content desk (migration 0025), the campaign's targets too
            table.name: set(conn.execute(sa.select(table.c.city)).scalars())
            for table in (t.programs, t.campaigns, t.media_items, t.training_sessions)
        }
        targets = set(
            conn.execute(
                sa.select(t.accounts.c.city).join(
                    t.campaign_targets, t.campaign_targets.c.account_id == t.accounts.c.id
                )
            ).scalars()
        )
    engine.dispose()
    assert places and all(
        city == "32.71" and (kec or "32.71.").startswith("32.71.") for city, kec in places
    )
    assert profiles and all(code.startswith("32.71.") for code in profiles)
    assert content == {table: {"32.71"} for table in content} and targets == {"32.71"}
    assert run("content", "programs", "--kota", "32.01").output.strip() == "0 program"
    assert "0 program" not in run("content", "programs", "--kota", "32.71").output
    bad = run("content", "programs", "--kota", "32.99")
    assert bad.exit_code == 1 and bad.output.strip().count("\n") == 0


def test_a_second_city_can_be_added_later(run: Invoke) -> None:
    assert run("init").exit_code == 0
    later = run("init", "--wilayah", "32.01")
    assert later.exit_code == 0, later.output
    assert "Kota Bogor (32.71, tiket BGR-), Kabupaten Bogor (32.01, tiket KBG-)" in later.output


def test_a_bad_code_among_several_is_one_line_and_loads_nothing(run: Invoke) -> None:
    result = run("init", "--wilayah", "32.71", "--wilayah", "32.71.01")
    assert result.exit_code == 1
    assert result.output.strip().count("\n") == 0 and "32.71.01" in result.output
    assert "paseban init" in run("cases", "list").output  # nothing was migrated or loaded


def test_the_users_and_accounts_csvs_take_the_city(run: Invoke, tmp_path: Path) -> None:
    assert run("init", "--wilayah", "32.71", "--wilayah", "32.01").exit_code == 0
    users = tmp_path / "u.csv"
    users.write_text(
        "username,role,scope,kota\n"
        "ops.kab,diskominfo,,32.01\n"
        "lurah.pondokrajeg,kelurahan_admin,32.01.01.1001,\n"  # the code names its city
        "jabar,province_operator,,\n",
        encoding="utf-8",
    )
    added = run("users", "import", str(users))
    assert added.exit_code == 0, added.output
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "username,role,scope,kota\nops.x,diskominfo,,\nlurah.x,kelurahan_admin,32.71.01.1001,32.01\n",
        encoding="utf-8",
    )
    refused = run("users", "import", str(bad))
    assert refused.exit_code == 1
    assert f"{bad}:2" in refused.output and "sebutkan kotanya" in refused.output
    assert "dan 1 baris bermasalah lain" in refused.output  # line 3, named alone below
    bad.write_text(
        "username,role,scope,kota\nlurah.x,kelurahan_admin,32.71.01.1001,32.01\n", encoding="utf-8"
    )
    refused = run("users", "import", str(bad))
    assert f"{bad}:2" in refused.output and "milik kota 32.71, bukan 32.01" in refused.output
    one_line = run("users", "add", "ops.y", "--role", "diskominfo", "--kota", "99.99")
    assert one_line.exit_code == 1 and one_line.output.strip().count("\n") == 0
    assert "99.99" in one_line.output and "Kabupaten Bogor" in one_line.output
    path = tmp_path / "a.csv"
    path.write_text(
        "platform,handle,owner_kind,owner_code,kota\n"
        "instagram,kel.pondokrajeg,kelurahan,32.01.01.1001,\n"
        "instagram,kel.salah,kelurahan,32.01.01.1002,32.71\n",
        encoding="utf-8",
    )
    accounts = run("accounts", "import", str(path))
    assert accounts.exit_code == 1 and f"{path}:3" in accounts.output


def test_the_report_of_one_city_or_of_every_city_side_by_side(run: Invoke, tmp_path: Path) -> None:
    assert run("init", "--wilayah", "32.71", "--wilayah", "32.01").exit_code == 0
    unknown = run("report", "weekly", "--kota", "99.99", "--out", str(tmp_path / "x"))
    assert unknown.exit_code == 1 and len(unknown.output.strip().splitlines()) == 1
    assert "99.99" in unknown.output and "Kabupaten Bogor" in unknown.output
    every = run("report", "weekly", "--format", "csv", "--out", str(tmp_path / "semua"))
    assert every.exit_code == 0, every.output
    [side] = (tmp_path / "semua").glob("laporan-*-csv/kota.csv")
    assert "Kota Bogor" in side.read_text() and "Kabupaten Bogor" in side.read_text()
    one = run(
        "report", "weekly", "--kota", "32.01", "--format", "csv", "--out", str(tmp_path / "kab")
    )
    assert one.exit_code == 0, one.output
    assert not list((tmp_path / "kab").glob("laporan-*-csv/kota.csv"))
    [places] = (tmp_path / "kab").glob("laporan-*-csv/aduan-per-kelurahan.csv")
    assert "Pondok Rajeg" in places.read_text() and "Tegal Gundil" not in places.read_text()
