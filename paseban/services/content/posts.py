"""Content posts: drafts, the quality check, the approval flow with its history, the calendar.

Every function takes `who` (a signed-in user, an API token, or the system) and enforces the
scope: an admin sees and edits only their own accounts' content. One transaction per action.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import httpx
import sqlalchemy as sa

from paseban.content import approvals as ap
from paseban.content.calendar import (
    DEFAULT_PILLARS,
    Day,
    Entry,
    Pillar,
    build_days,
    pillars_as_data,
    pillars_from_data,
)
from paseban.content.names import NameBook, city_names
from paseban.content.programs import Fact, Program
from paseban.content.quality import (
    CONTENT_TYPE_LABELS,
    PLATFORM_LIMITS,
    URL,
    ContentType,
    Draft,
    Report,
    check,
    link_problem,
)
from paseban.domain.accounts import OwnerKind, Role, Scope
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.services.reference import store as ref
from paseban.storage import tables as t

if TYPE_CHECKING:
    from paseban.context import Context

PILLARS_KEY = "content.pillars"
PUBLISHABLE = ("instagram", "facebook", "x", "tiktok", "youtube")  # platforms we post to


# --- who is acting -----------------------------------------------------------------------------


def person(ctx: Context, username: str) -> ap.Person:
    """A stored user as an actor (the CLI's --as)."""
    with ctx.engine.connect() as conn:
        row = conn.execute(
            sa.select(
                t.users.c.username, t.users.c.role, t.users.c.scope_code, t.users.c.active
            ).where(t.users.c.username == username.strip().lower())
        ).first()
    if row is None or not row.active:
        raise NotFound(f"pengguna {username!r} tidak ada atau tidak aktif")
    role = Role(row.role)
    if role is Role.OPD_OFFICER:
        scope = Scope(opd=row.scope_code)
    elif row.scope_code:
        scope = Scope(wilayah=row.scope_code)
    else:
        scope = Scope()
    return ap.Person(row.username, role, scope)


def require_diskominfo(who: ap.Who, what: str) -> None:
    if who.role is not Role.DISKOMINFO:
        raise Forbidden(f"hanya operator Diskominfo yang dapat {what}")


def account_ref(row: Mapping[str, Any]) -> ap.AccountRef:
    return ap.AccountRef(int(row["id"]), OwnerKind(row["owner_kind"]), str(row["owner_code"]))


def load_account(conn: sa.Connection, account_id: int) -> dict[str, Any]:
    row = (
        conn.execute(sa.select(t.accounts).where(t.accounts.c.id == account_id)).mappings().first()
    )
    if row is None:
        raise NotFound(f"akun {account_id} tidak ada")
    return dict(row)


def visible_accounts(conn: sa.Connection, who: ap.Who) -> list[dict[str, Any]]:
    """The active publishing accounts this person may see, city first, then by name."""
    rows = conn.execute(
        sa.select(t.accounts)
        .where(t.accounts.c.active.is_(True), t.accounts.c.platform.in_(PUBLISHABLE))
        .order_by(t.accounts.c.owner_kind, t.accounts.c.name, t.accounts.c.handle)
    ).mappings()
    order = {"city": 0, "kecamatan": 1, "kelurahan": 2, "opd": 3}
    out = [dict(r) for r in rows if ap.can_see(who, account_ref(dict(r)))]
    return sorted(out, key=lambda r: (order.get(r["owner_kind"], 9), r["name"], r["handle"]))


# --- programs as domain values, and the name book --------------------------------------------


def _facts(raw: Sequence[Mapping[str, Any]] | None) -> tuple[Fact, ...]:
    out: list[Fact] = []
    for item in raw or ():
        as_of = item.get("as_of")
        out.append(
            Fact(
                str(item.get("text", "")),
                str(item.get("source", "")),
                date.fromisoformat(as_of) if as_of else None,
            )
        )
    return tuple(out)


def program_from_row(row: Mapping[str, Any]) -> Program:
    return Program(
        code=row["code"],
        name=row["name"],
        owner_opd=row["owner_opd"],
        summary=row["summary"],
        key_messages=tuple(row["key_messages"] or ()),
        facts=_facts(row["facts"]),
        achievements=_facts(row["achievements"]),
        hashtags=tuple(row["hashtags"] or ()),
        official_names=tuple(row["official_names"] or ()),
        misspellings=tuple(row["misspellings"] or ()),
        active=bool(row["active"]),
        id=row["id"],
        is_sample=bool(row["is_sample"]),
    )


_books: dict[str, tuple[tuple[Any, ...], NameBook]] = {}
_books_lock = threading.Lock()


def name_book(ctx: Context, conn: sa.Connection) -> NameBook:
    """The city's official names; rebuilt only when the programs or the wilayah change."""
    stamp = tuple(
        conn.execute(
            sa.select(
                sa.func.count(t.programs.c.id),
                sa.func.max(t.programs.c.updated_at),
                sa.select(sa.func.count(t.wilayah.c.code)).scalar_subquery(),
            )
        ).one()
    )
    key = str(ctx.engine.url)
    with _books_lock:
        cached = _books.get(key)
        if cached and cached[0] == stamp:
            return cached[1]
    wilayah = [w for w in ref.wilayah_all(conn) if w.level >= 3]
    places = conn.execute(sa.select(t.landmarks.c.name)).scalars().all()
    programs = [
        (r.name, tuple(r.official_names or ()))
        for r in conn.execute(sa.select(t.programs.c.name, t.programs.c.official_names))
    ]
    book = city_names(
        city=str(ref.get_parameter(conn, "city_name", "") or ""),
        wilayah=[(w.name, w.aliases) for w in wilayah],
        places=places,
        programs=programs,
    )
    with _books_lock:
        _books[key] = (stamp, book)
    return book


# --- the quality check -------------------------------------------------------------------------


def live_link_status(
    urls: Sequence[str], *, transport: httpx.BaseTransport | None = None, timeout: float = 3.0
) -> dict[str, int | None]:
    """HEAD each well-formed link (GET when HEAD is refused); None when unreachable."""
    out: dict[str, int | None] = {}
    with httpx.Client(
        transport=transport,
        timeout=timeout,
        follow_redirects=True,
        headers={"User-Agent": "Paseban"},
    ) as client:
        for url in urls:
            if link_problem(url):
                continue
            target = url if url.lower().startswith(("http://", "https://")) else f"https://{url}"
            try:
                response = client.head(target)
                if response.status_code in (403, 405):
                    response = client.get(target)
                out[url] = response.status_code
            except httpx.HTTPError:
                out[url] = None
    return out


@dataclass(frozen=True)
class CheckInput:
    text: str
    platform: str = "instagram"
    content_type: str = "informasi"
    program_id: int | None = None
    campaign_id: int | None = None


def _content_type(raw: str) -> ContentType:
    try:
        return ContentType(raw)
    except ValueError:
        choices = ", ".join(c.value for c in ContentType)
        raise InvalidInput(f"jenis konten {raw!r} tidak dikenal (pilihan: {choices})") from None


def check_draft(
    ctx: Context,
    item: CheckInput,
    *,
    live: bool | None = None,
    transport: httpx.BaseTransport | None = None,
    conn: sa.Connection | None = None,
) -> Report:
    """Score a draft. The live link check runs when `live` (default: the setting) is on."""
    if item.platform not in PLATFORM_LIMITS:
        raise InvalidInput(f"platform {item.platform!r} tidak dipakai untuk unggahan")
    if len(item.text) > 70_000:
        raise InvalidInput("teks terlalu panjang untuk diperiksa (maks. 70.000 huruf)")
    kind = _content_type(item.content_type)
    with _maybe_connect(ctx, conn) as c:
        book = name_book(ctx, c)
        program = None
        if item.program_id is not None:
            row = c.execute(sa.select(t.programs).where(t.programs.c.id == item.program_id))
            found = row.mappings().first()
            if found is None:
                raise NotFound(f"program {item.program_id} tidak ada")
            program = program_from_row(dict(found))
        tags: tuple[str, ...] = ()
        if item.campaign_id is not None:
            kit_tags = c.execute(
                sa.select(t.campaigns.c.hashtags).where(t.campaigns.c.id == item.campaign_id)
            ).scalar()
            if kit_tags is None:
                raise NotFound(f"kampanye {item.campaign_id} tidak ada")
            tags = tuple(kit_tags)
    use_live = ctx.settings.content_link_check if live is None else live
    statuses = None
    if use_live:
        urls = [u.rstrip(".,;:!?)»”'\"") for u in URL.findall(item.text)]
        statuses = live_link_status(urls, transport=transport) if urls else None
    return check(Draft(item.text, item.platform, kind, program, tags), book, live_links=statuses)


class _maybe_connect:
    def __init__(self, ctx: Context, conn: sa.Connection | None) -> None:
        self.ctx, self.conn = ctx, conn
        self.own: sa.Connection | None = None

    def __enter__(self) -> sa.Connection:
        if self.conn is not None:
            return self.conn
        self.own = self.ctx.engine.connect()
        return self.own

    def __exit__(self, *exc: object) -> None:
        if self.own is not None:
            self.own.close()


# --- policies ----------------------------------------------------------------------------------


def policies(conn: sa.Connection) -> list[ap.Policy]:
    rows = conn.execute(sa.select(t.content_policies).order_by(t.content_policies.c.id)).mappings()
    return [
        ap.Policy(
            tuple(ap.Step(s) for s in r["steps"]),
            OwnerKind(r["owner_kind"]) if r["owner_kind"] else None,
            r["account_id"],
            r["content_type"],
            r["id"],
        )
        for r in rows
    ]


def set_policy(
    ctx: Context,
    who: ap.Who,
    *,
    steps: Sequence[str],
    owner_kind: str | None = None,
    account_id: int | None = None,
    content_type: str | None = None,
) -> int:
    """Add or replace the policy for (owner kind, account, content type)."""
    require_diskominfo(who, "mengubah aturan persetujuan")
    try:
        parsed = ap.parse_steps(steps)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    kind = None
    if owner_kind:
        try:
            kind = OwnerKind(owner_kind)
        except ValueError:
            raise InvalidInput(f"jenis pemilik {owner_kind!r} tidak dikenal") from None
    if content_type:
        _content_type(content_type)
    if kind is None and account_id is None:
        raise InvalidInput("pilih jenis pemilik akun atau satu akun")
    with ctx.engine.begin() as conn:
        if account_id is not None:
            load_account(conn, account_id)
        match = (
            (t.content_policies.c.owner_kind == kind.value)
            if kind
            else t.content_policies.c.owner_kind.is_(None),
            (t.content_policies.c.account_id == account_id)
            if account_id is not None
            else t.content_policies.c.account_id.is_(None),
            (t.content_policies.c.content_type == content_type)
            if content_type
            else t.content_policies.c.content_type.is_(None),
        )
        values = {
            "steps": [s.value for s in parsed],
            "updated_at": ctx.now(),
            "updated_by": who.name,
        }
        existing = conn.execute(sa.select(t.content_policies.c.id).where(*match)).scalar()
        if existing:
            conn.execute(
                sa.update(t.content_policies)
                .where(t.content_policies.c.id == existing)
                .values(**values)
            )
            return int(existing)
        return int(
            conn.execute(
                sa.insert(t.content_policies)
                .values(
                    owner_kind=kind.value if kind else None,
                    account_id=account_id,
                    content_type=content_type or None,
                    **values,
                )
                .returning(t.content_policies.c.id)
            ).scalar_one()
        )


# --- posts -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PostInput:
    account_id: int
    body: str
    content_type: str = "informasi"
    title: str = ""
    program_id: int | None = None
    campaign_id: int | None = None
    pillar: str | None = None
    planned_on: date | None = None
    scheduled_at: datetime | None = None
    source_message_id: int | None = None


def _validate_post(conn: sa.Connection, item: PostInput, *, now: datetime) -> None:
    if not item.body.strip():
        raise InvalidInput("isi konten kosong")
    if len(item.title) > 200:
        raise InvalidInput("judul paling panjang 200 huruf")
    if item.scheduled_at is not None:
        if item.scheduled_at.tzinfo is None:
            raise InvalidInput("waktu terbit harus menyertakan zona waktu")
        if item.scheduled_at <= now:
            raise InvalidInput("waktu terbit harus di masa depan")
    if (
        item.program_id is not None
        and not conn.execute(
            sa.select(t.programs.c.id).where(t.programs.c.id == item.program_id)
        ).first()
    ):
        raise InvalidInput(f"program {item.program_id} tidak ada")
    if (
        item.campaign_id is not None
        and not conn.execute(
            sa.select(t.campaigns.c.id).where(t.campaigns.c.id == item.campaign_id)
        ).first()
    ):
        raise InvalidInput(f"kampanye {item.campaign_id} tidak ada")
    if (
        item.source_message_id is not None
        and not conn.execute(
            sa.select(t.messages.c.id).where(t.messages.c.id == item.source_message_id)
        ).first()
    ):
        raise InvalidInput(f"pesan {item.source_message_id} tidak ada")
    if item.pillar:
        codes = {p.code for p in pillars(conn)}
        if item.pillar not in codes:
            raise InvalidInput(
                f"pilar {item.pillar!r} tidak dikenal (pilihan: {', '.join(sorted(codes))})"
            )


def _event(
    conn: sa.Connection,
    post_id: int,
    action: ap.Action,
    *,
    before: str | None,
    after: str,
    at: datetime,
    actor: str,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    conn.execute(
        sa.insert(t.content_events).values(
            post_id=post_id,
            action=action.value,
            from_status=before,
            to_status=after,
            at=at,
            actor=actor,
            note=note,
            data=data,
        )
    )


def _quality_values(
    ctx: Context, conn: sa.Connection, item: PostInput, platform: str
) -> dict[str, Any]:
    report = check_draft(
        ctx,
        CheckInput(item.body, platform, item.content_type, item.program_id, item.campaign_id),
        live=False,
        conn=conn,
    )
    return {"quality_score": report.score, "quality": report.as_dict()}


def create_post(ctx: Context, who: ap.Who, item: PostInput, *, sample: bool = False) -> int:
    _content_type(item.content_type)
    now = ctx.now()
    with ctx.engine.begin() as conn:
        account = load_account(conn, item.account_id)
        if not ap.can_author(who, account_ref(account)):
            raise Forbidden("Anda hanya dapat menulis konten untuk akun Anda sendiri")
        if account["platform"] not in PUBLISHABLE:
            raise InvalidInput(f"akun {account['platform']} tidak dipakai untuk unggahan")
        _validate_post(conn, item, now=now)
        post_id = int(
            conn.execute(
                sa.insert(t.content_posts)
                .values(
                    account_id=item.account_id,
                    content_type=item.content_type,
                    title=item.title.strip(),
                    body=item.body,
                    pillar=item.pillar or None,
                    program_id=item.program_id,
                    campaign_id=item.campaign_id,
                    source_message_id=item.source_message_id,
                    status=ap.PostStatus.DRAFT.value,
                    planned_on=item.planned_on,
                    scheduled_at=item.scheduled_at,
                    created_by=who.name,
                    created_at=now,
                    updated_at=now,
                    version=1,
                    is_sample=sample,
                    **_quality_values(ctx, conn, item, account["platform"]),
                )
                .returning(t.content_posts.c.id)
            ).scalar_one()
        )
        _event(conn, post_id, ap.Action.CREATE, before=None, after="draft", at=now, actor=who.name)
    return post_id


def _load_post(conn: sa.Connection, post_id: int) -> dict[str, Any]:
    row = (
        conn.execute(sa.select(t.content_posts).where(t.content_posts.c.id == post_id))
        .mappings()
        .first()
    )
    if row is None:
        raise NotFound(f"konten {post_id} tidak ada")
    return dict(row)


def _state(post: Mapping[str, Any], account: Mapping[str, Any]) -> ap.PostState:
    return ap.PostState(
        ap.PostStatus(post["status"]),
        account_ref(account),
        post["content_type"],
        post["created_by"],
        post["scheduled_at"],
    )


def update_post(
    ctx: Context, who: ap.Who, post_id: int, item: PostInput, *, version: int | None = None
) -> dict[str, Any]:
    """Change a draft's text and plan. Approved or scheduled posts go back for approval."""
    _content_type(item.content_type)
    now = ctx.now()
    with ctx.engine.begin() as conn:
        post = _load_post(conn, post_id)
        if version is not None and version != post["version"]:
            raise Conflict("konten ini sudah diubah orang lain; muat ulang halaman")
        account = load_account(conn, post["account_id"])
        if item.account_id != post["account_id"]:
            raise InvalidInput("akun konten tidak dapat dipindah; buat konsep baru")
        state = _state(post, account)
        policy = ap.policy_for(state.account, item.content_type, policies(conn))
        outcome = _decide(state, ap.Action.EDIT, who, policy, now=now)
        _validate_post(conn, item, now=now)
        values = {
            "content_type": item.content_type,
            "title": item.title.strip(),
            "body": item.body,
            "pillar": item.pillar or None,
            "program_id": item.program_id,
            "campaign_id": item.campaign_id,
            "planned_on": item.planned_on,
            "scheduled_at": item.scheduled_at,
            "status": outcome.status.value,
            "updated_at": now,
            "version": post["version"] + 1,
            **_quality_values(ctx, conn, item, account["platform"]),
        }
        conn.execute(
            sa.update(t.content_posts).where(t.content_posts.c.id == post_id).values(**values)
        )
        changed = [
            k for k in ("body", "title", "scheduled_at", "content_type") if post[k] != values[k]
        ]
        _event(
            conn,
            post_id,
            ap.Action.EDIT,
            before=post["status"],
            after=outcome.status.value,
            at=now,
            actor=who.name,
            note=outcome.note,
            data={"changed": changed, "quality_score": values["quality_score"]},
        )
    return get_post(ctx, who, post_id)


def _decide(
    state: ap.PostState,
    action: ap.Action,
    who: ap.Who,
    policy: ap.Policy,
    *,
    now: datetime,
    has_blockers: bool = False,
    note: str = "",
) -> ap.Outcome:
    try:
        return ap.decide(state, action, who, policy, now=now, has_blockers=has_blockers, note=note)
    except ap.NotAllowed as exc:
        if not ap.can_see(who, state.account):
            raise Forbidden("Anda tidak berwenang atas akun ini") from None
        raise Conflict(str(exc)) from None


def act(
    ctx: Context,
    who: ap.Who,
    post_id: int,
    action: str,
    *,
    note: str = "",
    scheduled_at: datetime | None = None,
    external_id: str | None = None,
    permalink: str | None = None,
) -> dict[str, Any]:
    """Submit, approve, return, schedule, unschedule, mark published, cancel, or comment."""
    try:
        wanted = ap.Action(action)
    except ValueError:
        raise InvalidInput(f"tindakan {action!r} tidak dikenal") from None
    if wanted in (ap.Action.CREATE, ap.Action.EDIT, ap.Action.QUEUE, ap.Action.FAIL):
        raise InvalidInput(f"tindakan {action!r} tidak dapat diminta langsung")
    if len(note) > 2000:
        raise InvalidInput("catatan paling panjang 2000 huruf")
    if permalink and not permalink.startswith("https://"):
        raise InvalidInput("tautan unggahan harus diawali https://")
    now = ctx.now()
    with ctx.engine.begin() as conn:
        post = _load_post(conn, post_id)
        account = load_account(conn, post["account_id"])
        if wanted is ap.Action.SCHEDULE:
            if scheduled_at is None or scheduled_at.tzinfo is None:
                raise InvalidInput("isi waktu terbit (dengan zona waktu)")
            post["scheduled_at"] = scheduled_at
        state = _state(post, account)
        policy = ap.policy_for(state.account, post["content_type"], policies(conn))
        blockers = bool((post["quality"] or {}).get("blockers"))
        outcome = _decide(state, wanted, who, policy, now=now, has_blockers=blockers, note=note)
        values: dict[str, Any] = {"status": outcome.status.value, "updated_at": now}
        if wanted is ap.Action.SCHEDULE:
            values["scheduled_at"] = scheduled_at
        if wanted is ap.Action.PUBLISHED:
            values.update(
                published_at=now,
                external_id=(external_id or None),
                permalink=(permalink or None),
            )
        if wanted is not ap.Action.COMMENT:
            values["version"] = post["version"] + 1
            conn.execute(
                sa.update(t.content_posts)
                .where(
                    t.content_posts.c.id == post_id,
                    t.content_posts.c.version == post["version"],
                )
                .values(**values)
            )
        _event(
            conn,
            post_id,
            wanted,
            before=post["status"],
            after=outcome.status.value,
            at=now,
            actor=who.name,
            note=note or outcome.note,
            data={"scheduled_at": scheduled_at.isoformat()} if scheduled_at else None,
        )
    return get_post(ctx, who, post_id)


def get_post(ctx: Context, who: ap.Who, post_id: int) -> dict[str, Any]:
    with ctx.engine.connect() as conn:
        post = _load_post(conn, post_id)
        account = load_account(conn, post["account_id"])
        ref_ = account_ref(account)
        if not ap.can_see(who, ref_):
            raise Forbidden("Anda tidak berwenang atas akun ini")
        events = [
            dict(r)
            for r in conn.execute(
                sa.select(t.content_events)
                .where(t.content_events.c.post_id == post_id)
                .order_by(t.content_events.c.id)
            ).mappings()
        ]
        policy = ap.policy_for(ref_, post["content_type"], policies(conn))
        program = campaign = None
        if post["program_id"]:
            program = (
                conn.execute(
                    sa.select(t.programs.c.id, t.programs.c.code, t.programs.c.name).where(
                        t.programs.c.id == post["program_id"]
                    )
                )
                .mappings()
                .first()
            )
        if post["campaign_id"]:
            campaign = (
                conn.execute(
                    sa.select(t.campaigns.c.id, t.campaigns.c.code, t.campaigns.c.title).where(
                        t.campaigns.c.id == post["campaign_id"]
                    )
                )
                .mappings()
                .first()
            )
    status = ap.PostStatus(post["status"])
    state = _state(post, account)
    step = ap.current_step(state)
    return {
        **post,
        "status_label": ap.STATUS_LABELS[status],
        "content_type_label": CONTENT_TYPE_LABELS.get(ContentType(post["content_type"]), ""),
        "account": account,
        "policy": policy.label,
        "events": events,
        "program": dict(program) if program else None,
        "campaign": dict(campaign) if campaign else None,
        "can_edit": status in ap.EDITABLE | ap.RE_APPROVE and ap.can_author(who, ref_),
        "can_review": step is not None and ap.can_review(who, ref_, step),
    }


def list_posts(
    ctx: Context,
    who: ap.Who,
    *,
    status: str | None = None,
    account_id: int | None = None,
    campaign_id: int | None = None,
    waiting_for_me: bool = False,
    limit: int = 100,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """Posts on the accounts this person may see, newest first. `waiting_for_me`: the reviews
    this person can act on now."""
    with ctx.engine.connect() as conn:
        accounts = {a["id"]: a for a in visible_accounts(conn, who)}
        query = sa.select(t.content_posts).where(t.content_posts.c.account_id.in_(list(accounts)))
        if status:
            try:
                ap.PostStatus(status)
            except ValueError:
                raise InvalidInput(f"status {status!r} tidak dikenal") from None
            query = query.where(t.content_posts.c.status == status)
        if account_id is not None:
            query = query.where(t.content_posts.c.account_id == account_id)
        if campaign_id is not None:
            query = query.where(t.content_posts.c.campaign_id == campaign_id)
        if waiting_for_me:
            query = query.where(t.content_posts.c.status.in_([s.value for s in ap.IN_REVIEW]))
        rows = [
            dict(r)
            for r in conn.execute(
                query.order_by(t.content_posts.c.updated_at.desc(), t.content_posts.c.id.desc())
            ).mappings()
        ]
    if waiting_for_me:
        rows = [
            r
            for r in rows
            if ap.can_review(
                who,
                account_ref(accounts[r["account_id"]]),
                ap.current_step(_state(r, accounts[r["account_id"]])),  # type: ignore[arg-type]
            )
            and r["created_by"] != who.name
        ]
    total = len(rows)
    page = rows[offset : offset + limit]
    for r in page:
        r["account"] = accounts[r["account_id"]]
        r["status_label"] = ap.STATUS_LABELS[ap.PostStatus(r["status"])]
    return page, total


# --- pillars and the calendar ------------------------------------------------------------------


def pillars(conn: sa.Connection) -> tuple[Pillar, ...]:
    stored = ref.get_parameter(conn, PILLARS_KEY)
    if not stored:
        return DEFAULT_PILLARS
    return pillars_from_data(stored)


def set_pillars(ctx: Context, who: ap.Who, rows: Sequence[Mapping[str, Any]]) -> tuple[Pillar, ...]:
    require_diskominfo(who, "mengubah pilar konten")
    try:
        parsed = pillars_from_data(rows)
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    with ctx.engine.begin() as conn:
        ref.set_parameter(conn, PILLARS_KEY, pillars_as_data(parsed), at=ctx.now(), actor=who.name)
    return parsed


def calendar(
    ctx: Context,
    who: ap.Who,
    *,
    start: date,
    days: int = 7,
    account_id: int | None = None,
) -> tuple[list[Day], dict[int, dict[str, Any]]]:
    """The calendar for one account, or every account this person may see (the city view)."""
    if not 1 <= days <= 42:
        raise InvalidInput("rentang kalender 1 sampai 42 hari")
    tz = ctx.tz
    begin = datetime(start.year, start.month, start.day, tzinfo=tz)
    end = begin + timedelta(days=days)
    with ctx.engine.connect() as conn:
        accounts = {a["id"]: a for a in visible_accounts(conn, who)}
        if account_id is not None:
            if account_id not in accounts:
                raise Forbidden("Anda tidak berwenang atas akun ini")
            wanted = [account_id]
        else:
            wanted = list(accounts)
        when = sa.func.coalesce(t.content_posts.c.published_at, t.content_posts.c.scheduled_at)
        c = t.content_posts.c
        rows = conn.execute(
            sa.select(
                c.id,
                c.account_id,
                c.title,
                c.body,
                c.status,
                c.pillar,
                c.published_at,
                c.scheduled_at,
                c.planned_on,
            ).where(
                c.account_id.in_(wanted),
                c.status != ap.PostStatus.CANCELLED.value,
                sa.or_(
                    sa.and_(when >= begin, when < end),
                    sa.and_(
                        c.published_at.is_(None),
                        c.scheduled_at.is_(None),
                        c.planned_on >= start,
                        c.planned_on < start + timedelta(days=days),
                    ),
                ),
            )
        ).all()
        day_pillars = pillars(conn)
    entries = []
    for r in rows:
        at = r.published_at or r.scheduled_at
        if at is None and r.planned_on is not None:
            at = datetime(r.planned_on.year, r.planned_on.month, r.planned_on.day, 12, tzinfo=tz)
        title = r.title or " ".join(r.body.split())[:60]
        entries.append(Entry(r.id, r.account_id, title, r.status, at, r.pillar))
    return build_days(start, days, entries, day_pillars, tz), accounts
