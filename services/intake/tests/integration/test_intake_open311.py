"""The Open311 GeoReport v2 conformance checklist (shared design OPEN311.md
section 1.8), item by item, in XML and JSON, against the real broker and
database; plus the gazetteer placement and FixMyStreet's updates."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import httpx
import orjson
import pytest
from intake_testkit import (
    Topics,
    acknowledged,
    as_text,
    new_incident_id,
    opened,
    rejected,
    resolved,
    routed,
    running,
    utc_now,
    xml_to_data,
)

from tanggap.intake.adapters.api_clients_repo import ApiClientRepository
from tanggap.intake.adapters.database import create_pool
from tanggap.intake.adapters.projection import Projector
from tanggap.intake.adapters.reports_repo import ReportRepository
from tanggap.intake.settings import Settings
from tanggap.schemas.cloudevents import decode, encode
from tanggap.schemas.common import Message as ContractMessage
from tanggap.schemas.events import ReportSubmitted
from tanggap.streaming import Message
from tanggap.streaming.testing import read_all

pytestmark = pytest.mark.integration

V2 = "/open311/v2"
FORMATS = ["xml", "json"]
WIB_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00")
FORM = {"content-type": "application/x-www-form-urlencoded; charset=utf-8"}
INDONESIAN = "Jl. Raya Cilegon – Anyer, Kel. Ciwaduk: pipa bocor «parah» & air terbuang"


class Open311:
    """A client of one running app, with an API key and the projection's
    handler to feed routing's events in without a consumer."""

    def __init__(self, client: httpx.AsyncClient, api_key: str, projector: Projector) -> None:
        self.client = client
        self.api_key = api_key
        self.projector = projector

    async def get(self, path: str, fmt: str, **params: str) -> tuple[httpx.Response, Any]:
        response = await self.client.get(f"{V2}/{path}.{fmt}", params=params)
        return response, parse(response, fmt)

    async def post(self, fields: list[tuple[str, str]], fmt: str = "json") -> httpx.Response:
        body = urlencode([("api_key", self.api_key), *fields])
        return await self.client.post(f"{V2}/requests.{fmt}", content=body, headers=FORM)

    async def submit(self, fmt: str = "json", **extra: str) -> str:
        fields = {
            "service_code": "air-bersih",
            "lat": "-6.0337",
            "long": "106.0698",
            "description": INDONESIAN,
            **({} if "service_code" in extra else {"attribute[jenis]": "bocor"}),
            **extra,
        }
        response = await self.post(list(fields.items()), fmt)
        assert response.status_code == 200, response.text
        [created] = parse(response, fmt)
        return str(created["service_request_id"])

    async def feed(self, event: ContractMessage, event_id: str | None = None) -> None:
        record = encode(event, source="/tanggap/routing", event_id=event_id)
        await self.projector.handle(
            Message("t", 0, 0, record.key, record.value, tuple(record.headers), 0)
        )


def parse(response: httpx.Response, fmt: str) -> Any:
    if fmt == "json":
        assert response.headers["content-type"] == "application/json; charset=utf-8"
        return orjson.loads(response.content)
    assert response.headers["content-type"] == "text/xml; charset=utf-8"
    assert response.content.startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    return xml_to_data(ET.fromstring(response.content))


@pytest.fixture(scope="module")
async def open311(settings: Settings) -> AsyncIterator[Open311]:
    pool = await create_pool(settings.database_url, settings.database_schema, size=2)
    try:
        _, api_key = await ApiClientRepository(pool).create("FixMyStreet Cilegon")
        async with running(settings) as (_, client):
            yield Open311(client, api_key, Projector(ReportRepository(pool)))
    finally:
        await pool.close()


