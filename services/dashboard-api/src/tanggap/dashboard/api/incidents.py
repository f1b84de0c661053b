"""Incidents: the list (filters, sort, cursor), GeoJSON, one incident in full."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query

from tanggap.dashboard.api.deps import ClientIp, CurrentPrincipal, Filters, UseCasesDep
from tanggap.dashboard.api.dto_incidents import (
    IncidentDetail,
    IncidentPage,
    UnroutedReport,
    detail_of,
    summary_of,
    unrouted_of,
)
from tanggap.dashboard.api.errors import PROBLEM_RESPONSES, Problem
from tanggap.dashboard.domain.listing import SortKey, SortOrder
from tanggap.schemas.common import Uuid

router = APIRouter(prefix="/v1", tags=["incidents"], responses=PROBLEM_RESPONSES)

IncidentIdPath = Annotated[Uuid, Path(description="The incident id")]


@router.get("/incidents", summary="Incidents in your scope")
async def list_incidents(
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    filters: Filters,
    sort: SortKey = SortKey.OPENED_AT,
    order: SortOrder = SortOrder.DESC,
    cursor: Annotated[str | None, Query(max_length=400)] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> IncidentPage:
    page = await cases.incidents.page(
        principal, filters, sort=sort, order=order, cursor=cursor, limit=limit
    )
    now = cases.clock()
    return IncidentPage(items=[summary_of(r, now) for r in page.rows], next_cursor=page.next_cursor)


@router.get(
    "/incidents.geojson",
    summary="Incidents in your scope as a GeoJSON FeatureCollection (newest first)",
    response_model=None,
)
async def incidents_geojson(
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    filters: Filters,
    limit: Annotated[int, Query(ge=1, le=5000)] = 2000,
) -> dict[str, Any]:
    rows = await cases.incidents.geojson(principal, filters, limit=limit)
    now = cases.clock()
    features = []
    for row in rows:
        summary = summary_of(row, now)
        properties = summary.model_dump(mode="json", exclude={"location"})
        features.append(
            {
                "type": "Feature",
                "id": summary.id,
                "geometry": {"type": "Point", "coordinates": [row.lon, row.lat]},
                "properties": properties,
            }
        )
    return {"type": "FeatureCollection", "features": features}


@router.get(
    "/incidents/{incident_id}",
    summary="One incident: reports, photos, timeline, assignments, escalations, deliveries",
    responses={404: {"model": Problem, "description": "No such incident in your scope"}},
)
async def get_incident(
    incident_id: IncidentIdPath, principal: CurrentPrincipal, cases: UseCasesDep, ip: ClientIp
) -> IncidentDetail:
    detail = await cases.incidents.detail(principal, incident_id, ip)
    return detail_of(detail, cases.clock(), cases.media_base_url)


UnroutedStatus = Literal["received", "rejected"]


@router.get(
    "/reports/unrouted",
    summary="Reports no incident holds: waiting to be placed, or rejected by routing",
    responses={403: {"model": Problem, "description": "Only the command center"}},
)
async def unrouted_reports(
    principal: CurrentPrincipal,
    cases: UseCasesDep,
    ip: ClientIp,
    status: Annotated[list[UnroutedStatus] | None, Query(max_length=2)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[UnroutedReport]:
    wanted = list(status or ["received", "rejected"])
    rows = await cases.incidents.unrouted_reports(principal, wanted, limit, ip)
    return [unrouted_of(row, cases.media_base_url) for row in rows]
