"""Triage: where a citizen's analysed message belongs. One case per problem (join the open case
about the same problem in the same place, or open a routed, clocked case), a follow-up joins the
citizen's own case, and the answer to "sudah beres?" closes or reopens it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.cases import OPEN, SYSTEM, Action, Status, find_tickets
from paseban.domain.replies import Answer, ReplyEvent, classify_answer
from paseban.domain.triage import (
    Report,
    TriagePolicy,
    find_duplicate,
    is_follow_up,
    keywords,
    mentioned_tickets,
    neighbours_by_distance,
    placement_keys,
)
from paseban.domain.wilayah import OpdKind
from paseban.nlp.pipeline import Analysis
from paseban.routing.rules import route, rule_label
from paseban.services.cases import actions, candidates, clocks, locks, replies, routing
from paseban.services.cases.tickets import next_ticket
from paseban.services.reference import cities
from paseban.services.reference import store as ref
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.cases import CaseRow
from paseban.storage.txcache import cached

if TYPE_CHECKING:
    from paseban.context import Context

JOIN_WINDOW = timedelta(days=7)  # default of the `triage` parameter's window_days
TITLE_CHARS = 140
NEIGHBOUR_KM = 1.5  # kelurahan whose centres are this close are neighbours
OPEN_VALUES = frozenset(s.value for s in OPEN)
_STATEMENTS: dict[str, Any] = {}  # statements built once per dialect


@dataclass(frozen=True)
class Placement:
    case_id: int
    ticket: str
    joined: bool
    kind: str = "report"  # report, follow_up, answer


# --- triage policy, read once per transaction --------------------------------------------------


def triage_policy(conn: sa.Connection, city: str | None = None) -> TriagePolicy:
    """A city's `triage` parameter (None: the first city's; `triage@code` for another city, which
    follows the first city's until it sets its own), read once per transaction and city."""

    def load() -> TriagePolicy:
        value = cities.get_city_parameter(conn, city, "triage", {}) or {}
        base = TriagePolicy()
        return TriagePolicy(
            window=timedelta(days=float(value.get("window_days", base.window.days))),
            radius_m=float(value.get("radius_m", base.radius_m)),
            neighbour_similarity=float(
                value.get("neighbour_similarity", base.neighbour_similarity)
            ),
            conflict_similarity=float(value.get("conflict_similarity", base.conflict_similarity)),
            follow_up_window=timedelta(
                days=float(value.get("follow_up_days", base.follow_up_window.days))
            ),
        )

    return cached(conn, f"triage_policy:{city}", load)


def _topic_names(conn: sa.Connection) -> dict[str, str]:
    """Topic names for the note of a new case: read once per connection (an analysis batch
    opens many cases), shared with the replies' placeholders (services.cases.replies)."""
    return cached(conn, "topic_names", lambda: ref.topic_names(conn))


def neighbours(conn: sa.Connection, city: str | None = None) -> dict[str, frozenset[str]]:
    """Kelurahan whose centres lie within the city's `triage.neighbour_km` of each other: the
    city's own (a case belongs to one city), not every kelurahan of a province's deployment."""

    def load() -> dict[str, frozenset[str]]:
        query = sa.select(t.wilayah.c.code, t.wilayah.c.lat, t.wilayah.c.lon).where(
            t.wilayah.c.level == 4, t.wilayah.c.lat.is_not(None), t.wilayah.c.lon.is_not(None)
        )
        if city:
            query = query.where(t.wilayah.c.code.startswith(f"{city}.", autoescape=True))
        rows = conn.execute(query).all()
        km = float(cities.get_city_parameter(conn, city, "triage.neighbour_km", NEIGHBOUR_KM))
        return neighbours_by_distance({r.code: (r.lat, r.lon) for r in rows}, km)

    return cached(conn, f"neighbours:{city}", load)


# --- one case per problem ----------------------------------------------------------------------


_REPORTER_BY_ID = (
    sa.select(t.messages.c.id)
    .where(
        t.messages.c.case_id == sa.bindparam("case_id"),
        t.messages.c.platform == sa.bindparam("platform"),
        t.messages.c.author_id == sa.bindparam("who"),
    )
    .limit(1)
)
_REPORTER_BY_NAME = (
    sa.select(t.messages.c.id)
    .where(
        t.messages.c.case_id == sa.bindparam("case_id"),
        t.messages.c.platform == sa.bindparam("platform"),
        t.messages.c.author == sa.bindparam("who"),
    )
    .limit(1)
)
# the joined case is locked until commit: two messages of one citizen joining at once are
# counted once, and the second sees the first's link (services.cases.locks)
_CASE_BY_ID = sa.select(t.cases).where(t.cases.c.id == sa.bindparam("case_id")).with_for_update()
_JOIN_UPDATE = (
    sa.update(t.cases)
    .where(t.cases.c.id == sa.bindparam("b_id"))
    .values(
        updated_at=sa.bindparam("updated_at"),
        last_report_at=sa.bindparam("last_report_at"),
        platforms=sa.bindparam("platforms", type_=t.cases.c.platforms.type),
        report_count=t.cases.c.report_count + sa.bindparam("more"),
    )
)


