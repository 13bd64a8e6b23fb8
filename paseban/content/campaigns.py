"""Campaign kits: Diskominfo's message pushed to accounts, adapted per account, tracked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum

from paseban.connectors.writing import DEFAULT_LIMITS, PlatformLimits
from paseban.content.programs import CODE_PATTERN, HASHTAG_PATTERN, Fact


@dataclass(frozen=True)
class CampaignKit:
    code: str
    title: str
    message: str
    starts_on: date
    ends_on: date
    facts: tuple[Fact, ...] = ()
    media_links: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    program_id: int | None = None
    all_accounts: bool = True
    id: int | None = None
    is_sample: bool = False

    def is_running(self, today: date) -> bool:
        return self.starts_on <= today <= self.ends_on


def validate_kit(kit: CampaignKit) -> list[str]:
    problems: list[str] = []
    if not CODE_PATTERN.match(kit.code):
        problems.append(f"kode kampanye {kit.code!r} tidak sah (huruf kecil, angka, - atau _)")
    if not kit.title.strip():
        problems.append("judul kampanye wajib diisi")
    if len(kit.message.strip()) < 20:
        problems.append("pesan kampanye terlalu pendek (sedikitnya 20 huruf)")
    if kit.ends_on < kit.starts_on:
        problems.append("tanggal selesai lebih awal dari tanggal mulai")
    if (kit.ends_on - kit.starts_on).days > 366:
        problems.append("rentang kampanye lebih dari setahun")
    for tag in kit.hashtags:
        if not HASHTAG_PATTERN.match(tag):
            problems.append(f"tagar {tag!r} tidak sah")
    for link in kit.media_links:
        if not link.startswith(("https://", "http://")):
            problems.append(f"tautan media {link!r} harus diawali https://")
    return problems


def adapt(
    kit: CampaignKit,
    *,
    account_name: str,
    wilayah_name: str = "",
    limits: PlatformLimits = DEFAULT_LIMITS,
) -> str:
    """A first draft of the kit for one account: the message, a local line, the facts that
    fit, and the hashtags, within the platform's ideal length (`limits`: the account's
    platform's, from the connector registry)."""
    tags = " ".join(kit.hashtags[: limits.ideal_hashtags])
    local = f"Warga {wilayah_name}, " if wilayah_name else ""
    parts = [f"{local}{kit.message.strip()}"]
    budget = limits.ideal[1] - len(parts[0]) - len(tags) - 4
    for fact in kit.facts:
        line = f"• {fact.text}"
        if len(line) + 1 > budget:
            break
        parts.append(line)
        budget -= len(line) + 1
    body = "\n".join(parts)
    text = f"{body}\n\n{tags}".strip() if tags else body
    if len(text) > limits.max_chars:
        room = limits.max_chars - len(tags) - 3
        text = f"{body[:room].rstrip()}…\n\n{tags}".strip()
    return text


class Participation(StrEnum):
    BELUM = "belum"  # nothing yet
    KONSEP = "konsep"  # a draft exists
    DITINJAU = "ditinjau"  # waiting for approval
    TERJADWAL = "terjadwal"
    TERBIT = "terbit"


PARTICIPATION_LABELS = {
    Participation.BELUM: "Belum ada",
    Participation.KONSEP: "Masih konsep",
    Participation.DITINJAU: "Menunggu persetujuan",
    Participation.TERJADWAL: "Terjadwal",
    Participation.TERBIT: "Sudah terbit",
}
_RANK = {
    "draft": Participation.KONSEP,
    "returned": Participation.KONSEP,
    "review_kecamatan": Participation.DITINJAU,
    "review_diskominfo": Participation.DITINJAU,
    "approved": Participation.DITINJAU,
    "scheduled": Participation.TERJADWAL,
    "publishing": Participation.TERJADWAL,
    "inbox": Participation.TERJADWAL,  # a draft in the creator's TikTok inbox: not public yet
    "published": Participation.TERBIT,
}
_ORDER = list(Participation)


@dataclass(frozen=True)
class CampaignPost:
    account_id: int
    status: str
    published_at: datetime | None = None
    metrics: Mapping[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class AccountParticipation:
    account_id: int
    state: Participation
    published_at: datetime | None
    engagements: int | None  # likes + comments + shares (+ saves) of its campaign posts
    reach: int | None
    reminder_due: bool


def engagements(metrics: Mapping[str, int]) -> int:
    return sum(int(metrics.get(k, 0) or 0) for k in ("likes", "comments", "shares", "saves"))


def participation(
    kit: CampaignKit,
    targets: Iterable[int],
    posts: Iterable[CampaignPost],
    *,
    today: date,
    reminded: Mapping[int, datetime | None] | None = None,
    remind_every: timedelta = timedelta(days=2),
    now: datetime | None = None,
) -> list[AccountParticipation]:
    """Per target account: how far it got, when it posted, how the post did, and whether a
    reminder is due (running kit, not published, and not reminded within `remind_every`)."""
    by_account: dict[int, list[CampaignPost]] = {}
    for post in posts:
        by_account.setdefault(post.account_id, []).append(post)
    reminded = reminded or {}
    out: list[AccountParticipation] = []
    for account in targets:
        mine = by_account.get(account, [])
        state = max(
            (_RANK.get(p.status, Participation.BELUM) for p in mine),
            key=_ORDER.index,
            default=Participation.BELUM,
        )
        published = [p for p in mine if p.status == "published"]
        first = min((p.published_at for p in published if p.published_at), default=None)
        measured = [p for p in published if p.metrics]
        eng = sum(engagements(p.metrics) for p in measured) if measured else None
        reach = sum(int(p.metrics.get("reach", 0) or 0) for p in measured) if measured else None
        last = reminded.get(account)
        due = (
            kit.is_running(today)
            and state is not Participation.TERBIT
            and (last is None or now is None or now - last >= remind_every)
        )
        out.append(AccountParticipation(account, state, first, eng, reach, due))
    return out


def summary(rows: Iterable[AccountParticipation]) -> dict[str, int]:
    counts = {p.value: 0 for p in Participation}
    total = 0
    for row in rows:
        counts[row.state.value] += 1
        total += 1
    counts["total"] = total
    counts["percent_terbit"] = round(100 * counts["terbit"] / total) if total else 0
    return counts
