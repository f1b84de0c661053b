"""Is a feed still talking? A feed is *stale* when its last successful poll is
older than its expected interval (or, never having succeeded, when it has been
running that long). Transitions are returned so the caller can announce them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tanggap.schemas.events.agency import FeedState


@dataclass
class FeedHealth:
    feed: str
    expected_interval_s: int
    watching_since: datetime
    last_success_at: datetime | None = None
    state: FeedState | None = None  # None: not yet known

    def succeeded(self, at: datetime) -> FeedState | None:
        """Record a successful poll; returns FRESH when that is a change."""
        self.last_success_at = at
        return self._become(FeedState.FRESH)

    def check(self, now: datetime) -> FeedState | None:
        """Returns STALE when the feed just went silent past its interval."""
        if self.age_s(now) > self.expected_interval_s:
            return self._become(FeedState.STALE)
        return None

    def age_s(self, now: datetime) -> float:
        since = self.last_success_at or self.watching_since
        return max(0.0, (now - since).total_seconds())

    def _become(self, state: FeedState) -> FeedState | None:
        if self.state is state:
            return None
        self.state = state
        return state