def _is_reporter(
    conn: sa.Connection, case_id: int, platform: str, author: str | None, author_id: str | None
) -> bool:
    if not author and not author_id:
        return False
    stmt = _REPORTER_BY_ID if author_id else _REPORTER_BY_NAME
    params = {"case_id": case_id, "platform": platform, "who": author_id or author}
    return conn.execute(stmt, params).first() is not None


def _join(
    conn: sa.Connection,
    ctx: Context,
    case_id: int,
    *,
    message_id: int,
    platform: str,
    reported: datetime,
    author: str | None,
    author_id: str | None,
    action: str,
    note: str,
    data: dict[str, Any],
) -> CaseRow:
    """A citizen's message joins a case: counted once per citizen, platforms and the last
    report time kept current. No version bump: joining never conflicts with staff actions."""

    case = row(CaseRow, conn.execute(_CASE_BY_ID, {"case_id": case_id}).mappings().one())
    more = 0 if _is_reporter(conn, case_id, platform, author, author_id) else 1
    values: dict[str, Any] = {
        "updated_at": ctx.now(),
        "last_report_at": max(case["last_report_at"] or case["opened_at"], reported),
        "platforms": sorted({*(case["platforms"] or []), platform}),
    }
    conn.execute(_JOIN_UPDATE, {"b_id": case_id, "more": more, **values})
    actions.record_event(
        conn,
        case_id=case_id,
        action=action,
        from_status=None,
        to_status=case["status"],
        at=ctx.now(),
        actor="sistem",
        note=note,
        data={"message_id": message_id, **data},
    )
    return row(CaseRow, {**case, **values, "report_count": int(case["report_count"] or 0) + more})


_INSERT_CASE = sa.insert(t.cases).returning(t.cases.c.id)


def _report(analysis: Analysis, at: datetime, lat: float | None, lon: float | None) -> Report:
    place = analysis.place
    topic = analysis.topic.label or "lainnya"
    words = keywords(analysis.normalized)
    return Report(
        topic, place.kelurahan, place.kecamatan, words, at, place.street, place.landmark, lat, lon
    )


def may_belong(analysis: Analysis) -> bool:
    """Whether a message can belong to a case at all (a complaint, a follow-up, an answer to
    "sudah beres?", a ticket code): the others are stored without a placement."""
    text = analysis.text
    return bool(
        analysis.is_complaint
        or is_follow_up(text)
        or classify_answer(text) is not Answer.UNKNOWN
        or find_tickets(text)
    )


