"""Photo upload and download through the API, and photos in reports."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import httpx
import pytest
from intake_testkit import Topics, jpeg_bytes, report_body, running
from PIL import Image

from tanggap.intake.settings import Settings
from tanggap.schemas.cloudevents import decode
from tanggap.schemas.events import ReportSubmitted
from tanggap.streaming.testing import read_all

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    async with running(settings) as (_, client):
        yield client


def exif_jpeg() -> bytes:
    image = Image.new("RGB", (64, 48), (10, 200, 30))
    exif = Image.Exif()
    exif[0x010F] = "KameraSaya"
    exif[0x0112] = 3
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


async def upload(client: httpx.AsyncClient, data: bytes, content_type: str) -> httpx.Response:
    return await client.post("/v1/media", files={"file": ("foto", data, content_type)})


async def test_upload_strips_metadata_and_serves_the_cleaned_photo(
    client: httpx.AsyncClient,
) -> None:
    response = await upload(client, exif_jpeg(), "image/jpeg")
    assert response.status_code == 201, response.text
    media = response.json()
    assert (media["content_type"], media["width"], media["height"]) == ("image/jpeg", 64, 48)
    assert media["url"] == f"http://intake.test/v1/media/{media['id']}"
    served = await client.get(f"/v1/media/{media['id']}")
    assert served.status_code == 200
    assert served.headers["content-type"] == "image/jpeg"
    assert b"KameraSaya" not in served.content
    assert Image.open(io.BytesIO(served.content)).getexif()[0x0112] == 3
    again = await upload(client, exif_jpeg(), "image/jpeg")
    assert again.json()["id"] == media["id"]  # content-addressed


@pytest.mark.parametrize(
    ("data", "content_type", "status", "code"),
    [
        (b"GIF89a....", "image/gif", 415, "unsupported_media_type"),
        (b"bukan gambar sama sekali", "image/jpeg", 422, "not_an_image"),
        (jpeg_bytes()[:200], "image/jpeg", 422, "not_an_image"),
    ],
)
async def test_what_is_not_an_accepted_photo(
    client: httpx.AsyncClient, data: bytes, content_type: str, status: int, code: str
) -> None:
    response = await upload(client, data, content_type)
    assert response.status_code == status
    assert response.json()["code"] == code


async def test_an_upload_must_be_multipart(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/v1/media", content=jpeg_bytes(), headers={"content-type": "image/jpeg"}
    )
    assert response.status_code == 415


async def test_unknown_media_is_404(client: httpx.AsyncClient) -> None:
    response = await client.get(f"/v1/media/{'d' * 64}")
    assert response.status_code == 404
    assert response.json()["code"] == "media_not_found"


async def test_an_oversized_upload_is_413(settings: Settings) -> None:
    small = settings.model_copy(update={"max_upload_bytes": 1000})
    async with running(small) as (_, client):
        response = await upload(client, jpeg_bytes((400, 400)) * 2, "image/jpeg")
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"


async def test_a_photo_travels_with_its_report(
    client: httpx.AsyncClient, kafka_bootstrap: str, topics: Topics
) -> None:
    media = (await upload(client, jpeg_bytes(), "image/jpeg")).json()
    body = report_body(category="sampah", answers={"jenis": "tps_penuh"}, media_ids=[media["id"]])
    response = await client.post("/v1/reports", json=body)
    assert response.status_code == 202, response.text
    report_id = response.json()["id"]
    records = await read_all(kafka_bootstrap, topics.submitted)
    [record] = [r for r in records if r.header("ce_id") == report_id.encode()]
    event = decode(record.value, record.headers).data
    assert isinstance(event, ReportSubmitted)
    [photo] = event.media
    assert (photo.media_id, photo.sha256, photo.width) == (media["id"], media["id"], 32)
