"""create_app(ctx): every router and mount in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from urllib.parse import urlencode

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from paseban import __version__
from paseban.context import Context
from paseban.errors import (
    CityRequired,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    PasebanError,
)
from paseban.services.people import audit
from paseban.web.cases import api, open311, public
from paseban.web.cases import lists as dashboard
from paseban.web.cases import maps as map_pages
from paseban.web.cases import page as case_page
from paseban.web.cases import reroute as case_reroute
from paseban.web.cases import settings as policy_settings
from paseban.web.content import api as content_api
from paseban.web.content import fieldposts as content_fieldposts
from paseban.web.content import media as content_media
from paseban.web.content import network as content_network
from paseban.web.content import pages as content
from paseban.web.content import programs as content_programs
from paseban.web.content import public_media
from paseban.web.deps import NotSignedIn
from paseban.web.desk import home as desk_home
from paseban.web.inbox import actions as inbox_actions
from paseban.web.inbox import messages_api
from paseban.web.inbox import pages as inbox_pages
from paseban.web.ingest import manual as manual_pages
from paseban.web.ingest import webhooks as webhook_routes  # connectors
from paseban.web.measurement import api as measurement_api
from paseban.web.measurement import field as field_pages
from paseban.web.measurement import pages as measurement_pages
from paseban.web.openapi import document
from paseban.web.people import auth as auth_pages
from paseban.web.people import connect as connect_pages
from paseban.web.people import notifications as notification_pages
from paseban.web.people import settings as settings_pages
from paseban.web.query import DropBlankQuery
from paseban.web.reference import streets as street_settings
from paseban.web.rendering import error_page, wants_html
from paseban.web.security import (
    BoundedBody,
    HostCheck,
    PublicRateLimit,
    SecurityHeaders,
    trusted_hosts,
)


def create_app(ctx: Context, *, start_jobs: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if start_jobs:
            ctx.jobs.start()
        try:
            yield
        finally:
            # messages stored since the batcher's last hand-over go to analysis now, not only
            # when analyze_pending next finds them
            batcher = getattr(app.state, "analysis_batcher", None)
            if batcher is not None:
                batcher.flush()
            if start_jobs:
                ctx.jobs.shutdown()

    app = FastAPI(
        title="Paseban",
        version=__version__,
        description="Jejaring akun media sosial kelurahan/kecamatan dan meja aduan warga.",
        lifespan=lifespan,
    )
    app.state.ctx = ctx
    app.openapi = lambda: document(app)  # type: ignore[method-assign]

    @app.exception_handler(PasebanError)
    async def domain_error(request: Request, exc: PasebanError) -> Response:
        status = 400
        if isinstance(exc, NotFound):
            status = 404
        elif isinstance(exc, Conflict):
            status = 409
        elif isinstance(exc, Forbidden):
            status = 403
            actor = getattr(request.state, "actor", None)
            if actor is not None:
                audit.record_now(
                    ctx,
                    actor=actor,
                    action="access.denied",
                    target_kind="path",
                    target_id=request.url.path,
                    ip=request.client.host if request.client else None,
                )
        elif isinstance(exc, InvalidInput):
            status = 422
        if wants_html(request):
            choices = exc.choices if isinstance(exc, CityRequired) else []
            return error_page(request, status, str(exc), cities=choices)
        # the API names a missing city as any other invalid input (its detail lists the cities)
        name = InvalidInput.__name__ if isinstance(exc, CityRequired) else type(exc).__name__
        return JSONResponse({"error": name, "detail": str(exc)}, status_code=status)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        # the same {"error", "detail"} body as our own errors; keeps WWW-Authenticate on 401
        if wants_html(request) and exc.status_code != 401:
            detail = str(exc.detail)
            if exc.status_code == 404 and detail == "Not Found":  # Starlette's, in English
                detail = "Alamat ini tidak ada di Paseban."
            return error_page(request, exc.status_code, detail)
        names = {
            401: "Unauthorized",
            403: "Forbidden",
            404: "NotFound",
            405: "MethodNotAllowed",
            413: "TooLarge",
        }
        return JSONResponse(
            {"error": names.get(exc.status_code, "HTTPError"), "detail": exc.detail},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(OverflowError)
    @app.exception_handler(sa.exc.DataError)
    async def out_of_range(request: Request, exc: Exception) -> Response:
        # integers beyond 2^63 in a path or query reach the database (issue 16: HTTP 500 from
        # SQLite's OverflowError, PostgreSQL's NumericValueOutOfRange): the request is wrong
        detail = "angka di luar jangkauan"
        if wants_html(request):
            return error_page(request, 400, detail)
        return JSONResponse({"error": "InvalidInput", "detail": detail}, status_code=400)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {"loc": ".".join(str(p) for p in e["loc"]), "msg": e["msg"]} for e in exc.errors()
        ]
        if wants_html(request):
            fields = ", ".join(sorted({p["loc"].rsplit(".", 1)[-1] for p in problems}))
            return error_page(request, 422, f"isian tidak sah: {fields}")
        return JSONResponse(
            {"error": "InvalidInput", "detail": "permintaan tidak sah", "problems": problems},
            status_code=422,
        )

    # --- sign-in and errors for pages (dashboard) ---
    app.add_middleware(DropBlankQuery)  # filter forms send their unchosen fields blank

    @app.exception_handler(NotSignedIn)
    async def not_signed_in(request: Request, exc: NotSignedIn) -> Response:
        if wants_html(request):
            target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
            return RedirectResponse(f"/masuk?{urlencode({'lanjut': target})}", status_code=303)
        return JSONResponse(
            {"error": "NotAuthenticated", "detail": str(exc)},
            status_code=401,
            headers={"WWW-Authenticate": "Bearer"},
        )

    @app.get("/healthz", tags=["ops"])
    def healthz() -> JSONResponse:
        try:
            with ctx.engine.connect() as conn:
                conn.execute(sa.text("SELECT 1"))
        except sa.exc.SQLAlchemyError:
            return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ok", "version": __version__, "database": "ok"})

    app.include_router(api.router, prefix="/api/v1")
    app.include_router(open311.router, prefix="/open311/v2")
    app.include_router(public.router)  # /lacak/{ticket}
    app.include_router(auth_pages.router)
    app.include_router(desk_home.router)  # / : the command centre or the wilayah's own home
    app.include_router(inbox_pages.router)
    app.include_router(inbox_actions.router)
    app.include_router(manual_pages.router)
    app.include_router(manual_pages.api_router, prefix="/api/v1")
    app.include_router(messages_api.router, prefix="/api/v1")  # GET /api/v1/messages
    app.include_router(map_pages.router)
    app.include_router(policy_settings.router)  # before /pengaturan/{slug}
    app.include_router(street_settings.router)  # before /pengaturan/{slug}
    app.include_router(connect_pages.router)  # issue 19: before /pengaturan/{slug}
    app.include_router(notification_pages.router)  # issue 19: /pengaturan/notifikasi
    app.include_router(settings_pages.router)
    app.include_router(case_page.router)  # /kasus/{ticket} and its actions
    app.include_router(case_reroute.router)  # moving a case to another OPD, /pengalihan
    app.include_router(webhook_routes.router(ctx.connectors), prefix="/webhooks")  # connectors
    # connectors: deliveries skip the routing layer
    app.add_middleware(
        webhook_routes.FastPath, channels=webhook_routes.fast_paths(ctx.connectors, "/webhooks")
    )
    app.include_router(dashboard.router)
    _add_content(app)
    app.include_router(measurement_pages.router)  # /papan (public), /peringkat, ..., /laporan
    app.include_router(measurement_api.router, prefix="/api/v1")
    app.include_router(field_pages.router)  # /kunjungan, /kasus/{ticket}/foto, /peringatan
    app.mount("/static", StaticFiles(packages=[("paseban.web", "static")]), name="static")
    # outermost last (issue 16): headers on every answer, webhooks included; then the Host,
    # the public throttle and the body limits, all before any routing or sign-in work
    app.add_middleware(BoundedBody)
    if ctx.settings.public_rate > 0:
        app.add_middleware(
            PublicRateLimit, rate=ctx.settings.public_rate, burst=ctx.settings.public_burst
        )
    app.add_middleware(HostCheck, hosts=trusted_hosts(ctx.settings))
    app.add_middleware(SecurityHeaders)
    return app


# --- content and the admin network (issue 8) ------------------------------------------------------


def _add_content(app: FastAPI) -> None:
    app.include_router(content_api.router, prefix="/api/v1")
    app.include_router(content_media.router)  # /konten/media (issue 18)
    app.include_router(public_media.router)  # /publik/media/<signed>: files for the platforms
    app.include_router(content_fieldposts.router)  # /konten/foto-lapangan
    app.include_router(content.router)
    app.include_router(content_programs.router)
    app.include_router(content_network.router)