# 1 ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
async def test_1_discovery(open311: Open311, fmt: str) -> None:
    response, discovery = await open311.get("discovery", fmt)
    assert response.status_code == 200
    assert {"changeset", "contact", "key_service", "endpoints"} <= set(discovery)
    [endpoint] = discovery["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["type"] in ("production", "test")
    assert endpoint["url"] == "http://intake.test/open311/v2"
    assert endpoint["formats"] == ["text/xml", "application/json"]


# 2, 3, 17 --------------------------------------------------------------------


async def test_2_3_17_services_in_both_formats(open311: Open311) -> None:
    xml_response, as_xml = await open311.get("services", "xml")
    json_response, as_json = await open311.get("services", "json")
    assert xml_response.status_code == json_response.status_code == 200
    assert isinstance(as_json, list)
    assert len(as_json) == 32
    assert as_text(as_json) == as_xml
    for service in as_json:
        assert service["service_code"]
        assert isinstance(service["metadata"], bool)
        assert service["type"] == "realtime"  # 10: no batch service exists
        assert service["description"]
    fire = next(s for s in as_json if s["service_code"] == "kebakaran")
    assert "112" in fire["description"]


# 4 ---------------------------------------------------------------------------

DATATYPES = {"string", "number", "datetime", "text", "singlevaluelist", "multivaluelist"}


async def test_4_service_definitions(open311: Open311) -> None:
    _, services = await open311.get("services", "json")
    for service in [s for s in services if s["metadata"]]:
        code = service["service_code"]
        response, definition = await open311.get(f"services/{code}", "json")
        assert response.status_code == 200
        assert definition["service_code"] == code
        orders = [a["order"] for a in definition["attributes"]]
        assert len(set(orders)) == len(orders)
        assert all(isinstance(o, int) and o >= 1 for o in orders)
        for attribute in definition["attributes"]:
            assert isinstance(attribute["variable"], bool)
            assert isinstance(attribute["required"], bool)
            assert attribute["code"]
            assert attribute["datatype"] in DATATYPES
            if attribute["datatype"] in ("singlevaluelist", "multivaluelist"):
                assert attribute["values"]
                assert all(v["key"] and v["name"] for v in attribute["values"])
        _, as_xml = await open311.get(f"services/{code}", "xml")
        assert as_text(definition) == as_xml


async def test_4_emergencies_carry_an_informational_attribute(open311: Open311) -> None:
    _, definition = await open311.get("services/banjir", "json")
    info = definition["attributes"][0]
    assert (info["variable"], info["code"]) == (False, "info_darurat")
    assert "112" in info["description"]


# 5 ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
async def test_5_unknown_service_and_jurisdiction_are_404(open311: Open311, fmt: str) -> None:
    response, errors = await open311.get("services/tidak-ada", fmt)
    assert response.status_code == 404
    assert errors[0]["code"] in (404, "404")
    assert errors[0]["description"]
    response, _ = await open311.get("services", fmt, jurisdiction_id="serangkab.go.id")
    assert response.status_code == 404
    # One jurisdiction per endpoint: leaving it out is fine, naming ours too.
    assert (await open311.get("services", fmt, jurisdiction_id="cilegon.go.id"))[
        0
    ].status_code == 200


# 6 ---------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
async def test_6_posting_needs_a_valid_key(open311: Open311, fmt: str) -> None:
    fields = urlencode({"service_code": "air-bersih", "lat": "-6.03", "long": "106.06"})
    missing = await open311.client.post(f"{V2}/requests.{fmt}", content=fields, headers=FORM)
    bad = await open311.client.post(
        f"{V2}/requests.{fmt}", content=fields + "&api_key=tgp_salah", headers=FORM
    )
    for response in (missing, bad):
        assert response.status_code == 403
        [error] = parse(response, fmt)
        assert error["description"]


# 7, 8, 9 ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ([("service_code", "air-bersih"), ("attribute[jenis]", "bocor")], "lat"),
        ([("service_code", "air-bersih"), ("lat", "-6.03"), ("attribute[jenis]", "bocor")], "long"),
        (
            [("service_code", "air-bersih"), ("lat", "-6.03"), ("long", "106.06")],
            "attribute[jenis]",
        ),
        (
            [
                ("service_code", "air-bersih"),
                ("lat", "-6.03"),
                ("long", "106.06"),
                ("attribute[jenis]", "banjir"),
            ],
            "attribute[jenis]",
        ),
        (
            [
                ("service_code", "air-bersih"),
                ("lat", "-6.03"),
                ("long", "106.06"),
                ("attribute[jenis]", "bocor"),
                ("description", "x" * 4001),
            ],
            "description",
        ),
    ],
)
@pytest.mark.parametrize("fmt", FORMATS)
async def test_7_8_9_bad_requests_are_400(
    open311: Open311, fmt: str, fields: list[tuple[str, str]], fragment: str
) -> None:
    response = await open311.post(fields, fmt)
    assert response.status_code == 400, response.text
    descriptions = [e["description"] for e in parse(response, fmt)]
    assert any(d.startswith(fragment) for d in descriptions), descriptions


async def test_8_multivaluelist_attributes(open311: Open311) -> None:
    fields = [
        ("service_code", "pohon-tumbang"),
        ("lat", "-6.0337"),
        ("long", "106.0698"),
        ("attribute[menimpa][]", "jalan"),
        ("attribute[menimpa][]", "kabel"),
    ]
    response = await open311.post(fields)
    assert response.status_code == 200, response.text
    [created] = response.json()
    assert "112" in created["service_notice"]


