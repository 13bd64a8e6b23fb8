"""The measurement's writes and jobs: account metric snapshots (from the connectors' hook or a CSV),
the response facts behind first-response times, field visits, before/after photo pairs, and the
early-warning alerts. A built-in plugin: its jobs register through the same hook a third party
would use."""

from __future__ import annotations

import logging
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.workdays import WorkCalendar
from paseban.errors import BadFile, Conflict, ImportReport, InvalidInput, LineError, NotFound
from paseban.hookspecs import hookimpl
from paseban.measurement import alerts as rules
from paseban.measurement import metrics as m
from paseban.measurement.kpis import COMPLAINT, NEEDS_REPLY
from paseban.measurement.queries import outbox
from paseban.services import media
from paseban.services import reference as ref
from paseban.services.csvfiles import read_rows
from paseban.services.jobs import JobSpec
from paseban.storage import tables as t
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.measurement")

REFRESH_EVERY = timedelta(minutes=2)
SPIKES_EVERY = timedelta(minutes=5)
METRICS_EVERY = timedelta(hours=24)
ALERT_QUIET = timedelta(hours=24)  # an alert without new reports for this long is closed
SAME_SPOT_METRES = 50.0
RESOLVED_STATUSES = ("resolved", "closed")


def work_calendar(conn: sa.Connection, tz: Any) -> WorkCalendar:
    return WorkCalendar.of(ref.holiday_dates(conn), tz)


# --- account metrics -----------------------------------------------------------------------------


def record_metrics(
    conn: sa.Connection,
    account_id: int,
    metrics: m.AccountMetrics,
    *,
    source: str,
    at: datetime,
    tz: Any,
    sample: bool = False,
) -> dict[str, int]:
    """Store a day's snapshot of one account (replacing an earlier one of the same day) and the
    latest counts of its posts. The caller commits."""
    counts = {"snapshots": 0, "posts": 0}
    figures = (metrics.followers, metrics.posts_count, metrics.reach, metrics.views)
    if any(v is not None for v in figures):
        values = {
            "followers": metrics.followers,
            "posts_count": metrics.posts_count,
            "reach": metrics.reach,
            "views": metrics.views,
            "source": source,
            "recorded_at": at,
        }
        conn.execute(
            insert(conn, t.account_snapshots)
            .values(account_id=account_id, day=metrics.day, **values)
            .on_conflict_do_update(index_elements=["account_id", "day"], set_=values)
        )
        counts["snapshots"] += 1
    for post in metrics.posts:
        values = {
            "posted_at": post.posted_at,
            "posted_on": post.posted_at.astimezone(tz).date(),
            "likes": post.likes,
            "comments": post.comments,
            "shares": post.shares,
            "saves": post.saves,
            "reach": post.reach,
            "views": post.views,
            "program": post.program,
            "campaign": post.campaign,
            "measured_on": metrics.day,
            "source": source,
        }
        conn.execute(
            insert(conn, t.post_metrics)
            .values(account_id=account_id, external_id=post.external_id, is_sample=sample, **values)
            .on_conflict_do_update(index_elements=["account_id", "external_id"], set_=values)
        )
        counts["posts"] += 1
    return counts


