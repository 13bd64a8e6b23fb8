"""The shapes of the rows that leave storage: what services return to web/ and cli/, and what
hooks receive. They are TypedDicts because rows are passed through as they are read (a page or
a plugin reads `case["ticket"]`), and mypy then checks every key a reader names. Inside storage
and the services' SQL a row is still a mapping; `row()` is the one place it becomes typed.

Each shape lists the columns of its table (`tables/`) and the names a read joins to them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, TypedDict, TypeVar, cast

R = TypeVar("R")


def row(shape: type[R], mapping: Mapping[Any, Any]) -> R:
    """A row read from the database as the TypedDict `shape` (a plain dict: templates, JSON and
    `dict(...)` treat it as before)."""
    return cast(R, dict(mapping))


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


class InboxMessageRow(TypedDict):
    """A citizen message as the inbox and its pages show it: the message, its analysis, its
    state in the inbox, and the names of its account, case and kelurahan."""

    id: int
    platform: str
    kind: str
    author: str
    text: str
    masked_text: str | None
    posted_at: datetime
    received_at: datetime
    analyzed_at: datetime | None
    intent: str | None
    topic: str | None
    urgency: str | None
    kelurahan: str | None
    kecamatan: str | None
    place_source: str | None
    place_detail: dict[str, Any] | None
    confidence: dict[str, float] | None
    reasons: dict[str, str] | None
    needs_review: bool
    case_id: int | None
    inbox_state: str
    handled_at: datetime | None
    handled_by: str | None
    account_id: int
    is_sample: bool
    edited_at: datetime | None  # the citizen edited it on the platform (the old text: history)
    deleted_at: datetime | None  # the citizen removed it; its case goes on
    standby: bool  # another app (Business Suite) owned the conversation
    account_handle: str
    account_name: str
    account_owner: str
    ticket: str | None
    case_status: str | None
    case_opd: str | None
    case_opd_name: str | None
    case_due_at: datetime | None
    case_report_count: int | None
    kelurahan_name: str | None


class AccountRow(TypedDict):
    """`accounts`, one official account; what `collect_account_metrics` receives."""

    id: int
    platform: str
    handle: str
    platform_account_id: str | None
    owner_kind: str
    owner_code: str
    name: str
    active: bool
    is_sample: bool
    created_at: datetime


class AccountChoiceRow(TypedDict):
    """An official account as a filter lists it: enough to name it and pick it."""

    id: int
    platform: str
    handle: str
    name: str


class UserRow(TypedDict):
    """A person who signs in, as the user lists show them (no password hash)."""

    id: int
    username: str
    full_name: str
    role: str
    scope_code: str | None
    email: str | None
    active: bool
    phone: str | None  # WhatsApp notifications (issue 19), as wa_id digits
    phone_opt_in_at: datetime | None
    phone_opt_in_note: str | None
    notify_channel: str


class StoredUserRow(UserRow):
    """`users`, one whole row: what an edit compares before and after."""

    password_hash: str | None
    is_sample: bool
    created_at: datetime


class CasePhotoPairRow(TypedDict):
    """`case_photo_pairs`: a case's photo before and after the work, where each was taken."""

    id: int
    case_id: int
    before_photo: str
    after_photo: str
    before_lat: float | None
    before_lon: float | None
    after_lat: float | None
    after_lon: float | None
    distance_m: float | None  # between the two spots
    uploaded_by: str
    created_at: datetime


class AuditEventRow(TypedDict):
    """`audit_events`, one line of the audit trail: who did what to which thing, and from where."""

    id: int
    at: datetime
    actor: str
    actor_kind: str  # user, token, system, cli
    action: str
    target_kind: str | None
    target_id: str | None
    ip: str | None
    detail: Any  # the action's own JSON (before and after, counts, reasons), or None


class AlertRow(TypedDict):
    """`alerts` with the names of its topic and area; what the `early_warning` hook receives."""

    id: int
    topic: str
    level: str
    area: str
    opd: str | None
    count: int
    expected: float
    p_value: float
    message_ids: list[int]
    window_start: datetime
    window_end: datetime
    status: str
    raised_at: datetime
    updated_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    is_sample: bool
    topic_name: str
    area_name: str


class AnalysisRow(TypedDict):
    """What the analysis stores on a message; what the `message_analyzed` hook receives."""

    case_id: int | None
    analyzed_at: datetime
    analysis_version: str
    masked_text: str
    intent: str | None
    topic: str | None
    urgency: str | None
    kelurahan: str | None
    kecamatan: str | None
    place_source: str | None
    place_detail: dict[str, Any] | None
    confidence: dict[str, float] | None
    reasons: dict[str, str] | None
    needs_review: bool


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


