"""Turun ke lapangan and early warning, as staff use them: field visits logged from a phone,
before/after photo pairs on resolved cases, and the alerts raised by `detect_spikes`.

Every action checks the actor's permission and area (a kelurahan admin logs visits for the
kelurahan, an OPD officer for the OPD, Diskominfo for any unit), is one transaction, and leaves a
row in the audit trail. Photos are checked and stored by services/measurement/media.py and shown
only to people whose area covers the visit or the case.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.auth import Actor, Permission
from paseban.domain.triage import distance_m
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.services.cases import reads
from paseban.services.measurement import media
from paseban.services.people import audit
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.measurement import (
    AlertListRow,
    AlertMessageRow,
    AlertWithMessagesRow,
    CasePhotoPairRow,
    FieldVisitRow,
    PhotoPairListRow,
)

if TYPE_CHECKING:
    from paseban.context import Context

SAME_SPOT_METRES = 50.0
RESOLVED_STATUSES = ("resolved", "closed")
VISIT_PAST_LIMIT = timedelta(days=7)
MESSAGES_PER_ALERT = 50
v, a = t.field_visits.c, t.alerts.c


@dataclass(frozen=True)
class Spot:
    """A place from the browser's geolocation: latitude, longitude, accuracy in metres."""

    lat: float
    lon: float
    accuracy_m: float | None = None

    def __post_init__(self) -> None:
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise InvalidInput("lokasi di luar rentang lintang/bujur")
        if self.accuracy_m is not None and not 0 <= self.accuracy_m <= 100_000:
            raise InvalidInput("akurasi lokasi tidak sah")

    def metres_to(self, other: Spot) -> float:
        return distance_m((self.lat, self.lon), (other.lat, other.lon))


def spot_from_form(lat: str, lon: str, accuracy: str = "") -> Spot | None:
    """The hidden location fields of a form (empty when the browser gave no location)."""
    if not lat.strip() and not lon.strip():
        return None
    try:
        return Spot(float(lat), float(lon), float(accuracy) if accuracy.strip() else None)
    except ValueError:
        raise InvalidInput("lokasi dari peramban tidak sah") from None


# --- field visits ---------------------------------------------------------------------------------


def record_visit(
    conn: sa.Connection,
    ctx: Context,
    *,
    officer: str,
    unit_code: str,
    visited_at: datetime,
    purpose: str = "",
    kelurahan: str | None = None,
    case_id: int | None = None,
    spot: Spot | None = None,
    photo: bytes | None = None,
    sample: bool = False,
) -> int:
    """Store one visit in the caller's transaction. Needs a case or a purpose."""
    purpose = " ".join(purpose.split())[:500]
    if case_id is None and not purpose:
        raise InvalidInput("isi tujuan kunjungan atau pilih kasus yang ditangani")
    now = ctx.now()
    if visited_at > now + timedelta(minutes=5):
        raise InvalidInput("waktu kunjungan di masa depan")
    if visited_at < now - VISIT_PAST_LIMIT:
        raise InvalidInput("kunjungan lebih dari 7 hari lalu tidak dapat dicatat")
    if case_id is not None:
        case = conn.execute(sa.select(t.cases.c.kelurahan).where(t.cases.c.id == case_id)).first()
        if case is None:
            raise NotFound(f"kasus {case_id} tidak ada")
        kelurahan = kelurahan or case.kelurahan
    if kelurahan is not None:
        level = conn.execute(
            sa.select(t.wilayah.c.level).where(t.wilayah.c.code == kelurahan)
        ).scalar()
        if level != 4:
            raise InvalidInput(f"kelurahan {kelurahan!r} tidak dikenal")
    name = media.save_photo(ctx.settings, photo, kind="visits", at=now) if photo else None
    return int(
        conn.execute(
            sa.insert(t.field_visits)
            .values(
                officer=officer,
                unit_code=unit_code,
                kelurahan=kelurahan,
                case_id=case_id,
                purpose=purpose,
                visited_at=visited_at,
                lat=spot.lat if spot else None,
                lon=spot.lon if spot else None,
                accuracy_m=spot.accuracy_m if spot else None,
                photo=name,
                created_at=now,
                is_sample=sample,
            )
            .returning(t.field_visits.c.id)
        ).scalar_one()
    )