def import_metrics_csv(ctx: Context, path: Path | str, *, skip_bad: bool = False) -> ImportReport:
    """`paseban metrics import`: every line checked; nothing stored when a line is bad unless
    `skip_bad` (then the good lines are stored and the bad ones reported)."""
    source = str(path)
    report = ImportReport(source)
    today = ctx.now().astimezone(ctx.tz).date()
    errors: list[LineError] = []
    lines: list[tuple[int, m.MetricLine, int]] = []
    with ctx.engine.begin() as conn:
        handles = {
            (r.platform, r.handle.lower()): r.id
            for r in conn.execute(
                sa.select(t.accounts.c.id, t.accounts.c.platform, t.accounts.c.handle)
            )
        }
        for line_no, row in read_rows(path, m.REQUIRED):
            try:
                line = m.parse_line(row, today=today)
            except m.BadMetric as exc:
                errors.append(LineError(source, line_no, str(exc)))
                continue
            account_id = handles.get((line.platform, line.handle.lower()))
            if account_id is None:
                errors.append(
                    LineError(
                        source,
                        line_no,
                        f"akun {line.platform}/{line.handle} tidak terdaftar "
                        "(daftarkan dengan `paseban accounts import`)",
                    )
                )
                continue
            lines.append((line_no, line, account_id))
        if errors and not skip_bad:
            raise BadFile(errors)
        report.skipped = errors
        existing_snaps = {
            (r.account_id, r.day)
            for r in conn.execute(
                sa.select(t.account_snapshots.c.account_id, t.account_snapshots.c.day)
            )
        }
        existing_posts = {
            (r.account_id, r.external_id)
            for r in conn.execute(
                sa.select(t.post_metrics.c.account_id, t.post_metrics.c.external_id)
            )
        }
        for _, line, account_id in lines:
            if line.account is not None:
                key: tuple[int, Any] = (account_id, line.day)
                metrics = line.account
                known = key in existing_snaps
                existing_snaps.add(key)
            else:
                assert line.post is not None
                key = (account_id, line.post.external_id)
                metrics = m.AccountMetrics(line.day, posts=(line.post,))
                known = key in existing_posts
                existing_posts.add(key)
            record_metrics(conn, account_id, metrics, source="csv", at=ctx.now(), tz=ctx.tz)
            if known:
                report.updated += 1
            else:
                report.added += 1
    return report


def record_account_metrics(ctx: Context) -> dict[str, int]:
    """Daily job: ask the connector of each active account for today's figures."""
    counts = {"accounts": 0, "snapshots": 0, "posts": 0, "unsupported": 0, "failed": 0}
    with ctx.engine.connect() as conn:
        accounts = [
            dict(r._mapping)
            for r in conn.execute(sa.select(t.accounts).where(t.accounts.c.active.is_(True)))
        ]
    for account in accounts:
        counts["accounts"] += 1
        try:
            result = ctx.pm.hook.collect_account_metrics(ctx=ctx, account=account)
        except Exception:  # one broken platform must not stop the others
            log.exception("metrics collection failed", extra={"account_id": account["id"]})
            counts["failed"] += 1
            continue
        if result is None:
            counts["unsupported"] += 1
            continue
        with ctx.engine.begin() as conn:
            stored = record_metrics(
                conn, account["id"], result, source="api", at=ctx.now(), tz=ctx.tz
            )
        counts["snapshots"] += stored["snapshots"]
        counts["posts"] += stored["posts"]
    return counts


# --- response facts ------------------------------------------------------------------------------


def refresh_response_facts(ctx: Context) -> dict[str, int]:
    """Keep `response_facts` current: a row for every analysed message that needed an answer,
    and its first public reply (wall clock and business hours) once one was sent."""
    now = ctx.now()
    f, msg = t.response_facts.c, t.messages.c
    with ctx.engine.begin() as conn:
        missing = (
            sa.select(
                msg.id,
                msg.account_id,
                msg.posted_at,
                msg.intent,
                sa.literal(now, t.response_facts.c.updated_at.type),
            )
            .select_from(t.messages.outerjoin(t.response_facts, f.message_id == msg.id))
            .where(f.message_id.is_(None), msg.intent.in_(sorted(NEEDS_REPLY)))
        )
        before = conn.execute(sa.select(sa.func.count()).select_from(t.response_facts)).scalar_one()
        conn.execute(
            sa.insert(t.response_facts).from_select(
                ["message_id", "account_id", "received_at", "intent", "updated_at"], missing
            )
        )
        added = (
            conn.execute(sa.select(sa.func.count()).select_from(t.response_facts)).scalar_one()
            - before
        )
        o = outbox.c
        answered = conn.execute(
            sa.select(f.message_id, f.received_at, sa.func.min(o.sent_at).label("sent_at"))
            .select_from(t.response_facts.join(outbox, o.in_reply_to_message_id == f.message_id))
            .where(
                f.first_reply_at.is_(None),
                o.status == "sent",
                o.kind == "reply",
                o.sent_at.is_not(None),
            )
            .group_by(f.message_id, f.received_at)
        ).all()
        if answered:
            calendar = work_calendar(conn, ctx.tz)
            conn.execute(
                sa.update(t.response_facts)
                .where(f.message_id == sa.bindparam("mid"))
                .values(
                    first_reply_at=sa.bindparam("reply"),
                    wall_seconds=sa.bindparam("wall"),
                    business_seconds=sa.bindparam("business"),
                    updated_at=now,
                ),
                [
                    {
                        "mid": r.message_id,
                        "reply": r.sent_at,
                        "wall": max(0, int((r.sent_at - r.received_at).total_seconds())),
                        "business": calendar.working_seconds_between(r.received_at, r.sent_at),
                    }
                    for r in answered
                ],
            )
    return {"added": int(added), "answered": len(answered)}


