"""Policy that Diskominfo edits in the dashboard: OPDs and each topic's default OPD. Every save is
validated, runs in one transaction and leaves its before/after in the audit trail.

Routing rules and SLA policies are edited by their own services (the case lifecycle work) and
join the settings pages through `paseban.web.settings.SECTIONS`."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.domain.wilayah import OpdKind
from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.routing.rules import topic_default_rule
from paseban.services.people import audit
from paseban.services.people.accounts import _changes
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.reference import OpdRow, TopicRow

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.domain.auth import Actor

OPD_CODE = re.compile(r"^[A-Z][A-Z0-9_]{1,39}$")


def _opd_values(name: str, handles: str, kind: str) -> dict[str, Any]:
    name, handles = name.strip(), handles.strip()
    if not name:
        raise InvalidInput("nama OPD wajib diisi")
    if len(name) > 300:
        raise InvalidInput("nama OPD paling banyak 300 karakter")
    if len(handles) > 2000:
        raise InvalidInput("uraian urusan paling banyak 2000 karakter")
    try:
        opd_kind = OpdKind(kind)
    except ValueError:
        choices = ", ".join(k.value for k in OpdKind)
        raise InvalidInput(f"jenis OPD {kind!r} tidak dikenal (pilihan: {choices})") from None
    return {"name": name, "handles": handles, "kind": opd_kind.value}


def create_opd(
    ctx: Context, code: str, *, name: str, handles: str = "", kind: str = "opd", actor: Actor
) -> None:
    code = code.strip().upper()
    if not OPD_CODE.match(code):
        raise InvalidInput(
            f"kode OPD {code!r} tidak sah (huruf besar, angka, garis bawah; mis. DISKOMINFO)"
        )
    values = _opd_values(name, handles, kind)
    with ctx.engine.begin() as conn:
        if conn.execute(sa.select(t.opds.c.code).where(t.opds.c.code == code)).first():
            raise Conflict(f"OPD {code} sudah ada")
        conn.execute(sa.insert(t.opds).values(code=code, active=True, **values))
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="opd.create",
            target_kind="opd",
            target_id=code,
            detail={"after": values},
        )


def update_opd(
    ctx: Context, code: str, *, name: str, handles: str, kind: str, active: bool, actor: Actor
) -> bool:
    values = {**_opd_values(name, handles, kind), "active": active}
    with ctx.engine.begin() as conn:
        row = conn.execute(sa.select(t.opds).where(t.opds.c.code == code)).mappings().first()
        if row is None:
            raise NotFound(f"OPD {code} tidak ada")
        if not active:
            users = conn.execute(
                sa.select(sa.func.count())
                .select_from(t.users)
                .where(
                    t.users.c.role == "opd_officer",
                    t.users.c.scope_code == code,
                    t.users.c.active.is_(True),
                )
            ).scalar_one()
            topics = (
                conn.execute(
                    sa.select(t.topics.c.code).where(
                        t.topics.c.default_opd == code, t.topics.c.active.is_(True)
                    )
                )
                .scalars()
                .all()
            )
            if topics:
                raise InvalidInput(
                    f"OPD {code} masih menjadi OPD bawaan topik {', '.join(topics)}; "
                    "pindahkan topik itu dulu"
                )
            if users:
                raise InvalidInput(f"OPD {code} masih punya {users} petugas aktif")
        diff = _changes(dict(row), values)
        if not diff["after"]:
            return False
        conn.execute(sa.update(t.opds).where(t.opds.c.code == code).values(**values))
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="opd.update",
            target_kind="opd",
            target_id=code,
            detail=diff,
        )
    return True


def update_topic(ctx: Context, code: str, *, default_opd: str, active: bool, actor: Actor) -> bool:
    """Change a topic's default OPD (and the routing rule that carries it) or switch it off."""
    with ctx.engine.begin() as conn:
        row = conn.execute(sa.select(t.topics).where(t.topics.c.code == code)).mappings().first()
        if row is None:
            raise NotFound(f"topik {code} tidak ada")
        opd = conn.execute(sa.select(t.opds).where(t.opds.c.code == default_opd)).mappings().first()
        if opd is None:
            raise InvalidInput(f"OPD {default_opd!r} tidak dikenal")
        if not opd["active"]:
            raise InvalidInput(f"OPD {default_opd} nonaktif; aktifkan dulu atau pilih OPD lain")
        values = {"default_opd": default_opd, "active": active}
        diff = _changes(dict(row), values)
        if not diff["after"]:
            return False
        conn.execute(sa.update(t.topics).where(t.topics.c.code == code).values(**values))
        rule = topic_default_rule(code, default_opd)
        conn.execute(
            sa.update(t.routing_rules)
            .where(t.routing_rules.c.name == rule.name)
            .values(
                assign_to=default_opd,
                active=active,
                updated_at=ctx.now(),
                updated_by=actor.name,
            )
        )
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="topic.update",
            target_kind="topic",
            target_id=code,
            detail=diff,
        )
    return True


def list_opds(ctx: Context) -> list[OpdRow]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(t.opds).order_by(t.opds.c.code)).mappings()
        return [row(OpdRow, r) for r in rows]


def list_topics(ctx: Context) -> list[TopicRow]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(t.topics).order_by(t.topics.c.code)).mappings()
        return [row(TopicRow, r) for r in rows]
