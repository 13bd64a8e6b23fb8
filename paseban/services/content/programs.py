"""Priority programs and campaign kits: store, list, push to accounts, track who posted."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict
from datetime import date
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.content import approvals as ap
from paseban.content.campaigns import (
    PARTICIPATION_LABELS,
    AccountParticipation,
    CampaignKit,
    CampaignPost,
    adapt,
    participation,
    summary,
    validate_kit,
)
from paseban.content.programs import Fact, Program, normalize_hashtag, validate_program
from paseban.domain.accounts import OPERATORS, Role
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.progress import Progress, counted, quiet
from paseban.services.content import access, checking, kits
from paseban.services.content import posts as content
from paseban.storage import tables as t
from paseban.storage.lookup import exists
from paseban.storage.rows import row
from paseban.storage.rows.content import (
    CampaignAccountRow,
    CampaignDetailRow,
    CampaignListRow,
    CampaignRow,
    ProgramListRow,
    ProgramRow,
)
from paseban.storage.rows.people import AccountRow

if TYPE_CHECKING:
    from paseban.context import Context


def _fact_data(facts: Sequence[Fact]) -> list[dict[str, Any]]:
    return [
        {"text": f.text, "source": f.source, "as_of": f.as_of.isoformat() if f.as_of else None}
        for f in facts
    ]


def _may_edit_program(who: ap.Who, owner_opd: str) -> bool:
    if who.role in OPERATORS:
        return True
    return who.role is Role.OPD_OFFICER and who.scope.opd == owner_opd


def save_program(
    ctx: Context, who: ap.Who, program: Program, *, sample: bool = False, new: bool = False
) -> int:
    """Add or update a program, keyed by its code. Diskominfo edits its city's; an OPD officer
    the programs of their own OPD. A programme is of its owner OPD's city, which must be the
    person's. `new`: only add (a code already used is a `Conflict`, nothing overwritten)."""
    with ctx.engine.begin() as conn:
        return _store_program(conn, who, program, at=ctx.now(), sample=sample, new=new)


def save_programs(
    ctx: Context,
    who: ap.Who,
    programs: Sequence[Program],
    *,
    source: str = "",
    sample: bool = False,
    progress: Progress = quiet,
) -> int:
    """Add or update several programs in one transaction: all of them or none (issue 16); the
    error names the program's place in the list."""
    with ctx.engine.begin() as conn:
        for i, program in enumerate(counted(progress, "menyimpan program", programs), start=1):
            try:
                _store_program(conn, who, program, at=ctx.now(), sample=sample)
            except InvalidInput as exc:
                raise InvalidInput(f"{source} program ke-{i}: {exc}") from None
    return len(programs)


def _store_program(
    conn: sa.Connection, who: ap.Who, program: Program, *, at: Any, sample: bool, new: bool = False
) -> int:
    program = Program(
        **{
            **{k: getattr(program, k) for k in program.__dataclass_fields__},
            "hashtags": tuple(normalize_hashtag(h) for h in program.hashtags if h.strip()),
            "key_messages": tuple(m.strip() for m in program.key_messages if m.strip()),
            "official_names": tuple(n.strip() for n in program.official_names if n.strip()),
        }
    )
    if not _may_edit_program(who, program.owner_opd):
        raise Forbidden("hanya Diskominfo atau OPD pemilik yang dapat mengubah program")
    opds = dict(
        conn.execute(
            sa.select(t.opds.c.code, t.opds.c.city).where(access.of_city(t.opds.c.city, who))
        ).all()
    )
    problems = validate_program(program, opd_codes=set(opds))
    if problems:
        raise InvalidInput("; ".join(problems))
    city = opds[program.owner_opd]
    values = {
        "name": program.name.strip(),
        "owner_opd": program.owner_opd,
        "summary": program.summary.strip(),
        "key_messages": list(program.key_messages),
        "facts": _fact_data(program.facts),
        "achievements": _fact_data(program.achievements),
        "hashtags": list(program.hashtags),
        "official_names": list(program.official_names),
        "misspellings": list(program.misspellings),
        "active": program.active,
        "updated_at": at,
        "updated_by": who.name,
    }
    existing = conn.execute(
        sa.select(
            t.programs.c.id, t.programs.c.owner_opd, t.programs.c.city, t.programs.c.name
        ).where(t.programs.c.code == program.code)
    ).first()
    if existing:
        if not who.scope.covers_city(existing.city):  # codes are unique in the deployment
            raise InvalidInput(f"kode program {program.code!r} sudah dipakai kota/kabupaten lain")
        if new:
            raise Conflict(f"kode program {program.code!r} sudah dipakai program {existing.name!r}")
        if existing.city != city:
            raise InvalidInput("OPD pemilik program harus dari kota/kabupaten program itu")
        if not _may_edit_program(who, existing.owner_opd):
            raise Forbidden("program ini milik OPD lain")
        conn.execute(sa.update(t.programs).where(t.programs.c.id == existing.id).values(**values))
        return int(existing.id)
    return int(
        conn.execute(
            sa.insert(t.programs)
            .values(code=program.code, city=city, is_sample=sample, **values)
            .returning(t.programs.c.id)
        ).scalar_one()
    )


