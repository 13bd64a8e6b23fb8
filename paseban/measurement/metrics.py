"""Account metrics as plain values: what a connector returns each day, and what one line of a
metrics CSV says. Pure.

The CSV (`paseban metrics import FILE.csv`, for platforms without API access) has one header and
two kinds of line, told apart by `post_id`:

    date,platform,handle,followers,posts,reach,views,post_id,posted_at,likes,comments,shares,saves,program,campaign
    2026-11-20,tiktok,kelurahan.batutulis,1520,88,,4100,,,,,,,,
    2026-11-20,tiktok,kelurahan.batutulis,,,900,2300,73120,2026-11-19T10:00:00+07:00,120,14,6,3,bogor_bersih,

- an **account line** (no `post_id`): the day's snapshot: followers, posts on the account,
  reach and views of that day (any may be empty);
- a **post line**: the latest counts of one post: reach, views, likes, comments, shares, saves,
  and optionally the priority program and city campaign it belongs to.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

COLUMNS = (
    "date",
    "platform",
    "handle",
    "followers",
    "posts",
    "reach",
    "views",
    "post_id",
    "posted_at",
    "likes",
    "comments",
    "shares",
    "saves",
    "program",
    "campaign",
)
REQUIRED = ("date", "platform", "handle")
TAG = re.compile(r"^[a-z0-9_]{1,60}$")
MAX_COUNT = 2_000_000_000


class BadMetric(ValueError):
    pass


@dataclass(frozen=True)
class PostMetrics:
    external_id: str
    posted_at: datetime
    likes: int = 0
    comments: int = 0
    shares: int = 0
    saves: int = 0
    reach: int | None = None
    views: int | None = None
    program: str | None = None
    campaign: str | None = None


@dataclass(frozen=True)
class AccountMetrics:
    day: date
    followers: int | None = None
    posts_count: int | None = None
    reach: int | None = None
    views: int | None = None
    posts: tuple[PostMetrics, ...] = field(default_factory=tuple)


@dataclass(frozen=True)
class MetricLine:
    day: date
    platform: str
    handle: str
    account: AccountMetrics | None  # an account line
    post: PostMetrics | None  # a post line


def _count(row: dict[str, str], name: str) -> int | None:
    raw = row.get(name, "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise BadMetric(f"{name} harus bilangan bulat ≥ 0, bukan {row[name]!r}")
    value = int(raw)
    if value > MAX_COUNT:
        raise BadMetric(f"{name} terlalu besar: {row[name]!r}")
    return value


def _tag(row: dict[str, str], name: str) -> str | None:
    raw = row.get(name, "").strip().lower()
    if not raw:
        return None
    if not TAG.match(raw):
        raise BadMetric(f"{name} hanya boleh huruf kecil, angka dan _ (maks. 60): {row[name]!r}")
    return raw


def parse_line(row: dict[str, str], *, today: date) -> MetricLine:
    """One CSV row -> MetricLine, or BadMetric with a clear reason in Bahasa Indonesia."""
    if "__error__" in row:
        raise BadMetric(row["__error__"])
    for name in REQUIRED:
        if not row.get(name):
            raise BadMetric(f"kolom {name} kosong")
    try:
        day = date.fromisoformat(row["date"])
    except ValueError:
        raise BadMetric(f"tanggal harus YYYY-MM-DD, bukan {row['date']!r}") from None
    if day > today:
        raise BadMetric(f"tanggal {day.isoformat()} di masa depan")
    platform = row["platform"].lower()
    handle = row["handle"].lstrip("@")
    post_id = row.get("post_id", "")
    if not post_id:
        account = AccountMetrics(
            day,
            followers=_count(row, "followers"),
            posts_count=_count(row, "posts"),
            reach=_count(row, "reach"),
            views=_count(row, "views"),
        )
        if all(
            v is None
            for v in (account.followers, account.posts_count, account.reach, account.views)
        ):
            raise BadMetric("baris akun tanpa angka (followers, posts, reach atau views)")
        return MetricLine(day, platform, handle, account, None)
    if len(post_id) > 200:
        raise BadMetric("post_id terlalu panjang")
    raw_time = row.get("posted_at", "")
    if not raw_time:
        raise BadMetric("baris unggahan butuh posted_at")
    try:
        posted_at = datetime.fromisoformat(raw_time.replace("Z", "+00:00"))
    except ValueError:
        raise BadMetric(f"posted_at bukan waktu ISO 8601: {raw_time!r}") from None
    if posted_at.tzinfo is None:
        raise BadMetric("posted_at harus memiliki zona waktu, mis. 2026-11-19T10:00:00+07:00")
    if posted_at.date() > day:
        raise BadMetric("posted_at sesudah tanggal pengukuran")
    post = PostMetrics(
        post_id,
        posted_at,
        likes=_count(row, "likes") or 0,
        comments=_count(row, "comments") or 0,
        shares=_count(row, "shares") or 0,
        saves=_count(row, "saves") or 0,
        reach=_count(row, "reach"),
        views=_count(row, "views"),
        program=_tag(row, "program"),
        campaign=_tag(row, "campaign"),
    )
    return MetricLine(day, platform, handle, None, post)
