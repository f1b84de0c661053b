"""Settings from the environment (prefix `TANGGAP_ROUTING_`), with local defaults that
match `make up` (deploy/local)."""

from __future__ import annotations

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANGGAP_ROUTING_", extra="ignore")

    service_name: str = "routing"
    http_host: str = "127.0.0.1"
    http_port: int = 8002
    kafka_bootstrap: str = "127.0.0.1:19092"
    log_level: str = "INFO"
