"""Connecting accounts by signing in on their platform (issue 19): the list of sign-ins, the
start (a link that carries the session's CSRF token: the platform's dialog is on another site,
and a form may only post to ours), the platform's return to /oauth/callback/<key>, the choice
of accounts and owners, and each account's health page. Subscribing webhooks after connecting
is `paseban accounts subscribe`'s service (services/ingest/subscriptions.py), called here."""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paseban.connectors.base import SendError
from paseban.connectors.connector import NotConfigured
from paseban.connectors.oauth_login import LoginFailed
from paseban.context import Context
from paseban.domain.accounts import OwnerKind
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound
from paseban.services.ingest import subscriptions
from paseban.services.people import disconnect, onboarding, onboarding_health
from paseban.web.deps import CsrfFailed, CtxDep, SettingsReader, SettingsWriter
from paseban.web.people.settings import SECTIONS, wilayah_choices
from paseban.web.rendering import render

router = APIRouter(include_in_schema=False)

SECTION = next(s for s in SECTIONS if s.slug == "akun")
ERRORS = (InvalidInput, Conflict, NotFound, Forbidden, LoginFailed)


def _page(
    request: Request, ctx: Context, template: str, data: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    return render(
        request,
        ctx,
        f"settings/{template}",
        {"section": SECTION, "sections": SECTIONS, "error": "", **data},
        status_code=status_code,
    )


def _start_page(request: Request, ctx: Context, error: str = "", status: int = 200) -> HTMLResponse:
    return _page(
        request,
        ctx,
        "sambung.html",
        {"providers": onboarding.providers(ctx), "error": error},
        status_code=status,
    )


@router.get("/pengaturan/akun/sambung", response_class=HTMLResponse)
def start_page(request: Request, ctx: CtxDep, actor: SettingsReader) -> HTMLResponse:
    return _start_page(request, ctx)


@router.get("/pengaturan/akun/sambung/{key}/mulai")
def begin(
    request: Request,
    ctx: CtxDep,
    actor: SettingsReader,
    key: str,
    csrf: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """A GET, because the next stop is the platform's site (`form-action 'self'` would stop a
    form's redirect there); the session's CSRF token in the link makes it ours."""
    info = getattr(request.state, "session", None)
    if info is None or not csrf or not secrets.compare_digest(csrf, info.csrf_token):
        raise CsrfFailed("tautan kedaluwarsa atau bukan dari halaman ini; muat ulang halaman")
    try:
        url = onboarding.begin(ctx, actor, key)
    except ERRORS as exc:
        return _start_page(request, ctx, str(exc), 422)
    return RedirectResponse(url, status_code=303)


@router.get("/oauth/callback/{key}")
def callback(
    request: Request,
    ctx: CtxDep,
    actor: SettingsReader,
    key: str,
    state: Annotated[str, Query(max_length=500)] = "",
    code: Annotated[str, Query(max_length=2000)] = "",
    error: Annotated[str, Query(max_length=200)] = "",
    error_description: Annotated[str, Query(max_length=500)] = "",
) -> Response:
    """Where each platform sends the browser back (registered as PASEBAN_BASE_URL +
    /oauth/callback/<key>)."""
    try:
        attempt = onboarding.finish(
            ctx,
            actor,
            key,
            state=state,
            code=code,
            error=error,
            error_description=error_description,
        )
    except ERRORS as exc:
        return _start_page(request, ctx, str(exc), 400 if isinstance(exc, LoginFailed) else 403)
    return RedirectResponse(f"/pengaturan/akun/sambung/pilih/{attempt}", status_code=303)


def _pick_page(
    request: Request, ctx: Context, actor: Any, attempt: str, error: str = "", status: int = 200
) -> HTMLResponse:
    key, found = onboarding.candidates(ctx, actor, attempt)
    label = next((p.label for p in onboarding.providers(ctx) if p.key == key), key)
    return _page(
        request,
        ctx,
        "sambung_pilih.html",
        {
            "attempt": attempt,
            "label": label,
            "found": found,
            "owner_kinds": [k.value for k in OwnerKind],
            "choices": wilayah_choices(ctx),
            "error": error,
        },
        status_code=status,
    )


@router.get("/pengaturan/akun/sambung/pilih/{attempt}", response_class=HTMLResponse)
def pick_page(request: Request, ctx: CtxDep, actor: SettingsReader, attempt: str) -> HTMLResponse:
    try:
        return _pick_page(request, ctx, actor, attempt)
    except ERRORS as exc:
        return _start_page(request, ctx, str(exc), 404)


@router.post("/pengaturan/akun/sambung/pilih/{attempt}")
async def pick(request: Request, ctx: CtxDep, actor: SettingsWriter, attempt: str) -> Response:
    form = await request.form()
    picks = []
    for raw in form.getlist("pick"):
        index = int(raw) if isinstance(raw, str) and raw.isdigit() else -1
        handle, name, kind, owner = (
            str(form.get(f"{field}-{index}") or "") for field in ("handle", "name", "kind", "owner")
        )
        picks.append(onboarding.Pick(index, handle, name, kind, owner))
    try:
        connected = onboarding.connect(ctx, actor, attempt, picks)
    except ERRORS as exc:
        try:
            return _pick_page(request, ctx, actor, attempt, str(exc), 422)
        except ERRORS:
            return _start_page(request, ctx, str(exc), 422)
    for account in connected:
        if account.subscribes:
            _subscribe(ctx, account)
    return RedirectResponse("/pengaturan/akun?ok=connected", status_code=303)


def _subscribe(ctx: Context, account: onboarding.Connected) -> None:
    """The same call as `paseban accounts subscribe`, through the fake hosts in tests."""
    connector = ctx.connectors.for_platform(account.platform)
    client = connector.hosts().client() if connector else None
    try:
        fields = subscriptions.subscribe(ctx, account.platform, account.handle, client=client)
    except (SendError, NotConfigured, InvalidInput, LoginFailed) as exc:
        onboarding.record_subscription(ctx, account.account_id, None, str(exc))
    else:
        onboarding.record_subscription(ctx, account.account_id, fields, "")
    finally:
        if client is not None:
            client.close()


@router.get("/pengaturan/akun/{account_id:int}", response_class=HTMLResponse)
def account_page(
    request: Request, ctx: CtxDep, actor: SettingsReader, account_id: int
) -> HTMLResponse:
    return _account_page(request, ctx, account_id)


def _account_page(
    request: Request,
    ctx: Context,
    account_id: int,
    error: str = "",
    status: int = 200,
    *,
    warning: str = "",
) -> HTMLResponse:
    health = onboarding_health.account_health(ctx, account_id).get(account_id)
    if health is None:
        raise NotFound("akun ini tidak tersambung lewat login platform atau tidak aktif")
    data = {"h": health, "error": error, "revoke_problem": warning}
    return _page(request, ctx, "akun_sehat.html", data, status)


@router.post("/pengaturan/akun/{account_id:int}/putus")
def disconnect_account(
    request: Request, ctx: CtxDep, actor: SettingsWriter, account_id: int
) -> Response:
    """Let go of the account (the button asks first): the platform is told, the tokens are
    forgotten, the history stays."""
    health = onboarding_health.account_health(ctx, account_id).get(account_id)
    if health is None:
        raise NotFound("akun ini tidak tersambung lewat login platform atau tidak aktif")
    try:
        done = disconnect.disconnect(ctx, actor, account_id)
    except ERRORS as exc:
        return _account_page(request, ctx, account_id, str(exc), 409)
    if done.problem:  # forgotten here, but the platform did not confirm: say what to do there
        return _account_page(request, ctx, account_id, warning=done.problem)
    return RedirectResponse(f"/pengaturan/akun/{account_id}?ok=disconnected", status_code=303)


@router.post("/pengaturan/akun/{account_id:int}/periksa")
def check_now(request: Request, ctx: CtxDep, actor: SettingsWriter, account_id: int) -> Response:
    """Ask the platform now instead of waiting for the hourly job."""
    onboarding_health.check_connections(ctx, account_ids=[account_id])
    return RedirectResponse(f"/pengaturan/akun/{account_id}?ok=checked", status_code=303)
