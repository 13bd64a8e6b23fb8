"""Annotated dependencies shared by the routers: the context, the actor, permissions, CSRF."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import replace
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request

from paseban.context import Context
from paseban.domain.accounts import Scope
from paseban.domain.auth import Actor, Permission
from paseban.errors import CityRequired, Forbidden
from paseban.services.people import auth
from paseban.services.reference import cities

SESSION_COOKIE = "paseban_sesi"
LOGIN_CSRF_COOKIE = "paseban_csrf"
CITY_COOKIE = "paseban_kota"  # the city the province role last chose (?kota=)


class NotSignedIn(Exception):
    """No valid session or token: the API answers 401, a page sends the browser to /masuk."""


class CsrfFailed(Forbidden):
    pass


def get_ctx(request: Request) -> Context:
    ctx: Context = request.app.state.ctx
    return ctx


CtxDep = Annotated[Context, Depends(get_ctx)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def get_actor(request: Request, ctx: CtxDep) -> Actor:
    """The signed-in user (session cookie) or machine client (Authorization: Bearer psb_...)."""
    cached: Actor | None = getattr(request.state, "actor", None)
    if cached is not None:
        return cached
    header = request.headers.get("authorization")
    if header:
        scheme, _, token = header.partition(" ")
        actor = auth.token_actor(ctx, token.strip()) if scheme.lower() == "bearer" else None
        if actor is None:
            raise NotSignedIn("token API tidak sah, kedaluwarsa, atau sudah dicabut")
        actor = for_city(request, ctx, actor, request.query_params.get("kota"))
        request.state.actor = actor
        return actor
    info = auth.session(ctx, request.cookies.get(SESSION_COOKIE))
    if info is None:
        raise NotSignedIn("silakan masuk dulu")
    wanted = request.query_params.get("kota")
    actor = for_city(request, ctx, info.actor, wanted, request.cookies.get(CITY_COOKIE))
    request.state.actor = actor
    request.state.session = info
    return actor


def for_city(
    request: Request, ctx: Context, actor: Actor, code: str | None, kept: str | None = None
) -> Actor:
    """The province role sees every city, or the one it chooses with `?kota=` (the lists,
    counts, maps, leaderboards and reports then show that city alone, as to its Diskominfo);
    every other actor keeps its own city whatever it asks. A code that is not a loaded city is
    refused (422); the pages keep the last choice in a cookie (`kept`), and a kept city no
    longer loaded means every city."""
    if not actor.scope.is_province:
        return actor
    known = cities.cities(ctx)
    if code is None:
        code = kept if any(c.code == kept for c in known) else None
    chosen = cities.choose(known, code)
    if len(known) > 1:  # a one-city deployment shows no choice at all
        request.state.city_choice = (known, chosen)
    return replace(actor, scope=Scope(city=chosen)) if chosen else actor


def writing_in(ctx: Context, actor: Actor, code: str | None, field: str) -> Actor:
    """Who writes a new row of one city (a campaign, a training session, a media item, a
    city's routing rules, deadlines or replies): the actor as it is, except the province role
    with no city chosen (every city) in a deployment of several: it names the city (a form's
    `kota` select, the API's `field`), and writes as that city's operator would. Without one
    it is refused, never put silently in the first city."""
    if not actor.scope.is_province:
        return actor
    known = cities.cities(ctx)
    if len(known) < 2:
        return actor
    if not code or code == cities.EVERY:
        names = ", ".join(f"{c.code} {c.name}" for c in known)
        raise CityRequired(
            f"{field} wajib diisi: kota/kabupaten mana? (pilihan: {names})",
            [(c.code, c.name) for c in known],
        )
    return replace(actor, scope=Scope(city=cities.choose(known, code)))


ActorDep = Annotated[Actor, Depends(get_actor)]


def require(permission: Permission) -> Callable[[Actor], Actor]:
    """A dependency: the actor, if it holds the permission; 403 otherwise."""

    def dependency(actor: ActorDep) -> Actor:
        if not actor.can(permission):
            raise Forbidden(f"peran Anda tidak mengizinkan {permission.value}")
        return actor

    return dependency


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin:
        return True  # the CSRF token alone decides
    if origin == "null":
        return False
    parts = urlsplit(origin)
    return parts.netloc == request.url.netloc


async def check_csrf(request: Request, actor: Actor) -> None:
    if actor.kind == "token":
        return  # a bearer token is not sent by a browser on its own: no CSRF possible
    info = getattr(request.state, "session", None)
    sent = request.headers.get("x-csrf-token")
    if sent is None:
        form = await request.form()
        value = form.get("csrf")
        sent = value if isinstance(value, str) else None
    if (
        info is None
        or not sent
        or not secrets.compare_digest(sent, info.csrf_token)
        or not _same_origin(request)
    ):
        raise CsrfFailed("formulir kedaluwarsa atau bukan dari halaman ini; muat ulang halaman")


def writer(permission: Permission) -> Callable[[Request, Actor], Awaitable[Actor]]:
    """A dependency for state-changing requests: permission plus a valid CSRF token."""

    async def dependency(request: Request, actor: ActorDep) -> Actor:
        if not actor.can(permission):
            raise Forbidden(f"peran Anda tidak mengizinkan {permission.value}")
        await check_csrf(request, actor)
        return actor

    return dependency


CasesReader = Annotated[Actor, Depends(require(Permission.CASES_READ))]
MessagesReader = Annotated[Actor, Depends(require(Permission.MESSAGES_READ))]
MessagesWriter = Annotated[Actor, Depends(writer(Permission.MESSAGES_WRITE))]
CasesWriter = Annotated[Actor, Depends(writer(Permission.CASES_WRITE))]
SettingsReader = Annotated[Actor, Depends(require(Permission.SETTINGS_WRITE))]
SettingsWriter = Annotated[Actor, Depends(writer(Permission.SETTINGS_WRITE))]
AuditReader = Annotated[Actor, Depends(require(Permission.AUDIT_READ))]
