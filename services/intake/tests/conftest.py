"""Fixtures of intake's tests: the real data files of the service. The tests
folder goes on sys.path so that unit and integration tests import the test kit
by name (pytest runs with --import-mode=importlib)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tanggap.intake.adapters.data_files import load_catalogue, load_gazetteer
from tanggap.intake.domain.catalogue import Catalogue
from tanggap.intake.domain.gazetteer import Gazetteer

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return load_catalogue(DATA_DIR)


@pytest.fixture(scope="session")
def gazetteer() -> Gazetteer:
    return load_gazetteer(DATA_DIR)
