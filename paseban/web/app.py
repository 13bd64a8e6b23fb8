"""create_app(ctx): every router and mount in one place."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import sqlalchemy as sa
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from paseban import __version__
from paseban.context import Context
from paseban.errors import Conflict, Forbidden, InvalidInput, NotFound, PasebanError
from paseban.web import api, dashboard
from paseban.web import measurement as measurement_pages


def create_app(ctx: Context, *, start_jobs: bool = True) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if start_jobs:
            ctx.jobs.start()
        try:
            yield
        finally:
            if start_jobs:
                ctx.jobs.shutdown()

    app = FastAPI(
        title="Paseban",
        version=__version__,
        description="Jejaring akun media sosial kelurahan/kecamatan dan meja aduan warga.",
        lifespan=lifespan,
    )
    app.state.ctx = ctx

    @app.exception_handler(PasebanError)
    async def domain_error(request: Request, exc: PasebanError) -> JSONResponse:
        status = 400
        if isinstance(exc, NotFound):
            status = 404
        elif isinstance(exc, Conflict):
            status = 409
        elif isinstance(exc, Forbidden):
            status = 403
        elif isinstance(exc, InvalidInput):
            status = 422
        return JSONResponse({"error": type(exc).__name__, "detail": str(exc)}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {"loc": ".".join(str(p) for p in e["loc"]), "msg": e["msg"]} for e in exc.errors()
        ]
        return JSONResponse(
            {"error": "InvalidInput", "detail": "permintaan tidak sah", "problems": problems},
            status_code=422,
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
    app.include_router(dashboard.router)
    app.include_router(measurement_pages.router)  # /papan (public), /laporan
    app.mount("/static", StaticFiles(packages=[("paseban.web", "static")]), name="static")
    return app
