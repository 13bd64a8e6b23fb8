"""Every extension point: one typed function and one docstring each (docs/plugins.md)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pluggy import HookimplMarker, HookspecMarker

if TYPE_CHECKING:
    from paseban.connectors.base import AccountRef
    from paseban.connectors.connector import Connector
    from paseban.connectors.media_post import MediaPost
    from paseban.context import Context
    from paseban.jobs import JobSpec
    from paseban.measurement.metrics import AccountMetrics
    from paseban.settings import Settings
    from paseban.storage.rows.cases import CaseEventRow
    from paseban.storage.rows.ingest import AnalysisRow
    from paseban.storage.rows.measurement import AlertRow
    from paseban.storage.rows.people import AccountRow

hookspec = HookspecMarker("paseban")
hookimpl = HookimplMarker("paseban")


@hookspec
def register_jobs(settings: Settings) -> list[JobSpec]:
    """Return the background jobs this plugin provides (name, function, schedule). `settings`
    holds what a schedule depends on (PASEBAN_SLA_SWEEP_SECONDS); an implementation that needs
    none leaves the argument out."""


@hookspec
def register_connectors(settings: Settings) -> list[Connector]:
    """Return the platform connectors this plugin provides, built from the settings (their
    secrets and API versions): one object per platform that verifies and parses its webhook
    deliveries, polls, sends replies and posts, reads account metrics and renews tokens. The
    built-in ones (paseban.connectors.meta, whatsapp, x, youtube, tiktok) register here too."""


@hookspec
def case_event(ctx: Context, case_id: int, event: CaseEventRow) -> None:
    """Called after a case change is committed: reply to the citizen, notify, count."""


@hookspec
def message_analyzed(ctx: Context, message_id: int, analysis: AnalysisRow) -> None:
    """Called after a citizen message has been analysed and stored."""


@hookspec
def campaign_reminder(ctx: Context, campaign_id: int, account_ids: list[int]) -> None:
    """Called when target accounts have not yet posted a running campaign (content, issue 8):
    deliver the reminder (e-mail, WhatsApp, ...). The dashboard shows it in any case."""


@hookspec
def early_warning(ctx: Context, alert: AlertRow) -> None:
    """Called once when the early-warning job raises a new alert (a spike of complaints on one
    topic in one kelurahan or kecamatan), after it is stored: deliver it to Diskominfo and the
    alert's OPD (WhatsApp, e-mail, a siren in the command centre). `alert` holds id, topic,
    topic_name, level, area, area_name, opd, count, expected, p_value, message_ids, raised_at,
    is_sample. The dashboard shows it in any case (the menu's badge and /peringatan)."""


@hookspec
def report_written(
    ctx: Context, kind: str, period: str, paths: list[str], city: str | None
) -> None:
    """Called once when the `write_reports` job has written a weekly or monthly report (`kind`
    weekly/monthly, `period` like 2026-W47 or 2026-10, `paths` the files: HTML, PDF, XLSX, CSV):
    deliver it to the Wali Kota and leadership (e-mail, a shared drive). `city` is the city
    whose report it is in a province's deployment (each city has its own), None for the
    deployment's (one city) or the province's of every city. An implementation may leave
    `city` out of its arguments. The dashboard's /laporan shows it in any case."""


@hookspec(firstresult=True)
def collect_account_metrics(ctx: Context, account: AccountRow) -> AccountMetrics | None:
    """Today's figures of one official account from its platform (followers, posts, reach or
    views, interactions per recent post), or None when this plugin cannot read that platform."""


@hookspec(firstresult=True)
def outbox_media(ctx: Context, outbox_id: int, account: AccountRef, text: str) -> MediaPost | None:
    """The pictures or video of the post an outbox row publishes (each with its signed public
    URL and a reader of its bytes), or None when the row carries none (a text post, a reply).
    The outbox asks before each send, so that the stepwise publishers of the connectors can
    publish carousels, photos and videos (issue 18)."""
