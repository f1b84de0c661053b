"""Tanggap's Kafka plumbing: the one shared runtime library of the services.

Semantics follow getsentry/arroyo: no auto-commit, offsets committed as
``offset + 1`` after processing under a throttled commit policy (forced on
revoke and shutdown), per-partition order, backpressure by pausing partitions,
poison messages to ``deadletter.<service>`` with their origin in headers and a
limit that stops the consumer when everything turns poison, and transient
failures that are retried and then stop the process without committing.
"""

from tanggap.streaming.commit import CommitPolicy
from tanggap.streaming.deadletter import DeadLetterPolicy, PoisonMessage, TooManyPoisonMessages
from tanggap.streaming.health import Heartbeat
from tanggap.streaming.message import Message
from tanggap.streaming.producer import DeliveryTimeout, EventProducer
from tanggap.streaming.runner import ConsumerRunner, HandlerFailed
from tanggap.streaming.transactional import TransactionalOutput, TransactionalRunner

__all__ = [
    "CommitPolicy",
    "ConsumerRunner",
    "DeadLetterPolicy",
    "DeliveryTimeout",
    "EventProducer",
    "HandlerFailed",
    "Heartbeat",
    "Message",
    "PoisonMessage",
    "TooManyPoisonMessages",
    "TransactionalOutput",
    "TransactionalRunner",
]
