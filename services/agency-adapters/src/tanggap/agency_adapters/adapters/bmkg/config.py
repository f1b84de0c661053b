from __future__ import annotations

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tanggap.agency_adapters.adapters.http import HttpLimits


class BmkgSettings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="TANGGAP_ADAPTERS_BMKG_", extra="ignore", frozen=True
    )

    enabled: bool = False
    # BMKG's published locations (shared/design/BMKG.md §1).
    open_data_url: str = "https://data.bmkg.go.id/DataMKG/TEWS"
    inatews_url: str = "https://bmkg-content-inatews.storage.googleapis.com"
    # data.bmkg.go.id sits behind a WAF that answers 403 to non-browser clients.
    user_agent: str = "Mozilla/5.0 (X11; Linux x86_64) Tanggap-Cilegon/1.0"
    referer: str = "https://data.bmkg.go.id/gempabumi/"
    # BMKG allows 60 requests per minute per IP; these four stay far below.
    autogempa_interval_s: float = Field(default=60.0, gt=0)
    lists_interval_s: float = Field(default=180.0, gt=0)
    inatews_interval_s: float = Field(default=60.0, gt=0)
    autogempa_stale_after_s: int = Field(default=300, gt=0)
    lists_stale_after_s: int = Field(default=900, gt=0)
    inatews_stale_after_s: int = Field(default=300, gt=0)
    connect_timeout_s: float = Field(default=5.0, gt=0)
    total_timeout_s: float = Field(default=15.0, gt=0)
    max_response_bytes: int = Field(default=2_097_152, ge=1024)
    # The incident rule (ADR 0043).
    min_magnitude: float = Field(default=5.0, ge=0, le=10)
    max_distance_km: float = Field(default=150.0, gt=0)
    tsunami_provinces: frozenset[str] = frozenset({"BANTEN"})
    # Cilegon as BMKG.md §6.12 gives it (about 6.00 S, 106.05 E), for distances.
    reference_lat: float = -6.00
    reference_lon: float = 106.05
    # Where a city-wide quake incident is pinned: Alun-alun Kota Cilegon
    # (data/SOURCE.md; shared/data/cilegon/places.json).
    incident_lat: float = -6.009612
    incident_lon: float = 106.040122

    @field_validator("open_data_url", "inatews_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value.rstrip("/")

    @field_validator("tsunami_provinces")
    @classmethod
    def _upper(cls, value: frozenset[str]) -> frozenset[str]:
        return frozenset(v.strip().upper() for v in value)

    @property
    def limits(self) -> HttpLimits:
        return HttpLimits(
            connect_timeout_s=self.connect_timeout_s,
            total_timeout_s=self.total_timeout_s,
            max_response_bytes=self.max_response_bytes,
        )
