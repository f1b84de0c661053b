"""Settings from the environment (prefix `TANGGAP_DASHBOARD_`), with local defaults that
match `make up` (deploy/local). Unsafe values are refused here, at start, not later."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tanggap.schemas.topic_names import Topic

DEFAULT_JWT_SECRET = "tanggap-dev-secret-change-me-not-for-production"  # refused unless dev_mode
SERVICE_ROOT = Path(__file__).resolve().parents[3]
"""services/dashboard-api in the repository (editable install); Docker sets the env vars."""

PROJECTED_TOPICS: tuple[Topic, ...] = (
    Topic.REPORTS_SUBMITTED,
    Topic.REPORTS_ROUTED,
    Topic.INCIDENTS,
    Topic.INCIDENTS_STATE,
    Topic.AGENCY_DELIVERIES,
    Topic.AGENCY_FEED_STATUS,
    Topic.AGENCY_DISHUB_TRAFFIC,
    Topic.AGENCY_ASDP_PORT_STATUS,
    Topic.AGENCY_BMKG_EARTHQUAKES,
)
"""Every topic the read model is built from (incident.commands is ours to write)."""

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANGGAP_DASHBOARD_", extra="ignore")

    service_name: str = "dashboard-api"
    http_host: str = "127.0.0.1"
    http_port: int = 8004
    kafka_bootstrap: str = "127.0.0.1:19092"
    log_level: str = "INFO"
    database_url: str = "postgresql://postgres@127.0.0.1:55432/tanggap"
    database_schema: str = "dashboard"
    database_pool_size: int = Field(default=10, ge=1, le=100)

    topic_prefix: str = Field(
        default="", description="Prepended to every topic name (isolated test topics)"
    )
    consumer_group: str = "dashboard-projector"
    run_projector: bool = Field(
        default=True, description="Run the projector inside the API process (`serve`)"
    )
    migrate_on_start: bool = True
    exit_on_projector_failure: bool = Field(
        default=True,
        description="A projector that gave up stops the process, for its supervisor to restart",
    )

    dev_mode: bool = Field(default=False, description="Allows the default JWT secret")
    jwt_secret: SecretStr = SecretStr(DEFAULT_JWT_SECRET)
    jwt_issuer: str = "tanggap-dashboard"
    argon2_memory_kib: int = Field(default=65536, ge=1024, description="argon2id memory cost")
    access_token_minutes: int = Field(default=15, ge=1, le=120)
    refresh_token_days: int = Field(default=7, ge=1, le=90)

    command_wait_s: float = Field(
        default=5.0, ge=0, le=30, description="How long an action waits for routing's answer"
    )
    public_stats_cache_s: float = Field(default=30.0, ge=0)
    change_log_retention_h: float = Field(
        default=72.0,
        gt=0,
        description="How long the live stream's change log keeps a change; a client "
        "resuming from an older one is told to reload (event: reset)",
    )
    change_log_prune_every_s: float = Field(default=3600.0, gt=0)
    intake_public_url: str = Field(
        default="http://127.0.0.1:8001", description="Where clients fetch report photos"
    )

    web_dist: Path = Field(
        default=SERVICE_ROOT.parents[1] / "web" / "dist",
        description="Built web pages (web/build.sh)",
    )
    map_tile_url: str | None = Field(
        default=None, description="Optional XYZ tile template; the city map renders without it"
    )
    map_tile_attribution: str = ""

    service_root: Path = SERVICE_ROOT
    data_dir: Path | None = None
    migrations_dir: Path | None = None

    @model_validator(mode="after")
    def _safe(self) -> Self:
        if not _SCHEMA_NAME.fullmatch(self.database_schema):
            raise ValueError(f"database_schema {self.database_schema!r} is not a plain name")
        secret = self.jwt_secret.get_secret_value()
        if not self.dev_mode and (secret == DEFAULT_JWT_SECRET or len(secret) < 32):
            raise ValueError(
                "jwt_secret is the default or shorter than 32 characters: set "
                "TANGGAP_DASHBOARD_JWT_SECRET, or TANGGAP_DASHBOARD_DEV_MODE=1 for a local demo"
            )
        return self

    def topic(self, topic: Topic) -> str:
        return self.topic_prefix + topic.value

    @property
    def projected_topics(self) -> list[str]:
        return [self.topic(t) for t in PROJECTED_TOPICS]

    @property
    def data_path(self) -> Path:
        return self.data_dir or self.service_root / "data"

    @property
    def migrations_path(self) -> Path:
        return self.migrations_dir or self.service_root / "migrations"
