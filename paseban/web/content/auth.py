"""Who is asking, for the content pages and API: the dashboard's sign-in (session cookie or
bearer token), its CSRF check, and the content permissions. The content services check roles and
scopes again (an admin edits only their own accounts' content), whatever the web layer does."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request

from paseban.context import Context
from paseban.domain.auth import Actor, Permission
from paseban.web import rendering
from paseban.web.deps import require, writer

get_content_actor = require(Permission.CONTENT_READ)
content_writer = writer(Permission.CONTENT_WRITE)

ContentActor = Annotated[Actor, Depends(get_content_actor)]
ContentWriter = Annotated[Actor, Depends(content_writer)]


def page_context(request: Request, ctx: Context) -> dict[str, Any]:
    """What every page gets (menu, CSRF token, the city), as the dashboard's pages do."""
    return rendering.page_context(request, ctx)
