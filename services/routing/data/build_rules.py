"""Generate ``units.yaml`` and ``rules.yaml`` from the shared Cilegon catalogue.

    .venv/bin/python services/routing/data/build_rules.py [--source DIR] [--version V]

Reads ``units_and_categories.json``, ``police.json``, ``facilities.json``,
``kelurahan.geojson`` and ``kecamatan.geojson`` from ``--source`` (default:
``<workspace>/../shared/data/cilegon``) and writes the two YAML files next to
this script, then parses them with the routing domain to prove they load.

The YAML files are the reviewed, versioned source of truth. Every place where
the derivation needs judgement is a table in this script (SUBRULES,
UNMAPPED, MODIFIERS, OWNER_OVERRIDES, AREAS) and is written into the YAML as a
comment, so re-running the script never loses a decision. Bump ``--version``
whenever the output changes.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = HERE.parents[3] / "shared" / "data" / "cilegon"
DEFAULT_VERSION = "2026-11-30.1"

DEDUP_RADIUS_M = 150
DEDUP_WINDOW = "PT6H"

KEL = "kelurahan:<point>"
KEC = "kecamatan:<point>"

# -- judgement tables ---------------------------------------------------------

Json = dict[str, Any]


def road(*statuses: str) -> Json:
    return {"road_status": list(statuses)}


def answers(**questions: Sequence[str | None]) -> Json:
    return {"answers": {q: list(v) for q, v in questions.items()}}


def no_road(**questions: Sequence[str | None]) -> Json:
    return {"no_road_nearby": True, **answers(**questions)}


EXTERNAL_RESOLVE: Json = {"resolve": {"clock": "external", "within": None}}
WHY_EXTERNAL = (
    "catalogue sla.note: for national/provincial/toll roads the platform only guarantees "
    "acknowledgement and forwarding; repairs follow the owner's budget, so no resolve clock"
)
WHY_ANSWER = "no road within settings.road_max_distance_m: the reporter's answer decides"


@dataclass(frozen=True)
class Sub:
    """A sub-rule derived from the catalogue rule whose ``when`` starts with ``source``."""

    id: str
    source: str
    when: Json
    sla: Json | None = None
    why: str | None = None


@dataclass(frozen=True)
class Mod:
    id: str
    when: Json
    why: str
    priority: str | None = None
    sla: Json | None = None


@dataclass(frozen=True)
class Area:
    id: str
    facility: str
    radius_m: int
    basis: str


def _road_subrules(question: str, statuses: Sequence[tuple[str, str]]) -> list[Sub]:
    """Road-layer sub-rules first, then the reporter's-answer fallbacks."""
    subs = []
    for status, source in statuses:
        sla = EXTERNAL_RESOLVE if status in ("tol", "nasional", "provinsi") else None
        subs.append(Sub(f"road-{status}", source, road(status), sla))
    for status, source in statuses:
        sla = EXTERNAL_RESOLVE if status in ("tol", "nasional", "provinsi") else None
        subs.append(
            Sub(f"answer-{status}", source, no_road(**{question: [status]}), sla, WHY_ANSWER)
        )
    return subs


