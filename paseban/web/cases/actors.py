"""The case desk's view of who is calling: the signed-in user or API token from the dashboard's
authentication (`web.deps.get_actor`: session cookie or `Authorization: Bearer psb_...`),
reduced to the lifecycle's `domain.cases.Actor` (name, role, scope).

Reading needs `cases:read`. Changing anything (POST, PUT, PATCH, DELETE) needs `cases:write`
and, for a browser session, the CSRF token (header `X-CSRF-Token`); a bearer token is never
sent by a browser on its own, so it needs none. Role rules (who may forward, resolve, edit
routing rules) are then checked by the services."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from paseban.domain.auth import Actor as AuthActor
from paseban.domain.auth import Permission
from paseban.domain.cases import Actor
from paseban.errors import Forbidden
from paseban.web.deps import ActorDep, check_csrf

WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def to_case_actor(actor: AuthActor) -> Actor:
    return Actor(actor.name, actor.role, actor.scope)


async def case_actor(request: Request, actor: ActorDep) -> Actor:
    needed = Permission.CASES_WRITE if request.method in WRITES else Permission.CASES_READ
    if not actor.can(needed):
        raise Forbidden(f"peran atau token Anda tidak mengizinkan {needed.value}")
    if request.method in WRITES:
        await check_csrf(request, actor)
    return to_case_actor(actor)


CaseActor = Annotated[Actor, Depends(case_actor)]


async def settings_actor(request: Request, actor: ActorDep) -> Actor:
    """The city's policy (routing rules, auto-forward, deadline policies, reply templates) is
    read and changed with `settings:write` whatever the role (issue 16: a Diskominfo token with
    only `cases:write` changed them); changes by a browser session also need the CSRF token."""
    if not actor.can(Permission.SETTINGS_WRITE):
        needed = Permission.SETTINGS_WRITE.value
        raise Forbidden(f"peran atau token Anda tidak mengizinkan {needed}")
    if request.method in WRITES:
        await check_csrf(request, actor)
    return to_case_actor(actor)


SettingsActor = Annotated[Actor, Depends(settings_actor)]
