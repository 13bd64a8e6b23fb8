"""Background work for content, as a built-in plugin: publish scheduled posts through the outbox,
follow them until they are live, flag quiet accounts, remind campaign targets.

Publishing: at the scheduled time a post becomes one `kind='post'` row in `outbox` with the
dedupe key `content:<post id>:<version>`; the connectors' sender delivers it with retries. The
same post version can never be queued twice (the key is unique, and the status change is
conditional on the version), so nothing is posted twice. When the outbox row is `sent`, the post
is marked published with the platform's post id and permalink, which link it to its metrics.
A post with pictures or video goes through the same row: the outbox asks
`publishing_media.outbox_media` for its files and publishes them step by step.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.content import approvals as ap
from paseban.errors import InvalidInput
from paseban.hookspecs import hookimpl
from paseban.jobs import JobSpec
from paseban.services.content import programs
from paseban.services.content.access import account_ref, require_diskominfo
from paseban.services.reference import store as ref
from paseban.storage import rows as typed
from paseban.storage import tables as t
from paseban.storage.rows.content import QuietAlertRow

if TYPE_CHECKING:
    from paseban.context import Context

log = logging.getLogger("paseban.content")

QUIET_POST_KEY = "content.quiet_days_post"
QUIET_ANSWER_KEY = "content.quiet_days_answer"
DEFAULT_QUIET_POST_DAYS = 7
DEFAULT_QUIET_ANSWER_DAYS = 3  # SP4N-LAPOR: first response within 3 days
NEEDS_ANSWER = ("aduan", "pertanyaan")
QUIET_KINDS = {"no_post": "Tidak mengunggah", "no_answer": "Tidak menjawab warga"}


def dedupe_key(post_id: int, version: int) -> str:
    return f"content:{post_id}:{version}"


def publish_due(ctx: Context) -> dict[str, int]:
    """Queue every scheduled post whose time has come, then follow queued posts to the end."""
    now = ctx.now()
    counts = {"queued": 0, "published": 0, "failed": 0}
    with ctx.engine.connect() as conn:
        due = (
            conn.execute(
                sa.select(t.content_posts.c.id)
                .where(
                    t.content_posts.c.status == ap.PostStatus.SCHEDULED.value,
                    t.content_posts.c.scheduled_at <= now,
                )
                .order_by(t.content_posts.c.scheduled_at)
            )
            .scalars()
            .all()
        )
    for post_id in due:
        if _queue(ctx, post_id, now):
            counts["queued"] += 1
    published, failed = _follow(ctx, now)
    counts["published"], counts["failed"] = published, failed
    return counts


class _Lost(Exception):
    """Another worker queued the post first; roll back."""


def _queue(ctx: Context, post_id: int, now: datetime) -> bool:
    try:
        return _queue_once(ctx, post_id, now)
    except _Lost:
        return False


def _queue_once(ctx: Context, post_id: int, now: datetime) -> bool:
    with ctx.engine.begin() as conn:
        row = (
            conn.execute(
                sa.select(t.content_posts, t.accounts.c.platform)
                .join(t.accounts, t.accounts.c.id == t.content_posts.c.account_id)
                .where(t.content_posts.c.id == post_id)
            )
            .mappings()
            .first()
        )
        if row is None or row["status"] != ap.PostStatus.SCHEDULED.value:
            return False
        key = dedupe_key(post_id, row["version"])
        outbox_id = conn.execute(
            sa.select(t.outbox.c.id).where(t.outbox.c.dedupe_key == key)
        ).scalar()
        if outbox_id is None:
            outbox_id = conn.execute(
                sa.insert(t.outbox)
                .values(
                    platform=row["platform"],
                    account_id=row["account_id"],
                    in_reply_to_message_id=None,
                    kind="post",
                    text=row["body"],
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    dedupe_key=key,
                    created_at=now,
                )
                .returning(t.outbox.c.id)
            ).scalar_one()
        changed = conn.execute(
            sa.update(t.content_posts)
            .where(
                t.content_posts.c.id == post_id,
                t.content_posts.c.version == row["version"],
                t.content_posts.c.status == ap.PostStatus.SCHEDULED.value,
            )
            .values(
                status=ap.PostStatus.PUBLISHING.value,
                outbox_id=outbox_id,
                updated_at=now,
                version=row["version"] + 1,
            )
        ).rowcount
        if not changed:  # someone else got here first: leave their work alone
            raise _Lost
        conn.execute(
            sa.insert(t.content_events).values(
                post_id=post_id,
                action=ap.Action.QUEUE.value,
                from_status=ap.PostStatus.SCHEDULED.value,
                to_status=ap.PostStatus.PUBLISHING.value,
                at=now,
                actor=ap.SYSTEM.name,
                note="",
                data={"outbox_id": outbox_id, "dedupe_key": key},
            )
        )
    return True


def _follow(ctx: Context, now: datetime) -> tuple[int, int]:
    published = failed = 0
    with ctx.engine.begin() as conn:
        rows = conn.execute(
            sa.select(
                t.content_posts.c.id,
                t.content_posts.c.version,
                t.outbox.c.status,
                t.outbox.c.sent_at,
                t.outbox.c.external_id,
                t.outbox.c.permalink,
                t.outbox.c.progress,
                t.outbox.c.last_error,
            )
            .join(t.outbox, t.outbox.c.id == t.content_posts.c.outbox_id)
            .where(
                t.content_posts.c.status == ap.PostStatus.PUBLISHING.value,
                t.outbox.c.status.in_(("sent", "failed", "cancelled")),
            )
        ).all()
        for r in rows:
            ok = r.status == "sent"
            # a draft left in the creator's inbox is not public: it waits for the admin there
            inbox = ok and bool((r.progress or {}).get("in_inbox"))
            action, status = (
                (ap.Action.FAIL, ap.PostStatus.FAILED)
                if not ok
                else (ap.Action.TO_INBOX, ap.PostStatus.IN_INBOX)
                if inbox
                else (ap.Action.PUBLISHED, ap.PostStatus.PUBLISHED)
            )
            values: dict[str, Any] = {
                "status": status.value,
                "updated_at": now,
                "version": r.version + 1,
            }
            note = str((r.progress or {}).get("note") or "")
            if ok and not inbox:
                values.update(
                    published_at=r.sent_at or now, external_id=r.external_id, permalink=r.permalink
                )
            conn.execute(
                sa.update(t.content_posts).where(t.content_posts.c.id == r.id).values(**values)
            )
            conn.execute(
                sa.insert(t.content_events).values(
                    post_id=r.id,
                    action=action.value,
                    from_status=ap.PostStatus.PUBLISHING.value,
                    to_status=status.value,
                    at=now,
                    actor=ap.SYSTEM.name,
                    note=note if ok else (r.last_error or "pengiriman dibatalkan")[:500],
                    data={"external_id": r.external_id, "permalink": r.permalink} if ok else None,
                )
            )
            published += ok  # the inbox draft counts as delivered: the outbox is done with it
            failed += not ok
    return published, failed


# --- quiet accounts ------------------------------------------------------------------------------


def quiet_days(conn: sa.Connection) -> tuple[int, int]:
    post = int(ref.get_parameter(conn, QUIET_POST_KEY, DEFAULT_QUIET_POST_DAYS))
    answer = int(ref.get_parameter(conn, QUIET_ANSWER_KEY, DEFAULT_QUIET_ANSWER_DAYS))
    return post, answer


def set_quiet_days(ctx: Context, who: ap.Who, *, post: int, answer: int) -> None:
    require_diskominfo(who, "mengubah batas akun sepi")
    if not (1 <= post <= 90 and 1 <= answer <= 90):
        raise InvalidInput("batas hari harus 1 sampai 90")
    with ctx.engine.begin() as conn:
        ref.set_parameter(conn, QUIET_POST_KEY, post, at=ctx.now(), actor=who.name)
        ref.set_parameter(conn, QUIET_ANSWER_KEY, answer, at=ctx.now(), actor=who.name)


def _kecamatan_of(account: Any) -> str | None:
    if account.owner_kind == "kelurahan":
        return str(account.owner_code).rsplit(".", 1)[0]
    if account.owner_kind == "kecamatan":
        return str(account.owner_code)
    return None


def flag_quiet_accounts(ctx: Context) -> dict[str, int]:
    """Flag accounts that have not posted, or not answered a citizen, for N days (parameters in
    the database); resolve flags once the account is active again. Each quiet spell is flagged
    once."""
    now = ctx.now()
    counts = {"flagged": 0, "resolved": 0}
    with ctx.engine.begin() as conn:
        post_days, answer_days = quiet_days(conn)
        accounts = conn.execute(
            sa.select(t.accounts).where(
                t.accounts.c.active.is_(True),
                t.accounts.c.platform.in_(ctx.connectors.publishable_platforms()),
            )
        ).all()
        last_post = dict(
            conn.execute(
                sa.select(t.content_posts.c.account_id, sa.func.max(t.content_posts.c.published_at))
                .where(t.content_posts.c.published_at.is_not(None))
                .group_by(t.content_posts.c.account_id)
            ).all()
        )
        # a draft sent to the creator's inbox (TikTok) is not public: it does not count
        in_inbox = sa.select(t.content_posts.c.outbox_id).where(
            t.content_posts.c.status == ap.PostStatus.IN_INBOX.value,
            t.content_posts.c.outbox_id.is_not(None),
        )
        sent_posts = dict(
            conn.execute(
                sa.select(t.outbox.c.account_id, sa.func.max(t.outbox.c.sent_at))
                .where(
                    t.outbox.c.kind == "post",
                    t.outbox.c.sent_at.is_not(None),
                    t.outbox.c.id.not_in(in_inbox),
                )
                .group_by(t.outbox.c.account_id)
            ).all()
        )
        last_answer = dict(
            conn.execute(
                sa.select(t.outbox.c.account_id, sa.func.max(t.outbox.c.sent_at))
                .where(t.outbox.c.kind == "reply", t.outbox.c.sent_at.is_not(None))
                .group_by(t.outbox.c.account_id)
            ).all()
        )
        open_alerts = {
            (r.account_id, r.kind): r
            for r in conn.execute(
                sa.select(t.quiet_alerts).where(t.quiet_alerts.c.resolved_at.is_(None))
            )
        }
        for account in accounts:
            posted = max(
                (d for d in (last_post.get(account.id), sent_posts.get(account.id)) if d),
                default=None,
            )
            since_post = posted or account.created_at
            answered = last_answer.get(account.id)
            waiting = conn.execute(
                sa.select(sa.func.min(t.messages.c.received_at)).where(
                    t.messages.c.account_id == account.id,
                    t.messages.c.intent.in_(NEEDS_ANSWER),
                    t.messages.c.received_at > (answered or datetime(1970, 1, 1, tzinfo=UTC)),
                )
            ).scalar()
            checks = (
                ("no_post", since_post, post_days, now - since_post >= timedelta(days=post_days)),
                (
                    "no_answer",
                    waiting,
                    answer_days,
                    waiting is not None and now - waiting >= timedelta(days=answer_days),
                ),
            )
            for kind, since, days, quiet in checks:
                current = open_alerts.get((account.id, kind))
                if current is not None and (not quiet or since != current.since):
                    conn.execute(
                        sa.update(t.quiet_alerts)
                        .where(t.quiet_alerts.c.id == current.id)
                        .values(resolved_at=now)
                    )
                    counts["resolved"] += 1
                    current = None
                if quiet and current is None and since is not None:
                    key = f"{account.id}:{kind}:{since.astimezone(UTC):%Y%m%d%H%M%S}"
                    if conn.execute(
                        sa.select(t.quiet_alerts.c.id).where(t.quiet_alerts.c.dedupe_key == key)
                    ).first():
                        continue
                    conn.execute(
                        sa.insert(t.quiet_alerts).values(
                            account_id=account.id,
                            kind=kind,
                            since=since,
                            days=days,
                            kecamatan=_kecamatan_of(account),
                            flagged_at=now,
                            dedupe_key=key,
                        )
                    )
                    counts["flagged"] += 1
    return counts


def quiet_alerts(
    ctx: Context, who: ap.Who, *, include_resolved: bool = False
) -> list[QuietAlertRow]:
    """Open flags this person should see: Diskominfo all, a kecamatan its own, an admin theirs."""

    now = ctx.now()
    with ctx.engine.connect() as conn:
        query = (
            sa.select(
                t.quiet_alerts,
                t.accounts.c.handle,
                t.accounts.c.name,
                t.accounts.c.platform,
                t.accounts.c.owner_kind,
                t.accounts.c.owner_code,
                t.accounts.c.id.label("acc"),
                t.accounts.c.city.label("account_city"),
            )
            .join(t.accounts, t.accounts.c.id == t.quiet_alerts.c.account_id)
            .order_by(t.quiet_alerts.c.since)
        )
        if not include_resolved:
            query = query.where(t.quiet_alerts.c.resolved_at.is_(None))
        rows = conn.execute(query).mappings().all()
    out: list[QuietAlertRow] = []
    for r in rows:
        account = account_ref(
            {
                "id": r["acc"],
                "owner_kind": r["owner_kind"],
                "owner_code": r["owner_code"],
                "city": r["account_city"],
            }
        )
        if not ap.can_see(who, account):
            continue
        out.append(
            typed.row(
                QuietAlertRow,
                {**r, "kind_label": QUIET_KINDS[r["kind"]], "quiet_days": (now - r["since"]).days},
            )
        )
    return out


# --- the plugin ----------------------------------------------------------------------------------


def remind_campaigns(ctx: Context) -> dict[str, int]:
    sent = 0
    for campaign_id, accounts in programs.due_reminders(ctx):
        ctx.pm.hook.campaign_reminder(ctx=ctx, campaign_id=campaign_id, account_ids=accounts)
        sent += len(accounts)
    return {"reminded": sent}


@hookimpl
def register_jobs() -> list[JobSpec]:
    return [
        JobSpec(
            "publish_due_posts",
            publish_due,
            every=timedelta(minutes=1),
            description="Kirim unggahan terjadwal ke antrean terbit dan pantau hasilnya",
        ),
        JobSpec(
            "flag_quiet_accounts",
            flag_quiet_accounts,
            every=timedelta(hours=1),
            description="Tandai akun yang lama tidak mengunggah atau tidak menjawab warga",
        ),
        JobSpec(
            "remind_campaigns",
            remind_campaigns,
            every=timedelta(hours=6),
            description="Ingatkan akun yang belum mengunggah kampanye yang sedang berjalan",
        ),
    ]