SUBRULES: dict[str, list[Sub]] = {
    "jalan-rusak": _road_subrules(
        "status_jalan",
        [
            ("tol", "jalan tol"),
            ("nasional", "jalan nasional"),
            ("provinsi", "jalan provinsi"),
            ("kota", "jalan kota"),
            ("lingkungan", "jalan lingkungan"),
        ],
    ),
    "penerangan-jalan": [
        Sub("road-tol", "lighting on the toll road", road("tol")),
        Sub(
            "answer-lampu-hias",
            "lampu hias",
            answers(jenis=["lampu_hias"]),
            why="decorative lights are Disperkim's whatever road they stand on; tested "
            "after the toll road, before the provincial roads",
        ),
        Sub(
            "road-provinsi",
            "PJU on Jl. Yasin Beji",
            road("provinsi"),
            why="roads.geojson's provinsi roads are exactly Jl. Yasin Beji and Jl. Raya "
            "Industri; Jl. ADB and 'the road to Untirta' are not provincial in the layer "
            "(SOURCE.md 8.7.2) and stay with Dishub",
        ),
    ],
    "drainase": [
        Sub(
            "road-nasional",
            "saluran atau gorong-gorong jalan nasional",
            {**road("nasional"), **answers(lokasi_saluran=["jalan_utama", None])},
            why="a drain within the road distance of a national road, unless the reporter "
            "says it is a neighbourhood drain or a river",
        ),
        Sub(
            "answer-lingkungan-tersumbat",
            "saluran kecil di lingkungan",
            answers(jenis=["tersumbat"], lokasi_saluran=["lingkungan"]),
            why="'saluran kecil di lingkungan tersumbat' = jenis tersumbat + lokasi lingkungan",
        ),
        Sub(
            "answer-lingkungan-rusak",
            "drainase lingkungan",
            answers(jenis=["rusak"], lokasi_saluran=["lingkungan"]),
            why="'needs building or repair' = jenis rusak + lokasi lingkungan",
        ),
    ],
    "sampah": [
        Sub("answer-tps-penuh", "official TPS", answers(jenis=["tps_penuh"])),
        Sub(
            "answer-dibuang-sembarangan", "illegal dumping", answers(jenis=["dibuang_sembarangan"])
        ),
        Sub(
            "answer-dibakar",
            "rubbish burning",
            answers(jenis=["dibakar"]),
            why="the catalogue says to use category kebakaran for a real fire; a report "
            "that stays in sampah still goes to Damkar",
        ),
        Sub("answer-belum-diangkut", "household rubbish", answers(jenis=["belum_diangkut"])),
    ],
    "taman": [
        Sub(
            "night-disalahgunakan",
            "misuse or disturbance in the park at night",
            {
                **answers(masalah=["disalahgunakan"]),
                "time_of_day": {"start": "18:00", "end": "06:00"},
            },
            why="'at night' is not defined by the catalogue: 18:00-06:00 WIB (sunset to "
            "sunrise at 6 degrees south, rounded) is our inference",
        ),
    ],
    "pohon-rawan": [
        Sub(
            "answer-kena-kabel",
            "branches touching PLN power lines",
            answers(kondisi=["kena_kabel"]),
        ),
    ],
    "lampu-lalu-lintas": [
        Sub("road-tol", "toll road", road("tol")),
        Sub("road-nasional", "intersection on a national road", road("nasional")),
        Sub("road-kota", "city roads", road("kota")),
    ],
    "kemacetan": [Sub("road-tol", "on the toll road", road("tol"))],
    "bangunan-liar": [
        Sub(
            "answer-ruang-publik",
            "on a sidewalk",
            answers(lokasi_bangunan=["trotoar", "sempadan", "fasum"]),
        ),
        Sub(
            "answer-lahan-sendiri",
            "building without or deviating from its PBG",
            answers(lokasi_bangunan=["lahan_sendiri"]),
            why="a building on the owner's own land is a permit (PBG) matter, not an "
            "encroachment: DPUPR",
        ),
    ],
    "pmks": [
        Sub("answer-jalanan", "beggars, street children", answers(jenis=["gepeng", "anjal"])),
        Sub("answer-odgj-telantar", "ODGJ or stranded", answers(jenis=["odgj", "telantar"])),
        Sub("answer-jenazah", "unidentified dead body", answers(jenis=["jenazah"])),
    ],
    "kesehatan": [Sub("answer-dbd", "dengue case", answers(jenis=["dbd"]))],
    "hewan-liar": [Sub("answer-gigitan", "someone was bitten", answers(ada_gigitan=["ya"]))],
    "banjir": [Sub("road-nasional", "standing water on a national road", road("nasional"))],
    "pohon-tumbang": [
        Sub(
            "answer-menimpa-jalan",
            "blocking a road",
            answers(menimpa=["jalan"]),
            why="multi-value answer: a tree on a road and on a cable matches this first",
        ),
        Sub("answer-menimpa-kabel", "hit power lines", answers(menimpa=["kabel"])),
    ],
    "kecelakaan-lalu-lintas": [Sub("road-tol", "on the toll road", road("tol"))],
    "kriminalitas": [
        Sub("area-merak-port", "inside the Merak ferry port area", {"area": ["merak-port"]}),
        Sub("area-banten-port", "inside the Banten/Ciwandan/Cigading", {"area": ["banten-port"]}),
    ],
    "keributan": [
        Sub(
            "answer-bising",
            "noise from a business or nightlife venue",
            answers(jenis=["bising"]),
            why="the answer 'bising' cannot tell venue noise from loud exhausts (a police "
            "matter); Satpol PP re-disposes those to the polsek",
        ),
    ],
    "pelayanan-publik": [
        Sub(
            "answer-pungli",
            "pungutan liar",
            answers(ada_pungli=["ya"]),
            why="tested before adminduk: extortion in an adminduk service is the Inspektorat's",
        ),
        Sub("answer-adminduk", "administrasi kependudukan", answers(layanan=["adminduk"])),
    ],
}

