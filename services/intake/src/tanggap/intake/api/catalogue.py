"""The category catalogue for clients' report forms."""

from __future__ import annotations

from typing import Annotated

import orjson
from fastapi import APIRouter, Depends, Path
from fastapi.responses import Response

from tanggap.intake.api import present
from tanggap.intake.api.deps import RuntimeDep, limit_reads
from tanggap.intake.api.dto import CategoryList, CategoryOut, Problem
from tanggap.intake.domain.errors import CategoryNotFound

router = APIRouter(prefix="/v1", tags=["kategori"], dependencies=[Depends(limit_reads)])


@router.get(
    "/categories",
    summary="Daftar kategori laporan",
    description="Kategori, pertanyaan tambahannya (bertipe atribut Open311), aturan foto, "
    "dan nomor darurat (112) untuk kategori darurat.",
    response_model=CategoryList,
    responses={429: {"model": Problem, "content": {"application/problem+json": {}}}},
)
async def list_categories(runtime: RuntimeDep) -> Response:
    body = {"categories": [present.category(c) for c in runtime.reports.catalogue]}
    return Response(orjson.dumps(body), media_type="application/json")


@router.get(
    "/categories/{code}",
    summary="Satu kategori",
    response_model=CategoryOut,
    responses={
        status: {"model": Problem, "content": {"application/problem+json": {}}}
        for status in (404, 422, 429)
    },
)
async def get_category(
    runtime: RuntimeDep, code: Annotated[str, Path(min_length=1, max_length=64)]
) -> Response:
    catalogue = runtime.reports.catalogue
    category = catalogue.get(code)
    if category is None:
        raise CategoryNotFound(code, catalogue.codes)
    return Response(orjson.dumps(present.category(category)), media_type="application/json")