def visit_units(ctx: Context, actor: Actor) -> list[tuple[str, str]]:
    """The units an actor logs visits for: its own area or OPD; Diskominfo chooses any."""
    w, o = t.wilayah.c, t.opds.c
    with ctx.engine.connect() as conn:
        if actor.scope.opd is not None:
            name = conn.execute(sa.select(o.name).where(o.code == actor.scope.opd)).scalar()
            return [(actor.scope.opd, name or actor.scope.opd)]
        if actor.scope.wilayah is not None:
            name = conn.execute(sa.select(w.name).where(w.code == actor.scope.wilayah)).scalar()
            return [(actor.scope.wilayah, name or actor.scope.wilayah)]
        places = conn.execute(
            sa.select(w.code, w.name, w.level).where(w.level.in_((3, 4))).order_by(w.code)
        ).all()
        opds = conn.execute(
            sa.select(o.code, o.name).where(o.active.is_(True), o.kind == "opd").order_by(o.name)
        ).all()
    kinds = {3: "Kecamatan", 4: "Kelurahan"}
    return [(p.code, f"{kinds[p.level]} {p.name}") for p in places] + [
        (r.code, r.name) for r in opds
    ]


def kelurahan_choices(ctx: Context, actor: Actor) -> list[tuple[str, str]]:
    """Where a visit can be: the kelurahan of the actor's area (all for an OPD or the city)."""
    w = t.wilayah.c
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(w.code, w.name).where(w.level == 4).order_by(w.name)).all()
    return [(r.code, r.name) for r in rows if actor.scope.opd or actor.scope.covers_wilayah(r.code)]


def log_visit(
    ctx: Context,
    actor: Actor,
    *,
    visited_at: datetime,
    purpose: str = "",
    unit: str | None = None,
    kelurahan: str | None = None,
    ticket: str | None = None,
    spot: Spot | None = None,
    photo: bytes | None = None,
    ip: str | None = None,
) -> int:
    """An officer logs a visit: for the unit of their area (Diskominfo names one), optionally
    about a case of their area, at a kelurahan of their area."""
    if not actor.can(Permission.FIELD_WRITE):
        raise Forbidden("peran Anda tidak mengizinkan mencatat kunjungan lapangan")
    units = dict(visit_units(ctx, actor))
    unit = unit if actor.scope.is_city else next(iter(units))
    if not unit or unit not in units:
        raise InvalidInput("pilih unit kerja kunjungan (kelurahan, kecamatan atau OPD)")
    if kelurahan and kelurahan not in dict(kelurahan_choices(ctx, actor)):
        raise Forbidden("kelurahan itu di luar wilayah Anda")
    case_id = None
    if ticket:
        case_id = int(reads.case_for(ctx, actor, ticket.strip())["id"])
    with ctx.engine.begin() as conn:
        visit_id = record_visit(
            conn,
            ctx,
            officer=actor.name,
            unit_code=unit,
            visited_at=visited_at,
            purpose=purpose,
            kelurahan=kelurahan or None,
            case_id=case_id,
            spot=spot,
            photo=photo,
        )
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="field.visit",
            target_kind="field_visit",
            target_id=visit_id,
            ip=ip,
            detail={"unit": unit, "kelurahan": kelurahan, "case_id": case_id},
        )
    return visit_id


def _visits_in_scope(actor: Actor) -> Any:
    if actor.scope.opd is not None:
        return v.unit_code == actor.scope.opd
    if actor.scope.wilayah is not None:
        w = actor.scope.wilayah
        return sa.or_(
            v.unit_code == w,
            v.unit_code.startswith(w + "."),
            v.kelurahan == w,
            v.kelurahan.startswith(w + "."),
        )
    if actor.scope.city is not None:  # a city's Diskominfo: its wilayah and its OPDs
        city = actor.scope.city
        ours = sa.select(t.opds.c.code).where(t.opds.c.city == city)
        return sa.or_(v.unit_code.startswith(city + "."), v.unit_code.in_(ours))
    return sa.true()


