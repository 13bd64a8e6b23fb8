"""The measurement's writes and jobs: account metric snapshots (from the connectors' hook or a CSV),
field visits, before/after photo pairs, and the early-warning alerts; the jobs that keep the facts
and roll-ups current (services/measurement/rollups.py). A built-in plugin: its jobs register through
the same hook a third party would use."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.csvfiles import read_rows
from paseban.errors import BadFile, ImportReport, LineError
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.measurement import alerts as rules
from paseban.measurement import metrics as m
from paseban.measurement.kpis import COMPLAINT
from paseban.progress import Progress, counted, quiet
from paseban.services.measurement import case_rollups, response_facts
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.measurement import AlertRow
from paseban.storage.rows.people import AccountRow
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.measurement")

REFRESH_EVERY = timedelta(minutes=2)
REBUILD_EVERY = timedelta(hours=24)
SPIKES_EVERY = timedelta(minutes=5)
METRICS_EVERY = timedelta(hours=24)
ALERT_QUIET = timedelta(hours=24)  # an alert without new reports for this long is closed


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
        values: dict[str, Any] = {
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


def import_metrics_csv(
    ctx: Context, path: Path | str, *, skip_bad: bool = False, progress: Progress = quiet
) -> ImportReport:
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
        for _, line, account_id in counted(progress, "menyimpan angka akun", lines):
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
            row(AccountRow, r._mapping)
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


# --- early warning -------------------------------------------------------------------------------


def detect_spikes(ctx: Context) -> dict[str, int]:
    """Run the early-warning rule (measurement/alerts.py) on the last window of complaints;
    raise or update one alert per topic and place, close quiet ones."""
    now = ctx.now()
    start = now - rules.WINDOW
    msg = t.messages.c
    counts = {"raised": 0, "updated": 0, "closed": 0}
    raised: list[int] = []
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
            alert_id = conn.execute(
                sa.insert(t.alerts)
                .values(
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
                .returning(a.id)
            ).scalar_one()
            raised.append(alert_id)
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
    if raised:
        _announce(ctx, raised)
    return counts


def _announce(ctx: Context, alert_ids: list[int]) -> None:
    """Tell the delivery plugins about new alerts, after the commit (a plugin that fails must
    not undo the alert: it is on the dashboard in any case)."""
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.alerts,
                t.topics.c.name.label("topic_name"),
                t.wilayah.c.name.label("area_name"),
            )
            .join(t.topics, t.topics.c.code == t.alerts.c.topic)
            .join(t.wilayah, t.wilayah.c.code == t.alerts.c.area)
            .where(t.alerts.c.id.in_(alert_ids))
            .order_by(t.alerts.c.id)
        ).all()
    for found in rows:
        try:
            ctx.pm.hook.early_warning(ctx=ctx, alert=row(AlertRow, found._mapping))
        except Exception:
            log.exception("early warning delivery failed", extra={"alert_id": found.id})


def rebuild_measurement(ctx: Context) -> dict[str, int]:
    """Every fact and roll-up from scratch: daily, and after bulk loads
    (services/measurement/rollups.py)."""
    return {
        "response_days": response_facts.refresh_response_facts(ctx, full=True)["days"],
        "case_days": case_rollups.refresh_case_rollups(ctx, full=True)["days"],
        "activity_days": case_rollups.refresh_activity_rollups(ctx, full=True)["days"],
    }


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "refresh_response_facts",
            response_facts.refresh_response_facts,
            every=REFRESH_EVERY,
            description="Catat balasan pertama setiap pesan warga dan rekap harian waktu respons",
        ),
        JobSpec(
            "refresh_case_rollups",
            case_rollups.refresh_case_rollups,
            every=REFRESH_EVERY,
            description="Rekap harian tahap aduan sesuai SLA dan penyelesaian yang dikonfirmasi",
        ),
        JobSpec(
            "refresh_activity_rollups",
            case_rollups.refresh_activity_rollups,
            every=REFRESH_EVERY,
            description="Rekap harian kerja tiap admin: balasan, tindakan kasus, kunjungan",
        ),
        JobSpec(
            "rebuild_measurement",
            rebuild_measurement,
            every=REBUILD_EVERY,
            description="Susun ulang seluruh rekap pengukuran dari awal (jaring pengaman harian)",
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
