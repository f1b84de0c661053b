"""Backoff, the circuit breaker, feed freshness, webhook signatures, settings."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from pydantic import ValidationError

from tanggap.agency_adapters.adapters.polres.config import PolresSettings
from tanggap.agency_adapters.adapters.webhook.config import WebhookAgency
from tanggap.agency_adapters.domain.circuit import CircuitBreaker, CircuitState
from tanggap.agency_adapters.domain.freshness import FeedHealth
from tanggap.agency_adapters.domain.retry import RetryPolicy
from tanggap.agency_adapters.domain.signing import ReplayGuard, SignatureError, sign
from tanggap.agency_adapters.settings import Settings
from tanggap.schemas.events.agency import FeedState


def test_backoff_grows_exponentially_with_jitter_in_the_upper_half_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=6, base_delay_s=1.0, max_delay_s=10.0)
    assert [policy.delay_s(a, 0.0) for a in (1, 2, 3, 4, 5)] == [0.5, 1.0, 2.0, 4.0, 5.0]
    assert [policy.delay_s(a, 1.0) for a in (1, 2, 3, 4, 5)] == [1.0, 2.0, 4.0, 8.0, 10.0]
    assert policy.budget_s() == 25.0  # the longest wait before a dead letter


def test_a_retry_policy_that_could_not_work_is_refused() -> None:
    with pytest.raises(ValueError, match="max_attempts"):
        RetryPolicy(max_attempts=0)


def test_the_breaker_opens_after_the_threshold_lets_one_trial_through_and_closes_on_success() -> (
    None
):
    breaker = CircuitBreaker(failure_threshold=3, reset_after_s=10.0)
    for now in (0.0, 1.0, 2.0):
        assert breaker.allow(now)
        breaker.failure(now)
    assert breaker.state is CircuitState.OPEN
    assert not breaker.allow(5.0)
    assert breaker.retry_in(5.0) == 7.0
    assert breaker.allow(12.0)
    assert breaker.state is CircuitState.HALF_OPEN
    assert not breaker.allow(12.5)  # one trial at a time
    breaker.failure(13.0)
    assert breaker.state is CircuitState.OPEN
    assert not breaker.allow(20.0)
    assert breaker.allow(23.0)
    breaker.success()
    assert breaker.state is CircuitState.CLOSED
    assert breaker.allow(23.1)


def test_a_lost_trial_is_given_up_after_the_reset_time() -> None:
    breaker = CircuitBreaker(failure_threshold=1, reset_after_s=5.0)
    breaker.failure(0.0)
    assert breaker.allow(5.0)
    assert not breaker.allow(9.0)
    assert breaker.allow(10.0)


def test_a_feed_turns_fresh_stale_and_fresh_again_once_each() -> None:
    start = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    health = FeedHealth(feed="asdp.port_status", expected_interval_s=300, watching_since=start)
    assert health.check(start + timedelta(seconds=299)) is None
    assert health.succeeded(start + timedelta(seconds=60)) is FeedState.FRESH
    assert health.succeeded(start + timedelta(seconds=120)) is None
    assert health.check(start + timedelta(seconds=400)) is None
    assert health.check(start + timedelta(seconds=421)) is FeedState.STALE
    assert health.check(start + timedelta(seconds=500)) is None
    assert health.age_s(start + timedelta(seconds=500)) == 380
    assert health.succeeded(start + timedelta(seconds=510)) is FeedState.FRESH


def test_a_feed_that_never_answers_goes_stale_from_its_start() -> None:
    start = datetime(2026, 12, 5, 8, 0, tzinfo=UTC)
    health = FeedHealth(feed="bmkg.autogempa", expected_interval_s=300, watching_since=start)
    assert health.check(start + timedelta(seconds=301)) is FeedState.STALE


SECRET = b"0123456789abcdef0123456789abcdef"
BODY = b'{"status":"resolved"}'


def verify(guard: ReplayGuard, **changes: object) -> None:
    request: dict[str, object] = {
        "timestamp": "1764500000",
        "nonce": "n1",
        "signature": sign(SECRET, 1764500000, "n1", BODY),
        "body": BODY,
        "now": 1764500010,
    }
    request.update(changes)
    guard.verify(SECRET, **request)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"body": b'{"status":"in_progress"}'}, "signature_invalid"),
        ({"nonce": "n2"}, "signature_invalid"),
        ({"now": 1764500000 + 301}, "signature_expired"),
        ({"now": 1764500000 - 301}, "signature_expired"),
        ({"signature": None}, "signature_missing"),
        ({"timestamp": "yesterday"}, "signature_invalid"),
        ({"nonce": "x" * 65}, "signature_invalid"),
    ],
)
def test_signature_refusals(changes: dict[str, object], code: str) -> None:
    with pytest.raises(SignatureError) as refused:
        verify(ReplayGuard(window_s=300), **changes)
    assert refused.value.code == code


def test_a_request_is_accepted_once_within_the_window() -> None:
    guard = ReplayGuard(window_s=300)
    verify(guard)
    with pytest.raises(SignatureError, match="already received"):
        verify(guard)


def test_settings_refuse_unsafe_values() -> None:
    with pytest.raises(ValidationError, match="base_url"):
        PolresSettings(enabled=True)
    with pytest.raises(ValidationError, match="http"):
        PolresSettings(enabled=True, base_url="file:///etc/passwd")
    with pytest.raises(ValidationError, match="retry_max_delay_s"):
        Settings(retry_base_delay_s=10, retry_max_delay_s=1)
    with pytest.raises(ValidationError, match="secret"):
        WebhookAgency(name="bpbd", units=("bpbd",), url="https://bpbd.example/hook", secret="short")
    hook = WebhookAgency(
        name="bpbd", units=("bpbd",), url="https://bpbd.example/h", secret="s" * 32
    )
    assert "s" * 32 not in repr(hook)  # credentials never reach logs
