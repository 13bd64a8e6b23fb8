"""Every SQL query of the measurement's read side, in one place.

The figures are aggregated in the database, mostly from the roll-ups that the refresh jobs keep
(services/measurement/rollups.py), then put into `kpis.UnitKpis` values; the pure functions of
`kpis.py` are the specification and a test checks that both give the same numbers.

What the figures are made of:

- first response = the earliest `outbox` row with `kind = 'reply'`, `status = 'sent'`,
  `in_reply_to_message_id = messages.id`, at `sent_at`; `response_facts` caches it per message
  that needed an answer, `response_rollups` counts per account and day, `response_histograms`
  holds the bucket counts of the durations per account and day and per account and month.
- `case_stages`: a stage belongs to the period it started in; finished stages come from
  `sla_rollups`, running ones past their deadline are counted live.
- resolutions: each `resolve` event; its outcome is the first of a citizen's confirmation
  (`close` by `warga`, or `confirm`) and a `reopen` after it (`resolution_rollups`).
- admins' replies: `messages.handled_by` (the inbox); case actions: `case_events.actor` other
  than the system and citizens.
- campaigns expected of every account in a period: the distinct `post_metrics.campaign` codes
  posted by any account in it (until a campaigns table says who was asked).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from paseban.measurement import histograms, kpis
from paseban.measurement.content_queries import (
    campaigns_posted,
    follower_growth,
    last_posts,
    post_stats,
    post_weeks,
)
from paseban.measurement.kpis import (
    EMPTY,
    FIRST_RESPONSE_SLA,
    Engagement,
    FirstResponse,
    Growth,
    Ratio,
    UnitKpis,
)
from paseban.measurement.periods import Period, split_months
from paseban.storage import tables as t
from paseban.storage.deadlines import overdue

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


def units(conn: sa.Connection, city: str | None = None) -> dict[UnitKey, Unit]:
    """Every kelurahan, kecamatan and active OPD (external agencies and the wilayah offices are
    not OPDs to rank), the city, and the accounts each one owns; of one city when `city` is
    given (a province's deployment ranks each city's units among themselves)."""
    out: dict[UnitKey, Unit] = {}
    w = t.wilayah.c
    ours = [w.level >= 2]
    if city is not None:
        ours.append(sa.or_(w.code == city, w.code.startswith(f"{city}.", autoescape=True)))
    for r in conn.execute(
        sa.select(w.code, w.name, w.level, w.parent_code, w.lat, w.lon).where(*ours)
    ):
        kind = {2: "city", 3: "kecamatan", 4: "kelurahan"}[r.level]
        out[kind, r.code] = Unit(kind, r.code, r.name, r.parent_code, r.lat, r.lon)
    for o in conn.execute(
        sa.select(t.opds.c.code, t.opds.c.name).where(
            t.opds.c.active.is_(True),
            t.opds.c.kind == "opd",
            t.opds.c.city == city if city is not None else sa.true(),
        )
    ):
        out["opd", o.code] = Unit("opd", o.code, o.name)
    for a in conn.execute(
        sa.select(t.accounts.c.id, t.accounts.c.owner_kind, t.accounts.c.owner_code).where(
            t.accounts.c.active.is_(True),
            t.accounts.c.city == city if city is not None else sa.true(),
        )
    ):
        unit = out.get((a.owner_kind, a.owner_code))
        if unit is not None:
            unit.accounts.append(a.id)
    return out


def _owner_of(all_units: dict[UnitKey, Unit]) -> dict[int, UnitKey]:
    return {a: key for key, unit in all_units.items() for a in unit.accounts}


# --- content -------------------------------------------------------------------------------------


# --- citizens ------------------------------------------------------------------------------------


def _owners(conn: sa.Connection, city: str | None = None) -> dict[int, UnitKey]:
    """Every account's owner, active or not: an account switched off keeps its history. Of
    one city's accounts when `city` is given (its totals count its accounts alone)."""
    a = t.accounts.c
    return {
        r.id: (r.owner_kind, r.owner_code)
        for r in conn.execute(
            sa.select(a.id, a.owner_kind, a.owner_code).where(
                a.city == city if city is not None else sa.true()
            )
        )
    }


