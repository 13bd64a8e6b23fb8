"""Benchmark: a citizen's comment to the responsible officer's WhatsApp (issue 19).

    .venv/bin/python bench/officer_notify.py [--comments 40]

Each comment (about rubbish, in a different kelurahan of Kota Bogor) goes the whole way a
webhook's message goes: stored, analysed, a case opened and routed to DLH by its rule,
forwarded at once (auto-forward), the `case_event` hook, the notification row, and the send to
the Cloud API, here the fake on 127.0.0.1 that enforces the template rules
(tests/fakes/platforms.py). Prints, per comment, the seconds from the comment to the fake's
acceptance, their median and p90, and Paseban's own report line. SQLite in a temporary folder,
a real clock, eager jobs (what the server's worker thread does, in the caller).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from paseban.boot import create_context
from paseban.clock import SystemClock
from paseban.services.cases import routing
from paseban.services.ingest import files
from paseban.services.people import accounts, notify_whatsapp, officers
from paseban.services.reference import store as reference
from paseban.settings import Settings
from paseban.storage import migrate
from paseban.storage import tables as t
from tests.factories import message, with_accounts, write_jsonl
from tests.fakes.platforms import FakePlatforms, fake_settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--comments", type=int, default=40)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, FakePlatforms() as fake:
        fake.state.phone_ids.add("2000")
        fake.register_paseban_templates()
        base = Settings(database_url=f"sqlite:///{folder}/bench.db", secret_key="bench-secret")
        ctx = create_context(
            replace(fake_settings(base, fake), log_format="console", log_level="WARNING"),
            clock=SystemClock(),
            load_entrypoints=False,
            jobs_backend="eager",
        )
        migrate.upgrade(ctx.engine)
        reference.load(ctx, "32.71")
        with_accounts(ctx, Path(folder))
        routing.set_auto_forward(ctx, True, actor="bench")
        officer = accounts.add_user(ctx, "petugas.dlh", role="opd_officer", scope="DLH")
        officers.set_whatsapp(
            ctx, officer, phone="0812-3456-7890", opt_in="bench", channel="whatsapp", actor="bench"
        )
        with ctx.engine.connect() as conn:
            places = (
                conn.execute(
                    sa.select(t.wilayah.c.name)
                    .where(t.wilayah.c.level == 4)
                    .order_by(t.wilayah.c.code)
                )
                .scalars()
                .all()
            )
        seconds: list[float] = []
        for n in range(args.comments):
            place = places[n % len(places)]
            written = datetime.now(UTC).replace(microsecond=0)
            before = len(fake.state.sent)
            files.ingest_file(
                ctx,
                write_jsonl(
                    Path(folder) / f"m{n}.jsonl",
                    [
                        message(
                            n,
                            f"sampah numpuk di kel. {place.lower()} udah 4 hari ga diangkut",
                            time=written.isoformat(),
                        )
                    ],
                ),
            )
            if len(fake.state.sent) > before:
                seconds.append(fake.state.sent[-1].at - written.timestamp())
        with ctx.engine.connect() as conn:
            cases = conn.execute(sa.select(sa.func.count()).select_from(t.cases)).scalar_one()
        ctx.close()
        print(
            f"comments: {args.comments}, cases opened: {cases} (the others joined an open case "
            f"about the same problem nearby), notifications accepted: {len(seconds)}"
        )
        if seconds:
            ordered = sorted(seconds)
            p90 = ordered[max(0, round(0.9 * len(ordered)) - 1)]
            print(
                f"comment -> officer's WhatsApp (seconds, the comment's time is whole seconds): "
                f"median {statistics.median(ordered):.2f}, p90 {p90:.2f}, max {ordered[-1]:.2f}"
            )
        report = create_context(
            replace(fake_settings(base, fake), log_format="console", log_level="WARNING"),
            clock=SystemClock(),
            load_entrypoints=False,
        )
        print(notify_whatsapp.latency_report(report).line())
        report.close()


if __name__ == "__main__":
    main()