def open_or_join(
    conn: sa.Connection,
    ctx: Context,
    *,
    message_id: int,
    platform: str,
    analysis: Analysis,
    reported_at: datetime | None = None,
    sample: bool = False,
    author: str | None = None,
    author_id: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    address: str | None = None,
    media_url: str | None = None,
    city: str | None = None,
) -> Placement:
    """Join the open case about the same problem in the same place (domain.triage), or open a
    new one: routed by the rules, on the verification clock, answered with its ticket code, and
    forwarded at once when the city's `routing.auto_forward` parameter is on. The case is of
    the `city` of the account the message reached (None: the first city): joined only to that
    city's cases, routed by its rules, numbered with its ticket prefix.
    A new case opens at the time the citizen reported (never in the future)."""

    place_of = cities.city_of(conn, city)
    city = place_of.code if place_of is not None else ""
    now = ctx.now()
    reported = min(reported_at, now) if reported_at else now
    place = analysis.place
    report = _report(analysis, reported, lat, lon)
    topic, words = report.topic, report.keywords
    policy = triage_policy(conn, city or None)
    near = neighbours(conn, city or None).get(place.kelurahan or "", frozenset())
    locks.hold(conn, placement_keys(report, near, policy.radius_m))  # held already by place_message
    found = candidates.candidates(conn, report, near, policy.window, policy.radius_m, city)
    match = find_duplicate(report, found, neighbours=neighbours(conn, city or None), policy=policy)
    if match is not None:
        case = _join(
            conn,
            ctx,
            match.case_id,
            message_id=message_id,
            platform=platform,
            reported=reported,
            author=author,
            author_id=author_id,
            action="join",
            note=f"laporan warga bergabung ({match.reason})",
            data={"score": match.score},
        )
        replies.answer_case(
            conn,
            ctx,
            case,
            ReplyEvent.JOINED,
            reason=f"case:{case['id']}:join",
            message_ids=[message_id],
        )
        return Placement(match.case_id, case["ticket"], True)
    rule = route(routing.routing_facts(analysis, platform), routing.active_rules(conn, city))
    prefix = place_of.ticket_prefix if place_of is not None else "PSB"
    ticket = next_ticket(conn, prefix, reported.astimezone(ctx.tz))
    title = " ".join(analysis.masked.split())[:TITLE_CHARS]
    values: dict[str, Any] = {
        "ticket": ticket,
        "status": Status.RECEIVED.value,
        "topic": topic,
        "urgency": analysis.urgency.label or "normal",
        "kelurahan": place.kelurahan,
        "kecamatan": place.kecamatan,
        "opd": rule.assign_to if rule else None,
        "route_rule": rule.name if rule else None,
        "title": title,
        "report_count": 1,
        "opened_at": reported,
        "updated_at": now,
        "version": 1,
        "is_sample": sample,
        "last_report_at": reported,
        "street": place.street,
        "landmark": place.landmark,
        "address": address,
        "lat": lat,
        "lon": lon,
        "media_url": media_url,
        "keywords": " ".join(sorted(words)),
        "platforms": [platform],
        "escalation_level": 0,
        "returned_by": [],
        "city": city,
    }
    clock = clocks.enter_status(
        conn,
        ctx,
        case_id=None,
        status=Status.RECEIVED,
        at=reported,
        topic=topic,
        urgency=values["urgency"],
        city=city,
    )
    values.update({k: v for k, v in clock.items() if k != "_clock"})
    case_id = int(conn.execute(_INSERT_CASE, values).scalar_one())
    clocks.save_clock(conn, case_id, clock)
    actions.record_event(
        conn,
        case_id=case_id,
        action="open",
        from_status=None,
        to_status=Status.RECEIVED.value,
        at=now,
        actor="sistem",
        note=(  # the rule in words, not `default:jalan`
            f"dirutekan oleh aturan {rule_label(rule.name, _topic_names(conn))}"
            if rule
            else "tidak ada aturan rute yang cocok"
        ),
        data={"message_id": message_id, "route_rule": rule.name if rule else None},
    )
    case = row(CaseRow, {"id": case_id, **values})
    replies.answer_case(
        conn,
        ctx,
        case,
        ReplyEvent.RECEIVED,
        reason=f"case:{case_id}:open",
        message_ids=[message_id],
    )
    if rule and routing.auto_forward(conn, city) and _forwardable(conn, rule.assign_to):
        actions.apply(
            conn,
            ctx,
            case,
            Action.FORWARD,
            actor=SYSTEM,
            note=f"diteruskan otomatis oleh aturan {rule.name}",
            reply_to=[message_id],
        )
    return Placement(case_id, ticket, False)


def _forwardable(conn: sa.Connection, opd: str) -> bool:
    kinds = cached(
        conn, "opd_kinds", lambda: dict(conn.execute(sa.select(t.opds.c.code, t.opds.c.kind)).all())
    )
    return kinds.get(opd) in (OpdKind.OPD.value, OpdKind.WILAYAH.value)


# --- a citizen writing again ---------------------------------------------------------------------


def _author_statement(by_id: bool) -> Any:
    key = f"author:{by_id}"
    if key not in _STATEMENTS:
        m, c = t.messages.c, t.cases.c
        who = m.author_id if by_id else m.author
        _STATEMENTS[key] = (
            sa.select(c.id, c.ticket, c.status, c.topic, c.city)
            .select_from(t.messages.join(t.cases, t.cases.c.id == m.case_id))
            .where(
                m.platform == sa.bindparam("platform"),
                who == sa.bindparam("who"),
                c.status.in_(sorted({*OPEN_VALUES, Status.RESOLVED.value})),
                m.posted_at >= sa.bindparam("since"),
            )
            .order_by(m.posted_at.desc())
            .limit(20)
        )
    return _STATEMENTS[key]


def _author_cases(
    conn: sa.Connection, platform: str, author: str | None, author_id: str | None, since: datetime
) -> list[dict[str, Any]]:
    if not author and not author_id:
        return []
    params = {"platform": platform, "who": author_id or author, "since": since}
    rows = conn.execute(_author_statement(bool(author_id)), params).mappings()
    seen: dict[int, dict[str, Any]] = {}
    for r in rows:
        seen.setdefault(r["id"], dict(r))
    return list(seen.values())


_TICKET_ROW = sa.select(
    t.cases.c.id, t.cases.c.ticket, t.cases.c.status, t.cases.c.merged_into, t.cases.c.city
)