def visits(
    ctx: Context, actor: Actor, lo: datetime, hi: datetime, *, limit: int = 200
) -> list[FieldVisitRow]:
    """The visits of the actor's area in [lo, hi), newest first, with the unit's and the
    kelurahan's names and the case's ticket."""
    if not actor.can(Permission.CASES_READ):
        raise Forbidden("peran Anda tidak mengizinkan melihat kunjungan")
    kel, unit, u = t.wilayah.alias("kel"), t.wilayah.alias("unit"), t.users.c
    query = (
        sa.select(
            t.field_visits,
            kel.c.name.label("kelurahan_name"),
            sa.func.coalesce(unit.c.name, t.opds.c.name, v.unit_code).label("unit_name"),
            t.cases.c.ticket,
            u.full_name.label("officer_name"),
        )
        .select_from(
            t.field_visits.outerjoin(kel, kel.c.code == v.kelurahan)
            .outerjoin(unit, unit.c.code == v.unit_code)
            .outerjoin(t.opds, t.opds.c.code == v.unit_code)
            .outerjoin(t.cases, t.cases.c.id == v.case_id)
            .outerjoin(t.users, u.username == v.officer)
        )
        .where(v.visited_at >= lo, v.visited_at < hi, _visits_in_scope(actor))
        .order_by(v.visited_at.desc(), v.id.desc())
        .limit(limit)
    )
    with ctx.engine.connect() as conn:
        return [row(FieldVisitRow, r._mapping) for r in conn.execute(query)]


# --- before/after photo pairs ---------------------------------------------------------------------


def record_photo_pair(
    conn: sa.Connection,
    ctx: Context,
    case_id: int,
    *,
    before: bytes,
    after: bytes,
    actor: str,
    before_spot: Spot | None = None,
    after_spot: Spot | None = None,
) -> float | None:
    """A before/after pair from the same spot on a resolved case (as Qlue required), in the
    caller's transaction. When both photos carry a location they must lie within 50 m of each
    other. Returns the distance."""
    distance = None
    if before_spot and after_spot:
        distance = before_spot.metres_to(after_spot)
        if distance > SAME_SPOT_METRES:
            raise InvalidInput(
                f"foto sebelum dan sesudah berjarak {distance:.0f} m; ambil dari titik yang sama "
                f"(maksimal {SAME_SPOT_METRES:.0f} m)"
            )
    now = ctx.now()
    status = conn.execute(sa.select(t.cases.c.status).where(t.cases.c.id == case_id)).scalar()
    if status is None:
        raise NotFound(f"kasus {case_id} tidak ada")
    if status not in RESOLVED_STATUSES:
        raise Conflict("foto sebelum/sesudah hanya untuk kasus yang sudah diselesaikan")
    if conn.execute(
        sa.select(t.case_photo_pairs.c.id).where(t.case_photo_pairs.c.case_id == case_id)
    ).first():
        raise Conflict("kasus ini sudah punya foto sebelum/sesudah")
    before_name = media.save_photo(ctx.settings, before, kind="pairs", at=now)
    after_name = media.save_photo(ctx.settings, after, kind="pairs", at=now)
    conn.execute(
        sa.insert(t.case_photo_pairs).values(
            case_id=case_id,
            before_photo=before_name,
            after_photo=after_name,
            before_lat=before_spot.lat if before_spot else None,
            before_lon=before_spot.lon if before_spot else None,
            after_lat=after_spot.lat if after_spot else None,
            after_lon=after_spot.lon if after_spot else None,
            distance_m=distance,
            uploaded_by=actor,
            created_at=now,
        )
    )
    return distance


def add_photo_pair(
    ctx: Context,
    actor: Actor,
    ticket: str,
    *,
    before: bytes,
    after: bytes,
    before_spot: Spot | None = None,
    after_spot: Spot | None = None,
    ip: str | None = None,
) -> float | None:
    if not actor.can(Permission.FIELD_WRITE):
        raise Forbidden("peran Anda tidak mengizinkan mengunggah foto sebelum/sesudah")
    case = reads.case_for(ctx, actor, ticket)
    with ctx.engine.begin() as conn:
        distance = record_photo_pair(
            conn,
            ctx,
            case["id"],
            before=before,
            after=after,
            actor=actor.name,
            before_spot=before_spot,
            after_spot=after_spot,
        )
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="case.photo_pair",
            target_kind="case",
            target_id=case["ticket"],
            ip=ip,
            detail={"distance_m": None if distance is None else round(distance, 1)},
        )
    return distance


