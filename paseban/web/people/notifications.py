"""Officer notifications on WhatsApp (issue 19): the city's quiet hours and digest time, the
templates to register with Meta, how fast the last notifications reached the officers, and
each person's number, opt-in and channel (a form on the users' page posts here)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paseban.context import Context
from paseban.domain import officers as rules
from paseban.services.people import notify_fallback, notify_whatsapp, officers
from paseban.web.deps import CtxDep, SettingsReader, SettingsWriter
from paseban.web.people.settings import SECTIONS, UserError, section_page
from paseban.web.rendering import render, save_or_show

router = APIRouter(prefix="/pengaturan", include_in_schema=False)
SECTION = next(s for s in SECTIONS if s.slug == "notifikasi")


def _page(request: Request, ctx: Context, error: str = "", status: int = 200) -> HTMLResponse:
    return render(
        request,
        ctx,
        "settings/notifikasi.html",
        {
            "section": SECTION,
            "sections": SECTIONS,
            "error": error,
            "values": notify_whatsapp.settings_view(ctx),
            "templates": list(rules.TEMPLATES.values()),
            "statuses": notify_fallback.template_statuses(ctx),  # Meta's review of each
            "language": rules.LANGUAGE,
            "report": notify_whatsapp.latency_report(ctx).line(),
            "rows": notify_whatsapp.recent(ctx),
            "base_url": ctx.settings.base_url(),
        },
        status_code=status,
    )


@router.get("/notifikasi", response_class=HTMLResponse)
def page(request: Request, ctx: CtxDep, actor: SettingsReader) -> HTMLResponse:
    return _page(request, ctx)


@router.post("/notifikasi")
def save(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    quiet: Annotated[str, Form(max_length=20)] = "",
    digest: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    return save_or_show(
        lambda: notify_whatsapp.save_settings(ctx, quiet=quiet, digest=digest, actor=actor),
        done=lambda _: RedirectResponse("/pengaturan/notifikasi?ok=saved", status_code=303),
        show=lambda error, status: _page(request, ctx, error, status),
        errors=dict.fromkeys(UserError, 422),
    )


@router.post("/pengguna/{user_id}/whatsapp")
def user_whatsapp(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    user_id: int,
    phone: Annotated[str, Form(max_length=40)] = "",
    opt_in: Annotated[str, Form(max_length=200)] = "",
    channel: Annotated[str, Form(max_length=10)] = "email",  # email, whatsapp or both
) -> Response:
    return save_or_show(
        lambda: officers.set_whatsapp(
            ctx, user_id, phone=phone, opt_in=opt_in, channel=channel, actor=actor
        ),
        done=lambda _: RedirectResponse("/pengaturan/pengguna?ok=saved", status_code=303),
        show=lambda error, status: section_page(
            request, ctx, "pengguna", error=error, status_code=status
        ),
        errors=dict.fromkeys(UserError, 422),
    )
