"""Settings from the environment (prefix `TANGGAP_ROUTING_`), with local defaults that
match `make up` (deploy/local). Nothing is read at import time: `create_app`, the
worker and the CLI build a `Settings()` and pass it on.

Every topic name is a setting so that tests (and a second city) can run routing on
their own topics. The two ``routing.*`` topics are routing's own (docs/adr/0020):
the command inbox keyed by category and the compacted incident changelog.
"""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import Literal, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from tanggap.schemas.topic_names import Topic

SERVICE_DIR = Path(__file__).resolve().parents[3]
_INSTANCE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,62}$")


def _default_instance_id() -> str:
    # A StatefulSet pod (routing-0) or a host keeps its name across restarts, which
    # is what the transactional id needs (docs/adr/0004).
    name = re.sub(r"[^a-z0-9._-]", "-", socket.gethostname().lower()).strip("-.")
    return name[:63] or "local"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TANGGAP_ROUTING_", extra="ignore")

    environment: Literal["dev", "test", "production"] = "dev"
    service_name: str = "routing"
    http_host: str = "127.0.0.1"
    http_port: int = 8002
    log_level: str = "INFO"
    admin_token: SecretStr | None = Field(
        None,
        description="Bearer token POST /v1/rules/reload requires; without one the endpoint "
        "is refused in production (SIGHUP still reloads)",
    )

    kafka_bootstrap: str = "127.0.0.1:19092"
    instance_id: str = Field(
        default_factory=_default_instance_id,
        description="Stable across restarts: the transactional id is routing-<instance_id>",
    )
    group_id: str = "routing"
    max_batch: int = Field(200, ge=1, le=5000)
    session_timeout_ms: int = Field(10_000, ge=6_000, description="Group session timeout")
    heartbeat_interval_ms: int = Field(3_000, ge=500)

    topic_reports_submitted: str = Topic.REPORTS_SUBMITTED.value
    topic_incident_commands: str = Topic.INCIDENT_COMMANDS.value
    topic_reports_routed: str = Topic.REPORTS_ROUTED.value
    topic_incidents: str = Topic.INCIDENTS.value
    topic_incidents_state: str = Topic.INCIDENTS_STATE.value
    topic_deadletter: str = Topic.DEADLETTER_ROUTING.value
    topic_command_inbox: str = "routing.command-inbox"
    topic_changelog: str = "routing.incident-changelog"

    data_dir: Path = SERVICE_DIR / "data"
    rules_path: Path | None = Field(None, description="Default: <data_dir>/rules.yaml")
    units_path: Path | None = Field(None, description="Default: <data_dir>/units.yaml")
    roads_path: Path | None = Field(None, description="Default: <data_dir>/roads.geojson")
    holidays_path: Path | None = Field(None, description="Default: <data_dir>/holidays.json")

    timer_poll_s: float = Field(
        1.0, gt=0, le=60, description="How often due SLA timers are checked"
    )
    tick_resend_s: float = Field(30.0, gt=0, description="Re-send a tick not processed by then")
    catch_up_timeout_s: float = Field(30.0, gt=0, description="Wait for the changelog's end")
    clock_offset_s: float = Field(
        0.0, description="Shifts routing's clock (SLA drills and tests); refused in production"
    )

    @property
    def transactional_id(self) -> str:
        return f"routing-{self.instance_id}"

    @property
    def rules_file(self) -> Path:
        return self.rules_path or self.data_dir / "rules.yaml"

    @model_validator(mode="after")
    def _refuse_unsafe(self) -> Self:
        if not _INSTANCE_ID.match(self.instance_id):
            raise ValueError("instance_id: lower-case letters, digits, '.', '_' and '-' only")
        if self.environment == "production" and self.clock_offset_s != 0:
            raise ValueError("clock_offset_s shifts SLA deadlines: not allowed in production")
        names = [
            self.topic_reports_submitted,
            self.topic_incident_commands,
            self.topic_reports_routed,
            self.topic_incidents,
            self.topic_incidents_state,
            self.topic_deadletter,
            self.topic_command_inbox,
            self.topic_changelog,
        ]
        if len(set(names)) != len(names):
            raise ValueError("every routing topic needs its own name")
        return self
