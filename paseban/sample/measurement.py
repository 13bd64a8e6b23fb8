# ruff: noqa: E501  (sample rows read best as one dict per line)
"""Three months of SAMPLE measurement data for Kota Bogor's sample accounts (data contoh):
daily metric snapshots, posts with interactions, citizen messages with our replies, cases with
their lifecycle events and SLA stages, field visits, and a flood burst that the early-warning job
turns into an alert. Deterministic (a fixed seed), relative to the clock's "now", bulk inserted,
everything marked `is_sample` (or written by sample users). Loaded by `paseban init --sample`;
loading again adds nothing."""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban import sample
from paseban.measurement.queries import outbox
from paseban.progress import Progress, quiet
from paseban.sample.cases import sample_cases
from paseban.services.measurement import recording as measurement
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

SEED = 7
DAYS = 92
INTENTS = [
    ("aduan", 36),
    ("pertanyaan", 18),
    ("aspirasi", 6),
    ("apresiasi", 14),
    ("informasi", 16),
    ("spam", 7),
    ("kasar", 3),
]
TOPICS = [
    ("jalan", 18),
    ("sampah", 16),
    ("drainase", 12),
    ("pju", 10),
    ("air_bersih", 8),
    ("lalu_lintas", 7),
    ("pohon_taman", 6),
    ("ketertiban", 6),
    ("banjir_longsor", 5),
    ("adminduk", 6),
    ("kesehatan", 3),
    ("sosial", 3),
]
TEXT = {
    "aduan": "[contoh] {topic} di sekitar {place} sudah beberapa hari, mohon ditindaklanjuti",
    "pertanyaan": "[contoh] min, kapan jadwal {topic} di {place}?",
    "aspirasi": "[contoh] usul perbaikan {topic} di {place}",
    "apresiasi": "[contoh] terima kasih, {topic} di {place} sudah beres",
    "informasi": "[contoh] hadir dari {place}",
    "spam": "[contoh] promo murah klik tautan",
    "kasar": "[contoh] komentar kasar (disamarkan)",
}
PROGRAMS = ["bogor_bersih", "stunting", "umkm_naik_kelas", "bogor_nyaman"]
MESSAGE_KIND = {"whatsapp": "direct"}  # as the platforms write them; elsewhere comments
CAMPAIGN_DAYS = [("hut_bogor", 10), ("posyandu", 30), ("pilah_sampah", 55), ("bebas_banjir", 80)]


