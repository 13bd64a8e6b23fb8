"""The command centre: what Diskominfo and the leadership see first. Open, new, overdue and
escalated cases with their trend; what waits in the inbox; complaints per kecamatan on a map;
each OPD's backlog, late work and on-time share; early-warning alerts; accounts gone quiet.

Every number is counted with the filters of the list it links to; only the 30-day measurement
(the OPDs' on-time share) is computed at most once every few minutes."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from fastapi import Request

from paseban.context import Context
from paseban.domain import fmt
from paseban.domain.auth import Actor, Permission
from paseban.measurement.kpis import EMPTY, Ratio
from paseban.measurement.periods import Period
from paseban.services.cases import reads
from paseban.services.cases.reads import Place
from paseban.services.content import publishing
from paseban.services.inbox import listing
from paseban.services.inbox.listing import InboxFilters
from paseban.services.measurement import desk as desk_service
from paseban.services.measurement import fieldwork
from paseban.services.measurement import reports as report_service
from paseban.services.people import onboarding_health
from paseban.web.cases import maps
from paseban.web.cases.lists import (
    COUNT_CAP,
    SINCE,
    UNROUTED,
    CaseFilters,
    count_cases,
    count_cases_by,
)
from paseban.web.desk.figures import Figure, reused
from paseban.web.inbox.cards import short_opd
from paseban.web.measurement.pages import chosen_period

MAP_SINCE = "30d"
MAP_WIDTH = 300  # the map's canvas: small, so the circles and names read at a glance
SHOWN = 5  # alerts and quiet accounts listed on the page (the rest behind "lihat semua")
FOLLOW_UP = "follow_up"  # the OPD's own stage of a case


@dataclass(frozen=True)
class OnTime:
    now: Ratio
    before: Ratio


def on_time_shares(request: Request, ctx: Context) -> tuple[Period, dict[str, OnTime]]:
    """Each OPD's follow-up stages finished by their deadline over the last 30 days, and over
    the 30 before (the same figures as its scorecard), computed at most every few minutes."""
    period = chosen_period(ctx, "rolling", None)

    def measure() -> dict[str, OnTime]:
        now, before = report_service.measure_pair(ctx, period)
        previous = {k.code: k for k in before.group("opd")}
        return {
            k.code: OnTime(
                k.sla.get(FOLLOW_UP, EMPTY),
                previous[k.code].sla.get(FOLLOW_UP, EMPTY) if k.code in previous else EMPTY,
            )
            for k in now.group("opd")
        }

    return period, reused(request, ("on-time", period), measure)


def case_figures(ctx: Context, actor: Actor) -> list[Figure]:
    scope = actor.scope
    chosen = {
        "open": CaseFilters(open_only=True),
        "new": CaseFilters(since="24h"),
        "overdue": CaseFilters(overdue=True),
        "escalated": CaseFilters(escalated=True),
    }
    counts = {key: count_cases(ctx, scope, f) for key, f in chosen.items()}
    trends = desk_service.case_trends(ctx, open_now=counts["open"])

    def figure(key: str, label: str, hint: str, **extra: Any) -> Figure:
        return Figure(label, counts[key], chosen[key].href, hint, cap=COUNT_CAP, **extra)

    return [
        figure("open", "Kasus terbuka", "belum selesai ditangani", trend=trends.open),
        figure("new", "Kasus baru", "dibuka 24 jam terakhir", trend=trends.new),
        figure(
            "overdue",
            "Lewat tenggat",
            "tenggat tahap berjalan terlewati",
            trend=trends.missed,
            urgent=True,
        ),
        figure(
            "escalated",
            "Dieskalasi",
            "tahap berjalan sudah dieskalasi",
            trend=trends.escalated,
            urgent=True,
        ),
    ]


def inbox_figures(ctx: Context, actor: Actor) -> list[Figure]:
    """What waits for an answer in the inbox (for people who read messages)."""
    if not actor.can(Permission.MESSAGES_READ):
        return []
    chosen = [
        ("Pesan menunggu", "belum ditanggapi siapa pun", InboxFilters(), False),
        ("Aduan menunggu", "aduan warga belum ditanggapi", InboxFilters(intent="aduan"), False),
        ("Darurat menunggu", "urgensi darurat", InboxFilters(urgency="darurat"), True),
    ]
    return [
        Figure(
            label,
            listing.count_messages(ctx, actor, f),
            f.href,
            hint,
            cap=f.cap,
            urgent=urgent,
        )
        for label, hint, f, urgent in chosen
    ]


def kecamatan_map(ctx: Context, actor: Actor) -> dict[str, Any]:
    """Each kecamatan as a circle (sized by its cases of the last 30 days, coloured when some
    are still open), with the numbers and their lists in a table beside it."""
    open_only, recent = CaseFilters(open_only=True), CaseFilters(since=MAP_SINCE)
    open_counts = count_cases_by(ctx, actor.scope, "kecamatan", open_only)
    recent_counts = count_cases_by(ctx, actor.scope, "kecamatan", recent)
    centres = desk_service.kecamatan_centres(ctx)
    places = [
        Place(
            k.code,
            k.name,
            k.name,
            k.lat,
            k.lon,
            recent_counts.get(k.code, 0),
            open_counts.get(k.code, 0),
            0,
        )
        for k in centres
    ]
    dots, labels, height = maps.project(places, width=MAP_WIDTH)
    rows = [
        {
            "name": p.name,
            "open": p.open,
            "open_href": replace(open_only, kecamatan=p.code).href,
            "recent": p.total,
            "recent_href": replace(recent, kecamatan=p.code).href,
        }
        for p in sorted(places, key=lambda p: (-p.total, p.name))
    ]
    return {
        "dots": dots,
        "labels": labels,
        "width": MAP_WIDTH,
        "height": height,
        "colour": maps.colour,
        "rows": rows,
        "unplaced": {"open": open_counts.get(None, 0), "recent": recent_counts.get(None, 0)},
        "href": {p.code: replace(recent, kecamatan=p.code).href for p in places},
        "since_label": SINCE[MAP_SINCE][0],
    }


def opd_rows(request: Request, ctx: Context, actor: Actor) -> tuple[Period, list[dict[str, Any]]]:
    """Each OPD with open cases: its backlog, the urgent ones, how many are late, the oldest,
    and its on-time share of the last 30 days beside the 30 before."""
    period, shares = on_time_shares(request, ctx)
    late = CaseFilters(overdue=True)
    overdue = count_cases_by(ctx, actor.scope, "opd", late)
    rows = []
    for load in reads.opd_load(ctx, actor.scope):
        if not load["open"]:
            continue
        code = load["code"] or UNROUTED
        rows.append(
            {
                **load,
                "short": short_opd(load["name"]),
                "open_href": CaseFilters(opd=code, open_only=True).href,
                "overdue": overdue.get(load["code"] or None, 0),
                "overdue_href": replace(late, opd=code).href,
                "share": shares.get(load["code"]),
                "card_href": f"/peringkat/opd/{load['code']}" if load["code"] else "",
            }
        )
    return period, rows


def warnings(ctx: Context, actor: Actor) -> dict[str, Any]:
    """Open early-warning alerts and quiet accounts: the first few and how many."""
    with ctx.engine.connect() as conn:
        open_alerts = fieldwork.open_alert_count(conn, actor)
    alerts = fieldwork.alerts(ctx, actor, status="open", limit=SHOWN) if open_alerts else []
    quiet = publishing.quiet_alerts(ctx, actor) if actor.can(Permission.CONTENT_READ) else []
    return {
        "alerts": alerts,
        "alert_count": open_alerts,
        "quiet": quiet[:SHOWN],
        "quiet_count": len(quiet),
        "can_content": actor.can(Permission.CONTENT_READ),
    }


def counted(value: int) -> str:
    """A grouped count as its list shows it: up to COUNT_CAP, then "10.000+"."""
    return fmt.number(min(value, COUNT_CAP)) + ("+" if value > COUNT_CAP else "")


def command_centre(request: Request, ctx: Context, actor: Actor) -> dict[str, Any]:
    period, opds = opd_rows(request, ctx, actor)
    return {
        "counted": counted,
        "case_figures": case_figures(ctx, actor),
        "inbox_figures": inbox_figures(ctx, actor),
        "map": kecamatan_map(ctx, actor),
        "opds": opds,
        "period": period,
        **warnings(ctx, actor),
        # issue 19: accounts whose token no longer works, for who can reconnect them
        "broken_accounts": (
            onboarding_health.broken(ctx) if actor.can(Permission.SETTINGS_WRITE) else []
        ),
    }
