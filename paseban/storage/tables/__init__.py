"""SQLAlchemy Core tables, one module per context (the same rooms as services/). Every change
here ships with an Alembic migration; code reads them as `tables.cases`, `tables.messages`, ..."""

from __future__ import annotations

from paseban.storage.tables.base import metadata as metadata
from paseban.storage.tables.cases import (
    case_events as case_events,
)
from paseban.storage.tables.cases import (
    case_stages as case_stages,
)
from paseban.storage.tables.cases import (
    cases as cases,
)
from paseban.storage.tables.cases import (
    policy_revisions as policy_revisions,
)
from paseban.storage.tables.cases import (
    reply_templates as reply_templates,
)
from paseban.storage.tables.cases import (
    reroute_requests as reroute_requests,
)
from paseban.storage.tables.cases import (
    sla_policies as sla_policies,
)
from paseban.storage.tables.cases import (
    ticket_counters as ticket_counters,
)
from paseban.storage.tables.content import (
    account_admins as account_admins,
)
from paseban.storage.tables.content import (
    campaign_targets as campaign_targets,
)
from paseban.storage.tables.content import (
    campaigns as campaigns,
)
from paseban.storage.tables.content import (
    content_events as content_events,
)
from paseban.storage.tables.content import (
    content_policies as content_policies,
)
from paseban.storage.tables.content import (
    content_posts as content_posts,
)
from paseban.storage.tables.content import (
    kelurahan_profiles as kelurahan_profiles,
)
from paseban.storage.tables.content import (
    programs as programs,
)
from paseban.storage.tables.content import (
    quiet_alerts as quiet_alerts,
)
from paseban.storage.tables.content import (
    training_attendance as training_attendance,
)
from paseban.storage.tables.content import (
    training_sessions as training_sessions,
)
from paseban.storage.tables.content_media import (
    campaign_assets as campaign_assets,
)
from paseban.storage.tables.content_media import (
    campaign_captions as campaign_captions,
)
from paseban.storage.tables.content_media import (
    content_post_media as content_post_media,
)
from paseban.storage.tables.content_media import (
    media_items as media_items,
)
from paseban.storage.tables.ingest import (
    analysis_corrections as analysis_corrections,
)
from paseban.storage.tables.ingest import (
    connector_cursors as connector_cursors,
)
from paseban.storage.tables.ingest import (
    job_runs as job_runs,
)
from paseban.storage.tables.ingest import (
    message_revisions as message_revisions,
)
from paseban.storage.tables.ingest import (
    messages as messages,
)
from paseban.storage.tables.ingest import (
    outbox as outbox,
)
from paseban.storage.tables.ingest import (
    rate_windows as rate_windows,
)
from paseban.storage.tables.ingest import (
    raw_events as raw_events,
)
from paseban.storage.tables.measurement import (
    RESPONSE_BUCKETS as RESPONSE_BUCKETS,
)
from paseban.storage.tables.measurement import (
    account_snapshots as account_snapshots,
)
from paseban.storage.tables.measurement import (
    activity_rollups as activity_rollups,
)
from paseban.storage.tables.measurement import (
    alerts as alerts,
)
from paseban.storage.tables.measurement import (
    case_photo_pairs as case_photo_pairs,
)
from paseban.storage.tables.measurement import (
    field_visits as field_visits,
)
from paseban.storage.tables.measurement import (
    measurement_cursors as measurement_cursors,
)
from paseban.storage.tables.measurement import (
    open311_keys as open311_keys,
)
from paseban.storage.tables.measurement import (
    post_metrics as post_metrics,
)
from paseban.storage.tables.measurement import (
    resolution_rollups as resolution_rollups,
)
from paseban.storage.tables.measurement import (
    response_facts as response_facts,
)
from paseban.storage.tables.measurement import (
    response_histograms as response_histograms,
)
from paseban.storage.tables.measurement import (
    response_rollups as response_rollups,
)
from paseban.storage.tables.measurement import (
    sla_rollups as sla_rollups,
)
from paseban.storage.tables.onboarding import (
    account_health as account_health,
)
from paseban.storage.tables.onboarding import (
    oauth_attempts as oauth_attempts,
)
from paseban.storage.tables.onboarding import (
    officer_notifications as officer_notifications,
)
from paseban.storage.tables.onboarding import (
    whatsapp_templates as whatsapp_templates,
)
from paseban.storage.tables.people import (
    account_credentials as account_credentials,
)
from paseban.storage.tables.people import (
    accounts as accounts,
)
from paseban.storage.tables.people import (
    api_tokens as api_tokens,
)
from paseban.storage.tables.people import (
    audit_events as audit_events,
)
from paseban.storage.tables.people import (
    login_attempts as login_attempts,
)
from paseban.storage.tables.people import (
    login_counters as login_counters,
)
from paseban.storage.tables.people import (
    saved_filters as saved_filters,
)
from paseban.storage.tables.people import (
    sessions as sessions,
)
from paseban.storage.tables.people import (
    users as users,
)
from paseban.storage.tables.reference import (
    cities as cities,
)
from paseban.storage.tables.reference import (
    holidays as holidays,
)
from paseban.storage.tables.reference import (
    intents as intents,
)
from paseban.storage.tables.reference import (
    landmarks as landmarks,
)
from paseban.storage.tables.reference import (
    opds as opds,
)
from paseban.storage.tables.reference import (
    parameters as parameters,
)
from paseban.storage.tables.reference import (
    routing_rules as routing_rules,
)
from paseban.storage.tables.reference import (
    streets as streets,
)
from paseban.storage.tables.reference import (
    topics as topics,
)
from paseban.storage.tables.reference import (
    urgencies as urgencies,
)
from paseban.storage.tables.reference import (
    wilayah as wilayah,
)
