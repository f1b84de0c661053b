"""No login: the city's transparency figures and its areas."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from tanggap.dashboard.api.deps import PeriodParams, UseCasesDep
from tanggap.dashboard.api.dto_stats import PublicStats, public_area, totals_of
from tanggap.dashboard.api.errors import PROBLEM_RESPONSES
from tanggap.dashboard.domain.stats import period

router = APIRouter(prefix="/v1/public", tags=["public"], responses={422: PROBLEM_RESPONSES[422]})


class KecamatanRead(BaseModel):
    kode: str
    name: str
    population: int | None
    area_km2: float


class KelurahanRead(KecamatanRead):
    kecamatan_kode: str


class AreasRead(BaseModel):
    kecamatan: list[KecamatanRead]
    kelurahan: list[KelurahanRead]


@router.get("/stats", summary="City-wide figures per kecamatan and category")
async def public_stats(cases: UseCasesDep, params: PeriodParams) -> PublicStats:
    # Whole hours, so that every visitor in the same hour hits the same cache entry.
    start, end = period(*params, cases.clock().replace(minute=0, second=0, microsecond=0))
    figures = await cases.stats.public((start, end))
    return PublicStats(
        period_from=start,
        period_to=end,
        generated_at=figures["now"],
        totals=totals_of(figures["totals"]),
        kecamatan=[
            public_area(r, "kecamatan_kode", "kecamatan_name") for r in figures["kecamatan"]
        ],
        category=[public_area(r, "category", "category") for r in figures["category"]],
    )


@router.get("/areas", summary="The kecamatan and kelurahan of Kota Cilegon")
async def areas(cases: UseCasesDep) -> AreasRead:
    kecamatan, kelurahan = await cases.stats.areas()
    return AreasRead(
        kecamatan=[KecamatanRead.model_validate(r, from_attributes=True) for r in kecamatan],
        kelurahan=[KelurahanRead.model_validate(r, from_attributes=True) for r in kelurahan],
    )
