"""Deployment facts from the environment. Policy that staff change lives in the database."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Self

PLACEHOLDER_SECRETS = frozenset({"", "changeme", "change-me", "secret", "paseban"})


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class Settings:
    """Every field is documented in docs/settings.md (a test checks it)."""

    database_url: str = "sqlite:///paseban.db"
    secret_key: str = ""
    host: str = "127.0.0.1"
    port: int = 8000
    public_url: str = ""
    trusted_hosts: tuple[str, ...] = ()  # Host headers accepted besides the base URL's (issue 16)
    raw_event_days: int = 90  # raw deliveries older than this are pruned (issue 16)
    public_rate: float = 2.0  # anonymous public reads per second per address; 0: no limit
    public_burst: int = 20
    timezone: str = "Asia/Jakarta"
    log_level: str = "INFO"
    log_format: str = "json"
    jobs_backend: str = "inprocess"
    jobs_workers: int = 1
    # the celery backend (docs/jobs.md): the broker, and when a vanished worker's job runs again
    broker_url: str = field(default="", repr=False)
    broker_visibility_timeout: int = 3600
    # deliveries per second (per web process) above which the web process hands analysis only a
    # trickle until the burst is over, so that answering the platforms keeps the cores; None:
    # the backend's default (in-process: 100, its analysis shares the web's cores; celery: never,
    # its workers may be on other machines); 0: never (docs/jobs.md#ingest-first)
    ingest_first: float | None = None
    sla_sweep_seconds: int = 60
    review_threshold: float = 0.6
    # --- content (issue 8) ---
    content_link_check: bool = False  # HEAD every link in a draft while checking it
    # --- connectors (docs/connectors/): secrets are hidden from repr and never logged ---
    meta_app_secret: str = field(default="", repr=False)
    meta_verify_token: str = field(default="", repr=False)
    meta_graph_version: str = "v25.0"  # available until 2028-07-29 (connectors/meta_graph.py)
    meta_human_agent: bool = False  # HUMAN_AGENT tag for late DM replies, once App Review grants it
    whatsapp_app_secret: str = field(default="", repr=False)
    whatsapp_verify_token: str = field(default="", repr=False)
    whatsapp_token: str = field(default="", repr=False)
    x_consumer_secret: str = field(default="", repr=False)
    x_bearer_token: str = field(default="", repr=False)
    x_client_id: str = ""
    x_client_secret: str = field(default="", repr=False)
    youtube_api_key: str = field(default="", repr=False)
    youtube_client_id: str = ""
    youtube_client_secret: str = field(default="", repr=False)
    youtube_daily_units: int = 10_000  # the Google project's quota, shared by every channel
    youtube_reply_share: float = 0.2  # of those units, kept for replies (polls use the rest)
    youtube_audited: bool = False  # the project passed the YouTube API audit: uploads public
    x_mentions_app_limit: int = 450  # GET /2/users/:id/mentions per 15 min, app bearer token
    x_mentions_user_limit: int = 300  # the same per 15 min per user token
    tiktok_client_id: str = ""
    tiktok_client_secret: str = field(default="", repr=False)
    tiktok_videos: int = 20  # newest videos whose comments each poll reads
    # --- connecting accounts from the dashboard (issue 19, docs/connectors/onboarding.md) ---
    meta_app_id: str = ""
    meta_login_config_id: str = ""  # the Facebook Login for Business configuration
    instagram_app_id: str = ""  # Instagram Login has its own app id and secret
    instagram_app_secret: str = field(default="", repr=False)
    # "host=base-url,..." sends a platform host's requests elsewhere: tests and staging only
    platform_hosts: tuple[tuple[str, str], ...] = ()
    # --- WhatsApp officer notifications (issue 19, docs/notifications.md) ---
    whatsapp_notify_account: str = ""  # handle of the city's WhatsApp account that sends them
    poll_seconds: int = 300
    outbox_max_attempts: int = 8
    # measurement: photos of field visits and before/after pairs
    media_dir: str = "media"
    media_max_bytes: int = 8 * 1024 * 1024
    # content: the media library (issue 18); a request over the total is refused unread
    media_image_max_bytes: int = 25 * 1024 * 1024
    media_video_max_bytes: int = 300 * 1024 * 1024
    media_upload_max_files: int = 10
    # the weekly and monthly reports the job writes for the Wali Kota
    reports_dir: str = "laporan"
    # e-mail notifications (services/people/notify.py); no host: nothing is sent
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_starttls: bool = True
    mail_from: str = "paseban@localhost"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Self:
        env = os.environ if env is None else env

        def get(name: str, default: str) -> str:
            return env.get(f"PASEBAN_{name}", default)

        def get_int(name: str, default: int) -> int:
            raw = get(name, str(default))
            try:
                return int(raw)
            except ValueError:
                raise SettingsError(f"PASEBAN_{name} harus bilangan bulat, bukan {raw!r}") from None

        def get_bool(name: str, default: bool) -> bool:
            raw = get(name, "1" if default else "0").strip().lower()
            if raw in ("1", "true", "ya", "yes", "on"):
                return True
            if raw in ("0", "false", "tidak", "no", "off"):
                return False
            raise SettingsError(f"PASEBAN_{name} harus 1 atau 0 (true/false), bukan {raw!r}")

        def get_float(name: str, default: float) -> float:
            raw = get(name, str(default))
            try:
                return float(raw)
            except ValueError:
                raise SettingsError(f"PASEBAN_{name} harus angka, bukan {raw!r}") from None

        database_url = (
            env.get("PASEBAN_DATABASE_URL") or env.get("DATABASE_URL") or cls.database_url
        )
        settings = cls(
            database_url=normalize_database_url(database_url),
            secret_key=get("SECRET_KEY", ""),
            host=get("HOST", cls.host),
            port=get_int("PORT", cls.port),
            public_url=get("BASE_URL", "") or get("PUBLIC_URL", ""),
            trusted_hosts=tuple(
                h.strip().lower() for h in get("TRUSTED_HOSTS", "").split(",") if h.strip()
            ),
            raw_event_days=get_int("RAW_EVENT_DAYS", cls.raw_event_days),
            public_rate=get_float("PUBLIC_RATE", cls.public_rate),
            public_burst=get_int("PUBLIC_BURST", cls.public_burst),
            timezone=get("TIMEZONE", cls.timezone),
            log_level=get("LOG_LEVEL", cls.log_level).upper(),
            log_format=get("LOG_FORMAT", cls.log_format),
            jobs_backend=get("JOBS_BACKEND", cls.jobs_backend),
            jobs_workers=get_int("JOBS_WORKERS", cls.jobs_workers),
            broker_url=get("BROKER_URL", ""),
            broker_visibility_timeout=get_int(
                "BROKER_VISIBILITY_TIMEOUT", cls.broker_visibility_timeout
            ),
            ingest_first=get_float("INGEST_FIRST", -1.0) if get("INGEST_FIRST", "") else None,
            sla_sweep_seconds=get_int("SLA_SWEEP_SECONDS", cls.sla_sweep_seconds),
            review_threshold=get_float("REVIEW_THRESHOLD", cls.review_threshold),
            content_link_check=get("CONTENT_LINK_CHECK", "0").lower() in ("1", "true", "yes", "ya"),
            # --- connectors ---
            meta_app_secret=get("META_APP_SECRET", ""),
            meta_verify_token=get("META_VERIFY_TOKEN", ""),
            meta_graph_version=get("META_GRAPH_VERSION", cls.meta_graph_version),
            meta_human_agent=get_bool("META_HUMAN_AGENT", cls.meta_human_agent),
            whatsapp_app_secret=get("WHATSAPP_APP_SECRET", ""),
            whatsapp_verify_token=get("WHATSAPP_VERIFY_TOKEN", ""),
            whatsapp_token=get("WHATSAPP_TOKEN", ""),
            x_consumer_secret=get("X_CONSUMER_SECRET", ""),
            x_bearer_token=get("X_BEARER_TOKEN", ""),
            x_client_id=get("X_CLIENT_ID", ""),
            x_client_secret=get("X_CLIENT_SECRET", ""),
            youtube_api_key=get("YOUTUBE_API_KEY", ""),
            youtube_client_id=get("YOUTUBE_CLIENT_ID", ""),
            youtube_client_secret=get("YOUTUBE_CLIENT_SECRET", ""),
            youtube_daily_units=get_int("YOUTUBE_DAILY_UNITS", cls.youtube_daily_units),
            youtube_reply_share=get_float("YOUTUBE_REPLY_SHARE", cls.youtube_reply_share),
            youtube_audited=get_bool("YOUTUBE_AUDITED", cls.youtube_audited),
            x_mentions_app_limit=get_int("X_MENTIONS_APP_LIMIT", cls.x_mentions_app_limit),
            x_mentions_user_limit=get_int("X_MENTIONS_USER_LIMIT", cls.x_mentions_user_limit),
            tiktok_client_id=get("TIKTOK_CLIENT_ID", ""),
            tiktok_client_secret=get("TIKTOK_CLIENT_SECRET", ""),
            tiktok_videos=get_int("TIKTOK_VIDEOS", cls.tiktok_videos),
            meta_app_id=get("META_APP_ID", ""),
            meta_login_config_id=get("META_LOGIN_CONFIG_ID", ""),
            instagram_app_id=get("INSTAGRAM_APP_ID", ""),
            instagram_app_secret=get("INSTAGRAM_APP_SECRET", ""),
            platform_hosts=parse_hosts(get("PLATFORM_HOSTS", "")),
            whatsapp_notify_account=get("WHATSAPP_NOTIFY_ACCOUNT", ""),
            poll_seconds=get_int("POLL_SECONDS", cls.poll_seconds),
            outbox_max_attempts=get_int("OUTBOX_MAX_ATTEMPTS", cls.outbox_max_attempts),
            media_dir=get("MEDIA_DIR", cls.media_dir),
            media_max_bytes=get_int("MEDIA_MAX_BYTES", cls.media_max_bytes),
            media_image_max_bytes=get_int("MEDIA_IMAGE_MAX_BYTES", cls.media_image_max_bytes),
            media_video_max_bytes=get_int("MEDIA_VIDEO_MAX_BYTES", cls.media_video_max_bytes),
            media_upload_max_files=get_int("MEDIA_UPLOAD_MAX_FILES", cls.media_upload_max_files),
            reports_dir=get("REPORTS_DIR", cls.reports_dir),
            smtp_host=get("SMTP_HOST", ""),
            smtp_port=get_int("SMTP_PORT", cls.smtp_port),
            smtp_username=get("SMTP_USERNAME", ""),
            smtp_password=get("SMTP_PASSWORD", ""),
            smtp_starttls=get_bool("SMTP_STARTTLS", cls.smtp_starttls),
            mail_from=get("MAIL_FROM", cls.mail_from),
        )
        settings.validate()
        return settings

    def ingest_first_rate(self) -> float:
        """Deliveries per second above which analysis waits for a burst to pass (inf: never)."""
        rate = self.ingest_first
        if rate is None:
            rate = 0.0 if self.jobs_backend == "celery" else 100.0
        return rate if rate > 0 else float("inf")

    def validate(self) -> None:
        if self.smtp_host and "@" not in self.mail_from:
            raise SettingsError(
                f"PASEBAN_MAIL_FROM harus alamat e-mail pengirim, bukan {self.mail_from!r}"
            )
        if not 0 < self.smtp_port < 65536:
            raise SettingsError(f"PASEBAN_SMTP_PORT tidak sah: {self.smtp_port}")
        if self.log_format not in ("json", "console"):
            raise SettingsError(
                f"PASEBAN_LOG_FORMAT harus json atau console, bukan {self.log_format!r}"
            )
        if self.jobs_backend not in ("inprocess", "eager", "celery"):
            raise SettingsError(
                f"PASEBAN_JOBS_BACKEND tidak dikenal: {self.jobs_backend!r} "
                "(pilihan: inprocess, eager, celery)"
            )
        if self.jobs_backend == "celery" and not self.broker_url:
            raise SettingsError(
                "PASEBAN_JOBS_BACKEND=celery butuh PASEBAN_BROKER_URL (mis. redis://127.0.0.1:6379/0)"
            )
        if self.ingest_first is not None and not self.ingest_first >= 0:  # nan too
            raise SettingsError(
                "PASEBAN_INGEST_FIRST harus jumlah kiriman per detik (0: tidak pernah), "
                f"bukan {self.ingest_first:g}"
            )
        if self.raw_event_days < 1:  # 0 would prune every delivery, even today's
            raise SettingsError(
                f"PASEBAN_RAW_EVENT_DAYS minimal 1 hari, bukan {self.raw_event_days}"
            )
        if self.broker_visibility_timeout < 1:
            raise SettingsError("PASEBAN_BROKER_VISIBILITY_TIMEOUT minimal 1 detik")
        if not 0.0 <= self.review_threshold <= 1.0:
            raise SettingsError("PASEBAN_REVIEW_THRESHOLD harus di antara 0 dan 1")
        if self.media_max_bytes < 1024:
            raise SettingsError("PASEBAN_MEDIA_MAX_BYTES terlalu kecil (minimal 1024)")
        if min(self.media_image_max_bytes, self.media_video_max_bytes) < 64 * 1024:
            raise SettingsError(
                "PASEBAN_MEDIA_IMAGE_MAX_BYTES dan PASEBAN_MEDIA_VIDEO_MAX_BYTES minimal 65536"
            )
        if not 1 <= self.media_upload_max_files <= 50:
            raise SettingsError("PASEBAN_MEDIA_UPLOAD_MAX_FILES harus 1 sampai 50")
        if not 0 < self.port < 65536:
            raise SettingsError(f"PASEBAN_PORT di luar rentang: {self.port}")
        # --- connectors ---
        if not re.fullmatch(r"v\d+\.\d+", self.meta_graph_version):
            raise SettingsError(
                f"PASEBAN_META_GRAPH_VERSION harus seperti v25.0, bukan {self.meta_graph_version!r}"
            )
        if self.youtube_daily_units < 100:
            raise SettingsError("PASEBAN_YOUTUBE_DAILY_UNITS minimal 100")
        if not 0.0 <= self.youtube_reply_share < 1.0:
            raise SettingsError("PASEBAN_YOUTUBE_REPLY_SHARE harus 0 sampai di bawah 1")
        if self.x_mentions_app_limit < 1 or self.x_mentions_user_limit < 1:
            raise SettingsError("batas X (PASEBAN_X_MENTIONS_*_LIMIT) minimal 1")
        if not 1 <= self.tiktok_videos <= 100:
            raise SettingsError("PASEBAN_TIKTOK_VIDEOS harus 1 sampai 100")
        if self.poll_seconds < 30:
            raise SettingsError("PASEBAN_POLL_SECONDS minimal 30")
        if not 1 <= self.outbox_max_attempts <= 50:
            raise SettingsError("PASEBAN_OUTBOX_MAX_ATTEMPTS harus 1 sampai 50")

    def media_upload_max_bytes(self) -> int:
        """The largest upload request: the files' limits plus room for the form's fields."""
        largest = max(self.media_image_max_bytes, self.media_video_max_bytes)
        return largest + self.media_image_max_bytes * (self.media_upload_max_files - 1) + 2**20

    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


def parse_hosts(raw: str) -> tuple[tuple[str, str], ...]:
    """`graph.facebook.com=http://127.0.0.1:9100/graph.facebook.com,...` as pairs."""
    pairs = []
    for item in raw.split(","):
        if not item.strip():
            continue
        host, sep, base = item.strip().partition("=")
        if not sep or not host or not re.fullmatch(r"https?://[^\s]+", base):
            raise SettingsError(f"PASEBAN_PLATFORM_HOSTS: {item.strip()!r} bukan host=URL")
        pairs.append((host.lower(), base.rstrip("/")))
    return tuple(pairs)


def normalize_database_url(url: str) -> str:
    """Accept the URLs hosting providers hand out (postgres://, postgresql://) and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def setting_names() -> list[str]:
    """Environment variable names, for the docs test."""
    return [f"PASEBAN_{f.name.upper()}" for f in fields(Settings)]