# 10 --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
async def test_10_realtime_returns_an_id_and_tokens_resolve(open311: Open311, fmt: str) -> None:
    response = await open311.post(
        [
            ("service_code", "air-bersih"),
            ("lat", "-6.03"),
            ("long", "106.06"),
            ("attribute[jenis]", "mati"),
        ],
        fmt,
    )
    [created] = parse(response, fmt)
    assert "service_request_id" in created
    assert "token" not in created
    native = await open311.client.post(
        "/v1/reports",
        json={
            "category": "air-bersih",
            "description": "Air mati",
            "location": {"lat": -6.03, "lon": 106.06},
            "answers": {"jenis": "mati"},
        },
    )
    token = native.json()["tracking_token"]
    answer, [found] = await open311.get(f"tokens/{token}", fmt)
    assert answer.status_code == 200
    assert found == {"service_request_id": native.json()["id"], "token": token}
    assert (await open311.get("tokens/tidak-ada", fmt))[0].status_code == 404


# 11, 12, 13, 14, 15, 16, 17 --------------------------------------------------


async def test_11_default_window_limit_and_filters(open311: Open311) -> None:
    first = await open311.submit()
    second = await open311.submit()
    _, everything = await open311.get("requests", "json")
    assert len(everything) <= 1000
    ids = [r["service_request_id"] for r in everything]
    assert first in ids
    assert second in ids
    # service_request_id overrides every other filter
    _, chosen = await open311.get(
        "requests",
        "json",
        service_request_id=f"{first},tidak-ada",
        service_code="sampah",
        start_date="2020-01-01",
        end_date="2020-01-02",
    )
    assert [r["service_request_id"] for r in chosen] == [first]
    _, both = await open311.get("requests", "json", status="open,closed")
    assert {r["service_request_id"] for r in both} == set(ids)
    _, by_code = await open311.get("requests", "json", service_code="sampah,kebakaran")
    assert first not in [r["service_request_id"] for r in by_code]


@pytest.mark.parametrize("fmt", FORMATS)
async def test_11_a_window_over_90_days_is_400(open311: Open311, fmt: str) -> None:
    now = utc_now()
    response, _ = await open311.get(
        "requests",
        fmt,
        start_date=(now - timedelta(days=91)).isoformat(),
        end_date=now.isoformat(),
    )
    assert response.status_code == 400
    old = await open311.get("requests", fmt, start_date="2020-01-01")
    assert old[0].status_code == 400  # to now: far more than 90 days
    in_window, _ = await open311.get(
        "requests", fmt, start_date="2026-09-01", end_date="2026-11-29T23:59:59+07:00"
    )
    assert in_window.status_code == 200


async def test_12_13_16_17_one_request_in_both_formats(open311: Open311) -> None:
    report_id = await open311.submit()
    _, [as_json] = await open311.get(f"requests/{report_id}", "json")
    _, as_xml = await open311.get(f"requests/{report_id}", "xml")
    assert [as_text(as_json)] == as_xml
    assert as_json["description"] == INDONESIAN
    assert as_xml[0]["description"] == INDONESIAN
    assert as_json["status"] == "open"
    assert as_json["status_notes"] == "Laporan diterima"
    for field in ("requested_datetime", "updated_datetime"):
        assert WIB_TIME.fullmatch(as_json[field])


async def test_13_status_is_open_or_closed_and_notes_carry_the_rest(open311: Open311) -> None:
    report_id = await open311.submit()
    incident_id = new_incident_id()
    now = utc_now()
    await open311.feed(routed(report_id, incident_id, now))
    await open311.feed(opened(report_id, incident_id, now))
    await open311.feed(acknowledged(incident_id, now + timedelta(seconds=1)))
    _, [routed_request] = await open311.get(f"requests/{report_id}", "json")
    assert routed_request["status"] == "open"
    assert routed_request["status_notes"] == "Laporan telah dibaca oleh unit"
    assert routed_request["agency_responsible"] == "Perumda Air Minum Cilegon Mandiri"
    assert WIB_TIME.fullmatch(routed_request["expected_datetime"])
    await open311.feed(resolved(incident_id, now + timedelta(seconds=2)))
    _, [done] = await open311.get(f"requests/{report_id}", "json")
    assert (done["status"], done["status_notes"]) == ("closed", "Masalah telah diselesaikan")
    _, closed = await open311.get("requests", "json", status="closed")
    _, still_open = await open311.get("requests", "json", status="open")
    assert report_id in [r["service_request_id"] for r in closed]
    assert report_id not in [r["service_request_id"] for r in still_open]

    outside = await open311.submit()
    await open311.feed(rejected(outside, now))
    _, [refused] = await open311.get(f"requests/{outside}", "json")
    assert refused["status"] == "closed"
    assert refused["status_notes"] == "Laporan ditolak: lokasi di luar wilayah Kota Cilegon"


