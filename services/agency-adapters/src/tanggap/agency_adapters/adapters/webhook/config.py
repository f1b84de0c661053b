from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tanggap.agency_adapters.adapters.http import HttpLimits


class WebhookAgency(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9-]{1,39}$")
    units: tuple[str, ...] = Field(min_length=1)
    categories: frozenset[str] = frozenset()
    url: str
    # Shared with the agency out of band; 32+ random bytes in practice.
    secret: SecretStr = Field(min_length=16)
    connect_timeout_s: float = Field(default=3.0, gt=0)
    total_timeout_s: float = Field(default=10.0, gt=0)
    max_response_bytes: int = Field(default=262_144, ge=1024)

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("url must be an http:// or https:// URL")
        return value

    @property
    def limits(self) -> HttpLimits:
        return HttpLimits(
            connect_timeout_s=self.connect_timeout_s,
            total_timeout_s=self.total_timeout_s,
            max_response_bytes=self.max_response_bytes,
        )


class WebhookSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TANGGAP_ADAPTERS_WEBHOOK_", extra="ignore", frozen=True
    )

    agencies: tuple[WebhookAgency, ...] = ()
    replay_window_s: int = Field(default=300, ge=30, le=3600)
