"""Everything the adapters put on Kafka goes through here: events to their
model's topic (renamed by settings, so tests can use their own topics),
commands to ``incident.commands``, dead letters with their headers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from tanggap.schemas.common import Command, Event, Message
from tanggap.schemas.topic_names import Topic
from tanggap.streaming import EventProducer


class Publisher:
    def __init__(self, producer: EventProducer, topics: Mapping[Topic, str]) -> None:
        self._producer = producer
        self._topics = topics

    def topic(self, topic: Topic) -> str:
        return self._topics.get(topic, topic.value)

    async def publish(self, message: Message) -> None:
        """Encode (the codec validates the model) and wait for acks=all."""
        await self._producer.send(self.topic(message.topic), message)

    async def event(self, event: Event) -> None:
        await self.publish(event)

    async def command(self, command: Command) -> None:
        await self.publish(command)

    async def raw(
        self,
        topic: Topic,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]],
    ) -> None:
        await self._producer.send_raw(self.topic(topic), key=key, value=value, headers=headers)
