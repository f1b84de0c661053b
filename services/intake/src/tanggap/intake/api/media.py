"""Photo upload and download."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, File, Path, UploadFile
from fastapi.responses import Response

from tanggap.intake.api import present
from tanggap.intake.api.deps import RuntimeDep, limit_reads, limit_writes, require_multipart
from tanggap.intake.api.dto import MediaOut, Problem
from tanggap.intake.domain.errors import MediaNotFound, PayloadTooLarge
from tanggap.intake.domain.media import ACCEPTED_CONTENT_TYPES

router = APIRouter(prefix="/v1", tags=["media"])


def _problems(*statuses: int) -> dict[int | str, dict[str, object]]:
    return {
        status: {"model": Problem, "content": {"application/problem+json": {}}}
        for status in statuses
    }


@router.post(
    "/media",
    status_code=201,
    summary="Unggah foto",
    description="JPEG, PNG, atau WebP. Foto diuraikan untuk membuktikan bahwa ia gambar, "
    "lalu disimpan ulang tanpa metadata selain orientasi dan lokasi GPS.",
    response_model=MediaOut,
    responses=_problems(413, 415, 422, 429, 503),
    dependencies=[Depends(require_multipart), Depends(limit_writes)],
)
async def upload_media(
    runtime: RuntimeDep,
    file: Annotated[UploadFile, File(description="Berkas foto")],
) -> Response:
    limit = runtime.settings.max_upload_bytes
    data = await file.read(limit + 1)
    if len(data) > limit:
        raise PayloadTooLarge(f"foto melebihi {limit} byte")
    stored = await runtime.reports.upload(data, file.content_type)
    return Response(
        orjson.dumps(present.media(stored, runtime.settings.public_base_url)),
        status_code=201,
        media_type="application/json",
        headers={"Location": f"/v1/media/{stored.media_id}"},
    )


@router.get(
    "/media/{media_id}",
    summary="Unduh foto",
    response_class=Response,
    responses={
        200: {"content": {t: {} for t in sorted(ACCEPTED_CONTENT_TYPES)}, "description": "Foto"},
        **_problems(404, 422, 429),
    },
    dependencies=[Depends(limit_reads)],
)
async def download_media(
    runtime: RuntimeDep,
    media_id: Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="Id foto")],
) -> Response:
    found = await runtime.reports.media(media_id)
    if found is None:
        raise MediaNotFound("foto tidak ditemukan")
    stored, data = found
    return Response(
        data,
        media_type=stored.content_type,
        headers={"Cache-Control": "public, max-age=31536000, immutable"},
    )
