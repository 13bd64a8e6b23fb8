"""Who is asking, for the content pages and API: the dashboard's sign-in when it is there.

The dashboard branch provides `paseban.web.deps.get_actor` (session cookie or bearer token),
CSRF checking and the page context (menu, CSRF token). This module uses them when they exist
and otherwise refuses every request with 401, so the content pages are never open to anyone
who has not signed in. At merge the try-imports below resolve to the dashboard's functions; the
services check roles and scopes again, whatever the web layer does.
"""

from __future__ import annotations

import inspect
from typing import Annotated, Any

from fastapi import Depends, Request

from paseban.content.approvals import Who
from paseban.context import Context
from paseban.errors import PasebanError
from paseban.web.deps import CtxDep

try:  # the dashboard's sign-in (ActorDep)
    from paseban.web.deps import get_actor as _get_actor  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - depends on what is merged
    _get_actor = None
try:
    from paseban.web.deps import _check_csrf  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover
    _check_csrf = None
try:
    from paseban.web.rendering import page_context as _page_context  # type: ignore[import-not-found]
except ImportError:  # pragma: no cover
    _page_context = None


class NotSignedIn(PasebanError):
    """401: sign in first."""


def get_content_actor(request: Request, ctx: CtxDep) -> Who:
    if _get_actor is None:
        raise NotSignedIn("silakan masuk dulu")
    actor: Who = _get_actor(request, ctx)
    return actor


ContentActor = Annotated[Who, Depends(get_content_actor)]


async def content_writer(request: Request, actor: ContentActor) -> Who:
    """A state-changing request: a signed-in actor and a valid CSRF token (when the dashboard's
    CSRF check is there; a bearer token needs none)."""
    if _check_csrf is not None:
        result = _check_csrf(request, actor)
        if inspect.isawaitable(result):
            await result
    return actor


ContentWriter = Annotated[Who, Depends(content_writer)]


def page_context(request: Request, ctx: Context) -> dict[str, Any]:
    """What every page gets: the dashboard's (menu, CSRF token, formatting) or a minimal one."""
    if _page_context is not None:
        base: dict[str, Any] = _page_context(request, ctx)
        return base
    from paseban.services import reference as ref

    with ctx.engine.connect() as conn:
        city = ref.get_parameter(conn, "city_name", "")
    return {"city": city, "csrf": "", "actor": getattr(request.state, "actor", None)}
