"""Every SQL query of the measurement, in one place (the read side).

The figures are aggregated in the database (counts, sums, nearest-rank percentiles), then put
into `kpis.UnitKpis` values; the pure functions of `kpis.py` are the specification and a test
checks that both give the same numbers.

Columns this module assumes (the SEAMS with other parts of the system, adapt here at merge):

- `messages`: `id, account_id, intent, posted_at, kelurahan, kecamatan, topic, masked_text`
  (foundation); the analysis fills `intent`.
- first response = the earliest `outbox` row with `kind = 'reply'`, `status = 'sent'`,
  `in_reply_to_message_id = messages.id`, at `sent_at` (issue 4's outbox; issue 5 records our
  admins' replies made on the platform itself as such sent rows). `response_facts` caches it.
- `case_stages`: `case_id, stage, started_at, due_at, finished_at` (issue 4's clocks). A stage
  belongs to the period it started in.
- `case_events`: `case_id, action, at, actor` (foundation; issue 4 writes one per transition).
  Resolved in the period: an event `action = 'resolve'` in it. Confirmed by the citizen: the case
  has an event `action = 'close'` by `actor = 'warga'` (CITIZEN_ACTOR) or `action = 'confirm'`.
  Reopened: the case has an event `action = 'reopen'` after a resolve.
- admins' replies: `messages.handled_by` (issue 6's inbox) when that column exists; case
  actions: `case_events.actor` other than the system and citizens.
- campaigns expected of every account in a period: the distinct `post_metrics.campaign` codes
  posted by any account in it (until issue 8's campaigns table says who was asked).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from paseban.measurement import kpis
from paseban.measurement.kpis import (
    COMPLAINT,
    EMPTY,
    FIRST_RESPONSE_SLA,
    Engagement,
    FirstResponse,
    Growth,
    Ratio,
    UnitKpis,
)
from paseban.measurement.periods import Period
from paseban.measurement.recognition import AdminActivity
from paseban.storage import tables as t

CITIZEN_ACTOR = "warga"
SYSTEM_ACTORS = ("sistem", CITIZEN_ACTOR)
CONFIRM_ACTIONS = ("confirm",)
UNIT_KINDS = ("kelurahan", "kecamatan", "opd", "city")

outbox = t.metadata.tables["outbox"]
case_stages = t.metadata.tables["case_stages"]

UnitKey = tuple[str, str]  # (kind, code)


@dataclass
class Unit:
    kind: str
    code: str
    name: str
    parent: str | None = None
    lat: float | None = None
    lon: float | None = None
    accounts: list[int] = field(default_factory=list)


def units(conn: sa.Connection) -> dict[UnitKey, Unit]:
    """Every kelurahan, kecamatan and active OPD (external agencies and the wilayah offices are
    not OPDs to rank), the city, and the accounts each one owns."""
    out: dict[UnitKey, Unit] = {}
    for r in conn.execute(
        sa.select(
            t.wilayah.c.code,
            t.wilayah.c.name,
            t.wilayah.c.level,
            t.wilayah.c.parent_code,
            t.wilayah.c.lat,
            t.wilayah.c.lon,
        ).where(t.wilayah.c.level >= 2)
    ):
        kind = {2: "city", 3: "kecamatan", 4: "kelurahan"}[r.level]
        out[kind, r.code] = Unit(kind, r.code, r.name, r.parent_code, r.lat, r.lon)
    for r in conn.execute(
        sa.select(t.opds.c.code, t.opds.c.name).where(
            t.opds.c.active.is_(True), t.opds.c.kind == "opd"
        )
    ):
        out["opd", r.code] = Unit("opd", r.code, r.name)
    for r in conn.execute(
        sa.select(t.accounts.c.id, t.accounts.c.owner_kind, t.accounts.c.owner_code).where(
            t.accounts.c.active.is_(True)
        )
    ):
        unit = out.get((r.owner_kind, r.owner_code))
        if unit is not None:
            unit.accounts.append(r.id)
    return out


def _owner_of(all_units: dict[UnitKey, Unit]) -> dict[int, UnitKey]:
    return {a: key for key, unit in all_units.items() for a in unit.accounts}


# --- content -------------------------------------------------------------------------------------


def _post_stats(conn: sa.Connection, lo: datetime, hi: datetime) -> dict[int, dict[str, Any]]:
    p = t.post_metrics.c
    with_reach = p.reach > 0
    inter = p.likes + p.comments + p.shares + p.saves
    rows = conn.execute(
        sa.select(
            p.account_id,
            sa.func.count().label("posts"),
            sa.func.sum(sa.case((with_reach, inter), else_=0)).label("interactions"),
            sa.func.sum(sa.case((with_reach, p.reach), else_=0)).label("reach"),
            sa.func.sum(sa.case((with_reach, 1), else_=0)).label("with_reach"),
            sa.func.sum(sa.case((p.views > 0, p.views), else_=0)).label("views"),
            sa.func.count(p.program).label("program"),
        )
        .where(p.posted_at >= lo, p.posted_at < hi)
        .group_by(p.account_id)
    )
    return {r.account_id: r._asdict() for r in rows}


def _post_days(conn: sa.Connection, period: Period) -> dict[int, dict[date, int]]:
    p = t.post_metrics.c
    out: dict[int, dict[date, int]] = defaultdict(dict)
    for r in conn.execute(
        sa.select(p.account_id, p.posted_on, sa.func.count())
        .where(p.posted_on >= period.start, p.posted_on <= period.end)
        .group_by(p.account_id, p.posted_on)
    ):
        out[r[0]][r[1]] = r[2]
    return out


def _last_posts(conn: sa.Connection, hi: datetime) -> dict[int, datetime]:
    p = t.post_metrics.c
    return dict(
        conn.execute(
            sa.select(p.account_id, sa.func.max(p.posted_at))
            .where(p.posted_at < hi)
            .group_by(p.account_id)
        ).all()
    )


def _campaigns(conn: sa.Connection, lo: datetime, hi: datetime) -> dict[int, set[str]]:
    p = t.post_metrics.c
    out: dict[int, set[str]] = defaultdict(set)
    for account_id, campaign in conn.execute(
        sa.select(p.account_id, p.campaign)
        .where(p.posted_at >= lo, p.posted_at < hi, p.campaign.is_not(None))
        .distinct()
    ):
        out[account_id].add(campaign)
    return out


def _followers(conn: sa.Connection, period: Period) -> dict[int, Growth]:
    """F_start and F_end per account (kpis.follower_growth's rule) with two window queries."""
    s = t.account_snapshots.c
    known = s.followers.is_not(None)

    def last_on_or_before(day: date, since: date | None = None) -> dict[int, int]:
        cond = [known, s.day <= day] + ([s.day >= since] if since else [])
        ranked = (
            sa.select(
                s.account_id,
                s.followers,
                sa.func.row_number()
                .over(partition_by=s.account_id, order_by=s.day.desc())
                .label("rn"),
            )
            .where(*cond)
            .subquery()
        )
        return dict(
            conn.execute(
                sa.select(ranked.c.account_id, ranked.c.followers).where(ranked.c.rn == 1)
            ).all()
        )

    def first_inside() -> dict[int, int]:
        ranked = (
            sa.select(
                s.account_id,
                s.followers,
                sa.func.row_number()
                .over(partition_by=s.account_id, order_by=s.day.asc())
                .label("rn"),
            )
            .where(known, s.day >= period.start, s.day <= period.end)
            .subquery()
        )
        return dict(
            conn.execute(
                sa.select(ranked.c.account_id, ranked.c.followers).where(ranked.c.rn == 1)
            ).all()
        )

    end = last_on_or_before(period.end, period.start)
    start = last_on_or_before(period.start)
    fallback = first_inside()
    return {
        a: Growth(start.get(a, fallback.get(a)), f_end)
        for a, f_end in end.items()
        if start.get(a, fallback.get(a)) is not None
    }


# --- citizens ------------------------------------------------------------------------------------


def _unit_columns(kind: str) -> tuple[Any, Any]:
    """The grouping of response facts: by account, or by the owner of the account."""
    if kind == "account":
        return t.accounts.c.id, sa.literal("account")
    return t.accounts.c.owner_code, t.accounts.c.owner_kind


def _response_stats(
    conn: sa.Connection, lo: datetime, hi: datetime, as_of: datetime, by: str
) -> dict[Any, dict[str, Any]]:
    f = t.response_facts.c
    answered = f.first_reply_at.is_not(None)
    late = sa.and_(f.first_reply_at.is_(None), f.received_at < as_of - FIRST_RESPONSE_SLA)
    sla_s = int(FIRST_RESPONSE_SLA.total_seconds())
    figures = [
        sa.func.count().label("needing"),
        sa.func.count(f.first_reply_at).label("answered"),
        sa.func.sum(sa.case((f.intent == COMPLAINT, 1), else_=0)).label("complaints"),
        sa.func.sum(sa.case((sa.and_(f.intent == COMPLAINT, ~answered), 1), else_=0)).label(
            "unanswered"
        ),
        sa.func.sum(sa.case((sa.and_(answered, f.wall_seconds <= sla_s), 1), else_=0)).label(
            "within"
        ),
        sa.func.sum(sa.case((sa.or_(answered, late), 1), else_=0)).label("judged"),
    ]
    # grouped by account only (no join per row), then summed per owner and for the city
    stmt = (
        sa.select(f.account_id, *figures)
        .where(f.received_at >= lo, f.received_at < hi)
        .group_by(f.account_id)
    )
    owners = {
        r.id: (r.owner_kind, r.owner_code)
        for r in conn.execute(
            sa.select(t.accounts.c.id, t.accounts.c.owner_kind, t.accounts.c.owner_code)
        )
    }
    out: dict[Any, dict[str, Any]] = {}
    for r in conn.execute(stmt):
        values = r._asdict()
        account = values.pop("account_id")
        keys = [("city", "")] if by == "city" else [("account", account), owners.get(account)]
        if by == "all":
            keys.append(("city", ""))
        for key in keys:
            if key is None:
                continue
            bucket = out.setdefault(key, dict.fromkeys(values, 0))
            for name, value in values.items():
                bucket[name] += int(value or 0)
    if by == "city":
        out.setdefault(
            ("city", ""),
            dict.fromkeys(
                ("needing", "answered", "complaints", "unanswered", "within", "judged"), 0
            ),
        )
    return out


def _percentiles(
    conn: sa.Connection, lo: datetime, hi: datetime, by: str, column: str
) -> dict[Any, tuple[float | None, float | None]]:
    """Nearest-rank median and p90 of a duration column per unit, in the database:
    PostgreSQL's percentile_disc is nearest-rank; elsewhere ROW_NUMBER over the sorted values
    picks rank ceil(p * n) = (n + 1) / 2 and (9n + 9) / 10 in integers."""
    f = t.response_facts.c
    value = f[column]
    code, kind = _unit_columns(by)
    keys = [] if by == "city" else [code.label("code"), kind.label("kind")]
    group = [] if by == "city" else [code, kind]
    base = t.response_facts.join(t.accounts, t.accounts.c.id == f.account_id)
    where = [f.received_at >= lo, f.received_at < hi, f.first_reply_at.is_not(None)]
    if conn.dialect.name == "postgresql":
        stmt = (
            sa.select(
                *keys,
                sa.func.percentile_disc(0.5).within_group(value).label("p50"),
                sa.func.percentile_disc(0.9).within_group(value).label("p90"),
            )
            .select_from(base)
            .where(*where)
        )
        if group:
            stmt = stmt.group_by(*group)
    else:
        ranked = (
            sa.select(
                *keys,
                value.label("v"),
                sa.func.row_number().over(partition_by=group or None, order_by=value).label("rn"),
                sa.func.count().over(partition_by=group or None).label("n"),
            )
            .select_from(base)
            .where(*where)
            .subquery()
        )
        outer_keys = [] if by == "city" else [ranked.c.code, ranked.c.kind]
        stmt = sa.select(
            *outer_keys,
            sa.func.max(sa.case((ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.v))).label("p50"),
            sa.func.max(sa.case((ranked.c.rn == (9 * ranked.c.n + 9) // 10, ranked.c.v))).label(
                "p90"
            ),
        ).where(
            sa.or_(ranked.c.rn == (ranked.c.n + 1) // 2, ranked.c.rn == (9 * ranked.c.n + 9) // 10)
        )
        if outer_keys:
            stmt = stmt.group_by(*outer_keys)
    out: dict[Any, tuple[float | None, float | None]] = {}
    for r in conn.execute(stmt):
        key = ("city", "") if by == "city" else (r.kind, r.code)
        if r.p50 is not None:
            out[key] = (float(r.p50), float(r.p90))
    return out


# --- cases ---------------------------------------------------------------------------------------


def _sla_stats(
    conn: sa.Connection, lo: datetime, hi: datetime, as_of: datetime
) -> dict[UnitKey, dict[str, Ratio]]:
    s, c = case_stages.c, t.cases.c
    met = sa.case((sa.and_(s.finished_at.is_not(None), s.finished_at <= s.due_at), 1), else_=0)
    judged = sa.case((sa.or_(s.finished_at.is_not(None), s.due_at < as_of), 1), else_=0)
    rows = conn.execute(
        sa.select(
            c.kelurahan,
            c.kecamatan,
            c.opd,
            s.stage,
            sa.func.sum(met).label("met"),
            sa.func.sum(judged).label("judged"),
        )
        .select_from(case_stages.join(t.cases, t.cases.c.id == s.case_id))
        .where(s.started_at >= lo, s.started_at < hi)
        .group_by(c.kelurahan, c.kecamatan, c.opd, s.stage)
    ).all()
    out: dict[UnitKey, dict[str, Ratio]] = defaultdict(dict)
    for r in rows:
        ratio = Ratio(int(r.met or 0), int(r.judged or 0))
        if not ratio.den:
            continue
        keys = [("city", "")] + [(k, getattr(r, k)) for k in ("kelurahan", "kecamatan", "opd")]
        for key in keys:
            if key[1] is not None:
                out[key][r.stage] = out[key].get(r.stage, EMPTY) + ratio
    return out


def _resolved_stats(
    conn: sa.Connection, lo: datetime, hi: datetime
) -> dict[UnitKey, tuple[Ratio, Ratio]]:
    """(confirmed, reopened) over cases resolved in the period, per unit."""
    e, c = t.case_events.c, t.cases.c
    resolved = (
        sa.select(e.case_id.label("case_id"), sa.func.min(e.at).label("at"))
        .where(e.action == "resolve", e.at >= lo, e.at < hi)
        .group_by(e.case_id)
        .subquery()
    )
    later = t.case_events.alias("later")
    confirmed = (
        sa.select(sa.literal(1))
        .where(
            later.c.case_id == resolved.c.case_id,
            later.c.at >= resolved.c.at,
            sa.or_(
                sa.and_(later.c.action == "close", later.c.actor == CITIZEN_ACTOR),
                later.c.action.in_(CONFIRM_ACTIONS),
            ),
        )
        .exists()
    )
    reopened = (
        sa.select(sa.literal(1))
        .where(
            later.c.case_id == resolved.c.case_id,
            later.c.at >= resolved.c.at,
            later.c.action == "reopen",
        )
        .exists()
    )
    rows = conn.execute(
        sa.select(
            c.kelurahan,
            c.kecamatan,
            c.opd,
            sa.func.count().label("n"),
            sa.func.sum(sa.case((confirmed, 1), else_=0)).label("confirmed"),
            sa.func.sum(sa.case((reopened, 1), else_=0)).label("reopened"),
        )
        .select_from(resolved.join(t.cases, t.cases.c.id == resolved.c.case_id))
        .group_by(c.kelurahan, c.kecamatan, c.opd)
    ).all()
    out: dict[UnitKey, tuple[Ratio, Ratio]] = {}
    for r in rows:
        conf, reop = Ratio(int(r.confirmed), r.n), Ratio(int(r.reopened), r.n)
        keys = [("city", "")] + [(k, getattr(r, k)) for k in ("kelurahan", "kecamatan", "opd")]
        for key in keys:
            if key[1] is not None:
                a, b = out.get(key, (EMPTY, EMPTY))
                out[key] = (a + conf, b + reop)
    return out


def _visits(conn: sa.Connection, lo: datetime, hi: datetime) -> dict[str, int]:
    v = t.field_visits.c
    return dict(
        conn.execute(
            sa.select(v.unit_code, sa.func.count())
            .where(v.visited_at >= lo, v.visited_at < hi)
            .group_by(v.unit_code)
        ).all()
    )


# --- putting it together ------------------------------------------------------------------------


@dataclass
class Measured:
    """Every unit's KPIs for one period, and the units themselves (names, places, accounts)."""

    period: Period
    as_of: datetime
    units: dict[UnitKey, Unit]
    kpis: dict[UnitKey, UnitKpis]

    def group(self, kind: str) -> list[UnitKpis]:
        return [k for key, k in self.kpis.items() if key[0] == kind]

    @property
    def city(self) -> UnitKpis:
        return self.kpis["city", ""]


def measure(
    conn: sa.Connection,
    period: Period,
    *,
    tz: ZoneInfo,
    as_of: datetime,
    all_units: dict[UnitKey, Unit] | None = None,
) -> Measured:
    """All KPIs of every kelurahan, kecamatan, OPD and the city for one period."""
    all_units = all_units if all_units is not None else units(conn)
    lo, hi = period.bounds(tz)
    owner = _owner_of(all_units)
    city_key = next((k for k in all_units if k[0] == "city"), None)

    posts = _post_stats(conn, lo, hi)
    days = _post_days(conn, period)
    last = _last_posts(conn, hi)
    campaigns = _campaigns(conn, lo, hi)
    expected = set().union(*campaigns.values()) if campaigns else set()
    growth = _followers(conn, period)
    responses = _response_stats(conn, lo, hi, as_of, "all")
    wall = _percentiles(conn, lo, hi, "owner", "wall_seconds")
    wall.update(_percentiles(conn, lo, hi, "city", "wall_seconds"))
    business = _percentiles(conn, lo, hi, "owner", "business_seconds")
    business.update(_percentiles(conn, lo, hi, "city", "business_seconds"))
    sla = _sla_stats(conn, lo, hi, as_of)
    resolved = _resolved_stats(conn, lo, hi)
    visits = _visits(conn, lo, hi)

    out: dict[UnitKey, UnitKpis] = {}
    for key, unit in all_units.items():
        if key[0] == "city":
            continue
        out[key] = _assemble(
            key,
            unit,
            period,
            as_of,
            unit.accounts,
            posts,
            days,
            last,
            campaigns,
            expected,
            growth,
            responses.get(key),
            wall.get(key),
            business.get(key),
            sla.get(key, {}),
            resolved.get(key),
            visits.get(unit.code, 0),
        )
    all_accounts = list(owner)
    city_unit = all_units[city_key] if city_key else Unit("city", "", "Kota")
    out["city", ""] = replace(
        _assemble(
            ("city", ""),
            city_unit,
            period,
            as_of,
            all_accounts,
            posts,
            days,
            last,
            campaigns,
            expected,
            growth,
            responses.get(("city", "")),
            wall.get(("city", "")),
            business.get(("city", "")),
            sla.get(("city", ""), {}),
            resolved.get(("city", "")),
            sum(visits.values()),
        ),
        code=city_unit.code,
    )
    return Measured(period, as_of, all_units, out)


def _assemble(
    key: UnitKey,
    unit: Unit,
    period: Period,
    as_of: datetime,
    accounts: list[int],
    posts: dict[int, dict[str, Any]],
    days: dict[int, dict[date, int]],
    last: dict[int, datetime],
    campaigns: dict[int, set[str]],
    expected: set[str],
    growth: dict[int, Growth],
    responses: dict[str, Any] | None,
    wall: tuple[float | None, float | None] | None,
    business: tuple[float | None, float | None] | None,
    sla: dict[str, Ratio],
    resolved: tuple[Ratio, Ratio] | None,
    visits: int,
) -> UnitKpis:
    n_posts = inter = reach = views = with_reach = program = 0
    per_day: dict[date, int] = defaultdict(int)
    posted: set[str] = set()
    f_start = f_end = 0
    has_growth = False
    latest: datetime | None = None
    for a in accounts:
        if a in posts:
            p = posts[a]
            n_posts += p["posts"]
            inter += int(p["interactions"] or 0)
            reach += int(p["reach"] or 0)
            with_reach += int(p["with_reach"] or 0)
            views += int(p["views"] or 0)
            program += p["program"]
        for d, n in days.get(a, {}).items():
            per_day[d] += n
        posted |= campaigns.get(a, set())
        if a in growth and growth[a].start is not None and growth[a].end is not None:
            f_start += growth[a].start or 0
            f_end += growth[a].end or 0
            has_growth = True
        if a in last and (latest is None or last[a] > latest):
            latest = last[a]
    days_list = [d for d, n in per_day.items() for _ in range(n)]
    r = responses or {}
    answered = int(r.get("answered") or 0)
    first = FirstResponse(
        answered,
        wall[0] if wall else None,
        wall[1] if wall else None,
        business[0] if business else None,
        business[1] if business else None,
        Ratio(int(r.get("within") or 0), int(r.get("judged") or 0)),
    )
    confirmed, reopened = resolved or (EMPTY, EMPTY)
    return UnitKpis(
        code=unit.code,
        name=unit.name,
        kind=key[0],
        period=period,
        growth=Growth(f_start, f_end) if has_growth else Growth(None, None),
        posts=n_posts,
        consistency=kpis.posting_consistency(days_list, period) if accounts else EMPTY,
        engagement=Engagement(inter, reach, views, with_reach),
        program=Ratio(program, n_posts),
        campaigns=Ratio(len(posted & expected), len(expected)) if accounts else EMPTY,
        complaints=int(r.get("complaints") or 0),
        response=Ratio(answered, int(r.get("needing") or 0)),
        unanswered_complaints=int(r.get("unanswered") or 0),
        first=first,
        sla=dict(sla),
        confirmed=confirmed,
        reopened=reopened,
        field_visits=visits,
        days_since_post=None if latest is None else max(0, (as_of - latest).days),
        accounts=len(accounts),
    )


# --- people ---------------------------------------------------------------------------------------


def admin_activity(conn: sa.Connection, lo: datetime, hi: datetime) -> list[AdminActivity]:
    e, v, u = t.case_events.c, t.field_visits.c, t.users.c
    actions = dict(
        conn.execute(
            sa.select(e.actor, sa.func.count())
            .where(e.at >= lo, e.at < hi, e.actor.not_in(SYSTEM_ACTORS))
            .group_by(e.actor)
        ).all()
    )
    visits = dict(
        conn.execute(
            sa.select(v.officer, sa.func.count())
            .where(v.visited_at >= lo, v.visited_at < hi)
            .group_by(v.officer)
        ).all()
    )
    replies: dict[str, int] = {}
    if "handled_by" in t.messages.c:  # SEAM: issue 6's inbox records who answered
        m = t.messages.c
        replies = dict(
            conn.execute(
                sa.select(m.handled_by, sa.func.count())
                .where(m.handled_at >= lo, m.handled_at < hi, m.handled_by.is_not(None))
                .group_by(m.handled_by)
            ).all()
        )
    people = {
        r.username: r
        for r in conn.execute(
            sa.select(u.username, u.full_name, u.role, u.scope_code).where(u.active.is_(True))
        )
    }
    out = []
    for name in set(actions) | set(visits) | set(replies):
        person = people.get(name)
        if person is None:
            continue
        out.append(
            AdminActivity(
                name,
                person.full_name or name,
                person.role,
                person.scope_code,
                replies=replies.get(name, 0),
                case_actions=actions.get(name, 0),
                field_visits=visits.get(name, 0),
            )
        )
    return out


# --- report tables -------------------------------------------------------------------------------


def complaints_by_kelurahan(conn: sa.Connection, lo: datetime, hi: datetime) -> dict[str, int]:
    c = t.cases.c
    return {
        code: int(n)
        for code, n in conn.execute(
            sa.select(c.kelurahan, sa.func.sum(c.report_count))
            .where(c.opened_at >= lo, c.opened_at < hi, c.kelurahan.is_not(None))
            .group_by(c.kelurahan)
        )
    }


def top_problems(
    conn: sa.Connection, lo: datetime, hi: datetime, limit: int = 10
) -> list[dict[str, Any]]:
    c = t.cases.c
    rows = conn.execute(
        sa.select(
            c.topic,
            t.topics.c.name.label("topic_name"),
            c.kelurahan,
            t.wilayah.c.name.label("kelurahan_name"),
            sa.func.count().label("cases"),
            sa.func.sum(c.report_count).label("reports"),
        )
        .select_from(
            t.cases.join(t.topics, t.topics.c.code == c.topic).join(
                t.wilayah, t.wilayah.c.code == c.kelurahan
            )
        )
        .where(c.opened_at >= lo, c.opened_at < hi)
        .group_by(c.topic, t.topics.c.name, c.kelurahan, t.wilayah.c.name)
        .order_by(sa.desc("reports"), sa.desc("cases"), c.topic, c.kelurahan)
        .limit(limit)
    )
    return [dict(r._mapping) for r in rows]


def topics_count(conn: sa.Connection, lo: datetime, hi: datetime) -> list[dict[str, Any]]:
    c = t.cases.c
    rows = conn.execute(
        sa.select(
            c.topic,
            t.topics.c.name.label("topic_name"),
            sa.func.count().label("cases"),
            sa.func.sum(c.report_count).label("reports"),
        )
        .select_from(t.cases.join(t.topics, t.topics.c.code == c.topic))
        .where(c.opened_at >= lo, c.opened_at < hi)
        .group_by(c.topic, t.topics.c.name)
        .order_by(sa.desc("reports"), c.topic)
    )
    return [dict(r._mapping) for r in rows]


def overdue_by_opd(conn: sa.Connection, as_of: datetime) -> list[dict[str, Any]]:
    """Cases whose running stage is past its deadline at `as_of`, per OPD, with the oldest."""
    s, c = case_stages.c, t.cases.c
    rows = conn.execute(
        sa.select(
            c.opd,
            t.opds.c.name.label("opd_name"),
            sa.func.count(sa.distinct(c.id)).label("overdue"),
            sa.func.min(s.due_at).label("oldest_due"),
        )
        .select_from(
            case_stages.join(t.cases, c.id == s.case_id).outerjoin(t.opds, t.opds.c.code == c.opd)
        )
        .where(s.finished_at.is_(None), s.due_at < as_of)
        .group_by(c.opd, t.opds.c.name)
        .order_by(sa.desc("overdue"), c.opd)
    )
    return [dict(r._mapping) for r in rows]


def weekly_series(
    conn: sa.Connection, periods: list[Period], tz: ZoneInfo, as_of: datetime
) -> list[dict[str, Any]]:
    """City-wide complaints, response rate and median first response for each period (for the
    trend charts)."""
    out = []
    for period in periods:
        lo, hi = period.bounds(tz)
        stats = _response_stats(conn, lo, hi, as_of, "city")[("city", "")]
        med = _percentiles(conn, lo, hi, "city", "business_seconds").get(("city", ""))
        posts = conn.execute(
            sa.select(sa.func.count()).where(
                t.post_metrics.c.posted_at >= lo, t.post_metrics.c.posted_at < hi
            )
        ).scalar_one()
        out.append(
            {
                "period": period,
                "complaints": int(stats["complaints"] or 0),
                "needing": int(stats["needing"] or 0),
                "answered": int(stats["answered"] or 0),
                "median_business": med[0] if med else None,
                "posts": int(posts),
            }
        )
    return out


def alerts_list(
    conn: sa.Connection, *, status: str | None = None, opd: str | None = None, limit: int = 100
) -> list[dict[str, Any]]:
    a = t.alerts.c
    stmt = (
        sa.select(
            t.alerts,
            t.topics.c.name.label("topic_name"),
            t.wilayah.c.name.label("area_name"),
        )
        .select_from(
            t.alerts.join(t.topics, t.topics.c.code == a.topic).join(
                t.wilayah, t.wilayah.c.code == a.area
            )
        )
        .order_by(a.raised_at.desc())
        .limit(limit)
    )
    if status:
        stmt = stmt.where(a.status == status)
    if opd:
        stmt = stmt.where(a.opd == opd)
    return [dict(r._mapping) for r in conn.execute(stmt)]


def alert_messages(conn: sa.Connection, ids: list[int]) -> list[dict[str, Any]]:
    """The messages behind an alert: masked text only (never the original)."""
    m = t.messages.c
    rows = conn.execute(
        sa.select(m.id, m.platform, m.posted_at, m.masked_text, t.accounts.c.handle)
        .join(t.accounts, t.accounts.c.id == m.account_id)
        .where(m.id.in_(ids))
        .order_by(m.posted_at)
    )
    return [dict(r._mapping) for r in rows]


def field_visits_list(
    conn: sa.Connection, lo: datetime, hi: datetime, *, unit: str | None = None, limit: int = 200
) -> list[dict[str, Any]]:
    v = t.field_visits.c
    stmt = (
        sa.select(
            t.field_visits,
            t.wilayah.c.name.label("kelurahan_name"),
            t.cases.c.ticket,
        )
        .select_from(
            t.field_visits.outerjoin(t.wilayah, t.wilayah.c.code == v.kelurahan).outerjoin(
                t.cases, t.cases.c.id == v.case_id
            )
        )
        .where(v.visited_at >= lo, v.visited_at < hi)
        .order_by(v.visited_at.desc())
        .limit(limit)
    )
    if unit:
        stmt = stmt.where(v.unit_code == unit)
    return [dict(r._mapping) for r in conn.execute(stmt)]
