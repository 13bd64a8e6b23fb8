"""The rows of the cases context: a case as the lists, its page and the hooks see it, its
events and clocks, the public tracking page, routing rules and policy revisions, a case's outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict


class CaseRow(TypedDict):
    """`cases`, one complaint: its lifecycle state, place, routing and deadline."""

    id: int
    ticket: str
    status: str
    topic: str | None
    urgency: str
    kelurahan: str | None
    kecamatan: str | None
    opd: str | None
    route_rule: str | None
    title: str
    report_count: int
    opened_at: datetime
    updated_at: datetime
    version: int
    is_sample: bool
    last_report_at: datetime | None
    street: str | None
    landmark: str | None
    address: str | None
    lat: float | None
    lon: float | None
    media_url: str | None
    keywords: str
    platforms: list[str]
    stage: str | None
    due_at: datetime | None
    escalation_level: int
    returned_by: list[str]
    public_note: str | None
    merged_into: int | None
    split_from: int | None
    city: str  # the kota/kabupaten (migration 0022)


class CaseListRow(CaseRow):
    """A case as the lists show it: with the names of its places, OPD and topic."""

    kelurahan_name: str | None
    kecamatan_name: str | None
    opd_name: str | None
    topic_name: str | None


class CaseDetailRow(CaseListRow):
    """One case for its page, the API and the CLI: the list's names and the OPD's kind."""

    opd_kind: str | None


class CaseEventRow(TypedDict):
    """`case_events`, one line of a case's audit trail; what the `case_event` hook receives."""

    id: int
    case_id: int
    action: str
    from_status: str | None
    to_status: str
    at: datetime
    actor: str
    note: str
    public_note: str | None
    data: dict[str, Any] | None


class CaseStageRow(TypedDict):
    """`case_stages`, one running or finished deadline clock of a case (the case page's clocks)."""

    id: int
    case_id: int
    stage: str
    started_at: datetime
    due_at: datetime
    escalate_at: datetime
    sweep_at: datetime | None
    escalation_level: int
    finished_at: datetime | None
    breached: bool | None
    judged: bool
    policy: dict[str, Any]


class OpdLoadRow(TypedDict):
    """One OPD's open cases in a scope: how many, how many urgent, and the oldest's opening."""

    code: str
    name: str
    kind: str
    open: int
    urgent: int
    oldest: datetime | None


class PublicEventRow(TypedDict):
    """A line of the public tracking page's timeline: what a citizen may see of an event."""

    at: datetime
    action: str
    status: str
    public_note: str | None
    media_url: str | None
    opd: str | None


class CaseMessageRow(TypedDict):
    """A citizen message that joined a case, as the case page shows it (masked text only)."""

    id: int
    platform: str
    masked_text: str | None
    posted_at: datetime
    account_id: int
    account_handle: str


class PublicTimelineRow(PublicEventRow):
    """A public timeline line as the tracking page shows it: names, and the note masked."""

    status_label: str
    opd_name: str | None


class PublicCaseRow(TypedDict):
    """What anyone with the tracking link sees of a case (`cases.reads.public_case`): no
    reporter, no staff name, the city's notes and the title masked."""

    ticket: str
    status: str
    status_label: str
    title: str
    topic: str | None
    topic_name: str | None
    kelurahan_name: str | None
    kecamatan_name: str | None
    city_name: str | None  # the case's kota/kabupaten: "Kabupaten Bogor"
    opd: str | None
    opd_name: str | None
    report_count: int
    opened_at: datetime
    updated_at: datetime
    stage: str | None
    stage_label: str | None
    due_at: datetime | None
    overdue: bool
    public_note: str | None
    merged_into: str | None  # the ticket it joined
    merged_into_key: str | None  # that ticket's tracking key
    timeline: list[PublicTimelineRow]


class RoutingRuleRow(TypedDict):
    """`routing_rules`: which OPD a case goes to when its condition matches."""

    id: int
    name: str
    priority: int
    condition: dict[str, Any]
    assign_to: str
    active: bool
    notes: str
    updated_at: datetime
    updated_by: str
    city: str  # each city has its own rules (migration 0022)


class PolicyRevisionRow(TypedDict):
    """`policy_revisions`: one change to a routing rule, SLA policy or reply template."""

    id: int
    kind: str  # routing_rule, sla_policy, reply_template
    key: str
    data: Any  # the new state as JSON; None when deleted
    changed_at: datetime
    changed_by: str
    note: str
    city: str | None  # the city whose policy changed (migration 0024)


class OutboxRow(TypedDict):
    """`outbox`: a reply or post waiting to be sent, being sent, or done."""

    id: int
    platform: str
    account_id: int | None
    in_reply_to_message_id: int | None
    kind: str  # reply, post
    text: str
    status: str  # pending, sent, failed, cancelled
    attempts: int
    next_attempt_at: datetime | None
    last_error: str | None
    dedupe_key: str
    created_at: datetime
    sent_at: datetime | None
    external_id: str | None
    progress: dict[str, Any] | None  # a stepwise media post's containers and sessions
    permalink: str | None


class RerouteRequestRow(TypedDict):
    """`reroute_requests`, an OPD's or an area's request to send a case elsewhere, with the
    case's ticket, status, title and OPD, and the names of both OPDs (`reassign.requests`)."""

    id: int
    case_id: int
    requested_by: str
    requested_at: datetime
    reason: str
    suggested_opd: str | None
    status: str  # open, accepted, declined
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    ticket: str
    case_status: str
    title: str
    opd: str | None
    opd_name: str | None
    suggested_name: str | None
