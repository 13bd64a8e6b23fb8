"""The province's content lists of every city name each row's city (issue 17, item 5):
programmes, campaigns, the media library and the admin network carry a "Kota/Kabupaten"
column or line with the city's name with `?kota=semua`; one city's lists show none."""

from __future__ import annotations

from collections.abc import Callable

from tests.factories import KAB
from tests.web.conftest import Browser
from tests.web.content.test_cities import Province, province  # noqa: F401 (the fixture)
from tests.web.test_cities_every import cities_named

LISTS = ("/konten/program", "/konten/kampanye", "/konten/media", "/konten/jejaring")


def test_every_city_names_each_rows_city(
    province: Province,  # noqa: F811
    login: Callable[[str], Browser],
) -> None:
    browser = login("operator.provinsi")
    for path in LISTS:
        page = browser.get(f"{path}?kota=semua")
        assert page.status_code == 200, path
        assert cities_named(page.text) == {"Kota Bogor", "Kabupaten Bogor"}, path
    programmes = browser.get("/konten/program").text
    row = programmes[programmes.index(province.kab.program_name) :]
    assert cities_named(row[: row.index("</tr>")]) == {"Kabupaten Bogor"}


def test_one_citys_lists_show_no_city(
    province: Province,  # noqa: F811
    login: Callable[[str], Browser],
) -> None:
    chosen = login("operator.provinsi")
    for path in LISTS:
        assert cities_named(chosen.get(f"{path}?kota={KAB}").text) == set(), path
    own = login("operator.kab")
    for path in LISTS:
        assert cities_named(own.get(path).text) == set(), path
