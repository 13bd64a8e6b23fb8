"""The rows of the content desk: programmes and campaigns."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, TypedDict


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
