"""Templates and what every page gets: the actor, the CSRF token, the menu, the city's name."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from paseban.context import Context
from paseban.domain import fmt, sla
from paseban.domain.accounts import ROLE_LABELS
from paseban.domain.auth import Actor, Permission
from paseban.domain.wilayah import EVERY_CITY
from paseban.errors import PasebanError
from paseban.services.measurement import fieldwork
from paseban.services.reference import cities
from paseban.web import formatting
from paseban.web.deps import CITY_COOKIE, NotSignedIn, get_actor
from paseban.web.security import cookie_secure, pin_links

T = TypeVar("T")

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
pin_links(templates)  # absolute links from PASEBAN_BASE_URL, never the Host header
assert templates.env.autoescape  # citizen text is untrusted: autoescaping stays on
formatting.install(templates.env)  # words, not codes: {{ c.status|status }}, {{ c.opd|opd }}

# the menu; an entry shows only to actors with its permission (the server checks again)
NAV: list[tuple[str, str, Permission]] = [
    ("/kotak-masuk", "Kotak masuk", Permission.MESSAGES_READ),
    ("/tinjauan", "Tinjauan", Permission.MESSAGES_WRITE),
    ("/lapor-langsung", "Lapor langsung", Permission.MESSAGES_WRITE),
    ("/kasus", "Kasus", Permission.CASES_READ),
    ("/peta", "Peta", Permission.CASES_READ),
    ("/opd", "Antrean OPD", Permission.CASES_READ),
    ("/konten", "Konten", Permission.CONTENT_READ),  # issue 8
    # measurement (issue 7)
    ("/peringkat", "Pengukuran", Permission.CASES_READ),
    ("/peringatan", "Peringatan dini", Permission.CASES_READ),
    ("/kunjungan", "Lapangan", Permission.CASES_READ),
    ("/pengaturan", "Pengaturan", Permission.SETTINGS_WRITE),
]

# messages shown after an action (by code, so no text from the address bar reaches a page)
NOTICES: dict[str, str] = {
    "reply": "Balasan dicatat dan masuk antrean kirim.",
    "reply_verified": "Balasan dicatat dan masuk antrean kirim; kasusnya diverifikasi.",
    "bulk": "Tindakan massal selesai.",
    "correct": "Koreksi analisis disimpan untuk pelatihan berikutnya.",
    "confirmed": "Analisis dikonfirmasi benar.",
    "not_complaint": "Pesan ditandai bukan aduan.",
    "hidden": "Pesan disembunyikan sebagai spam.",
    "saved": "Perubahan disimpan.",
    "connected": "Akun tersambung; tokennya tersimpan terenkripsi dan webhook-nya dilanggankan.",
    "checked": "Token akun sudah diperiksa ke platform.",
    "disconnected": "Akun diputus: tokennya dihapus; riwayat pesan dan kasusnya tetap tersimpan.",
    "manual": "Laporan langsung dicatat dan sedang dianalisis.",
    "created": "Data baru disimpan.",
    "revoked": "Token dicabut.",
    "deleted": "Data dihapus.",
    "password": "Kata sandi baru disimpan; sesi lama pengguna itu berakhir.",
    "logout": "Anda sudah keluar.",
    # the case page's actions
    "kasus_verify": "Kasus diverifikasi.",
    "kasus_forward": "Kasus diteruskan ke OPD; warga diberi tahu.",
    "kasus_reject": "Kasus ditolak; alasannya dikirim ke warga.",
    "kasus_mark_outside": "Kasus diteruskan ke instansi di luar Pemkot; warga diberi tahu.",
    "kasus_return": "Kasus dikembalikan untuk dirutekan ulang.",
    "kasus_alih": "Kasus dialihkan ke OPD lain; OPD tujuan dan warga diberi tahu.",
    "kasus_minta_alih": "Permintaan pengalihan terkirim ke Diskominfo.",
    "kasus_putus_alih": "Permintaan pengalihan sudah diputuskan.",
    "kasus_start": "Kasus diterima dan sedang ditangani.",
    "kasus_resolve": "Kasus dinyatakan selesai; warga ditanya apakah sudah beres.",
    "kasus_reopen": "Kasus dibuka kembali.",
    "kasus_close": "Kasus ditutup.",
    "kasus_note": "Catatan perkembangan disimpan.",
    "kasus_merge": "Kasus digabung; warga diberi tahu tiket tujuan.",
    "kasus_split": "Laporan dipindah ke kasus baru ini.",
    "acknowledged": "Peringatan dini ditanggapi; OPD dan Diskominfo melihat siapa yang menanggapi.",
}


def query(params: dict[str, Any], **changes: Any) -> str:
    """The current filters with some changed, as a query string (empty values dropped)."""
    merged = {**params, **changes}
    return urlencode({k: v for k, v in merged.items() if v not in (None, "")})


def page_context(request: Request, ctx: Context) -> dict[str, Any]:
    actor: Actor | None = getattr(request.state, "actor", None)
    info = getattr(request.state, "session", None)
    choice = getattr(request.state, "city_choice", None)  # the province role's (web.deps)
    own = actor.scope.city if actor else None
    with ctx.engine.connect() as conn:
        found = cities.city_of(conn, own)  # the actor's city; None: the first (one query)
        city = found.name if found else ""
        if choice is not None and own is None:
            city = EVERY_CITY
        elif actor is None and len(cities.loaded(conn)) > 1:
            city = ""  # nobody signed in (the login page): no city of a province's is theirs
        badges = {"/peringatan": fieldwork.open_alert_count(conn, actor)} if actor else {}
    notice = NOTICES.get(request.query_params.get("ok", ""))
    now = ctx.now()
    return {
        "actor": actor,
        "role_label": ROLE_LABELS[actor.role] if actor else "",
        "csrf": info.csrf_token if info else "",
        "nav": [
            (href, label, badges.get(href, 0))
            for href, label, perm in NAV
            if actor and actor.can(perm)
        ],
        "path": request.url.path,
        "city": city,
        "city_choice": choice,  # (the cities, the chosen code or None) for the province role
        "every_city": EVERY_CITY,
        # the province's view of every city: the lists name each row's city (code -> name);
        # empty for one city's pages and a one-city deployment, which show no such column
        "row_cities": {c.code: c.name for c in choice[0]} if choice and not choice[1] else {},
        "notice": notice,
        "now": now,
        "local": lambda value: fmt.local_time(value, ctx.tz),
        "zone": fmt.zone_name(ctx.tz, ctx.now().astimezone(ctx.tz)),  # WIB, WITA or WIT
        "duration": fmt.waited,
        # the one clock: every page shows a case's deadline and lateness through it
        "deadline": lambda case: sla.deadline(
            case["stage"], case["due_at"], case["escalation_level"], now=now
        ),
        "number": fmt.number,
        "percent": fmt.percent,
        "query": query,
        "P": Permission,
        "names": formatting.Names(ctx),  # the city's names for its codes, for the filters
    }


def render(
    request: Request,
    ctx: Context,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    merged = {**page_context(request, ctx), **(context or {})}
    response = templates.TemplateResponse(request, name, merged, status_code=status_code)
    return keep_city_choice(request, response, merged["city_choice"])


def keep_city_choice(
    request: Request, response: HTMLResponse, choice: tuple[Any, str | None] | None
) -> HTMLResponse:
    """The province operator's `?kota=` choice, kept in a cookie for the next pages until it
    chooses again (every city: the cookie goes)."""
    if choice is not None and "kota" in request.query_params:
        if choice[1]:
            response.set_cookie(
                CITY_COOKIE,
                choice[1],
                httponly=True,
                samesite="lax",
                secure=cookie_secure(request),
                path="/",
            )
        else:
            response.delete_cookie(CITY_COOKIE, path="/")
    return response


# --- error pages -----------------------------------------------------------------------------

HEADINGS = {
    400: "Permintaan tidak sah",
    403: "Akses ditolak",
    404: "Tidak ditemukan",
    409: "Bentrok dengan data lain",
    422: "Isian tidak sah",
    429: "Terlalu banyak permintaan",
}
API_PREFIXES = ("/api/", "/open311/", "/webhooks/", "/healthz", "/openapi.json")


def wants_html(request: Request) -> bool:
    """Pages answer errors with a page; the API, webhooks and Open311 with JSON."""
    return not request.url.path.startswith(API_PREFIXES)


def error_page(
    request: Request, status_code: int, detail: str, *, cities: Sequence[tuple[str, str]] = ()
) -> HTMLResponse:
    ctx: Context = request.app.state.ctx
    if getattr(request.state, "actor", None) is None:
        # a page that failed before it asked who is signed in (an unknown address): the
        # chrome still names the person's city, not the deployment's first
        with suppress(NotSignedIn, PasebanError):
            get_actor(request, ctx)
    heading = HEADINGS.get(status_code, "Terjadi kesalahan")
    choices = []
    if cities and request.method == "GET":  # the same page, for one city (the header's choice)
        heading = "Pilih kota/kabupaten"
        for code, name in cities:
            query = urlencode({**request.query_params, "kota": code})
            choices.append({"name": name, "href": f"{request.url.path}?{query}"})
    return render(
        request,
        ctx,
        "error.html",
        {"heading": heading, "detail": detail, "choices": choices},
        status_code=status_code,
    )


def save_or_show(
    run: Callable[[], T],
    *,
    done: Callable[[T], Response],
    show: Callable[[str, int], Response],
    errors: Mapping[type[Exception], int],
) -> Response:
    """Run one save from a form. A problem the user can fix (one of `errors`, with its status)
    shows the form's page again with the reason, and nothing is stored; otherwise `done`
    answers (a redirect to the saved page)."""
    try:
        result = run()
    except tuple(errors) as exc:
        status = next(code for kind, code in errors.items() if isinstance(exc, kind))
        return show(str(exc), status)
    return done(result)
