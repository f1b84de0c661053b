"""Tanggap's contracts: event and command models, topics, the CloudEvents codec.

Import from the modules (``tanggap.schemas.events``, ``.commands``, ``.common``,
``.cloudevents``, ``.keys``, ``.registry``, ``.topics``); the names below are
re-exported for convenience.
"""

from tanggap.schemas.cloudevents import (
    CodecError,
    Envelope,
    KafkaRecord,
    decode,
    encode,
)
from tanggap.schemas.common import Command, Event, Message
from tanggap.schemas.keys import UNLOCATED_KEY, area_key, key_for, topic_for
from tanggap.schemas.registry import EVENT_TYPES, MODELS, MODELS_BY_TOPIC, TYPE_OF_MODEL
from tanggap.schemas.topic_names import Topic

__all__ = [
    "EVENT_TYPES",
    "MODELS",
    "MODELS_BY_TOPIC",
    "TYPE_OF_MODEL",
    "UNLOCATED_KEY",
    "CodecError",
    "Command",
    "Envelope",
    "Event",
    "KafkaRecord",
    "Message",
    "Topic",
    "area_key",
    "decode",
    "encode",
    "key_for",
    "topic_for",
]
