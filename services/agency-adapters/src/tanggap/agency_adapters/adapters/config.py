"""Settings every HTTP agency adapter shares. Each agency package subclasses
``AgencyConnection`` with its own environment prefix
(``TANGGAP_ADAPTERS_<AGENCY>_``); endpoints and credentials come from the
environment only, never from the repository."""

from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tanggap.agency_adapters.adapters.http import HttpLimits


class AgencyConnection(BaseSettings):
    model_config = SettingsConfigDict(extra="ignore", frozen=True)

    enabled: bool = False
    base_url: str | None = None
    api_token: SecretStr | None = None
    connect_timeout_s: float = Field(default=3.0, gt=0, le=60)
    total_timeout_s: float = Field(default=10.0, gt=0, le=300)
    max_response_bytes: int = Field(default=1_048_576, ge=1024, le=64 * 1_048_576)

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("base_url must be an http:// or https:// URL")
        return value.rstrip("/") if value else value

    @model_validator(mode="after")
    def _url_when_enabled(self) -> Self:
        if self.enabled and not self.base_url:
            raise ValueError("an enabled adapter needs base_url")
        return self

    @property
    def limits(self) -> HttpLimits:
        return HttpLimits(
            connect_timeout_s=self.connect_timeout_s,
            total_timeout_s=self.total_timeout_s,
            max_response_bytes=self.max_response_bytes,
        )

    @property
    def url(self) -> str:
        if self.base_url is None:
            raise ValueError("adapter has no base_url")
        return self.base_url

    def bearer(self) -> dict[str, str]:
        if self.api_token is None:
            return {}
        return {"Authorization": f"Bearer {self.api_token.get_secret_value()}"}
