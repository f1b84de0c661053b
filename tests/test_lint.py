"""The lint gate runs with the suite, so a change that breaks formatting,
typing, the import contracts or the generated contract files fails CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def run(*command: str) -> None:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if result.returncode != 0:
        pytest.fail(
            f"{' '.join(command)} failed:\n{result.stdout[-6000:]}\n{result.stderr[-3000:]}"
        )


def test_ruff_check() -> None:
    run(str(BIN / "ruff"), "check", ".")


def test_ruff_format() -> None:
    run(str(BIN / "ruff"), "format", "--check", ".")


def test_mypy() -> None:
    run(str(BIN / "mypy"))


def test_import_contracts() -> None:
    run(str(BIN / "lint-imports"))


def test_generated_contract_files_are_fresh() -> None:
    run(sys.executable, "-m", "tanggap.schemas.generate", "--check")
