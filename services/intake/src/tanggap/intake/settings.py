"""Settings from the environment (prefix `TANGGAP_INTAKE_`), with local defaults that
match `make up` (deploy/local). Nothing is read at import time: `create_app`
and the CLI build a `Settings()` and pass it on.

Unsafe values are refused rather than warned about: the development tracking
secret is only accepted outside production."""

from __future__ import annotations

from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tanggap.schemas.topic_names import Topic

SERVICE_DIR = Path(__file__).resolve().parents[3]
DEV_TRACKING_SECRET = "tanggap-dev-only-tracking-secret-0123456789"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANGGAP_INTAKE_", extra="ignore")

    environment: Literal["dev", "test", "production"] = "dev"
    service_name: str = "intake"
    http_host: str = "127.0.0.1"
    http_port: int = 8001
    worker_http_port: int = Field(8011, description="/healthz, /readyz, /metrics of `project`")
    public_base_url: str = "http://127.0.0.1:8001"
    log_level: str = "INFO"
    tune_gc: bool = Field(True, description="Freeze start-up objects (gc_tuning.py); off in tests")

    kafka_bootstrap: str = "127.0.0.1:19092"
    produce_timeout_s: float = Field(5.0, gt=0, description="Wait for acks=all, then 503")
    kafka_retry_backoff_s: float = Field(1.0, ge=0, description="No reconnect attempt sooner")
    producer_linger_ms: int = Field(
        0,
        ge=0,
        description="0: the producer batches while its one in-flight request waits; "
        "lingering only added latency (bench/RESULTS.md)",
    )
    topic_reports_submitted: str = Topic.REPORTS_SUBMITTED.value
    topic_reports_routed: str = Topic.REPORTS_ROUTED.value
    topic_incidents: str = Topic.INCIDENTS.value
    topic_incidents_state: str = Topic.INCIDENTS_STATE.value
    topic_deadletter: str = Topic.DEADLETTER_INTAKE.value
    projection_group: str = "intake-projection"

    database_url: str = "postgresql://postgres@127.0.0.1:55432/tanggap"
    database_schema: str = Field("intake", pattern=r"^[a-z_][a-z0-9_]{0,62}$")
    database_pool_size: int = Field(10, ge=1)

    web_dist: Path = Field(
        SERVICE_DIR.parents[1] / "web" / "dist", description="Built web pages (web/build.sh)"
    )
    dashboard_public_url: str = Field(
        "http://127.0.0.1:8004", description="Where citizens find the transparency page"
    )
    data_dir: Path = SERVICE_DIR / "data"
    migrations_dir: Path = SERVICE_DIR / "migrations"
    media_dir: Path = Path(".local/intake/media")
    max_upload_bytes: int = Field(10 * 1024 * 1024, gt=0)
    max_body_bytes: int = Field(256 * 1024, gt=0, description="Every request but uploads")
    max_image_pixels: int = Field(40_000_000, gt=0)

    tracking_secret: SecretStr = SecretStr(DEV_TRACKING_SECRET)
    tracking_previous_secrets: list[SecretStr] = Field(default_factory=list)
    idempotency_lease_s: float = Field(30.0, gt=0)
    retry_after_s: int = Field(5, ge=1, description="Retry-After when Kafka is down")

    rate_limit_per_s: float = Field(2.0, gt=0, description="Writes per client and instance")
    rate_limit_burst: int = Field(20, ge=1)
    read_rate_limit_per_s: float = Field(20.0, gt=0)
    read_rate_limit_burst: int = Field(100, ge=1)

    open311_jurisdiction_id: str = "cilegon.go.id"
    open311_contact: str = "Diskominfo SP Kota Cilegon"
    open311_key_service: str = "Kunci API diterbitkan oleh Diskominfo SP Kota Cilegon"
    open311_changeset: str = "2026-11-30T00:00:00+07:00"
    open311_endpoint_type: Literal["production", "test"] = "test"

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Self:
        if self.environment == "production":
            if self.tracking_secret.get_secret_value() == DEV_TRACKING_SECRET:
                raise ValueError("set TANGGAP_INTAKE_TRACKING_SECRET: the dev secret is public")
            if not self.public_base_url.startswith("https://"):
                raise ValueError("public_base_url must be https in production")
        if len(self.tracking_secret.get_secret_value().encode()) < 32:
            raise ValueError("tracking_secret needs at least 32 bytes")
        return self
