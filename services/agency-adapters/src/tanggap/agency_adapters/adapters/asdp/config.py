from __future__ import annotations

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from tanggap.agency_adapters.adapters.config import AgencyConnection


class AsdpSettings(AgencyConnection):
    model_config = SettingsConfigDict(
        env_prefix="TANGGAP_ADAPTERS_ASDP_", extra="ignore", frozen=True
    )

    units: tuple[str, ...] = ("asdp:merak",)
    categories: frozenset[str] = frozenset({"antrean-pelabuhan"})
    port: str = Field(default="merak", pattern=r"^[a-z0-9-]+$")
    port_interval_s: float = Field(default=60.0, gt=0)
    port_stale_after_s: int = Field(default=300, gt=0)
