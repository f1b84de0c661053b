"""Offset bookkeeping and the throttled commit policy (arroyo's model)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class CommitPolicy:
    """Commit when this many messages were processed or this long has passed
    since the last commit, whichever comes first. Revoke and shutdown force a
    commit regardless."""

    max_messages: int = 1000
    max_interval_s: float = 1.0


@dataclass
class OffsetTracker:
    """Next offset to commit (``offset + 1`` of the last processed message)
    per partition, and what has been committed already."""

    policy: CommitPolicy
    _processed: dict[tuple[str, int], int] = field(default_factory=dict)
    _committed: dict[tuple[str, int], int] = field(default_factory=dict)
    _since_commit: int = 0
    _last_commit: float = field(default_factory=time.monotonic)

    def mark(self, topic: str, partition: int, offset: int) -> None:
        self._processed[(topic, partition)] = offset + 1
        self._since_commit += 1

    def next_offset(self, topic: str, partition: int) -> int | None:
        return self._processed.get((topic, partition))

    def pending(self, only: set[tuple[str, int]] | None = None) -> dict[tuple[str, int], int]:
        """Offsets processed but not yet committed."""
        return {
            tp: off
            for tp, off in self._processed.items()
            if self._committed.get(tp) != off and (only is None or tp in only)
        }

    def due(self) -> bool:
        if not self._since_commit:
            return False
        return (
            self._since_commit >= self.policy.max_messages
            or time.monotonic() - self._last_commit >= self.policy.max_interval_s
        )

    def committed(self, offsets: dict[tuple[str, int], int]) -> None:
        self._committed.update(offsets)
        self._since_commit = 0
        self._last_commit = time.monotonic()

    def forget(self, partitions: set[tuple[str, int]]) -> None:
        for tp in partitions:
            self._processed.pop(tp, None)
            self._committed.pop(tp, None)
