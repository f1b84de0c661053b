"""Reading intake's data files (services/intake/data, see SOURCE.md there)."""

from __future__ import annotations

from pathlib import Path

import orjson

from tanggap.intake.domain.catalogue import Catalogue, parse_catalogue
from tanggap.intake.domain.gazetteer import Gazetteer, kelurahan_from_entry, place_from_entry


def load_catalogue(data_dir: Path) -> Catalogue:
    return parse_catalogue(orjson.loads((data_dir / "categories.json").read_bytes()))


def load_gazetteer(data_dir: Path) -> Gazetteer:
    places = orjson.loads((data_dir / "places.json").read_bytes())
    kelurahan = orjson.loads((data_dir / "kelurahan.json").read_bytes())
    return Gazetteer(
        (place_from_entry(entry) for entry in places),
        (kelurahan_from_entry(entry) for entry in kelurahan),
    )
