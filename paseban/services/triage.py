"""Triage: where a citizen's analysed message belongs. One case per problem (join the open case
about the same problem in the same place, or open a routed, clocked case), a follow-up joins the
citizen's own case, and the answer to "sudah beres?" closes or reopens it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.cases import OPEN, SYSTEM, Action, Status, ticket_code
from paseban.domain.replies import Answer, ReplyEvent, classify_answer
from paseban.domain.triage import (
    Candidate,
    Report,
    TriagePolicy,
    find_duplicate,
    is_follow_up,
    keywords,
    mentioned_tickets,
    neighbours_by_distance,
)
from paseban.domain.wilayah import OpdKind
from paseban.nlp.pipeline import Analysis
from paseban.routing.rules import route
from paseban.services import reference as ref
from paseban.services import routing
from paseban.services.txcache import cached
from paseban.storage import tables as t
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

JOIN_WINDOW = timedelta(days=7)  # default of the `triage` parameter's window_days
TITLE_CHARS = 140
NEIGHBOUR_KM = 1.5  # kelurahan whose centres are this close are neighbours
OPEN_VALUES = frozenset(s.value for s in OPEN)


def next_ticket(conn: sa.Connection, prefix: str, at_local: datetime) -> str:
    """A ticket code never handed out before: the counter only goes up, in the same transaction
    as the case it names."""
    period = f"{prefix}-{at_local:%y%m}"
    stmt = (
        insert(conn, t.ticket_counters)
        .values(period=period, last=1)
        .on_conflict_do_update(
            index_elements=["period"], set_={"last": t.ticket_counters.c.last + 1}
        )
        .returning(t.ticket_counters.c.last)
    )
    seq = int(conn.execute(stmt).scalar_one())
    return ticket_code(prefix, at_local, seq)


def routing_facts(analysis: Analysis, platform: str) -> dict[str, Any]:
    return {
        "intent": analysis.intent.label,
        "topic": analysis.topic.label,
        "urgency": analysis.urgency.label,
        "kelurahan": analysis.place.kelurahan,
        "kecamatan": analysis.place.kecamatan,
        "street": analysis.place.street,
        "landmark": analysis.place.landmark,
        "text": f" {analysis.normalized} ",
        "platform": platform,
    }


@dataclass(frozen=True)
class Placement:
    case_id: int
    ticket: str
    joined: bool
    kind: str = "report"  # report, follow_up, answer


# --- triage policy, read once per transaction --------------------------------------------------


def triage_policy(conn: sa.Connection) -> TriagePolicy:
    def load() -> TriagePolicy:
        value = ref.get_parameter(conn, "triage", {}) or {}
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

    return cached(conn, "triage_policy", load)


def neighbours(conn: sa.Connection) -> dict[str, frozenset[str]]:
    def load() -> dict[str, frozenset[str]]:
        rows = conn.execute(
            sa.select(t.wilayah.c.code, t.wilayah.c.lat, t.wilayah.c.lon).where(
                t.wilayah.c.level == 4, t.wilayah.c.lat.is_not(None), t.wilayah.c.lon.is_not(None)
            )
        ).all()
        km = float(ref.get_parameter(conn, "triage.neighbour_km", NEIGHBOUR_KM))
        return neighbours_by_distance({r.code: (r.lat, r.lon) for r in rows}, km)

    return cached(conn, "neighbours", load)


# --- one case per problem ----------------------------------------------------------------------


def _candidates(
    conn: sa.Connection, report: Report, near: frozenset[str], window: timedelta, radius_m: float
) -> list[Candidate]:
    c = t.cases.c
    places = []
    if report.kelurahan:
        places.append(c.kelurahan.in_(sorted({report.kelurahan, *near})))
    elif report.kecamatan:
        places.append(sa.and_(c.kelurahan.is_(None), c.kecamatan == report.kecamatan))
    if report.lat is not None and report.lon is not None:
        dlat = radius_m / 111_000 * 1.5
        places.append(
            sa.and_(
                c.lat.between(report.lat - dlat, report.lat + dlat),
                c.lon.between(report.lon - dlat, report.lon + dlat),
            )
        )
    if not places:
        return []
    rows = conn.execute(
        sa.select(
            c.id,
            c.topic,
            c.kelurahan,
            c.kecamatan,
            c.keywords,
            c.last_report_at,
            c.opened_at,
            c.street,
            c.landmark,
            c.lat,
            c.lon,
        )
        .where(
            c.status.in_(OPEN_VALUES),
            c.topic == report.topic,
            sa.func.coalesce(c.last_report_at, c.opened_at) >= report.at - window,
            sa.or_(*places),
        )
        .order_by(c.id.desc())
        .limit(50)
    ).all()
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


def _is_reporter(
    conn: sa.Connection, case_id: int, platform: str, author: str | None, author_id: str | None
) -> bool:
    if not author and not author_id:
        return False
    m = t.messages.c
    who = m.author_id == author_id if author_id else m.author == author
    found = conn.execute(
        sa.select(m.id).where(m.case_id == case_id, m.platform == platform, who).limit(1)
    ).first()
    return found is not None


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
) -> dict[str, Any]:
    """A citizen's message joins a case: counted once per citizen, platforms and the last
    report time kept current. No version bump: joining never conflicts with staff actions."""
    from paseban.services.actions import record_event

    case = dict(conn.execute(sa.select(t.cases).where(t.cases.c.id == case_id)).mappings().one())
    case_count_before = int(case["report_count"] or 0)
    new_reporter = not _is_reporter(conn, case_id, platform, author, author_id)
    platforms = sorted({*(case["platforms"] or []), platform})
    last = max(case["last_report_at"] or case["opened_at"], reported)
    values: dict[str, Any] = {"updated_at": ctx.now(), "last_report_at": last}
    if platforms != case["platforms"]:
        values["platforms"] = platforms
    if new_reporter:
        values["report_count"] = t.cases.c.report_count + 1
    conn.execute(sa.update(t.cases).where(t.cases.c.id == case_id).values(**values))
    record_event(
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
    case.update(values)
    if new_reporter:
        case["report_count"] = case_count_before + 1
    return case


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
) -> Placement:
    """Join the open case about the same problem in the same place (domain.triage), or open a
    new one: routed by the rules, on the verification clock, answered with its ticket code, and
    forwarded at once when the `routing.auto_forward` parameter is on.
    A new case opens at the time the citizen reported (never in the future)."""
    from paseban.services import actions, replies, sla

    now = ctx.now()
    reported = min(reported_at, now) if reported_at else now
    place = analysis.place
    topic = analysis.topic.label or "lainnya"
    words = keywords(analysis.normalized)
    report = Report(
        topic,
        place.kelurahan,
        place.kecamatan,
        words,
        reported,
        place.street,
        place.landmark,
        lat,
        lon,
    )
    policy = triage_policy(conn)
    near = neighbours(conn).get(place.kelurahan or "", frozenset())
    candidates = _candidates(conn, report, near, policy.window, policy.radius_m)
    match = find_duplicate(report, candidates, neighbours=neighbours(conn), policy=policy)
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
    rule = route(routing_facts(analysis, platform), routing.active_rules(conn))
    prefix = ref.get_parameter(conn, "ticket_prefix", "PSB")
    ticket = next_ticket(conn, prefix, reported.astimezone(ctx.tz))
    title = " ".join(analysis.masked.split())[:TITLE_CHARS]
    values = {
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
    }
    case_id = int(
        conn.execute(sa.insert(t.cases).values(**values).returning(t.cases.c.id)).scalar_one()
    )
    actions.record_event(
        conn,
        case_id=case_id,
        action="open",
        from_status=None,
        to_status=Status.RECEIVED.value,
        at=now,
        actor="sistem",
        note=f"dirutekan oleh aturan {rule.name}" if rule else "tidak ada aturan rute yang cocok",
        data={"message_id": message_id, "route_rule": rule.name if rule else None},
    )
    clock = sla.enter_status(
        conn,
        ctx,
        case_id=case_id,
        status=Status.RECEIVED,
        at=reported,
        topic=topic,
        urgency=values["urgency"],
    )
    if clock:
        conn.execute(sa.update(t.cases).where(t.cases.c.id == case_id).values(**clock))
    case = {"id": case_id, **values, **clock}
    replies.answer_case(
        conn,
        ctx,
        case,
        ReplyEvent.RECEIVED,
        reason=f"case:{case_id}:open",
        message_ids=[message_id],
    )
    if rule and routing.auto_forward(conn) and _forwardable(conn, rule.assign_to):
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


def _author_cases(
    conn: sa.Connection, platform: str, author: str | None, author_id: str | None, since: datetime
) -> list[dict[str, Any]]:
    if not author and not author_id:
        return []
    m, c = t.messages.c, t.cases.c
    who = m.author_id == author_id if author_id else m.author == author
    rows = conn.execute(
        sa.select(c.id, c.ticket, c.status, c.topic)
        .select_from(t.messages.join(t.cases, t.cases.c.id == m.case_id))
        .where(
            m.platform == platform,
            who,
            c.status.in_([*OPEN_VALUES, Status.RESOLVED.value]),
            m.posted_at >= since,
        )
        .order_by(m.posted_at.desc())
        .limit(20)
    ).mappings()
    seen: dict[int, dict[str, Any]] = {}
    for r in rows:
        seen.setdefault(r["id"], dict(r))
    return list(seen.values())


def _by_ticket(conn: sa.Connection, text: str) -> dict[str, Any] | None:
    for code in mentioned_tickets(text):
        row = (
            conn.execute(
                sa.select(
                    t.cases.c.id, t.cases.c.ticket, t.cases.c.status, t.cases.c.merged_into
                ).where(t.cases.c.ticket == code)
            )
            .mappings()
            .first()
        )
        hops = 0
        while row is not None and row["merged_into"] and hops < 10:
            row = (
                conn.execute(
                    sa.select(
                        t.cases.c.id, t.cases.c.ticket, t.cases.c.status, t.cases.c.merged_into
                    ).where(t.cases.c.id == row["merged_into"])
                )
                .mappings()
                .first()
            )
            hops += 1
        if row is not None:
            return dict(row)
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
) -> Placement | None:
    """Where an analysed message belongs. In order: the answer to "sudah beres?" on the
    citizen's resolved case (yes closes, no reopens); a follow-up on the citizen's open case or
    on a ticket code the text names; a complaint (open_or_join); otherwise nowhere (None)."""
    from paseban.services import actions, replies

    now = ctx.now()
    reported = min(reported_at, now) if reported_at else now
    policy = triage_policy(conn)
    text = analysis.text
    mine = _author_cases(conn, platform, author, author_id, reported - policy.follow_up_window)
    for case in mine:
        if case["status"] != Status.RESOLVED.value:
            continue
        answer = classify_answer(text)
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
    open_mine = [c for c in mine if c["status"] in OPEN_VALUES]
    target: dict[str, Any] | None = None
    if named is not None and named["status"] in OPEN_VALUES | {Status.RESOLVED.value}:
        target = named
    elif open_mine and (
        is_follow_up(text)
        or (analysis.is_complaint and analysis.topic.label == open_mine[0]["topic"])
    ):
        target = open_mine[0]
    if target is not None:
        case = _join(
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
        if is_follow_up(text):
            replies.answer_case(
                conn,
                ctx,
                case,
                ReplyEvent.STATUS,
                reason=f"case:{case['id']}:status",
                message_ids=[message_id],
            )
        return Placement(target["id"], target["ticket"], True, "follow_up")
    if not analysis.is_complaint:
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
