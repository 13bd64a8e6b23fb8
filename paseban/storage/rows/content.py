"""The rows of the content desk: programmes and campaigns, posts and their approval trail,
kelurahan profiles, and the admin network (rosters, training sessions, before and after).

Where a page shows a pure value of `paseban.content` (a post's media as the checker sees them,
a kelurahan profile), the row carries that value as it is."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypedDict

from paseban.content.media import PostMedia
from paseban.content.stories import Profile, Prompt
from paseban.storage.rows.content_media import KitAssetRow, PostMediaRow
from paseban.storage.rows.people import AccountRow


class ProgramRow(TypedDict):
    """`programs`, one of the city's programmes the content desk writes about, with the name of
    the OPD that owns it."""

    id: int
    code: str
    city: str  # the kota/kabupaten (its owner OPD's)
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
    city: str  # the kota/kabupaten whose accounts it targets
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


class CampaignAccountRow(TypedDict):
    """How one targeted account carried a campaign (`campaigns.participation`)."""

    account: AccountRow
    state: str
    state_label: str
    published_at: datetime | None
    engagements: int | None  # likes + comments + shares (+ saves) of its campaign posts
    reach: int | None
    reminder_due: bool
    assets_published: list[str]  # the kit's variants that went out in its posts


class CampaignDetailRow(CampaignListRow):
    """One campaign for its page (`programs.campaign_detail`): its kit, programme, and each
    account this person sees."""

    assets: list[KitAssetRow]  # the kit's media, in order
    captions: dict[str, str]  # platform -> the kit's caption there
    program: ProgramRow | None
    accounts: list[CampaignAccountRow]


class PostRow(TypedDict):
    """`content_posts`, one draft or post of an official account: its text, plan, approval
    state, publication and the checker's last report."""

    id: int
    account_id: int
    content_type: str
    title: str
    body: str
    pillar: str | None
    program_id: int | None
    campaign_id: int | None
    source_message_id: int | None
    status: str
    planned_on: date | None  # the calendar day for an unscheduled draft
    scheduled_at: datetime | None
    published_at: datetime | None
    outbox_id: int | None
    external_id: str | None  # the platform's post id
    permalink: str | None
    quality_score: int | None
    quality: dict[str, Any] | None  # the checker's last report (JSON)
    metrics: dict[str, Any] | None  # likes, comments, shares, saves, reach, views
    metrics_at: datetime | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    version: int
    is_sample: bool
    cover_media_id: int | None
    cover_offset_ms: int | None
    platform_options: dict[str, Any] | None  # what the platform asks for every post (JSON)


class PostListRow(PostRow):
    """A post in the content list: its account and its status in words."""

    account: AccountRow
    status_label: str


class ContentEventRow(TypedDict):
    """`content_events`, one step of a post's approval trail."""

    id: int
    post_id: int
    action: str
    from_status: str | None
    to_status: str
    at: datetime
    actor: str
    note: str
    data: dict[str, Any] | None


class PostProgramRow(TypedDict):
    id: int
    code: str
    name: str


class PostCampaignRow(TypedDict):
    id: int
    code: str
    title: str


class PostDetailRow(PostListRow):
    """One post for its page, the API and the CLI (`posts.get_post`): its trail, media,
    programme and campaign, and what this person may do with it."""

    content_type_label: str
    policy: str  # the approval policy that applies, in words
    events: list[ContentEventRow]
    media: list[PostMediaRow]
    post_media: PostMedia  # the same media as the checker sees them
    program: PostProgramRow | None
    campaign: PostCampaignRow | None
    can_edit: bool
    is_author: bool  # may schedule, mark published, cancel
    can_review: bool


class ProfileSummaryRow(TypedDict):
    """A kelurahan in the profiles list: how complete its profile is."""

    code: str
    name: str
    kecamatan: str  # its name
    completeness: int  # percent
    missing: int  # fields still empty
    is_sample: bool


class ProfilePageRow(TypedDict):
    """One kelurahan's profile for its page (`stories.get_profile`)."""

    profile: Profile
    fields: tuple[tuple[str, str, str], ...]
    prompts: list[Prompt]  # what to fill in next
    completeness: int
    can_edit: bool
    updated_at: datetime | None
    updated_by: str | None
    story_prompts: tuple[tuple[str, str], ...]


class AccountAdminRow(TypedDict):
    """`account_admins`, a person who runs an official account, with their username and last
    training."""

    id: int
    account_id: int
    user_id: int | None
    name: str
    position: str  # jubir digital, staf
    since: date | None
    until: date | None
    active: bool
    is_sample: bool
    username: str | None
    last_training: datetime | None


class RosterRow(AccountRow):
    """An account this person sees, with its active admins (`network.roster`)."""

    admins: list[AccountAdminRow]


class TrainingSessionRow(TypedDict):
    """`training_sessions`, a training or kopdar, with its check-in code and window."""

    id: int
    kind: str  # pelatihan, kopdar
    city: str  # the kota/kabupaten (its creator's, or its kecamatan's)
    title: str
    held_at: datetime
    place: str
    kecamatan: str | None
    notes: str
    checkin_code: str
    checkin_opens_at: datetime
    checkin_closes_at: datetime
    created_by: str
    is_sample: bool


class SessionListRow(TrainingSessionRow):
    attendees: int
    kind_label: str


class AttendeeRow(TypedDict):
    username: str
    full_name: str
    role: str
    scope_code: str | None
    checked_in_at: datetime
    method: str  # kode, qr, manual


class SessionDetailRow(TrainingSessionRow):
    """One session for its page (`network.get_session`): who checked in."""

    kind_label: str
    people: list[AttendeeRow]


class AccountMeasuresRow(TypedDict):
    """An account's work in a window (`network.before_after`)."""

    quality: float | None  # the drafts' mean checker score
    drafts: int
    posts: int  # published
    reply_minutes: int | None  # median, from the citizen's message to the sent reply
    replies: int


class MeasureChangeRow(TypedDict):
    """After minus before; None where either side has no figure."""

    quality: float | None
    posts: int | None
    reply_minutes: int | None


class BeforeAfterAccountRow(TypedDict):
    account: AccountRow
    admin: str  # the attendee who runs it
    before: AccountMeasuresRow
    after: AccountMeasuresRow
    delta: MeasureChangeRow


class BeforeAfterRow(TypedDict):
    """Did the accounts whose admins attended a session improve (`network.before_after`)?"""

    session: TrainingSessionRow
    window_days: int
    running: bool  # the after-window has not ended yet
    rows: list[BeforeAfterAccountRow]


class QuietAlertRow(TypedDict):
    """`quiet_alerts`, an account that posted or answered nothing for too long, with the
    account's names (`publishing.quiet_alerts`)."""

    id: int
    account_id: int
    kind: str  # no_post, no_answer
    since: datetime  # the last post / the oldest waiting message
    days: int  # the threshold when flagged
    kecamatan: str | None  # who is told, besides Diskominfo
    flagged_at: datetime
    resolved_at: datetime | None
    dedupe_key: str
    handle: str
    name: str
    platform: str
    owner_kind: str
    owner_code: str
    acc: int  # the account's id again, as the join names it
    kind_label: str
    quiet_days: int  # since `since`, today


class StoryIdeaRow(TypedDict):
    """A story idea from citizens' praise and information in one kelurahan
    (`stories.story_ideas`): masked text only."""

    kelurahan: str
    kelurahan_name: str
    message_ids: list[int]
    headline: str
    why: str
    score: float
    examples: list[str]
