"""BMKG's formats and edge cases (shared/design/BMKG.md §6), by plain calls."""

from __future__ import annotations

import contextlib
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tanggap.agency_adapters.domain.bmkg.catalogue import EarthquakeCatalogue, collapse
from tanggap.agency_adapters.domain.bmkg.inatews import parse_inatews
from tanggap.agency_adapters.domain.bmkg.opendata import parse_open_data
from tanggap.agency_adapters.domain.bmkg.reading import FeedFormatError
from tanggap.agency_adapters.domain.bmkg.text import classify_potential, felt_report
from tanggap.schemas.events.agency import BmkgFeed, TsunamiPotential, TsunamiWarningLevel

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bmkg"


def load(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def one(record: dict[str, Any], feed: BmkgFeed = BmkgFeed.AUTOGEMPA) -> Any:
    parsed = parse_open_data({"Infogempa": {"gempa": record}}, feed)
    assert not parsed.rejected, parsed.rejected
    return parsed.readings[0]


BASE = load("autogempa.json")["Infogempa"]["gempa"]


def test_autogempa_is_one_object_read_in_utc_with_lat_first() -> None:
    reading = one(BASE)
    assert reading.origin_time == datetime(2026, 11, 13, 19, 18, 40, tzinfo=UTC)
    assert (reading.lat, reading.lon) == (-5.88, 105.87)
    assert (reading.magnitude, reading.depth_km) == (3.9, 12.0)
    assert reading.potential is TsunamiPotential.FELT_NO_STATEMENT
    assert reading.felt == "III Kota Cilegon, II-III Pulomerak, II Anyer"
    assert reading.peak_mmi == 3


def test_an_autogempa_wrapped_in_an_array_and_a_list_of_one_object_both_read() -> None:
    assert len(parse_open_data({"Infogempa": {"gempa": [BASE]}}, BmkgFeed.AUTOGEMPA).readings) == 1
    listed = load("gempaterkini.json")["Infogempa"]["gempa"][0]
    assert (
        len(parse_open_data({"Infogempa": {"gempa": listed}}, BmkgFeed.GEMPATERKINI).readings) == 1
    )


@pytest.mark.parametrize(
    "document", [[], "x", {"infogempa": {}}, {"Infogempa": []}, {"Infogempa": {}}]
)
def test_a_wrong_envelope_fails_the_whole_poll(document: object) -> None:
    with pytest.raises(FeedFormatError):
        parse_open_data(document, BmkgFeed.AUTOGEMPA)


def test_felt_list_without_potensi_with_empty_coordinates_and_an_unreadable_record() -> None:
    parsed = parse_open_data(load("gempadirasakan.json"), BmkgFeed.GEMPADIRASAKAN)
    assert len(parsed.readings) == 3
    [rejected] = parsed.rejected
    assert rejected.index == 3
    assert "position" in rejected.reason
    lebak = parsed.readings[1]
    assert (lebak.lat, lebak.lon) == (-6.58, 106.11)  # from Lintang/Bujur
    assert lebak.potential is TsunamiPotential.UNKNOWN
    assert lebak.felt == "III Rangkasbitung, II - III Serang, II Kota Cilegon"


@pytest.mark.parametrize(
    ("tanggal", "jam", "expected"),
    [
        ("16 Mei 2026", "21:44:18 WIB", datetime(2026, 5, 16, 14, 44, 18, tzinfo=UTC)),
        ("30 Agu 2026", "19:02:44 WIB", datetime(2026, 8, 30, 12, 2, 44, tzinfo=UTC)),
        ("30 Agt 2026", "19:02:44 WIB", datetime(2026, 8, 30, 12, 2, 44, tzinfo=UTC)),
        ("9 Okt 2026", "03:10:00 WIB", datetime(2026, 10, 8, 20, 10, tzinfo=UTC)),
        ("02 Des 2026", "08:00:00 WITA", datetime(2026, 12, 2, 0, 0, tzinfo=UTC)),
        ("27-Aug-19", "10:00:00 WIT", datetime(2019, 8, 27, 1, 0, tzinfo=UTC)),
    ],
)
def test_without_datetime_the_indonesian_local_date_is_read(
    tanggal: str, jam: str, expected: datetime
) -> None:
    record = {**BASE, "Tanggal": tanggal, "Jam": jam}
    del record["DateTime"]
    assert one(record).origin_time == expected


def test_datetime_wins_when_tanggal_disagrees() -> None:
    record = {**BASE, "Tanggal": "9 Jan 2024", "Jam": "01:00:00 WIB"}
    assert one(record).origin_time == datetime(2026, 11, 13, 19, 18, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    "change",
    [
        {"DateTime": "0001-01-01T00:00:00+01:00", "Tanggal": "01 Jan 0001", "Jam": "01:00:00 WIB"},
        {"DateTime": "2026-13-01T00:00:00+00:00", "Tanggal": "31 Feb 2026"},
        {"DateTime": "2026-11-13T19:18:40", "Tanggal": "01 Jan 0001", "Jam": "01:00:00 WIB"},
    ],
)
def test_a_record_whose_time_cannot_be_read_either_way_is_rejected(change: dict[str, Any]) -> None:
    parsed = parse_open_data({"Infogempa": {"gempa": {**BASE, **change}}}, BmkgFeed.AUTOGEMPA)
    assert parsed.readings == ()
    assert "time" in parsed.rejected[0].reason


@pytest.mark.parametrize(
    ("coordinates", "lintang", "bujur", "expected"),
    [
        ("3.99,128.00", "3.99 LU", "128.00 BT", (3.99, 128.0)),  # northern, lat first
        ("122.05,1.27", "1.27 LU", "122.05 BT", (1.27, 122.05)),  # legacy lon,lat
        ("122.05,1.27", None, None, (1.27, 122.05)),  # legacy, no hemisphere fields
        ("-6.41,105.32", "7.00 LS", "104.00 BT", (-7.0, 104.0)),  # contradiction: explicit wins
        ("", "17.83 LS", "178.42 BB", (-17.83, -178.42)),  # western longitude
    ],
)
def test_coordinate_order_and_hemispheres(
    coordinates: str, lintang: str | None, bujur: str | None, expected: tuple[float, float]
) -> None:
    record = {**BASE, "Coordinates": coordinates, "Lintang": lintang, "Bujur": bujur}
    reading = one(record)
    assert (reading.lat, reading.lon) == expected


@pytest.mark.parametrize(
    ("magnitude", "depth", "expected"),
    [
        ("5.0 SR", "10 Km", (5.0, 10.0)),
        ("4,7", "23 km", (4.7, 23.0)),
        ("6.1", "12.5 km", (6.1, 12.5)),
    ],
)
def test_units_and_decimal_commas(
    magnitude: str, depth: str, expected: tuple[float, float]
) -> None:
    reading = one({**BASE, "Magnitude": magnitude, "Kedalaman": depth})
    assert (reading.magnitude, reading.depth_km) == expected


@pytest.mark.parametrize(
    "change",
    [{"Kedalaman": "-17 km"}, {"Kedalaman": "9000 km"}, {"Magnitude": "besar"}, {"Magnitude": 12}],
)
def test_absurd_values_reject_the_record_not_the_file(change: dict[str, Any]) -> None:
    parsed = parse_open_data(
        {"Infogempa": {"gempa": [{**BASE, **change}, BASE]}}, BmkgFeed.GEMPATERKINI
    )
    assert len(parsed.readings) == 1
    assert len(parsed.rejected) == 1


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Tidak berpotensi tsunami", TsunamiPotential.NONE),
        ("tidak berpotensi TSUNAMI", TsunamiPotential.NONE),
        ("Gempa ini  tidak berpotensi tsunami", TsunamiPotential.NONE),
        ("Potensi tsunami untuk diteruskan pada masyarakat", TsunamiPotential.POTENTIAL),
        ("Potensi TSUNAMI untuk diteruskan pada masyarakat", TsunamiPotential.POTENTIAL),
        ("Berpotensi tsunami", TsunamiPotential.POTENTIAL),
        ("Peringatan dini tsunami telah diakhiri", TsunamiPotential.NONE),
        (
            "Gempa ini dirasakan untuk diteruskan pada masyarakat",
            TsunamiPotential.FELT_NO_STATEMENT,
        ),
        ("", TsunamiPotential.UNKNOWN),
        (None, TsunamiPotential.UNKNOWN),
    ],
)
def test_tsunami_statement_classification(text: str | None, expected: TsunamiPotential) -> None:
    assert classify_potential(text) is expected


