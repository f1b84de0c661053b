"""Schemathesis over intake's OpenAPI document, in-process through the ASGI
transport, against the real broker and database: for every operation, 30
generated requests (15 valid, 15 invalid) get no 5xx, a documented status code
and content type, and a JSON body that fits the documented schema."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import asyncpg
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.python.asgi import shutdown_lifespans
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tanggap.intake.adapters.api_clients_repo import ApiClientRepository
from tanggap.intake.adapters.database import create_pool
from tanggap.intake.main import create_app
from tanggap.intake.settings import Settings

pytestmark = pytest.mark.integration

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.fixture(scope="module")
async def api_key(settings: Settings) -> str:
    pool: asyncpg.Pool = await create_pool(settings.database_url, settings.database_schema, size=1)
    try:
        _, key = await ApiClientRepository(pool).create("Schemathesis")
    finally:
        await pool.close()
    return key


@pytest.fixture(scope="module")
def api_schema(settings: Settings) -> Iterator[Any]:
    app = create_app(settings)
    # The app runs in schemathesis' own event-loop thread, lifespan included.
    yield schemathesis.openapi.from_asgi("/openapi.json", app)
    shutdown_lifespans()


# schemathesis' pytest integration (schema.parametrize) does not run under
# pytest 9 (it rewrites Node._nodeid, which pytest 9 no longer has), so the
# operations are walked here with its strategies: 15 valid and 15 invalid
# requests per operation, every failure collected before the test fails.
EXAMPLES_PER_MODE = 15


def test_no_input_breaks_the_api(api_schema: Any, api_key: str) -> None:
    failures: list[str] = []
    sent: dict[str, int] = {}
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 15
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                sent[operation.label] = sent.get(operation.label, 0) + exercise(
                    operation, mode, api_key
                )
            except Unsatisfiable:
                # No invalid request exists for an operation without inputs.
                assert mode is GenerationMode.NEGATIVE
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
    assert all(count >= 1 for count in sent.values()), sent
    assert sum(sent.values()) >= 10 * len(operations), sent


def exercise(operation: Any, mode: GenerationMode, api_key: str) -> int:
    """Requests sent for the operation in this mode (hypothesis may stop early
    when it has tried every distinct input)."""
    sent: list[int] = []

    @given(case=operation.as_strategy(generation_mode=mode))
    @hypothesis_settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def run(case: Any) -> None:
        # With a real key the generated forms reach validation, not just the 403.
        open311_post = case.method == "POST" and case.path == "/open311/v2/requests.{fmt}"
        if open311_post and isinstance(case.body, dict):
            case.body["api_key"] = api_key
        response = case.call_and_validate(checks=CHECKS)
        sent.append(response.status_code)

    run()
    return len(sent)
