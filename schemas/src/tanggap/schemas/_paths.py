"""Where the contract's data files live: next to the package when installed from
a wheel (bundled by hatch, see pyproject.toml), in the repo's schemas/ otherwise."""

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def schemas_root() -> Path:
    """The repo's ``schemas/`` directory (src/tanggap/schemas -> schemas)."""
    return PACKAGE_DIR.parents[2]


def topics_dir() -> Path:
    bundled = PACKAGE_DIR / "_data" / "topics"
    return bundled if bundled.is_dir() else schemas_root() / "topics"
