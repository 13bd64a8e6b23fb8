"""The city's street table, which Diskominfo edits (Pengaturan › Jalan): the place finder reads
it when the analyzer is built, so an edit changes how the next message is placed.

Seeded once from the table bundled for the city (Kota Bogor: `paseban/nlp/places/
bogor-streets.csv`) by `paseban init` (`store.load`); a city without one starts empty. Every
save is checked (`paseban.nlp.streets.check`), runs in one transaction, leaves its before/after
in the audit trail, and resets the cached analyzer."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.nlp import streets as street_data
from paseban.nlp.normalize import known_words
from paseban.services.people import audit
from paseban.services.people.accounts import _changes
from paseban.services.reference.store import street_values
from paseban.storage import tables as t
from paseban.storage.rows import row
from paseban.storage.rows.reference import StreetRow

if TYPE_CHECKING:
    from paseban.context import Context
    from paseban.domain.auth import Actor

FIELDS = ("name", "aliases", "alone", "kelurahan", "generic", "source")


def _name(actor: Actor | str) -> str:
    return actor if isinstance(actor, str) else actor.name


def list_streets(ctx: Context) -> list[StreetRow]:
    with ctx.engine.connect() as conn:
        rows = conn.execute(sa.select(t.streets).order_by(t.streets.c.name)).mappings()
        return [row(StreetRow, r) for r in rows]


def get_street(ctx: Context, street_id: int) -> StreetRow:
    with ctx.engine.connect() as conn:
        found = (
            conn.execute(sa.select(t.streets).where(t.streets.c.id == street_id)).mappings().first()
        )
    if found is None:
        raise NotFound(f"jalan {street_id} tidak ada")
    return row(StreetRow, found)


def _checked(conn: sa.Connection, form: dict[str, Any], *, own_id: int | None) -> dict[str, Any]:
    try:
        parsed = street_data.from_rows([form])
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None
    if not parsed:
        raise InvalidInput("nama jalan wajib diisi")
    street = parsed[0]
    kelurahan = conn.execute(sa.select(t.wilayah.c.code).where(t.wilayah.c.level == 4)).scalars()
    problems = street_data.check(street, kelurahan=list(kelurahan), everyday=known_words())
    if problems:
        raise InvalidInput("; ".join(problems))
    values = street_values(street)
    bare = street_data.bare_name(street.name)
    for other in conn.execute(sa.select(t.streets.c.id, t.streets.c.name)).all():
        if other.id != own_id and street_data.bare_name(other.name) == bare:
            raise Conflict(f"jalan {other.name} sudah ada")
    return values


def create_street(ctx: Context, form: dict[str, Any], *, actor: Actor | str) -> int:
    with ctx.engine.begin() as conn:
        values = _checked(conn, form, own_id=None)
        new_id = conn.execute(
            sa.insert(t.streets)
            .values(**values, updated_at=ctx.now(), updated_by=_name(actor))
            .returning(t.streets.c.id)
        ).scalar_one()
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="street.create",
            target_kind="street",
            target_id=values["name"],
            detail={"after": values},
        )
    ctx.reset_analyzer()
    return int(new_id)


def update_street(
    ctx: Context, street_id: int, form: dict[str, Any], *, actor: Actor | str
) -> bool:
    with ctx.engine.begin() as conn:
        row = (
            conn.execute(sa.select(t.streets).where(t.streets.c.id == street_id)).mappings().first()
        )
        if row is None:
            raise NotFound(f"jalan {street_id} tidak ada")
        values = _checked(conn, form, own_id=street_id)
        diff = _changes({k: row[k] for k in FIELDS}, values)
        if not diff["after"]:
            return False
        conn.execute(
            sa.update(t.streets)
            .where(t.streets.c.id == street_id)
            .values(**values, updated_at=ctx.now(), updated_by=_name(actor))
        )
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="street.update",
            target_kind="street",
            target_id=values["name"],
            detail=diff,
        )
    ctx.reset_analyzer()
    return True


def delete_street(ctx: Context, street_id: int, *, actor: Actor | str) -> str:
    with ctx.engine.begin() as conn:
        row = (
            conn.execute(sa.select(t.streets).where(t.streets.c.id == street_id)).mappings().first()
        )
        if row is None:
            raise NotFound(f"jalan {street_id} tidak ada")
        conn.execute(sa.delete(t.streets).where(t.streets.c.id == street_id))
        audit.record(
            conn,
            at=ctx.now(),
            actor=actor,
            action="street.delete",
            target_kind="street",
            target_id=row["name"],
            detail={"before": {k: row[k] for k in FIELDS}},
        )
    ctx.reset_analyzer()
    return str(row["name"])