RESPONSE_FIGURES = ("needing", "answered", "complaints", "unanswered", "within", "judged")


def _response_counts(
    conn: sa.Connection, period: Period, lo: datetime, hi: datetime, as_of: datetime
) -> dict[int, dict[str, int]]:
    """Per account, from the daily roll-ups: messages needing an answer, answered, complaints,
    complaints unanswered, answered within 24 h, and judged for the 24-hour rule (answered, or
    unanswered for longer than 24 h at `as_of`: the young unanswered ones are counted live)."""
    r, f = t.response_rollups.c, t.response_facts.c
    young: dict[int, int] = dict(
        conn.execute(
            sa.select(f.account_id, sa.func.count())
            .where(
                f.first_reply_at.is_(None),
                f.received_at >= max(lo, as_of - FIRST_RESPONSE_SLA),
                f.received_at < hi,
            )
            .group_by(f.account_id)
        ).all()
    )
    out: dict[int, dict[str, int]] = {}
    for row in conn.execute(
        sa.select(
            r.account_id,
            sa.func.sum(r.needing),
            sa.func.sum(r.answered),
            sa.func.sum(r.complaints),
            sa.func.sum(r.complaints_unanswered),
            sa.func.sum(r.answered_within_sla),
        )
        .where(in_period(t.response_rollups, period))
        .group_by(r.account_id)
    ):
        needing, answered, complaints, unanswered, within = (int(v or 0) for v in row[1:])
        judged = needing - young.get(row[0], 0)
        out[row[0]] = dict(
            zip(
                RESPONSE_FIGURES,
                (needing, answered, complaints, unanswered, within, judged),
                strict=True,
            )
        )
    return out


def in_period(table: sa.Table, period: Period) -> Any:
    """The roll-up rows that make up a period: monthly rows for its whole months, daily rows
    for the days left at either end (services/measurement/rollups.py)."""
    c = table.c
    months, edges = split_months(period)
    parts = [sa.and_(c.grain == "day", c.day >= e.start, c.day <= e.end) for e in edges]
    if months:
        parts.append(sa.and_(c.grain == "month", c.day.in_(months)))
    return sa.or_(*parts)


def _histograms(conn: sa.Connection, period: Period) -> dict[tuple[int, str], list[int]]:
    """Per account and clock (wall, business): the first-response histogram of the period."""
    h = t.response_histograms.c
    buckets = [h[f"b{i:02d}"] for i in range(histograms.BUCKETS)]
    rows = conn.execute(
        sa.select(h.account_id, h.clock, *(sa.func.sum(b) for b in buckets))
        .where(in_period(t.response_histograms, period))
        .group_by(h.account_id, h.clock)
    )
    return {(r[0], r[1]): [int(v or 0) for v in r[2:]] for r in rows}


def _by_unit(
    per_account: dict[Any, Any], owners: dict[int, UnitKey], add: Any, account_of: Any = None
) -> dict[Any, Any]:
    """Sum per-account figures into their owner's and the city's."""
    out: dict[Any, Any] = {}
    for key, value in per_account.items():
        account, rest = account_of(key) if account_of else (key, None)
        for unit in (owners.get(account), ("city", "")):
            if unit is None:
                continue
            target = unit if rest is None else (unit, rest)
            out[target] = add(out[target], value) if target in out else value
    return out