def _by_ticket(conn: sa.Connection, text: str) -> dict[str, Any] | None:
    """The case a ticket code in the text names, followed to the case it was merged into."""
    for code in mentioned_tickets(text):
        found = conn.execute(_TICKET_ROW.where(t.cases.c.ticket == code)).mappings().first()
        hops = 0
        while found is not None and found["merged_into"] and hops < 10:
            merged = _TICKET_ROW.where(t.cases.c.id == found["merged_into"])
            found = conn.execute(merged).mappings().first()
            hops += 1
        if found is not None:
            return dict(found)
    return None


def place_message(
    conn: sa.Connection,
    ctx: Context,
    *,
    message_id: int,
    platform: str,
    analysis: Analysis,
    reported_at: datetime | None = None,
    sample: bool = False,
    author: str | None = None,
    author_id: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
    city: str | None = None,
) -> Placement | None:
    """Where an analysed message belongs. In order: the answer to "sudah beres?" on the
    citizen's resolved case (yes closes, no reopens); a follow-up on the citizen's open case or
    on a ticket code the text names; a complaint (open_or_join); otherwise nowhere (None).
    Only the cases of the `city` of the account it reached (None: the first city) count."""

    now = ctx.now()
    reported = min(reported_at, now) if reported_at else now
    text = analysis.text
    answer = classify_answer(text)
    asks = is_follow_up(text)
    if not may_belong(analysis):
        return None  # nothing here can belong to a case: no query at all
    place_of = cities.city_of(conn, city)
    city = place_of.code if place_of is not None else ""
    policy = triage_policy(conn, city or None)
    names = [locks.author_name(platform, author, author_id) or ""]
    if analysis.is_complaint:  # may open or join a case by place: what open_or_join reads
        near = neighbours(conn, city or None).get(analysis.place.kelurahan or "", frozenset())
        report = _report(analysis, reported, lat, lon)
        names += placement_keys(report, near, policy.radius_m)
    locks.hold(conn, filter(None, names))
    mine = _author_cases(conn, platform, author, author_id, reported - policy.follow_up_window)
    mine = [c for c in mine if c["city"] == city]
    for case in mine:
        if case["status"] != Status.RESOLVED.value:
            continue
        if answer is Answer.UNKNOWN or not _after_resolution(conn, case["id"], reported):
            continue
        full = actions.load_case(conn, case["id"])
        _join(
            conn,
            ctx,
            case["id"],
            message_id=message_id,
            platform=platform,
            reported=reported,
            author=author,
            author_id=author_id,
            action="citizen_answer",
            note=f"jawaban warga atas pertanyaan 'sudah beres?': {answer.value}",
            data={},
        )
        actions.citizen_answer(
            conn,
            ctx,
            actions.load_case(conn, full["id"]),
            fixed=answer is Answer.YES,
            message_id=message_id,
            at=now,
        )
        return Placement(case["id"], case["ticket"], True, "answer")
    named = _by_ticket(conn, text)
    named = named if named is not None and named["city"] == city else None
    open_mine = [c for c in mine if c["status"] in OPEN_VALUES]
    target: dict[str, Any] | None = None
    if named is not None and named["status"] in OPEN_VALUES | {Status.RESOLVED.value}:
        target = named
    elif open_mine and (
        asks or (analysis.is_complaint and analysis.topic.label == open_mine[0]["topic"])
    ):
        target = open_mine[0]
    if target is not None:
        joined = _join(
            conn,
            ctx,
            target["id"],
            message_id=message_id,
            platform=platform,
            reported=reported,
            author=author,
            author_id=author_id,
            action="follow_up",
            note="pesan lanjutan warga",
            data={},
        )
        if asks:
            replies.answer_case(
                conn,
                ctx,
                joined,
                ReplyEvent.STATUS,
                reason=f"case:{joined['id']}:status",
                message_ids=[message_id],
            )
        return Placement(target["id"], target["ticket"], True, "follow_up")
    if not analysis.is_complaint:
        return None
    if (
        asks
        and analysis.place.source != "text"
        and (analysis.topic.confidence < ctx.settings.review_threshold)
    ):
        # "udah ditindak belum?" about a case we cannot find, naming no problem and no place:
        # not a new report; the message waits in the review queue for a human
        return None
    return open_or_join(
        conn,
        ctx,
        message_id=message_id,
        platform=platform,
        analysis=analysis,
        reported_at=reported_at,
        sample=sample,
        author=author,
        author_id=author_id,
        lat=lat,
        lon=lon,
        city=city,
    )


def _after_resolution(conn: sa.Connection, case_id: int, at: datetime) -> bool:
    started = conn.execute(
        sa.select(t.case_stages.c.started_at).where(
            t.case_stages.c.case_id == case_id,
            t.case_stages.c.stage == "confirm",
            t.case_stages.c.finished_at.is_(None),
        )
    ).scalar()
    return started is not None and at >= started
