"""The open cases a new report may join (services.cases.triage): one statement per shape of
place, compiled once, within the report's city."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from paseban.domain.cases import OPEN
from paseban.domain.triage import Candidate, Report, search_box
from paseban.storage import tables as t

OPEN_VALUES = frozenset(s.value for s in OPEN)
_STATEMENTS: dict[str, Any] = {}  # statements built once per dialect


_CANDIDATE_COLUMNS = (
    t.cases.c.id,
    t.cases.c.topic,
    t.cases.c.kelurahan,
    t.cases.c.kecamatan,
    t.cases.c.keywords,
    t.cases.c.last_report_at,
    t.cases.c.opened_at,
    t.cases.c.street,
    t.cases.c.landmark,
    t.cases.c.lat,
    t.cases.c.lon,
)


def _statement(by_kelurahan: bool, by_point: bool) -> Any:
    """Built once per shape of place (kelurahan list or kecamatan only; with or without a point),
    so that SQLAlchemy compiles it once and a batch only binds values."""
    key = f"candidates:{by_kelurahan}:{by_point}"
    if key not in _STATEMENTS:
        c = t.cases.c
        places = [
            c.kelurahan.in_(sa.bindparam("kels", expanding=True))
            if by_kelurahan
            else sa.and_(c.kelurahan.is_(None), c.kecamatan == sa.bindparam("kec"))
        ]
        if by_point:
            places.append(
                sa.and_(
                    c.lat.between(sa.bindparam("lat0"), sa.bindparam("lat1")),
                    c.lon.between(sa.bindparam("lon0"), sa.bindparam("lon1")),
                )
            )
        _STATEMENTS[key] = (
            sa.select(*_CANDIDATE_COLUMNS)
            .where(
                c.status.in_(sorted(OPEN_VALUES)),
                c.topic == sa.bindparam("topic"),
                sa.func.coalesce(c.last_report_at, c.opened_at) >= sa.bindparam("since"),
                sa.or_(*places),
                c.city == sa.bindparam("city"),
            )
            .order_by(c.id.desc())
            .limit(50)
        )
    return _STATEMENTS[key]


def candidates(
    conn: sa.Connection,
    report: Report,
    near: frozenset[str],
    window: timedelta,
    radius_m: float,
    city: str,
) -> list[Candidate]:
    """The open cases of the city a report may join: same topic, recent, same or neighbouring
    kelurahan (or the same kecamatan), or near its map point (a point near the border is
    never joined to the next city's case)."""
    if not report.kelurahan and not report.kecamatan and report.lat is None:
        return []
    by_point = report.lat is not None and report.lon is not None
    params: dict[str, Any] = {"topic": report.topic, "since": report.at - window, "city": city}
    if report.kelurahan:
        params["kels"] = sorted({report.kelurahan, *near})
    else:
        params["kec"] = report.kecamatan or ""
    if by_point:
        box = search_box(report.lat, report.lon, radius_m)  # type: ignore[arg-type]
        params.update(zip(("lat0", "lat1", "lon0", "lon1"), box, strict=True))
    rows = conn.execute(_statement(bool(report.kelurahan), by_point), params).all()
    return [
        Candidate(
            r.id,
            r.topic,
            r.kelurahan,
            r.kecamatan,
            frozenset((r.keywords or "").split()),
            r.last_report_at or r.opened_at,
            r.street,
            r.landmark,
            r.lat,
            r.lon,
        )
        for r in rows
    ]
