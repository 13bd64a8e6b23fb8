"""Sample cases for the measurement sample (data contoh): each with its lifecycle events and SLA
stages, as the real desk would have written them, relative to the clock's now."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.workdays import WorkCalendar
from paseban.measurement.queries import case_stages
from paseban.storage import tables as t

if TYPE_CHECKING:
    pass


def _add_working_days(hours: WorkCalendar, at: datetime, days: int) -> datetime:
    local = at.astimezone(hours.tz)
    while days > 0:
        local += timedelta(days=1)
        if hours.is_working_day(local.date()):
            days -= 1
    return local


def sample_cases(
    conn: sa.Connection,
    rng: random.Random,
    messages: list[dict[str, Any]],
    ids: dict[str, int],
    topic_opd: dict[str, str],
    opd_d: dict[str, float],
    users: dict[str, str],
    hours: WorkCalendar,
    now: datetime,
    tz: Any,
) -> dict[str, int]:
    complaints = sorted(
        (m for m in messages if m["intent"] == "aduan"), key=lambda m: m["posted_at"]
    )
    open_by_key: dict[tuple[str, str], tuple[int, datetime]] = {}
    cases: list[dict[str, Any]] = []
    links: dict[int, int] = {}
    for m in complaints:
        key = (m["topic"], m["kelurahan"])
        joined = open_by_key.get(key)
        if joined and m["posted_at"] - joined[1] < timedelta(days=7) and rng.random() < 0.6:
            cases[joined[0]]["report_count"] += 1
            links[ids[m["external_id"]]] = joined[0]
            continue
        index = len(cases)
        local = m["posted_at"].astimezone(tz)
        cases.append(
            {
                "ticket": f"BGR-{local:%y%m}-C{index + 1:05d}",
                "status": "received",
                "topic": m["topic"],
                "urgency": m["urgency"],
                "kelurahan": m["kelurahan"],
                "kecamatan": m["kecamatan"],
                "opd": topic_opd.get(m["topic"]),
                "route_rule": "contoh",
                "title": m["masked_text"][:140],
                "report_count": 1,
                "opened_at": m["posted_at"],
                "updated_at": m["posted_at"],
                "version": 1,
                "is_sample": True,
            }
        )
        open_by_key[key] = (index, m["posted_at"])
        links[ids[m["external_id"]]] = index
    conn.execute(sa.insert(t.cases), cases)
    case_ids = dict(
        conn.execute(
            sa.select(t.cases.c.ticket, t.cases.c.id).where(t.cases.c.is_sample.is_(True))
        ).all()
    )
    events: list[dict[str, Any]] = []
    stages: list[dict[str, Any]] = []
    for c in cases:
        cid = case_ids[c["ticket"]]
        d = opd_d.get(c["opd"] or "", 0.5)
        officer = users.get(c["opd"] or "", "sistem")
        at = c["opened_at"]
        status = "received"
        events.append(_event(cid, "open", None, "received", at, "sistem"))

        def step(action: str, to: str, delay: timedelta, actor: str, cid: int = cid) -> bool:
            nonlocal at, status
            if at + delay > now:
                return False
            at = at + delay
            events.append(_event(cid, action, status, to, at, actor))
            status = to
            return True

        verify_due = _add_working_days(hours, c["opened_at"], 3)
        ok = step("verify", "verified", timedelta(hours=rng.uniform(0.5, 30)), "operator") and step(
            "forward", "forwarded", timedelta(minutes=rng.uniform(5, 600)), "operator"
        )
        stages.append(_stage(cid, "verify", c["opened_at"], verify_due, at if ok else None))
        if not ok:
            c["status"] = status
            continue
        follow_start = at
        slow = rng.random() > 0.45 + 0.5 * d
        days = rng.uniform(5, 14) if slow else rng.uniform(0.3, 4.5)
        follow_due = _add_working_days(hours, follow_start, 5)
        done = step("start", "in_progress", timedelta(hours=rng.uniform(1, 30)), officer) and step(
            "resolve", "resolved", timedelta(days=days), officer
        )
        stages.append(_stage(cid, "follow_up", follow_start, follow_due, at if done else None))
        if done:
            confirm_start = at
            due = _add_working_days(hours, confirm_start, 10)  # the citizen's 10 days
            roll = rng.random()
            if roll < 0.08:
                step("reopen", "in_progress", timedelta(days=rng.uniform(0.5, 3)), "warga")
                stages.append(_stage(cid, "confirm", confirm_start, due, at))
                step("resolve", "resolved", timedelta(days=rng.uniform(1, 4)), officer)
            elif roll < 0.5:
                step("close", "closed", timedelta(days=rng.uniform(0.2, 4)), "warga")
                ended = at if status == "closed" else None
                stages.append(_stage(cid, "confirm", confirm_start, due, ended))
            else:
                closed = (
                    step("close", "closed", due - at + timedelta(minutes=1), "sistem")
                    if due < now
                    else False
                )
                stages.append(_stage(cid, "confirm", confirm_start, due, at if closed else None))
        c["status"] = status
        c["updated_at"] = at
    conn.execute(
        sa.update(t.cases)
        .where(t.cases.c.id == sa.bindparam("cid"))
        .values(status=sa.bindparam("st"), updated_at=sa.bindparam("up")),
        [{"cid": case_ids[c["ticket"]], "st": c["status"], "up": c["updated_at"]} for c in cases],
    )
    conn.execute(sa.insert(t.case_events), events)
    conn.execute(sa.insert(case_stages), stages)
    conn.execute(
        sa.update(t.messages)
        .where(t.messages.c.id == sa.bindparam("mid"))
        .values(case_id=sa.bindparam("cid")),
        [{"mid": mid, "cid": case_ids[cases[i]["ticket"]]} for mid, i in links.items()],
    )
    return {"cases": len(cases), "case_events": len(events), "stages": len(stages)}


def _event(
    cid: int, action: str, src: str | None, to: str, at: datetime, actor: str
) -> dict[str, Any]:
    return {
        "case_id": cid,
        "action": action,
        "from_status": src,
        "to_status": to,
        "at": at,
        "actor": actor,
        "note": "[contoh]",
        "data": None,
    }


def _stage(
    cid: int, stage: str, started: datetime, due: datetime, finished: datetime | None
) -> dict[str, Any]:
    return {
        "case_id": cid,
        "stage": stage,
        "started_at": started,
        "due_at": due,
        "escalate_at": due + timedelta(days=1),
        "sweep_at": None if finished else due,
        "escalation_level": 0,
        "finished_at": finished,
        "breached": None if finished is None else finished > due,
        "policy": {"contoh": True},
    }