def list_programs(ctx: Context, who: ap.Who, *, active_only: bool = False) -> list[ProgramListRow]:
    """The programmes of the person's city (the province role: every city, or the chosen)."""
    with ctx.engine.connect() as conn:
        query = (
            sa.select(t.programs, t.opds.c.name.label("opd_name"))
            .join(t.opds, t.opds.c.code == t.programs.c.owner_opd)
            .where(access.of_city(t.programs.c.city, who))
        )
        if active_only:
            query = query.where(t.programs.c.active.is_(True))
        rows = list(conn.execute(query.order_by(t.programs.c.name)).mappings())
        counts: dict[int, int] = dict(
            conn.execute(
                sa.select(t.content_posts.c.program_id, sa.func.count())
                .where(t.content_posts.c.status == ap.PostStatus.PUBLISHED.value)
                .group_by(t.content_posts.c.program_id)
            ).all()
        )
    return [row(ProgramListRow, {**r, "published_posts": counts.get(r["id"], 0)}) for r in rows]


def get_program(ctx: Context, who: ap.Who, ref: str | int) -> ProgramRow:
    """One programme by id or code; another city's is not found."""
    with ctx.engine.connect() as conn:
        where = (
            t.programs.c.id == int(ref)
            if isinstance(ref, int) or str(ref).isdigit()
            else t.programs.c.code == ref
        )
        found = (
            conn.execute(
                sa.select(t.programs, t.opds.c.name.label("opd_name"))
                .join(t.opds, t.opds.c.code == t.programs.c.owner_opd)
                .where(where, access.of_city(t.programs.c.city, who))
            )
            .mappings()
            .first()
        )
    if found is None:
        raise NotFound(f"program {ref!r} tidak ada")
    return row(ProgramRow, found)


# --- campaigns ---------------------------------------------------------------------------------


def kit_from_row(row: Any) -> CampaignKit:
    return CampaignKit(
        code=row["code"],
        title=row["title"],
        message=row["message"],
        starts_on=row["starts_on"],
        ends_on=row["ends_on"],
        facts=checking._facts(row["facts"]),
        media_links=tuple(row["media_links"] or ()),
        hashtags=tuple(row["hashtags"] or ()),
        program_id=row["program_id"],
        all_accounts=bool(row["all_accounts"]),
        id=row["id"],
        is_sample=bool(row["is_sample"]),
    )


