"""The command centre's figures that the lists do not give: each case figure's trend over the
last two weeks, read from the case trail (measurement/desk.py draws them), and where each
kecamatan sits on the map. The counts themselves come from the lists they link to (web/desk)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time
from typing import TYPE_CHECKING

from paseban.domain.cases import OPEN
from paseban.domain.wilayah import Level
from paseban.measurement import desk, desk_queries
from paseban.measurement.desk import Trend
from paseban.services.reference import store as ref

if TYPE_CHECKING:
    from paseban.context import Context

OPEN_VALUES = frozenset(s.value for s in OPEN)


@dataclass(frozen=True)
class CaseTrends:
    open: Trend  # open at the end of each day
    new: Trend  # opened each day
    missed: Trend  # deadlines missed each day
    escalated: Trend  # escalations each day


def case_trends(ctx: Context, *, open_now: int) -> CaseTrends:
    """The last two weeks, day by day, city-wide. `open_now`: the open cases the case list
    counts now, from which the open series is walked back through the status changes."""
    now = ctx.now()
    tz = ctx.tz
    days = desk.last_days(now.astimezone(tz).date())
    start = datetime.combine(days[0], time(0), tzinfo=tz)
    with ctx.engine.connect() as conn:
        changes = desk_queries.status_changes(conn, start)
        opened = desk_queries.opened_times(conn, start)
        missed = desk_queries.missed_deadlines(conn, start, now)
        escalations = desk_queries.escalation_times(conn, start)
    open_series = desk.open_at_day_ends(open_now, changes, days, tz, OPEN_VALUES, now=now)
    return CaseTrends(
        open=desk.stock_trend(days, open_series, more_is_worse=True),
        new=desk.flow_trend(
            days, desk.daily_counts(opened, days, tz), what="dibuka", more_is_worse=True
        ),
        missed=desk.flow_trend(
            days,
            desk.daily_counts(missed, days, tz),
            what="tenggat terlewati",
            more_is_worse=True,
        ),
        escalated=desk.flow_trend(
            days, desk.daily_counts(escalations, days, tz), what="eskalasi", more_is_worse=True
        ),
    )


@dataclass(frozen=True)
class Centre:
    """A kecamatan on the command centre's map: its centre is the mean of its kelurahan
    centres (the reference data has no kecamatan outlines)."""

    code: str
    name: str
    lat: float
    lon: float


def kecamatan_centres(ctx: Context) -> list[Centre]:
    """Every kecamatan of the city that has kelurahan with a known centre (or one of its own)."""
    with ctx.engine.connect() as conn:
        wilayah = ref.wilayah_all(conn)
    points: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for w in wilayah:
        if w.level is Level.KELURAHAN and w.parent_code and w.lat is not None and w.lon is not None:
            points[w.parent_code].append((w.lat, w.lon))
    out = []
    for w in wilayah:
        if w.level is not Level.KECAMATAN:
            continue
        mine = points.get(w.code) or (
            [(w.lat, w.lon)] if w.lat is not None and w.lon is not None else []
        )
        if mine:
            lat = sum(p[0] for p in mine) / len(mine)
            lon = sum(p[1] for p in mine) / len(mine)
            out.append(Centre(w.code, w.name, lat, lon))
    return out
