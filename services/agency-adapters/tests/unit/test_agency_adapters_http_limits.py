"""The hardened HTTP client against a simulator on loopback: every hostile
answer becomes a typed error within the total deadline, never an exception
that escapes, never a hang."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator

import pytest
from simulators.polres import PolresSimulator
from simulators.server import Fault

from tanggap.agency_adapters.adapters.http import AgencyHttpClient, HttpLimits
from tanggap.agency_adapters.adapters.polres.wire import CASE_ANSWER
from tanggap.agency_adapters.domain.errors import (
    AgencyError,
    AgencyProtocolError,
    AgencyRefused,
    AgencyUnavailable,
)

LIMITS = HttpLimits(connect_timeout_s=0.5, total_timeout_s=1.0, max_response_bytes=65_536)
BODY = {
    "referensi_tanggap": "3d1b3f8e-7b0a-4a0e-9e36-0c2f6d1f9a11",
    "kategori": "kriminalitas",
    "prioritas": "high",
    "lokasi": {"lat": -6.003175, "lon": 106.087852},
    "satuan": "polsek:cibeber",
}


@pytest.fixture
async def police() -> AsyncIterator[PolresSimulator]:
    sim = PolresSimulator()
    sim.faults.hang_s = 2.0
    await sim.server.start()
    yield sim
    await sim.server.stop()


async def open_case(sim: PolresSimulator, key: str = "k-1", token: str | None = None) -> object:
    client = AgencyHttpClient(
        agency="polres",
        base_url=sim.url,
        limits=LIMITS,
        headers={"Authorization": f"Bearer {token or sim.token}"},
    )
    try:
        response = await client.request(
            "POST", "/api/v1/cases", json_body=BODY, headers={"Idempotency-Key": key}
        )
        return response.parse(CASE_ANSWER)
    finally:
        await client.aclose()


@pytest.mark.parametrize(
    ("fault", "error", "code"),
    [
        (Fault.BAD_JSON, AgencyProtocolError, "bad_json"),
        (Fault.WRONG_TYPES, AgencyProtocolError, "bad_response"),
        (Fault.HUGE_BODY, AgencyProtocolError, "response_too_large"),
        (Fault.SLOW_DRIP, AgencyUnavailable, "timeout"),
        (Fault.TIMEOUT, AgencyUnavailable, "timeout"),
        (Fault.ERROR_500, AgencyUnavailable, "server_error"),
    ],
)
async def test_hostile_answers_are_typed_errors_within_the_deadline(
    police: PolresSimulator, fault: Fault, error: type[AgencyError], code: str
) -> None:
    police.faults.add(fault)
    started = time.monotonic()
    with pytest.raises(error) as failed:
        await open_case(police)
    assert failed.value.code == code
    assert failed.value.transient
    assert time.monotonic() - started < LIMITS.total_timeout_s + 0.5


async def test_a_slow_answer_within_the_deadline_is_fine_and_the_key_dedups(
    police: PolresSimulator,
) -> None:
    police.faults.add(Fault.SLOW)
    first = await open_case(police)
    second = await open_case(police)
    assert first == second
    assert len(police.cases) == 1


async def test_a_refusal_is_permanent(police: PolresSimulator) -> None:
    with pytest.raises(AgencyRefused) as refused:
        await open_case(police, token="wrong")
    assert not refused.value.transient
    assert "401" in str(refused.value)


async def test_a_closed_port_is_unreachable(police: PolresSimulator) -> None:
    await police.server.stop()
    with pytest.raises(AgencyUnavailable) as down:
        await open_case(police)
    assert down.value.code == "unreachable"
