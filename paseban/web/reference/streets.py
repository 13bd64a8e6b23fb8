"""Pengaturan › Jalan: the city's streets for the place finder, which Diskominfo adds, edits and
removes (services/reference/streets.py checks, stores and audits each save). A "try" box shows
how a message would be placed with the table as it stands, so staff see what an edit did."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paseban.context import Context
from paseban.domain.wilayah import Level
from paseban.errors import Conflict, InvalidInput, NotFound
from paseban.nlp import streets as street_data
from paseban.services.people import audit
from paseban.services.reference import store as ref
from paseban.services.reference import streets
from paseban.storage.rows.reference import StreetRow
from paseban.web.deps import CtxDep, SettingsReader, SettingsWriter
from paseban.web.people.settings import SECTIONS
from paseban.web.rendering import render, save_or_show

router = APIRouter(prefix="/pengaturan/jalan", include_in_schema=False)
UserError = (InvalidInput, Conflict, NotFound)
_SPLIT = re.compile(r"[\n,|;]+")
Forms = Annotated[str, Form(max_length=4000)]


def _section() -> Any:
    return next(s for s in SECTIONS if s.slug == "jalan")


def _places(ctx: Context) -> dict[str, Any]:
    """Kelurahan grouped by kecamatan (the form's checkboxes) and their names (the list)."""
    with ctx.engine.connect() as conn:
        wilayah = ref.wilayah_all(conn)
    kecamatan = [w for w in wilayah if w.level is Level.KECAMATAN]
    groups = [
        (k.name, [(w.code, w.name) for w in wilayah if w.parent_code == k.code]) for k in kecamatan
    ]
    names = {w.code: w.name for w in wilayah if w.level in (Level.KECAMATAN, Level.KELURAHAN)}
    return {"groups": groups, "names": names}


FIELD_LABELS = {
    "name": "nama",
    "aliases": "cara tulis",
    "alone": "tanpa kata jalan",
    "kelurahan": "kelurahan",
    "generic": "nama umum",
    "source": "sumber",
}


def _described(change: dict[str, Any], names: dict[str, str]) -> str:
    """One audit entry's new values in words: "kelurahan → Empang, Batu Tulis; nama umum → ya"."""
    parts = []
    for key, value in change.items():
        if key == "kelurahan":
            shown = ", ".join(names.get(c, c) for c in value or []) or "-"
        elif isinstance(value, bool):
            shown = "ya" if value else "tidak"
        elif isinstance(value, list):
            shown = ", ".join(value) or "-"
        else:
            shown = str(value or "-")
        parts.append(f"{FIELD_LABELS.get(key, key)} → {shown}")
    return "; ".join(parts)


def _form(
    name: str, aliases: str, alone: str, kelurahan: list[str], generic: str, source: str
) -> dict[str, Any]:
    """The submitted form as a street row (lists split on new lines, commas or "|")."""
    return {
        "name": name.strip(),
        "aliases": [a.strip() for a in _SPLIT.split(aliases) if a.strip()],
        "alone": [a.strip() for a in _SPLIT.split(alone) if a.strip()],
        "kelurahan": kelurahan,
        "generic": generic == "1",
        "source": source.strip(),
    }


def _tried(ctx: Context, text: str) -> dict[str, Any] | None:
    """How a message with this text, sent to one of the city's accounts, would be placed."""
    if not text.strip():
        return None
    analyzer = ctx.analyzer()
    place = analyzer.analyze(text, account_wilayah=analyzer.gazetteer.city).place
    return {"text": text, "place": place}


def _list_page(
    request: Request,
    ctx: Context,
    *,
    search: str = "",
    trial: str = "",
    form: dict[str, Any] | None = None,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    rows = streets.list_streets(ctx)
    needle = street_data.form(search)
    if needle:
        rows = [
            r
            for r in rows
            if needle in street_data.form(r["name"])
            or any(needle in a for a in (*r["aliases"], *r["alone"]))
        ]
    return render(
        request,
        ctx,
        "settings/jalan.html",
        {
            "section": _section(),
            "sections": SECTIONS,
            "error": error,
            "rows": rows,
            "search": search,
            "trial": _tried(ctx, trial),
            "trial_text": trial,
            "form": form or {},
            "form_open": form is not None,
            **_places(ctx),
        },
        status_code=status_code,
    )


def _edit_page(
    request: Request,
    ctx: Context,
    street: StreetRow,
    *,
    form: dict[str, Any] | None = None,
    error: str = "",
    status_code: int = 200,
) -> HTMLResponse:
    places = _places(ctx)
    events = audit.list_events(ctx, target_kind="street", target_id=street["name"], limit=30)
    history = [
        {
            **e,
            "label": audit.ACTION_LABELS.get(e["action"], e["action"]),
            "described": _described((e["detail"] or {}).get("after") or {}, places["names"]),
        }
        for e in events
    ]
    return render(
        request,
        ctx,
        "settings/jalan_edit.html",
        {
            "section": _section(),
            "sections": SECTIONS,
            "error": error,
            "street": street,
            "form": form or street,
            "history": history,
            **places,
        },
        status_code=status_code,
    )


@router.get("", response_class=HTMLResponse)
def streets_page(
    request: Request,
    ctx: CtxDep,
    actor: SettingsReader,
    search: Annotated[str, Query(alias="cari", max_length=100)] = "",
    trial: Annotated[str, Query(alias="coba", max_length=1000)] = "",
) -> HTMLResponse:
    return _list_page(request, ctx, search=search, trial=trial)


@router.get("/{street_id}", response_class=HTMLResponse)
def street_page(
    request: Request, ctx: CtxDep, actor: SettingsReader, street_id: int
) -> HTMLResponse:
    return _edit_page(request, ctx, streets.get_street(ctx, street_id))


@router.post("")
def street_create(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    name: Annotated[str, Form(max_length=200)] = "",
    aliases: Forms = "",
    alone: Forms = "",
    kelurahan: Annotated[list[str] | None, Form()] = None,
    generic: Annotated[str, Form(max_length=5)] = "",
    source: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    form = _form(name, aliases, alone, kelurahan or [], generic, source)
    return save_or_show(
        lambda: streets.create_street(ctx, form, actor=actor),
        done=lambda new_id: RedirectResponse(f"/pengaturan/jalan/{new_id}?ok=created", 303),
        show=lambda error, status: _list_page(
            request, ctx, form=form, error=error, status_code=status
        ),
        errors=dict.fromkeys(UserError, 422),
    )


@router.post("/{street_id}")
def street_update(
    request: Request,
    ctx: CtxDep,
    actor: SettingsWriter,
    street_id: int,
    name: Annotated[str, Form(max_length=200)] = "",
    aliases: Forms = "",
    alone: Forms = "",
    kelurahan: Annotated[list[str] | None, Form()] = None,
    generic: Annotated[str, Form(max_length=5)] = "",
    source: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    street = streets.get_street(ctx, street_id)
    form = _form(name, aliases, alone, kelurahan or [], generic, source)
    return save_or_show(
        lambda: streets.update_street(ctx, street_id, form, actor=actor),
        done=lambda _: RedirectResponse(f"/pengaturan/jalan/{street_id}?ok=saved", 303),
        show=lambda error, status: _edit_page(
            request, ctx, street, form=form, error=error, status_code=status
        ),
        errors=dict.fromkeys(UserError, 422),
    )


@router.post("/{street_id}/hapus")
def street_delete(request: Request, ctx: CtxDep, actor: SettingsWriter, street_id: int) -> Response:
    streets.delete_street(ctx, street_id, actor=actor)
    return RedirectResponse("/pengaturan/jalan?ok=deleted", status_code=303)
