"""What a platform allows, as data each connector declares: how many requests in which window
and for whom (the app, one user token, one account, the whole Google project), how long a reply
may be, and how long after the citizen's message a reply may still go out. The services read
these (the poll scheduler, the outbox) and never name a platform; the figures and their sources
are in docs/connectors/.

Also the reading of the platforms' own signals: a response that says how much is left
(`x-rate-limit-remaining`), how long to wait (`estimated_time_to_regain_access`) or that the day's
quota is gone becomes a `RateSignal` the scheduler applies to the right budget.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from paseban.domain.fmt import number, waited

PACIFIC = ZoneInfo("America/Los_Angeles")


class LimitScope(StrEnum):
    """Whose calls a limit counts."""

    APP = "app"  # every call of the app, whatever token (X posts per app, a Google project)
    APP_TOKEN = "app_token"  # calls made with the app's shared token (X's app bearer token)
    USER = "user"  # calls made with one account's own token
    ACCOUNT = "account"  # calls about one account, whatever token (Meta's per-Page budget)


class Reset(StrEnum):
    WINDOW = "window"  # a fixed window from its first call (or as the platform says)
    PACIFIC_MIDNIGHT = "pacific_midnight"  # Google's daily quota: 00:00 America/Los_Angeles


class Operation(StrEnum):
    POLL = "poll"  # reading new comments and mentions
    SEND = "send"  # replies and posts
    READ = "read"  # metrics and look-ups (an Instagram mention's text)


@dataclass(frozen=True)
class Limit:
    """At most `capacity` units per `window` in one budget. A request of an operation costs
    `costs[operation]` units; an operation not in `costs` does not count against it. Polls may
    use `poll_share` of the budget: the rest is kept for replies (YouTube's shared quota)."""

    bucket: str  # "mentions", "tweets", "units": budgets of one platform with the same name are one
    scope: LimitScope
    capacity: int | None  # None: the platform states its use in percent on every answer (Meta)
    window: timedelta
    costs: Mapping[str, int]
    reset: Reset = Reset.WINDOW
    poll_share: float = 1.0
    source: str = ""  # the page that documents the figure
    label: str = ""  # what an operator reads on the settings page, in Bahasa Indonesia

    def cost(self, operation: str) -> int:
        return self.costs.get(operation, 0)

    def applies(self, operation: str, *, own_token: bool) -> bool:
        """Whether a call of `operation` made with the account's own token (or, when
        `own_token` is false, with the app's token) counts against this limit."""
        if self.cost(operation) <= 0:
            return False
        if self.scope is LimitScope.USER:
            return own_token
        if self.scope is LimitScope.APP_TOKEN:
            return not own_token
        return True

    def window_at(self, now: datetime) -> tuple[datetime, datetime]:
        """The window a call at `now` falls in, when we start one ourselves."""
        if self.reset is Reset.PACIFIC_MIDNIGHT:
            local = now.astimezone(PACIFIC)
            start = datetime.combine(local.date(), time(0), PACIFIC)
            end = datetime.combine(local.date() + timedelta(days=1), time(0), PACIFIC)
            return start, end
        return now, now + self.window

    def poll_interval(self, sharing: int, *, pages: float = 1.0) -> float:
        """Seconds between two polls of each of `sharing` accounts that share this budget, so
        their polls (of about `pages` requests each) stay inside it."""
        per_poll = self.cost(Operation.POLL) * pages
        allowed = (self.capacity or 0) * self.poll_share
        if per_poll <= 0 or allowed <= 0:
            return 0.0
        return self.window.total_seconds() * max(1, sharing) * per_poll / allowed


@dataclass(frozen=True)
class RateSignal:
    """What one response says about a budget. `bucket` None: the budget of the call that got
    it (the platform's headers describe the token used); a `scope` narrows it (Meta's account
    and app usage headers)."""

    bucket: str | None = None
    scope: LimitScope | None = None
    remaining: int | None = None
    capacity: int | None = None
    reset_at: datetime | None = None
    wait: float | None = None  # seconds: no call before then
    usage_pct: float | None = None  # how much of the budget is used (Meta), 0-100


def next_pacific_midnight(now: datetime) -> datetime:
    """When Google's daily quota comes back."""
    local = now.astimezone(PACIFIC)
    return datetime.combine(local.date() + timedelta(days=1), time(0), PACIFIC)


# --- texts ---------------------------------------------------------------------------------------


def code_points(text: str) -> int:
    return len(text)


def utf8_bytes(text: str) -> int:
    return len(text.encode("utf-8"))


def nfc_code_points(text: str) -> int:
    return len(unicodedata.normalize("NFC", text))


@dataclass(frozen=True)
class TextRule:
    """The longest text a platform takes for one kind of reply or post, in its own unit.
    `documented` False: no figure in the platform's documentation; this one is ours."""

    label: str  # "Instagram DM", as an operator reads it
    limit: int
    unit: str = "karakter"
    measure: Callable[[str], int] = field(default=code_points, compare=False)
    documented: bool = True

    def problem(self, text: str) -> str | None:
        """None when the text fits; otherwise what an operator reads, with the measured length:
        "Instagram DM: 1.043 / 1.000 byte"."""
        size = self.measure(text)
        if size <= self.limit:
            return None
        return f"{self.label}: {number(size)} / {number(self.limit)} {self.unit}"


# --- messaging windows ---------------------------------------------------------------------------


class WindowVerdict(StrEnum):
    OPEN = "open"  # inside the standard window: a plain reply
    TAGGED = "tagged"  # only a person may answer, with the platform's human-agent tag
    CLOSED = "closed"


@dataclass(frozen=True)
class ReplyWindow:
    """How long after the citizen's last message a direct reply may go out: `standard` for any
    reply, `human` for one a person typed (Meta's HUMAN_AGENT tag, when the app has it)."""

    label: str  # "Instagram DM"
    standard: timedelta
    human: timedelta | None = None

    def verdict(
        self, last_inbound_at: datetime | None, now: datetime, *, human: bool, tag: bool
    ) -> WindowVerdict:
        if last_inbound_at is None:
            return WindowVerdict.OPEN  # nothing to measure from: the platform decides
        age = now - last_inbound_at
        if age <= self.standard:
            return WindowVerdict.OPEN
        if human and tag and self.human is not None and age <= self.human:
            return WindowVerdict.TAGGED
        return WindowVerdict.CLOSED

    def problem(
        self, last_inbound_at: datetime | None, now: datetime, *, human: bool, tag: bool
    ) -> str | None:
        """Why a reply cannot go out any more, in words an operator acts on; None when it can."""
        if self.verdict(last_inbound_at, now, human=human, tag=tag) is not WindowVerdict.CLOSED:
            return None
        assert last_inbound_at is not None  # CLOSED needs an age
        age = waited(now - last_inbound_at)
        limit = self.human if (human and tag and self.human is not None) else self.standard
        text = (
            f"{self.label}: pesan terakhir warga {age} yang lalu, lewat batas balasan "
            f"{waited(limit)}"
        )
        if self.human is not None and not (human and tag):
            if human:
                text += (
                    f"; balasan petugas sampai {waited(self.human)} butuh tag HUMAN_AGENT "
                    "(PASEBAN_META_HUMAN_AGENT, setelah lolos App Review)"
                )
            else:
                text += "; balasan otomatis tidak boleh memakai tag HUMAN_AGENT"
        return text + ". Hubungi warga lewat kanal lain atau tunggu ia menulis lagi."
