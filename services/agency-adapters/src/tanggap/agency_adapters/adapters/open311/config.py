from __future__ import annotations

from typing import Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from tanggap.agency_adapters.adapters.config import AgencyConnection


class Open311Settings(AgencyConnection):
    model_config = SettingsConfigDict(
        env_prefix="TANGGAP_ADAPTERS_OPEN311_", extra="ignore", frozen=True
    )

    name: str = Field(default="open311", pattern=r"^[a-z][a-z0-9-]{1,39}$")
    api_key: SecretStr | None = None
    jurisdiction_id: str | None = None
    # Tanggap category -> the remote server's service_code.
    service_codes: dict[str, str] = Field(default_factory=dict)
    # Units whose incidents go out (empty: any unit, the category decides).
    units: tuple[str, ...] = ()
    poll_interval_s: float = Field(default=120.0, gt=0)
    # How far before an incident opened to search for an earlier request of ours.
    lookback_hours: int = Field(default=24, ge=1, le=24 * 89)

    @model_validator(mode="after")
    def _complete_when_enabled(self) -> Self:
        if self.enabled and (self.api_key is None or not self.service_codes):
            raise ValueError("an enabled Open311 client needs api_key and service_codes")
        return self
