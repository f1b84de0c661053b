"""Putting a command on ``incident.commands`` (acks=all, idempotent producer)."""

from __future__ import annotations

from tanggap.schemas.common import Command
from tanggap.streaming import EventProducer


class CommandBus:
    def __init__(self, producer: EventProducer, topic: str) -> None:
        self.producer = producer
        self.topic = topic

    async def send(self, command: Command) -> None:
        await self.producer.send(self.topic, command, subject=command.incident_id)