@pytest.mark.parametrize(
    ("text", "peak"),
    [
        ("-", None),
        ("", None),
        ("II-III MMI Kab. Manggarai", 3),
        ("Iv Kepanjen, III Madiun ", 4),
        ("IV Manna, IV Argamakmur, III-IV Kepahiang", 4),
        ("II - III Cianjur", 3),
    ],
)
def test_felt_reports(text: str, peak: int | None) -> None:
    report = felt_report(text)
    assert (report.peak_mmi if report else None) == peak
    assert (report is None) == (text.strip() in ("", "-"))


def test_gempaterkini_duplicates_and_revisions_collapse_to_the_last_issued_in_time_order() -> None:
    parsed = parse_open_data(load("gempaterkini.json"), BmkgFeed.GEMPATERKINI)
    assert len(parsed.readings) == 15
    kept = collapse(list(parsed.readings))
    assert len(kept) == 12
    assert [r.origin_time for r in kept] == sorted(r.origin_time for r in kept)
    donggala = [r for r in kept if r.region.endswith("DONGGALA-SULTENG")]
    assert [(r.magnitude, r.depth_km) for r in donggala] == [(5.9, 11.0)]


def test_one_quake_read_from_three_files_is_one_key_and_polls_do_not_flap() -> None:
    catalogue = EarthquakeCatalogue()
    auto = parse_open_data(load("autogempa_m5_near.json"), BmkgFeed.AUTOGEMPA).readings
    listed = parse_open_data(load("gempaterkini.json"), BmkgFeed.GEMPATERKINI).readings
    felt = parse_open_data(load("gempadirasakan.json"), BmkgFeed.GEMPADIRASAKAN).readings
    first = catalogue.observe(auto)
    assert [q.key for q in first] == ["bmkg-20261202234127"]
    catalogue.observe(listed)
    catalogue.observe(felt)
    for readings in (auto, listed, felt, auto, listed):
        assert catalogue.observe(readings) == []  # nothing new on later polls


