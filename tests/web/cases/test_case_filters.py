"""The case list's filters that the command centre links to: open, escalated, opened within,
without an OPD. Each narrows the list to exactly what it says, alone and combined."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa

from paseban.context import Context
from paseban.domain.accounts import Scope
from paseban.services.ingest import files
from paseban.storage import tables as t
from paseban.web.cases.lists import CaseFilters, count_cases
from tests.factories import message, write_jsonl
from tests.web.conftest import Browser

TICKET = re.compile(r'href="/kasus/([A-Z]+-\d{4}-\w+)"')


def _cases(ctx: Context, tmp_path: Path) -> dict[str, str]:
    """Four cases, by what they are about: lamp, rubbish, road, drain."""
    records = [
        message(1, "lampu jalan mati di batutulis, gelap banget"),
        message(2, "sampah numpuk di kel. tegal gundil", account="kelurahan.tegalgundil"),
        message(3, "jalan berlubang dekat prasasti batutulis", time="2026-11-20T08:00:00+07:00"),
        message(4, "got mampet di empang air meluber", time="2026-11-10T08:00:00+07:00"),
    ]
    files.ingest_file(ctx, write_jsonl(tmp_path / "m.jsonl", records))
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(t.messages.c.external_id, t.cases.c.ticket).join(
                t.cases, t.cases.c.id == t.messages.c.case_id
            )
        ).all()
    return {str(ext): str(ticket) for ext, ticket in rows}


def _shown(page: str) -> set[str]:
    return set(TICKET.findall(page))


def test_open_escalated_new_and_unrouted_filters(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    tickets = _cases(app_ctx, tmp_path)
    with app_ctx.engine.begin() as conn:
        c = t.cases.c
        conn.execute(sa.update(t.cases).where(c.ticket == tickets["m2"]).values(status="closed"))
        conn.execute(sa.update(t.cases).where(c.ticket == tickets["m3"]).values(escalation_level=1))
        conn.execute(
            sa.update(t.cases)
            .where(c.ticket == tickets["m4"])
            .values(opd=None, route_rule=None, escalation_level=2, status="closed")
        )
    op = login("operator")
    everything = _shown(op.get("/kasus").text)
    assert everything == set(tickets.values())
    assert _shown(op.get("/kasus?open=1").text) == {tickets["m1"], tickets["m3"]}
    # escalated: only open ones (a closed case's old escalation is over)
    assert _shown(op.get("/kasus?escalated=1").text) == {tickets["m3"]}
    # opened within 24 hours (now: 27 Nov 09:00 WIB; m3 opened on 20 Nov, m4 on 10 Nov)
    assert _shown(op.get("/kasus?since=24h").text) == {tickets["m1"], tickets["m2"]}
    assert _shown(op.get("/kasus?since=30d").text) == set(tickets.values())
    assert _shown(op.get("/kasus?since=7d&open=1").text) == {tickets["m1"]}
    assert _shown(op.get("/kasus?opd=-").text) == {tickets["m4"]}
    # the form as the browser sends it, untouched
    blank = "/kasus?view=list&status=&opd=&topic=&kecamatan=&urgency=&order=&since="
    assert op.get(blank).status_code == 200
    assert op.get("/kasus?since=kemarin").status_code == 422


def test_a_count_is_what_its_list_shows(
    app_ctx: Context, login: Callable[[str], Browser], tmp_path: Path
) -> None:
    """count_cases and the list at CaseFilters.href agree, for every filter the command centre
    uses, in every scope."""
    _cases(app_ctx, tmp_path)
    app_ctx.clock.advance(timedelta(days=20))  # type: ignore[attr-defined]
    filters = [
        CaseFilters(),
        CaseFilters(open_only=True),
        CaseFilters(overdue=True),
        CaseFilters(escalated=True),
        CaseFilters(since="7d"),
        CaseFilters(since="30d", kecamatan="32.71.01"),
        CaseFilters(opd="DISPERUMKIM", open_only=True),
        CaseFilters(opd="-", open_only=True),
    ]
    for user, scope in [
        ("operator", Scope()),
        ("lurah.batutulis", Scope(wilayah="32.71.01.1001")),
        ("petugas.dlh", Scope(opd="DLH")),
    ]:
        browser = login(user)
        counts = {}
        for f in filters:
            shown = _shown(browser.get(f.href).text)
            counts[f.href] = count_cases(app_ctx, scope, f)
            assert counts[f.href] == len(shown), (user, f.href)
        if user == "operator":  # the comparison was not between empty lists
            assert counts["/kasus?overdue=1"] == 4 and counts["/kasus?since=7d"] == 0
    assert CaseFilters(overdue=True).href == "/kasus?overdue=1"
    assert CaseFilters().href == "/kasus"
