"""Places an Open311 ``address_string`` with the city's gazetteer.

The spec writes an address from the most specific part to the most general
("Pasar Kranggot, Kel. Sukmajaya, Kec. Jombang, Cilegon"). Each part is
matched against the 1,119 named places of ``data/places.json`` (offices,
markets, schools, streets...): exactly first, then as the longest place name
contained in the part ("depan Pasar Kranggot"). A kelurahan or kecamatan
named in a later part picks between places of the same name. Anything still
ambiguous or unknown is not guessed: the request is accepted and flagged for
the command center to place by hand."""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

# Accuracy given to a matched place: the source's own precision where it has
# one, half a street's length for a street (the point is its midpoint), and
# a building-sized default for facility points.
FACILITY_ACCURACY_M = 100.0
MAX_STREET_ACCURACY_M = 2000.0
MIN_CONTAINED_NAME_CHARS = 8
# A long street's midpoint may lie kilometres (and kelurahan) away from the
# problem: beyond this the command center places it, not us.
MAX_PLACEMENT_ACCURACY_M = 1000.0
_AREA_MARKERS = ("kelurahan ", "desa ", "kecamatan ")

_ABBREVIATIONS = {
    "jl": "jalan",
    "jln": "jalan",
    "kel": "kelurahan",
    "kec": "kecamatan",
    "bts": "batas",
    "gg": "gang",
    "brigjend": "brigjen",
    "kp": "kampung",
    "ds": "desa",
}
_GENERAL_PARTS = {"cilegon", "kota cilegon", "banten", "provinsi banten", "indonesia"}


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    kind: str
    lat: float
    lon: float
    kelurahan_kode: str | None
    accuracy_m: float


@dataclass(frozen=True, slots=True)
class Kelurahan:
    kode: str
    name: str
    kecamatan_kode: str
    kecamatan: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Placement:
    lat: float
    lon: float
    accuracy_m: float
    place: Place


def normalise(text: str) -> str:
    """Lower case, ASCII, punctuation as spaces, abbreviations spelt out."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    tokens = re.sub(r"[^a-z0-9]+", " ", folded).split()
    return " ".join(_ABBREVIATIONS.get(token, token) for token in tokens)


class Gazetteer:
    def __init__(self, places: Iterable[Place], kelurahan: Iterable[Kelurahan]) -> None:
        self._by_name: dict[str, list[Place]] = defaultdict(list)
        for place in places:
            self._by_name[normalise(place.name)].append(place)
        # Contained-name search starts from a name's first token.
        self._by_first_token: dict[str, list[str]] = defaultdict(list)
        for name in self._by_name:
            if len(name) >= MIN_CONTAINED_NAME_CHARS:
                self._by_first_token[name.split()[0]].append(name)
        self._kelurahan: dict[str, list[Kelurahan]] = defaultdict(list)
        self._kecamatan: dict[str, str] = {}
        for kel in kelurahan:
            for spelling in (kel.name, *kel.aliases):
                self._kelurahan[normalise(spelling)].append(kel)
            self._kecamatan[normalise(kel.kecamatan)] = kel.kecamatan_kode

    def locate(self, address: str) -> Placement | None:
        parts = [normalise(part) for part in re.split(r"[,;\n]", address)]
        parts = [part for part in parts if part and part not in _GENERAL_PARTS]
        if not parts:
            return None
        area_prefixes = self._area_prefixes(parts)
        for part in parts:
            if part.startswith(_AREA_MARKERS):
                continue
            candidates = self._candidates(part)
            if not candidates:
                continue
            if area_prefixes:
                narrowed = [
                    place
                    for place in candidates
                    if place.kelurahan_kode and place.kelurahan_kode.startswith(area_prefixes)
                ]
                candidates = narrowed or candidates
            chosen = _unambiguous(candidates)
            if chosen is None or chosen.accuracy_m > MAX_PLACEMENT_ACCURACY_M:
                return None
            return Placement(chosen.lat, chosen.lon, chosen.accuracy_m, chosen)
        return None

    def _candidates(self, part: str) -> list[Place]:
        exact = self._by_name.get(part)
        if exact:
            return exact
        tokens = part.split()
        best: list[str] = []
        for start, token in enumerate(tokens):
            for name in self._by_first_token.get(token, ()):
                name_tokens = name.split()
                if tokens[start : start + len(name_tokens)] != name_tokens:
                    continue
                if not best or len(name) > len(best[0]):
                    best = [name]
                elif len(name) == len(best[0]) and name not in best:
                    best.append(name)
        return [place for name in best for place in self._by_name[name]]

    def _area_prefixes(self, parts: list[str]) -> tuple[str, ...]:
        """Kelurahan codes (or kecamatan code prefixes) named in the address."""
        prefixes: list[str] = []
        for part in parts:
            for marker, table in (("kelurahan ", "kel"), ("desa ", "kel"), ("kecamatan ", "kec")):
                if not part.startswith(marker):
                    continue
                name = part.removeprefix(marker)
                if table == "kel":
                    prefixes.extend(kel.kode for kel in self._kelurahan.get(name, ()))
                elif name in self._kecamatan:
                    prefixes.append(self._kecamatan[name] + ".")
        return tuple(prefixes)


def _unambiguous(candidates: list[Place]) -> Place | None:
    """One place, or several entries of one street in one kelurahan (a street
    split into pieces); anything else is a guess we do not make."""
    if len(candidates) == 1:
        return candidates[0]
    kinds = {place.kind for place in candidates}
    kelurahan = {place.kelurahan_kode for place in candidates}
    if len(kelurahan) == 1 and kinds <= {"street", "ruas_jalan"}:
        # The longest piece (its accuracy is half its length) stands for the street.
        return max(candidates, key=lambda place: place.accuracy_m)
    return None


def place_from_entry(entry: Mapping[str, Any]) -> Place:
    """A ``data/places.json`` entry as a Place, with the accuracy it deserves."""
    if entry.get("precision_m"):
        accuracy = float(entry["precision_m"])
    elif entry.get("length_m"):
        accuracy = min(float(entry["length_m"]) / 2, MAX_STREET_ACCURACY_M)
    else:
        accuracy = FACILITY_ACCURACY_M
    return Place(
        name=entry["name"],
        kind=entry["kind"],
        lat=float(entry["lat"]),
        lon=float(entry["lon"]),
        kelurahan_kode=entry.get("kelurahan_kode") or entry.get("nearest_kelurahan_kode"),
        accuracy_m=accuracy,
    )


def kelurahan_from_entry(entry: Mapping[str, Any]) -> Kelurahan:
    return Kelurahan(
        kode=entry["kode"],
        name=entry["name"],
        kecamatan_kode=entry["kecamatan_kode"],
        kecamatan=entry["kecamatan"],
        aliases=tuple(entry.get("alias") or ()),
    )