def test_a_revision_keeps_the_key_and_the_merge_keeps_what_other_files_said() -> None:
    catalogue = EarthquakeCatalogue()
    [auto] = parse_open_data(load("autogempa_m5_near.json"), BmkgFeed.AUTOGEMPA).readings
    catalogue.observe([auto])
    record = {**load("autogempa_m5_near.json")["Infogempa"]["gempa"]}
    record |= {"Magnitude": "5.4", "DateTime": "2026-12-02T23:41:28+00:00", "Dirasakan": "-"}
    [revised] = catalogue.observe([one(record, BmkgFeed.GEMPATERKINI)])
    assert revised.key == "bmkg-20261202234127"
    assert revised.reading.magnitude == 5.4
    assert revised.reading.felt == "IV Anyer, III-IV Kota Cilegon, III Serang, II-III Pandeglang"


def test_a_seeded_quake_keeps_its_key_after_a_restart() -> None:
    catalogue = EarthquakeCatalogue()
    catalogue.seed(
        "bmkg-20261202234127", datetime(2026, 12, 2, 23, 41, 27, tzinfo=UTC), -6.35, 105.80
    )
    record = {
        **load("autogempa_m5_near.json")["Infogempa"]["gempa"],
        "DateTime": "2026-12-02T23:41:29+00:00",
    }
    [quake] = catalogue.observe([one(record)])
    assert quake.key == "bmkg-20261202234127"


def test_inatews_tsunami_warning_is_lon_lat_local_time_and_deduplicated_zones() -> None:
    [reading] = parse_inatews(load("datagempa_tsunami.json")).readings
    assert (reading.lat, reading.lon) == (-7.82, 104.18)
    assert reading.origin_time == datetime(2027, 2, 14, 14, 1, 47, tzinfo=UTC)  # not eventid
    assert reading.potential is TsunamiPotential.POTENTIAL
    assert not reading.exercise
    assert not reading.warning_ended
    districts = [z.district for z in reading.warning_zones]
    assert districts.count("KOTA-CILEGON") == 1
    assert len(districts) == 5
    assert {z.level for z in reading.warning_zones} == {
        TsunamiWarningLevel.SIAGA,
        TsunamiWarningLevel.WASPADA,
    }


def test_inatews_exercise_and_ended_warning() -> None:
    [drill] = parse_inatews(load("datagempa_tes.json")).readings
    assert drill.exercise
    assert drill.warning_zones[0].level is TsunamiWarningLevel.AWAS
    [ended] = parse_inatews(load("datagempa_ended.json")).readings
    assert ended.warning_ended
    assert ended.potential is TsunamiPotential.NONE


def test_an_exercise_never_merges_into_the_real_quake_it_resembles() -> None:
    catalogue = EarthquakeCatalogue()
    [real] = parse_inatews(load("datagempa_tsunami.json")).readings
    document = load("datagempa_tsunami.json") | {"status": "TES"}
    [drill] = parse_inatews(document).readings
    keys = {q.key for q in catalogue.observe([real])} | {q.key for q in catalogue.observe([drill])}
    assert keys == {"bmkg-20270214140147", "bmkg-tes-20270214140147"}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)
record_fields = st.fixed_dictionaries(
    {},
    optional={k: json_values | st.text(max_size=30) for k in BASE},
)


@settings(max_examples=200, deadline=None)
@given(st.lists(record_fields | json_values, max_size=5))
def test_no_record_however_broken_raises(records: list[Any]) -> None:
    parsed = parse_open_data({"Infogempa": {"gempa": records}}, BmkgFeed.GEMPATERKINI)
    assert len(parsed.readings) + len(parsed.rejected) == len(records)
    EarthquakeCatalogue().observe(parsed.readings)


@settings(max_examples=200, deadline=None)
@given(json_values)
def test_no_inatews_message_however_broken_raises_more_than_a_format_error(document: Any) -> None:
    with contextlib.suppress(FeedFormatError):
        parse_inatews({"status": "Actual", "info": document})
