"""Derives intake's data files from the shared Cilegon data set (run once,
by hand; the output is committed). Standard library only:

    python services/intake/data/derive.py /work/shared/data/cilegon

- categories.json: the category part of units_and_categories.json, reduced to
  what intake shows and validates (routing and SLA fields stay with routing),
  plus an English description translated for intake from `description_id`
  (description_en.json).
- places.json: places.json unchanged (the gazetteer for Open311 address_string).
- kelurahan.json: kode, name, kecamatan and aliases of the 43 kelurahan, from
  kelurahan.geojson's properties (the gazetteer reads "Kel. <name>").
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CATEGORY_FIELDS = (
    "code",
    "group",
    "group_name_id",
    "group_name_en",
    "name_id",
    "name_en",
    "description_id",
    "emergency",
    "show_112",
    "call_numbers",
    "emergency_if",
    "photo_required",
    "photo_note",
    "default_privacy",
    "questions",
    "sources",
)


def derive(shared: Path) -> None:
    catalogue = json.loads((shared / "units_and_categories.json").read_text())
    # Translated for intake from each category's `description_id`; the source
    # catalogue has no English description.
    description_en = json.loads((HERE / "description_en.json").read_text())
    categories = []
    for category in catalogue["categories"]:
        kept = {field: category.get(field) for field in CATEGORY_FIELDS}
        kept["description_en"] = description_en[category["code"]]
        categories.append(kept)
    used = {s for c in categories for s in c["sources"]}
    out = {
        "meta": {
            "title": catalogue["meta"]["title"],
            "derived_from": "shared/data/cilegon/units_and_categories.json (categories[])",
            "conventions": {
                k: catalogue["meta"]["conventions"][k] for k in ("photo_required", "questions")
            },
            "doubts": catalogue["meta"]["doubts"],
        },
        "categories": categories,
        "source_notes": [n for n in catalogue["source_notes"] if n["id"] in used],
    }
    write(HERE / "categories.json", out)

    places = json.loads((shared / "places.json").read_text())
    write(HERE / "places.json", places)

    features = json.loads((shared / "kelurahan.geojson").read_text())["features"]
    kelurahan = [
        {
            "kode": f["properties"]["kode"],
            "name": f["properties"]["kelurahan"],
            "alias": f["properties"]["alias"],
            "kecamatan_kode": f["properties"]["kecamatan_kode"],
            "kecamatan": f["properties"]["kecamatan"],
        }
        for f in sorted(features, key=lambda f: f["properties"]["kode"])
    ]
    write(HERE / "kelurahan.json", kelurahan)


def write(path: Path, document: object) -> None:
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    derive(Path(sys.argv[1]))
