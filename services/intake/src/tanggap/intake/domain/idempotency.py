"""Idempotency keys: what a repeated request gets.

A key is reserved with a fingerprint of the request before anything is
produced, together with the report id and time it will carry. A repeat with
the same fingerprint gets the same report; a different one is a client bug
(409). A reservation still held by a live attempt answers 409 "in progress";
one whose lease ran out (the attempt crashed, or timed out waiting for Kafka)
is taken over and the *same* report is produced again. Full design:
docs/adr/0010-intake-idempotency-and-write-order.md."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

import orjson

MAX_KEY_LENGTH = 200


class KeyState(StrEnum):
    IN_FLIGHT = "in_flight"
    COMPLETED = "completed"


class Outcome(StrEnum):
    REPLAY = "replay"
    CONFLICT = "conflict"
    IN_PROGRESS = "in_progress"
    TAKE_OVER = "take_over"


@dataclass(frozen=True, slots=True)
class Reservation:
    """A key row as stored."""

    fingerprint: str
    report_id: str
    submitted_at: datetime
    state: KeyState
    lease_until: datetime


def fingerprint(request: object) -> str:
    """SHA-256 of the request's canonical JSON (sorted keys): the same report
    written with other whitespace or key order is the same request.

    Dataclasses (a ReportDraft) are written as their fields, as
    ``dataclasses.asdict`` would give them and in the same bytes, so stored
    fingerprints keep matching; without asdict's deep copy, which cost ten
    times the hash on the keyed report path."""
    return hashlib.sha256(
        orjson.dumps(
            request,
            default=_fields,
            option=orjson.OPT_SORT_KEYS | orjson.OPT_PASSTHROUGH_DATACLASS,
        )
    ).hexdigest()


def _fields(value: object) -> dict[str, object]:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    raise TypeError(f"{type(value).__name__} is not JSON")


def decide(existing: Reservation, request_fingerprint: str, now: datetime) -> Outcome:
    if existing.fingerprint != request_fingerprint:
        return Outcome.CONFLICT
    if existing.state is KeyState.COMPLETED:
        return Outcome.REPLAY
    if existing.lease_until > now:
        return Outcome.IN_PROGRESS
    return Outcome.TAKE_OVER


def valid_key(key: str) -> bool:
    """Visible ASCII, 1..200 characters (the draft standard leaves the format
    open; a UUID is what clients should send)."""
    return 0 < len(key) <= MAX_KEY_LENGTH and all(33 <= ord(c) <= 126 for c in key)
