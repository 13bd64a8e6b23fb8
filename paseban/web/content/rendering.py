"""What the content pages share: their templates and notices, and the readers of form values
(dates and times in the city's zone, numbers, lists)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.templating import Jinja2Templates

from paseban.content import approvals as ap
from paseban.content.calendar import HARI
from paseban.content.quality import CONTENT_TYPE_LABELS
from paseban.domain import fmt
from paseban.domain.accounts import OPERATORS
from paseban.errors import InvalidInput
from paseban.storage.rows.content import PostDetailRow
from paseban.web import formatting
from paseban.web.content.auth import page_context
from paseban.web.rendering import keep_city_choice
from paseban.web.security import pin_links

templates = Jinja2Templates(directory=str(Path(__file__).parents[1] / "templates"))
pin_links(templates)  # absolute links from PASEBAN_BASE_URL, never the Host header
assert templates.env.autoescape
formatting.install(templates.env)


NOTICES = {
    "created": "Konsep disimpan.",
    "saved": "Perubahan disimpan.",
    "acted": "Tindakan dicatat.",
    "checked_in": "Kehadiran Anda tercatat. Terima kasih!",
    "already": "Kehadiran Anda sudah tercatat sebelumnya.",
    "uploaded": "Media diunggah ke pustaka.",
    "attached": "Media dilampirkan ke konsep.",
}


def day_label(value: date | None) -> str:
    return "-" if value is None else fmt.day(value, HARI)


def render(
    request: Request, ctx: Any, actor: ap.Who, name: str, values: dict[str, Any], status: int = 200
) -> HTMLResponse:
    context = page_context(request, ctx)
    context.update(
        {
            "me": actor,
            "is_kominfo": actor.role in OPERATORS,
            "wib": lambda v: fmt.local_time(v, ctx.tz),
            "day": day_label,
            "status_labels": {s.value: label for s, label in ap.STATUS_LABELS.items()},
            "action_labels": {a.value: label for a, label in ap.ACTION_LABELS.items()},
            "type_labels": {t.value: label for t, label in CONTENT_TYPE_LABELS.items()},
            "content_notice": NOTICES.get(request.query_params.get("ok", "")),
            **values,
        }
    )
    response = templates.TemplateResponse(request, name, context, status_code=status)
    return keep_city_choice(request, response, context["city_choice"])


def back(url: str, ok: str, *, anchor: str = "") -> RedirectResponse:
    sep = "&" if "?" in url else "?"
    return RedirectResponse(f"{url}{sep}ok={ok}{'#' + anchor if anchor else ''}", status_code=303)


def opt_int(raw: str | None) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput(f"angka tidak sah: {raw!r}")
    return int(raw)


def local_dt(ctx: Any, raw: str | None) -> datetime | None:
    """A datetime-local form value, read as the city's local time."""
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"waktu tidak sah: {raw!r}") from None
    return value if value.tzinfo else value.replace(tzinfo=ctx.tz)


def opt_date(raw: str | None) -> date | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(f"tanggal tidak sah: {raw!r}") from None


class PostFormRow(PostDetailRow):
    """A post for its page: with its schedule as a datetime-local form value."""

    scheduled_local: str  # in the city's time; "" when not scheduled


def with_local(ctx: Any, post: PostDetailRow) -> PostFormRow:
    """The schedule as a datetime-local form value in the city's time."""
    at = post["scheduled_at"]
    local = at.astimezone(ctx.tz).strftime("%Y-%m-%dT%H:%M") if at is not None else ""
    return PostFormRow(**post, scheduled_local=local)


def lines_of(raw: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in raw.splitlines() if line.strip())
