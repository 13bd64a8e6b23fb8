"""Kelurahan profiles (the story bank) and story ideas from citizens' messages."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.content import approvals as ap
from paseban.content.stories import (
    PROFILE_FIELDS,
    STORY_PROMPTS,
    CitizenNote,
    Profile,
    completeness,
    missing,
    pick_ideas,
    validate_profile,
)
from paseban.domain.accounts import OPERATORS, Role
from paseban.domain.wilayah import Level
from paseban.errors import Forbidden, InvalidInput, NotFound
from paseban.storage import tables as t
from paseban.storage.rows.content import ProfilePageRow, ProfileSummaryRow, StoryIdeaRow

if TYPE_CHECKING:
    from paseban.context import Context

TEXT_FIELDS = ("name_origin", "history", "highlights", "challenges")
LIST_FIELDS = ("landmarks", "umkm", "sosok", "sources")


def can_edit_profile(who: ap.Who, kelurahan: str) -> bool:
    """Diskominfo edits its city's profiles (a kelurahan code lies in one city); an admin
    those of its own wilayah."""
    if who.role in OPERATORS:
        return who.scope.covers_wilayah(kelurahan)
    return who.role in (Role.KELURAHAN_ADMIN, Role.KECAMATAN_ADMIN) and who.scope.covers_wilayah(
        kelurahan
    )


def _profile(row: Any, name: str, code: str) -> Profile:
    if row is None:
        return Profile(code, name)
    return Profile(
        kelurahan=code,
        name=name,
        name_origin=row["name_origin"] or "",
        history=row["history"] or "",
        landmarks=tuple(row["landmarks"] or ()),
        umkm=tuple(row["umkm"] or ()),
        sosok=tuple(row["sosok"] or ()),
        highlights=row["highlights"] or "",
        challenges=row["challenges"] or "",
        sources=tuple(row["sources"] or ()),
        is_sample=bool(row["is_sample"]),
    )


def _kelurahan(conn: sa.Connection, code: str) -> Any:
    row = conn.execute(
        sa.select(t.wilayah.c.code, t.wilayah.c.name, t.wilayah.c.parent_code).where(
            t.wilayah.c.code == code, t.wilayah.c.level == int(Level.KELURAHAN)
        )
    ).first()
    if row is None:
        raise NotFound(f"kelurahan {code!r} tidak dikenal")
    return row


def list_profiles(ctx: Context, who: ap.Who) -> list[ProfileSummaryRow]:
    """Every kelurahan this person sees, with how complete its profile is."""
    with ctx.engine.connect() as conn:
        kel = conn.execute(
            sa.select(t.wilayah.c.code, t.wilayah.c.name, t.wilayah.c.parent_code)
            .where(t.wilayah.c.level == int(Level.KELURAHAN))
            .order_by(t.wilayah.c.code)
        ).all()
        kec = dict(
            conn.execute(
                sa.select(t.wilayah.c.code, t.wilayah.c.name).where(
                    t.wilayah.c.level == int(Level.KECAMATAN)
                )
            ).all()
        )
        stored = {r.kelurahan: r for r in conn.execute(sa.select(t.kelurahan_profiles)).mappings()}
    out: list[ProfileSummaryRow] = []
    for k in kel:
        if not who.scope.covers_wilayah(k.code):  # the city's kelurahan (its code says it)
            continue
        profile = _profile(stored.get(k.code), k.name, k.code)
        out.append(
            ProfileSummaryRow(
                code=k.code,
                name=k.name,
                kecamatan=kec.get(k.parent_code, ""),
                completeness=completeness(profile),
                missing=len(missing(profile)),
                is_sample=profile.is_sample,
            )
        )
    return out


def get_profile(ctx: Context, who: ap.Who, code: str) -> ProfilePageRow:
    with ctx.engine.connect() as conn:
        kel = _kelurahan(conn, code)
        row = (
            conn.execute(
                sa.select(t.kelurahan_profiles).where(t.kelurahan_profiles.c.kelurahan == code)
            )
            .mappings()
            .first()
        )
    if not who.scope.covers_city(code.rsplit(".", 2)[0]):
        raise NotFound(f"kelurahan {code!r} tidak dikenal")
    if not who.scope.covers_wilayah(code):
        raise Forbidden("profil ini di luar wilayah Anda")
    profile = _profile(row, kel.name, code)
    return ProfilePageRow(
        profile=profile,
        fields=PROFILE_FIELDS,
        prompts=missing(profile),
        completeness=completeness(profile),
        can_edit=can_edit_profile(who, code),
        updated_at=row["updated_at"] if row else None,
        updated_by=row["updated_by"] if row else None,
        story_prompts=STORY_PROMPTS,
    )


def save_profile(
    ctx: Context, who: ap.Who, code: str, values: dict[str, Any], *, sample: bool = False
) -> Profile:
    """Store what the admin knows; list fields are lists of lines. Claims need a source."""
    unknown = set(values) - set(TEXT_FIELDS) - set(LIST_FIELDS)
    if unknown:
        raise InvalidInput(f"kolom tidak dikenal: {', '.join(sorted(unknown))}")
    if not can_edit_profile(who, code):
        raise Forbidden("Anda hanya dapat mengubah profil kelurahan Anda sendiri")
    clean: dict[str, Any] = {}
    for f in TEXT_FIELDS:
        clean[f] = str(values.get(f, "") or "").strip()
    for f in LIST_FIELDS:
        raw = values.get(f, ())
        items = raw.splitlines() if isinstance(raw, str) else list(raw or ())
        clean[f] = [str(i).strip() for i in items if str(i).strip()]
    with ctx.engine.begin() as conn:
        kel = _kelurahan(conn, code)
        profile = Profile(
            code,
            kel.name,
            name_origin=clean["name_origin"],
            history=clean["history"],
            landmarks=tuple(clean["landmarks"]),
            umkm=tuple(clean["umkm"]),
            sosok=tuple(clean["sosok"]),
            highlights=clean["highlights"],
            challenges=clean["challenges"],
            sources=tuple(clean["sources"]),
        )
        problems = validate_profile(profile)
        if problems:
            raise InvalidInput("; ".join(problems))
        stamp = {"updated_at": ctx.now(), "updated_by": who.name}
        exists = conn.execute(
            sa.select(t.kelurahan_profiles.c.kelurahan).where(
                t.kelurahan_profiles.c.kelurahan == code
            )
        ).first()
        if exists:
            conn.execute(
                sa.update(t.kelurahan_profiles)
                .where(t.kelurahan_profiles.c.kelurahan == code)
                .values(**clean, **stamp, is_sample=sample)
            )
        else:
            conn.execute(
                sa.insert(t.kelurahan_profiles).values(
                    kelurahan=code, **clean, **stamp, is_sample=sample
                )
            )
    return profile


def story_ideas(
    ctx: Context, who: ap.Who, *, days: int = 30, limit: int = 10
) -> list[StoryIdeaRow]:
    """Praise and information from citizens, grouped by kelurahan, as story ideas (masked
    text only; messages already turned into a post are left out)."""
    if not 1 <= days <= 365:
        raise InvalidInput("rentang hari 1 sampai 365")
    now = ctx.now()
    with ctx.engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                t.messages.c.id,
                t.messages.c.kelurahan,
                t.messages.c.intent,
                t.messages.c.masked_text,
                t.messages.c.received_at,
                t.messages.c.account_id,
            ).where(
                t.messages.c.intent.in_(("apresiasi", "informasi")),
                t.messages.c.kelurahan.is_not(None),
                t.messages.c.received_at >= now - timedelta(days=days),
            )
        ).all()
        used = frozenset(
            conn.execute(
                sa.select(t.content_posts.c.source_message_id).where(
                    t.content_posts.c.source_message_id.is_not(None),
                    t.content_posts.c.status != ap.PostStatus.CANCELLED.value,
                )
            ).scalars()
        )
        names = dict(conn.execute(sa.select(t.wilayah.c.code, t.wilayah.c.name)).all())
    notes = [
        CitizenNote(r.id, r.kelurahan, r.intent, r.masked_text or "", r.received_at, r.account_id)
        for r in rows
        if r.masked_text and who.scope.covers_wilayah(r.kelurahan)
    ]
    ideas = pick_ideas(notes, now=now, window=timedelta(days=days), used=used, limit=limit)
    return [
        StoryIdeaRow(
            kelurahan=i.kelurahan,
            kelurahan_name=names.get(i.kelurahan, i.kelurahan),
            message_ids=list(i.message_ids),
            headline=i.headline,
            why=i.why,
            score=i.score,
            examples=list(i.examples),
        )
        for i in ideas
    ]
