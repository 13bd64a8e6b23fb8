"""No N+1: every list page costs the same number of SQL queries with 4 rows as with 40, and no
more than its baseline in query_counts.json (netbox keeps such a file too). Lower a baseline
when a page gets cheaper; raising one needs a reason in the commit."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from paseban.context import Context
from paseban.services.ingest import files
from paseban.storage import tables as t
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser

BASELINE = json.loads((Path(__file__).parent / "query_counts.json").read_text(encoding="utf-8"))
PLACES = ["batutulis", "empang", "tegal gundil", "bantarjati", "sempur", "cibadak", "loji"]
PROBLEMS = [
    "jalan berlubang parah",
    "sampah numpuk ga diangkut",
    "lampu jalan mati gelap",
    "got mampet air meluber",
    "pohon tumbang nutup jalan",
]


@contextmanager
def counting(ctx: Context) -> Iterator[list[str]]:
    statements: list[str] = []

    def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    sa.event.listen(ctx.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(ctx.engine, "before_cursor_execute", count)


def _add(ctx: Context, tmp_path: Path, start: int, n: int) -> None:
    records = [
        message(
            i,
            f"{PROBLEMS[i % len(PROBLEMS)]} di {PLACES[i % len(PLACES)]} rt {i:02d}",
            account="kelurahan.batutulis" if i % 2 else "pemkotbogor",
            time=f"2026-11-{20 + i % 7:02d}T0{i % 9}:00:00+07:00",
        )
        for i in range(start, start + n)
    ]
    files.ingest_file(ctx, write_jsonl(tmp_path / f"m{start}.jsonl", records))
    with ctx.engine.begin() as conn:
        conn.execute(sa.update(t.messages).values(needs_review=True))


def _counts(ctx: Context, browser: Browser, pages: list[str]) -> dict[str, int]:
    result = {}
    browser.get("/kasus")  # the session's last_seen write happens once, not per page
    for page in pages:
        with counting(ctx) as statements:
            response = browser.get(page)
        assert response.status_code == 200, page
        result[page] = len(statements)
    return result


def test_list_pages_do_not_grow_with_their_rows(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    _add(app_ctx, tmp_path, 1, 4)
    with app_ctx.engine.connect() as conn:
        ticket = conn.execute(sa.select(t.cases.c.ticket).limit(1)).scalar_one()
    pages = [p for p in BASELINE if "{ticket}" not in p] + [f"/kasus/{ticket}"]
    op = login("operator")
    small = _counts(app_ctx, op, pages)
    _add(app_ctx, tmp_path, 100, 40)
    # make one case have many reports and events
    with app_ctx.engine.begin() as conn:
        case_id = conn.execute(
            sa.select(t.cases.c.id).where(t.cases.c.ticket == ticket)
        ).scalar_one()
        conn.execute(sa.update(t.messages).values(case_id=case_id))
    large = _counts(app_ctx, op, pages)
    assert large == small, {p: (small[p], large[p]) for p in pages if small[p] != large[p]}
    for page, count in small.items():
        key = "/kasus/{ticket}" if page == f"/kasus/{ticket}" else page
        assert count <= BASELINE[key], f"{page}: {count} queries, baseline {BASELINE[key]}"
    # a scope costs at most the query that finds the accounts in it
    lurah = _counts(app_ctx, login("lurah.batutulis"), ["/kotak-masuk?state=all", "/kasus"])
    assert all(lurah[p] <= BASELINE[p] + 2 for p in lurah), lurah