# --- early warning -------------------------------------------------------------------------------


def detect_spikes(ctx: Context) -> dict[str, int]:
    """Run the early-warning rule (measurement/alerts.py) on the last window of complaints;
    raise or update one alert per topic and place, close quiet ones."""
    now = ctx.now()
    start = now - rules.WINDOW
    msg = t.messages.c
    counts = {"raised": 0, "updated": 0, "closed": 0}
    with ctx.engine.begin() as conn:
        parents = dict(
            conn.execute(
                sa.select(t.wilayah.c.code, t.wilayah.c.parent_code).where(t.wilayah.c.level == 4)
            ).all()
        )
        recent: dict[rules.Key, list[int]] = defaultdict(list)
        sample_ids: set[int] = set()
        for r in conn.execute(
            sa.select(msg.id, msg.topic, msg.kelurahan, msg.kecamatan, msg.is_sample).where(
                msg.intent == COMPLAINT,
                msg.topic.is_not(None),
                msg.posted_at >= start,
                msg.posted_at <= now,
            )
        ):
            kecamatan = r.kecamatan or parents.get(r.kelurahan or "")
            if r.kelurahan:
                recent[r.topic, "kelurahan", r.kelurahan].append(r.id)
            if kecamatan:
                recent[r.topic, "kecamatan", kecamatan].append(r.id)
            if r.is_sample:
                sample_ids.add(r.id)
        candidates = {k: v for k, v in recent.items() if len(v) >= rules.MIN_COUNT[k[1]]}
        baseline: dict[rules.Key, int] = {}
        if candidates:
            topics = sorted({k[0] for k in candidates})
            window = [
                msg.intent == COMPLAINT,
                msg.topic.in_(topics),
                msg.posted_at >= start - rules.BASELINE,
                msg.posted_at < start,
            ]
            for topic, kelurahan, kecamatan, n in conn.execute(
                sa.select(msg.topic, msg.kelurahan, msg.kecamatan, sa.func.count())
                .where(*window)
                .group_by(msg.topic, msg.kelurahan, msg.kecamatan)
            ):
                kec = kecamatan or parents.get(kelurahan or "")
                for level, area in (("kelurahan", kelurahan), ("kecamatan", kec)):
                    if area:
                        key = (topic, level, area)
                        baseline[key] = baseline.get(key, 0) + int(n)
        spikes = rules.detect(candidates, baseline, parents=parents)
        default_opd = dict(conn.execute(sa.select(t.topics.c.code, t.topics.c.default_opd)).all())
        a = t.alerts.c
        for spike in spikes:
            existing = conn.execute(
                sa.select(a.id, a.message_ids)
                .where(
                    a.topic == spike.topic,
                    a.area == spike.area,
                    a.status.in_(("open", "acknowledged")),
                )
                .order_by(a.raised_at.desc())
                .limit(1)
            ).first()
            values = {
                "count": spike.count,
                "expected": spike.expected,
                "p_value": spike.p_value,
                "window_start": start,
                "window_end": now,
                "updated_at": now,
            }
            if existing is not None:
                ids = sorted(set(existing.message_ids) | set(spike.message_ids))
                conn.execute(
                    sa.update(t.alerts).where(a.id == existing.id).values(message_ids=ids, **values)
                )
                counts["updated"] += 1
                continue
            conn.execute(
                sa.insert(t.alerts).values(
                    topic=spike.topic,
                    level=spike.level,
                    area=spike.area,
                    opd=default_opd.get(spike.topic),
                    message_ids=list(spike.message_ids),
                    status="open",
                    raised_at=now,
                    is_sample=bool(sample_ids) and set(spike.message_ids) <= sample_ids,
                    **values,
                )
            )
            counts["raised"] += 1
            log.warning(
                "early warning raised",
                extra={"topic": spike.topic, "area": spike.area, "count": spike.count},
            )
        counts["closed"] = conn.execute(
            sa.update(t.alerts)
            .where(a.status.in_(("open", "acknowledged")), a.updated_at < now - ALERT_QUIET)
            .values(status="closed", updated_at=now)
        ).rowcount
    return counts


