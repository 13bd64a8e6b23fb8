"""The rows of measurement: before/after photos of the fieldwork, early-warning alerts, and the
report archive."""

from __future__ import annotations

from datetime import datetime
from typing import TypedDict


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


class PhotoPairListRow(CasePhotoPairRow):
    """A before/after pair with its case's ticket, title, place and names (fieldwork lists)."""

    ticket: str
    title: str
    kelurahan: str | None
    kecamatan: str | None
    opd: str | None
    city: str  # the case's kota/kabupaten
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


class FieldVisitRow(TypedDict):
    """`field_visits`, one "turun ke lapangan" visit, with the unit's and the kelurahan's names,
    the case's ticket and the officer's name (`fieldwork.visits`)."""

    id: int
    officer: str  # username
    unit_code: str  # kelurahan/kecamatan code or OPD
    kelurahan: str | None
    case_id: int | None
    purpose: str
    visited_at: datetime
    lat: float | None
    lon: float | None
    accuracy_m: float | None
    photo: str | None  # file name under PASEBAN_MEDIA_DIR
    created_at: datetime
    is_sample: bool
    kelurahan_name: str | None
    unit_name: str
    ticket: str | None
    officer_name: str | None
