"""`paseban init --wilayah A --wilayah B` (issue 17, item 5): a province's deployment loads
several cities at once or one after the other, idempotently; a bad code is one line and stores
nothing."""

from __future__ import annotations

from tests.cli.conftest import Invoke


def test_init_loads_two_cities_and_again_adds_nothing(run: Invoke) -> None:
    result = run("init", "--wilayah", "32.71", "--wilayah", "32.01")
    assert result.exit_code == 0, result.output
    assert "wilayah 32.71 siap" in result.output and "wilayah 32.01 siap" in result.output
    assert "Kota Bogor (32.71, tiket BGR-)" in result.output
    assert "Kabupaten Bogor (32.01, tiket KBG-)" in result.output
    again = run("init", "--wilayah", "32.71", "--wilayah", "32.01")
    assert again.exit_code == 0
    assert again.output.count("tidak ada yang baru") == 2


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
