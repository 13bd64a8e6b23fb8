"""A province's view of every city says whose each row is, and no page names another city
(issue 17, item 5): with `?kota=semua` the lists the province operator reads (cases, the
inbox, the review queue, accounts, users) carry a "Kota/Kabupaten" column or line with the
city's name; one city's pages show none; the chrome of an error page names the signed-in
person's city."""

from __future__ import annotations

import re
from collections.abc import Callable

import sqlalchemy as sa
from fastapi.testclient import TestClient

from paseban.context import Context
from paseban.storage import tables as t
from tests.factories import KAB
from tests.web.conftest import Browser
from tests.web.test_cities import Province, province  # noqa: F401 (the fixture)

COLUMN = '<th scope="col" class="city-of">Kota/<wbr>Kabupaten</th>'
LISTS = ("/kasus", "/kasus?view=board", "/kotak-masuk", "/tinjauan")
SETTINGS = ("/pengaturan/akun", "/pengaturan/pengguna")


def cities_named(html: str) -> set[str]:
    """The city names the rows carry (a table's cell or a card's line)."""
    cells = re.findall(r'data-label="Kota/&#8203;Kabupaten">([^<]*)<', html)
    lines = re.findall(r'<span class="city-of">([^<]*)<', html)
    return set(cells) | set(lines)


def test_every_city_names_each_rows_city(
    province: Province,  # noqa: F811
    app_ctx: Context,
    login: Callable[[str], Browser],
) -> None:
    with app_ctx.engine.begin() as conn:  # both messages wait for a human's review
        conn.execute(sa.update(t.messages).values(needs_review=True))
    browser = login("operator.provinsi")
    assert browser.get("/kasus?kota=semua").status_code == 200
    for path in (*LISTS, *SETTINGS):
        page = browser.get(path)  # the choice of every city is kept in the cookie
        assert page.status_code == 200, path
        assert cities_named(page.text) >= {"Kota Bogor", "Kabupaten Bogor"}, path
        assert ">32.01<" not in page.text and ">32.71<" not in page.text  # names, not codes
    cases = browser.get("/kasus").text
    assert COLUMN in cases
    row = cases[cases.index(str(province.kab["ticket"])) :]
    assert cities_named(row[: row.index("</tr>")]) == {"Kabupaten Bogor"}
    # the province role itself is of every city
    users = browser.get("/pengaturan/pengguna").text
    assert "Semua kota/kabupaten" in users[users.index("operator.provinsi") :]


def test_one_citys_pages_show_no_city(
    province: Province,  # noqa: F811
    app_ctx: Context,
    login: Callable[[str], Browser],
) -> None:
    with app_ctx.engine.begin() as conn:
        conn.execute(sa.update(t.messages).values(needs_review=True))
    chosen = login("operator.provinsi")
    for browser, query in ((chosen, f"?kota={KAB}"), (login("operator.kab"), "")):
        for path in (*LISTS, *SETTINGS):
            sep = "&" if "?" in path and query else ""
            page = browser.get(f"{path}{sep}{query.lstrip('?') if sep else query}")
            assert page.status_code == 200, path
            assert cities_named(page.text) == set() and COLUMN not in page.text, path


def test_a_one_city_deployment_shows_no_city(login: Callable[[str], Browser]) -> None:
    browser = login("operator")
    for path in (*LISTS, *SETTINGS):
        page = browser.get(path)
        assert page.status_code == 200 and cities_named(page.text) == set(), path


def _title(html: str) -> str:
    found = re.search(r"<title>([^<]*)</title>", html)
    assert found is not None
    return found.group(1)


def test_an_error_page_names_the_signed_in_persons_city(
    province: Province,  # noqa: F811
    login: Callable[[str], Browser],
) -> None:
    kab = login("operator.kab")
    for path in ("/tidak-ada", f"/kasus/{province.kota['ticket']}", "/kasus/BGR-0000-0000"):
        page = kab.get(path)
        assert page.status_code in (403, 404), path
        assert "Kabupaten Bogor" in _title(page.text), path
        assert "Kota Bogor" not in page.text, path
    assert "Alamat ini tidak ada" in kab.get("/tidak-ada").text  # not Starlette's English
    kota = login("operator")
    assert "Kota Bogor" in _title(kota.get("/tidak-ada").text)
    whole = login("operator.provinsi")
    assert "Semua kota/kabupaten" in _title(whole.get("/tidak-ada?kota=semua").text)
    assert "Kabupaten Bogor" in _title(whole.get(f"/tidak-ada?kota={KAB}").text)
    assert "Kabupaten Bogor" in _title(whole.get("/tidak-ada").text)  # the kept choice


def test_the_login_page_names_no_city_of_a_province(
    province: Province,  # noqa: F811
    anon: TestClient,
) -> None:
    """Nobody is signed in yet: the login page of a province's deployment names none of its
    cities (it named the first); a one-city deployment's names its city (below)."""
    page = anon.get("/masuk")
    assert page.status_code == 200
    assert _title(page.text) == "Masuk"
    assert "Kota Bogor" not in page.text and "Kabupaten Bogor" not in page.text


def test_the_login_page_of_one_city_names_it(anon: TestClient) -> None:
    assert _title(anon.get("/masuk").text) == "Masuk · Kota Bogor"
