"""Rows for measurement tests, written straight into the tables (the analysis and the case
lifecycle are tested elsewhere)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from paseban.context import Context
from paseban.storage import tables as t

_ids = itertools.count(1)
outbox = t.metadata.tables["outbox"]
case_stages = t.metadata.tables["case_stages"]


def account(
    conn: sa.Connection,
    handle: str,
    owner_kind: str,
    owner_code: str,
    *,
    at: datetime,
    platform: str = "instagram",
) -> int:
    return int(
        conn.execute(
            sa.insert(t.accounts)
            .values(
                platform=platform,
                handle=handle,
                platform_account_id=f"p-{handle}",
                owner_kind=owner_kind,
                owner_code=owner_code,
                name=handle,
                active=True,
                is_sample=False,
                created_at=at,
            )
            .returning(t.accounts.c.id)
        ).scalar_one()
    )


def message(
    conn: sa.Connection,
    account_id: int,
    posted_at: datetime,
    intent: str,
    *,
    topic: str | None = None,
    kelurahan: str | None = None,
    kecamatan: str | None = None,
    text: str = "jalan rusak",
) -> int:
    n = next(_ids)
    return int(
        conn.execute(
            sa.insert(t.messages)
            .values(
                platform="instagram",
                external_id=f"x{n}",
                account_id=account_id,
                kind="comment",
                author=f"warga{n}",
                text=text,
                masked_text=text,
                posted_at=posted_at,
                received_at=posted_at,
                analyzed_at=posted_at,
                intent=intent,
                topic=topic,
                kelurahan=kelurahan,
                kecamatan=kecamatan,
                needs_review=False,
                is_sample=False,
            )
            .returning(t.messages.c.id)
        ).scalar_one()
    )


def reply(
    conn: sa.Connection, message_id: int, account_id: int, sent_at: datetime, status: str = "sent"
) -> None:
    conn.execute(
        sa.insert(outbox).values(
            platform="instagram",
            account_id=account_id,
            in_reply_to_message_id=message_id,
            kind="reply",
            text="Terima kasih, kami teruskan.",
            status=status,
            attempts=1,
            dedupe_key=f"r{next(_ids)}",
            created_at=sent_at,
            sent_at=sent_at if status == "sent" else None,
        )
    )


def case(
    conn: sa.Connection,
    *,
    opened_at: datetime,
    kelurahan: str | None,
    kecamatan: str | None,
    opd: str | None,
    topic: str = "jalan",
    status: str = "received",
    reports: int = 1,
) -> int:
    n = next(_ids)
    return int(
        conn.execute(
            sa.insert(t.cases)
            .values(
                ticket=f"BGR-T-{n:05d}",
                status=status,
                topic=topic,
                urgency="normal",
                kelurahan=kelurahan,
                kecamatan=kecamatan,
                opd=opd,
                title="jalan rusak",
                report_count=reports,
                opened_at=opened_at,
                updated_at=opened_at,
                version=1,
                is_sample=False,
            )
            .returning(t.cases.c.id)
        ).scalar_one()
    )


def stage(
    conn: sa.Connection,
    case_id: int,
    name: str,
    started: datetime,
    due: datetime,
    finished: datetime | None,
) -> None:
    conn.execute(
        sa.insert(case_stages).values(
            case_id=case_id,
            stage=name,
            started_at=started,
            due_at=due,
            escalate_at=due + timedelta(days=1),
            escalation_level=0,
            finished_at=finished,
            breached=None if finished is None else finished > due,
            policy={},
        )
    )


def event(
    conn: sa.Connection, case_id: int, action: str, at: datetime, actor: str = "petugas"
) -> None:
    conn.execute(
        sa.insert(t.case_events).values(
            case_id=case_id,
            action=action,
            from_status=None,
            to_status="x",
            at=at,
            actor=actor,
            note="",
        )
    )


def post(conn: sa.Connection, account_id: int, posted_at: datetime, tz: Any, **counts: Any) -> None:
    conn.execute(
        sa.insert(t.post_metrics).values(
            account_id=account_id,
            external_id=f"post{next(_ids)}",
            posted_at=posted_at,
            posted_on=posted_at.astimezone(tz).date(),
            likes=counts.get("likes", 0),
            comments=counts.get("comments", 0),
            shares=counts.get("shares", 0),
            saves=counts.get("saves", 0),
            reach=counts.get("reach"),
            views=counts.get("views"),
            program=counts.get("program"),
            campaign=counts.get("campaign"),
            measured_on=posted_at.astimezone(tz).date(),
            source="api",
            is_sample=False,
        )
    )


def snapshot(conn: sa.Connection, account_id: int, day: date, followers: int, at: datetime) -> None:
    conn.execute(
        sa.insert(t.account_snapshots).values(
            account_id=account_id, day=day, followers=followers, source="api", recorded_at=at
        )
    )


def user(ctx: Context, username: str, role: str, scope: str | None, full_name: str = "") -> None:
    with ctx.engine.begin() as conn:
        conn.execute(
            sa.insert(t.users).values(
                username=username,
                full_name=full_name or username,
                role=role,
                scope_code=scope,
                active=True,
                is_sample=False,
                created_at=ctx.now(),
            )
        )
