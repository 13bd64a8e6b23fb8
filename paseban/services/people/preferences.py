"""What a person last chose to see on a list, kept for next time (`saved_filters`): the inbox
opens with the filters its user left it with, on any device they sign in on.

Only signed-in people have preferences; an API token's requests keep nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

import sqlalchemy as sa

from paseban.domain.auth import Actor
from paseban.storage import tables as t
from paseban.storage.upsert import insert

if TYPE_CHECKING:
    from paseban.context import Context

QUERY_MAX = 1000
f = t.saved_filters.c


def _person(actor: Actor) -> int | None:
    return actor.id if actor.kind == "user" else None


def remembered(ctx: Context, actor: Actor, page: str) -> str | None:
    """The query string the person last filtered `page` by, or None."""
    user_id = _person(actor)
    if user_id is None:
        return None
    with ctx.engine.connect() as conn:
        found = conn.execute(
            sa.select(f.query).where(f.user_id == user_id, f.page == page)
        ).scalar()
    return str(found) if found is not None else None


def remember(ctx: Context, actor: Actor, page: str, query: str) -> None:
    """Keep `query` as the person's filters for `page` (a longer one is not kept: it was not
    typed through the page's form). One statement, which writes only when the filters changed,
    so a page that remembers costs the same on every visit."""
    user_id = _person(actor)
    if user_id is None or len(query) > QUERY_MAX:
        return
    with ctx.engine.begin() as conn:
        statement = insert(conn, t.saved_filters).values(
            user_id=user_id, page=page, query=query, updated_at=ctx.now()
        )
        conn.execute(
            statement.on_conflict_do_update(
                index_elements=["user_id", "page"],
                set_={"query": query, "updated_at": ctx.now()},
                where=f.query != statement.excluded.query,
            )
        )
