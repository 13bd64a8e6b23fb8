"""Cases and their audit trail, ticket counters, deadline clocks, SLA policies, reply
templates and the policy revisions."""

from __future__ import annotations

import sqlalchemy as sa

from paseban.storage.tables.base import city_column, metadata
from paseban.storage.types import UtcDateTime

cases = sa.Table(
    "cases",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("ticket", sa.String(30), nullable=False, unique=True),
    sa.Column("status", sa.String(30), nullable=False),
    sa.Column("topic", sa.String(40), sa.ForeignKey("topics.code"), nullable=True),
    sa.Column("urgency", sa.String(20), nullable=False, default="normal"),
    sa.Column("kelurahan", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=True),
    sa.Column("kecamatan", sa.String(13), sa.ForeignKey("wilayah.code"), nullable=True),
    sa.Column("opd", sa.String(40), sa.ForeignKey("opds.code"), nullable=True),
    sa.Column("route_rule", sa.String(100), nullable=True),
    sa.Column("title", sa.Text, nullable=False, default=""),
    sa.Column("report_count", sa.Integer, nullable=False, default=1),
    sa.Column("opened_at", UtcDateTime, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("version", sa.Integer, nullable=False, default=1),
    sa.Column("is_sample", sa.Boolean, nullable=False, default=False),
    # --- complaint lifecycle (migration 0003) ---
    sa.Column("last_report_at", UtcDateTime, nullable=True),
    sa.Column("street", sa.String(200), nullable=True),
    sa.Column("landmark", sa.String(200), nullable=True),
    sa.Column("address", sa.String(500), nullable=True),
    sa.Column("lat", sa.Float, nullable=True),
    sa.Column("lon", sa.Float, nullable=True),
    sa.Column("media_url", sa.String(500), nullable=True),
    sa.Column("keywords", sa.Text, nullable=False, server_default=""),
    sa.Column("platforms", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("stage", sa.String(20), nullable=True),
    sa.Column("due_at", UtcDateTime, nullable=True, index=True),
    sa.Column("escalation_level", sa.SmallInteger, nullable=False, server_default="0"),
    sa.Column("returned_by", sa.JSON, nullable=False, server_default="[]"),
    sa.Column("public_note", sa.Text, nullable=True),
    # case ids; no foreign key, so that adding them never rebuilds the cases table on SQLite
    sa.Column("merged_into", sa.Integer, nullable=True),
    sa.Column("split_from", sa.Integer, nullable=True),
    city_column(),  # the kota/kabupaten the case belongs to (migration 0022)
)

case_events = sa.Table(
    "case_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("action", sa.String(30), nullable=False),
    sa.Column("from_status", sa.String(30), nullable=True),
    sa.Column("to_status", sa.String(30), nullable=False),
    sa.Column("at", UtcDateTime, nullable=False),
    sa.Column("actor", sa.String(100), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    sa.Column("data", sa.JSON, nullable=True),
    sa.Column("public_note", sa.Text, nullable=True),  # shown to citizens (migration 0003)
)

# a kelurahan or kecamatan admin asks Diskominfo to send a case to another OPD (migration 0010)
reroute_requests = sa.Table(
    "reroute_requests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("requested_by", sa.String(100), nullable=False),
    sa.Column("requested_at", UtcDateTime, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("suggested_opd", sa.String(40), sa.ForeignKey("opds.code"), nullable=True),
    sa.Column("status", sa.String(20), nullable=False, index=True),  # open, accepted, declined
    sa.Column("decided_by", sa.String(100), nullable=True),
    sa.Column("decided_at", UtcDateTime, nullable=True),
    sa.Column("decision_note", sa.Text, nullable=True),
)

ticket_counters = sa.Table(
    "ticket_counters",
    metadata,
    sa.Column("period", sa.String(20), primary_key=True),  # BGR-2611
    sa.Column("last", sa.Integer, nullable=False),
)

# The case lists and counts read these instead of the case rows (bench/national.py, migrations
# 0021 and 0023): each ends with `city`, which every city-scoped statement filters on, so that
# the scans stay index-only in a deployment of several cities. The single-column indexes that
# one of these begins with were dropped (0023): every index is written on every case change.
sa.Index("ix_cases_status_opened", cases.c.status, cases.c.opened_at, cases.c.city)

# the open cases counted per OPD and stage, overdue or not, with the oldest and the urgent ones
# (the command centre, /opd)
sa.Index(
    "ix_cases_open_opd",
    cases.c.status,
    cases.c.opd,
    cases.c.stage,
    cases.c.due_at,
    cases.c.opened_at,
    cases.c.urgency,
    cases.c.city,
)

# the open cases per kecamatan and kelurahan (the command centre's map)
sa.Index(
    "ix_cases_status_place", cases.c.status, cases.c.kecamatan, cases.c.kelurahan, cases.c.city
)

# the OPD overview, a kelurahan's cases, the map of a period and of a topic
sa.Index(
    "ix_cases_opd_status_opened",
    cases.c.opd,
    cases.c.status,
    cases.c.opened_at,
    cases.c.urgency,
    cases.c.city,
)
sa.Index(
    "ix_cases_kelurahan_opened",
    cases.c.kelurahan,
    cases.c.opened_at,
    cases.c.status,
    cases.c.urgency,
    cases.c.topic,
    cases.c.city,
)
sa.Index(
    "ix_cases_opened_place",
    cases.c.opened_at,
    cases.c.kecamatan,
    cases.c.kelurahan,
    cases.c.status,
    cases.c.urgency,
    cases.c.topic,
    cases.c.city,
)
# the case list filtered by kecamatan (and urgency, status, topic or OPD) counts index-only
sa.Index(
    "ix_cases_kecamatan_filters",
    cases.c.kecamatan,
    cases.c.urgency,
    cases.c.status,
    cases.c.topic,
    cases.c.opd,
    cases.c.city,
)
sa.Index(
    "ix_cases_topic_place",
    cases.c.topic,
    cases.c.kelurahan,
    cases.c.status,
    cases.c.urgency,
    cases.c.opened_at,
    cases.c.city,
)

case_stages = sa.Table(
    "case_stages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("case_id", sa.Integer, sa.ForeignKey("cases.id"), nullable=False, index=True),
    sa.Column("stage", sa.String(20), nullable=False),
    sa.Column("started_at", UtcDateTime, nullable=False),
    sa.Column("due_at", UtcDateTime, nullable=False),
    sa.Column("escalate_at", UtcDateTime, nullable=False),
    sa.Column("sweep_at", UtcDateTime, nullable=True, index=True),  # null: nothing left to do
    sa.Column("escalation_level", sa.SmallInteger, nullable=False, default=0),
    sa.Column("finished_at", UtcDateTime, nullable=True),
    sa.Column("breached", sa.Boolean, nullable=True),  # set when the stage ends
    # false: ended by a re-assignment to another OPD, counted for nobody (migration 0010)
    sa.Column("judged", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("policy", sa.JSON, nullable=False),  # the policy that set the deadline
)

sla_policies = sa.Table(
    "sla_policies",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("stage", sa.String(20), nullable=False),
    # topic and urgency codes (None: any), checked on save; the defaults are stored by the
    # migration, before any reference data exists, so no foreign keys here
    sa.Column("topic", sa.String(40), nullable=True),
    sa.Column("urgency", sa.String(40), nullable=True),
    sa.Column("amount", sa.Integer, nullable=False),
    sa.Column("unit", sa.String(20), nullable=False),
    sa.Column("escalate_after", sa.Integer, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
    # the city whose policy it is (migration 0024); NULL: stored before the first city was
    # loaded (the defaults the migrations seed), claimed by the first city when it is
    city_column(nullable=True),
)

reply_templates = sa.Table(
    "reply_templates",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event", sa.String(30), nullable=False),
    sa.Column("topic", sa.String(40), sa.ForeignKey("topics.code"), nullable=True),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("updated_at", UtcDateTime, nullable=False),
    sa.Column("updated_by", sa.String(100), nullable=False),
    city_column(nullable=True),  # as sla_policies.city (migration 0024)
)

policy_revisions = sa.Table(
    "policy_revisions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("kind", sa.String(30), nullable=False),  # routing_rule, sla_policy, reply_template
    sa.Column("key", sa.String(200), nullable=False),
    sa.Column("data", sa.JSON, nullable=True),  # the new state; null when deleted
    sa.Column("changed_at", UtcDateTime, nullable=False),
    sa.Column("changed_by", sa.String(100), nullable=False),
    sa.Column("note", sa.Text, nullable=False, default=""),
    # the city whose policy changed (migration 0024); NULL: written before 0024 or before the
    # first city was loaded (append-only, so never filled in): the first city's
    city_column(nullable=True),
    sa.Index("ix_policy_revisions_kind_key", "kind", "key"),
)
