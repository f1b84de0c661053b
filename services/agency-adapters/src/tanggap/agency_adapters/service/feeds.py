"""Feeds: poll, publish what is new, and keep each feed's freshness — the last
success time and whether it went silent past its expected interval, as
metrics and as ``agency.feed_status_changed`` events."""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

import structlog

from tanggap.agency_adapters.adapters.base import FeedPuller
from tanggap.agency_adapters.adapters.publisher import Publisher
from tanggap.agency_adapters.clock import Clock
from tanggap.agency_adapters.domain.errors import AgencyError
from tanggap.agency_adapters.domain.freshness import FeedHealth
from tanggap.agency_adapters.metrics import (
    FEED_AGE,
    FEED_LAST_SUCCESS,
    FEED_POLLS,
    FEED_RECORDS,
    FEED_STALE,
)
from tanggap.schemas.common import Event
from tanggap.schemas.events.agency import FeedState, FeedStatusChanged

log = structlog.get_logger("tanggap.agency_adapters.feeds")
EventsHook = Callable[[Sequence[Event]], Awaitable[None]]


class FeedService:
    def __init__(
        self,
        puller: FeedPuller,
        *,
        health: FeedHealth,
        publisher: Publisher,
        clock: Clock,
        on_events: EventsHook | None = None,
    ) -> None:
        self.puller = puller
        self.health = health
        self._publisher = publisher
        self._clock = clock
        self._on_events = on_events

    @property
    def name(self) -> str:
        return self.puller.feed.name

    async def poll_once(self) -> bool:
        """One poll; True when it succeeded. Never raises for the agency's faults."""
        async with self.puller.serial or contextlib.nullcontext():
            return await self._poll()

    async def _poll(self) -> bool:
        try:
            events = await self.puller.pull()
        except AgencyError as exc:
            FEED_POLLS.labels(self.name, exc.code).inc()
            log.warning("feed poll failed", feed=self.name, code=exc.code, reason=str(exc)[:300])
            return False
        except Exception:
            FEED_POLLS.labels(self.name, "adapter_error").inc()
            log.exception("feed adapter raised an unexpected error", feed=self.name)
            return False
        try:
            for event in events:
                await self._publisher.event(event)
            if self._on_events is not None and events:
                await self._on_events(events)
        except Exception as exc:
            # Kafka failed us, not the agency: publish it all again next time
            # rather than lose a change (or an earthquake) the puller has seen.
            self.puller.reset()
            FEED_POLLS.labels(self.name, "publish_failed").inc()
            log.warning("feed events not published", feed=self.name, error=repr(exc)[:300])
            return False
        FEED_RECORDS.labels(self.name, "published").inc(len(events))
        FEED_POLLS.labels(self.name, "ok").inc()
        now = self._clock.now()
        FEED_LAST_SUCCESS.labels(self.name).set(now.timestamp())
        if self.health.succeeded(now) is not None:
            await announce(self._publisher, self.health, now)
        return True


async def announce(publisher: Publisher, health: FeedHealth, now: datetime) -> None:
    if health.state is None:
        return
    FEED_STALE.labels(health.feed).set(1 if health.state is FeedState.STALE else 0)
    await publisher.event(
        FeedStatusChanged(
            feed=health.feed,
            state=health.state,
            last_success_at=health.last_success_at,
            expected_interval_s=health.expected_interval_s,
            at=now,
        )
    )
    log.info("feed status changed", feed=health.feed, state=health.state.value)


class FreshnessMonitor:
    """Checks every feed's age; a feed silent past its interval turns stale."""

    def __init__(self, feeds: Sequence[FeedService], *, publisher: Publisher, clock: Clock) -> None:
        self._feeds = feeds
        self._publisher = publisher
        self._clock = clock

    async def check_once(self) -> None:
        now = self._clock.now()
        for feed in self._feeds:
            health = feed.health
            FEED_AGE.labels(health.feed).set(health.age_s(now))
            if health.check(now) is not None:
                await announce(self._publisher, health, now)
            FEED_STALE.labels(health.feed).set(1 if health.state is FeedState.STALE else 0)
