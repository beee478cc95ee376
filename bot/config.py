"""Every setting, read from the environment by pydantic-settings. Injected, never read ad hoc."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("oars", appauthor=False))


class Settings(BaseSettings):
    """OARS configuration. Field names map to upper-case environment variables."""

    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    # Store
    redis_url: str | None = Field(default=None, description="Redis server; unset = embedded Redis")
    oars_data_dir: Path = Field(default_factory=default_data_dir, description="embedded Redis data")
    oars_now: datetime | None = Field(default=None, description="fixed current time (ISO 8601, offset)")
    oars_default_tz: str = "UTC"
    oars_drill_ttl_hours: int = 36
    oars_history_limit: int = 200
    oars_redis_max_connections: int = Field(default=64, ge=1, description="connections in the shared pool")
    oars_redis_pool_timeout: float = Field(default=3.0, gt=0, description="seconds to wait for a free connection")
    oars_redis_replicas: int = Field(default=0, ge=0, description="replicas that must hold an answer before it is "
                                     "acknowledged (Redis WAIT); 0 = off")
    oars_redis_replica_timeout_ms: int = Field(default=500, ge=1, description="most ms an answer waits for them")
    oars_max_in_flight: int = Field(default=0, ge=0, description="messages handled at once (0: half the pool, <= 16)")
    oars_max_wait: float = Field(default=10.0, gt=0, description="turn away a message expected to wait longer")

    # Grading (off the event loop, see bot/grading_pool.py)
    oars_grader_workers: int = Field(default=2, ge=1, description="answers graded at the same time")
    oars_grader_queue: int = Field(default=512, ge=0, description="most answers waiting for a worker")
    oars_grader_max_wait: float = Field(default=10.0, gt=0, description="shed an answer expected to wait longer")
    oars_grader_mode: Literal["thread", "process"] = "thread"

    # HTTP
    port: int = 3000
    oars_web_processes: int = Field(default=1, ge=1, le=64, description="`oars serve` processes sharing the port")
    log_level: str = "INFO"

    # Slack
    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str = "https://slack.com/api/"
    slack_client_id: str | None = None  # with the secret: OAuth installs, one token per workspace
    slack_client_secret: str | None = None
    slack_redirect_uri: str | None = None  # only when the app lists several redirect URLs
    oars_secret_key: str | None = Field(default=None, description="Fernet key(s), comma-separated, newest first")
    slack_feedback_mode: str = "ephemeral"  # "ephemeral" in the thread, or "dm"
    oars_managers: str = ""  # comma-separated member ids allowed to schedule

    # Teams
    microsoft_app_id: str = ""
    microsoft_app_password: str = ""
    microsoft_app_tenant_id: str = ""
    microsoft_app_type: str = "MultiTenant"
    oars_teams_dev: bool = False

    # Scheduler
    oars_misfire_grace_seconds: int = 3600
    oars_lease_seconds: int = 20

    @field_validator("oars_now", mode="before")
    @classmethod
    def _empty_now(cls, value: object) -> object:
        return None if value in ("", None) else value

    @field_validator("oars_now")
    @classmethod
    def _now_has_offset(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("needs a UTC offset, e.g. 2026-03-02T09:00:00+01:00")
        return value

    @field_validator("redis_url", mode="before")
    @classmethod
    def _empty_url(cls, value: object) -> object:
        return None if value in ("", None) else value

    @property
    def manager_ids(self) -> frozenset[str]:
        return frozenset(m.strip() for m in self.oars_managers.split(",") if m.strip())
