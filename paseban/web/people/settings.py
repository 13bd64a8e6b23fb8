"""Settings for Diskominfo: accounts, users and scopes, OPDs, topics, API tokens, the audit trail.

Each section is one entry in SECTIONS; routing rules, deadline policies and reply templates are
entries too, with their own router (web/cases/settings.py)."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paseban.context import Context
from paseban.domain import fmt
from paseban.domain.accounts import ROLE_LABELS, OwnerKind, Platform, Role
from paseban.domain.auth import PERMISSION_LABELS, Permission
from paseban.domain.wilayah import OpdKind
from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.services.ingest import budgets
from paseban.services.people import accounts, audit, auth, officers, onboarding_health
from paseban.services.reference import policy
from paseban.services.reference import store as ref
from paseban.web.deps import AuditReader, CtxDep, SettingsReader, SettingsWriter, client_ip
from paseban.web.rendering import render, save_or_show

router = APIRouter(prefix="/pengaturan", include_in_schema=False)


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    description: str
    permission: Permission


SECTIONS: list[Section] = [
    Section(
        "akun",
        "Akun resmi",
        "Akun medsos kelurahan, kecamatan, kota dan OPD",
        Permission.SETTINGS_WRITE,
    ),
    Section(
        "pengguna",
        "Pengguna dan cakupan",
        "Siapa boleh masuk, perannya, wilayah atau OPD-nya",
        Permission.SETTINGS_WRITE,
    ),
    Section(
        "opd",
        "OPD",
        "Perangkat daerah dan badan di luar Pemkot yang menerima aduan",
        Permission.SETTINGS_WRITE,
    ),
    Section("topik", "Topik", "Topik aduan dan OPD bawaannya", Permission.SETTINGS_WRITE),
    # the place finder's street table (web/reference/streets.py)
    Section(
        "jalan",
        "Jalan",
        "Jalan kota dan kelurahan yang dilaluinya, untuk menentukan tempat pesan",
        Permission.SETTINGS_WRITE,
    ),
    # the complaint desk's policy (web/cases/settings.py)
    Section(
        "aturan",
        "Aturan rute",
        "Ke OPD mana aduan diteruskan, dan penerusan otomatis",
        Permission.SETTINGS_WRITE,
    ),
    Section(
        "tenggat",
        "Tenggat (SLA)",
        "Batas waktu verifikasi, tindak lanjut OPD dan konfirmasi warga",
        Permission.SETTINGS_WRITE,
    ),
    Section(
        "templat",
        "Templat balasan",
        "Balasan otomatis dan balasan cepat untuk warga",
        Permission.SETTINGS_WRITE,
    ),
    Section(  # issue 19: web/people/notifications.py
        "notifikasi",
        "Notifikasi WhatsApp",
        "Jam tenang, ringkasan pagi, templat dan waktu sampai ke petugas",
        Permission.SETTINGS_WRITE,
    ),
    Section(
        "token",
        "Token API",
        "Akses mesin ke /api/v1 dengan cakupan terbatas",
        Permission.SETTINGS_WRITE,
    ),
    Section(
        "riwayat",
        "Riwayat perubahan",
        "Jejak audit: masuk, tindakan, perubahan pengaturan",
        Permission.AUDIT_READ,
    ),
]

UserError = (InvalidInput, Conflict, NotFound)


def _wilayah_choices(ctx: Context) -> dict[str, list[tuple[str, str]]]:
    with ctx.engine.connect() as conn:
        wilayah = ref.wilayah_all(conn)
        opds = ref.opds_all(conn)
    return {
        "kecamatan": [(w.code, w.name) for w in wilayah if w.level == 3],
        "kelurahan": [(w.code, w.name) for w in wilayah if w.level == 4],
        "city": [(w.code, w.name) for w in wilayah if w.level == 2],
        "opd": [(o.code, o.name) for o in opds],
    }


wilayah_choices = _wilayah_choices  # the owner pickers of web/people/connect.py


def _budget_lines(ctx: Context) -> dict[int, list[str]]:
    """Each account's platform budgets as an operator reads them: how often it is polled, and
    what is left of each limit until when (connectors: services/ingest/budgets.py)."""
    lines: dict[int, list[str]] = {}
    for account_id, info in budgets.account_budgets(ctx).items():
        found = []
        if info.interval:
            found.append(f"ditarik tiap {fmt.duration(info.interval)}")
        for view in info.budgets:
            if view.blocked_until:
                left = f"jeda sampai {fmt.local_time(view.blocked_until, ctx.tz)}"
            elif view.remaining is not None:
                left = f"sisa {fmt.number(view.remaining)} dari {fmt.number(view.capacity or 0)}"
                if view.resets_at:
                    left += f", pulih {fmt.local_time(view.resets_at, ctx.tz)}"
            else:
                used = f"{fmt.num(view.usage_pct)}%" if view.usage_pct is not None else "0%"
                left = f"terpakai {used} menurut Meta"
            found.append(f"{view.label}: {left}")
        lines[account_id] = found
    return lines


def _of_city(data: dict[str, Any], request: Request) -> dict[str, Any]:
    """A section's rows of the operator's city only (the province role: of the city it chose,
    or of every city): accounts, users, OPDs and tokens each carry their city."""
    actor = getattr(request.state, "actor", None)
    city = actor.scope.city if actor is not None else None
    if city is None:
        return data
    mine = {k: v for k, v in data.items() if k in ("rows", "opds")}
    for key, rows in mine.items():
        if rows and isinstance(rows[0], dict) and "city" in rows[0]:
            data[key] = [r for r in rows if r["city"] == city]
    if "roles" in data:  # a city's operator gives no province role
        data["roles"] = {r: label for r, label in data["roles"].items() if r is not Role.PROVINCE}
    return data


def _data(ctx: Context, slug: str) -> dict[str, Any]:
    if slug == "akun":
        return {
            "rows": accounts.list_accounts(ctx),
            "platforms": [p.value for p in Platform],
            "owner_kinds": [k.value for k in OwnerKind],
            "choices": _wilayah_choices(ctx),
            "budgets": _budget_lines(ctx),  # connectors: rate limits per account
            "health": onboarding_health.account_health(ctx),  # issue 19: token, permissions
            "connector_notices": ctx.connectors.notices(ctx.now().astimezone(ctx.tz).date()),
        }
    if slug == "pengguna":
        return {
            "rows": accounts.list_users(ctx),
            "roles": ROLE_LABELS,
            "choices": _wilayah_choices(ctx),
            "channels": officers.CHANNELS,  # e-mail, WhatsApp or both
        }
    if slug == "opd":
        return {"rows": policy.list_opds(ctx), "kinds": [k.value for k in OpdKind]}
    if slug == "topik":
        return {"rows": policy.list_topics(ctx), "opds": policy.list_opds(ctx)}
    if slug == "token":
        return {
            "rows": auth.list_tokens(ctx),
            "roles": ROLE_LABELS,
            "permissions": PERMISSION_LABELS,
            "choices": _wilayah_choices(ctx),
        }
    raise NotFound(f"bagian pengaturan {slug!r} tidak ada")


def section_page(
    request: Request,
    ctx: Context,
    slug: str,
    *,
    error: str = "",
    secret: str = "",
    secret_label: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    section = next((s for s in SECTIONS if s.slug == slug), None)
    if section is None:
        raise NotFound(f"bagian pengaturan {slug!r} tidak ada")
    return render(
        request,
        ctx,
        f"settings/{slug}.html",
        {
            "section": section,
            "sections": SECTIONS,
            "error": error,
            "secret": secret,
            "secret_label": secret_label,
            **_of_city(_data(ctx, slug), request),
        },
        status_code=status_code,
    )


def _saved(slug: str, code: str = "saved") -> RedirectResponse:
    return RedirectResponse(f"/pengaturan/{slug}?ok={code}", status_code=303)


def _attempt(
    request: Request, ctx: Context, slug: str, action: Callable[[], Any], ok: str = "saved"
) -> Response:
    """Run a save; a validation problem shows the same page with the reason (nothing stored)."""
    return save_or_show(
        action,
        done=lambda _: _saved(slug, ok),
        show=lambda error, status: section_page(
            request, ctx, slug, error=error, status_code=status
        ),
        errors=dict.fromkeys(UserError, 422),
    )


@router.get("", response_class=HTMLResponse)
def index(request: Request, ctx: CtxDep, actor: SettingsReader) -> HTMLResponse:
    return render(
        request,
        ctx,
        "settings/index.html",
        {"sections": [s for s in SECTIONS if actor.can(s.permission)]},
    )


@router.get("/riwayat", response_class=HTMLResponse)
def audit_page(
    request: Request,
    ctx: CtxDep,
    actor: AuditReader,
    actor_name: Annotated[str | None, Query(alias="oleh", max_length=100)] = None,
    action: Annotated[str | None, Query(alias="aksi", max_length=60)] = None,
    page: Annotated[int, Query(ge=1, le=10_000)] = 1,
) -> HTMLResponse:
    per_page = 100
    rows = audit.list_events(
        ctx,
        actor=actor_name or None,
        action=action or None,
        limit=per_page + 1,
        offset=(page - 1) * per_page,
    )
    params = {"oleh": actor_name or "", "aksi": action or ""}
    return render(
        request,
        ctx,
        "settings/riwayat.html",
        {
            "section": SECTIONS[-1],
            "sections": SECTIONS,
            "rows": rows[:per_page],
            "has_next": len(rows) > per_page,
            "page": page,
            "labels": audit.ACTION_LABELS,
            "target_labels": audit.TARGET_LABELS,
            "filters": params,
            "params": params,
        },
    )


@router.get("/{slug}", response_class=HTMLResponse)
def section(request: Request, ctx: CtxDep, actor: SettingsReader, slug: str) -> HTMLResponse:
    return section_page(request, ctx, slug)


# --- accounts ------------------------------------------------------------------------------------


@router.post("/akun")
def account_create(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    platform: Annotated[str, Form(max_length=20)],
    handle: Annotated[str, Form(max_length=100)],
    owner_kind: Annotated[str, Form(max_length=20)],
    owner_code: Annotated[str, Form(max_length=40)],
    name: Annotated[str, Form(max_length=200)] = "",
    platform_account_id: Annotated[str, Form(max_length=100)] = "",
) -> Response:
    row = {
        "platform": platform,
        "handle": handle.strip(),
        "owner_kind": owner_kind,
        "owner_code": owner_code.strip(),
        "name": name.strip(),
        "platform_account_id": platform_account_id.strip(),
    }
    return _attempt(
        request, ctx, "akun", lambda: accounts.create_account(ctx, row, actor=actor), "created"
    )


@router.post("/akun/{account_id}")
def account_update(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    account_id: int,
    owner_kind: Annotated[str, Form(max_length=20)],
    owner_code: Annotated[str, Form(max_length=40)],
    name: Annotated[str, Form(max_length=200)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    return _attempt(
        request,
        ctx,
        "akun",
        lambda: accounts.update_account(
            ctx,
            account_id,
            name=name,
            owner_kind=owner_kind,
            owner_code=owner_code,
            active=active == "1",
            actor=actor,
        ),
    )


# --- users ---------------------------------------------------------------------------------------


@router.post("/pengguna")
def user_create(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    username: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=30)],
    scope: Annotated[str, Form(max_length=40)] = "",
    full_name: Annotated[str, Form(max_length=200)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
    kota: Annotated[str, Form(max_length=13)] = "",
) -> Response:
    password = secrets.token_urlsafe(12)
    try:
        accounts.add_user(
            ctx,
            username,
            role=role,
            scope=scope.strip() or None,
            full_name=full_name.strip(),
            password=password,
            email=email,
            actor=actor,
            # the operator's city, or the one the province chose (or names in the form)
            kota=actor.scope.city or kota.strip() or None,
        )
    except UserError as exc:
        return section_page(request, ctx, "pengguna", error=str(exc), status_code=422)
    return section_page(
        request,
        ctx,
        "pengguna",
        secret=password,
        secret_label=f"Kata sandi awal untuk {username.strip().lower()}",
    )


@router.post("/pengguna/{user_id}")
def user_update(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    user_id: int,
    role: Annotated[str, Form(max_length=30)],
    scope: Annotated[str, Form(max_length=40)] = "",
    full_name: Annotated[str, Form(max_length=200)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    def save() -> None:
        address = accounts.check_email(email)  # refused before anything is stored
        accounts.update_user(
            ctx,
            user_id,
            role=role,
            scope=scope.strip() or None,
            full_name=full_name,
            active=active == "1",
            actor=actor,
        )
        accounts.change_email(ctx, user_id, address, actor=actor)

    return _attempt(request, ctx, "pengguna", save)


@router.post("/pengguna/{user_id}/sandi")
def user_password(request: Request, ctx: CtxDep, actor: SettingsWriter, user_id: int) -> Response:
    password = secrets.token_urlsafe(12)
    user = next((u for u in accounts.list_users(ctx) if u["id"] == user_id), None)
    if user is None:
        raise NotFound(f"pengguna {user_id} tidak ada")
    auth.set_password(ctx, user["username"], password, actor=actor, ip=client_ip(request))
    return section_page(
        request,
        ctx,
        "pengguna",
        secret=password,
        secret_label=f"Kata sandi baru untuk {user['username']}",
    )


# --- OPDs and topics -----------------------------------------------------------------------------


@router.post("/opd")
def opd_create(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    code: Annotated[str, Form(max_length=40)],
    name: Annotated[str, Form(max_length=300)],
    kind: Annotated[str, Form(max_length=20)] = "opd",
    handles: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    return _attempt(
        request,
        ctx,
        "opd",
        lambda: policy.create_opd(ctx, code, name=name, handles=handles, kind=kind, actor=actor),
        "created",
    )


@router.post("/opd/{code}")
def opd_update(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    code: str,
    name: Annotated[str, Form(max_length=300)],
    kind: Annotated[str, Form(max_length=20)] = "opd",
    handles: Annotated[str, Form(max_length=2000)] = "",
    active: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    return _attempt(
        request,
        ctx,
        "opd",
        lambda: policy.update_opd(
            ctx, code, name=name, handles=handles, kind=kind, active=active == "1", actor=actor
        ),
    )


@router.post("/topik/{code}")
def topic_update(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    code: str,
    default_opd: Annotated[str, Form(max_length=40)],
    active: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    result = _attempt(
        request,
        ctx,
        "topik",
        lambda: policy.update_topic(
            ctx, code, default_opd=default_opd, active=active == "1", actor=actor
        ),
    )
    ctx.reset_analyzer()
    return result


# --- API tokens ----------------------------------------------------------------------------------


@router.post("/token")
def token_create(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    name: Annotated[str, Form(max_length=100)],
    role: Annotated[str, Form(max_length=30)] = Role.VIEWER.value,
    area: Annotated[str, Form(max_length=40)] = "",
    expires_days: Annotated[str, Form(max_length=5)] = "",
    scopes: Annotated[list[str] | None, Form()] = None,
) -> Response:
    chosen = scopes or []
    try:
        days = int(expires_days) if expires_days.strip() else None
    except ValueError:
        return section_page(
            request, ctx, "token", error="masa berlaku harus angka hari", status_code=422
        )
    try:
        token = auth.create_token(
            ctx,
            name,
            scopes=[str(s) for s in chosen],
            role=role,
            area=area.strip() or None,
            expires_days=days,
            actor=actor,
        )
    except UserError as exc:
        return section_page(request, ctx, "token", error=str(exc), status_code=422)
    return section_page(request, ctx, "token", secret=token, secret_label=f"Token {name.strip()}")


@router.post("/token/{name}/cabut")
def token_revoke(request: Request, ctx: CtxDep, actor: SettingsWriter, name: str) -> Response:
    return _attempt(
        request, ctx, "token", lambda: auth.revoke_token(ctx, name, actor=actor), "revoked"
    )
