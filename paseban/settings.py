"""Deployment facts from the environment. Policy that staff change lives in the database."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
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
    timezone: str = "Asia/Jakarta"
    log_level: str = "INFO"
    log_format: str = "json"
    jobs_backend: str = "inprocess"
    jobs_workers: int = 1
    sla_sweep_seconds: int = 60
    review_threshold: float = 0.6
    # measurement: photos of field visits and before/after pairs
    media_dir: str = "media"
    media_max_bytes: int = 8 * 1024 * 1024

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
            public_url=get("PUBLIC_URL", ""),
            timezone=get("TIMEZONE", cls.timezone),
            log_level=get("LOG_LEVEL", cls.log_level).upper(),
            log_format=get("LOG_FORMAT", cls.log_format),
            jobs_backend=get("JOBS_BACKEND", cls.jobs_backend),
            jobs_workers=get_int("JOBS_WORKERS", cls.jobs_workers),
            sla_sweep_seconds=get_int("SLA_SWEEP_SECONDS", cls.sla_sweep_seconds),
            review_threshold=get_float("REVIEW_THRESHOLD", cls.review_threshold),
            media_dir=get("MEDIA_DIR", cls.media_dir),
            media_max_bytes=get_int("MEDIA_MAX_BYTES", cls.media_max_bytes),
        )
        settings.validate()
        return settings

    def validate(self) -> None:
        if self.log_format not in ("json", "console"):
            raise SettingsError(
                f"PASEBAN_LOG_FORMAT harus json atau console, bukan {self.log_format!r}"
            )
        if self.jobs_backend not in ("inprocess", "eager"):
            raise SettingsError(
                f"PASEBAN_JOBS_BACKEND tidak dikenal: {self.jobs_backend!r} "
                "(pilihan: inprocess, eager)"
            )
        if not 0.0 <= self.review_threshold <= 1.0:
            raise SettingsError("PASEBAN_REVIEW_THRESHOLD harus di antara 0 dan 1")
        if self.media_max_bytes < 1024:
            raise SettingsError("PASEBAN_MEDIA_MAX_BYTES terlalu kecil (minimal 1024)")
        if not 0 < self.port < 65536:
            raise SettingsError(f"PASEBAN_PORT di luar rentang: {self.port}")

    def base_url(self) -> str:
        return (self.public_url or f"http://{self.host}:{self.port}").rstrip("/")


def normalize_database_url(url: str) -> str:
    """Accept the URLs hosting providers hand out (postgres://, postgresql://) and use psycopg 3."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def setting_names() -> list[str]:
    """Environment variable names, for the docs test."""
    return [f"PASEBAN_{f.name.upper()}" for f in fields(Settings)]