def _add_counts(a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
    return {k: a[k] + b[k] for k in a}


def _percentiles(counts: list[int] | None) -> tuple[float | None, float | None] | None:
    if counts is None or not sum(counts):
        return None
    return histograms.percentile(counts, 0.5), histograms.percentile(counts, 0.9)


# --- cases ---------------------------------------------------------------------------------------


def _sla_stats(
    conn: sa.Connection, period: Period, lo: datetime, hi: datetime, as_of: datetime
) -> dict[UnitKey, dict[str, Ratio]]:
    """Per unit and stage: finished stages from the daily roll-ups (by the day the stage
    started), plus the running stages already past their deadline at `as_of`, counted live."""
    r, s, c = t.sla_rollups.c, case_stages.c, t.cases.c
    totals: dict[tuple[str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    for kind, code, stage, finished, met in conn.execute(
        sa.select(r.unit_kind, r.unit_code, r.stage, sa.func.sum(r.finished), sa.func.sum(r.met))
        .where(in_period(t.sla_rollups, period))
        .group_by(r.unit_kind, r.unit_code, r.stage)
    ):
        totals[kind, code, stage][0] += int(met or 0)
        totals[kind, code, stage][1] += int(finished or 0)
    for kelurahan, kecamatan, opd, city, stage, n in conn.execute(
        sa.select(c.kelurahan, c.kecamatan, c.opd, c.city, s.stage, sa.func.count())
        .select_from(case_stages.join(t.cases, c.id == s.case_id))
        .where(
            s.finished_at.is_(None),
            s.started_at >= lo,
            s.started_at < hi,
            overdue(s.stage, s.due_at, as_of),
        )
        .group_by(c.kelurahan, c.kecamatan, c.opd, c.city, s.stage)
    ):
        for kind, code in unit_keys(kelurahan, kecamatan, opd, city):
            totals[kind, code, stage][1] += int(n)
    out: dict[UnitKey, dict[str, Ratio]] = defaultdict(dict)
    for (kind, code, stage), (met, judged) in totals.items():
        if judged:
            out[kind, code][stage] = Ratio(met, judged)
    return out


def unit_keys(
    kelurahan: str | None, kecamatan: str | None, opd: str | None, city: str | None = None
) -> list[UnitKey]:
    """The units a case counts for: the deployment (`("city", "")`), its own city (by its
    code: a province's report counts each city's cases apart), and its kelurahan, kecamatan
    and OPD if any."""
    keys: list[UnitKey] = [("city", "")]
    for kind, code in (
        ("city", city),
        ("kelurahan", kelurahan),
        ("kecamatan", kecamatan),
        ("opd", opd),
    ):
        if code:
            keys.append((kind, code))
    return keys


def _resolved_stats(conn: sa.Connection, period: Period) -> dict[UnitKey, tuple[Ratio, Ratio]]:
    """(confirmed, reopened) over the resolutions of the period, per unit, from the roll-ups."""
    r = t.resolution_rollups.c
    out: dict[UnitKey, tuple[Ratio, Ratio]] = {}
    for kind, code, resolved, confirmed, reopened in conn.execute(
        sa.select(
            r.unit_kind,
            r.unit_code,
            sa.func.sum(r.resolved),
            sa.func.sum(r.confirmed),
            sa.func.sum(r.reopened),
        )
        .where(in_period(t.resolution_rollups, period))
        .group_by(r.unit_kind, r.unit_code)
    ):
        n = int(resolved or 0)
        out[kind, code] = (Ratio(int(confirmed or 0), n), Ratio(int(reopened or 0), n))
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


@dataclass(frozen=True)
class _Content:
    """Per account: post figures, posts per 7-day block, last post, campaigns posted for (and
    all of the period's), follower growth."""

    posts: dict[int, dict[str, Any]]
    weeks: dict[int, dict[int, int]]
    last: dict[int, datetime]
    campaigns: dict[int, set[str]]
    expected: set[str]
    growth: dict[int, Growth]


@dataclass(frozen=True)
class _AccountFacts:
    """Everything per account that both units and single accounts are assembled from."""

    content: _Content
    responses: dict[int, dict[str, int]]
    hists: dict[tuple[int, str], list[int]]
    until: datetime  # days since the last post count to here: as measured, or the period's end


def _account_facts(
    conn: sa.Connection, period: Period, lo: datetime, hi: datetime, as_of: datetime
) -> _AccountFacts:
    return _AccountFacts(
        content=_content(conn, period, lo, hi),
        responses=_response_counts(conn, period, lo, hi, as_of),
        hists=_histograms(conn, period),
        until=min(as_of, hi),
    )


def _content(conn: sa.Connection, period: Period, lo: datetime, hi: datetime) -> _Content:
    campaigns = campaigns_posted(conn, lo, hi)
    return _Content(
        posts=post_stats(conn, lo, hi),
        weeks=post_weeks(conn, period),
        last=last_posts(conn, hi),
        campaigns=campaigns,
        expected=set().union(*campaigns.values()) if campaigns else set(),
        growth=follower_growth(conn, period),
    )


@dataclass
class Measured:
    """Every unit's KPIs for one period, and the units themselves (names, places, accounts)."""

    period: Period
    as_of: datetime
    units: dict[UnitKey, Unit]
    kpis: dict[UnitKey, UnitKpis]
    facts: _AccountFacts | None = field(default=None, repr=False)  # reused by measure_accounts

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
    city: str | None = None,
    facts: _AccountFacts | None = None,
) -> Measured:
    """All KPIs of every kelurahan, kecamatan, OPD and the city for one period. The city's
    totals are the deployment's, or with `city` that city's alone (its accounts, its cases)."""
    all_units = all_units if all_units is not None else units(conn, city)
    lo, hi = period.bounds(tz)
    owner = _owner_of(all_units)
    city_key = next((k for k in all_units if k[0] == "city"), None)

    if facts is None:  # another measure of the same period may lend its own
        facts = _account_facts(conn, period, lo, hi, as_of)
    content, until = facts.content, facts.until
    owners = _owners(conn, city)
    counts, hists_in = facts.responses, facts.hists
    if city is not None:  # the city's total counts its own accounts alone
        counts = {a: v for a, v in counts.items() if a in owners}
        hists_in = {k: v for k, v in hists_in.items() if k[0] in owners}
    responses = _by_unit(counts, owners, _add_counts)
    hists = _by_unit(hists_in, owners, histograms.add, account_of=lambda k: k)
    wall = {key: _percentiles(h) for (key, clock), h in hists.items() if clock == "wall"}
    business = {key: _percentiles(h) for (key, clock), h in hists.items() if clock == "business"}
    sla = _sla_stats(conn, period, lo, hi, as_of)
    resolved = _resolved_stats(conn, period)
    visits = _visits(conn, lo, hi)

    out: dict[UnitKey, UnitKpis] = {}
    for key, unit in all_units.items():
        if key[0] == "city":
            continue
        out[key] = _assemble(
            key,
            unit,
            period,
            until,
            unit.accounts,
            content,
            responses.get(key),
            wall.get(key),
            business.get(key),
            sla.get(key, {}),
            resolved.get(key),
            visits.get(unit.code, 0),
        )
    all_accounts = list(owner)
    city_unit = all_units[city_key] if city_key else Unit("city", "", "Kota")
    cases_of = ("city", city or "")  # the rows of the case roll-ups: the city's, or all
    out["city", ""] = replace(
        _assemble(
            ("city", ""),
            city_unit,
            period,
            until,
            all_accounts,
            content,
            responses.get(("city", "")),
            wall.get(("city", "")),
            business.get(("city", "")),
            sla.get(cases_of, {}),
            resolved.get(cases_of),
            sum(visits.get(u.code, 0) for u in all_units.values() if u.kind != "city")
            if city
            else sum(visits.values()),
        ),
        code=city_unit.code,
    )
    return Measured(period, as_of, all_units, out, facts)


@dataclass(frozen=True)
class AccountKpis:
    """One official account's own figures: what its admin can act on (audience, posts and the
    answers to the messages it received). Cases belong to places and OPDs, not to accounts."""

    id: int
    platform: str
    handle: str
    active: bool
    kpis: UnitKpis


def measure_accounts(
    conn: sa.Connection,
    period: Period,
    *,
    tz: ZoneInfo,
    as_of: datetime,
    account_ids: list[int] | None,
    measured: Measured | None = None,
) -> list[AccountKpis]:
    """The KPIs of some accounts (None: every active account) for one period, each account on
    its own (the units' rules: `_assemble` over one account, without case stages, resolutions
    or field visits). Given the `measure` of the same period, its facts are reused."""
    a = t.accounts.c
    query = sa.select(a.id, a.platform, a.handle, a.active).order_by(a.platform, a.handle)
    if account_ids is None:
        query = query.where(a.active.is_(True))
    elif not account_ids:
        return []
    else:
        query = query.where(a.id.in_(account_ids))
    rows = conn.execute(query).all()
    if measured is not None and measured.facts is not None and measured.period == period:
        facts = measured.facts
    else:
        facts = _account_facts(conn, period, *period.bounds(tz), as_of)
    out = []
    for r in rows:
        unit = Unit("account", str(r.id), f"{r.platform}:{r.handle}", accounts=[r.id])
        assembled = _assemble(
            ("account", unit.code),
            unit,
            period,
            facts.until,
            unit.accounts,
            facts.content,
            facts.responses.get(r.id),
            _percentiles(facts.hists.get((r.id, "wall"))),
            _percentiles(facts.hists.get((r.id, "business"))),
            {},
            None,
            0,
        )
        out.append(AccountKpis(r.id, r.platform, r.handle, bool(r.active), assembled))
    return out


def _assemble(
    key: UnitKey,
    unit: Unit,
    period: Period,
    until: datetime,  # days since the last post count to here: as measured, or the period's end
    accounts: list[int],
    content: _Content,
    responses: dict[str, Any] | None,
    wall: tuple[float | None, float | None] | None,
    business: tuple[float | None, float | None] | None,
    sla: dict[str, Ratio],
    resolved: tuple[Ratio, Ratio] | None,
    visits: int,
) -> UnitKpis:
    n_posts = inter = reach = views = with_reach = program = 0
    per_week: dict[int, int] = defaultdict(int)
    posted: set[str] = set()
    f_start = f_end = 0
    has_growth = False
    latest: datetime | None = None
    for a in accounts:
        if a in content.posts:
            p = content.posts[a]
            n_posts += p["posts"]
            inter += int(p["interactions"] or 0)
            reach += int(p["reach"] or 0)
            with_reach += int(p["with_reach"] or 0)
            views += int(p["views"] or 0)
            program += p["program"]
        for block, n in content.weeks.get(a, {}).items():
            per_week[block] += n
        posted |= content.campaigns.get(a, set())
        grew = content.growth.get(a)
        if grew is not None and grew.start is not None and grew.end is not None:
            f_start += grew.start
            f_end += grew.end
            has_growth = True
        if a in content.last and (latest is None or content.last[a] > latest):
            latest = content.last[a]
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
        consistency=kpis.consistency(per_week, period, kpis.POSTS_TARGET_PER_WEEK)
        if accounts
        else EMPTY,
        engagement=Engagement(inter, reach, views, with_reach),
        program=Ratio(program, n_posts),
        campaigns=Ratio(len(posted & content.expected), len(content.expected))
        if accounts
        else EMPTY,
        complaints=int(r.get("complaints") or 0),
        response=Ratio(answered, int(r.get("needing") or 0)),
        unanswered_complaints=int(r.get("unanswered") or 0),
        first=first,
        sla=dict(sla),
        confirmed=confirmed,
        reopened=reopened,
        field_visits=visits,
        days_since_post=None if latest is None else max(0, (until - latest).days),
        accounts=len(accounts),
    )


# --- people ---------------------------------------------------------------------------------------


# --- report tables -------------------------------------------------------------------------------
