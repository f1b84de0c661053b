"""The capability interfaces, after Dispatch's plugin bases: one abstract class
per capability, and an agency package implements the ones its agency offers.

- ``Deliverer``: put an incident the agency owns or was disposed to into the
  agency's system; answers with the agency's reference.
- ``StatusReceiver``: the agency's status changes, by polling or by webhook.
- ``FeedPuller``: one data feed of the agency, pulled on a schedule.

Implementations raise ``AgencyError`` subclasses for every failure (never a
bare httpx or pydantic error) and do no retrying of their own: retries,
backoff, the circuit breaker and dead letters are the framework's.
"""

from __future__ import annotations

import asyncio
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tanggap.agency_adapters.adapters.http import AgencyHttpClient
from tanggap.agency_adapters.domain.delivery import AgencyRoute, DeliveryPlan
from tanggap.agency_adapters.domain.errors import AgencyError
from tanggap.agency_adapters.domain.status import StatusReport
from tanggap.schemas.common import Event
from tanggap.schemas.events.snapshot import IncidentSnapshot


@dataclass(frozen=True, slots=True)
class Delivery:
    plan: DeliveryPlan
    incident: IncidentSnapshot


@dataclass(frozen=True, slots=True)
class DeliveryReceipt:
    reference: str | None  # the agency's own number for the case, when it gives one


@dataclass(frozen=True, slots=True)
class TrackedCase:
    incident_id: str
    reference: str
    unit_id: str


class Deliverer(ABC):
    agency: str
    route: AgencyRoute

    @abstractmethod
    async def deliver(self, delivery: Delivery) -> DeliveryReceipt:
        """Deliver once; the same ``plan.idempotency_key`` on every attempt."""


class WebhookNotSupported(AgencyError):
    code = "webhook_not_supported"
    transient = False


class StatusReceiver(ABC):
    agency: str
    poll_interval_s: float | None = None  # None: the agency calls our webhook instead

    async def poll(self, cases: Sequence[TrackedCase]) -> list[StatusReport]:
        """The current status of each case the agency has (unchanged ones included)."""
        return []

    def from_webhook(
        self, body: bytes, headers: Mapping[str, str], *, now: int
    ) -> list[StatusReport]:
        """Verify and read an inbound callback (``now``: unix seconds, for replay windows)."""
        raise WebhookNotSupported(f"{self.agency} does not call webhooks")


@dataclass(frozen=True, slots=True)
class FeedSpec:
    name: str  # "dishub.traffic", "bmkg.autogempa": a metric label and the feed_status key
    interval_s: float
    stale_after_s: int  # the expected interval: silent longer than this is stale


class FeedPuller(ABC):
    feed: FeedSpec
    # Pullers that share state (BMKG's four files share one catalogue) share a
    # lock: each poll's pull and publish then happen as one step, so the topic
    # receives their events in the order the shared state produced them.
    serial: asyncio.Lock | None = None

    @abstractmethod
    async def pull(self) -> Sequence[Event]:
        """Poll once. Returns the events worth publishing (new or changed);
        raises AgencyError when the poll failed as a whole."""

    def reset(self) -> None:  # noqa: B027 - optional hook
        """Forget what was published: the events of the last pull could not be
        published, so the next pull must return everything again."""


@dataclass
class AgencyPlugins:
    """What one agency package contributes; any capability may be absent."""

    name: str
    deliverer: Deliverer | None = None
    status_receiver: StatusReceiver | None = None
    feeds: Sequence[FeedPuller] = ()
    clients: Sequence[AgencyHttpClient] = ()  # closed with the plugins

    async def aclose(self) -> None:
        for client in self.clients:
            await client.aclose()
