from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tanggap.agency_adapters.adapters.config import AgencyConnection


class DishubSettings(AgencyConnection):
    model_config = SettingsConfigDict(
        env_prefix="TANGGAP_ADAPTERS_DISHUB_", extra="ignore", frozen=True
    )

    units: tuple[str, ...] = ("dishub",)
    traffic_interval_s: float = Field(default=60.0, gt=0)
    traffic_stale_after_s: int = Field(default=300, gt=0)
