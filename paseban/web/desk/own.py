"""A kelurahan or kecamatan admin's own first page: what waits for them today (messages to
answer, cases to verify, late cases, alerts, quiet accounts), the oldest messages still waiting,
their unit's rank on the leaderboards and what lags, with the action to take."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from paseban.context import Context
from paseban.domain.auth import Actor, Permission
from paseban.domain.cases import Status
from paseban.services.content import publishing
from paseban.services.inbox import listing
from paseban.services.inbox.listing import InboxFilters
from paseban.services.measurement import fieldwork
from paseban.services.measurement import reports as report_service
from paseban.services.measurement.reports import Scorecard
from paseban.services.reference import store as ref
from paseban.web.cases.lists import COUNT_CAP, CaseFilters, count_cases
from paseban.web.desk.figures import Figure, reused
from paseban.web.measurement.pages import chosen_period

OLDEST = 5  # waiting messages listed
TO_VERIFY = CaseFilters(status=Status.RECEIVED)


def standing(request: Request, ctx: Context, group: str, code: str) -> Scorecard:
    """The unit's scorecard of the last 30 days (its rank on both leaderboards and what lags),
    computed at most every few minutes for each unit."""
    period = chosen_period(ctx, "rolling", None)
    return reused(
        request,
        ("scorecard", group, code, period),
        lambda: report_service.unit_scorecard(ctx, group, code, period),
    )


def waiting(ctx: Context, actor: Actor) -> list[Figure]:
    """What waits for the admin today, each number a link to its list."""
    out: list[Figure] = []
    if actor.can(Permission.MESSAGES_READ):
        for label, hint, f, urgent in [
            ("Pesan menunggu balasan", "di akun-akun Anda", InboxFilters(), False),
            ("Aduan belum ditanggapi", "aduan warga", InboxFilters(intent="aduan"), False),
            ("Darurat", "urgensi darurat, belum ditanggapi", InboxFilters(urgency="darurat"), True),
        ]:
            count = listing.count_messages(ctx, actor, f)
            out.append(Figure(label, count, f.href, hint, cap=f.cap, urgent=urgent))
    for label, hint, cf, urgent in [
        (
            "Kasus perlu diverifikasi",
            "aduan baru di wilayah Anda",
            CaseFilters(status=Status.RECEIVED),
            False,
        ),
        ("Kasus lewat tenggat", "di wilayah Anda", CaseFilters(overdue=True), True),
        ("Kasus terbuka", "belum selesai ditangani", CaseFilters(open_only=True), False),
    ]:
        count = count_cases(ctx, actor.scope, cf)
        out.append(Figure(label, count, cf.href, hint, cap=COUNT_CAP, urgent=urgent))
    with ctx.engine.connect() as conn:
        alerts = fieldwork.open_alert_count(conn, actor)
    out.append(
        Figure("Peringatan dini", alerts, "/peringatan?status=open", "lonjakan aduan", urgent=True)
    )
    if actor.can(Permission.CONTENT_READ):
        quiet = publishing.quiet_alerts(ctx, actor)
        out.append(Figure("Akun sepi", len(quiet), "/konten/sepi", "tanpa unggahan atau jawaban"))
    return out


def own_home(request: Request, ctx: Context, actor: Actor) -> dict[str, Any]:
    code = actor.scope.wilayah or ""
    group = "kelurahan" if code.count(".") >= 3 else "kecamatan"
    with ctx.engine.connect() as conn:
        name = next((w.name for w in ref.wilayah_all(conn) if w.code == code), code)
    oldest = InboxFilters(order="oldest")
    rows = (
        listing.list_messages(ctx, actor, oldest, limit=OLDEST).rows
        if actor.can(Permission.MESSAGES_READ)
        else []
    )
    card = standing(request, ctx, group, code)
    return {
        "unit_name": name,
        "unit_kind": "Kelurahan" if group == "kelurahan" else "Kecamatan",
        "waiting": waiting(ctx, actor),
        "oldest": rows,
        "oldest_href": oldest.href,
        "card": card,
        "card_href": f"/peringkat/{group}/{code}",
        "group": group,
    }
