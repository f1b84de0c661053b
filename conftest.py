"""Fixtures every test folder shares: where the real broker and database are.

`make test` (deploy/test.sh) starts them and exports their addresses; a test
that needs them fails — never skips — when they are not there, so CI cannot
pass by leaving integration tests out."""

from __future__ import annotations

import os

import pytest

DEFAULT_KAFKA = "127.0.0.1:29092"
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:55433/tanggap_test"


@pytest.fixture(scope="session")
def kafka_bootstrap() -> str:
    return os.environ.get("TANGGAP_KAFKA_BOOTSTRAP", DEFAULT_KAFKA)


@pytest.fixture(scope="session")
def database_url() -> str:
    return os.environ.get("TANGGAP_DATABASE_URL", DEFAULT_DATABASE)
