"""Settings from the environment (prefix ``TANGGAP_ADAPTERS_``), with local
defaults that match ``make up`` (deploy/local). Each agency adapter has its own
settings class and prefix (``TANGGAP_ADAPTERS_POLRES_...``); credentials come
from the environment only. Nested values use ``__`` (``TANGGAP_ADAPTERS_TOPICS__STATE``)."""

from __future__ import annotations

from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tanggap.agency_adapters.adapters.asdp.config import AsdpSettings
from tanggap.agency_adapters.adapters.bmkg.config import BmkgSettings
from tanggap.agency_adapters.adapters.dishub.config import DishubSettings
from tanggap.agency_adapters.adapters.open311.config import Open311Settings
from tanggap.agency_adapters.adapters.polres.config import PolresSettings
from tanggap.agency_adapters.adapters.webhook.config import WebhookSettings
from tanggap.agency_adapters.domain.retry import RetryPolicy
from tanggap.schemas.topic_names import Topic


class TopicNames(BaseModel):
    """The topics this service uses; renamed only by tests and odd deployments."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    incidents_state: str = Topic.INCIDENTS_STATE.value
    incident_commands: str = Topic.INCIDENT_COMMANDS.value
    deliveries: str = Topic.AGENCY_DELIVERIES.value
    feed_status: str = Topic.AGENCY_FEED_STATUS.value
    dishub_traffic: str = Topic.AGENCY_DISHUB_TRAFFIC.value
    asdp_port_status: str = Topic.AGENCY_ASDP_PORT_STATUS.value
    bmkg_earthquakes: str = Topic.AGENCY_BMKG_EARTHQUAKES.value
    adapter_state: str = Topic.AGENCY_ADAPTER_STATE.value
    deadletter: str = Topic.DEADLETTER_AGENCY_ADAPTERS.value

    def mapping(self) -> dict[Topic, str]:
        return {
            Topic.INCIDENTS_STATE: self.incidents_state,
            Topic.INCIDENT_COMMANDS: self.incident_commands,
            Topic.AGENCY_DELIVERIES: self.deliveries,
            Topic.AGENCY_FEED_STATUS: self.feed_status,
            Topic.AGENCY_DISHUB_TRAFFIC: self.dishub_traffic,
            Topic.AGENCY_ASDP_PORT_STATUS: self.asdp_port_status,
            Topic.AGENCY_BMKG_EARTHQUAKES: self.bmkg_earthquakes,
            Topic.AGENCY_ADAPTER_STATE: self.adapter_state,
            Topic.DEADLETTER_AGENCY_ADAPTERS: self.deadletter,
        }


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TANGGAP_ADAPTERS_", env_nested_delimiter="__", extra="ignore", frozen=True
    )

    service_name: str = "agency-adapters"
    http_host: str = "127.0.0.1"
    http_port: int = 8003
    kafka_bootstrap: str = "127.0.0.1:19092"
    log_level: str = "INFO"
    topics: TopicNames = Field(default_factory=TopicNames)
    group_prefix: str = Field(default="agency-adapters", pattern=r"^[A-Za-z0-9._-]+$")
    run_worker: bool = True

    # Delivery retries: 8 attempts, waits of 1 s doubling to 60 s (at most about
    # 2 minutes in all) before a delivery is dead-lettered: long enough for an
    # agency's server to restart, bounded so a dead agency cannot hold its
    # consumer for hours.
    retry_max_attempts: int = Field(default=8, ge=1, le=20)
    retry_base_delay_s: float = Field(default=1.0, ge=0, le=60)
    retry_max_delay_s: float = Field(default=60.0, ge=0, le=900)
    breaker_failure_threshold: int = Field(default=5, ge=1, le=100)
    breaker_reset_after_s: float = Field(default=30.0, gt=0, le=3600)
    freshness_check_interval_s: float = Field(default=5.0, gt=0, le=300)

    polres: PolresSettings = Field(default_factory=PolresSettings)
    dishub: DishubSettings = Field(default_factory=DishubSettings)
    asdp: AsdpSettings = Field(default_factory=AsdpSettings)
    bmkg: BmkgSettings = Field(default_factory=BmkgSettings)
    webhook: WebhookSettings = Field(default_factory=WebhookSettings)
    open311: Open311Settings = Field(default_factory=Open311Settings)

    @model_validator(mode="after")
    def _sane_retries(self) -> Self:
        if self.retry_max_delay_s < self.retry_base_delay_s:
            raise ValueError("retry_max_delay_s must be at least retry_base_delay_s")
        return self

    @property
    def retry(self) -> RetryPolicy:
        return RetryPolicy(
            max_attempts=self.retry_max_attempts,
            base_delay_s=self.retry_base_delay_s,
            max_delay_s=self.retry_max_delay_s,
        )