def create_campaign(
    ctx: Context,
    who: ap.Who,
    kit: CampaignKit,
    *,
    account_ids: Sequence[int] | None = None,
    sample: bool = False,
) -> int:
    """Diskominfo pushes a kit to every publishing account of its city (account_ids None) or to
    some of them. The campaign is of the operator's city; for the province role of its
    programme's, else of the accounts' (one city), else of the first city."""
    access.require_diskominfo(who, "membuat kampanye")
    kit = CampaignKit(
        **{
            **asdict(kit),
            "facts": kit.facts,
            "hashtags": tuple(normalize_hashtag(h) for h in kit.hashtags if h.strip()),
            "media_links": tuple(m.strip() for m in kit.media_links if m.strip()),
        }
    )
    problems = validate_kit(kit)
    if problems:
        raise InvalidInput("; ".join(problems))
    with ctx.engine.begin() as conn:
        if conn.execute(sa.select(t.campaigns.c.id).where(t.campaigns.c.code == kit.code)).first():
            raise InvalidInput(f"kode kampanye {kit.code!r} sudah dipakai")
        visible = access.visible_accounts(ctx, conn, who)
        city = access.writing_city(conn, who, _implied_city(conn, who, kit, visible, account_ids))
        if kit.program_id is not None and not exists(
            conn, t.programs.c.id, kit.program_id, t.programs.c.city == city
        ):
            raise InvalidInput(f"program {kit.program_id} tidak ada di kota/kabupaten kampanye")
        publishing = {a["id"] for a in visible if a["city"] == city}
        if account_ids is None:
            targets = sorted(publishing)
        else:
            unknown = sorted(set(account_ids) - publishing)
            if unknown:
                raise InvalidInput(f"akun tidak dikenal atau bukan akun unggahan: {unknown}")
            targets = sorted(set(account_ids))
        if not targets:
            raise InvalidInput("kampanye membutuhkan sedikitnya satu akun sasaran")
        campaign_id = int(
            conn.execute(
                sa.insert(t.campaigns)
                .values(
                    code=kit.code,
                    city=city,
                    title=kit.title.strip(),
                    program_id=kit.program_id,
                    message=kit.message.strip(),
                    facts=_fact_data(kit.facts),
                    media_links=list(kit.media_links),
                    hashtags=list(kit.hashtags),
                    starts_on=kit.starts_on,
                    ends_on=kit.ends_on,
                    all_accounts=account_ids is None,
                    is_sample=sample,
                    created_at=ctx.now(),
                    created_by=who.name,
                )
                .returning(t.campaigns.c.id)
            ).scalar_one()
        )
        conn.execute(
            sa.insert(t.campaign_targets),
            [{"campaign_id": campaign_id, "account_id": a, "reminders": 0} for a in targets],
        )
    return campaign_id


def _implied_city(
    conn: sa.Connection,
    who: ap.Who,
    kit: CampaignKit,
    visible: Sequence[AccountRow],
    account_ids: Sequence[int] | None,
) -> str | None:
    """The city a province operator's campaign is of, when it chose none: its programme's, or
    that of the accounts it names when they are of one city."""
    if who.scope.city is not None:
        return who.scope.city
    if kit.program_id is not None:
        found = conn.execute(
            sa.select(t.programs.c.city).where(t.programs.c.id == kit.program_id)
        ).scalar()
        return str(found) if found else None
    chosen = set(account_ids or ())
    named = {a["city"] for a in visible if a["id"] in chosen}
    return named.pop() if len(named) == 1 else None


def _campaign(conn: sa.Connection, who: ap.Who, ref: str | int) -> CampaignRow:
    """One campaign by id or code; another city's is not found."""
    where = (
        t.campaigns.c.id == int(ref)
        if isinstance(ref, int) or str(ref).isdigit()
        else t.campaigns.c.code == ref
    )
    found = (
        conn.execute(sa.select(t.campaigns).where(where, access.of_city(t.campaigns.c.city, who)))
        .mappings()
        .first()
    )
    if found is None:
        raise NotFound(f"kampanye {ref!r} tidak ada")
    return row(CampaignRow, found)


def get_campaign(ctx: Context, who: ap.Who, ref: str | int) -> CampaignRow:
    """One campaign of the person's city by id or code (another city's is not found)."""
    with ctx.engine.connect() as conn:
        return _campaign(conn, who, ref)