class PolicyRevisionRow(TypedDict):
    """`policy_revisions`: one change to a routing rule, SLA policy or reply template."""

    id: int
    kind: str  # routing_rule, sla_policy, reply_template
    key: str
    data: Any  # the new state as JSON; None when deleted
    changed_at: datetime
    changed_by: str
    note: str


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


class TrainingCorrectionRow(TypedDict):
    """A corrected message with its labels after every correction (the model's training)."""

    id: int
    text: str
    intent: str | None
    topic: str | None
    urgency: str | None
    kelurahan: str | None
    kecamatan: str | None
    platform: str


class PhotoPairListRow(CasePhotoPairRow):
    """A before/after pair with its case's ticket, title, place and names (fieldwork lists)."""

    ticket: str
    title: str
    kelurahan: str | None
    kecamatan: str | None
    opd: str | None
    kelurahan_name: str | None
    topic_name: str | None
    opd_name: str | None


class AlertListRow(AlertRow):
    """An alert as the lists show it: with the OPD's name when one is responsible."""

    opd_name: str | None


class AlertMessageRow(TypedDict):
    """A message behind an alert: masked text only."""

    id: int
    platform: str
    posted_at: datetime
    masked_text: str | None
    handle: str


class AlertWithMessagesRow(AlertListRow):
    messages: list[AlertMessageRow]


class ReportFileRow(TypedDict):
    """A weekly or monthly report the job wrote to the reports folder."""

    key: str  # 2026-W48 or 2026-11
    kind: str  # weekly, monthly
    formats: list[str]  # html, and pdf / xlsx when written
    written_at: datetime


class ApiTokenRow(TypedDict):
    """`api_tokens` without the hash: what the token list shows."""

    id: int
    name: str
    prefix: str
    role: str
    scope_code: str | None
    permissions: list[str]
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class RecordAccountRow(TypedDict):
    """The official account a stored message arrived on, as the messages API names it."""

    id: int
    handle: str
    platform_account_id: str


class RecordRevisionRow(TypedDict):
    """An edit or removal of a stored message; the texts masked without `pii:read`."""

    kind: str  # edited, deleted
    at: datetime
    received_at: datetime
    old_text: str | None
    new_text: str | None


class RecordAnalysisRow(TypedDict):
    """What the analysis concluded about a stored message."""

    analyzed_at: datetime | None
    version: str | None
    intent: str | None
    topic: str | None
    urgency: str | None
    kelurahan: str | None
    kecamatan: str | None
    confidence: dict[str, float] | None
    needs_review: bool


class MessageRecordRow(TypedDict):
    """A stored message as `GET /api/messages` returns it (`inbox.records.list_records`): the
    original text and the author's name only with `pii:read`."""

    id: int
    platform: str
    external_id: str
    account: RecordAccountRow
    kind: str
    author_id: str | None
    author_alt_id: str | None
    author: str | None
    parent_external_id: str | None
    text: str
    text_is_masked: bool
    media: list[dict[str, Any]]
    posted_at: datetime
    received_at: datetime
    standby: bool
    edited_at: datetime | None
    deleted_at: datetime | None
    deleted_by: str | None
    history: list[RecordRevisionRow]
    analysis: RecordAnalysisRow
    case_ticket: str | None
    inbox_state: str


class ProgramRow(TypedDict):
    """`programs`, one of the city's programmes the content desk writes about, with the name of
    the OPD that owns it."""

    id: int
    code: str
    name: str
    owner_opd: str
    summary: str
    key_messages: list[str]
    facts: list[dict[str, Any]]  # [{text, source, as_of}]
    achievements: list[str]
    hashtags: list[str]
    official_names: list[str]
    misspellings: list[str]
    active: bool
    is_sample: bool
    updated_at: datetime
    updated_by: str
    opd_name: str


class ProgramListRow(ProgramRow):
    published_posts: int  # posts about it that went out


class CampaignRow(TypedDict):
    """`campaigns`: one city-wide message the accounts are asked to carry, for a period."""

    id: int
    code: str
    title: str
    program_id: int | None
    message: str
    facts: list[dict[str, Any]]
    media_links: list[str]
    hashtags: list[str]
    starts_on: date
    ends_on: date
    all_accounts: bool
    is_sample: bool
    created_at: datetime
    created_by: str


class CampaignListRow(CampaignRow):
    """A campaign in the lists: how many of the person's accounts carried it, and whether it
    runs today."""

    summary: dict[str, int]  # participation state -> accounts
    running: bool
