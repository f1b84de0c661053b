"""Token buckets per client, and idempotency decisions."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from tanggap.intake.domain.idempotency import (
    KeyState,
    Outcome,
    Reservation,
    decide,
    fingerprint,
    valid_key,
)
from tanggap.intake.domain.ratelimit import TokenBuckets
from tanggap.intake.domain.report import Point, ReportDraft, ReporterInput
from tanggap.schemas.common import Privacy
from tanggap.schemas.events import Channel


def test_a_bucket_allows_its_burst_then_refills_at_the_rate() -> None:
    buckets = TokenBuckets(rate_per_s=2.0, burst=3)
    assert [buckets.take("ip:1", 0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert buckets.take("ip:1", 0.0) == 0.5
    assert buckets.take("ip:2", 0.0) == 0.0  # another client has its own bucket
    assert buckets.take("ip:1", 0.5) == 0.0
    assert TokenBuckets.retry_after_header(0.01) == 1
    assert TokenBuckets.retry_after_header(2.2) == 3


def test_forgotten_clients_start_full() -> None:
    buckets = TokenBuckets(rate_per_s=1.0, burst=1, max_clients=2)
    buckets.take("a", 0.0)
    buckets.take("b", 0.0)
    buckets.take("c", 0.0)  # forgets "a"
    assert buckets.take("a", 0.0) == 0.0


NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _reservation(state: KeyState, lease: timedelta) -> Reservation:
    return Reservation(
        fingerprint="f", report_id="r", submitted_at=NOW, state=state, lease_until=NOW + lease
    )


def test_idempotency_outcomes() -> None:
    assert decide(_reservation(KeyState.COMPLETED, timedelta(0)), "f", NOW) is Outcome.REPLAY
    assert decide(_reservation(KeyState.COMPLETED, timedelta(0)), "g", NOW) is Outcome.CONFLICT
    in_flight = _reservation(KeyState.IN_FLIGHT, timedelta(seconds=5))
    assert decide(in_flight, "f", NOW) is Outcome.IN_PROGRESS
    assert decide(in_flight, "f", NOW + timedelta(seconds=5)) is Outcome.TAKE_OVER
    assert decide(in_flight, "g", NOW + timedelta(seconds=5)) is Outcome.CONFLICT


def test_fingerprints_ignore_key_order_and_see_content() -> None:
    assert fingerprint({"a": 1, "b": [1, 2]}) == fingerprint({"b": [1, 2], "a": 1})
    assert fingerprint({"a": 1}) != fingerprint({"a": 2})


def test_a_draft_fingerprints_as_its_asdict_did() -> None:
    """Fingerprints stored before the draft was hashed without asdict must
    still match a retry of the same request after an upgrade."""
    drafts = [
        ReportDraft(category="sampah", description="x", location=None, channel=Channel.OPEN311),
        ReportDraft(
            category="air-bersih",
            description="Pipa bocor",
            location=Point(-6.0337, 106.0698, 12.0),
            channel=Channel.NATIVE,
            address_text="Jl. Akses Pasar Kranggot",
            media_ids=("m1", "m2"),
            answers={"jenis": "bocor", "z": [1, {"b": 2, "a": None}]},
            reporter=ReporterInput(name="Siti", phone="0812-3456-7890", email=None),
            privacy=Privacy.ANONYMOUS,
            client_id="fixmystreet",
        ),
    ]
    for draft in drafts:
        assert fingerprint(draft) == fingerprint(dataclasses.asdict(draft))


def test_valid_keys() -> None:
    assert valid_key("0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b")
    assert not valid_key("")
    assert not valid_key("dengan spasi")
    assert not valid_key("x" * 201)
    assert not valid_key("kunci-ü")