def acknowledge_alert(ctx: Context, alert_id: int, *, actor: str) -> None:
    a = t.alerts.c
    with ctx.engine.begin() as conn:
        status = conn.execute(sa.select(a.status).where(a.id == alert_id)).scalar()
        if status is None:
            raise NotFound(f"peringatan {alert_id} tidak ada")
        if status != "open":
            raise Conflict("peringatan ini sudah ditanggapi atau ditutup")
        conn.execute(
            sa.update(t.alerts)
            .where(a.id == alert_id)
            .values(
                status="acknowledged",
                acknowledged_at=ctx.now(),
                acknowledged_by=actor,
                updated_at=ctx.now(),
            )
        )


# --- field visits and photo pairs ----------------------------------------------------------------


@dataclass(frozen=True)
class Spot:
    lat: float
    lon: float
    accuracy_m: float | None = None

    def __post_init__(self) -> None:
        if not (-90 <= self.lat <= 90 and -180 <= self.lon <= 180):
            raise InvalidInput("lokasi di luar rentang lintang/bujur")
        if self.accuracy_m is not None and not 0 <= self.accuracy_m <= 100_000:
            raise InvalidInput("akurasi lokasi tidak sah")


def distance_m(a: Spot, b: Spot) -> float:
    """Great-circle distance (haversine), metres."""
    r = 6_371_000.0
    p1, p2 = math.radians(a.lat), math.radians(b.lat)
    dp, dl = p2 - p1, math.radians(b.lon - a.lon)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(h))


def log_visit(
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
    """Record one visit to the field ("turun ke lapangan"). Needs a case or a purpose."""
    purpose = " ".join(purpose.split())[:500]
    if case_id is None and not purpose:
        raise InvalidInput("isi tujuan kunjungan atau pilih kasus yang ditangani")
    now = ctx.now()
    if visited_at > now + timedelta(minutes=5):
        raise InvalidInput("waktu kunjungan di masa depan")
    if visited_at < now - timedelta(days=7):
        raise InvalidInput("kunjungan lebih dari 7 hari lalu tidak dapat dicatat")
    with ctx.engine.begin() as conn:
        if case_id is not None:
            case = conn.execute(
                sa.select(t.cases.c.kelurahan).where(t.cases.c.id == case_id)
            ).first()
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


def add_photo_pair(
    ctx: Context,
    case_id: int,
    *,
    before: bytes,
    after: bytes,
    actor: str,
    before_spot: Spot | None = None,
    after_spot: Spot | None = None,
) -> float | None:
    """A before/after pair from the same spot on a resolved case (as Qlue required). When both
    photos carry a location they must lie within 50 m of each other. Returns the distance."""
    distance = None
    if before_spot and after_spot:
        distance = distance_m(before_spot, after_spot)
        if distance > SAME_SPOT_METRES:
            raise InvalidInput(
                f"foto sebelum dan sesudah berjarak {distance:.0f} m; ambil dari titik yang sama "
                f"(maksimal {SAME_SPOT_METRES:.0f} m)"
            )
    now = ctx.now()
    with ctx.engine.begin() as conn:
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


def snapshot_days(conn: sa.Connection, account_id: int) -> list[date]:
    return list(
        conn.execute(
            sa.select(t.account_snapshots.c.day)
            .where(t.account_snapshots.c.account_id == account_id)
            .order_by(t.account_snapshots.c.day)
        ).scalars()
    )


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "refresh_response_facts",
            refresh_response_facts,
            every=REFRESH_EVERY,
            description="Catat balasan pertama untuk setiap pesan warga (waktu respons)",
        ),
        JobSpec(
            "detect_spikes",
            detect_spikes,
            every=SPIKES_EVERY,
            description="Peringatan dini: lonjakan aduan satu topik di satu wilayah",
        ),
        JobSpec(
            "record_account_metrics",
            record_account_metrics,
            every=METRICS_EVERY,
            description="Potret harian angka akun (pengikut, unggahan, jangkauan, interaksi)",
        ),
    ]