def list_campaigns(ctx: Context, who: ap.Who) -> list[CampaignListRow]:
    """Campaigns of the person's city that target at least one account this person sees,
    with progress."""
    today = ctx.now().astimezone(ctx.tz).date()
    with ctx.engine.connect() as conn:
        mine = {a["id"] for a in access.visible_accounts(ctx, conn, who)}
        found = [
            row(CampaignRow, r)
            for r in conn.execute(
                sa.select(t.campaigns)
                .where(access.of_city(t.campaigns.c.city, who))
                .order_by(t.campaigns.c.starts_on.desc(), t.campaigns.c.id)
            ).mappings()
        ]
        out: list[CampaignListRow] = []
        for campaign in found:
            tracked = _participation(conn, campaign, mine, today=today, now=ctx.now())
            if not tracked:
                continue
            running = campaign["starts_on"] <= today <= campaign["ends_on"]
            out.append(CampaignListRow(**campaign, summary=summary(tracked), running=running))
    return out


def _participation(
    conn: sa.Connection,
    row: Mapping[str, Any],
    visible: set[int],
    *,
    today: date,
    now: Any,
) -> list[AccountParticipation]:
    targets = conn.execute(
        sa.select(t.campaign_targets.c.account_id, t.campaign_targets.c.reminded_at).where(
            t.campaign_targets.c.campaign_id == row["id"]
        )
    ).all()
    reminded = {r.account_id: r.reminded_at for r in targets if r.account_id in visible}
    posts = [
        CampaignPost(r.account_id, r.status, r.published_at, r.metrics or {})
        for r in conn.execute(
            sa.select(
                t.content_posts.c.account_id,
                t.content_posts.c.status,
                t.content_posts.c.published_at,
                t.content_posts.c.metrics,
            ).where(t.content_posts.c.campaign_id == row["id"])
        )
    ]
    return participation(
        kit_from_row(row), sorted(reminded), posts, today=today, reminded=reminded, now=now
    )


def campaign_detail(ctx: Context, who: ap.Who, ref: str | int) -> CampaignDetailRow:
    today = ctx.now().astimezone(ctx.tz).date()
    with ctx.engine.connect() as conn:
        campaign = _campaign(conn, who, ref)
        accounts = {a["id"]: a for a in access.visible_accounts(ctx, conn, who)}
        tracked = _participation(conn, campaign, set(accounts), today=today, now=ctx.now())
        if not tracked and who.role not in OPERATORS:
            raise Forbidden("kampanye ini tidak menyasar akun Anda")
        program = None
        if campaign["program_id"]:
            program = get_program(ctx, who, campaign["program_id"])
        assets = kits.assets(conn, campaign["id"])
        captions = kits.captions(conn, campaign["id"])
        went_out = kits.published_assets(conn, campaign["id"])
    return CampaignDetailRow(
        **campaign,
        assets=assets,
        captions=captions,
        program=program,
        running=campaign["starts_on"] <= today <= campaign["ends_on"],
        summary=summary(tracked),
        accounts=[
            CampaignAccountRow(
                account=accounts[p.account_id],
                state=p.state.value,
                state_label=PARTICIPATION_LABELS[p.state],
                published_at=p.published_at,
                engagements=p.engagements,
                reach=p.reach,
                reminder_due=p.reminder_due,
                assets_published=went_out.get(p.account_id, []),
            )
            for p in tracked
        ],
    )


