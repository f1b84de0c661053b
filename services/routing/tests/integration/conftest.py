"""Fixtures of routing's integration tests: one set of uniquely named topics per
test module on the real broker, removed afterwards. The tests folder goes on
sys.path so that the test kit imports by name (pytest runs with
--import-mode=importlib)."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from routing_testkit import Topics, new_topics, remove_topics  # noqa: E402


@pytest.fixture(scope="module")
async def topics(kafka_bootstrap: str) -> AsyncIterator[Topics]:
    created = await new_topics(kafka_bootstrap)
    yield created
    await remove_topics(kafka_bootstrap, created)