def photo_pair(ctx: Context, case_id: int) -> CasePhotoPairRow | None:
    with ctx.engine.connect() as conn:
        found = conn.execute(
            sa.select(t.case_photo_pairs).where(t.case_photo_pairs.c.case_id == case_id)
        ).first()
    return row(CasePhotoPairRow, found._mapping) if found else None


def photo_pairs(ctx: Context, actor: Actor, *, limit: int = 50) -> list[PhotoPairListRow]:
    """The before/after pairs of the cases in the actor's area, newest first, with the case's
    ticket, title, topic, kelurahan and OPD names (content turns them into post drafts)."""
    if not actor.can(Permission.CASES_READ):
        raise Forbidden("peran Anda tidak mengizinkan melihat foto lapangan")
    c, p = t.cases.c, t.case_photo_pairs.c
    query = (
        sa.select(
            t.case_photo_pairs,
            c.ticket,
            c.title,
            c.kelurahan,
            c.kecamatan,
            c.opd,
            c.city,
            t.wilayah.c.name.label("kelurahan_name"),
            t.topics.c.name.label("topic_name"),
            t.opds.c.name.label("opd_name"),
        )
        .select_from(
            t.case_photo_pairs.join(t.cases, c.id == p.case_id)
            .outerjoin(t.wilayah, t.wilayah.c.code == c.kelurahan)
            .outerjoin(t.topics, t.topics.c.code == c.topic)
            .outerjoin(t.opds, t.opds.c.code == c.opd)
        )
        .order_by(p.created_at.desc(), p.id.desc())
    )
    with ctx.engine.connect() as conn:
        rows = [row(PhotoPairListRow, r._mapping) for r in conn.execute(query)]
    mine = [
        r
        for r in rows
        if actor.scope.covers_case(
            kelurahan=r["kelurahan"], kecamatan=r["kecamatan"], opd=r["opd"], city=r["city"]
        )
    ]
    return mine[:limit]


def photo(ctx: Context, actor: Actor, name: str) -> tuple[Path, str]:
    """A stored photo, for an actor whose area covers its visit or case (NotFound otherwise,
    so that names outside one's area are not confirmed to exist)."""
    p = t.case_photo_pairs.c
    with ctx.engine.connect() as conn:
        visit = conn.execute(
            sa.select(t.field_visits.c.id).where(v.photo == name, _visits_in_scope(actor))
        ).first()
        case = conn.execute(
            sa.select(t.cases.c.kelurahan, t.cases.c.kecamatan, t.cases.c.opd, t.cases.c.city)
            .join(t.case_photo_pairs, p.case_id == t.cases.c.id)
            .where(sa.or_(p.before_photo == name, p.after_photo == name))
        ).first()
    allowed = visit is not None or (
        case is not None
        and actor.can(Permission.CASES_READ)
        and actor.scope.covers_case(
            kelurahan=case.kelurahan, kecamatan=case.kecamatan, opd=case.opd, city=case.city
        )
    )
    if not allowed or not actor.can(Permission.CASES_READ):
        raise NotFound("foto tidak ditemukan")
    return media.open_photo(ctx.settings, name)


# --- early-warning alerts -------------------------------------------------------------------------


def _ancestors(code: str) -> list[str]:
    parts = code.split(".")
    return [".".join(parts[:i]) for i in range(2, len(parts))]


def _alerts_in_scope(actor: Actor) -> Any:
    """An OPD sees the alerts routed to it; a wilayah admin those of its area and of the
    kecamatan around it; Diskominfo and leadership all."""
    if actor.scope.opd is not None:
        return a.opd == actor.scope.opd
    if actor.scope.wilayah is not None:
        w = actor.scope.wilayah
        return sa.or_(a.area == w, a.area.startswith(w + "."), a.area.in_(_ancestors(w)))
    if actor.scope.city is not None:  # a city's Diskominfo and leadership: the city's
        return sa.or_(a.area == actor.scope.city, a.area.startswith(actor.scope.city + "."))
    return sa.true()


