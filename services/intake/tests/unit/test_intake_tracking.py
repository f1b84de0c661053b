"""Tracking tokens: 128-bit MACs over the report id, verifiable without a table."""

from __future__ import annotations

import pytest

from tanggap.intake.domain.tracking import TrackingTokens

SECRET = b"s" * 32
REPORT = "01938a2e-7c1a-7000-8000-000000000001"


def test_a_token_opens_its_report_only() -> None:
    tokens = TrackingTokens(SECRET)
    token = tokens.issue(REPORT)
    assert len(token) == 43
    assert tokens.report_id(token) == REPORT
    assert tokens.opens(token, REPORT)
    assert not tokens.opens(token, "01938a2e-7c1a-7000-8000-000000000002")


@pytest.mark.parametrize(
    "forged",
    ["", "x" * 43, "A" * 42 + "=", "!" * 43, "AaIsKiiTdAq2ziJg2r37E1kRLo7aNjspoVV5XCI1Tuw"],
)
def test_anything_not_issued_opens_nothing(forged: str) -> None:
    assert TrackingTokens(SECRET).report_id(forged) is None


def test_a_flipped_bit_is_refused() -> None:
    tokens = TrackingTokens(SECRET)
    token = tokens.issue(REPORT)
    flipped = token[:-2] + ("A" if token[-2] != "A" else "B") + token[-1]
    assert tokens.report_id(flipped) is None


def test_rotation_keeps_old_tokens_working() -> None:
    old = TrackingTokens(SECRET).issue(REPORT)
    rotated = TrackingTokens(b"n" * 32, previous=[SECRET])
    assert rotated.report_id(old) == REPORT
    assert rotated.issue(REPORT) != old
    assert TrackingTokens(b"n" * 32).report_id(old) is None


def test_a_short_secret_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        TrackingTokens(b"pendek")
