"""The pages' pure modules (SSE parser, geometry, filters and queue order,
the two string tables) under node's own test runner: fast, no browser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

WEB = Path(__file__).resolve().parents[2] / "web"


def test_web_modules() -> None:
    node = shutil.which("node")
    assert node, "node is needed to build and test the pages (web/build.sh)"
    result = subprocess.run(
        [node, "--test", "tests/"], cwd=WEB, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "# fail 0" in result.stdout