# Catalogue rules that are not sub-rules: ("default", why) = the category default
# already says it; ("not_automated", why) = nothing in a report can decide it.
UNMAPPED: dict[tuple[str, str], tuple[str, str]] = {
    ("jalan-rusak", "status unknown"): ("default", "DPUPR triages and transfers"),
    ("penerangan-jalan", "jalan protokol"): ("default", "Dishub's UPT PJU is the default"),
    ("drainase", "kali/saluran kewenangan pusat"): (
        "not_automated",
        "no river layer: the owner re-disposes to bbws:c3 for Kranggot, Kedung Ingas, Pamarayan",
    ),
    ("drainase", "other city drains"): ("default", "DPUPR is the default"),
    ("fasilitas-umum", "facility owner known"): (
        "not_automated",
        "the facility's owner is not in the report; the kelurahan re-disposes",
    ),
    ("pencemaran", "activity permitted"): (
        "not_automated",
        "the permit level is not in the report; the handler (DLH) is the same anyway",
    ),
    ("antrean-pelabuhan", "security incident"): (
        "not_automated",
        "no answer marks a security incident; such reports belong in 'kriminalitas', whose "
        "merak-port rule routes them to polsek:kskp-merak",
    ),
    ("air-bersih", "leaking pipe"): (
        "not_automated",
        "whether the leak damaged a city road is not asked; PDAM copies DPUPR by hand",
    ),
    ("kebakaran", "large fire"): (
        "not_automated",
        "the size of the fire is not asked; the command center copies BPBD by hand",
    ),
    ("pelayanan-publik", "any other named OPD"): ("default", "the command center is the default"),
}

MODIFIERS: dict[str, list[Mod]] = {
    "drainase": [
        Mod(
            "tutup-hilang",
            answers(jenis=["tutup_hilang"]),
            "catalogue emergency_if: 'tutup saluran hilang di jalan ramai -> prioritas tinggi'",
            priority="high",
        )
    ],
    "kriminalitas": [
        Mod(
            "sedang-terjadi",
            answers(sedang_terjadi=["ya"]),
            "catalogue sla.note: 'In-progress crimes: acknowledge within PT15M'",
            sla={"acknowledge": {"clock": "calendar", "within": "PT15M"}},
        )
    ],
}

OWNER_OVERRIDES: dict[str, tuple[str, str]] = {
    "fasilitas-umum": (
        "kelurahan",
        "the kelurahan is the primary (triage point, JAKI model); the derivation gives the "
        "kecamatan only because the kelurahan, being primary, is not in the copy list",
    ),
    "pelayanan-publik": (
        "command-center",
        "the primary is the command center and a complaint about a city service has no "
        "territorial owner; the derivation's kelurahan fallback does not fit",
    ),
    "lainnya": (
        "command-center",
        "triage of 'lainnya' is the command center's (catalogue units[command-center]); the "
        "derivation's kelurahan fallback does not fit",
    ),
}

AREAS = [
    Area(
        "merak-port",
        "pelabuhan_merak",
        500,
        "Circle round the id.wikipedia coordinate of Pelabuhan Merak (facilities.json, "
        "precision_m 300), widened to 500 m to take in the city layer's own 'Pelabuhan Merak' "
        "point 330 m east (places.json) and the ferry piers, which lie offshore. No port "
        "polygon is available (police.json special_units). Offshore points in the circle are "
        "located in Tamansari, the port's kelurahan (facilities.json).",
    ),
    Area(
        "banten-port",
        "pelabuhan_banten_ciwandan",
        500,
        "Circle of the coordinate's own precision_m (500 m) round the Kemenhub SIMPEL point of "
        "Pelabuhan Banten (facilities.json). The real port area (Ciwandan / Cigading) is larger; "
        "police.json: 'the exact land extent of either port area is not available as a "
        "polygon'. Kept small so that Polsek Ciwandan keeps the neighbourhoods around it.",
    ),
]

