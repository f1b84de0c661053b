from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints, TypeAdapter, ValidationError

from tanggap.agency_adapters.adapters.base import (
    AgencyPlugins,
    Deliverer,
    Delivery,
    DeliveryReceipt,
    StatusReceiver,
)
from tanggap.agency_adapters.adapters.http import AgencyHttpClient
from tanggap.agency_adapters.adapters.payload import incident_fields
from tanggap.agency_adapters.adapters.webhook.config import WebhookAgency, WebhookSettings
from tanggap.agency_adapters.domain.delivery import AgencyRoute, AgencyStatus
from tanggap.agency_adapters.domain.errors import AgencyRefused
from tanggap.agency_adapters.domain.signing import (
    NONCE_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    ReplayGuard,
    signed_headers,
)
from tanggap.agency_adapters.domain.status import StatusReport
from tanggap.schemas.common import Uuid

Reference = Annotated[str, StringConstraints(min_length=1, max_length=128, strip_whitespace=True)]


class WebhookAnswer(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    reference: Reference | None = None


class StatusCallback(BaseModel):
    """What an agency POSTs to ``/webhooks/<name>``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    incident_id: Uuid
    reference: Reference
    status: AgencyStatus
    note: Annotated[str, StringConstraints(max_length=2000)] | None = None


class InvalidCallback(AgencyRefused):
    code = "invalid_callback"


WEBHOOK_ANSWER = TypeAdapter(WebhookAnswer)
STATUS_CALLBACK = TypeAdapter(StatusCallback)


class SignedWebhook(Deliverer, StatusReceiver):
    poll_interval_s = None

    def __init__(self, config: WebhookAgency, http: AgencyHttpClient, replay_window_s: int) -> None:
        self.agency = config.name
        self.route = AgencyRoute(
            agency=config.name, units=config.units, categories=config.categories
        )
        self._secret = config.secret.get_secret_value().encode()
        self._url = config.url
        self._http = http
        self._guard = ReplayGuard(window_s=replay_window_s)

    async def deliver(self, delivery: Delivery) -> DeliveryReceipt:
        plan = delivery.plan
        body = json.dumps(
            {
                "type": "tanggap.incident",
                "kind": plan.kind.value,
                "idempotency_key": plan.idempotency_key,
                "reference": plan.reference,
                "incident": incident_fields(delivery),
            },
            separators=(",", ":"),
        ).encode()
        headers = {
            "Content-Type": "application/json",
            "Idempotency-Key": plan.idempotency_key,
            **signed_headers(self._secret, int(time.time()), secrets.token_hex(16), body),
        }
        response = await self._http.request("POST", self._url, content=body, headers=headers)
        if not response.body.strip():
            return DeliveryReceipt(reference=None)
        return DeliveryReceipt(reference=response.parse(WEBHOOK_ANSWER).reference)

    def from_webhook(
        self, body: bytes, headers: Mapping[str, str], *, now: int
    ) -> list[StatusReport]:
        lowered = {k.lower(): v for k, v in headers.items()}
        self._guard.verify(
            self._secret,
            timestamp=lowered.get(TIMESTAMP_HEADER.lower()),
            nonce=lowered.get(NONCE_HEADER.lower()),
            signature=lowered.get(SIGNATURE_HEADER.lower()),
            body=body,
            now=now,
        )
        try:
            callback = STATUS_CALLBACK.validate_json(body)
        except ValidationError as exc:
            first = exc.errors(include_url=False, include_input=False)[0]
            where = ".".join(str(p) for p in first["loc"]) or "(body)"
            raise InvalidCallback(f"{where}: {first['msg']}") from None
        return [
            StatusReport(
                agency=self.agency,
                reference=callback.reference,
                status=callback.status,
                note=callback.note,
                incident_id=callback.incident_id,
            )
        ]


def build(settings: WebhookSettings) -> list[AgencyPlugins]:
    plugins = []
    for config in settings.agencies:
        http = AgencyHttpClient(agency=config.name, base_url="", limits=config.limits)
        hook = SignedWebhook(config, http, settings.replay_window_s)
        plugins.append(
            AgencyPlugins(name=config.name, deliverer=hook, status_receiver=hook, clients=[http])
        )
    return plugins
