"""Reading ``deadletter.agency-adapters`` back: every record with the headers
that say which agency, why, and after how many attempts."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition

from tanggap.agency_adapters.adapters.kafka_meta import partitions_of
from tanggap.streaming import Message
from tanggap.streaming.deadletter import HEADER_CODE, HEADER_FAILED_AT, HEADER_REASON

# Added by the delivery service to the streaming library's dlq_* headers.
H_AGENCY = "dlq_agency"
H_UNIT = "dlq_unit_id"
H_ATTEMPTS = "dlq_attempts"
H_IDEMPOTENCY_KEY = "dlq_idempotency_key"


@dataclass(frozen=True, slots=True)
class DeadLetter:
    message: Message
    agency: str | None  # None: poisoned before any agency took it (bad record)
    unit_id: str | None
    code: str
    reason: str
    failed_at: str
    attempts: int | None

    @property
    def position(self) -> tuple[int, int]:
        return self.message.partition, self.message.offset


def _text(message: Message, header: str) -> str | None:
    raw = message.header(header)
    return raw.decode("utf-8", "replace") if raw is not None else None


def as_dead_letter(message: Message) -> DeadLetter:
    attempts = _text(message, H_ATTEMPTS)
    return DeadLetter(
        message=message,
        agency=_text(message, H_AGENCY),
        unit_id=_text(message, H_UNIT),
        code=_text(message, HEADER_CODE) or "unknown",
        reason=_text(message, HEADER_REASON) or "",
        failed_at=_text(message, HEADER_FAILED_AT) or "",
        attempts=int(attempts) if attempts and attempts.isdigit() else None,
    )


async def read_dead_letters(
    bootstrap_servers: str, topic: str, timeout_s: float = 30.0
) -> list[DeadLetter]:
    """Everything on the topic up to its current end, in offset order."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers,
        enable_auto_commit=False,
        isolation_level="read_committed",
        client_id="agency-adapters-deadletters",
    )
    await consumer.start()
    try:
        partitions = await partitions_of(consumer, topic)
        tps = [TopicPartition(topic, p) for p in sorted(partitions)]
        consumer.assign(tps)
        await consumer.seek_to_beginning(*tps)
        ends = await consumer.end_offsets(tps)
        letters: list[DeadLetter] = []
        async with asyncio.timeout(timeout_s):
            while any([await consumer.position(tp) < ends[tp] for tp in tps]):
                batches = await consumer.getmany(timeout_ms=200)
                for records in batches.values():
                    letters.extend(as_dead_letter(Message.from_record(r)) for r in records)
        return sorted(letters, key=lambda letter: letter.position)
    finally:
        await consumer.stop()