def open_alert_count(conn: sa.Connection, actor: Actor) -> int:
    """Alerts still waiting for a response in the actor's area: the menu's badge on every page,
    so that Diskominfo and the OPD see a spike without opening the alerts page."""
    if not actor.can(Permission.CASES_READ):
        return 0
    query = sa.select(sa.func.count()).where(a.status == "open", _alerts_in_scope(actor))
    return int(conn.execute(query).scalar_one())


def alerts(
    ctx: Context, actor: Actor, *, status: str | None = None, limit: int = 100
) -> list[AlertListRow]:
    if not actor.can(Permission.CASES_READ):
        raise Forbidden("peran Anda tidak mengizinkan melihat peringatan dini")
    query = (
        sa.select(
            t.alerts,
            t.topics.c.name.label("topic_name"),
            t.wilayah.c.name.label("area_name"),
            t.opds.c.name.label("opd_name"),
        )
        .select_from(
            t.alerts.join(t.topics, t.topics.c.code == a.topic)
            .join(t.wilayah, t.wilayah.c.code == a.area)
            .outerjoin(t.opds, t.opds.c.code == a.opd)
        )
        .where(_alerts_in_scope(actor))
        .order_by(a.raised_at.desc(), a.id.desc())
        .limit(limit)
    )
    if status:
        query = query.where(a.status == status)
    with ctx.engine.connect() as conn:
        return [row(AlertListRow, r._mapping) for r in conn.execute(query)]


def with_messages(
    ctx: Context, actor: Actor, rows: list[AlertListRow]
) -> list[AlertWithMessagesRow]:
    """The alerts with the messages behind each (one query): masked text only, never the
    original, and only for actors who read messages."""
    wanted = {int(i) for row in rows for i in row["message_ids"][:MESSAGES_PER_ALERT]}
    found: dict[int, AlertMessageRow] = {}
    if wanted and actor.can(Permission.MESSAGES_READ):
        m = t.messages.c
        with ctx.engine.connect() as conn:
            for chunk in (sorted(wanted)[i : i + 500] for i in range(0, len(wanted), 500)):
                for r in conn.execute(
                    sa.select(m.id, m.platform, m.posted_at, m.masked_text, t.accounts.c.handle)
                    .join(t.accounts, t.accounts.c.id == m.account_id)
                    .where(m.id.in_(chunk))
                ):
                    found[r.id] = row(AlertMessageRow, r._mapping)
    out: list[AlertWithMessagesRow] = []
    for alert in rows:
        behind = [
            found[int(i)] for i in alert["message_ids"][:MESSAGES_PER_ALERT] if int(i) in found
        ]
        out.append({**alert, "messages": sorted(behind, key=lambda m: m["posted_at"])})
    return out


def can_acknowledge(actor: Actor, alert: Mapping[str, Any]) -> bool:
    """Diskominfo, or an officer of the OPD the alert went to."""
    if not actor.can(Permission.CASES_WRITE):
        return False
    if actor.scope.is_city:
        return actor.scope.covers_wilayah(alert["area"])
    return actor.scope.opd is not None and actor.scope.opd == alert["opd"]


def acknowledge_alert(ctx: Context, actor: Actor, alert_id: int, *, ip: str | None = None) -> None:
    with ctx.engine.begin() as conn:
        row = conn.execute(
            sa.select(a.status, a.opd, a.area).where(a.id == alert_id, _alerts_in_scope(actor))
        ).first()
        if row is None:
            raise NotFound(f"peringatan {alert_id} tidak ada")
        if not can_acknowledge(actor, dict(row._mapping)):
            raise Forbidden("hanya Diskominfo dan OPD tujuan yang menanggapi peringatan ini")
        if row.status != "open":
            raise Conflict("peringatan ini sudah ditanggapi atau ditutup")
        now = ctx.now()
        conn.execute(
            sa.update(t.alerts)
            .where(a.id == alert_id)
            .values(
                status="acknowledged",
                acknowledged_at=now,
                acknowledged_by=actor.name,
                updated_at=now,
            )
        )
        audit.record(
            conn,
            at=now,
            actor=actor,
            action="alert.acknowledge",
            target_kind="alert",
            target_id=alert_id,
            ip=ip,
        )
