"""Signing in and out of the dashboard."""

from __future__ import annotations

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paseban.domain import fmt
from paseban.domain.auth import Actor
from paseban.services.people import auth
from paseban.web.deps import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    ActorDep,
    CsrfFailed,
    CtxDep,
    _same_origin,
    check_csrf,
    client_ip,
)
from paseban.web.rendering import render
from paseban.web.security import cookie_secure

router = APIRouter(include_in_schema=False)


def safe_next(value: str | None) -> str:
    """Only a path on this site: never //elsewhere or https://elsewhere."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value:
        return "/"
    return value


def _login_page(
    request: Request,
    ctx: CtxDep,
    *,
    next_url: str,
    error: str = "",
    username: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    token = request.cookies.get(LOGIN_CSRF_COOKIE) or secrets.token_urlsafe(32)
    response = render(
        request,
        ctx,
        "login.html",
        {"login_csrf": token, "next_url": next_url, "error": error, "username": username},
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=cookie_secure(request),
        path="/masuk",
    )
    return response


@router.get("/masuk", response_class=HTMLResponse)
def login_form(request: Request, ctx: CtxDep, lanjut: str | None = None) -> Response:
    if auth.session(ctx, request.cookies.get(SESSION_COOKIE)) is not None:
        return RedirectResponse(safe_next(lanjut), status_code=303)
    return _login_page(request, ctx, next_url=safe_next(lanjut))


@router.post("/masuk", response_class=HTMLResponse)
def login_submit(
    request: Request,
    ctx: CtxDep,
    username: Annotated[str, Form(max_length=200)] = "",
    password: Annotated[str, Form(max_length=200)] = "",
    csrf: Annotated[str, Form(max_length=200)] = "",
    lanjut: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    next_url = safe_next(lanjut)
    cookie = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not cookie or not csrf or not secrets.compare_digest(cookie, csrf):
        raise CsrfFailed("formulir masuk kedaluwarsa; muat ulang halaman dan coba lagi")
    if not _same_origin(request):
        raise CsrfFailed("formulir masuk bukan dari halaman ini")
    try:
        new = auth.login(
            ctx,
            username,
            password,
            ip=client_ip(request),
            user_agent=request.headers.get("user-agent"),
        )
    except auth.LoginRefused as exc:
        message = str(exc).capitalize() + "."
        if exc.retry_at is not None:
            message += f" Coba lagi setelah {fmt.local_time(exc.retry_at, ctx.tz)}."
        status = 401 if exc.reason == "invalid" else 429
        return _login_page(
            request,
            ctx,
            next_url=next_url,
            error=message,
            username=username[:100],
            status_code=status,
        )
    response = RedirectResponse(next_url, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        new.token,
        max_age=int(auth.POLICY.session_max.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        path="/",
    )
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/masuk")
    return response


async def _signed_in_with_csrf(request: Request, actor: ActorDep) -> Actor:
    await check_csrf(request, actor)
    return actor


@router.post("/keluar")
def logout(
    request: Request, ctx: CtxDep, actor: Annotated[Actor, Depends(_signed_in_with_csrf)]
) -> Response:
    auth.logout(ctx, actor, ip=client_ip(request))
    response = RedirectResponse("/masuk?ok=logout", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
