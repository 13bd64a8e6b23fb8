"""The simulator's stream through the real endpoints: stored once, analysed, spread out."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from fastapi.testclient import TestClient

from paseban.boot import create_context
from paseban.clock import FixedClock
from paseban.connectors import simulate
from paseban.services.people import accounts
from paseban.storage import tables as t
from paseban.web.app import create_app
from tests.conftest import T0
from tests.connectors.helpers import connector_settings


def test_a_stream_fills_the_inbox_and_retries_add_nothing(db_url: str) -> None:
    ctx = create_context(
        connector_settings(db_url),
        clock=FixedClock(T0),
        load_entrypoints=False,
        jobs_backend="eager",
    )
    try:
        sample = Path(simulate.__file__).parent.parent / "data" / "sample" / "accounts.csv"
        accounts.import_csv(ctx, sample, sample=True)
        generator = simulate.Generator(
            ctx.settings.meta_app_secret, ctx.settings.x_consumer_secret, seed=11
        )
        statuses: list[int | None] = []
        with TestClient(create_app(ctx, start_jobs=False), base_url="http://127.0.0.1") as client:
            report = simulate.run(
                "http://127.0.0.1",
                generator,
                rate=5000,
                seconds=0.04,
                client=client,  # type: ignore[arg-type]
                on_delivery=lambda _d, status: statuses.append(status),
            )
        assert report.sent == len(statuses) > 100 and set(statuses) == {200}
        with ctx.engine.connect() as conn:
            stored = conn.execute(sa.select(sa.func.count()).select_from(t.messages)).scalar_one()
            pending = conn.execute(
                sa.select(sa.func.count()).where(t.messages.c.analyzed_at.is_(None))
            ).scalar_one()
            samples = conn.execute(
                sa.select(sa.func.count()).where(t.messages.c.is_sample.is_(True))
            ).scalar_one()
            kelurahan = conn.execute(
                sa.select(sa.func.count(sa.distinct(t.messages.c.kelurahan)))
            ).scalar_one()
            raw = conn.execute(sa.select(sa.func.count()).select_from(t.raw_events)).scalar_one()
        echoes = report.by_kind["echo"]
        # a retried delivery is kept once (issue 16): at most one raw row per delivery sent
        assert raw <= report.sent and stored <= report.sent - echoes
        assert pending == 0 and samples == stored and kelurahan >= 30
    finally:
        ctx.close()