# -- YAML writing ---------------------------------------------------------------


def q(value: Any) -> str:
    """A YAML scalar: JSON's quoting is valid YAML double-quoting."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return json.dumps(value)
    return json.dumps(str(value), ensure_ascii=False)


def flow(value: Any) -> str:
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    return q(value)


def comment(text: str, indent: int, width: int = 96) -> list[str]:
    words, lines, line = text.split(), [], ""
    for word in words:
        if line and len(line) + len(word) + 1 > width - indent - 2:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return [" " * indent + "# " + item for item in lines]


# -- units.yaml -------------------------------------------------------------------

UNIT_TYPE = {"opd": "opd", "utility": "utility", "external": "external"}


def build_units(src: Mapping[str, Any], version: str) -> str:
    catalogue, police = src["catalogue"], src["police"]
    kel_fc, kec_fc = src["kelurahan"], src["kecamatan"]
    by_id = {u["id"]: u for u in catalogue["units"]}
    out = [
        "# Tanggap unit registry: every unit that can own or handle an incident.",
        "# GENERATED by build_rules.py from shared/data/cilegon (units_and_categories.json,",
        "# police.json, kelurahan.geojson, kecamatan.geojson); change the script and re-run.",
        "#",
        "# type: kelurahan | kecamatan | polsek | polres | command-center | opd | utility |",
        "#   external",
        "# parent: the owner escalation chain: kelurahan -> kecamatan -> command-center;",
        "#   polsek -> polres:cilegon -> command-center.",
        "# escalation: parent (owner misses go up the chain) | incident-owner (city offices,",
        "#   utilities and outside bodies have no parent: when they miss their handler clock",
        "#   the incident's owner is told) | none (the command center is the top).",
        f"version: {q(version)}",
        "units:",
    ]

    def unit(fields: Mapping[str, Any], notes: Iterable[str] = ()) -> None:
        for note in notes:
            out.extend(comment(note, 2))
        first = True
        for key, value in fields.items():
            if value is None and key not in ("parent",):
                continue
            if isinstance(value, list | tuple) and not value:
                continue
            prefix = "  - " if first else "    "
            out.append(f"{prefix}{key}: {flow(value)}")
            first = False

    cc = by_id["command-center"]
    out.append("  # -- command center --")
    unit(
        {
            "id": "command-center",
            "name": cc["name"],
            "abbreviation": cc["abbr"],
            "type": "command-center",
            "parent": None,
            "escalation": "none",
        }
    )
    out.append("  # -- police (police.json; confidence per kecamatan on the kecamatan entries) --")
    polres = by_id["polres:cilegon"]
    unit(
        {
            "id": "polres:cilegon",
            "name": polres["name"],
            "abbreviation": polres["abbr"],
            "type": "polres",
            "parent": "command-center",
            "escalation": "parent",
        }
    )
    covers: dict[str, list[str]] = {}
    names: dict[str, str] = {}
    for entry in police["kecamatan"]:
        covers.setdefault(entry["unit"], []).append(
            f"Kec. {entry['kecamatan']} ({entry['confidence']})"
        )
        names[entry["unit"]] = entry["polsek"]
    for unit_id in sorted(covers):
        unit(
            {
                "id": unit_id,
                "name": names[unit_id],
                "abbreviation": names[unit_id],
                "type": "polsek",
                "parent": "polres:cilegon",
                "escalation": "parent",
                "note": "Covers " + ", ".join(covers[unit_id]) + " (police.json).",
            }
        )
    for special in police["special_units"]:
        short = special["name"].split(" (")[0]
        unit(
            {
                "id": special["unit"],
                "name": special["name"],
                "abbreviation": short,
                "type": "polsek",
                "parent": "polres:cilegon",
                "escalation": "parent",
                "note": f"Covers {special['covers']}. {special['note']} "
                f"Confidence: {special['confidence']} (police.json special_units).",
            }
        )
    out.append("  # -- kecamatan (kecamatan.geojson; polsek from police.json) --")
    police_by_kec = {e["kecamatan_kode"]: e for e in police["kecamatan"]}
    for feature in sorted(kec_fc["features"], key=lambda f: f["properties"]["kode"]):
        props = feature["properties"]
        entry = police_by_kec[props["kode"]]
        unit(
            {
                "id": f"kecamatan:{props['kode']}",
                "name": f"Kecamatan {props['kecamatan']}",
                "abbreviation": f"Kec. {props['kecamatan']}",
                "type": "kecamatan",
                "kode": props["kode"],
                "parent": "command-center",
                "escalation": "parent",
                "polsek": entry["unit"],
                "polsek_confidence": entry["confidence"],
                "polsek_note": entry["note"],
                "aliases": list(props.get("alias") or []),
            }
        )
    out.append("  # -- kelurahan (kelurahan.geojson) --")
    for feature in sorted(kel_fc["features"], key=lambda f: f["properties"]["kode"]):
        props = feature["properties"]
        unit(
            {
                "id": f"kelurahan:{props['kode']}",
                "name": f"Kelurahan {props['kelurahan']}",
                "abbreviation": f"Kel. {props['kelurahan']}",
                "type": "kelurahan",
                "kode": props["kode"],
                "parent": f"kecamatan:{props['kecamatan_kode']}",
                "escalation": "parent",
                "aliases": list(props.get("alias") or []),
            }
        )
    out.append("  # -- city offices, utilities and outside bodies (units_and_categories.json) --")
    for entry in catalogue["units"]:
        kind = UNIT_TYPE.get(entry["kind"])
        if kind is None:
            continue
        unit(
            {
                "id": entry["id"],
                "name": entry["name"],
                "abbreviation": entry["abbr"],
                "type": kind,
                "parent": None,
                "escalation": "incident-owner",
                "aliases": list(entry.get("aliases") or []),
                "note": entry.get("notes"),
            }
        )
    return "\n".join(out) + "\n"


# -- rules.yaml -------------------------------------------------------------------


def is_police(unit_id: str) -> bool:
    return unit_id.startswith(("polsek:", "polres:"))


def derive_owner(primary: str, copies: Sequence[str], emergency: bool) -> tuple[str, str]:
    if is_police(primary):
        return "police", f"derived: the handler {primary} is police and owns its incident"
    if emergency:
        return "command-center", "derived: an emergency category is owned by the command center"
    if KEC in copies and KEL not in copies:
        return "kecamatan", "derived: the catalogue copies the kecamatan and not the kelurahan"
    return "kelurahan", "derived: the kelurahan of the point owns it"


def sla_block(sla: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: {"clock": sla[k]["clock"], "within": sla[k]["within"]}
        for k in ("acknowledge", "first_action", "resolve")
    }


def build_rules(src: Mapping[str, Any], version: str) -> str:
    catalogue, facilities = src["catalogue"], src["facilities"]
    out = [
        "# Tanggap routing rules. GENERATED by build_rules.py from",
        "# shared/data/cilegon/units_and_categories.json (the catalogue); every judgement is a",
        "# table in the script and appears below as a comment. Change the script, re-run, bump",
        "# the version, review the diff.",
        "#",
        "# owner: who is accountable (kelurahan | kecamatan | police | command-center), derived as",
        "#   ARCHITECTURE.md says: a police handler owns its own incident; an emergency category",
        "#   is owned by the command center; otherwise the kelurahan of the point, or the",
        "#   kecamatan where the catalogue copies the kecamatan and not the kelurahan.",
        "# handler / copy: unit ids from units.yaml, or kelurahan:<point>, kecamatan:<point>,",
        "#   polsek:<point> (computed from the report's location).",
        "# rules: ordered, first match wins; ids become '<category>/<id>' in each decision,",
        "#   '<category>/default' when none matches. A sub-rule's owner is inherited unless",
        "#   its handler changes the police test of the derivation.",
        "# sla: ISO 8601 durations; clock calendar | working_days (whole days, see sla.py) |",
        "#   external | responder (no deadline). Values are the catalogue's proposals.",
        "# dedup: same category within radius_m and window (since the incident's last report).",
        f"version: {q(version)}",
        "settings:",
        "  road_max_distance_m: 30  # nearest road farther than this = no road",
        "  coastal_margin_m: 150  # outside every polygon but this close: snapped (SOURCE.md 5.2)",
        "  border_ambiguity_m: 100  # nearer a kelurahan border: flagged ambiguous (SOURCE.md 5.1)",
        "  priority_boost:  # an incident's priority rises with its report count, capped at urgent",
        "    - {min_reports: 3, levels: 1}",
        "    - {min_reports: 10, levels: 2}",
        "lifecycle:",
        '  close_after: "P3D"  # a resolved incident closes automatically after this',
        '  reopen_window: "P14D"  # the reporter may reopen within this after the resolve',
        "  transfer_escalation_at: 3  # the 3rd reassignment goes to the command center instead",
        "areas:",
    ]
    by_facility = {f["id"]: f for f in facilities["facilities"]}
    for area in AREAS:
        facility = by_facility[area.facility]
        out.append(f"  {area.id}:")
        out.append(f"    name: {q(facility['name'])}")
        out.append(f"    center: {flow({'lon': facility['lon'], 'lat': facility['lat']})}")
        out.append(f"    radius_m: {area.radius_m}")
        out.append(f"    kelurahan_kode: {q(facility['kelurahan_kode'])}")
        out.append(f"    basis: {q(area.basis)}")
    out.append("categories:")
    used: set[tuple[str, str]] = set()
    for category in catalogue["categories"]:
        out.extend(_category(category, used))
    missing = _unreferenced(catalogue, used)
    if missing:
        raise SystemExit(f"catalogue rules without a decision in build_rules.py: {missing}")
    return "\n".join(out) + "\n"


def _match_rule(code: str, rules: Sequence[Mapping[str, Any]], prefix: str) -> Mapping[str, Any]:
    found = [r for r in rules if r["when"].startswith(prefix)]
    if len(found) != 1:
        raise SystemExit(f"{code}: {len(found)} catalogue rules start with {prefix!r}")
    return found[0]


def _category(category: Mapping[str, Any], used: set[tuple[str, str]]) -> list[str]:
    code = category["code"]
    routing = category["routing"]
    primary, copies = routing["primary"], list(routing["copy"])
    emergency = bool(category["emergency"])
    owner, why = derive_owner(primary, copies, emergency)
    if code in OWNER_OVERRIDES:
        owner, reason = OWNER_OVERRIDES[code]
        why = f"hand-edit: {reason}"
    out = [f"  {code}:"]
    out.append(f"    name_id: {q(category['name_id'])}")
    out.append(f"    name_en: {q(category['name_en'])}")
    out.append(f"    group: {q(category['group'])}")
    out.append(f"    emergency: {q(emergency)}")
    out.extend(comment(why, 4))
    out.append(f"    owner: {q(owner)}")
    out.append(f"    handler: {q(primary)}")
    out.append(f"    copy: {flow(copies)}")
    out.append(f"    priority: {q(category['priority'])}")
    out.append("    sla:")
    for key, term in sla_block(category["sla"]).items():
        out.append(f"      {key}: {flow(term)}")
    radius = category.get("incident_radius_m") or DEDUP_RADIUS_M
    if category.get("incident_radius_m"):
        out.extend(comment("catalogue incident_radius_m", 4))
    out.append(f"    dedup: {flow({'radius_m': radius, 'window': DEDUP_WINDOW})}")
    if category["questions"]:
        out.append("    questions:")
        for question in category["questions"]:
            values = [v["key"] for v in question.get("values", [])]
            out.append(f"      {question['code']}: {flow(values)}")
    out.extend(_subrules(code, owner, emergency, routing, used))
    out.extend(_modifiers(code))
    out.extend(_not_automated(code, routing, used))
    out.append(f"    sources: {flow(routing.get('default_sources', []))}")
    return out


def _subrules(
    code: str, owner: str, emergency: bool, routing: Mapping[str, Any], used: set[tuple[str, str]]
) -> list[str]:
    subs = SUBRULES.get(code, [])
    if not subs:
        return []
    out = ["    rules:"]
    for sub in subs:
        rule = _match_rule(code, routing["rules"], sub.source)
        used.add((code, rule["when"]))
        out.extend(comment(f"catalogue: {rule['when']}", 6))
        if sub.why:
            out.extend(comment(f"mapping: {sub.why}", 6))
        out.append(f"      - id: {q(sub.id)}")
        out.append(f"        when: {flow(sub.when)}")
        out.append(f"        handler: {q(rule['primary'])}")
        out.append(f"        copy: {flow(rule['copy'])}")
        sub_owner = _subrule_owner(owner, emergency, rule)
        if sub_owner is not None:
            out.extend(comment(sub_owner[1], 8))
            out.append(f"        owner: {q(sub_owner[0])}")
        if sub.sla:
            out.extend(comment(WHY_EXTERNAL if sub.sla == EXTERNAL_RESOLVE else "sla", 8))
            out.append(f"        sla: {flow(sub.sla)}")
        out.append(f"        basis: {q(rule['basis'])}")
        out.append(f"        sources: {flow(rule['sources'])}")
        if rule.get("note"):
            out.append(f"        note: {q(rule['note'])}")
    return out


def _subrule_owner(owner: str, emergency: bool, rule: Mapping[str, Any]) -> tuple[str, str] | None:
    police_handler = is_police(rule["primary"])
    if police_handler == (owner == "police"):
        return None
    derived, why = derive_owner(rule["primary"], rule["copy"], emergency)
    return (derived, why) if derived != owner else None


def _modifiers(code: str) -> list[str]:
    mods = MODIFIERS.get(code, [])
    if not mods:
        return []
    out = ["    modifiers:"]
    for mod in mods:
        out.extend(comment(mod.why, 6))
        out.append(f"      - id: {q(mod.id)}")
        out.append(f"        when: {flow(mod.when)}")
        if mod.priority:
            out.append(f"        priority: {q(mod.priority)}")
        if mod.sla:
            out.append(f"        sla: {flow(mod.sla)}")
        out.append('        basis: "inference"')
    return out


def _not_automated(code: str, routing: Mapping[str, Any], used: set[tuple[str, str]]) -> list[str]:
    out: list[str] = []
    items: list[str] = []
    for (cat, prefix), (kind, why) in UNMAPPED.items():
        if cat != code:
            continue
        rule = _match_rule(code, routing["rules"], prefix)
        used.add((code, rule["when"]))
        if kind == "default":
            out.extend(comment(f"catalogue rule '{rule['when']}' = the default: {why}", 4))
        else:
            items.append(f"{rule['when']} -> {rule['primary']}: {why}")
    if items:
        out.append("    not_automated:")
        out.extend(f"      - {q(item)}" for item in items)
    return out


def _unreferenced(catalogue: Mapping[str, Any], used: set[tuple[str, str]]) -> list[str]:
    return [
        f"{c['code']}: {r['when']}"
        for c in catalogue["categories"]
        for r in c["routing"].get("rules", [])
        if (c["code"], r["when"]) not in used
    ]


# -- main -----------------------------------------------------------------------


def load_sources(source: Path) -> dict[str, Any]:
    def read(name: str) -> Any:
        return json.loads((source / name).read_text(encoding="utf-8"))

    return {
        "catalogue": read("units_and_categories.json"),
        "police": read("police.json"),
        "facilities": read("facilities.json"),
        "kelurahan": read("kelurahan.geojson"),
        "kecamatan": read("kecamatan.geojson"),
    }


def check(units_text: str, rules_text: str) -> None:
    """Parse the output with the routing domain: the build fails if it does not load."""
    from tanggap.routing.domain.rules import parse_rulebook
    from tanggap.routing.domain.sla import WorkingCalendar
    from tanggap.routing.domain.units import parse_units

    units = parse_units(units_text, source="units.yaml")
    holidays = json.loads((HERE / "holidays.json").read_text(encoding="utf-8"))
    parse_rulebook(rules_text, units=units, calendar=WorkingCalendar.from_holidays_json(holidays))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--version", default=DEFAULT_VERSION)
    parser.add_argument("--out", type=Path, default=HERE)
    args = parser.parse_args(argv)
    sources = load_sources(args.source)
    units_text = build_units(sources, args.version)
    rules_text = build_rules(sources, args.version)
    check(units_text, rules_text)
    (args.out / "units.yaml").write_text(units_text, encoding="utf-8")
    (args.out / "rules.yaml").write_text(rules_text, encoding="utf-8")
    sys.stdout.write(f"wrote {args.out / 'units.yaml'} and {args.out / 'rules.yaml'}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
