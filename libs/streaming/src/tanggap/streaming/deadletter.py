"""Poison messages: what they are, where they go, and when to give up.

A poison message is one that can never be processed however often it is
retried (malformed record, schema violation, a domain rule that refuses it).
It goes to ``deadletter.<service>`` with its original key, value and headers
plus headers naming where it came from and why, so it can be inspected and
replayed. Transient failures (database down, broker hiccup) are never
dead-lettered: they are retried and then stop the consumer uncommitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tanggap.streaming.message import Message

HEADER_TOPIC = "dlq_original_topic"
HEADER_PARTITION = "dlq_original_partition"
HEADER_OFFSET = "dlq_original_offset"
HEADER_REASON = "dlq_reason"
HEADER_CODE = "dlq_error_code"
HEADER_SERVICE = "dlq_service"
HEADER_FAILED_AT = "dlq_failed_at"
DLQ_HEADERS = frozenset(
    {
        HEADER_TOPIC,
        HEADER_PARTITION,
        HEADER_OFFSET,
        HEADER_REASON,
        HEADER_CODE,
        HEADER_SERVICE,
        HEADER_FAILED_AT,
    }
)
MAX_REASON_BYTES = 2000


class PoisonMessage(Exception):
    """Raised by a handler for a message that must go to the dead-letter topic."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


class TooManyPoisonMessages(RuntimeError):
    """The consumer stops: so many messages in a row were poison that the
    fault is more likely ours (a bad deploy) than the messages'."""


@dataclass(frozen=True, slots=True)
class DeadLetterPolicy:
    topic: str
    max_consecutive: int = 100


def error_code(exc: BaseException) -> str:
    code = getattr(exc, "code", None)
    return code if isinstance(code, str) else type(exc).__name__


def dead_letter_headers(
    message: Message, exc: BaseException, *, service: str, now: datetime | None = None
) -> list[tuple[str, bytes]]:
    """The original headers (minus any earlier dead-letter headers, so a
    replayed message that fails again is described afresh) plus its origin."""
    reason = str(exc).encode("utf-8", "replace")[:MAX_REASON_BYTES]
    failed_at = (now or datetime.now(UTC)).isoformat()
    kept = [(k, v) for k, v in message.headers if k not in DLQ_HEADERS]
    return [
        *kept,
        (HEADER_TOPIC, message.topic.encode()),
        (HEADER_PARTITION, str(message.partition).encode()),
        (HEADER_OFFSET, str(message.offset).encode()),
        (HEADER_REASON, reason),
        (HEADER_CODE, error_code(exc).encode()),
        (HEADER_SERVICE, service.encode()),
        (HEADER_FAILED_AT, failed_at.encode()),
    ]


class PoisonCounter:
    """Counts poison messages in a row across all partitions."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_a_row = 0

    def poison(self) -> None:
        self.in_a_row += 1
        if self.in_a_row > self.limit:
            raise TooManyPoisonMessages(
                f"{self.in_a_row} poison messages in a row (limit {self.limit}); stopping"
            )

    def healthy(self) -> None:
        self.in_a_row = 0
