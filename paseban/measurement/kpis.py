"""Every KPI of the measurement as a pure function over plain rows.

Rules (docs/measurement.md has the full table):

- ratios are a **ratio of sums** over the period, never a mean of per-item ratios, and keep their
  numerator and denominator (`Ratio`);
- percentiles are **nearest-rank**: the value at rank ceil(p * n) of the sorted values; response
  times are reported through fixed duration buckets (`histograms.py`), which is what the roll-ups
  in the database hold, so the SQL and these functions give identical figures;
- durations are seconds, on the wall clock and in business hours (Asia/Jakarta, 08:00-16:00 on
  working days, holidays and cuti bersama passed in as data);
- "no data" is `None` (or a Ratio with denominator 0), never 0, so that an account without
  complaints is not "0 % answered".

`queries.py` (with `content_queries.py`) computes the same figures with SQL aggregates for speed;
a test keeps the two equal.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from paseban.domain.workdays import WorkCalendar
from paseban.measurement import histograms
from paseban.measurement.periods import Period

# intents that a citizen expects an answer to; spam, abuse, praise and chatter are not counted
NEEDS_REPLY = frozenset({"aduan", "pertanyaan", "aspirasi"})
COMPLAINT = "aduan"
FIRST_RESPONSE_SLA = timedelta(hours=24)  # SiBadra / WargaKu: acknowledged within 24 hours
POSTS_TARGET_PER_WEEK = 3  # "consistency": weeks with at least this many posts
STAGES = ("verify", "follow_up", "confirm")


@dataclass(frozen=True)
class Ratio:
    num: float
    den: float

    @property
    def pct(self) -> float | None:
        return None if not self.den else self.num / self.den * 100

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.num + other.num, self.den + other.den)

    def __str__(self) -> str:
        pct = self.pct
        return "-" if pct is None else f"{pct:.0f}% ({self.num:g}/{self.den:g})"


EMPTY = Ratio(0, 0)


# --- rows ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Snapshot:
    day: date
    followers: int | None


@dataclass(frozen=True)
class PostRow:
    posted_at: datetime
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    reach: int | None = None
    views: int | None = None
    program: str | None = None
    campaign: str | None = None

    @property
    def interactions(self) -> int:
        return self.likes + self.comments + self.shares + self.saves


@dataclass(frozen=True)
class Inbound:
    """A citizen message and our first reply to it (None: not answered)."""

    received_at: datetime
    intent: str
    replied_at: datetime | None = None
    business_seconds: int | None = None  # precomputed; computed from the calendar when None


@dataclass(frozen=True)
class StageRow:
    stage: str
    due_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True)
class ResolvedCase:
    confirmed: bool  # the citizen said "sudah beres"
    reopened: bool  # the citizen said "belum beres" and the case went back to the OPD


# --- helpers -----------------------------------------------------------------------------------


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile: the value at rank ceil(p * n) (1-based) of the sorted values."""
    if not values:
        return None
    if not 0 < p <= 1:
        raise ValueError("p harus di antara 0 (tidak termasuk) dan 1")
    ordered = sorted(values)
    n = len(ordered)
    rank = -(-round(p * 100) * n // 100)  # ceil(p*n) in integers, as the SQL does
    return ordered[max(rank, 1) - 1]


# --- audience and content ---------------------------------------------------------------------


@dataclass(frozen=True)
class Growth:
    start: int | None
    end: int | None

    @property
    def net(self) -> int | None:
        return None if self.start is None or self.end is None else self.end - self.start

    @property
    def rate_pct(self) -> float | None:
        if self.net is None or not self.start:
            return None
        return self.net / self.start * 100


def follower_growth(snapshots: Iterable[Snapshot], period: Period) -> Growth:
    """F_start: the last snapshot on or before the period's first day (or, failing that, the
    first one inside the period); F_end: the last snapshot inside the period."""
    known = sorted((s for s in snapshots if s.followers is not None), key=lambda s: s.day)
    before = [s for s in known if s.day <= period.start]
    inside = [s for s in known if period.contains(s.day)]
    start = before[-1] if before else (inside[0] if inside else None)
    end = inside[-1] if inside else None
    if start is None or end is None:
        return Growth(None, None)
    return Growth(start.followers, end.followers)


def posts_in(posts: Iterable[PostRow], period: Period, tz: object) -> list[PostRow]:
    return [p for p in posts if period.contains(p.posted_at.astimezone(tz).date())]  # type: ignore[arg-type]


def posts_per_week(post_count: int, period: Period) -> float:
    return post_count / period.weeks


def weekly_blocks(period: Period) -> int:
    """The period's 7-day blocks from its first day; a short last block counts when it has at
    least 4 days (otherwise its days join the block before)."""
    return max(1, period.days // 7 + (1 if period.days % 7 >= 4 else 0))


def block_of(days_from_start: int, period: Period) -> int:
    return min(days_from_start // 7, weekly_blocks(period) - 1)


def consistency(posts_per_block: dict[int, int], period: Period, target: int) -> Ratio:
    """Blocks with at least `target` posts ÷ blocks; `posts_per_block` by block_of()."""
    blocks = weekly_blocks(period)
    return Ratio(sum(1 for b in range(blocks) if posts_per_block.get(b, 0) >= target), blocks)


def posting_consistency(
    post_days: Iterable[date], period: Period, target: int = POSTS_TARGET_PER_WEEK
) -> Ratio:
    """Share of the period's 7-day blocks with at least `target` posts."""
    counts: dict[int, int] = {}
    for day in post_days:
        if period.contains(day):
            block = block_of((day - period.start).days, period)
            counts[block] = counts.get(block, 0) + 1
    return consistency(counts, period, target)


@dataclass(frozen=True)
class Engagement:
    interactions: int
    reach: int
    views: int
    posts_with_reach: int

    @property
    def rate_by_reach(self) -> float | None:
        """ΣE ÷ Σreach × 100 over posts that report reach."""
        return None if not self.reach else self.interactions / self.reach * 100

    @property
    def rate_by_views(self) -> float | None:
        return None if not self.views else self.interactions / self.views * 100


def engagement(posts: Iterable[PostRow]) -> Engagement:
    e = r = v = n = 0
    for post in posts:
        if post.reach:
            e += post.interactions
            r += post.reach
            n += 1
        if post.views:
            v += post.views
    return Engagement(e, r, v, n)


def program_alignment(posts: Iterable[PostRow]) -> Ratio:
    rows = list(posts)
    return Ratio(sum(1 for p in rows if p.program), len(rows))


def campaign_participation(posted: Iterable[str | None], expected: Iterable[str]) -> Ratio:
    """Campaigns of the period the account posted for ÷ campaigns it was asked to join."""
    wanted = set(expected)
    return Ratio(len(wanted & {c for c in posted if c}), len(wanted))


def days_since_last_post(post_times: Iterable[datetime], as_of: datetime) -> int | None:
    latest = max(post_times, default=None)
    return None if latest is None else max(0, (as_of - latest).days)


def visits_per_week(visits: int, period: Period) -> float:
    return visits / period.weeks


# --- citizens and complaints --------------------------------------------------------------------


def complaints_caught(inbound: Iterable[Inbound]) -> int:
    return sum(1 for m in inbound if m.intent == COMPLAINT)


def answered(inbound: Iterable[Inbound], intents: frozenset[str] = NEEDS_REPLY) -> Ratio:
    """Messages that needed an answer and got a public reply by our side ÷ those that needed
    one (the response rate)."""
    rows = [m for m in inbound if m.intent in intents]
    return Ratio(sum(1 for m in rows if m.replied_at is not None), len(rows))


def unanswered_complaints(inbound: Iterable[Inbound]) -> int:
    return sum(1 for m in inbound if m.intent == COMPLAINT and m.replied_at is None)


@dataclass(frozen=True)
class FirstResponse:
    answered: int
    median_seconds: float | None
    p90_seconds: float | None
    median_business_seconds: float | None
    p90_business_seconds: float | None
    within_sla: Ratio


def first_response(
    inbound: Iterable[Inbound],
    calendar: WorkCalendar,
    *,
    as_of: datetime,
    sla: timedelta = FIRST_RESPONSE_SLA,
    intents: frozenset[str] = NEEDS_REPLY,
) -> FirstResponse:
    """Median and p90 of t(first reply) − t(message), wall clock and business hours, over the
    answered messages, as reported from duration buckets (measurement/histograms.py: the bucket
    of the exact nearest-rank value, within 30 s under 10 minutes and 5 % above); within SLA =
    answered within `sla` ÷ (answered + unanswered for longer than `sla` at `as_of`).
    Unanswered messages younger than `sla` are not judged yet."""
    wall: list[float] = []
    business: list[float] = []
    met = judged = 0
    for m in inbound:
        if m.intent not in intents:
            continue
        if m.replied_at is None:
            if as_of - m.received_at > sla:
                judged += 1
            continue
        seconds = max(0.0, (m.replied_at - m.received_at).total_seconds())
        wall.append(seconds)
        bs = m.business_seconds
        if bs is None:
            bs = calendar.working_seconds_between(m.received_at, m.replied_at)
        business.append(float(bs))
        judged += 1
        met += seconds <= sla.total_seconds()
    wall_counts, business_counts = histograms.histogram(wall), histograms.histogram(business)
    return FirstResponse(
        len(wall),
        histograms.percentile(wall_counts, 0.5),
        histograms.percentile(wall_counts, 0.9),
        histograms.percentile(business_counts, 0.5),
        histograms.percentile(business_counts, 0.9),
        Ratio(met, judged),
    )


def sla_compliance(stages: Iterable[StageRow], *, as_of: datetime) -> dict[str, Ratio]:
    """Per stage: stages finished by their deadline ÷ stages judged (finished, or still running
    past the deadline at `as_of`). A running stage not yet due is not judged."""
    out: dict[str, Ratio] = {}
    for row in stages:
        if row.finished_at is not None:
            met, judged = int(row.finished_at <= row.due_at), 1
        elif as_of > row.due_at:
            met, judged = 0, 1
        else:
            continue
        out[row.stage] = out.get(row.stage, EMPTY) + Ratio(met, judged)
    return out


def confirmed_share(resolved: Iterable[ResolvedCase]) -> Ratio:
    rows = list(resolved)
    return Ratio(sum(1 for c in rows if c.confirmed), len(rows))


def reopen_rate(resolved: Iterable[ResolvedCase]) -> Ratio:
    rows = list(resolved)
    return Ratio(sum(1 for c in rows if c.reopened), len(rows))


# --- one unit's figures ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitKpis:
    """Every KPI of one unit (account, kelurahan, kecamatan, OPD or the city) for one period,
    with numerators and denominators kept."""

    code: str
    name: str
    kind: str
    period: Period
    growth: Growth = Growth(None, None)
    posts: int = 0
    consistency: Ratio = EMPTY
    engagement: Engagement = Engagement(0, 0, 0, 0)
    program: Ratio = EMPTY
    campaigns: Ratio = EMPTY
    complaints: int = 0
    response: Ratio = EMPTY  # answered ÷ needing an answer
    unanswered_complaints: int = 0
    first: FirstResponse = FirstResponse(0, None, None, None, None, EMPTY)
    sla: dict[str, Ratio] = field(default_factory=dict)
    confirmed: Ratio = EMPTY
    reopened: Ratio = EMPTY
    field_visits: int = 0
    days_since_post: int | None = None
    accounts: int = 0

    @property
    def posts_per_week(self) -> float:
        return posts_per_week(self.posts, self.period)

    @property
    def visits_per_week(self) -> float:
        return visits_per_week(self.field_visits, self.period)

    @property
    def sla_all(self) -> Ratio:
        total = EMPTY
        for ratio in self.sla.values():
            total = total + ratio
        return total

    @property
    def inbound_needing_reply(self) -> int:
        return int(self.response.den)


def unit_kpis(
    code: str,
    name: str,
    kind: str,
    period: Period,
    *,
    calendar: WorkCalendar,
    as_of: datetime,
    snapshots: Iterable[Snapshot] = (),
    posts: Iterable[PostRow] = (),
    campaigns_expected: Iterable[str] = (),
    inbound: Iterable[Inbound] = (),
    stages: Iterable[StageRow] = (),
    resolved: Iterable[ResolvedCase] = (),
    field_visits: int = 0,
    last_post_at: datetime | None = None,
    accounts: int = 0,
) -> UnitKpis:
    """All KPIs of a unit from plain rows that already belong to the unit and the period (posts
    and messages of the period, stages started in it, cases resolved in it)."""
    post_rows = list(posts)
    messages = list(inbound)
    resolved_rows = list(resolved)
    tz = calendar.tz
    latest = max(
        [p.posted_at for p in post_rows] + ([last_post_at] if last_post_at else []), default=None
    )
    return UnitKpis(
        code=code,
        name=name,
        kind=kind,
        period=period,
        growth=follower_growth(snapshots, period),
        posts=len(post_rows),
        consistency=posting_consistency(
            (p.posted_at.astimezone(tz).date() for p in post_rows), period
        ),
        engagement=engagement(post_rows),
        program=program_alignment(post_rows),
        campaigns=campaign_participation((p.campaign for p in post_rows), campaigns_expected),
        complaints=complaints_caught(messages),
        response=answered(messages),
        unanswered_complaints=unanswered_complaints(messages),
        first=first_response(messages, calendar, as_of=as_of),
        sla=sla_compliance(stages, as_of=as_of),
        confirmed=confirmed_share(resolved_rows),
        reopened=reopen_rate(resolved_rows),
        field_visits=field_visits,
        # a past period is judged as it ended, not as it looks today
        days_since_post=days_since_last_post(
            [latest] if latest else [], min(as_of, period.bounds(tz)[1])
        ),
        accounts=accounts,
    )