def _pick(rng: random.Random, weighted: list[tuple[str, int]]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def already_loaded(conn: sa.Connection) -> bool:
    return (
        conn.execute(
            sa.select(t.post_metrics.c.id).where(t.post_metrics.c.is_sample.is_(True)).limit(1)
        ).first()
        is not None
    )


def load(ctx: Context, progress: Progress = quiet) -> dict[str, int]:
    """Load the sample's three months; `progress` hears each simulated day of the cases."""
    rng = random.Random(SEED)
    now = ctx.now()
    tz = ctx.tz
    start = (
        (now - timedelta(days=DAYS))
        .astimezone(tz)
        .replace(hour=0, minute=0, second=0, microsecond=0)
    )
    with ctx.engine.begin() as conn:
        if already_loaded(conn):
            return {}
        accounts = [
            dict(r._mapping)
            for r in conn.execute(
                sa.select(t.accounts)
                .where(t.accounts.c.is_sample.is_(True))
                .order_by(t.accounts.c.id)
            )
        ]
        wilayah = {r.code: r for r in conn.execute(sample.city_wilayah())}
        kelurahan = sorted(c for c, w in wilayah.items() if w.level == 4)
        by_kecamatan: dict[str, list[str]] = defaultdict(list)
        for code in kelurahan:
            by_kecamatan[wilayah[code].parent_code].append(code)
        topic_opd = dict(conn.execute(sa.select(t.topics.c.code, t.topics.c.default_opd)).all())
        users = _users(conn, wilayah, kelurahan, topic_opd, now)
        diligence = {a["id"]: round(rng.uniform(0.15, 1.0), 2) for a in accounts}
        opd_diligence = {
            o: round(rng.uniform(0.3, 1.0), 2) for o in sorted(set(topic_opd.values()))
        }
        counts: dict[str, int] = defaultdict(int)

        # --- snapshots and posts ---
        snaps, posts = [], []
        for a in accounts:
            if ctx.connectors.metrics(a["platform"]) is None:  # no public figures (WhatsApp)
                continue
            d = diligence[a["id"]]
            followers = int(rng.uniform(800, 6000) * (8 if a["owner_kind"] == "city" else 1))
            total_posts = rng.randint(50, 400)
            daily_growth = (d - 0.35) * 0.004
            for day in range(DAYS + 1):
                date_ = (start + timedelta(days=day)).date()
                n_posts = _poisson(rng, 0.1 + 1.1 * d)
                for i in range(n_posts):
                    at = start + timedelta(days=day, hours=rng.uniform(7, 21))
                    if at > now:
                        continue
                    reach = int(followers * rng.uniform(0.15, 0.6))
                    rate = rng.uniform(0.01, 0.04) + 0.05 * d
                    inter = int(reach * rate)
                    campaign = next(
                        (
                            c
                            for c, cd in CAMPAIGN_DAYS
                            if cd <= day < cd + 7 and rng.random() < 0.3 + 0.6 * d
                        ),
                        None,
                    )
                    posts.append(
                        {
                            "account_id": a["id"],
                            "external_id": f"sample-post-{a['id']}-{day}-{i}",
                            "posted_at": at,
                            "posted_on": at.astimezone(tz).date(),
                            "likes": int(inter * 0.8),
                            "comments": int(inter * 0.1),
                            "shares": int(inter * 0.05),
                            "saves": int(inter * 0.05),
                            "reach": reach,
                            "views": int(reach * rng.uniform(1.2, 2.5)),
                            "program": rng.choice(PROGRAMS)
                            if campaign or rng.random() < 0.3 * d
                            else None,
                            "campaign": campaign,
                            "measured_on": min(
                                now.astimezone(tz).date(),
                                (at + timedelta(days=2)).astimezone(tz).date(),
                            ),
                            "source": "sample",
                            "is_sample": True,
                        }
                    )
                    total_posts += 1
                followers = max(100, int(followers * (1 + daily_growth + rng.gauss(0, 0.0015))))
                if start + timedelta(days=day) <= now:
                    snaps.append(
                        {
                            "account_id": a["id"],
                            "day": date_,
                            "followers": followers,
                            "posts_count": total_posts,
                            "reach": int(followers * rng.uniform(0.2, 0.5)),
                            "views": int(followers * rng.uniform(0.4, 1.2)),
                            "source": "sample",
                            "recorded_at": now,
                        }
                    )
        conn.execute(sa.insert(t.account_snapshots), snaps)
        conn.execute(sa.insert(t.post_metrics), posts)
        counts["snapshots"], counts["posts"] = len(snaps), len(posts)

        # --- messages and replies ---
        messages = []
        meta: dict[str, dict[str, Any]] = {}
        for a in accounts:
            d = diligence[a["id"]]
            if a["owner_kind"] == "kelurahan":
                places = [a["owner_code"]]
                rate = rng.uniform(0.6, 3.0)
            elif a["owner_kind"] == "kecamatan":
                places = by_kecamatan.get(a["owner_code"], kelurahan)
                rate = rng.uniform(1.0, 3.0)
            else:
                places = kelurahan
                rate = 2.0 if a["platform"] != "manual" else 0.3
            for day in range(DAYS + 1):
                for i in range(_poisson(rng, rate)):
                    at = start + timedelta(days=day, hours=rng.triangular(5, 23, 11))
                    if at > now:
                        continue
                    intent = _pick(rng, INTENTS)
                    topic = _pick(rng, TOPICS)
                    kel = rng.choice(places)
                    ext = f"sample-{a['id']}-{day}-{i}"
                    text = TEXT[intent].format(
                        topic=topic.replace("_", " "), place=wilayah[kel].name
                    )
                    messages.append(
                        {
                            "platform": a["platform"],
                            "external_id": ext,
                            "account_id": a["id"],
                            "kind": MESSAGE_KIND.get(a["platform"], "comment"),
                            "author": f"warga contoh {rng.randint(1, 5000)}",
                            "text": text,
                            "masked_text": text,
                            "posted_at": at,
                            "received_at": at,
                            "analyzed_at": at,
                            "analysis_version": "contoh",
                            "intent": intent,
                            "topic": topic
                            if intent in ("aduan", "pertanyaan", "aspirasi")
                            else None,
                            "urgency": "normal",
                            "kelurahan": kel,
                            "kecamatan": wilayah[kel].parent_code,
                            "place_source": "sample",
                            "needs_review": False,
                            "is_sample": True,
                        }
                    )
                    meta[ext] = {"account": a, "d": d}
        _flood_burst(rng, messages, meta, accounts, wilayah, now)
        conn.execute(sa.insert(t.messages), messages)
        ids = dict(
            conn.execute(
                sa.select(t.messages.c.external_id, t.messages.c.id).where(
                    t.messages.c.external_id.like("sample-%")
                )
            ).all()
        )
        counts["messages"] = len(messages)
        replies = []
        for m in messages:
            info = meta[m["external_id"]]
            d = info["d"]
            if m["intent"] not in ("aduan", "pertanyaan", "aspirasi", "apresiasi"):
                continue
            if rng.random() > 0.3 + 0.68 * d:
                continue
            delay = timedelta(minutes=math.exp(rng.gauss(math.log(15 + 600 * (1 - d) ** 2), 0.9)))
            sent = m["posted_at"] + delay
            if sent > now:
                continue
            replies.append(
                {
                    "platform": m["platform"],
                    "account_id": m["account_id"],
                    "in_reply_to_message_id": ids[m["external_id"]],
                    "kind": "reply",
                    "text": "[contoh] Terima kasih, laporan sudah kami terima dan teruskan.",
                    "status": "sent",
                    "attempts": 1,
                    "dedupe_key": f"sample-reply-{m['external_id']}",
                    "created_at": sent,
                    "sent_at": sent,
                    "external_id": f"sample-r-{m['external_id']}",
                }
            )
        conn.execute(sa.insert(outbox), replies)
        counts["replies"] = len(replies)

        # --- cases, events and stages ---
        counts.update(
            sample_cases(conn, ctx, rng, messages, ids, opd_diligence, users, progress, start)
        )

        # --- field visits ---
        visits = []
        for code in kelurahan + sorted(by_kecamatan):
            officer = users.get(code)
            if officer is None:
                continue
            acc_d = next((diligence[a["id"]] for a in accounts if a["owner_code"] == code), 0.5)
            for week in range(DAYS // 7 + 1):
                for _ in range(_poisson(rng, 2.6 * acc_d**1.5)):
                    at = start + timedelta(
                        days=7 * week + rng.uniform(0, 5), hours=rng.uniform(8, 15)
                    )
                    if at > now:
                        continue
                    kel = (
                        code
                        if code in wilayah and wilayah[code].level == 4
                        else rng.choice(by_kecamatan[code])
                    )
                    w = wilayah[kel]
                    visits.append(
                        {
                            "officer": officer,
                            "unit_code": code,
                            "kelurahan": kel,
                            "case_id": None,
                            "purpose": rng.choice(
                                [
                                    "[contoh] cek saluran warga",
                                    "[contoh] kerja bakti RW",
                                    "[contoh] sapa warga di posyandu",
                                    "[contoh] tinjau jalan berlubang",
                                ]
                            ),
                            "visited_at": at,
                            "lat": (w.lat or -6.6) + rng.uniform(-0.003, 0.003),
                            "lon": (w.lon or 106.8) + rng.uniform(-0.003, 0.003),
                            "accuracy_m": round(rng.uniform(5, 40), 1),
                            "photo": None,
                            "created_at": at,
                            "is_sample": True,
                        }
                    )
        conn.execute(sa.insert(t.field_visits), visits)
        counts["visits"] = len(visits)
    measurement.rebuild_measurement(ctx)
    spikes = measurement.detect_spikes(ctx)
    with ctx.engine.connect() as conn:
        counts["facts"] = conn.execute(
            sa.select(sa.func.count()).select_from(t.response_facts)
        ).scalar_one()
    counts["alerts"] = spikes["raised"]
    return dict(counts)


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _users(
    conn: sa.Connection,
    wilayah: dict[str, Any],
    kelurahan: list[str],
    topic_opd: dict[str, str],
    now: datetime,
) -> dict[str, str]:
    """A sample admin for each kelurahan and kecamatan, an officer for each OPD (no passwords:
    they cannot sign in)."""
    existing = {
        r.scope_code: r.username
        for r in conn.execute(
            sa.select(t.users.c.username, t.users.c.scope_code).where(
                t.users.c.scope_code.is_not(None)
            )
        )
    }
    taken = set(conn.execute(sa.select(t.users.c.username)).scalars())
    opd_names = dict(conn.execute(sa.select(t.opds.c.code, t.opds.c.name)).all())
    rows = []
    out: dict[str, str] = {}
    for code, w in sorted(wilayah.items()):
        if w.level not in (3, 4):
            continue
        if code in existing:
            out[code] = existing[code]
            continue
        slug = "".join(ch for ch in w.name.lower() if ch.isalnum())
        name = f"{'lurah' if w.level == 4 else 'camat'}.{slug}"
        if name in taken:
            name = f"{name}.{code.replace('.', '')}"
        taken.add(name)
        out[code] = name
        rows.append(
            {
                "username": name,
                "full_name": f"Admin {'Kelurahan' if w.level == 4 else 'Kecamatan'} {w.name} (contoh)",
                "role": "kelurahan_admin" if w.level == 4 else "kecamatan_admin",
                "scope_code": code,
                "password_hash": None,
                "active": True,
                "is_sample": True,
                "created_at": now,
            }
        )
    for opd in sorted(set(topic_opd.values())):
        if opd in existing:
            out[opd] = existing[opd]
            continue
        name = f"petugas.{opd.lower()}"
        if name in taken:
            continue
        taken.add(name)
        out[opd] = name
        rows.append(
            {
                "username": name,
                "full_name": f"Petugas {opd_names.get(opd, opd)} (contoh)",
                "role": "opd_officer",
                "scope_code": opd,
                "password_hash": None,
                "active": True,
                "is_sample": True,
                "created_at": now,
            }
        )
    if rows:
        conn.execute(sa.insert(t.users), rows)
    return out


def _flood_burst(
    rng: random.Random,
    messages: list[dict[str, Any]],
    meta: dict[str, dict[str, Any]],
    accounts: list[dict[str, Any]],
    wilayah: dict[str, Any],
    now: datetime,
) -> None:
    """Seven flood reports in the last three hours from one kelurahan: the early warning fires."""
    account = next((a for a in accounts if a["owner_kind"] == "kelurahan"), None)
    if account is None:
        return
    kel = account["owner_code"]
    for i in range(7):
        at = now - timedelta(minutes=20 + 25 * i)
        ext = f"sample-banjir-{i}"
        text = f"[contoh] banjir setinggi lutut di {wilayah[kel].name}, air masuk rumah warga"
        messages.append(
            {
                "platform": account["platform"],
                "external_id": ext,
                "account_id": account["id"],
                "kind": "comment",
                "author": f"warga contoh banjir {i}",
                "text": text,
                "masked_text": text,
                "posted_at": at,
                "received_at": at,
                "analyzed_at": at,
                "analysis_version": "contoh",
                "intent": "aduan",
                "topic": "banjir_longsor",
                "urgency": "darurat",
                "kelurahan": kel,
                "kecamatan": wilayah[kel].parent_code,
                "place_source": "sample",
                "needs_review": False,
                "is_sample": True,
            }
        )
        meta[ext] = {"account": account, "d": 0.9}
