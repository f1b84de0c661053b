"""The agencies' data on the bus (Dishub traffic, ASDP Merak port, BMKG
earthquakes) and whether each feed is fresh: no personal data, any operator."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel

from tanggap.dashboard.api.deps import CurrentPrincipal, UseCasesDep
from tanggap.dashboard.api.dto_incidents import PointRead
from tanggap.dashboard.api.errors import PROBLEM_RESPONSES

router = APIRouter(prefix="/v1/agency", tags=["agency data"], responses=PROBLEM_RESPONSES)

FeedTopic = Literal["agency.dishub.traffic", "agency.asdp.port_status", "agency.bmkg.earthquakes"]


class FeedStatusRead(BaseModel):
    feed: str
    state: str
    last_success_at: datetime | None
    expected_interval_s: int
    at: datetime


class ObservationRead(BaseModel):
    feed_topic: str
    entity_key: str
    type: str
    observed_at: datetime
    location: PointRead | None
    data: dict[str, Any]


class FeedsRead(BaseModel):
    feeds: list[FeedStatusRead]
    observations: list[ObservationRead]


@router.get("/feeds", summary="Feed freshness and the latest observation per entity")
async def feeds(
    _: CurrentPrincipal,
    cases: UseCasesDep,
    topic: FeedTopic | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
) -> FeedsRead:
    status, observations = await cases.feeds.latest(topic, limit)
    return FeedsRead(
        feeds=[FeedStatusRead.model_validate(r, from_attributes=True) for r in status],
        observations=[
            ObservationRead(
                feed_topic=r.feed_topic,
                entity_key=r.entity_key,
                type=r.type,
                observed_at=r.observed_at,
                location=PointRead(lat=r.lat, lon=r.lon) if r.lat is not None else None,
                data=r.data,
            )
            for r in observations
        ],
    )
