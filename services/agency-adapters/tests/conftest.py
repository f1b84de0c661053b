"""Fixtures of the agency-adapters tests. The tests folder goes on sys.path so
that the simulators and the test kit import by name (pytest runs with
--import-mode=importlib, which puts nothing there)."""

from __future__ import annotations

import sys
from pathlib import Path

TESTS = Path(__file__).resolve().parent
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))