def adapt_for_account(ctx: Context, who: ap.Who, ref: str | int, account_id: int) -> int:
    """Start this account's version of the kit: a draft with the message, a local line, the
    facts and hashtags that fit the platform."""
    with ctx.engine.connect() as conn:
        row = _campaign(conn, who, ref)
        account = access.load_account(conn, account_id)
        caption, media = kits.draft_start(conn, row["id"], account["platform"])
        targeted = conn.execute(
            sa.select(t.campaign_targets.c.account_id).where(
                t.campaign_targets.c.campaign_id == row["id"],
                t.campaign_targets.c.account_id == account_id,
            )
        ).first()
        wilayah = ""
        if account["owner_kind"] in ("kelurahan", "kecamatan"):
            wilayah = (
                conn.execute(
                    sa.select(t.wilayah.c.name).where(t.wilayah.c.code == account["owner_code"])
                ).scalar()
                or ""
            )
    if not targeted:
        raise InvalidInput("akun ini bukan sasaran kampanye tersebut")
    kit = kit_from_row(row)
    text = caption or adapt(
        kit,
        account_name=account["name"],
        wilayah_name=wilayah,
        limits=ctx.connectors.writing_limits(account["platform"]),
    )
    return content.create_post(
        ctx,
        who,
        content.PostInput(
            account_id=account_id,
            body=text,
            content_type="kampanye",
            title=kit.title,
            program_id=kit.program_id,
            campaign_id=row["id"],
            media=media,
        ),
    )


def due_reminders(ctx: Context) -> list[tuple[int, list[int]]]:
    """Running campaigns and the target accounts whose reminder is due; records the reminder."""
    now = ctx.now()
    today = now.astimezone(ctx.tz).date()
    out: list[tuple[int, list[int]]] = []
    with ctx.engine.begin() as conn:
        rows = conn.execute(
            sa.select(t.campaigns).where(
                t.campaigns.c.starts_on <= today, t.campaigns.c.ends_on >= today
            )
        ).mappings()
        for row in [dict(r) for r in rows]:
            everyone = set(
                conn.execute(
                    sa.select(t.campaign_targets.c.account_id).where(
                        t.campaign_targets.c.campaign_id == row["id"]
                    )
                ).scalars()
            )
            due = [
                p.account_id
                for p in _participation(conn, row, everyone, today=today, now=now)
                if p.reminder_due
            ]
            if not due:
                continue
            conn.execute(
                sa.update(t.campaign_targets)
                .where(
                    t.campaign_targets.c.campaign_id == row["id"],
                    t.campaign_targets.c.account_id.in_(due),
                )
                .values(reminded_at=now, reminders=t.campaign_targets.c.reminders + 1)
            )
            out.append((row["id"], due))
    return out


def record_metrics(
    ctx: Context, *, platform: str, external_id: str, metrics: dict[str, int]
) -> bool:
    """Store a published post's numbers (from a platform export or the measurement job)."""
    found, _ = record_many_metrics(ctx, [(platform, external_id, metrics)])
    return found == 1


def record_many_metrics(
    ctx: Context,
    items: Sequence[tuple[str, str, dict[str, int]]],
    *,
    progress: Progress = quiet,
) -> tuple[int, int]:
    """Store the numbers of many posts, (platform, external id, metrics) each, in one
    transaction: all or none. Returns how many posts were found and how many were not."""
    allowed = {"likes", "comments", "shares", "saves", "reach", "views"}
    checked = []
    for platform, external_id, metrics in items:
        clean = {}
        for key, value in metrics.items():
            if key not in allowed:
                raise InvalidInput(
                    f"metrik {key!r} tidak dikenal (pilihan: {', '.join(sorted(allowed))})"
                )
            if not isinstance(value, int) or value < 0:
                raise InvalidInput(f"metrik {key} harus bilangan bulat ≥ 0")
            clean[key] = value
        checked.append((platform, external_id, clean))
    found = 0
    with ctx.engine.begin() as conn:
        for platform, external_id, clean in counted(progress, "menyimpan angka unggahan", checked):
            post_id = conn.execute(
                sa.select(t.content_posts.c.id)
                .join(t.accounts, t.accounts.c.id == t.content_posts.c.account_id)
                .where(
                    t.content_posts.c.external_id == external_id, t.accounts.c.platform == platform
                )
            ).scalar()
            if post_id is None:
                continue
            conn.execute(
                sa.update(t.content_posts)
                .where(t.content_posts.c.id == post_id)
                .values(metrics=clean, metrics_at=ctx.now())
            )
            found += 1
    return found, len(checked) - found
