from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tanggap.agency_adapters.adapters.config import AgencyConnection


class PolresSettings(AgencyConnection):
    model_config = SettingsConfigDict(
        env_prefix="TANGGAP_ADAPTERS_POLRES_", extra="ignore", frozen=True
    )

    units: tuple[str, ...] = ("polsek:*", "polres:cilegon")
    poll_interval_s: float = Field(default=60.0, gt=0)
