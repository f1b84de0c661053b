"""POST /v1/reports against the real broker and database: one report.submitted
record per report, idempotent retries, and every refusal with its code."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import jsonschema  # type: ignore[import-untyped]
import orjson
import pytest
from intake_testkit import Topics, report_body, running

from tanggap.intake.settings import Settings
from tanggap.schemas.cloudevents import decode
from tanggap.schemas.events import ReportSubmitted
from tanggap.streaming import Message
from tanggap.streaming.testing import read_all

pytestmark = pytest.mark.integration

SCHEMA_FILE = (
    Path(__file__).resolve().parents[4]
    / "schemas"
    / "jsonschema"
    / "id.cilegon.tanggap.report.submitted.json"
)


@pytest.fixture(scope="module")
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings) as (_, client):
        yield client


async def records_of(kafka_bootstrap: str, topic: str, report_id: str) -> list[Message]:
    messages = await read_all(kafka_bootstrap, topic)
    return [m for m in messages if m.header("ce_id") == report_id.encode()]


async def test_a_report_is_one_cloudevent_that_fits_the_committed_schema(
    client: httpx.AsyncClient, kafka_bootstrap: str, topics: Topics
) -> None:
    response = await client.post("/v1/reports", json=report_body())
    assert response.status_code == 202, response.text
    accepted = response.json()
    report_id = accepted["id"]
    assert accepted["status"] == "received"
    assert accepted["submitted_at"].endswith("+07:00")
    assert accepted["status_url"] == (
        f"http://intake.test/v1/reports/{report_id}?token={accepted['tracking_token']}"
    )
    assert accepted["call_numbers"] == []

    [record] = await records_of(kafka_bootstrap, topics.submitted, report_id)
    headers = dict(record.headers)
    assert headers["ce_specversion"] == b"1.0"
    assert headers["ce_type"] == b"id.cilegon.tanggap.report.submitted"
    assert headers["ce_source"] == b"/tanggap/intake"
    assert headers["ce_subject"] == report_id.encode()
    assert headers["content-type"] == b"application/json"
    assert headers["ce_time"].endswith(b"Z")
    assert record.key == b"air-bersih"  # the schemas package's area key

    schema = orjson.loads(SCHEMA_FILE.read_bytes())
    jsonschema.validate(orjson.loads(record.value or b""), schema)
    event = decode(record.value, record.headers).data
    assert isinstance(event, ReportSubmitted)
    assert event.report_id == report_id
    assert event.reporter is not None
    assert event.reporter.phone == "+6281234567890"
    assert event.channel.value == "native"


async def test_a_report_is_readable_at_once_with_its_token(client: httpx.AsyncClient) -> None:
    accepted = (await client.post("/v1/reports", json=report_body())).json()
    report_id, token = accepted["id"], accepted["tracking_token"]

    by_id = await client.get(f"/v1/reports/{report_id}", params={"token": token})
    assert by_id.status_code == 200
    report = by_id.json()
    assert report == {
        "id": report_id,
        "status": "received",
        "category": "air-bersih",
        "submitted_at": accepted["submitted_at"],
        "location": {"lat": -6.0337, "lon": 106.0698},
        "area": None,
        "assigned_unit": None,
        "handler": None,
        "incident_id": None,
        "rejection": None,
        "timeline": [{"at": accepted["submitted_at"], "status": "received", "note": None}],
    }
    by_token = await client.get(f"/v1/track/{token}")
    assert by_token.json() == report


async def test_a_wrong_token_opens_nothing(client: httpx.AsyncClient) -> None:
    first = (await client.post("/v1/reports", json=report_body())).json()
    second = (await client.post("/v1/reports", json=report_body())).json()
    response = await client.get(
        f"/v1/reports/{first['id']}", params={"token": second["tracking_token"]}
    )
    assert response.status_code == 404
    assert response.json()["code"] == "report_not_found"
    assert (await client.get("/v1/track/not-a-token")).status_code == 404


async def test_retries_with_one_key_make_one_report(
    client: httpx.AsyncClient, kafka_bootstrap: str, topics: Topics
) -> None:
    headers = {"Idempotency-Key": "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"}
    answers = [
        await client.post("/v1/reports", json=report_body(), headers=headers) for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [202, 202, 202]
    assert len({a.json()["id"] for a in answers}) == 1
    assert len({a.json()["tracking_token"] for a in answers}) == 1
    records = await records_of(kafka_bootstrap, topics.submitted, answers[0].json()["id"])
    assert len(records) == 1


async def test_the_same_key_with_another_body_is_a_conflict(client: httpx.AsyncClient) -> None:
    headers = {"Idempotency-Key": "kunci-konflik-1"}
    assert (
        await client.post("/v1/reports", json=report_body(), headers=headers)
    ).status_code == 202
    other = await client.post(
        "/v1/reports", json=report_body(description="Isi lain"), headers=headers
    )
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"


async def test_concurrent_retries_with_one_key_produce_once(
    client: httpx.AsyncClient, kafka_bootstrap: str, topics: Topics
) -> None:
    headers = {"Idempotency-Key": "kunci-bersamaan-1"}
    answers = await asyncio.gather(
        *(client.post("/v1/reports", json=report_body(), headers=headers) for _ in range(6))
    )
    accepted = [a for a in answers if a.status_code == 202]
    in_progress = [a for a in answers if a.status_code == 409]
    assert len(accepted) + len(in_progress) == 6
    assert accepted, [a.text for a in answers]
    assert all(a.json()["code"] == "idempotency_in_progress" for a in in_progress)
    assert all("Retry-After" in a.headers for a in in_progress)
    report_id = accepted[0].json()["id"]
    assert {a.json()["id"] for a in accepted} == {report_id}
    assert len(await records_of(kafka_bootstrap, topics.submitted, report_id)) == 1


@pytest.mark.parametrize(
    ("body", "path", "code"),
    [
        (report_body(location={"lat": -96.0, "lon": 106.0}), "location.lat", "out_of_range"),
        ({k: v for k, v in report_body().items() if k != "category"}, "category", "required"),
        (report_body(description=""), "description", "too_short"),
        (report_body(description="a\x00b"), "description", "invalid"),
        (report_body(answers={"jenis": "banjir"}), "answers.jenis", "invalid_choice"),
        (report_body(answers={}), "answers.jenis", "required"),
        (report_body(reporter={"phone": "12"}), "reporter.phone", "invalid_phone"),
        (report_body(reporter={"email": "siti@"}), "reporter.email", "invalid_email"),
        (report_body(privacy="rahasia"), "privacy", "invalid_choice"),
        (report_body(extra=1), "extra", "unknown_field"),
        (
            report_body(category="sampah", answers={"jenis": "tps_penuh"}),
            "media_ids",
            "photo_required",
        ),
    ],
)
async def test_invalid_reports_are_422_with_path_and_code(
    client: httpx.AsyncClient, body: dict[str, object], path: str, code: str
) -> None:
    response = await client.post("/v1/reports", json=body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert response.headers["content-type"] == "application/problem+json"
    assert problem["code"] == "validation_failed"
    assert {"path": path, "code": code} in [
        {"path": e["path"], "code": e["code"]} for e in problem["errors"]
    ]


async def test_an_unknown_category_lists_the_valid_codes(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/reports", json=report_body(category="jalan-berlubang"))
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "unknown_category"
    assert "jalan-rusak" in problem["valid_codes"]
    assert len(problem["valid_codes"]) == 32


async def test_unknown_photos_are_refused(client: httpx.AsyncClient) -> None:
    response = await client.post("/v1/reports", json=report_body(media_ids=["c" * 64]))
    assert response.status_code == 422
    assert response.json()["code"] == "unknown_media"


async def test_an_emergency_report_shows_112(client: httpx.AsyncClient) -> None:
    body = report_body(category="kebakaran", answers={"objek": "rumah", "ada_korban": "tidak"})
    response = await client.post("/v1/reports", json=body)
    assert response.status_code == 202
    assert response.json()["call_numbers"] == ["112"]


async def test_not_json_is_415_and_too_large_is_413(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    text = await client.post(
        "/v1/reports", content=b"kategori=sampah", headers={"content-type": "text/plain"}
    )
    assert text.status_code == 415
    assert text.json()["code"] == "unsupported_media_type"
    huge = report_body(description="x" * 3000, address_text="y" * 400)
    huge["answers"] = {f"q{i}": "z" * 2000 for i in range(settings.max_body_bytes // 2000 + 1)}
    too_large = await client.post("/v1/reports", json=huge)
    assert too_large.status_code == 413
    assert too_large.json()["code"] == "payload_too_large"


@pytest.mark.parametrize("content", [b'{"category": ', b"\xff\xfe{", b""])
async def test_malformed_json_is_422(client: httpx.AsyncClient, content: bytes) -> None:
    response = await client.post(
        "/v1/reports", content=content, headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["code"] == "malformed_json"


async def test_a_malformed_upload_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/media",
        content=b"--batas\r\nbukan multipart",
        headers={"content-type": "multipart/form-data; boundary=batas"},
    )
    assert response.status_code == 422
    assert response.json()["code"] == "validation_failed"


async def test_metrics_count_reports_and_requests_by_route(client: httpx.AsyncClient) -> None:
    await client.post("/v1/reports", json=report_body())
    await client.post("/v1/reports", json=report_body(category="x"))
    text = (await client.get("/metrics")).text
    assert 'tanggap_intake_reports_accepted_total{category="air-bersih",channel="native"}' in text
    assert (
        'tanggap_intake_http_request_seconds_count{method="POST",route="/v1/reports",status="202"}'
        in text
    )
    assert 'tanggap_intake_requests_rejected_total{reason="unknown_category"}' in text
    assert 'tanggap_producer_send_seconds_count{service="intake"' in text


async def test_rate_limit_per_client(settings: Settings) -> None:
    limited = settings.model_copy(update={"rate_limit_per_s": 0.5, "rate_limit_burst": 2})
    async with running(limited) as (_, client):
        statuses = [
            (await client.post("/v1/reports", json=report_body())).status_code for _ in range(3)
        ]
        refused = await client.post("/v1/reports", json=report_body())
    assert statuses == [202, 202, 429]
    assert refused.status_code == 429
    assert refused.json()["code"] == "rate_limited"
    assert int(refused.headers["Retry-After"]) >= 1


async def test_the_catalogue_shows_emergency_numbers(client: httpx.AsyncClient) -> None:
    categories = (await client.get("/v1/categories")).json()["categories"]
    assert len(categories) == 32
    fire = next(c for c in categories if c["code"] == "kebakaran")
    assert (fire["emergency"], fire["call_numbers"]) == (True, ["112"])
    assert fire["questions"][0]["datatype"] == "singlevaluelist"
    assert fire["description_en"]
    one = await client.get("/v1/categories/jalan-rusak")
    assert one.json()["photo_required"] is True
    missing = await client.get("/v1/categories/tidak-ada")
    assert missing.status_code == 404
    assert "jalan-rusak" in missing.json()["valid_codes"]
