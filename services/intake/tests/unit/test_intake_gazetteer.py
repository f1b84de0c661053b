"""Placing an Open311 address_string with the city's gazetteer (the real
data/places.json): exact names, names inside a longer part, a kelurahan that
picks between namesakes, and no guessing."""

from __future__ import annotations

import pytest

from tanggap.intake.domain.gazetteer import Gazetteer, normalise


def test_normalise_spells_out_abbreviations_and_folds_case() -> None:
    assert normalise("Jl. Raya Cilegon – Anyer, Kel. Ciwaduk") == (
        "jalan raya cilegon anyer kelurahan ciwaduk"
    )


def test_an_exact_place_name(gazetteer: Gazetteer) -> None:
    placement = gazetteer.locate("Kantor Walikota Cilegon")
    assert placement is not None
    assert placement.place.kelurahan_kode == "36.72.07.1001"  # Ramanuju
    assert (placement.lat, placement.lon) == (-6.009866, 106.042203)


def test_a_place_named_inside_a_longer_description(gazetteer: Gazetteer) -> None:
    placement = gazetteer.locate("depan Terminal C Pasar Kranggot, Cilegon")
    assert placement is not None
    assert placement.place.name == "Terminal C Pasar Kranggot"
    assert placement.accuracy_m == 100.0


def test_a_street_gets_half_its_length_as_accuracy(gazetteer: Gazetteer) -> None:
    placement = gazetteer.locate("Jl. Akses Pasar Kranggot No. 5")
    assert placement is not None
    assert placement.place.kind == "street"
    assert placement.accuracy_m == 345.0


def test_a_kelurahan_in_the_address_picks_between_namesakes(gazetteer: Gazetteer) -> None:
    assert gazetteer.locate("Masjid Al-Hidayah") is None  # seven of them
    placement = gazetteer.locate("Masjid Al-Hidayah, Kel. Gerogol, Kec. Grogol")
    assert placement is not None
    assert placement.place.kelurahan_kode == "36.72.06.1002"  # Grogol, alias Gerogol


@pytest.mark.parametrize(
    "address",
    [
        "Gang Mawar RT 03, Kel. Sukmajaya",  # not in the gazetteer
        "Kel. Sukmajaya, Kec. Jombang",  # an area is not a place
        "Jl. Bagendung Raya, Kel. Bagendung",  # a 7 km street: its midpoint is a guess
        "Cilegon, Banten",
        "",
    ],
)
def test_what_cannot_be_placed_is_not_guessed(gazetteer: Gazetteer, address: str) -> None:
    assert gazetteer.locate(address) is None