async def test_servicerequestupdates_follow_status_changes(open311: Open311) -> None:
    report_id = await open311.submit()
    incident_id = new_incident_id()
    now = utc_now()
    await open311.feed(routed(report_id, incident_id, now), event_id=new_incident_id())
    await open311.feed(opened(report_id, incident_id, now))
    await open311.feed(acknowledged(incident_id, now + timedelta(seconds=1)))
    window = {
        "start_date": (now - timedelta(minutes=1)).isoformat(),
        "end_date": (now + timedelta(minutes=1)).isoformat(),
    }
    _, as_json = await open311.get("servicerequestupdates", "json", **window)
    _, as_xml = await open311.get("servicerequestupdates", "xml", **window)
    mine = [u for u in as_json if u["service_request_id"] == report_id]
    assert [u["status"] for u in mine] == ["open", "investigating"]
    assert all(WIB_TIME.fullmatch(u["updated_datetime"]) for u in mine)
    assert as_text(as_json) == as_xml


@pytest.mark.parametrize("fmt", FORMATS)
async def test_14_an_empty_optional_argument_is_no_argument(open311: Open311, fmt: str) -> None:
    await open311.submit()
    _, plain = await open311.get("requests", fmt)
    _, empty = await open311.get(
        "requests", fmt, status="", service_code="", start_date="", service_request_id=""
    )
    assert plain == empty


@pytest.mark.parametrize("fmt", FORMATS)
async def test_15_an_unknown_request_is_404(open311: Open311, fmt: str) -> None:
    for unknown in ("01938a2e-7c1a-7000-8000-00000000dead", "bukan-id"):
        response, errors = await open311.get(f"requests/{unknown}", fmt)
        assert response.status_code == 404
        assert errors[0]["description"]


async def test_confidential_reports_stay_off_public_listings(open311: Open311) -> None:
    response = await open311.post(
        [
            ("service_code", "kriminalitas"),
            ("lat", "-6.03"),
            ("long", "106.06"),
            ("attribute[sedang_terjadi]", "tidak"),
        ]
    )
    [created] = response.json()
    report_id = created["service_request_id"]
    assert (await open311.get(f"requests/{report_id}", "json"))[0].status_code == 404
    _, listed = await open311.get("requests", "json", service_request_id=report_id)
    assert listed == []


# address_string and the gazetteer ----------------------------------------------


async def submitted_event(kafka_bootstrap: str, topic: str, report_id: str) -> ReportSubmitted:
    messages = await read_all(kafka_bootstrap, topic)
    [record] = [m for m in messages if m.header("ce_id") == report_id.encode()]
    event = decode(record.value, record.headers).data
    assert isinstance(event, ReportSubmitted)
    return event


async def test_an_address_is_placed_with_the_gazetteer(
    open311: Open311, kafka_bootstrap: str, topics: Topics
) -> None:
    report_id = await open311.submit(
        lat="", long="", address_string="depan Terminal C Pasar Kranggot, Kel. Sukmajaya"
    )
    _, [request] = await open311.get(f"requests/{report_id}", "json")
    assert (request["lat"], request["long"]) == (-6.017601, 106.066744)  # places.json
    event = await submitted_event(kafka_bootstrap, topics.submitted, report_id)
    assert event.location is not None
    assert event.location.accuracy_m == 100.0
    assert event.channel.value == "open311"
    assert event.client_id == "fixmystreet-cilegon"


async def test_an_address_that_cannot_be_placed_is_flagged(
    open311: Open311, kafka_bootstrap: str, topics: Topics
) -> None:
    report_id = await open311.submit(lat="", long="", address_string="Gang Mawar RT 03 RW 05")
    event = await submitted_event(kafka_bootstrap, topics.submitted, report_id)
    assert event.location is None
    assert event.needs_manual_location
    assert event.area_key == "unlocated"
    _, [request] = await open311.get(f"requests/{report_id}", "json")
    assert "lat" not in request
    assert request["address"] == "Gang Mawar RT 03 RW 05"


async def test_form_encoding_is_required(open311: Open311) -> None:
    response = await open311.client.post(f"{V2}/requests.json", json={"service_code": "air-bersih"})
    assert response.status_code == 415
    assert response.json()[0]["description"]


async def test_a_photo_hosted_by_the_client_travels_as_its_url(
    open311: Open311, kafka_bootstrap: str, topics: Topics
) -> None:
    url = "https://fixmystreet.example/photo/7731.full.jpeg"
    report_id = await open311.submit(
        service_code="jalan-rusak",
        **{"attribute[status_jalan]": "kota", "attribute[jenis_kerusakan]": "lubang"},
        media_url=url,
    )
    event = await submitted_event(kafka_bootstrap, topics.submitted, report_id)
    assert event.media_urls == [url]
    _, [request] = await open311.get(f"requests/{report_id}", "json")
    assert request["media_url"] == url


async def test_a_window_that_cannot_be_computed_is_400(open311: Open311) -> None:
    response, _ = await open311.get("requests", "json", end_date="0001-01-02")
    assert response.status_code == 400
